"""A newcomer is never met with silence: plain text and unknown commands get a hint (and plain
text an offer to quiz on it), and a group the bot is added to gets one introduction."""

from __future__ import annotations

import json

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import BOT_USERNAME, Call, Chat, FakeTelegram, User
from i18n import tr
from services.quiz.starting import MAX_TOPIC_LENGTH
from tests.harness import RunningBot, eventually

NEW = User(91, "Nina", language_code="en")
ADMIN = User(92, "Admin", language_code="en")
PRIVATE = Chat(91, "private")
GROUP = Chat(-100910, "supergroup", title="Newcomers")


def sent_to(tg: FakeTelegram, chat_id: int) -> list[Call]:
    return [c for c in tg.calls_of("sendMessage") if c.ok and c.params.get("chat_id") == chat_id]


def buttons(call: Call) -> list[str]:
    markup = call.params.get("reply_markup")
    rows = (json.loads(markup) if isinstance(markup, str) else markup or {}).get(
        "inline_keyboard", []
    )
    return [b["callback_data"] for row in rows for b in row]


def twice(tg: FakeTelegram, update_id: int) -> None:
    """Deliver a pending update again under a new id, as after a restart."""
    [update] = [u for u in tg.pending_updates if u["update_id"] == update_id]
    tg.push_update(json.loads(json.dumps({k: v for k, v in update.items() if k != "update_id"})))


async def test_plain_text_gets_a_hint_and_an_offer_that_makes_the_quiz(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    topic = "hello there " * 40
    tg.user_sends(PRIVATE, NEW, topic)
    [offer] = await tg.wait_for("sendMessage")
    assert offer.params["text"] == tr("en", "plain_text_hint")
    [data] = buttons(offer)
    assert len(data.encode()) <= 64

    oa.queue_function_call("generate_quiz", quiz_args(2))
    twice(tg, tg.user_presses(NEW, PRIVATE.id, offer.result["message_id"], data))
    await tg.wait_for("sendPoll", count=2)
    [request] = oa.writer_requests
    assert topic.strip()[:MAX_TOPIC_LENGTH] in json.dumps(request.json)

    async def quiz_open() -> bool:
        quiz = await bot.services.repo.quizzes.quiz(1)
        return quiz is not None and quiz.state == "open"

    await eventually(quiz_open)
    # The replayed tap made no second quiz (and no refusal).
    assert await bot.services.repo.quizzes.quiz(2) is None
    assert len(sent_to(tg, PRIVATE.id)) == 2  # the offer and "writing…"


async def test_unknown_commands_get_a_hint(tg: FakeTelegram, bot: RunningBot) -> None:
    tg.user_sends(PRIVATE, NEW, "/foo")
    [hint] = await tg.wait_for("sendMessage")
    assert hint.params["text"] == tr("en", "unknown_command", command="/foo")
    # In a group: plain talk and other bots' commands are not for us; /foo@us is.
    tg.user_sends(GROUP, NEW, "hello everyone")
    tg.user_sends(GROUP, NEW, "/foo")
    tg.user_sends(GROUP, NEW, "/foo@OtherBot")
    tg.user_sends(GROUP, NEW, f"/foo@{BOT_USERNAME}")
    [*_, group_hint] = await tg.wait_for("sendMessage", count=2)
    assert group_hint.params["text"] == tr("en", "unknown_command", command="/foo")
    tg.user_sends(GROUP, NEW, "/help")
    await tg.wait_for("sendMessage", count=3)
    assert len(sent_to(tg, GROUP.id)) == 2


async def test_the_bot_introduces_itself_once_per_joining(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    twice(tg, tg.bot_membership(GROUP, ADMIN, "member"))
    [intro] = await tg.wait_for("sendMessage")
    assert intro.params["text"] == tr("en", "group_intro", who=tr("en", "starters_anyone"))
    tg.user_sends(GROUP, ADMIN, "/help")
    await tg.wait_for("sendMessage", count=2)
    assert len(sent_to(tg, GROUP.id)) == 2  # the re-delivered join said nothing

    tg.bot_membership(GROUP, ADMIN, "left")
    tg.bot_membership(GROUP, ADMIN, "member")
    await tg.wait_for("sendMessage", count=3)
    assert [c.params["text"] for c in sent_to(tg, GROUP.id)].count(intro.params["text"]) == 2
