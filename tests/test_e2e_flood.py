"""One chat's flood costs no other chat: a group member floods the bot with commands while a
private user quizzes at normal speed."""

from __future__ import annotations

import asyncio
import time

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import choice_text, quiz_args, right_choice
from fakes.telegram_server import BOT_USERNAME, Call, Chat, FakeTelegram, User
from i18n import tr
from services.context import BotContext
from tests.harness import RunningBot, eventually

GROUP = Chat(-100_777, "supergroup", title="Flooded")
FLOODER = User(71, "Flo", language_code="en")
MEMBER = User(73, "Mia", language_code="en")
PAT = User(72, "Pat", language_code="en")
PRIVATE = Chat(PAT.id, "private")
# What the flooder sent: info commands and an unknown one, all addressed to the bot.
FLOOD = [f"/{c}@{BOT_USERNAME}" for c in ("help", "stats", "docs", "style", "nonsense")]
SENDS = ("sendMessage", "sendPhoto", "sendDocument", "sendPoll")


def to_chat(tg: FakeTelegram, chat_id: int) -> list[Call]:
    return [
        c
        for c in tg.calls
        if c.method in SENDS and c.ok and str(c.params.get("chat_id")) == str(chat_id)
    ]


def is_notice(call: Call) -> bool:
    return "Too many commands" in str(call.params.get("text", ""))


async def quiet(tg: FakeTelegram, chat_id: int, seconds: float) -> list[Call]:
    """The chat's sends, once none came for `seconds`."""
    seen = -1
    while len(to_chat(tg, chat_id)) != seen:
        seen = len(to_chat(tg, chat_id))
        await asyncio.sleep(seconds)
    return to_chat(tg, chat_id)


async def test_a_group_flood_costs_a_private_quiz_nothing(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("**Well done**, Pat.")
    for i in range(60):
        tg.user_sends(GROUP, FLOODER, FLOOD[i % len(FLOOD)])
    await asyncio.sleep(1)
    asked = time.monotonic()
    tg.user_sends(PRIVATE, PAT, "/quiz 2 cells")

    # Sequentially, the private /quiz waited behind the group's replies: 36 of them held the
    # update loop, paced at 1 a second and 20 a minute, so more than a minute. Its own turn
    # makes it a quiz like any other; the bound leaves room for a loaded machine and a cold
    # bot (the group's /stats imports matplotlib meanwhile).
    private = lambda c: c.params["chat_id"] == PRIVATE.id  # noqa: E731
    first = (await tg.wait_for("sendPoll", predicate=private, timeout=40))[0]
    assert first.time - asked < 20
    group = await quiet(tg, GROUP.id, 3)

    # The flooder got their burst's replies and one notice, then silence.
    burst = bot.settings.user_command_burst
    assert [is_notice(c) for c in group].count(True) == 1
    assert len(group) <= burst + 1
    [notice] = [c for c in group if is_notice(c)]
    assert "Flo" in notice.params["text"]

    # The private quiz goes on at normal speed: both answers, then the feedback.
    polls = await tg.wait_for("sendPoll", count=2, predicate=private)
    for index, poll in enumerate(polls):
        texts = [o["text"] for o in poll.params["options"]]
        choice = texts.index(choice_text(args, index, right_choice(args, index)))
        tg.user_answers_poll(PAT, poll.result["poll"]["id"], [choice])
    await tg.wait_for("sendMessage", predicate=lambda c: "Well done" in c.params["text"])

    # Every flooded update was settled (dropped ones too), and no chat keeps a lock.
    async def inbox_empty() -> bool:
        return not await bot.services.repo.inbox.pending(0)

    await eventually(inbox_empty, what="the inbox to empty")
    assert len(BotContext(bot.app).chat_lines) == 0


async def test_another_member_is_not_silenced_by_the_flooder(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    for _ in range(3 * bot.settings.user_command_burst):
        tg.user_sends(GROUP, FLOODER, f"/nonsense@{BOT_USERNAME}")
    await tg.wait_for("sendMessage", predicate=is_notice)
    tg.user_sends(GROUP, MEMBER, "/help")
    await tg.wait_for("sendMessage", predicate=lambda c: "How StudyQuiz works" in c.params["text"])
    group = await quiet(tg, GROUP.id, 2)
    # The unknown command was answered once: its repeats within the interval were skipped.
    hints = [c for c in group if "I don't know" in c.params["text"]]
    assert len(hints) == 1
    assert [is_notice(c) for c in group].count(True) == 1


async def test_one_chat_keeps_its_order(tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot) -> None:
    """/style (which used to block every chat) still runs before the /quiz after it."""
    oa.queue_function_call("generate_quiz", quiz_args(1))
    oa.queue_message("Done.")
    tg.user_sends(PRIVATE, PAT, "/style keyboard")
    tg.user_sends(PRIVATE, PAT, "/quiz 1 cells")
    await tg.wait_for(
        "sendMessage", predicate=lambda c: "reply_markup" in c.params and "1/1" in c.params["text"]
    )
    assert not tg.calls_of("sendPoll")


async def test_repeated_help_in_a_group_is_answered_again_after_something_else(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    tg.set_admins(GROUP.id, {MEMBER.id})
    tg.user_sends(GROUP, PAT, "/help")
    tg.user_sends(GROUP, MEMBER, "/help")
    await tg.wait_for("sendMessage")
    tg.user_sends(GROUP, MEMBER, "/lang ko")
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == tr("ko", "lang_set"))
    tg.user_sends(GROUP, PAT, "/help")
    await tg.wait_for("sendMessage", predicate=lambda c: "StudyQuiz 사용법" in c.params["text"])
    helps = [c for c in tg.calls_of("sendMessage") if "StudyQuiz" in c.params["text"]]
    assert len(helps) == 2


async def test_in_a_private_chat_help_is_always_answered(tg: FakeTelegram, bot: RunningBot) -> None:
    for _ in range(3):
        tg.user_sends(PRIVATE, PAT, "/help")
    await tg.wait_for("sendMessage", count=3)


async def test_the_flooders_poll_answers_still_count(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("**Results** are in.")
    tg.user_sends(GROUP, MEMBER, f"/quiz@{BOT_USERNAME} 2 cells")
    polls = await tg.wait_for("sendPoll", count=2, timeout=20)
    for _ in range(3 * bot.settings.user_command_burst):
        tg.user_sends(GROUP, FLOODER, f"/stop@{BOT_USERNAME}")
    await tg.wait_for("sendMessage", predicate=is_notice, timeout=20)
    # Answers are not commands: none is dropped, however many commands came before.
    for index, poll in enumerate(polls):
        texts = [o["text"] for o in poll.params["options"]]
        choice = texts.index(choice_text(args, index, right_choice(args, index)))
        tg.user_answers_poll(FLOODER, poll.result["poll"]["id"], [choice])

    async def answered() -> bool:
        return await bot.services.repo.answers.answer_count(1) == 2

    await eventually(answered, within=10, what="the flooder's two answers")
