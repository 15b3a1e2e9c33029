"""Feedback is the model's text, not a channel: links in it are words, not live links, and
the model knows the players by label and name, never by their Telegram user ids."""

from __future__ import annotations

import json

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import Chat, FakeTelegram, User
from tests.harness import RunningBot, eventually

# Long ids, as Telegram's are, so that finding one in a request is no coincidence.
EVE = User(7_311_204_981, "Eve win-prizes.com", language_code="en")
MAX = User(7_311_204_982, "Max", language_code="en")
GROUP = Chat(-1002231, "supergroup", title="Study group")
FEEDBACK = (
    "Well played, **Eve win-prizes.com**! [Claim your prize](https://evil.example/win) or "
    "see https://evil.example/more and tg-login.ru/x. [https://a.io](https://a.io)"
)


async def test_links_in_feedback_are_plain_text_and_no_user_id_reaches_the_model(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    # A server without the Conversations API: the bot keeps the items in quiz_items too.
    oa.conversations_enabled = False
    tg.set_member_count(GROUP.id, 3)
    oa.queue_function_call("generate_quiz", quiz_args(1))
    oa.queue_message(FEEDBACK)
    tg.user_sends(GROUP, EVE, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll")
    tg.user_answers_poll(EVE, poll.result["poll"]["id"], [0])
    tg.user_answers_poll(MAX, poll.result["poll"]["id"], [1])
    [feedback] = await tg.wait_for(
        "sendMessage", predicate=lambda c: "Well played" in c.params["text"]
    )

    # Shown, but nothing in it is clickable, and no preview card is fetched.
    text = feedback.result["text"]
    for shown in ("Claim your prize (https://evil.example/win)", "https://evil.example/more"):
        assert shown in text
    kinds = [e["type"] for e in feedback.result.get("entities", [])]
    assert "url" not in kinds and "text_link" not in kinds
    assert json.loads(json.dumps(feedback.params["link_preview_options"])) == {"is_disabled": True}

    # The submission names each player by label and name; no Telegram id in any request.
    [_, submit] = oa.writer_requests
    [output] = [i for i in submit.json["input"] if i.get("type") == "function_call_output"]
    players = json.loads(output["output"])["participants"]
    assert sorted((p["participant"], p["name"]) for p in players) == [
        ("P1", EVE.first_name),
        ("P2", MAX.first_name),
    ]
    for request in oa.requests:
        for user in (EVE, MAX):
            assert str(user.id) not in json.dumps(request.json)

    async def done() -> bool:
        quiz = await bot.services.repo.quizzes.quiz(1)
        return quiz is not None and quiz.state == "done"

    await eventually(done)
    quiz = await bot.services.repo.quizzes.quiz(1)
    assert quiz is not None and quiz.conversation_id is not None
    kept = json.dumps(await bot.services.repo.items.items(quiz.conversation_id))
    assert "participants" in kept and str(EVE.id) not in kept and str(MAX.id) not in kept
