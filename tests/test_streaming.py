"""The first question goes out while the model is still writing the rest."""

from __future__ import annotations

import json

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import choice_text, quiz_args
from fakes.telegram_server import Chat, FakeTelegram, User
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
    [request] = oa.requests_to("/responses")
    assert request.json["stream"] is True

    async def writing_done() -> bool:
        quiz = await bot.services.repo.quiz(1)
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


async def test_a_malformed_streamed_question_is_left_out_and_said(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    args = quiz_args(3)
    args["questions"][1]["answer_index"] = 9  # the model's second question is broken
    call_id = oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Two questions.")
    tg.user_sends(PRIVATE, ANN, "/quiz 3 cells")
    polls = await tg.wait_for("sendPoll", count=2, timeout=20)
    await tg.wait_for("sendMessage", predicate=lambda c: "left out" in c.params["text"])
    for poll, model_index in zip(polls, (0, 2), strict=True):
        texts = [o["text"] for o in poll.params["options"]]
        tg.user_answers_poll(
            ANN, poll.result["poll"]["id"], [texts.index(choice_text(args, model_index, 0))]
        )
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Two questions.")
    [item] = oa.requests_to("/responses")[-1].json["input"]
    assert item["call_id"] == call_id
    output = json.loads(item["output"])
    # Indices are the model's own: question 1 was left out.
    assert [a["question_index"] for a in output["participants"][0]["answers"]] == [0, 2]
    assert [q["question_index"] for q in output["questions"]] == [0, 2]
    assert len(oa.requests_to("/responses")) == 2  # no correction round for a dropped one


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
