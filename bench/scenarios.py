"""The four measurements of the first benchmark, each against fresh fakes and a fresh bot
process: ingest here, the others in modules of their own (re-exported)."""

from __future__ import annotations

import asyncio
import copy
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import (
    FEEDBACK,
    SMOKE,
    Sizes,
    _answers_in,
    _fresh,
    _member,
    _poll_index,
)
from bench.memory_scenario import MemoryResult, memory
from bench.pacing_scenario import PacingResult, group_pacing
from bench.proc import BenchTelegram, Child, child, child_env, percentile
from bench.ttfq_scenario import TtfqResult, time_to_first_question
from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import Chat, JSONDict

# What the other modules and the tests import from here (each part lives in its own module).
__all__ = [
    "FEEDBACK",
    "SMOKE",
    "IngestResult",
    "MemoryResult",
    "PacingResult",
    "RunFigures",
    "Sizes",
    "TtfqResult",
    "_answers_in",
    "_fresh",
    "_ingest_bare",
    "_member",
    "_poll_index",
    "group_pacing",
    "ingest",
    "memory",
    "time_to_first_question",
]


@dataclass
class RunFigures:
    answers: int
    seconds: float
    latencies: list[float]
    peak_rss_kib: int
    idle_rss_kib: int
    cpu_seconds: float

    @property
    def per_second(self) -> float:
        return self.answers / self.seconds if self.seconds > 0 else float("nan")

    @property
    def cpu_ms_per_answer(self) -> float:
        return self.cpu_seconds * 1000 / max(1, self.answers)

    def latency_ms(self, p: float) -> float:
        return percentile(self.latencies, p) * 1000


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class IngestResult:
    expected: int
    stored: list[int]
    ours: list[RunFigures]
    bare: list[RunFigures]
    quiz_finished: bool
    profile: Path | None = None

    @property
    def fractions(self) -> list[float]:
        """Ours over bare, per round: each round runs both back to back, so load that comes
        and goes on a shared machine hits both about alike."""
        return [o.per_second / b.per_second for o, b in zip(self.ours, self.bare, strict=True)]

    @property
    def fraction(self) -> float:
        return _median(self.fractions)

    @property
    def cpu_fraction(self) -> float:
        """Bare CPU per answer over ours: the same ratio, from CPU time instead of wall time."""
        return _median(
            [
                b.cpu_ms_per_answer / o.cpu_ms_per_answer
                for o, b in zip(self.ours, self.bare, strict=True)
            ]
        )

    def median(self, which: str, attr: str) -> float:
        runs = self.ours if which == "ours" else self.bare
        return _median([float(getattr(r, attr)) for r in runs])

    def latency_ms(self, which: str, p: float) -> float:
        runs = self.ours if which == "ours" else self.bare
        return _median([r.latency_ms(p) for r in runs])


def _figures(
    child_report: dict[str, Any],
    t0: float,
    cpu0: float,
    served: dict[int, float],
    update_of: dict[tuple[Any, ...], int],
    bot: Child,
    idle_rss: int,
) -> RunFigures:
    records = child_report["records"]
    done = [float(r[-1]) for r in records]
    latencies = [
        float(r[-1]) - served[update_of[tuple(r[:-1])]]
        for r in records
        if tuple(r[:-1]) in update_of and update_of[tuple(r[:-1])] in served
    ]
    return RunFigures(
        answers=len(records),
        seconds=max(done) - t0 if done else float("nan"),
        latencies=latencies,
        peak_rss_kib=bot.status_kib("VmHWM"),
        idle_rss_kib=idle_rss,
        # Up to the last answer's commit (None if the child never saw them all).
        cpu_seconds=(child_report.get("cpu_at_last") or bot.cpu_seconds()) - cpu0,
    )


@dataclass
class _OursRun:
    figures: RunFigures
    stored: int
    finished: bool
    burst: list[JSONDict]


async def _ingest_ours(sizes: Sizes, workdir: Path, profile: bool) -> _OursRun:
    expected = sizes.members * sizes.questions
    db = _fresh(workdir / "ingest.sqlite3")
    group = Chat(-1_001_000_000_001, "supergroup", title="Bench group")
    members = [_member(i) for i in range(sizes.members)]
    args = quiz_args(sizes.questions, title="Bench")
    async with BenchTelegram() as tg, FakeOpenAI() as oa:
        # Everyone in the group plays (the bot is the extra member), so the last answer
        # completes the quiz as it would in real life; that part is not timed.
        tg.set_member_count(group.id, sizes.members + 1)
        oa.queue_function_call("generate_quiz", args)
        oa.queue_message(FEEDBACK)
        extra = {"QUIZ_MAX_QUESTIONS": str(max(sizes.questions, 1))}
        if profile:
            extra["BENCH_PROFILE"] = str(workdir / "ingest-profile.txt")
        env = child_env(tg, oa, db, BENCH_EXPECT=str(expected), **extra)
        async with child("studyquiz", env, workdir, "ingest-studyquiz") as bot:
            await asyncio.wait_for(tg.polling_started.wait(), 30)
            tg.user_sends(group, members[0], f"/quiz {sizes.questions} cell biology")
            polls = await tg.wait_for("sendPoll", count=sizes.questions, timeout=30)
            await asyncio.sleep(0.5)  # let the bot settle: the idle figure is after posting
            idle = bot.status_kib("VmRSS")
            update_of: dict[tuple[Any, ...], int] = {}
            # No await in this loop: the bot sees the whole burst queued at once.
            for member in members:
                for poll in polls:
                    index = _poll_index(poll)
                    choice = (member.id + index) % len(poll.params["options"])
                    update_id = tg.user_answers_poll(member, poll.result["poll"]["id"], [choice])
                    update_of[(1, index, member.id)] = update_id
            t0, cpu0 = time.monotonic(), bot.cpu_seconds()
            burst = [
                copy.deepcopy({k: v for k, v in u.items() if k != "update_id"})
                for u in tg.pending_updates
                if "poll_answer" in u or "poll" in u
            ]
            report = await bot.report(_ingest_timeout(expected))
            figures = _figures(report, t0, cpu0, tg.served_at, update_of, bot, idle)
            stored = await asyncio.to_thread(_answers_in, db)
            try:
                await tg.wait_for(
                    "sendMessage",
                    predicate=lambda c: "Well done" in c.params.get("text", ""),
                    timeout=30,
                )
                finished = True
            except AssertionError:
                finished = False
        violations = [*tg.violations, *oa.violations]
    if violations:
        raise RuntimeError("spec violations in the ingest run:\n" + "\n".join(violations[:5]))
    return _OursRun(figures, stored, finished, burst)


def _ingest_timeout(expected: int) -> float:
    return 60 + expected / 50  # generous: 50 answers/s would already be a failure


async def _ingest_bare(burst: list[JSONDict], workdir: Path) -> RunFigures:
    """The same updates through python-telegram-bot with a do-nothing PollAnswerHandler."""
    expected = sum("poll_answer" in u for u in burst)
    async with BenchTelegram() as tg:
        env = child_env(tg, None, workdir / "unused.sqlite3", BENCH_EXPECT=str(expected))
        async with child("bare", env, workdir, "ingest-bare") as bot:
            await asyncio.wait_for(tg.polling_started.wait(), 30)
            await asyncio.sleep(0.5)
            idle = bot.status_kib("VmRSS")
            update_of: dict[tuple[Any, ...], int] = {}
            for update in burst:
                update_id = tg.push_update(update, expect_delivery="poll_answer" in update)
                if "poll_answer" in update:
                    answer = update["poll_answer"]
                    update_of[(answer["poll_id"], answer["user"]["id"])] = update_id
            t0, cpu0 = time.monotonic(), bot.cpu_seconds()
            report = await bot.report(_ingest_timeout(expected))
            return _figures(report, t0, cpu0, tg.served_at, update_of, bot, idle)


async def ingest(
    sizes: Sizes,
    workdir: Path,
    *,
    rounds: int = 1,
    profile: bool = False,
) -> IngestResult:
    """Every member answers every question of one group quiz, all updates queued at once;
    then the same updates through a bare python-telegram-bot. `rounds` times, alternating."""
    ours: list[_OursRun] = []
    bare: list[RunFigures] = []
    for _ in range(rounds):
        ours.append(await _ingest_ours(sizes, workdir, profile))
        bare.append(await _ingest_bare(ours[-1].burst, workdir))
    return IngestResult(
        expected=sizes.members * sizes.questions,
        stored=[o.stored for o in ours],
        ours=[o.figures for o in ours],
        bare=bare,
        quiz_finished=all(o.finished for o in ours),
        profile=workdir / "ingest-profile.txt" if profile else None,
    )
