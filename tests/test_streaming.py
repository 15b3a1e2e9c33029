"""The first question goes out while the model is still writing the rest."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import choice_text, quiz_args, right_choice
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from tests.conftest import BotFactory
from tests.harness import RunningBot, eventually

ANN = User(61, "Ann", language_code="en")
PRIVATE = Chat(61, "private")


async def test_first_poll_is_sent_before_the_stream_ends(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    args = quiz_args(5)
    oa.queue_function_call("generate_quiz", args)
    oa.stream_chunk_size = 20
    oa.stream_delay = 0.02  # about 2 s for the whole call
    tg.user_sends(PRIVATE, ANN, "/quiz 5 cells")
    polls = await tg.wait_for("sendPoll", count=5, timeout=20)
    [request] = oa.writer_requests
    assert request.json["stream"] is True

    async def writing_done() -> bool:
        quiz = await bot.services.repo.quizzes.quiz(1)
        return quiz is not None and not quiz.writing

    await eventually(writing_done)
    # The stream took ~2 s; the first poll went out long before its end, the last after.
    span = polls[-1].time - polls[0].time
    assert span > 1.0, span
    assert [p.params["question"].split(".")[0] for p in polls] == [f"{i}/5" for i in range(1, 6)]


async def test_answers_while_writing_complete_the_quiz_once_it_is_written(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    args = quiz_args(3)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("All three.")
    oa.stream_chunk_size = 10
    oa.stream_delay = 0.01
    tg.user_sends(PRIVATE, ANN, "/quiz 3 cells")
    for count in (1, 2, 3):
        [*_, poll] = await tg.wait_for("sendPoll", count=count, timeout=20)
        texts = [o["text"] for o in poll.params["options"]]
        tg.user_answers_poll(
            ANN, poll.result["poll"]["id"], [texts.index(choice_text(args, count - 1, 0))]
        )
    await tg.wait_for(
        "sendMessage", predicate=lambda c: c.params["text"] == "All three.", timeout=20
    )
    assert len([c for c in tg.calls_of("sendMessage") if c.params["text"] == "All three."]) == 1


def answer_right(tg: FakeTelegram, poll: Call, args: dict[str, Any], model_index: int) -> None:
    texts = [o["text"] for o in poll.params["options"]]
    tg.user_answers_poll(
        ANN,
        poll.result["poll"]["id"],
        [texts.index(choice_text(args, model_index, right_choice(args, model_index)))],
    )


async def test_a_malformed_streamed_question_is_replaced_and_numbers_add_up(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    args = quiz_args(3)
    args["questions"][1]["answer_index"] = 9  # the model's second question is broken
    call_id = oa.queue_function_call("generate_quiz", args)
    fixed = quiz_args(3)
    fixed["questions"][1]["question_text"] = "Question 2, corrected: which is true?"
    fixed_id = oa.queue_function_call("generate_quiz", fixed)
    oa.queue_message("Three questions.")
    tg.user_sends(PRIVATE, ANN, "/quiz 3 cells")
    polls = await tg.wait_for("sendPoll", count=3, timeout=20)
    assert [p.params["question"].split(". ")[0] for p in polls] == ["1/3", "2/3", "3/3"]
    assert "corrected" in polls[2].params["question"]
    # The replacement was asked for once, through the correction path, naming the problem.
    [correction] = oa.writer_requests[1].json["input"]
    assert correction["type"] == "function_call_output" and correction["call_id"] == call_id
    problems = json.loads(correction["output"])["problems"]
    assert problems and all("questions[1]" in p for p in problems), problems
    for poll, model_index in zip(polls, (0, 2, 1), strict=True):
        answer_right(tg, poll, fixed, model_index)
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Three questions.")
    said = [
        c.params.get("text", "") for c in tg.calls if c.method in ("sendMessage", "editMessageText")
    ]
    assert not [t for t in said if "Not every question" in t or "left out" in t], said
    [item] = oa.writer_requests[-1].json["input"]
    assert item["call_id"] == fixed_id  # the call whose questions the quiz now has
    output = json.loads(item["output"])
    assert sorted(q["question_index"] for q in output["questions"]) == [0, 1, 2]
    [player] = output["participants"]
    assert player["score"] == 3 and len(player["answers"]) == 3
    assert len(oa.writer_requests) == 3


async def test_when_the_replacement_fails_too_the_quiz_says_it_has_fewer(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    args = quiz_args(3)
    args["questions"][1]["answer_index"] = 9
    oa.queue_function_call("generate_quiz", args)
    fixed_id = oa.queue_function_call("generate_quiz", args)  # still broken
    oa.queue_message("Two questions.")
    tg.user_sends(PRIVATE, ANN, "/quiz 3 cells")
    polls = await tg.wait_for("sendPoll", count=2, timeout=20)
    note = await tg.wait_for(
        "sendMessage", predicate=lambda c: "Not every question" in c.params["text"]
    )
    assert "has 2 questions instead of 3" in note[0].params["text"]
    # The header, written when 3 were expected, now says 2.
    await tg.wait_for(
        "editMessageText", predicate=lambda c: "2 questions" in c.params["text"], timeout=5
    )
    assert [p.params["question"].split(". ")[0] for p in polls] == ["1/3", "2/3"]
    for poll, model_index in zip(polls, (0, 2), strict=True):
        answer_right(tg, poll, args, model_index)
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Two questions.")
    assert len(tg.calls_of("sendPoll")) == 2
    [item] = oa.writer_requests[-1].json["input"]
    assert item["call_id"] == fixed_id
    output = json.loads(item["output"])
    # Indices are the model's own: question 1 was left out.
    assert [a["question_index"] for a in output["participants"][0]["answers"]] == [0, 2]
    assert [q["question_index"] for q in output["questions"]] == [0, 2]
    assert len(oa.writer_requests) == 3  # generate, one correction, submission


async def test_a_dropped_stream_is_reported_and_frees_the_chat(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    oa.queue_function_call("generate_quiz", quiz_args(2))
    oa.drop_stream_after(3)
    async with make_bot(OPENAI_MAX_RETRIES="0"):
        tg.user_sends(PRIVATE, ANN, "/quiz 2 cells")
        await tg.wait_for(
            "editMessageText", predicate=lambda c: "not answering right now" in c.params["text"]
        )
        oa.queue_function_call("generate_quiz", quiz_args(1))
        tg.user_sends(PRIVATE, ANN, "/quiz 1 cells")
        await tg.wait_for("sendPoll")


@pytest.mark.parametrize("stream", ["true", "false"])
async def test_questions_beyond_the_asked_number_are_not_called_malformed(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory, stream: str
) -> None:
    args = quiz_args(3)  # the model writes 3 where 1 was asked for
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Just one.")
    async with make_bot(OPENAI_STREAM=stream):
        tg.user_sends(PRIVATE, ANN, "/quiz 0 cells")  # clamped to 1
        [poll] = await tg.wait_for("sendPoll")
        assert poll.params["question"].startswith("1/1. ")
        texts = [o["text"] for o in poll.params["options"]]
        tg.user_answers_poll(ANN, poll.result["poll"]["id"], [texts.index(choice_text(args, 0, 0))])
        await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Just one.")
    said = [c.params.get("text", "") for c in tg.calls if c.method.startswith(("send", "edit"))]
    assert any("so this one has 1" in t for t in said)  # the clamp is said, once
    assert not [t for t in said if "malformed" in t or "left out" in t], said
    assert len(tg.calls_of("sendPoll")) == 1
    # Kept as they are: no correction round for the extras.
    assert len(oa.writer_requests) == 2
    [item] = oa.writer_requests[-1].json["input"]
    assert [q["question_index"] for q in json.loads(item["output"])["questions"]] == [0]
