"""Memory with the defaults: the production bot (QUIZ_VERIFY=on, as shipped) runs
one private quiz to its feedback and one /stats; its peak RSS, and its RSS a while later.
A bare python-telegram-bot polling the same fake is the floor it is printed against."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from bench.proc import BenchTelegram, child, child_env
from bench.report import Row, mark
from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import Chat, User

RSS_TARGET_MIB = 150.0
PLAYER = User(2727, "Footprint", language_code="en")


@dataclass
class FootprintResult:
    peak_kib: int
    later_kib: int
    settle: float
    bare_kib: int | None
    stats_sent: bool


async def _bare_idle(workdir: Path) -> int:
    async with BenchTelegram() as tg:
        env = child_env(tg, None, workdir / "unused.sqlite3")
        async with child("bare", env, workdir, "footprint-bare") as bot:
            await asyncio.wait_for(tg.polling_started.wait(), 30)
            await asyncio.sleep(1.0)
            return bot.status_kib("VmHWM")


async def footprint(workdir: Path, settle: float = 20.0, bare: bool = True) -> FootprintResult:
    db = workdir / "footprint.sqlite3"
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    chat = Chat(PLAYER.id, "private")
    args = quiz_args(3, title="Photosynthesis")
    async with BenchTelegram() as tg, FakeOpenAI() as oa:
        oa.queue_function_call("generate_quiz", args)
        oa.queue_message("**Well done**: the footprint quiz's feedback.")
        # The defaults a user gets: child_env names none of the bot's settings.
        env = child_env(tg, oa, db)
        async with child("studyquiz", env, workdir, "footprint") as bot:
            await asyncio.wait_for(tg.polling_started.wait(), 30)
            try:
                tg.user_sends(chat, PLAYER, "/quiz 3 the light reactions of photosynthesis")
                polls = await tg.wait_for("sendPoll", count=3, timeout=60)
                for poll in polls:
                    tg.user_answers_poll(PLAYER, poll.result["poll"]["id"], [0])
                await tg.wait_for(
                    "sendMessage",
                    predicate=lambda c: "Well done" in c.params.get("text", ""),
                    timeout=60,
                )
                tg.user_sends(chat, PLAYER, "/stats")
                await tg.wait_for("sendPhoto", timeout=60)
            except AssertionError as exc:
                raise RuntimeError(f"{exc}\nbot log:\n{bot.tail()}") from None
            peak = bot.status_kib("VmHWM")
            await asyncio.sleep(settle)
            later = bot.status_kib("VmRSS")
            peak = max(peak, bot.status_kib("VmHWM"))
        violations = [*tg.violations, *oa.violations]
        sent = bool(tg.calls_of("sendPhoto"))
    if violations:
        raise RuntimeError("spec violations in the footprint run:\n" + "\n".join(violations[:5]))
    floor = await _bare_idle(workdir) if bare else None
    return FootprintResult(peak, later, settle, floor, sent)


def footprint_rows(r: FootprintResult) -> list[Row]:
    peak = r.peak_kib / 1024
    return [
        (
            "11. Memory with the defaults: a private quiz, then /stats",
            f"peak {peak:.0f} MiB; {r.later_kib / 1024:.0f} MiB {r.settle:.0f} s later"
            + (f" (bare PTB polling: {r.bare_kib / 1024:.0f} MiB)" if r.bare_kib else ""),
            f"< {RSS_TARGET_MIB:.0f} MiB",
            mark(peak < RSS_TARGET_MIB and r.stats_sent),
        ),
    ]
