"""Injected failures of both services: the user gets a clear message or the operation
succeeds after a retry, and the bot keeps serving everyone else."""

from __future__ import annotations

import json
from typing import Any

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import Chat, FakeTelegram, User
from tests.conftest import BotFactory
from tests.harness import RunningBot, eventually

ANN = User(51, "Ann", language_code="en")
BO = User(52, "Bo", language_code="en")
PRIVATE = Chat(51, "private")
OTHER = Chat(52, "private")


async def test_openai_5xx_and_429_are_retried_by_the_sdk(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    oa.fail_next(500, path="/responses", headers={"retry-after-ms": "1"})
    oa.fail_next(429, path="/responses", headers={"retry-after-ms": "1"})
    oa.queue_function_call("generate_quiz", quiz_args(2))
    async with make_bot(OPENAI_MAX_RETRIES="2"):
        tg.user_sends(PRIVATE, ANN, "/quiz 2 cells")
        await tg.wait_for("sendPoll", count=2)
    # The writer's request is the one retried; its questions' solves (issue 19) come after.
    attempts = oa.writer_requests
    assert len(attempts) == 3
    assert [r.headers.get("x-stainless-retry-count") for r in attempts] == ["0", "1", "2"]


async def test_slow_model_times_out_with_a_clear_message(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    oa.delay_next(5, path="/responses")
    oa.queue_function_call("generate_quiz", quiz_args(2))
    async with make_bot(OPENAI_TIMEOUT="0.5", OPENAI_MAX_RETRIES="0") as bot:
        tg.user_sends(PRIVATE, ANN, "/quiz 2 cells")
        await tg.wait_for(
            "editMessageText", predicate=lambda c: "not answering right now" in c.params["text"]
        )
        quiz = await bot.services.repo.quizzes.quiz(1)
        assert quiz is not None and quiz.state == "failed"
        # /quiz works again right away.
        tg.user_sends(PRIVATE, ANN, "/quiz 2 cells")
        await tg.wait_for("sendPoll", count=2)


async def test_telegram_502_is_retried_and_nothing_is_lost(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.fail("sendPoll", status=502, times=2)
    oa.queue_function_call("generate_quiz", quiz_args(2))
    tg.user_sends(PRIVATE, ANN, "/quiz 2 cells")
    polls = await tg.wait_for("sendPoll", count=4, timeout=15)
    assert [p.status for p in polls] == [502, 502, 200, 200]


async def test_blocked_by_one_user_does_not_disturb_another(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    oa.queue_function_call("generate_quiz", quiz_args(1))
    oa.queue_function_call("generate_quiz", quiz_args(1))
    oa.queue_message("Bo's feedback.")
    async with make_bot() as bot:
        tg.fail("sendPoll", status=403, description="Forbidden: bot was blocked by the user")
        tg.user_sends(PRIVATE, ANN, "/quiz 1 cells")

        async def cancelled() -> bool:
            quiz = await bot.services.repo.quizzes.quiz(1)
            return quiz is not None and quiz.state == "cancelled"

        await eventually(cancelled, what="Ann's quiz to be cancelled")
        tg.violations.clear()  # the injected 403 is not the bot's fault
        tg.user_sends(OTHER, BO, "/quiz 1 cells")
        polls = await tg.wait_for("sendPoll", count=2)
        tg.user_answers_poll(BO, polls[-1].result["poll"]["id"], [0])
        await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Bo's feedback.")


async def test_every_update_delivered_twice_changes_nothing(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    """Telegram may deliver any update again (a new run, a lost confirmation)."""
    args = quiz_args(3)
    call_id = oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Once.")

    def twice(update_id: int) -> None:
        [update] = [u for u in tg.pending_updates if u["update_id"] == update_id]
        copy = {k: v for k, v in update.items() if k != "update_id"}
        tg.push_update(json.loads(json.dumps(copy)))  # a new id, as after a restart

    async with make_bot(QUIZ_STYLE="keyboard") as bot:
        twice(tg.user_sends(PRIVATE, ANN, "/quiz 3 cells"))
        await tg.wait_for("sendMessage", count=3, predicate=lambda c: "reply_markup" in c.params)
        messages = [
            m for m in tg.messages(PRIVATE.id) if "a:" in json.dumps(m.get("reply_markup", {}))
        ]
        for message in messages:
            data = message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            twice(tg.user_presses(ANN, PRIVATE.id, message["message_id"], data))
        await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Once.")
        await tg.wait_for("answerCallbackQuery", count=6)

        async def settled() -> bool:
            quiz = await bot.services.repo.quizzes.quiz(1)
            return not tg.pending_updates and quiz is not None and quiz.state == "done"

        await eventually(settled)
        repo = bot.services.repo
        # Status, 3 questions, feedback, and once the review offer (one answer was wrong).
        assert len(tg.calls_of("sendMessage")) == 1 + 3 + 1 + 1
        assert [q.state for q in [await repo.quizzes.quiz(1)] if q] == ["done"]
        assert await repo.quizzes.quiz(2) is None
        assert await repo.answers.answer_count(1) == 3
        submissions: list[dict[str, Any]] = [
            json.loads(i["output"])
            for r in oa.requests_to("/responses")
            for i in r.json["input"]
            if i.get("call_id") == call_id
        ]
        assert len(submissions) == 1 and len(submissions[0]["participants"][0]["answers"]) == 3
        assert len([c for c in tg.calls_of("sendMessage") if c.params["text"] == "Once."]) == 1
