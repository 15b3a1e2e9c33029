"""Settings are the admins' call in groups, and a button's data acts only on its own message.

A modified client can send any callback data from any of the bot's messages: pressed on a
quiz or on its feedback, a menu's or a retry's data must neither edit nor delete it."""

from __future__ import annotations

import json

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from i18n import tr
from tests.harness import RunningBot, eventually

ANN = User(2201, "Ann", language_code="en")
ADMIN = User(2202, "Admin", language_code="en")
PRIVATE = Chat(ANN.id, "private")
GROUP = Chat(-1002201, "supergroup", title="Study group")


def toasts(tg: FakeTelegram) -> list[str]:
    return [str(c.params.get("text", "")) for c in tg.calls_of("answerCallbackQuery")]


def touched(tg: FakeTelegram, chat_id: int, message_id: int) -> list[Call]:
    """Every edit or deletion of one message."""
    return [
        c
        for c in tg.calls
        if c.method.startswith(("edit", "delete"))
        and c.params.get("chat_id") == chat_id
        and c.params.get("message_id") == message_id
    ]


async def test_style_and_its_buttons_are_for_admins_in_groups(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    tg.set_admins(GROUP.id, {ADMIN.id}, creator=ADMIN.id)
    default = (await bot.services.repo.chats.chat_settings(GROUP.id)).style
    tg.user_sends(GROUP, ANN, "/style keyboard")
    [refused] = await tg.wait_for("sendMessage")
    assert refused.params["text"] == tr("en", "admins_only")
    assert (await bot.services.repo.chats.chat_settings(GROUP.id)).style == default

    # The /start menu's style buttons follow the same rule.
    tg.user_sends(GROUP, ANN, "/start")
    [_, menu] = await tg.wait_for("sendMessage", count=2)
    tg.user_presses(ANN, GROUP.id, menu.result["message_id"], "menu:style")
    [_, _, choices] = await tg.wait_for("sendMessage", count=3)
    choices_id = choices.result["message_id"]
    tg.user_presses(ANN, GROUP.id, choices_id, "menu:style:keyboard")
    await tg.wait_for("answerCallbackQuery", count=2)
    assert toasts(tg)[-1] == tr("en", "admins_only")
    assert touched(tg, GROUP.id, choices_id) == []
    assert (await bot.services.repo.chats.chat_settings(GROUP.id)).style == default

    tg.user_presses(ADMIN, GROUP.id, choices_id, "menu:style:keyboard")
    [edit] = await tg.wait_for("editMessageText")
    assert edit.params["text"] == tr("en", "style_set", style="keyboard")
    assert (await bot.services.repo.chats.chat_settings(GROUP.id)).style == "keyboard"
    tg.user_sends(GROUP, ADMIN, "/style poll")
    await tg.wait_for(
        "sendMessage", predicate=lambda c: c.params["text"] == tr("en", "style_set", style="poll")
    )
    assert (await bot.services.repo.chats.chat_settings(GROUP.id)).style == "poll"


async def test_forged_menu_and_retry_data_touch_no_other_message(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    oa.queue_function_call("generate_quiz", quiz_args(1))
    tg.user_sends(PRIVATE, ANN, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll")
    poll_id = poll.result["message_id"]
    oa.fail_next(503, path="/responses")
    tg.user_answers_poll(ANN, poll.result["poll"]["id"], [0])
    [sorry] = await tg.wait_for(
        "sendMessage",
        predicate=lambda c: "Try again" in json.dumps(c.params.get("reply_markup", "")),
    )
    sorry_id = sorry.result["message_id"]

    # The retry's data pressed on the quiz's poll: the poll stays, the quiz is not retried.
    tg.user_presses(ANN, PRIVATE.id, poll_id, "retry:1", forged=True)
    # A menu's and the language picker's data pressed on the retry message: it stays as is.
    tg.user_presses(ANN, PRIVATE.id, sorry_id, "menu:style:keyboard", forged=True)
    tg.user_presses(ANN, PRIVATE.id, sorry_id, "lang:en", forged=True)
    await tg.wait_for("answerCallbackQuery", count=3)
    assert toasts(tg) == [tr("en", "invalid_button")] * 3
    assert touched(tg, PRIVATE.id, poll_id) == []
    assert touched(tg, PRIVATE.id, sorry_id) == []
    assert (await bot.services.repo.chats.chat_settings(PRIVATE.id)).style is None
    assert (await bot.services.repo.chats.chat_settings(PRIVATE.id)).lang is None
    assert len(oa.writer_requests) == 2

    # The real button still works, and removes only its own message.
    oa.queue_message("Here is your feedback.")
    tg.user_presses(ANN, PRIVATE.id, sorry_id, "retry:1")
    [feedback] = await tg.wait_for(
        "sendMessage", predicate=lambda c: c.params["text"] == "Here is your feedback."
    )
    [deleted] = tg.calls_of("deleteMessage")
    assert deleted.params["message_id"] == sorry_id

    async def done() -> bool:
        quiz = await bot.services.repo.quizzes.quiz(1)
        return quiz is not None and quiz.state == "done"

    await eventually(done)
    # Pressed on the feedback, a menu's data does not rewrite it.
    feedback_id = feedback.result["message_id"]
    tg.user_presses(ANN, PRIVATE.id, feedback_id, "menu:style:poll", forged=True)
    tg.user_presses(ANN, PRIVATE.id, feedback_id, "lang:ko", forged=True)
    await tg.wait_for("answerCallbackQuery", count=6)
    assert touched(tg, PRIVATE.id, feedback_id) == []
    assert tg.message(PRIVATE.id, feedback_id)["text"] == "Here is your feedback."
