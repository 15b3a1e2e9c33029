"""What the user sees when the model or the request goes wrong, and that nothing is lost."""

from __future__ import annotations

import json

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import Chat, FakeTelegram, User
from tests.conftest import BotFactory
from tests.harness import RunningBot, eventually

ANN = User(31, "Ann", language_code="en")
PRIVATE = Chat(31, "private")


def said(tg: FakeTelegram, fragment: str) -> bool:
    texts = [
        c.params.get("text", "") for c in tg.calls if c.method in ("sendMessage", "editMessageText")
    ]
    return any(fragment in t for t in texts)


async def state_of(bot: RunningBot, quiz_id: int) -> str | None:
    quiz = await bot.services.repo.quizzes.quiz(quiz_id)
    return None if quiz is None else quiz.state


async def test_invalid_tool_call_is_answered_with_the_problems_and_retried_once(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    """Without streaming the whole call is judged at once (streaming: see test_streaming)."""
    bad = quiz_args(2)
    bad["questions"][1]["answer_index"] = 7
    first_call = oa.queue_function_call("generate_quiz", bad)
    oa.queue_function_call("generate_quiz", quiz_args(2))
    async with make_bot(OPENAI_STREAM="false"):
        tg.user_sends(PRIVATE, ANN, "/quiz 2 cells")
        await tg.wait_for("sendPoll", count=2)
    retry = oa.writer_requests[1].json
    [item] = retry["input"]
    assert item["type"] == "function_call_output" and item["call_id"] == first_call
    assert "answer_index 7" in json.loads(item["output"])["problems"][0]
    assert retry["tool_choice"] == {"type": "function", "name": "generate_quiz"}


async def test_invalid_twice_tells_the_user_and_frees_the_chat(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    oa.queue_function_call("generate_quiz", "{not json")
    oa.queue_function_call("generate_quiz", {"title": "x", "questions": []})
    tg.user_sends(PRIVATE, ANN, "/quiz 2 cells")
    await tg.wait_for("editMessageText", predicate=lambda c: "could not use" in c.params["text"])
    assert not tg.calls_of("sendPoll")
    assert await state_of(bot, 1) == "failed"
    # The chat is free again.
    oa.queue_function_call("generate_quiz", quiz_args(1))
    tg.user_sends(PRIVATE, ANN, "/quiz 1 cells")
    await tg.wait_for("sendPoll")


async def test_openai_outage_gets_a_clear_message(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    oa.fail_next(500, times=1, path="/responses")
    tg.user_sends(PRIVATE, ANN, "/quiz 2 cells")
    await tg.wait_for(
        "editMessageText", predicate=lambda c: "not answering right now" in c.params["text"]
    )
    assert await state_of(bot, 1) == "failed"


async def test_openai_rejection_does_not_leak_internals(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    body = {
        "error": {
            "message": "secret internal detail",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        }
    }
    oa.fail_next(400, path="/responses", body=body, headers={"x-request-id": "req_abc"})
    tg.user_sends(PRIVATE, ANN, "/quiz 2 cells")
    await tg.wait_for("editMessageText", predicate=lambda c: "refused" in c.params["text"])
    assert not said(tg, "secret internal detail")


async def test_one_quiz_at_a_time_and_clamping(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    oa.queue_function_call("generate_quiz", quiz_args(10))
    tg.user_sends(PRIVATE, ANN, "/quiz 50 cells")
    await tg.wait_for("sendPoll", count=10)
    assert said(tg, "so this one has 10")
    assert "10 multiple-choice" in oa.writer_requests[0].json["input"][0]["content"]
    tg.user_sends(PRIVATE, ANN, "/quiz 3 more cells")
    await tg.wait_for("sendMessage", predicate=lambda c: "already running" in c.params["text"])
    assert len(oa.writer_requests) == 1


async def test_quiz_without_topic_explains_usage(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.user_sends(PRIVATE, ANN, "/quiz")
    await tg.wait_for(
        "sendMessage", predicate=lambda c: "/quiz 5 photosynthesis" in c.params["text"]
    )
    assert not oa.requests


async def test_stop_in_private_submits_what_was_answered(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    oa.queue_function_call("generate_quiz", quiz_args(3))
    oa.queue_message("Stopped early.")
    tg.user_sends(PRIVATE, ANN, "/quiz 3 cells")
    polls = await tg.wait_for("sendPoll", count=3)
    tg.user_answers_poll(ANN, polls[0].result["poll"]["id"], [0])

    async def one_answer() -> bool:
        return await bot.services.repo.answers.answer_count(1) == 1

    await eventually(one_answer)
    tg.user_sends(PRIVATE, ANN, "/stop")
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Stopped early.")
    output = json.loads(oa.writer_requests[1].json["input"][0]["output"])
    assert output["status"] == "stopped"
    assert len(output["participants"][0]["answers"]) == 1
    assert len(tg.calls_of("stopPoll")) == 3


async def test_feedback_failure_offers_try_again_and_loses_no_answer(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    oa.queue_function_call("generate_quiz", quiz_args(1))
    tg.user_sends(PRIVATE, ANN, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll")
    oa.fail_next(503, path="/responses")
    tg.user_answers_poll(ANN, poll.result["poll"]["id"], [0])
    [sorry] = await tg.wait_for(
        "sendMessage",
        predicate=lambda c: "Try again" in json.dumps(c.params.get("reply_markup", "")),
    )
    assert await state_of(bot, 1) == "submitting"
    assert await bot.services.repo.answers.answer_count(1) == 1

    oa.queue_message("Here is your feedback.")
    message_id = sorry.result["message_id"]
    data = tg.message(PRIVATE.id, message_id)["reply_markup"]["inline_keyboard"][0][0][
        "callback_data"
    ]
    tg.user_presses(ANN, PRIVATE.id, message_id, data)
    await tg.wait_for(
        "sendMessage", predicate=lambda c: c.params["text"] == "Here is your feedback."
    )

    async def done() -> bool:
        return await state_of(bot, 1) == "done"

    await eventually(done)
    assert len(tg.calls_of("answerCallbackQuery")) == 1


async def test_telegram_refusing_html_falls_back_to_plain_text(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    oa.queue_function_call("generate_quiz", quiz_args(1))
    oa.queue_message("**Bold** feedback & more")
    async with make_bot():
        tg.user_sends(PRIVATE, ANN, "/quiz 1 cells")
        [poll] = await tg.wait_for("sendPoll")
        tg.fail("sendMessage", status=400, description="Bad Request: can't parse entities: oops")
        tg.user_answers_poll(ANN, poll.result["poll"]["id"], [0])
        [plain] = await tg.wait_for(
            "sendMessage", predicate=lambda c: c.ok and "feedback & more" in c.params["text"]
        )
        assert plain.params["text"] == "Bold feedback & more"
        assert "parse_mode" not in plain.params
        tg.rejections.clear()
        tg.violations[:] = [v for v in tg.violations if "parse entities" not in v]
