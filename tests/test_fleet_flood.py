"""Telegram's flood limits hold for the whole fleet: two workers posting into one group share
its budget through the database, and the fake Telegram (which enforces the limits) answers
no 429."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import pytest
from telegram.ext import ExtBot

from fakes import BOT_TOKEN
from fakes.telegram_server import Chat, FakeTelegram
from services.ratelimit import RetryingRateLimiter, SharedPace
from storage import Repository
from storage.send_slots import SendSlots, next_slot, open_slot_pool
from tests.pg_db import fresh_database

GROUP = Chat(-1001234, "supergroup", title="Biology study")
# The fake's windows shrunk twentyfold (its minute becomes 3 s) so that 30 messages take
# seconds, not a minute and a half; the workers' windows are shrunk alike, keeping about
# the margins of the real ones (services/ratelimit.py: GROUP_WINDOWS).
SCALE = 0.05
GROUP_WINDOWS = ((0.07, 1), (3.3, 20))
OVERALL_WINDOWS = ((0.06, 30),)


@asynccontextmanager
async def database(server_url: str) -> AsyncIterator[str]:
    async with fresh_database(server_url) as url:
        # The schema as a worker finds it: every migration, send_slots among them.
        repo = await Repository.open_postgres(url, 1)
        await repo.close()
        yield url


@asynccontextmanager
async def worker(tg: FakeTelegram, url: str) -> AsyncIterator[ExtBot[int]]:
    """What a bot process sends through: PTB's bot with the fleet's rate limiter."""
    pool = await open_slot_pool(url)
    pace = SharedPace(GROUP_WINDOWS, OVERALL_WINDOWS)
    pace.slots = SendSlots(pool)
    bot: ExtBot[int] = ExtBot(
        BOT_TOKEN,
        base_url=f"{tg.root}/bot",
        rate_limiter=RetryingRateLimiter(max_retries=3, shared=pace),
    )
    async with bot:
        yield bot
    await pool.close()


async def send_from_two_workers(tg: FakeTelegram, urls: tuple[str, str]) -> int:
    """30 messages into the group, half from each worker; the 429s Telegram answered."""
    tg.add_chat(GROUP)
    tg.enforce_rate_limits(window_scale=SCALE)
    async with AsyncExitStack() as stack:
        bots = [await stack.enter_async_context(worker(tg, url)) for url in urls]
        await asyncio.gather(
            *(bots[n % 2].send_message(GROUP.id, f"Question {n}") for n in range(30))
        )
    assert len([c for c in tg.calls_of("sendMessage") if c.status == 200]) == 30
    return len([c for c in tg.calls if c.status == 429])


async def test_two_workers_sharing_the_database_get_no_429(
    tg: FakeTelegram, pg_server_url: str
) -> None:
    async with database(pg_server_url) as url:
        assert await send_from_two_workers(tg, (url, url)) == 0


async def test_two_workers_with_a_budget_each_would_get_429s(
    tg: FakeTelegram, pg_server_url: str
) -> None:
    # What the shared database prevents: each worker keeping the group's limits by itself.
    async with database(pg_server_url) as first, database(pg_server_url) as second:
        assert await send_from_two_workers(tg, (first, second)) > 0


@pytest.mark.parametrize(
    ("sent", "now", "expected"),
    [
        ([], 100.0, 100.0),
        ([99.5], 100.0, 100.5),  # one per second: after the last one's second
        ([50.0], 100.0, 100.0),
        ([90.0, 100.5], 100.0, 101.5),  # after a later reservation, and its second
        ([float(t) for t in range(80, 100)], 100.0, 140.0),  # the 21st: the 1st's minute
    ],
)
def test_the_next_slot_keeps_every_window(sent: list[float], now: float, expected: float) -> None:
    assert next_slot(sent, now, ((1.0, 1), (60.0, 20))) == pytest.approx(expected)
