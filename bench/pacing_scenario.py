"""Group pacing under Telegram's flood limits: how long a group's quiz takes to post."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import (
    FEEDBACK,
    Sizes,
    _answers_in,
    _member,
    _poll_index,
    _quiz_state,
    _wait_for_db,
)
from bench.proc import BenchTelegram, child, child_env
from bench.report import Row, mark
from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import Call, Chat, User
from quiz.states import QuizState


@dataclass
class PacingResult:
    questions: int
    messages: int
    calls: int
    seconds: float
    to_last_poll: float
    stop_to_feedback: float
    too_many_requests: int
    stopped_by_command: bool
    methods: dict[str, int] = field(default_factory=dict)


@dataclass
class _PacingRun:
    """The players' side of the pacing quiz, in monotonic seconds."""

    t0: float
    polls: list[Call]
    stopped: bool
    stop_at: float
    feedback: Call


def _answer_every_poll(tg: BenchTelegram, players: list[User], polls: list[Call]) -> None:
    for player in players:
        for poll in polls:
            choice = (player.id + _poll_index(poll)) % len(poll.params["options"])
            tg.user_answers_poll(player, poll.result["poll"]["id"], [choice])


async def _play_pacing(
    tg: BenchTelegram, db: Path, group: Chat, players: list[User], n: int
) -> _PacingRun:
    """Start the quiz, answer it all, /stop it if it is still open, wait for the feedback."""
    starter = players[0]
    t0 = time.monotonic()
    tg.user_sends(group, starter, f"/quiz {n} cell biology")
    polls = await tg.wait_for("sendPoll", count=n, predicate=lambda c: c.ok, timeout=180)
    _answer_every_poll(tg, players, polls)

    def answered(path: Path) -> bool:
        return _answers_in(path) >= n * len(players)

    await _wait_for_db(db, "every answer stored", answered, 60)
    stopped = await asyncio.to_thread(_quiz_state, db) == QuizState.OPEN
    stop_at = time.monotonic()
    if stopped:
        tg.user_sends(group, starter, "/stop")
    feedback = await tg.wait_for(
        "sendMessage",
        predicate=lambda c: c.ok and "Well done" in c.params["text"],
        timeout=180,
    )
    return _PacingRun(t0, polls, stopped, stop_at, feedback[0])


async def group_pacing(sizes: Sizes, workdir: Path) -> PacingResult:
    db = workdir / "pacing.sqlite3"
    n = sizes.pacing_questions
    group = Chat(-1_001_000_000_777, "supergroup", title="Pacing group")
    players = [_member(i) for i in range(sizes.pacing_players)]
    args = quiz_args(n, title="Pacing")
    async with BenchTelegram() as tg, FakeOpenAI() as oa:
        tg.enforce_rate_limits(
            per_group_per_minute=20, per_chat_per_second=1, window_scale=sizes.pacing_window_scale
        )
        # More members than players: the quiz waits for /stop from its starter, whatever
        # the group code decides about quizzes that everyone has answered.
        tg.set_member_count(group.id, sizes.pacing_players + 20)
        oa.queue_function_call("generate_quiz", args)
        oa.queue_message(FEEDBACK)
        env = child_env(tg, oa, db, QUIZ_MAX_QUESTIONS=str(n))
        async with child("studyquiz", env, workdir, "pacing") as bot:
            await asyncio.wait_for(tg.polling_started.wait(), 30)
            try:
                run = await _play_pacing(tg, db, group, players, n)
            except (AssertionError, RuntimeError) as exc:
                raise RuntimeError(f"{exc}\nbot log:\n{bot.tail()}") from None
        ours = [c for c in tg.calls if c.params.get("chat_id") == group.id]
        violations = [*tg.violations, *oa.violations]
    if violations:
        raise RuntimeError("spec violations in the pacing run:\n" + "\n".join(violations[:5]))
    return PacingResult(
        questions=n,
        messages=sum(
            1 for c in ours if c.ok and c.method.startswith("send") and c.method != "sendChatAction"
        ),
        calls=len(ours),
        seconds=run.feedback.time - run.t0,
        to_last_poll=run.polls[-1].time - run.t0,
        stop_to_feedback=run.feedback.time - run.stop_at,
        too_many_requests=tg.too_many_requests,
        stopped_by_command=run.stopped,
        methods=dict(Counter(c.method for c in ours)),
    )


def pacing_rows(r: PacingResult, scale: float) -> list[Row]:
    limits = "20/min per group, 1/s per chat" + (f", windows x{scale}" if scale != 1 else "")
    how = "/stop by the starter" if r.stopped_by_command else "closed by itself"
    return [
        (
            f"4. Group pacing ({limits})",
            f"{r.questions} questions, feedback after {r.seconds:.1f} s ({how})",
            "",
            "",
        ),
        ("   /quiz -> last poll", f"{r.to_last_poll:.1f} s", "", ""),
        ("   last answer -> feedback", f"{r.stop_to_feedback:.1f} s", "", ""),
        (
            "   calls in the group",
            ", ".join(f"{m} {n}" for m, n in sorted(r.methods.items())),
            "",
            "",
        ),
        (
            "   messages sent / API calls in the group",
            f"{r.messages} / {r.calls}",
            "<= 20 per minute",
            mark(r.messages <= 20 or r.seconds >= 60),
        ),
        (
            "   429 Too Many Requests",
            str(r.too_many_requests),
            "0",
            mark(r.too_many_requests == 0),
        ),
    ]
