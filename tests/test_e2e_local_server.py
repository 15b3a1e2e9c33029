"""Quizzes on a server with nothing but /v1/responses (llama.cpp's llama-server, Ollama,
vLLM, LM Studio), with OPENAI_STATE unset: the bot finds out and keeps the items itself."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from fakes.openai_server import FakeOpenAI, Req
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from quiz.states import QuizState
from tests.conftest import BotFactory
from tests.harness import RunningBot, eventually
from tests.test_e2e_core import FEEDBACK, SUWON_QUIZ, position_of

MINSU = User(501, "민수", username="minsu", language_code="ko")
PRIVATE = Chat(501, "private")
ANNA = User(502, "Anna", language_code="en")
ANNA_CHAT = Chat(502, "private")


def _responses(oa: FakeOpenAI) -> list[dict[str, Any]]:
    return [r.json for r in oa.writer_requests]


def _answer_all(tg: FakeTelegram, polls: list[Call], user: User) -> None:
    """Answer every question with its first choice as the model wrote it."""
    for poll, question in zip(polls, SUWON_QUIZ["questions"], strict=True):
        text = question["choices"][0].split(". ", 1)[1]
        tg.user_answers_poll(user, poll.result["poll"]["id"], [position_of(poll, text)])


async def _feedback(tg: FakeTelegram) -> list[Call]:
    return await tg.wait_for(
        "sendMessage", predicate=lambda c: "맞았습니다" in c.params.get("text", "")
    )


def _conversation_posts(oa: FakeOpenAI) -> list[Req]:
    return [r for r in oa.requests_to("/conversations", "POST") if r.path.endswith("conversations")]


async def test_quiz_without_conversations_sends_the_whole_item_list(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    oa.conversations_enabled = False
    oa.reasoning_items = True
    call_id = oa.queue_function_call("generate_quiz", SUWON_QUIZ)
    oa.queue_message(FEEDBACK)

    tg.user_sends(PRIVATE, MINSU, "/quiz 3 수원도시기본계획")
    polls = await tg.wait_for("sendPoll", count=3)
    _answer_all(tg, polls, MINSU)
    await _feedback(tg)

    generate, submit = _responses(oa)
    for body in (generate, submit):
        assert body["store"] is False and "conversation" not in body
        assert "reasoning.encrypted_content" in body["include"]
    assert generate["tool_choice"] == {"type": "function", "name": "generate_quiz"}
    [user_turn] = generate["input"]
    assert user_turn["role"] == "user" and "수원도시기본계획" in user_turn["content"]
    # The whole list, in order: the user turn, the reasoning and the call exactly as
    # returned, and the answers paired with that call in the same input.
    first, reasoning, call, output = submit["input"]
    assert first == user_turn
    assert reasoning["type"] == "reasoning" and reasoning["encrypted_content"]
    assert call["type"] == "function_call" and call["call_id"] == call_id
    assert call["name"] == "generate_quiz" and json.loads(call["arguments"]) == SUWON_QUIZ
    assert output["type"] == "function_call_output" and output["call_id"] == call_id
    assert json.loads(output["output"])["status"] == "completed"

    repo = bot.services.repo
    await eventually(lambda: _done(bot), what="the quiz to be done")
    quiz = await repo.quizzes.quizzes_in_state(QuizState.DONE)
    assert quiz[0].conversation_id is not None and quiz[0].conversation_id.startswith("local:")
    # Decided once per process: the next quiz does not ask for a conversation again.
    oa.queue_function_call("generate_quiz", SUWON_QUIZ)
    tg.user_sends(ANNA_CHAT, ANNA, "/quiz 3 Suwon")
    await tg.wait_for("sendPoll", count=6)
    assert len(_conversation_posts(oa)) == 1
    told = [r for r in caplog.records if "no Conversations API" in r.getMessage()]
    assert len(told) == 1 and told[0].levelno == logging.WARNING


async def test_ignored_tool_choice_falls_back_to_structured_output(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    oa.conversations_enabled = False
    oa.named_tool_choice_enabled = oa.required_tool_choice_enabled = False
    oa.queue_function_call("generate_quiz", SUWON_QUIZ)  # written as Markdown instead
    oa.queue_function_call("generate_quiz", SUWON_QUIZ)  # and again, asked with "required"
    oa.queue_message(json.dumps(SUWON_QUIZ, ensure_ascii=False))  # the structured answer
    oa.queue_message(FEEDBACK)

    tg.user_sends(PRIVATE, MINSU, "/quiz 3 수원도시기본계획")
    polls = await tg.wait_for("sendPoll", count=3)
    assert SUWON_QUIZ["questions"][0]["question_text"] in polls[0].params["question"]
    _answer_all(tg, polls, MINSU)
    await _feedback(tg)

    _generate, _required, structured, submit = _responses(oa)
    fmt = structured["text"]["format"]
    assert fmt["type"] == "json_schema" and fmt["strict"] is True
    assert fmt["schema"]["required"] == ["title", "questions"]
    assert all(t["type"] != "function" for t in structured["tools"])
    # The Markdown answer twice (asked by name, then with "required"), the request for
    # JSON, the JSON quiz, then the answers as a turn.
    kinds = [(i.get("type", "message"), i.get("role")) for i in submit["input"]]
    assert kinds == [("message", "user"), ("message", "assistant")] * 3 + [("message", "user")]
    answers = submit["input"][-1]["content"]
    assert json.loads(answers.split("\n", 1)[1])["status"] == "completed"
    assert "text" not in submit


async def test_no_quiz_even_as_structured_output_is_not_an_outage(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    oa.queue_message("I'd rather talk about something else.")
    oa.queue_message("Still no.")  # asked again with tool_choice "required"
    oa.queue_handler(lambda _body, _items: [])  # asked for JSON, it writes nothing at all

    tg.user_sends(ANNA_CHAT, ANNA, "/quiz 3 Suwon")
    await eventually(lambda: _has_text(tg, "not with a quiz I can use"), what="the no-quiz message")
    texts = " ".join(str(c.params.get("text", "")) for c in tg.calls)
    assert "not answering" not in texts
    # Conversations on: the asks by name and by "required", then the structured ask, all in
    # the same conversation.
    generate, required, structured = _responses(oa)
    assert generate["conversation"] == required["conversation"] == structured["conversation"]
    assert required["tool_choice"] == "required"
    assert structured["text"]["format"]["type"] == "json_schema"


async def _has_text(tg: FakeTelegram, needle: str) -> bool:
    return any(needle in str(c.params.get("text", "")) for c in tg.calls)


async def _done(bot: RunningBot) -> bool:
    return bool(await bot.services.repo.quizzes.quizzes_in_state(QuizState.DONE))


async def test_documents_on_a_server_without_files_are_refused_clearly(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    oa.files_enabled = False
    oa.vector_stores_enabled = False
    # Only where OpenAI's search is required: the default (auto) searches here instead
    # (tests/test_e2e_local_documents.py).
    async with make_bot(DOCUMENT_SEARCH="openai") as bot:
        tg.user_sends_document(ANNA_CHAT, ANNA, "notes.txt", "text/plain", b"Chlorophyll.")
        await eventually(
            lambda: _has_text(tg, "cannot search documents"), what="the no-search answer"
        )
        [doc] = await bot.services.repo.documents.of_chat(ANNA_CHAT.id)
        assert doc.state == "failed"
        # Known now: the next document is answered before anything is downloaded.
        tg.user_sends_document(ANNA_CHAT, ANNA, "more.txt", "text/plain", b"More.")
        await eventually(
            lambda: _count_text(tg, "cannot search documents", 2), what="the second answer"
        )
    assert len(tg.calls_of("getFile")) == 1
    assert not oa.requests_to("/responses")


async def _count_text(tg: FakeTelegram, needle: str, n: int) -> bool:
    return sum(needle in str(c.params.get("text", "")) for c in tg.calls) >= n


def _enforcing_nothing(oa: FakeOpenAI) -> None:
    """Neither a forced call (by name or "required") nor structured output is enforced."""
    oa.conversations_enabled = False
    oa.named_tool_choice_enabled = oa.required_tool_choice_enabled = False
    oa.text_format_enabled = False


def _right_choice(poll: Call) -> str:
    [right] = poll.params["correct_option_ids"]
    return str(poll.params["options"][right]["text"])


@pytest.mark.parametrize("stream", ["true", "false"])
async def test_fenced_json_with_letter_keys_makes_a_quiz_and_later_quizzes_ask_for_json(
    tg: FakeTelegram,
    oa: FakeOpenAI,
    make_bot: BotFactory,
    caplog: pytest.LogCaptureFixture,
    stream: str,
) -> None:
    _enforcing_nothing(oa)
    oa.queue_function_call("generate_quiz", SUWON_QUIZ)  # written as Markdown instead
    oa.queue_function_call("generate_quiz", SUWON_QUIZ)  # and again, asked with "required"
    oa.queue_message(json.dumps(SUWON_QUIZ, ensure_ascii=False))  # fenced, keys "B", "D", "C"
    oa.queue_message(FEEDBACK)
    async with make_bot(OPENAI_STREAM=stream):
        tg.user_sends(PRIVATE, MINSU, "/quiz 3 수원도시기본계획")
        polls = await tg.wait_for("sendPoll", count=3)
        # The letters are the keys the model meant: "B" is the second choice, and so on.
        assert [_right_choice(p) for p in polls] == ["2040년", "수원 화성", "경기도"]
        _answer_all(tg, polls, MINSU)
        await _feedback(tg)
        _generate, _required, structured, _submit = _responses(oa)
        # The structured ask shows the shape: the model sees no tool with the fields then.
        ask = structured["input"][-1]["content"]
        assert '"answer_index": 0' in ask and '"question_text"' in ask

        # The next quiz goes straight to the structured ask: no forced call that is ignored.
        oa.queue_message(json.dumps(SUWON_QUIZ, ensure_ascii=False))
        tg.user_sends(ANNA_CHAT, ANNA, "/quiz 3 Suwon")
        await tg.wait_for("sendPoll", count=6)
        second = _responses(oa)[4]
        assert "tool_choice" not in second or second["tool_choice"] == "none"
        assert second["text"]["format"]["type"] == "json_schema"
        first, ask_again = second["input"]
        assert "Suwon" in first["content"] and ask_again["content"] == ask
    told = [r for r in caplog.records if "ignores a forced tool_choice" in r.getMessage()]
    assert len(told) == 1 and told[0].levelno == logging.WARNING


async def test_structured_quiz_in_other_fields_is_corrected_with_the_schema(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    _enforcing_nothing(oa)
    own_fields = {
        "title": "Suwon",
        "questions": [
            {"question": q["question_text"], "options": q["choices"], "answer": "B"}
            for q in SUWON_QUIZ["questions"]
        ],
    }
    oa.queue_message("Here is your quiz: ...")
    oa.queue_message("Here it is again: ...")
    oa.queue_message(json.dumps(own_fields, ensure_ascii=False))
    oa.queue_message(json.dumps(SUWON_QUIZ, ensure_ascii=False))
    # Unstreamed: the whole answer is checked and sent back once (streamed, each question).
    async with make_bot(OPENAI_STREAM="false"):
        tg.user_sends(ANNA_CHAT, ANNA, "/quiz 3 Suwon")
        await tg.wait_for("sendPoll", count=3)
    correction = _responses(oa)[3]
    complaint = json.loads(correction["input"][-1]["content"])
    assert any("answer_index" in p for p in complaint["problems"])
    assert complaint["schema"]["required"] == ["title", "questions"]
    assert complaint["example"]["questions"][0]["answer_index"] == 0


async def test_an_answer_index_as_a_number_string_is_sent_back(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    """ "2" may be 0-based or 1-based: which choice is right is not guessed."""
    _enforcing_nothing(oa)
    oa.text_format_enabled = True
    as_strings = json.loads(json.dumps(SUWON_QUIZ))
    for q in as_strings["questions"]:
        q["answer_index"] = str(q["answer_index"])
    oa.queue_message("Here is your quiz: ...")
    oa.queue_message("Here it is again: ...")
    oa.queue_message(json.dumps(as_strings, ensure_ascii=False))
    oa.queue_message(json.dumps(SUWON_QUIZ, ensure_ascii=False))
    async with make_bot(OPENAI_STREAM="false"):
        tg.user_sends(ANNA_CHAT, ANNA, "/quiz 3 Suwon")
        polls = await tg.wait_for("sendPoll", count=3)
        assert [_right_choice(p) for p in polls] == ["2040년", "수원 화성", "경기도"]
    complaint = json.loads(_responses(oa)[3]["input"][-1]["content"])
    assert "questions.0.answer_index: Input should be a valid integer" in complaint["problems"]
