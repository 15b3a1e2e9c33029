"""A quiz's critical sections are serialised by the database across workers: two worker
processes, stood for by two connection pools on one PostgreSQL database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from services.fleet import FleetLocks
from services.keyed_locks import KeyedLocks, Locks
from storage.advisory_locks import AdvisoryLocks, open_lock_pool
from tests.pg_db import fresh_database


@pytest.fixture
async def two_pools(pg_server_url: str) -> AsyncIterator[tuple[asyncpg.Pool[Any], ...]]:
    async with fresh_database(pg_server_url) as url:
        first, second = await open_lock_pool(url), await open_lock_pool(url)
        yield first, second
        await first.close()
        await second.close()


async def overlaps(a: Locks, b: Locks, key: int) -> bool:
    """Whether holders of one key, through either lock object, were ever inside at once."""
    inside = 0
    overlapped = False

    async def section(locks: Locks, key: int) -> None:
        nonlocal inside, overlapped
        async with locks.hold(key):
            inside += 1
            overlapped = overlapped or inside > 1
            # The section awaits Telegram or the model: others get every chance to enter.
            await asyncio.sleep(0.2)
            inside -= 1

    await asyncio.gather(section(a, key), section(b, key), section(a, key))
    return overlapped


async def test_two_workers_never_hold_one_quiz_at_once(
    two_pools: tuple[asyncpg.Pool[Any], ...],
) -> None:
    first, second = two_pools
    a, b = FleetLocks(AdvisoryLocks(first, "quiz")), FleetLocks(AdvisoryLocks(second, "quiz"))
    assert not await overlaps(a, b, 7)
    order: list[str] = []

    async def section(locks: FleetLocks, who: str) -> None:
        async with locks.hold(7):
            order.append(f"{who} in")
            await asyncio.sleep(0.2)
            order.append(f"{who} out")

    await asyncio.gather(section(a, "a"), section(b, "b"), section(a, "c"))
    # Each one's section ends before the next one's begins.
    assert all(order[i].endswith("in") and order[i + 1].endswith("out") for i in (0, 2, 4))
    assert [order[i][0] for i in (0, 2, 4)] == [order[i][0] for i in (1, 3, 5)]


async def test_other_quizzes_and_namespaces_are_not_held_up(
    two_pools: tuple[asyncpg.Pool[Any], ...],
) -> None:
    first, second = two_pools
    a, b = FleetLocks(AdvisoryLocks(first, "quiz")), FleetLocks(AdvisoryLocks(second, "quiz"))
    started = asyncio.get_running_loop().time()
    async with a.hold(1), b.hold(2), FleetLocks(AdvisoryLocks(second, "live")).hold(1):
        pass
    assert asyncio.get_running_loop().time() - started < 5


async def test_in_process_locks_serialise_one_process_only() -> None:
    # The SQLite (one process) implementation: same contract inside the process.
    shared = KeyedLocks()
    assert not await overlaps(shared, shared, 3)
    assert await overlaps(KeyedLocks(), KeyedLocks(), 3)


async def test_a_cancelled_holder_leaves_no_lock_behind(
    two_pools: tuple[asyncpg.Pool[Any], ...],
) -> None:
    first, second = two_pools
    a, b = FleetLocks(AdvisoryLocks(first, "quiz")), FleetLocks(AdvisoryLocks(second, "quiz"))
    entered = asyncio.Event()

    async def stuck() -> None:
        async with a.hold(9):
            entered.set()
            await asyncio.sleep(3600)

    task = asyncio.create_task(stuck())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with asyncio.timeout(5), b.hold(9):
        pass
    assert len(a) == 0
