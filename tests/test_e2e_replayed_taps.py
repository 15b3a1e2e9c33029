"""Button taps read too late to be answered (replayed from the inbox after a restart):
Telegram refuses the answer, and the tap's work is done all the same."""

from __future__ import annotations

import json

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import CALLBACK_ANSWER_WINDOW, Call, Chat, FakeTelegram, User
from i18n import tr
from tests.harness import RunningBot, eventually

ANN = User(71, "Ann", language_code="en")
ADMIN = User(79, "Admin", language_code="en")
PRIVATE = Chat(71, "private")
GROUP = Chat(-100710, "supergroup", title="Late taps")
# Older than Telegram takes an answer for.
LATE = CALLBACK_ANSWER_WINDOW + 5


def button_data(tg: FakeTelegram, chat_id: int, message_id: int) -> list[str]:
    rows = tg.message(chat_id, message_id).get("reply_markup", {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row]


async def _state_is(bot: RunningBot, quiz_id: int, state: str) -> bool:
    quiz = await bot.services.repo.quizzes.quiz(quiz_id)
    return quiz is not None and quiz.state == state


def refused_answers(tg: FakeTelegram) -> list[Call]:
    return [c for c in tg.calls_of("answerCallbackQuery") if not c.ok]


async def test_late_finish_tap_still_ends_the_quiz(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.set_admins(GROUP.id, {ADMIN.id})
    tg.set_member_count(GROUP.id, 10)
    oa.queue_function_call("generate_quiz", quiz_args(2))
    oa.queue_message("Feedback.")
    tg.user_sends(GROUP, ANN, "/quiz 2 cells")
    await tg.wait_for("sendPoll", count=2)
    [ready] = [m for m in tg.messages(GROUP.id) if "inline_keyboard" in m.get("reply_markup", {})]
    [data] = button_data(tg, GROUP.id, ready["message_id"])
    tg.user_presses(ADMIN, GROUP.id, ready["message_id"], data, sent_ago=LATE)
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Feedback.")
    await eventually(lambda: _state_is(bot, 1, "done"), what="the quiz to be done")
    assert len(tg.calls_of("stopPoll")) == 2
    assert len(refused_answers(tg)) == 1


async def test_late_try_again_tap_still_delivers_the_feedback(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    oa.queue_function_call("generate_quiz", quiz_args(1))
    tg.user_sends(PRIVATE, ANN, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll")
    oa.fail_next(503, path="/responses")
    tg.user_answers_poll(ANN, poll.result["poll"]["id"], [0])
    [sorry] = await tg.wait_for(
        "sendMessage",
        predicate=lambda c: "Try again" in json.dumps(c.params.get("reply_markup", "")),
    )
    oa.queue_message("Here is your feedback.")
    message_id = sorry.result["message_id"]
    # Try again, then Cancel.
    [data, _] = button_data(tg, PRIVATE.id, message_id)
    tg.user_presses(ANN, PRIVATE.id, message_id, data, sent_ago=LATE)
    await tg.wait_for(
        "sendMessage", predicate=lambda c: c.params["text"] == "Here is your feedback."
    )
    await eventually(lambda: _state_is(bot, 1, "done"), what="the quiz to be done")
    assert len(refused_answers(tg)) == 1


async def test_late_language_tap_still_sets_the_language(tg: FakeTelegram, bot: RunningBot) -> None:
    tg.user_sends(PRIVATE, ANN, "/lang")
    [picker] = await tg.wait_for("sendMessage")
    tg.user_presses(ANN, PRIVATE.id, picker.result["message_id"], "lang:ko", sent_ago=LATE)
    await tg.wait_for(
        "editMessageText", predicate=lambda c: c.params["text"] == tr("ko", "lang_set")
    )
    assert (await bot.services.repo.chats.chat_settings(PRIVATE.id)).lang == "ko"
    assert len(refused_answers(tg)) == 1


async def test_late_menu_taps_still_answer(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.user_sends(PRIVATE, ANN, "/start")
    [menu] = await tg.wait_for("sendMessage")
    menu_id = menu.result["message_id"]
    tg.user_presses(ANN, PRIVATE.id, menu_id, "menu:help", sent_ago=LATE)
    await tg.wait_for("sendMessage", predicate=lambda c: "How StudyQuiz works" in c.params["text"])
    oa.queue_function_call("generate_quiz", quiz_args(2))
    tg.user_presses(ANN, PRIVATE.id, menu_id, "menu:sample", sent_ago=LATE)
    await tg.wait_for("sendPoll", count=2)

    async def opened() -> bool:
        quiz = await bot.services.repo.quizzes.quiz(1)
        return quiz is not None and quiz.state == "open"

    await eventually(opened)
    assert len(refused_answers(tg)) == 2
