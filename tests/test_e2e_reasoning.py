"""Reasoning effort: sent to reasoning models (a quick quiz needs little), and a server that
refuses it still gets a working quiz, asked once more without it and never again."""

from __future__ import annotations

import logging

import pytest

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import choice_text, quiz_args
from fakes.telegram_server import Chat, FakeTelegram, User
from tests.conftest import BotFactory

ANN = User(91, "Ann", language_code="en")
PRIVATE = Chat(91, "private")


async def _quiz_and_feedback(tg: FakeTelegram, oa: FakeOpenAI) -> None:
    args = quiz_args(1)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Quick feedback.")
    tg.user_sends(PRIVATE, ANN, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll")
    texts = [o["text"] for o in poll.params["options"]]
    tg.user_answers_poll(ANN, poll.result["poll"]["id"], [texts.index(choice_text(args, 0, 0))])
    await tg.wait_for("sendMessage", predicate=lambda c: "Quick feedback." in c.params["text"])


async def test_a_reasoning_model_is_asked_for_low_effort(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    async with make_bot(OPENAI_MODEL="gpt-5.4-mini", OPENAI_VERBOSITY="low"):
        await _quiz_and_feedback(tg, oa)
    bodies = [r.json for r in oa.writer_requests]
    assert all(b["reasoning"] == {"effort": "low"} for b in bodies)
    assert all(b["text"]["verbosity"] == "low" for b in bodies)
    # The answer-key check (issue 19) is a short call too: the same effort.
    assert oa.solve_requests
    assert all(r.json["reasoning"] == {"effort": "low"} for r in oa.solve_requests)


async def test_other_models_get_no_reasoning_unless_asked(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    async with make_bot(OPENAI_MODEL="llama-3.2-3b"):
        await _quiz_and_feedback(tg, oa)
    assert all("reasoning" not in r.json for r in oa.requests_to("/responses"))


async def test_a_server_that_refuses_reasoning_still_runs_the_quiz(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory, caplog: pytest.LogCaptureFixture
) -> None:
    oa.reasoning_enabled = False
    async with make_bot(OPENAI_MODEL="gpt-5.4-mini", OPENAI_REASONING_EFFORT="minimal"):
        await _quiz_and_feedback(tg, oa)
    bodies = [r.json for r in oa.writer_requests]
    # Refused once, asked again without it, and never sent again (the feedback and the
    # answer-key check too).
    assert ["reasoning" in b for b in bodies] == [True, False, False]
    assert oa.solve_requests
    assert all("reasoning" not in r.json for r in oa.solve_requests)
    assert bodies[0]["reasoning"] == {"effort": "minimal"}
    warnings = [r for r in caplog.records if "refused 'reasoning'" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
