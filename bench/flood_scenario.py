"""The flood figure: a private user's first question while a group floods the bot with 60
addressed commands, against the same figure without the flood, in the same bot process.

The fake enforces Telegram's flood limits (1 message a second per chat, 20 a minute per
group), so the group's replies take seconds; the private quiz must not wait for them.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

from bench.proc import BenchTelegram, child, child_env
from bench.report import Row, mark
from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import BOT_USERNAME, Call, Chat, FakeTelegram, User

COMMANDS = 60
FLOOD = [f"/{c}@{BOT_USERNAME}" for c in ("help", "stats", "docs", "style", "nonsense")]
# The private /quiz follows the flood's start by this much, as in the report.
AFTER = 1.0
SLACK = 1.0
WARM_UP = 2.0
SENDS = ("sendMessage", "sendPhoto", "sendDocument", "sendPoll")


@dataclass
class FloodResult:
    quiet_first_poll: float
    flooded_first_poll: float
    group_replies: int
    notices: int
    group_done_at: float


def _to_chat(tg: FakeTelegram, chat_id: int) -> list[Call]:
    return [
        c for c in tg.calls if c.method in SENDS and c.ok and c.params.get("chat_id") == chat_id
    ]


async def _first_poll(tg: FakeTelegram, user: User) -> float:
    t0 = time.monotonic()
    tg.user_sends(Chat(user.id, "private"), user, "/quiz 3 cells")
    [poll] = await tg.wait_for(
        "sendPoll", predicate=lambda c: c.params["chat_id"] == user.id, timeout=120
    )
    return poll.time - t0


async def _stats_reply(tg: FakeTelegram, user: User, before: int) -> None:
    """/stats answered: a chart, or (nothing answered yet) a sentence."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(
            c.method in ("sendPhoto", "sendMessage") and c.params.get("chat_id") == user.id
            for c in tg.calls[before:]
        ):
            return
        await asyncio.sleep(0.05)
    raise RuntimeError("no answer to /stats within 60 s")


async def flood(workdir: Path) -> FloodResult:
    db = workdir / "flood.sqlite3"
    group = Chat(-1_001_000_000_022, "supergroup", title="Flooded group")
    flooder = User(22_000, "Flooder", language_code="en")
    warm_user, quiet_user, flooded_user = (User(22_000 + i, f"P{i}") for i in (1, 2, 3))
    async with BenchTelegram() as tg, FakeOpenAI() as oa:
        tg.enforce_rate_limits()
        for _ in range(3):
            oa.queue_function_call("generate_quiz", quiz_args(3))
        env = child_env(tg, oa, db, QUIZ_MAX_QUESTIONS="3")
        async with child("studyquiz", env, workdir, "flood") as bot:
            await asyncio.wait_for(tg.polling_started.wait(), 30)
            await asyncio.sleep(WARM_UP)  # the language identifier loads at start
            try:
                # Not measured: a bot in service has long run its first quiz and its first
                # /stats.
                await _first_poll(tg, warm_user)
                before = len(tg.calls)
                tg.user_sends(Chat(warm_user.id, "private"), warm_user, "/stats")
                await _stats_reply(tg, warm_user, before)
                quiet = await _first_poll(tg, quiet_user)
                t0 = time.monotonic()
                for i in range(COMMANDS):
                    tg.user_sends(group, flooder, FLOOD[i % len(FLOOD)])
                await asyncio.sleep(AFTER)
                flooded = await _first_poll(tg, flooded_user)
                seen = -1
                while len(_to_chat(tg, group.id)) != seen:
                    seen = len(_to_chat(tg, group.id))
                    await asyncio.sleep(3)
            except AssertionError as exc:
                raise RuntimeError(f"{exc}\nbot log:\n{bot.tail()}") from None
        replies = _to_chat(tg, group.id)
        violations = [*tg.violations, *oa.violations]
    if violations:
        raise RuntimeError("spec violations in the flood run:\n" + "\n".join(violations[:5]))
    return FloodResult(
        quiet_first_poll=quiet,
        flooded_first_poll=flooded,
        group_replies=len(replies),
        notices=sum("Too many commands" in str(c.params.get("text")) for c in replies),
        group_done_at=max((c.time for c in replies), default=t0) - t0,
    )


def flood_rows(r: FloodResult) -> list[Row]:
    return [
        (
            f"9. Flood: {COMMANDS} commands in a group, private /quiz {AFTER:.0f} s later",
            f"group answered {r.group_replies} times ({r.notices} notice),"
            f" last after {r.group_done_at:.1f} s",
            "1 notice",
            mark(r.notices == 1),
        ),
        (
            "   private /quiz -> first sendPoll, flood / no flood",
            f"{r.flooded_first_poll:.2f} s / {r.quiet_first_poll:.2f} s",
            f"<= no flood + {SLACK:.1f} s",
            mark(r.flooded_first_poll <= r.quiet_first_poll + SLACK),
        ),
    ]


async def flood_part(workdir: Path, smoke: bool) -> list[Row]:
    return flood_rows(await flood(workdir))
