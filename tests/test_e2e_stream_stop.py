"""/stop while the model is still writing a streamed quiz: the answers go to the model only
once its call is finished, with the questions that were posted and no others."""

from __future__ import annotations

import json

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import choice_text, quiz_args
from fakes.telegram_server import Chat, FakeTelegram, User
from tests.harness import RunningBot, eventually

ANN = User(71, "Ann", language_code="en")
PRIVATE = Chat(71, "private")


async def test_stop_while_the_model_writes_waits_for_the_call_and_sends_only_posted_questions(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    args = quiz_args(6)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Stopped while writing.")
    oa.stream_chunk_size = 20
    oa.stream_delay = 0.03  # several seconds for the whole call
    tg.user_sends(PRIVATE, ANN, "/quiz 6 cells")
    [first] = await tg.wait_for("sendPoll", timeout=20)
    texts = [o["text"] for o in first.params["options"]]
    tg.user_answers_poll(ANN, first.result["poll"]["id"], [texts.index(choice_text(args, 0, 0))])

    async def answered() -> bool:
        return await bot.services.repo.answers.answer_count(1) == 1

    await eventually(answered)
    tg.user_sends(PRIVATE, ANN, "/stop")
    await tg.wait_for(
        "sendMessage", predicate=lambda c: c.params["text"] == "Stopped while writing.", timeout=30
    )
    polls = tg.calls_of("sendPoll")
    # Stopped well before the model's last question: those after the stop were not kept.
    assert len(polls) < 6
    assert all(tg.polls[p.result["poll"]["id"]]["is_closed"] for p in polls)
    stored = await bot.services.repo.questions.of_quiz(1)
    assert len(stored) == len(polls) and all(sq.message_id is not None for sq in stored)
    [item] = oa.writer_requests[-1].json["input"]
    output = json.loads(item["output"])
    assert output["status"] == "stopped"
    assert [q["question_index"] for q in output["questions"]] == list(range(len(polls)))
    assert len(output["participants"][0]["answers"]) == 1
    # The submission went after the call had finished (the fake refuses one on a
    # conversation whose response is still streaming).
    assert len(oa.writer_requests) == 2
