"""Memory with many open quizzes: the bot's resident size, idle and after answers to each."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import Sizes, _answers_in, _member
from bench.proc import BenchTelegram, child, child_env
from bench.report import RSS_TARGET_MIB, Row, mark, mib
from fakes.quizdata import quiz_args
from fakes.telegram_server import JSONDict, User
from quiz.validation import parse_quiz
from storage import Repository


@dataclass
class MemoryResult:
    quizzes: int
    answered: int
    recovered_rss_kib: int
    peak_rss_kib: int
    baseline_rss_kib: int
    seed_seconds: float

    @property
    def per_quiz_kib(self) -> float:
        return (self.peak_rss_kib - self.baseline_rss_kib) / max(1, self.quizzes)


def _seed_poll_id(i: int, index: int) -> str:
    return f"{7_000_000_000 + i * 100 + index}"


async def seed_open_quizzes(db: Path, count: int, questions: int) -> None:
    """`count` open group quizzes, every question posted, through the bot's own Repository."""
    parsed = parse_quiz(json.dumps(quiz_args(questions, title="Seeded")), questions)
    now = time.time()
    repo = await Repository.open(db)
    try:
        for i in range(count):
            row = await repo.quizzes.create_quiz(
                chat_id=-(2_000_000 + i),
                thread_id=0,
                chat_type="group",
                starter_id=20_000 + i,
                request_key=f"seed:{i}",
                topic="seeded topic",
                num_questions=questions,
                style="poll",
                lang="en",
                now=now,
            )
            assert row is not None
            orders = [tuple(range(len(q.choices))) for q in parsed.questions]
            await repo.quizzes.open_quiz(row.id, parsed, orders, ["poll"] * questions, now)
            # Far-off deadline and a head count nobody reaches: they stay open while measured.
            await repo.quizzes.set_closing_rules(row.id, now + 24 * 3600, 100)
            for index in range(questions):
                await repo.questions.set_question_message(
                    row.id, index, message_id=index + 2, poll_id=_seed_poll_id(i, index)
                )
    finally:
        await repo.close()


def _poll_answer(poll_id: str, user: User, option: int) -> JSONDict:
    return {
        "poll_answer": {
            "poll_id": poll_id,
            "user": user.to_api(),
            "option_ids": [option],
            "option_persistent_ids": [f"{poll_id}-{option}"],
        }
    }


async def _idle_rss(workdir: Path) -> int:
    """The bot with an empty database, polling: what every figure here is on top of."""
    async with BenchTelegram() as tg:
        env = child_env(tg, None, workdir / "empty.sqlite3")
        async with child("studyquiz", env, workdir, "memory-empty") as bot:
            await asyncio.wait_for(tg.polling_started.wait(), 30)
            await asyncio.sleep(1.0)
            return bot.status_kib("VmHWM")


async def memory(sizes: Sizes, workdir: Path) -> MemoryResult:
    db = workdir / "memory.sqlite3"
    questions = 5
    started = time.monotonic()
    await seed_open_quizzes(db, sizes.open_quizzes, questions)
    seed_seconds = time.monotonic() - started
    baseline = await _idle_rss(workdir)
    async with BenchTelegram() as tg:
        env = child_env(tg, None, db, BENCH_EXPECT=str(sizes.open_quizzes))
        async with child("studyquiz", env, workdir, "memory") as bot:
            await asyncio.wait_for(tg.polling_started.wait(), 30)
            # Recovery reads every open quiz and arms its deadline; it sends nothing here.
            await asyncio.sleep(2.0)
            recovered = bot.status_kib("VmRSS")
            for i in range(sizes.open_quizzes):
                # One answer in every chat: each quiz is touched by a handler.
                tg.push_update(_poll_answer(_seed_poll_id(i, 0), _member(i), i % 4))
            await bot.report(60 + sizes.open_quizzes / 50)
            answered = await asyncio.to_thread(_answers_in, db)
            peak = bot.status_kib("VmHWM")
        violations = tg.violations
    if violations:
        raise RuntimeError("spec violations in the memory run:\n" + "\n".join(violations[:5]))
    return MemoryResult(
        quizzes=sizes.open_quizzes,
        answered=answered,
        recovered_rss_kib=recovered,
        peak_rss_kib=peak,
        baseline_rss_kib=baseline,
        seed_seconds=seed_seconds,
    )


def memory_rows(r: MemoryResult) -> list[Row]:
    return [
        (
            f"3. Memory: {r.quizzes} open quizzes, peak RSS",
            f"{mib(r.peak_rss_kib):.0f} MiB (after recovery {mib(r.recovered_rss_kib):.0f};"
            f" empty DB {mib(r.baseline_rss_kib):.0f})",
            f"< {RSS_TARGET_MIB:.0f} MiB",
            mark(mib(r.peak_rss_kib) < RSS_TARGET_MIB),
        ),
        (
            "   per open quiz (one answer each)",
            f"{r.per_quiz_kib:.1f} KiB; {r.answered}/{r.quizzes} answers stored",
            "",
            mark(r.answered == r.quizzes),
        ),
    ]
