"""Small local models (llama-server with a 1.5B model): a quiz still comes out where the
server refuses a named tool_choice, and where the model wraps its quiz in envelopes."""

from __future__ import annotations

import json
import logging

import pytest

from engine.openai_engine import ASK_CALL
from fakes.openai_server import FakeOpenAI
from fakes.telegram_server import Call, FakeTelegram
from tests.conftest import BotFactory
from tests.test_e2e_core import FEEDBACK, SUWON_QUIZ
from tests.test_e2e_local_server import (
    ANNA,
    ANNA_CHAT,
    MINSU,
    PRIVATE,
    _answer_all,
    _feedback,
    _responses,
)


def _right_choices(polls: list[Call]) -> list[str]:
    return [str(p.params["options"][p.params["correct_option_ids"][0]]["text"]) for p in polls]


@pytest.mark.parametrize("stream", ["true", "false"])
async def test_a_refused_named_choice_is_forced_with_required_from_then_on(
    tg: FakeTelegram,
    oa: FakeOpenAI,
    make_bot: BotFactory,
    caplog: pytest.LogCaptureFixture,
    stream: str,
) -> None:
    oa.conversations_enabled = False
    oa.named_tool_choice_enabled = False  # llama-server: "Wrong type supplied for tool_choice"
    oa.queue_function_call("generate_quiz", SUWON_QUIZ)  # written as Markdown instead
    oa.queue_function_call("generate_quiz", SUWON_QUIZ)  # asked with "required": a real call
    oa.queue_message(FEEDBACK)
    async with make_bot(OPENAI_STREAM=stream):
        tg.user_sends(PRIVATE, MINSU, "/quiz 3 수원도시기본계획")
        polls = await tg.wait_for("sendPoll", count=3)
        assert _right_choices(polls) == ["2040년", "수원 화성", "경기도"]
        _answer_all(tg, polls, MINSU)
        await _feedback(tg)
        named, required, submit = _responses(oa)
        assert named["tool_choice"] == {"type": "function", "name": "generate_quiz"}
        assert required["tool_choice"] == "required"
        assert required["input"][-1]["content"] == ASK_CALL
        assert "text" not in required  # still a tool call, not structured output
        # The answers go back as the function's output of the call "required" got.
        assert submit["input"][-1]["type"] == "function_call_output"

        # The next quiz asks with "required" at once: no named ask that is ignored.
        oa.queue_function_call("generate_quiz", SUWON_QUIZ)
        tg.user_sends(ANNA_CHAT, ANNA, "/quiz 3 Suwon")
        await tg.wait_for("sendPoll", count=6)
        assert _responses(oa)[3]["tool_choice"] == "required"
    told = [r for r in caplog.records if "ignores a named tool_choice" in r.getMessage()]
    assert len(told) == 1 and told[0].levelno == logging.WARNING


def _envelope(arguments: object) -> dict[str, object]:
    return {"name": "generate_quiz", "arguments": arguments}


@pytest.mark.parametrize("stream", ["true", "false"])
async def test_a_quiz_wrapped_twice_in_envelopes_with_null_strings_is_posted(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory, stream: str
) -> None:
    """What Qwen2.5-Coder-1.5B wrote on llama-server once neither force was kept."""
    oa.conversations_enabled = False
    oa.named_tool_choice_enabled = oa.required_tool_choice_enabled = False
    oa.text_format_enabled = False  # the answer comes back in a ```json fence
    quiz = json.loads(json.dumps(SUWON_QUIZ))
    for q in quiz["questions"]:
        q["source_file"] = q["source_quote"] = "null"
    oa.queue_message("Here is your quiz: ...")
    oa.queue_message("Here it is again: ...")
    oa.queue_message(json.dumps(_envelope(_envelope(quiz)), ensure_ascii=False))
    oa.queue_message(FEEDBACK)
    async with make_bot(OPENAI_STREAM=stream):
        tg.user_sends(PRIVATE, MINSU, "/quiz 3 수원도시기본계획")
        polls = await tg.wait_for("sendPoll", count=3)
        assert _right_choices(polls) == ["2040년", "수원 화성", "경기도"]
        # "null" was no source: nothing is cited.
        assert all("null" not in str(p.params.get("explanation", "")) for p in polls)
        _answer_all(tg, polls, MINSU)
        await _feedback(tg)
    assert len(_responses(oa)) == 4  # named, required, structured, feedback: no correction
