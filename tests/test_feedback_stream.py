"""The feedback is streamed like the quiz: the engine hands over the text as it grows (for a
draft that fills in as the model writes), and a slow server's long answer is read as it
arrives instead of being one long wait."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from itertools import pairwise

import pytest
from openai import AsyncOpenAI

from engine import OpenAIEngine, QuizRequest
from fakes import OPENAI_KEY
from fakes.openai_server import FakeOpenAI, message_item
from fakes.quizdata import choice_text, quiz_args
from fakes.telegram_server import Chat, FakeTelegram, User
from tests.conftest import BotFactory
from tests.harness import RunningBot

ANN = User(71, "Ann", language_code="en")
PRIVATE = Chat(71, "private")
REQUEST = QuizRequest("cells", 1)
ANSWERS = json.dumps({"participants": []})


@pytest.fixture
async def client(oa: FakeOpenAI) -> AsyncIterator[AsyncOpenAI]:
    async with AsyncOpenAI(api_key=OPENAI_KEY, base_url=oa.base_url, max_retries=0) as c:
        yield c


async def test_the_feedback_text_is_handed_over_as_it_grows(
    oa: FakeOpenAI, client: AsyncOpenAI
) -> None:
    oa.queue_function_call("generate_quiz", quiz_args(1))
    oa.queue_handler(lambda _b, _c: [message_item("All right so far."), message_item("Bye.")])
    oa.stream_chunk_size = 5
    engine = OpenAIEngine(client, "gpt-test", state="conversation")
    call = await engine.generate(REQUEST)
    seen: list[str] = []

    async def sink(text: str) -> None:
        seen.append(text)

    feedback = await engine.submit(call, ANSWERS, REQUEST, sink)
    assert feedback.text == "All right so far.\n\nBye."
    assert seen[-1] == feedback.text
    assert len(seen) > 3
    assert all(later.startswith(earlier) for earlier, later in pairwise(seen))
    assert oa.requests_to("/responses")[-1].json["stream"] is True


async def test_without_streaming_the_feedback_comes_whole(
    oa: FakeOpenAI, client: AsyncOpenAI
) -> None:
    oa.queue_function_call("generate_quiz", quiz_args(1))
    oa.queue_message("Whole.")
    engine = OpenAIEngine(client, "gpt-test", state="conversation", stream=False)
    call = await engine.generate(REQUEST)
    seen: list[str] = []

    async def sink(text: str) -> None:
        seen.append(text)

    assert (await engine.submit(call, ANSWERS, REQUEST, sink)).text == "Whole."
    assert seen == []
    assert "stream" not in oa.requests_to("/responses")[-1].json


async def test_the_bot_streams_the_feedback_and_posts_it_once(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    args = quiz_args(1)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Streamed feedback.")
    oa.stream_delay = 0.005
    tg.user_sends(PRIVATE, ANN, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll")
    texts = [o["text"] for o in poll.params["options"]]
    tg.user_answers_poll(ANN, poll.result["poll"]["id"], [texts.index(choice_text(args, 0, 0))])
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Streamed feedback.")
    submit = oa.requests_to("/responses")[-1].json
    assert submit["stream"] is True and submit["input"][0]["type"] == "function_call_output"
    posts = [c for c in tg.calls_of("sendMessage") if c.params["text"] == "Streamed feedback."]
    assert len(posts) == 1


async def test_openai_stream_false_asks_for_the_feedback_whole(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    args = quiz_args(1)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Whole feedback.")
    async with make_bot(OPENAI_STREAM="false"):
        tg.user_sends(PRIVATE, ANN, "/quiz 1 cells")
        [poll] = await tg.wait_for("sendPoll")
        texts = [o["text"] for o in poll.params["options"]]
        tg.user_answers_poll(ANN, poll.result["poll"]["id"], [texts.index(choice_text(args, 0, 0))])
        await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Whole feedback.")
    assert all("stream" not in r.json for r in oa.requests_to("/responses"))
