"""A big group's `/stop`: 200 players have answered all 5 questions (1,000 answers), the
starter sends /stop, and measured is the time from the bot receiving /stop to the answers'
submission reaching the model (the `function_call_output` request). Everything between is on
the path to the feedback: closing the polls, the leaderboard, building the submission; the
study cards of every answer must not be.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from bench.proc import BenchTelegram, child, child_env
from bench.report import Row, mark
from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import Call, Chat, User

TARGET_SECONDS = 0.2
FEEDBACK = "Well answered, all of you: the feedback of the /stop benchmark."


@dataclass(frozen=True)
class StopSizes:
    players: int = 200
    questions: int = 5


SMOKE_STOP = StopSizes(players=10, questions=2)


@dataclass
class StopResult:
    sizes: StopSizes
    answers: int
    to_submission: float  # /stop served to the bot -> the submission request
    to_feedback: float  # /stop served -> the feedback message
    cards: int  # study cards written (one per answer)


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


async def _until(db: Path, table: str, n: int, within: float) -> None:
    deadline = time.monotonic() + within
    while await asyncio.to_thread(_count, db, table) < n:
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {n} rows in {table}")
        await asyncio.sleep(0.05)


def _is_submission(body: object) -> bool:
    items = body.get("input") if isinstance(body, dict) else None
    return isinstance(items, list) and any(
        isinstance(i, dict) and i.get("type") == "function_call_output" for i in items
    )


def _poll_index(poll: Call) -> int:
    return int(str(poll.params["question"]).split("/", 1)[0]) - 1


async def stop_timing(workdir: Path, sizes: StopSizes) -> StopResult:
    db = workdir / "stop.sqlite3"
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    n, group = sizes.questions, Chat(-1_001_000_000_888, "supergroup", title="Stop group")
    players = [User(20_000 + i, f"Player{i}", language_code="en") for i in range(sizes.players)]
    expected = n * len(players)
    async with BenchTelegram() as tg, FakeOpenAI() as oa:
        # More members than players: the quiz stays open until /stop.
        tg.set_member_count(group.id, sizes.players + 20)
        oa.queue_function_call("generate_quiz", quiz_args(n, title="Stop"))
        oa.queue_message(FEEDBACK)
        env = child_env(tg, oa, db, QUIZ_MAX_QUESTIONS=str(n))
        async with child("studyquiz", env, workdir, "stop") as bot:
            try:
                await asyncio.wait_for(tg.polling_started.wait(), 30)
                tg.user_sends(group, players[0], f"/quiz {n} cell biology")
                polls = await tg.wait_for(
                    "sendPoll", count=n, predicate=lambda c: c.ok, timeout=180
                )
                for player in players:
                    for poll in polls:
                        choice = (player.id + _poll_index(poll)) % len(poll.params["options"])
                        tg.user_answers_poll(player, poll.result["poll"]["id"], [choice])
                await _until(db, "answers", expected, 120)
                # The answers' burst is over, and so is the group's one message a second after
                # the last poll (the results message would wait for it): the figure is /stop's.
                await asyncio.sleep(1.1)
                stop = tg.user_sends(group, players[0], "/stop")
                feedback = await tg.wait_for(
                    "sendMessage",
                    predicate=lambda c: c.ok and "Well answered" in c.params["text"],
                    timeout=120,
                )
                await _until(db, "study_cards", expected, 60)
            except (AssertionError, RuntimeError) as exc:
                raise RuntimeError(f"{exc}\nbot log:\n{bot.tail()}") from None
        submitted = [r for r in oa.requests_to("/responses", "POST") if _is_submission(r.json)]
        violations = [*tg.violations, *oa.violations]
    if violations or not submitted:
        problems = violations[:5] or ["no submission request"]
        raise RuntimeError("in the /stop run:\n" + "\n".join(problems))
    served = tg.served_at[stop]
    return StopResult(
        sizes=sizes,
        answers=expected,
        to_submission=submitted[0].time - served,
        to_feedback=feedback[0].time - served,
        cards=await asyncio.to_thread(_count, db, "study_cards"),
    )


def stop_rows(r: StopResult) -> list[Row]:
    return [
        (
            f"9. /stop in a group of {r.sizes.players} players ({r.answers:,} answers)",
            f"{r.cards:,} study cards written",
            "one per answer",
            mark(r.cards == r.answers),
        ),
        (
            "   /stop -> submission request",
            f"{r.to_submission:.3f} s (feedback posted at {r.to_feedback:.3f} s)",
            f"<= {TARGET_SECONDS} s",
            mark(r.to_submission <= TARGET_SECONDS),
        ),
    ]


async def stop_part(workdir: Path, smoke: bool) -> list[Row]:
    return stop_rows(await stop_timing(workdir, SMOKE_STOP if smoke else StopSizes()))
