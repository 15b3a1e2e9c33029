"""Servers that do not stream though asked to: the bot gets its quiz and feedback the plain
way without OPENAI_STREAM=false."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import choice_text, quiz_args
from fakes.telegram_server import Chat, FakeTelegram, User
from tests.harness import RunningBot

ANN = User(81, "Ann", language_code="en")
PRIVATE = Chat(81, "private")
BEN = User(82, "Ben", language_code="en")
BEN_CHAT = Chat(82, "private")


def _bodies(oa: FakeOpenAI) -> list[dict[str, Any]]:
    return [r.json for r in oa.writer_requests]


async def _quiz(tg: FakeTelegram, user: User, chat: Chat, feedback: str) -> None:
    """One one-question quiz, answered right, until its feedback is posted."""
    args = quiz_args(1)
    tg.user_sends(chat, user, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll", predicate=lambda c: c.params["chat_id"] == chat.id)
    texts = [o["text"] for o in poll.params["options"]]
    tg.user_answers_poll(user, poll.result["poll"]["id"], [texts.index(choice_text(args, 0, 0))])
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == feedback)


def _warnings(caplog: pytest.LogCaptureFixture, text: str) -> int:
    return len([r for r in caplog.records if r.levelno == logging.WARNING and text in r.message])


async def test_a_server_that_ignores_stream_is_asked_plainly_from_then_on(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    oa.stream_ignored = True
    for feedback in ("First feedback.", "Second feedback."):
        oa.queue_function_call("generate_quiz", quiz_args(1))
        oa.queue_message(feedback)
    await _quiz(tg, ANN, PRIVATE, "First feedback.")
    await _quiz(tg, BEN, BEN_CHAT, "Second feedback.")
    # The plain answer to the first streamed request was used, not asked for again.
    streamed = [body.get("stream") is True for body in _bodies(oa)]
    assert streamed == [True, False, False, False]
    assert _warnings(caplog, "ignores stream: true") == 1
    for feedback in ("First feedback.", "Second feedback."):
        assert len([c for c in tg.calls_of("sendMessage") if c.params["text"] == feedback]) == 1


async def test_a_stream_broken_before_any_event_is_asked_for_again_unstreamed(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    oa.conversations_enabled = False
    oa.stream_broken = True
    args = quiz_args(1)
    # Each turn is written twice: once into the cut stream, once for the plain request.
    for _ in range(2):
        oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Lost in the cut stream.")
    oa.queue_message("Feedback at last.")
    await _quiz(tg, ANN, PRIVATE, "Feedback at last.")
    bodies = _bodies(oa)
    assert [body.get("stream") is True for body in bodies] == [True, False, True, False]
    # The retry sends the same input: nothing of the cut turn was kept.
    assert bodies[0]["input"] == bodies[1]["input"]
    assert bodies[2]["input"] == bodies[3]["input"]
    assert _warnings(caplog, "broke before its first event") == 1
    assert (
        len([c for c in tg.calls_of("sendMessage") if c.params["text"] == "Feedback at last."]) == 1
    )
    assert not [c for c in tg.calls_of("sendMessage") if "cut stream" in c.params["text"]]
