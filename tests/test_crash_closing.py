"""Kill the real bot process (SIGKILL) while it closes a quiz, or just after the answer that
completed it was stored: the next start finishes the close, each step once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from fakes import BOT_TOKEN, OPENAI_KEY
from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args, right_choice
from fakes.telegram_server import Chat, FakeTelegram, User
from tests.botprocess import BotProcess
from tests.harness import eventually
from tests.test_crash_recovery import (
    FEEDBACK,
    answer_poll,
    db_rows,
    feedback_posts,
    polls_recorded,
    submissions,
)
from tests.test_e2e_keyboard import button_for, keyboard_messages

ANN = User(41, "Ann", language_code="en")
PRIVATE = Chat(41, "private")
GROUP = Chat(-1004141, "supergroup", title="Crash group")

Factory = Callable[..., BotProcess]


@pytest.fixture
async def make_proc(tg: FakeTelegram, oa: FakeOpenAI, tmp_path: Path) -> AsyncIterator[Factory]:
    made: list[BotProcess] = []

    def factory(**env: str) -> BotProcess:
        bot = BotProcess(tg, oa, tmp_path / "db.sqlite3", tmp_path / "bot.log", **env)
        made.append(bot)
        return bot

    yield factory
    for bot in made:
        if bot.proc is not None:
            await bot.kill()
        log = bot.output()
        assert BOT_TOKEN not in log and OPENAI_KEY not in log
        assert "Traceback" not in log, log


def killer(proc: BotProcess) -> Callable[[], None]:
    def kill() -> None:
        assert proc.proc is not None
        proc.proc.kill()

    return kill


async def test_killed_mid_close_the_restart_redoes_only_the_missing_steps(
    tg: FakeTelegram, oa: FakeOpenAI, make_proc: Factory
) -> None:
    proc = make_proc()
    # Ten members: Ann's answers alone do not complete the quiz; her /stop closes it.
    tg.set_member_count(GROUP.id, 10)
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message(FEEDBACK)
    await proc.start()
    tg.user_sends(GROUP, ANN, "/quiz 2 cells")
    polls = await tg.wait_for("sendPoll", count=2, timeout=20)
    await polls_recorded(proc.db, 2)
    for i, poll in enumerate(polls):
        answer_poll(tg, poll, args, right_choice(args, i))

    async def answered() -> bool:
        return db_rows(proc.db, "SELECT COUNT(*) FROM answers") == [(2,)]

    await eventually(answered, within=20, what="both answers stored")
    # The finish button is gone and the first poll stopped; the bot dies before the second.
    tg.before_call("stopPoll", killer(proc), nth=2)
    tg.user_sends(GROUP, ANN, "/stop")
    await proc.reap()
    assert db_rows(proc.db, "SELECT state FROM quizzes") == [("submitting",)]
    assert not feedback_posts(tg)

    await proc.start()
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == FEEDBACK, timeout=20)
    assert all(tg.polls[p.result["poll"]["id"]]["is_closed"] for p in polls)
    # Each step once: nothing Telegram had done already was asked again.
    assert len(tg.calls_of("stopPoll")) == 2
    assert len(tg.calls_of("editMessageReplyMarkup")) == 1
    results = [c for c in tg.calls_of("sendMessage") if "Results" in c.params["text"]]
    assert len(results) == 1 and "Ann" in results[0].params["text"]
    [sub] = submissions(oa)
    assert sub["status"] == "stopped" and sub["participants"][0]["score"] == 2
    await proc.terminate()
    assert len(feedback_posts(tg)) == 1
    assert db_rows(proc.db, "SELECT state FROM quizzes") == [("done",)]


async def test_killed_right_after_the_last_answer_was_stored_the_quiz_finishes_at_start(
    tg: FakeTelegram, oa: FakeOpenAI, make_proc: Factory
) -> None:
    # Keyboard questions (the default is polls): a tap is stored, then acknowledged, then
    # the quiz is closed, so the bot can die between the first two.
    proc = make_proc(QUIZ_STYLE="keyboard")
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message(FEEDBACK)
    await proc.start()
    tg.user_sends(PRIVATE, ANN, "/quiz 2 cells")
    await tg.wait_for(
        "sendMessage", count=2, predicate=lambda c: "reply_markup" in c.params, timeout=20
    )
    questions = keyboard_messages(tg, PRIVATE.id)
    for i, question in enumerate(questions):
        data = button_for(question, args, i, right_choice(args, i))
        if i == 1:
            tg.before_call("answerCallbackQuery", killer(proc))
        tg.user_presses(ANN, PRIVATE.id, question["message_id"], data)
        if i == 0:
            await tg.wait_for("answerCallbackQuery", timeout=20)
    await proc.reap()
    assert db_rows(proc.db, "SELECT COUNT(*) FROM answers") == [(2,)]
    assert db_rows(proc.db, "SELECT state FROM quizzes") == [("open",)]

    await proc.start()
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == FEEDBACK, timeout=20)
    [sub] = submissions(oa)
    assert sub["status"] == "completed" and sub["participants"][0]["score"] == 2
    await proc.terminate()
    assert len(feedback_posts(tg)) == 1
