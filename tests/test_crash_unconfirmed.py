"""A newcomer's answers are stored unconfirmed while Telegram is asked whether they are in
the group (services/quiz/unconfirmed.py). Kill the real bot process (SIGKILL) in between:
the next start asks again and counts them, once, or drops an outsider's."""

from __future__ import annotations

from pathlib import Path

import pytest

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import Chat, FakeTelegram, User
from tests.botprocess import BotProcess
from tests.conftest import DATABASES
from tests.harness import eventually
from tests.test_crash_recovery import (
    FEEDBACK,
    answer_as,
    answers_recorded,
    db_rows,
    feedback_posts,
    polls_recorded,
    submissions,
)

ANN = User(51, "Ann", language_code="en")
BO = User(52, "Bo", language_code="en")
CY = User(53, "Cy", language_code="en")
GROUP = Chat(-1005151, "supergroup", title="Night shift")


async def _held(db: Path | str, count: int) -> None:
    """`count` answers wait unconfirmed and their updates have left the inbox: from now on
    only the unconfirmed rows remember them."""

    async def check() -> bool:
        held = db_rows(db, "SELECT COUNT(*) FROM unconfirmed_answers")
        return held == [(count,)] and db_rows(db, "SELECT COUNT(*) FROM inbox") == [(0,)]

    await eventually(check, within=20, what=f"{count} unconfirmed answers, inbox empty")


@pytest.mark.parametrize("database", DATABASES, indirect=True)
async def test_answers_waiting_for_a_verdict_survive_a_kill_and_are_decided_after_it(
    tg: FakeTelegram, oa: FakeOpenAI, proc: BotProcess
) -> None:
    # The bot, Ann and Bo: the quiz completes once both answered both questions.
    tg.set_member_count(GROUP.id, 3)
    tg.set_outsider(GROUP.id, CY)  # votes on a forwarded copy of the polls
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message(FEEDBACK)
    await proc.start()
    tg.user_sends(GROUP, ANN, "/quiz 2 cells")
    polls = await tg.wait_for("sendPoll", count=2, timeout=20)
    await polls_recorded(proc.target, 2)
    # Telegram's verdict on Bo is on its way when the bot dies; Cy's never went out.
    tg.slow_answer("getChatMember", 8.0, lambda _: None)
    for poll in polls:
        answer_as(tg, BO, poll, args, right=True)
    await tg.wait_for("getChatMember", timeout=20)
    await _held(proc.target, 2)
    await proc.kill()
    for poll in polls:
        tg.user_answers_poll(CY, poll.result["poll"]["id"], [0], forwarded=True)

    await proc.start()
    await answers_recorded(proc.target, 2)  # Bo's, asked about again and confirmed
    for poll in polls:
        answer_as(tg, ANN, poll, args, right=True)
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == FEEDBACK, timeout=20)
    await proc.terminate()
    [sub] = submissions(oa)
    assert sorted(p["name"] for p in sub["participants"]) == ["Ann", "Bo"]
    assert all(p["score"] == 2 for p in sub["participants"])
    assert db_rows(proc.target, "SELECT COUNT(*) FROM answers") == [(4,)]
    assert db_rows(proc.target, "SELECT COUNT(*) FROM unconfirmed_answers") == [(0,)]
    assert len(feedback_posts(tg)) == 1
