"""Keyboard-style quizzes, the automatic fallback from polls, and refused callbacks."""

from __future__ import annotations

import json
import re
from typing import Any

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import choice_text, quiz_args, right_choice
from fakes.telegram_server import Chat, FakeTelegram, User
from tests.conftest import BotFactory
from tests.harness import RunningBot, eventually

ANN = User(21, "Ann", language_code="en")
PRIVATE = Chat(21, "private")


def keyboard_messages(tg: FakeTelegram, chat_id: int) -> list[dict[str, Any]]:
    return [
        m
        for m in tg.messages(chat_id)
        if any(
            b.get("callback_data", "").startswith("a:")
            for row in m.get("reply_markup", {}).get("inline_keyboard", [])
            for b in row
        )
    ]


def button_for(message: dict[str, Any], args: dict[str, Any], question: int, choice: int) -> str:
    """The callback data of the button showing the model's `choice` (choices are shuffled)."""
    wanted = choice_text(args, question, choice)
    shown = dict(
        (m.group(2), int(m.group(1)) - 1)
        for m in (
            re.match(r"^(?:\S+ )?(\d+)\. (.*)$", line) for line in message["text"].splitlines()
        )
        if m
    )
    position = shown[wanted]
    buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
    [data] = [b["callback_data"] for b in buttons if b["callback_data"].endswith(f":{position}")]
    return str(data)


async def test_keyboard_quiz_answered_by_taps(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    args = quiz_args(3)
    call_id = oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Keyboard feedback.")
    async with make_bot(QUIZ_STYLE="keyboard") as bot:
        tg.user_sends(PRIVATE, ANN, "/quiz 3 cells")
        await tg.wait_for("sendMessage", count=3, predicate=lambda c: "reply_markup" in c.params)
        questions = keyboard_messages(tg, PRIVATE.id)
        assert len(questions) == 3 and not tg.calls_of("sendPoll")
        for m in questions:
            # The right answer stays hidden until the end.
            assert "✅" not in m["text"]

        picks = [right_choice(args, 0), right_choice(args, 1), (right_choice(args, 2) + 1) % 4]
        first = button_for(questions[0], args, 0, picks[0])
        tg.user_presses(ANN, PRIVATE.id, questions[0]["message_id"], first)
        await tg.wait_for("answerCallbackQuery")
        # A second tap on the same question changes nothing.
        other = button_for(questions[0], args, 0, (picks[0] + 1) % 4)
        tg.user_presses(ANN, PRIVATE.id, questions[0]["message_id"], other)
        toasts = await tg.wait_for("answerCallbackQuery", count=2)
        assert [t.params.get("text") for t in toasts] == [
            "Answer saved",
            "You already answered this question",
        ]
        for q in (1, 2):
            data = button_for(questions[q], args, q, picks[q])
            tg.user_presses(ANN, PRIVATE.id, questions[q]["message_id"], data)

        await tg.wait_for(
            "sendMessage", predicate=lambda c: c.params["text"] == "Keyboard feedback."
        )
        assert len(tg.calls_of("answerCallbackQuery")) == 4
        for m in keyboard_messages(tg, PRIVATE.id):
            raise AssertionError(f"buttons left on {m['message_id']}")
        revealed = [tg.message(PRIVATE.id, m["message_id"]) for m in questions]
        assert all("✅" in m["text"] and "reply_markup" not in m for m in revealed)

        [item] = oa.writer_requests[-1].json["input"]
        assert item["call_id"] == call_id
        [player] = json.loads(item["output"])["participants"]
        assert [a["choice_index"] for a in player["answers"]] == picks
        assert player["score"] == 2

        async def done() -> bool:
            quiz = await bot.services.repo.quizzes.quiz(1)
            return quiz is not None and quiz.state == "done"

        await eventually(done, what="the quiz to be done")


async def test_too_long_for_a_poll_falls_back_to_keyboard(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    args = quiz_args(3)
    args["questions"][1]["question_text"] = "Long passage. " * 25  # 350 characters
    args["questions"][2]["choices"][1] = "A very long choice " * 8  # 152 characters
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Mixed feedback.")
    tg.user_sends(PRIVATE, ANN, "/quiz 3 cells")
    await tg.wait_for("sendMessage", count=2, predicate=lambda c: "reply_markup" in c.params)
    [poll] = tg.calls_of("sendPoll")
    assert tg.rejections == []
    texts = [o["text"] for o in poll.params["options"]]
    tg.user_answers_poll(ANN, poll.result["poll"]["id"], [texts.index(choice_text(args, 0, 0))])
    for q, message in zip((1, 2), keyboard_messages(tg, PRIVATE.id), strict=True):
        assert len(message["text"]) > 300 or any(
            len(line) > 100 for line in message["text"].splitlines()
        )
        tg.user_presses(ANN, PRIVATE.id, message["message_id"], button_for(message, args, q, 0))
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Mixed feedback.")
    [item] = oa.writer_requests[-1].json["input"]
    output = json.loads(item["output"])
    assert output["status"] == "completed"
    assert [a["question_index"] for a in output["participants"][0]["answers"]] == [0, 1, 2]
    assert len(oa.writer_requests) == 2


async def test_forged_and_stale_callbacks_store_nothing(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    other = Chat(-100777, "group", title="Elsewhere")
    tg.set_member_count(other.id, 50)
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Done.")
    async with make_bot(QUIZ_STYLE="keyboard") as bot:
        tg.user_sends(PRIVATE, ANN, "/quiz 2 cells")
        await tg.wait_for("sendMessage", count=2, predicate=lambda c: "reply_markup" in c.params)
        q0, q1 = keyboard_messages(tg, PRIVATE.id)
        good = button_for(q0, args, 0, 0)
        quiz_id = int(good.split(":")[1])
        # An "other" chat message to press forged data on.
        tg.user_sends(other, ANN, "hello")
        hello = tg.messages(other.id)[-1]["message_id"]
        forged = [
            (PRIVATE.id, q0["message_id"], f"a:{quiz_id + 40}:0:0"),  # unknown quiz
            (PRIVATE.id, q0["message_id"], f"a:{quiz_id}:0:9"),  # choice out of range
            (PRIVATE.id, q0["message_id"], f"a:{quiz_id}:7:0"),  # question out of range
            (PRIVATE.id, q0["message_id"], f"a:{quiz_id}:1:0"),  # another question's message
            (PRIVATE.id, q0["message_id"], "a:1:x:0"),  # garbage
            (other.id, hello, good),  # cross-chat replay
        ]
        for chat_id, message_id, data in forged:
            tg.user_presses(ANN, chat_id, message_id, data, forged=True)
        toasts = await tg.wait_for("answerCallbackQuery", count=len(forged))
        assert all(t.params.get("text") == "This button is not valid any more" for t in toasts)
        assert await bot.services.repo.answers.answer_count(1) == 0

        # Close the quiz, then replay an old button: "closed", nothing stored.
        stale_data = button_for(q1, args, 1, 0)
        tg.user_sends(PRIVATE, ANN, "/stop")
        await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Done.")
        tg.user_presses(ANN, PRIVATE.id, q1["message_id"], stale_data, forged=True)
        stale = await tg.wait_for("answerCallbackQuery", count=len(forged) + 1)
        assert stale[-1].params.get("text") == "This quiz is closed"

        async def nothing_stored() -> bool:
            return await bot.services.repo.answers.answer_count(1) == 0

        await eventually(nothing_stored)
