"""No quiz stays stuck waiting for its feedback: a retry or /stop resumes (never sends the
answers twice), repeated failures close the quiz and say so, and admins can cancel it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from tests.harness import RunningBot, eventually

ANN = User(81, "Ann", language_code="en")
BO = User(82, "Bo", language_code="en")
ADMIN = User(89, "Admin", language_code="en")
PRIVATE = Chat(ANN.id, "private")
GROUP = Chat(-1008181, "supergroup", title="Study group")


def with_buttons(call: Call) -> bool:
    return "Try again" in json.dumps(call.params.get("reply_markup", ""))


def button(tg: FakeTelegram, chat: Chat, message: Call, label: str) -> str:
    row = tg.message(chat.id, message.result["message_id"])["reply_markup"]["inline_keyboard"][0]
    [data] = [b["callback_data"] for b in row if label in b["text"]]
    return str(data)


def submissions(oa: FakeOpenAI) -> list[dict[str, Any]]:
    return [
        json.loads(item["output"])
        for req in oa.requests_to("/responses")
        for item in req.json["input"]
        if item.get("type") == "function_call_output" and "participants" in item["output"]
    ]


async def state_is(bot: RunningBot, quiz_id: int, state: str) -> None:
    async def check() -> bool:
        quiz = await bot.services.repo.quizzes.quiz(quiz_id)
        return quiz is not None and quiz.state == state

    await eventually(check, what=f"quiz {quiz_id} {state}")


@pytest.mark.parametrize("retry", ["button", "/stop"])
async def test_a_retry_after_the_answers_reached_the_model_does_not_send_them_twice(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot, retry: str
) -> None:
    oa.queue_function_call("generate_quiz", quiz_args(1))
    oa.queue_message("Feedback the bot never read.")
    tg.user_sends(PRIVATE, ANN, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll")
    # The model got the answers and wrote its reply, but the stream broke on the way back.
    oa.drop_stream_after(2)
    tg.user_answers_poll(ANN, poll.result["poll"]["id"], [0])
    [sorry] = await tg.wait_for("sendMessage", predicate=with_buttons)
    if retry == "button":
        data = button(tg, PRIVATE, sorry, "Try")
        tg.user_presses(ANN, PRIVATE.id, sorry.result["message_id"], data)
    else:
        tg.user_sends(PRIVATE, ANN, "/stop")
    await tg.wait_for(
        "sendMessage", predicate=lambda c: c.params["text"] == "Feedback the bot never read."
    )
    assert len(submissions(oa)) == 1
    await state_is(bot, 1, "done")


async def test_repeated_failures_close_the_quiz_and_free_the_chat(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    oa.queue_function_call("generate_quiz", quiz_args(1))
    tg.user_sends(PRIVATE, ANN, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll")
    # QUIZ_SUBMIT_ATTEMPTS defaults to 3: the answer, Try again, /stop.
    oa.fail_next(503, path="/responses", times=3)
    tg.user_answers_poll(ANN, poll.result["poll"]["id"], [0])
    [sorry] = await tg.wait_for("sendMessage", predicate=with_buttons)
    tg.user_presses(ANN, PRIVATE.id, sorry.result["message_id"], button(tg, PRIVATE, sorry, "Try"))
    await tg.wait_for("sendMessage", count=2, predicate=with_buttons)
    tg.user_sends(PRIVATE, ANN, "/stop")
    await tg.wait_for("sendMessage", predicate=lambda c: "after 3 tries" in c.params["text"])
    await state_is(bot, 1, "failed")
    # The chat is free for a new quiz (once the usual cooldown has passed).
    assert await bot.services.repo.quizzes.live_quiz(PRIVATE.id, 0) is None


async def test_an_admin_cancels_a_quiz_stuck_without_feedback(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.set_admins(GROUP.id, {ADMIN.id})
    oa.queue_function_call("generate_quiz", quiz_args(1))
    tg.user_sends(GROUP, ANN, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll")
    oa.fail_next(503, path="/responses")
    # Ann is everyone (Telegram counts her and the bot): her answer completes the quiz.
    tg.user_answers_poll(ANN, poll.result["poll"]["id"], [0])
    [sorry] = await tg.wait_for("sendMessage", predicate=with_buttons)
    cancel = button(tg, GROUP, sorry, "Cancel")
    tg.user_presses(BO, GROUP.id, sorry.result["message_id"], cancel)
    [refused] = await tg.wait_for("answerCallbackQuery")
    assert refused.params["text"] == "Only the starter or an admin can cancel the quiz"
    tg.user_presses(ADMIN, GROUP.id, sorry.result["message_id"], cancel)
    await tg.wait_for("sendMessage", predicate=lambda c: "cancelled" in c.params["text"])
    await state_is(bot, 1, "failed")
    # Its buttons go with it.
    [deleted] = await tg.wait_for("deleteMessage")
    assert deleted.params["message_id"] == sorry.result["message_id"]
    assert await bot.services.repo.quizzes.live_quiz(GROUP.id, 0) is None
