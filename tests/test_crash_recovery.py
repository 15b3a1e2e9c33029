"""Kill the real bot process (SIGKILL) at the worst moments and restart it on the same
database: no answer lost, none counted twice, no poll sent twice, feedback posted once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fakes.openai_server import FakeOpenAI, message_item
from fakes.quizdata import choice_text, quiz_args, right_choice
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from tests.botprocess import BotProcess
from tests.conftest import DATABASES, pg_rows
from tests.harness import eventually

ANN = User(41, "Ann", language_code="en")
PRIVATE = Chat(41, "private")
FEEDBACK = "Feedback after the crash."


def answer_poll(tg: FakeTelegram, poll: Call, args: dict[str, Any], choice: int) -> int:
    index = int(poll.params["question"].split("/")[0]) - 1
    texts = [o["text"] for o in poll.params["options"]]
    return tg.user_answers_poll(
        ANN, poll.result["poll"]["id"], [texts.index(choice_text(args, index, choice))]
    )


def submissions(oa: FakeOpenAI) -> list[dict[str, Any]]:
    out = []
    for req in oa.requests_to("/responses"):
        for item in req.json["input"]:
            if item.get("type") == "function_call_output" and "participants" in item["output"]:
                out.append(json.loads(item["output"]))
    return out


def feedback_posts(tg: FakeTelegram) -> list[Call]:
    return [c for c in tg.calls_of("sendMessage") if c.ok and c.params["text"] == FEEDBACK]


def db_rows(db: Path | str, sql: str) -> list[tuple[Any, ...]]:
    """What the bot committed, read by another connection (SQLite's file or PostgreSQL)."""
    if isinstance(db, str):
        return pg_rows(db, sql)
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return list(conn.execute(sql))


async def polls_recorded(db: Path | str, count: int) -> None:
    """Wait until the bot has stored the polls it sent: from then on it owes nothing.

    (Between Telegram accepting a poll and our commit there is an unavoidable window: the
    Bot API has no idempotency key, so a crash exactly there re-sends that one poll.)"""

    async def check() -> bool:
        rows = db_rows(db, "SELECT COUNT(*) FROM questions WHERE poll_id IS NOT NULL")
        return rows == [(count,)]

    await eventually(check, within=20, what=f"{count} polls recorded")


async def test_killed_after_polls_were_sent(
    tg: FakeTelegram, oa: FakeOpenAI, proc: BotProcess
) -> None:
    args = quiz_args(3)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message(FEEDBACK)
    await proc.start()
    tg.user_sends(PRIVATE, ANN, "/quiz 3 cells")
    polls = await tg.wait_for("sendPoll", count=3, timeout=20)
    await polls_recorded(proc.target, 3)
    await proc.restart()
    for i, poll in enumerate(polls):
        answer_poll(tg, poll, args, right_choice(args, i))
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == FEEDBACK, timeout=20)
    assert len(tg.calls_of("sendPoll")) == 3
    assert len(oa.requests_to("/conversations", "POST")) == 1
    [sub] = submissions(oa)
    assert sub["participants"][0]["score"] == 3
    await proc.terminate()
    assert len(feedback_posts(tg)) == 1


@pytest.mark.parametrize("database", DATABASES, indirect=True)
async def test_killed_mid_answers_right_after_telegram_forgot_them(
    tg: FakeTelegram, oa: FakeOpenAI, proc: BotProcess
) -> None:
    args = quiz_args(3)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message(FEEDBACK)
    await proc.start()
    tg.user_sends(PRIVATE, ANN, "/quiz 3 cells")
    polls = await tg.wait_for("sendPoll", count=3, timeout=20)
    await polls_recorded(proc.target, 3)
    answer_poll(tg, polls[0], args, 0)
    last = answer_poll(tg, polls[1], args, 1)
    # The next getUpdates confirmed them: Telegram will never send them again.
    await tg.wait_confirmed(last, timeout=20)
    await proc.kill()
    await proc.start()
    answer_poll(tg, polls[2], args, 2)
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == FEEDBACK, timeout=20)
    [sub] = submissions(oa)
    answers = [(a["question_index"], a["choice_index"]) for a in sub["participants"][0]["answers"]]
    assert answers == [(0, 0), (1, 1), (2, 2)]
    await proc.terminate()
    assert db_rows(proc.target, "SELECT COUNT(*) FROM answers") == [(3,)]
    assert db_rows(proc.target, "SELECT COUNT(*) FROM inbox") == [(0,)]
    assert len(feedback_posts(tg)) == 1


@pytest.mark.parametrize("database", DATABASES, indirect=True)
async def test_killed_while_the_model_wrote_the_feedback(
    tg: FakeTelegram, oa: FakeOpenAI, proc: BotProcess
) -> None:
    args = quiz_args(1)
    oa.queue_function_call("generate_quiz", args)

    def die_mid_submission(body: dict[str, Any], items: list[Any]) -> list[dict[str, Any]]:
        # The model got the answers and writes its reply, but the bot is gone before it
        # reads it: the reply exists only in the conversation.
        assert proc.proc is not None
        proc.proc.kill()
        return [message_item(FEEDBACK)]

    oa.queue_handler(die_mid_submission)
    await proc.start()
    tg.user_sends(PRIVATE, ANN, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll", timeout=20)
    await polls_recorded(proc.target, 1)
    answer_poll(tg, poll, args, right_choice(args, 0))
    await oa.wait_for_request("/responses", count=2, timeout=20)
    await proc.reap()

    await proc.start()
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == FEEDBACK, timeout=20)
    # Recovered from the conversation: the answers were not sent to the model again.
    assert len(submissions(oa)) == 1
    assert oa.requests_to("/conversations/")  # it looked
    await proc.terminate()
    assert len(feedback_posts(tg)) == 1
    assert db_rows(proc.target, "SELECT state FROM quizzes") == [("done",)]


async def test_killed_while_the_model_wrote_the_feedback_without_conversations(
    tg: FakeTelegram, oa: FakeOpenAI, proc: BotProcess
) -> None:
    oa.conversations_enabled = False  # the bot keeps the items; the server keeps nothing
    args = quiz_args(1)
    call_id = oa.queue_function_call("generate_quiz", args)

    def die_mid_submission(body: dict[str, Any], items: list[Any]) -> list[dict[str, Any]]:
        # The model got the answers, but the bot is gone before it reads the reply: with
        # store false the reply is nowhere now.
        assert proc.proc is not None
        proc.proc.kill()
        return [message_item("Lost with the old process.")]

    oa.queue_handler(die_mid_submission)
    oa.queue_message(FEEDBACK)
    await proc.start()
    tg.user_sends(PRIVATE, ANN, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll", timeout=20)
    await polls_recorded(proc.target, 1)
    answer_poll(tg, poll, args, right_choice(args, 0))
    # The quiz, its question's solve (issue 19), the lost submission.
    await oa.wait_for_request("/responses", count=3, timeout=20)
    await proc.reap()

    await proc.start()
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == FEEDBACK, timeout=20)
    generate, lost, again = [
        r.json for r in oa.requests_to("/responses") if r not in oa.solve_requests
    ]
    # Asked again once, from the stored items: the user turn, the model's call as returned,
    # and the same answers paired with it.
    assert again["store"] is False and "conversation" not in again
    user, call, output = again["input"]
    assert user == generate["input"][0]
    assert call["type"] == "function_call" and call["call_id"] == call_id
    assert output["type"] == "function_call_output" and output["call_id"] == call_id
    assert again["input"] == lost["input"]  # nothing of the lost turn was kept
    assert [sub["participants"][0]["score"] for sub in submissions(oa)] == [1, 1]
    await proc.terminate()
    assert len(feedback_posts(tg)) == 1
    assert not [c for c in tg.calls_of("sendMessage") if "old process" in c.params["text"]]
    assert db_rows(proc.target, "SELECT state FROM quizzes") == [("done",)]


async def test_sigterm_shuts_down_cleanly(
    tg: FakeTelegram, oa: FakeOpenAI, proc: BotProcess
) -> None:
    oa.queue_function_call("generate_quiz", quiz_args(2))
    await proc.start()
    tg.user_sends(PRIVATE, ANN, "/quiz 2 cells")
    await tg.wait_for("sendPoll", count=2, timeout=20)
    assert await proc.terminate() == 0
    assert db_rows(proc.target, "PRAGMA integrity_check") == [("ok",)]
    assert db_rows(proc.target, "SELECT state FROM quizzes") == [("open",)]


async def test_killed_while_the_model_wrote_the_quiz(
    tg: FakeTelegram, oa: FakeOpenAI, proc: BotProcess
) -> None:
    oa.delay_next(30, path="/responses")
    oa.queue_function_call("generate_quiz", quiz_args(2))
    await proc.start()
    tg.user_sends(PRIVATE, ANN, "/quiz 2 cells")
    await oa.wait_for_request("/responses", timeout=20)
    await proc.kill()
    await proc.start()
    # No silent hang: the user is told, and the chat is free for a new quiz.
    await tg.wait_for(
        "sendMessage",
        predicate=lambda c: "interrupted by a restart" in c.params["text"],
        timeout=20,
    )
    assert db_rows(proc.target, "SELECT state FROM quizzes") == [("failed",)]
    assert not tg.calls_of("sendPoll")
    await proc.terminate()


def sent_to(chat_id: int) -> Callable[[Call], bool]:
    return lambda call: call.params["chat_id"] == chat_id


async def test_killed_right_after_a_burst_across_two_quizzes_was_confirmed(
    tg: FakeTelegram, oa: FakeOpenAI, proc: BotProcess
) -> None:
    # Answers are written in batches (one transaction for what arrives together): a kill
    # between Telegram forgetting the batch and the batch's commit must lose none of it.
    groups = [Chat(-1001, "supergroup", title="One"), Chat(-1002, "supergroup", title="Two")]
    players = [User(100 + i, f"Player {i}", language_code="en") for i in range(4)]
    args = quiz_args(3)
    await proc.start()
    polls: dict[int, list[Call]] = {}
    for group in groups:
        tg.set_member_count(group.id, len(players) + 1)  # the bot counts too
        oa.queue_function_call("generate_quiz", args)
        tg.user_sends(group, players[0], "/quiz 3 cells")
        polls[group.id] = await tg.wait_for(
            "sendPoll", count=3, predicate=sent_to(group.id), timeout=20
        )
    await polls_recorded(proc.target, 6)
    oa.queue_message(FEEDBACK)
    oa.queue_message(FEEDBACK)

    # No await between them: one getUpdates batch, both quizzes interleaved.
    last = 0
    for player in players:
        for group in groups:
            for poll in polls[group.id]:
                last = tg.user_answers_poll(player, poll.result["poll"]["id"], [0])
    # Killed inside the request that confirms the batch: Telegram forgets it then, while
    # the answers are still being gathered for their commit.
    assert proc.proc is not None
    tg.when_confirmed(last, proc.proc.kill)
    await proc.reap()

    await proc.start()
    await tg.wait_for(
        "sendMessage", count=2, predicate=lambda c: c.params["text"] == FEEDBACK, timeout=20
    )
    await proc.terminate()
    assert db_rows(
        proc.target,
        "SELECT COUNT(*), COUNT(DISTINCT quiz_id || '/' || question_idx"
        " || '/' || user_id) FROM answers",
    ) == [(24, 24)]
    assert db_rows(proc.target, "SELECT state FROM quizzes ORDER BY id") == [("done",), ("done",)]
    assert sorted(c.params["chat_id"] for c in feedback_posts(tg)) == sorted(g.id for g in groups)
    assert len(submissions(oa)) == 2
    assert all(len(sub["participants"]) == 4 for sub in submissions(oa))
    assert len(tg.calls_of("sendPoll")) == 6
    assert db_rows(proc.target, "SELECT COUNT(*) FROM inbox") == [(0,)]


BO = User(42, "Bo", language_code="en")
CY = User(43, "Cy", language_code="en")
GROUP = Chat(-1004242, "supergroup", title="Friday quiz")
LIVE_SECONDS = 15
DOWNTIME = 3.0
LIVE_FEEDBACK = "A game that outlived its process."


def answer_as(tg: FakeTelegram, user: User, poll: Call, args: dict[str, Any], right: bool) -> int:
    index = int(poll.params["question"].split("/")[0]) - 1
    choice = right_choice(args, index) if right else (right_choice(args, index) + 1) % 4
    texts = [o["text"] for o in poll.params["options"]]
    return tg.user_answers_poll(
        user, poll.result["poll"]["id"], [texts.index(choice_text(args, index, choice))]
    )


async def answers_recorded(db: Path | str, count: int) -> None:
    async def check() -> bool:
        return db_rows(db, "SELECT COUNT(*) FROM answers") == [(count,)]

    await eventually(check, within=20, what=f"{count} answers recorded")


@pytest.mark.parametrize("database", DATABASES, indirect=True)
async def test_a_live_game_killed_mid_question_continues_after_the_restart(
    tg: FakeTelegram, oa: FakeOpenAI, tmp_path: Path, database: str | None
) -> None:
    # The bot and three players: a question ends early once all three answered.
    tg.set_member_count(GROUP.id, 4)
    args = quiz_args(3)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message(LIVE_FEEDBACK)
    on = {"DATABASE_URL": database} if database else {}
    proc = BotProcess(
        tg,
        oa,
        tmp_path / "db.sqlite3",
        tmp_path / "bot.log",
        QUIZ_LIVE_SECONDS=str(LIVE_SECONDS),
        **on,
    )
    try:
        await proc.start()
        tg.user_sends(GROUP, ANN, "/live 3 cells")
        [q1] = await tg.wait_for("sendPoll", timeout=20)
        for user in (ANN, BO, CY):
            answer_as(tg, user, q1, args, right=True)
        q2 = (await tg.wait_for("sendPoll", count=2, timeout=20))[1]
        await polls_recorded(proc.target, 2)
        # Question 2 of 3 is open: Ann's answer is stored and Telegram forgot it; then kill.
        last = answer_as(tg, ANN, q2, args, right=True)
        await tg.wait_confirmed(last, timeout=20)
        await answers_recorded(proc.target, 4)
        await proc.kill()
        # While the bot is down the poll keeps counting: Bo's answer waits at Telegram.
        answer_as(tg, BO, q2, args, right=False)
        # Down for a while: a timer counted from the restart would be late by this much.
        await asyncio.sleep(DOWNTIME)
        await proc.start()
        await answers_recorded(proc.target, 5)
        # Cy never answers question 2: question 3 goes out at question 2's own deadline,
        # neither at once after the restart nor a whole period later.
        q3 = (await tg.wait_for("sendPoll", count=3, timeout=LIVE_SECONDS + 10))[2]
        gap = q3.time - q2.time
        assert LIVE_SECONDS <= gap < LIVE_SECONDS + 1.5, gap
        # As for question 2: an answer faster than the bot's commit of the poll is not ours.
        await polls_recorded(proc.target, 3)
        for user in (ANN, BO, CY):
            answer_as(tg, user, q3, args, right=True)
        await tg.wait_for(
            "sendMessage", predicate=lambda c: c.params["text"] == LIVE_FEEDBACK, timeout=20
        )
        await proc.terminate()
    finally:
        if proc.proc is not None:
            await proc.kill()
    log = proc.output()
    assert "Traceback" not in log, log

    # Nothing posted twice, every Bot API call accepted.
    polls = tg.calls_of("sendPoll")
    assert len(polls) == 3 and len({p.params["question"] for p in polls}) == 3
    assert all(c.ok for c in tg.calls), [c for c in tg.calls if not c.ok]
    sent = [c.params["text"] for c in tg.calls_of("sendMessage")]
    assert sum("Standings" in t for t in sent) == 1
    assert sum("Results" in t for t in sent) == 1
    assert sum(t == LIVE_FEEDBACK for t in sent) == 1
    # Every answer counted once, the one sent while the bot was down included.
    [sub] = submissions(oa)
    assert sub["status"] == "completed"
    by_user = {p["participant"]: p for p in sub["participants"]}
    assert {u: [a["question_index"] for a in p["answers"]] for u, p in by_user.items()} == {
        "P1": [0, 1, 2],
        "P2": [0, 1, 2],
        "P3": [0, 2],
    }
    assert [a["correct"] for a in by_user["P2"]["answers"]] == [True, False, True]
    assert db_rows(proc.target, "SELECT COUNT(*) FROM answers") == [(8,)]
