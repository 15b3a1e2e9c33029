"""Languages, the command menu, /start's buttons, typing, and the plain-text fallback.

Through the real Application and HTTP to both fakes, as a user would see it.
"""

from __future__ import annotations

import asyncio
import json

from telegram import Bot

from fakes import BOT_TOKEN
from fakes.openai_server import FakeOpenAI
from fakes.quizdata import choice_text, korean_quiz_args, quiz_args
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from i18n import catalogues, tr
from services.chat_action import keep_typing
from services.menu import GROUP_COMMANDS, PRIVATE_COMMANDS
from tests.harness import RunningBot, eventually

JIWOO = User(601, "지우", language_code="ko")
EMMA = User(602, "Emma", language_code="en-GB")
PIERRE = User(603, "Pierre", language_code="fr")
ADMIN = User(604, "Admin", language_code="en")
GROUP = Chat(-100600, "supergroup", title="Study group")


def private(user: User) -> Chat:
    return Chat(user.id, "private")


def texts_to(tg: FakeTelegram, chat_id: int) -> list[str]:
    return [
        str(c.params.get("text", ""))
        for c in tg.calls
        if c.ok
        and c.method in ("sendMessage", "editMessageText")
        and c.params.get("chat_id") == chat_id
    ]


async def reply_to(tg: FakeTelegram, chat: Chat, user: User, text: str) -> Call:
    """Send `text` and return the bot's next sendMessage in that chat."""

    def here(c: Call) -> bool:
        return c.params.get("chat_id") == chat.id

    before = len([c for c in tg.calls_of("sendMessage") if here(c)])
    tg.user_sends(chat, user, text)
    calls = await tg.wait_for("sendMessage", count=before + 1, predicate=here)
    return calls[before]


def buttons(call: Call) -> list[str]:
    markup = call.params.get("reply_markup")
    rows = (json.loads(markup) if isinstance(markup, str) else markup or {}).get(
        "inline_keyboard", []
    )
    return [b["callback_data"] for row in rows for b in row]


async def test_each_user_sees_their_language(tg: FakeTelegram, bot: RunningBot) -> None:
    ko = await reply_to(tg, private(JIWOO), JIWOO, "/start")
    en = await reply_to(tg, private(EMMA), EMMA, "/start")
    other = await reply_to(tg, private(PIERRE), PIERRE, "/start")
    assert ko.params["text"] == tr("ko", "start")
    assert en.params["text"] == tr("en", "start")
    # No French catalogue: English.
    assert other.params["text"] == en.params["text"]


async def test_lang_overrides_telegram_language_per_chat(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    set_ko = await reply_to(tg, private(EMMA), EMMA, "/lang ko")
    assert set_ko.params["text"] == tr("ko", "lang_set")
    help_text = await reply_to(tg, private(EMMA), EMMA, "/help")
    assert "StudyQuiz 사용법" in help_text.params["text"]
    # Another chat keeps following its user's Telegram language.
    other = await reply_to(tg, private(PIERRE), PIERRE, "/help")
    assert "How StudyQuiz works" in other.params["text"]

    # A quiz keeps the language it was asked for in.
    oa.queue_function_call("generate_quiz", quiz_args(2))
    oa.queue_message("피드백")
    tg.user_sends(private(EMMA), EMMA, "/quiz 2 cells")
    await tg.wait_for("sendPoll", count=2)
    assert any("문제를 만드는 중" in text for text in texts_to(tg, EMMA.id))
    quiz = await bot.services.repo.quizzes.live_quiz(EMMA.id, 0)
    assert quiz is not None and quiz.lang == "ko"
    await reply_to(tg, private(EMMA), EMMA, "/stop")

    back = await reply_to(tg, private(EMMA), EMMA, "/lang auto")
    assert back.params["text"] == tr("en", "lang_auto_set")
    assert (await bot.services.repo.chats.chat_settings(EMMA.id)).lang is None
    again = await reply_to(tg, private(EMMA), EMMA, "/help")
    assert "How StudyQuiz works" in again.params["text"]


async def test_lang_without_a_known_code_shows_the_choices(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    usage = await reply_to(tg, private(JIWOO), JIWOO, "/lang xx")
    assert "en|ko" in usage.params["text"]
    assert buttons(usage) == [f"lang:{code}" for code in sorted(catalogues())] + ["lang:auto"]
    assert (await bot.services.repo.chats.chat_settings(JIWOO.id)).lang is None


async def test_only_admins_set_a_groups_language(tg: FakeTelegram, bot: RunningBot) -> None:
    tg.set_admins(GROUP.id, {ADMIN.id}, creator=ADMIN.id)
    refused = await reply_to(tg, GROUP, EMMA, "/lang ko")
    assert refused.params["text"] == tr("en", "admins_only")
    assert (await bot.services.repo.chats.chat_settings(GROUP.id)).lang is None
    done = await reply_to(tg, GROUP, ADMIN, "/lang ko")
    assert done.params["text"] == tr("ko", "lang_set")
    # Everyone in the group now gets Korean, whatever their own Telegram language.
    help_text = await reply_to(tg, GROUP, EMMA, "/help")
    assert "StudyQuiz 사용법" in help_text.params["text"]


async def test_command_menus_per_scope_and_language(tg: FakeTelegram, bot: RunningBot) -> None:
    expected = {
        ("all_private_chats", PRIVATE_COMMANDS),
        ("all_group_chats", GROUP_COMMANDS),
    }
    for scope, names in expected:
        for lang, code in (("en", ""), ("ko", "ko")):
            key = (json.dumps({"type": scope}, sort_keys=True), code)
            assert tg.commands[key] == [
                {"command": name, "description": tr(lang, f"cmd_{name}")} for name in names
            ], (scope, lang)
    assert len(tg.calls_of("setMyCommands")) == 2 * len(catalogues())


async def test_start_buttons(tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot) -> None:
    chat = private(EMMA)
    menu = await reply_to(tg, chat, EMMA, "/start")
    data = buttons(menu)
    assert data == ["menu:sample", "menu:help", "menu:style", "menu:lang"]
    # None of them is taken for a quiz answer, retry or finish tap.
    assert not any(d.startswith(("a:", "retry:", "finish:")) for d in data)
    menu_id = menu.result["message_id"]

    def tap(data: str, message_id: int = menu_id) -> None:
        tg.user_presses(EMMA, chat.id, message_id, data)

    before = len(tg.calls_of("sendMessage"))
    tap("menu:help")
    [*_, help_msg] = await tg.wait_for("sendMessage", count=before + 1)
    assert "How StudyQuiz works" in help_msg.params["text"]

    before += 1
    tap("menu:style")
    [*_, style_msg] = await tg.wait_for("sendMessage", count=before + 1)
    assert buttons(style_msg) == ["menu:style:poll", "menu:style:keyboard"]
    tap("menu:style:keyboard", style_msg.result["message_id"])
    await tg.wait_for("editMessageText", predicate=lambda c: "keyboard" in c.params["text"])
    assert (await bot.services.repo.chats.chat_settings(chat.id)).style == "keyboard"

    before += 1
    tap("menu:lang")
    [*_, picker] = await tg.wait_for("sendMessage", count=before + 1)
    tg.user_presses(EMMA, chat.id, picker.result["message_id"], "lang:ko")
    await tg.wait_for(
        "editMessageText", predicate=lambda c: c.params["text"] == tr("ko", "lang_set")
    )
    assert (await bot.services.repo.chats.chat_settings(chat.id)).lang == "ko"

    # The sample quiz: on the Korean sample topic now, and again after it ends.
    # In Korean, as the chat now is: the quiz is held to the chat's language (issue 19).
    oa.queue_function_call("generate_quiz", korean_quiz_args(2))
    tap("menu:sample")
    await tg.wait_for("sendMessage", predicate=lambda c: "a:" in json.dumps(c.params))
    [request] = oa.writer_requests
    assert tr("ko", "sample_topic") in json.dumps(request.json, ensure_ascii=False)
    assert all(a.get("text") is None for a in tg.callback_answers.values())


async def test_typing_is_repeated_until_the_block_ends(tg: FakeTelegram) -> None:
    async with Bot(BOT_TOKEN, base_url=f"{tg.root}/bot") as bot:
        async with keep_typing(bot, 42, every=0.05):
            await asyncio.sleep(0.3)
        sent = len(tg.calls_of("sendChatAction"))
        await asyncio.sleep(0.2)
    assert sent >= 3
    assert len(tg.calls_of("sendChatAction")) == sent, "typing went on after the block"
    assert {c.params["action"] for c in tg.calls_of("sendChatAction")} == {"typing"}


async def test_quiz_shows_typing_while_the_model_writes(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    oa.queue_function_call("generate_quiz", korean_quiz_args(2))  # a Korean topic (issue 19)
    tg.user_sends(private(JIWOO), JIWOO, "/quiz 2 세포")
    await tg.wait_for("sendPoll", count=2)
    first_action = tg.calls.index(tg.calls_of("sendChatAction")[0])
    first_poll = tg.calls.index(tg.calls_of("sendPoll")[0])
    assert first_action < first_poll


async def test_feedback_falls_back_to_plain_text_when_telegram_refuses_entities(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    args = quiz_args(1)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("**Well done.** The right answer was *choice 1*.")
    tg.user_sends(private(EMMA), EMMA, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll")
    tg.fail("sendMessage", description="can't parse entities: Unsupported start tag at byte 0")
    texts = [o["text"] for o in poll.params["options"]]
    tg.user_answers_poll(EMMA, poll.result["poll"]["id"], [texts.index(choice_text(args, 0, 0))])

    [plain] = await tg.wait_for(
        "sendMessage", predicate=lambda c: c.ok and "Well done." in c.params["text"]
    )
    refused = [c for c in tg.calls_of("sendMessage") if not c.ok]
    assert len(refused) == 1 and refused[0].params["parse_mode"] == "HTML"
    assert "<b>Well done.</b>" in refused[0].params["text"]
    assert "parse_mode" not in plain.params
    assert plain.params["text"] == "Well done. The right answer was choice 1."

    async def done() -> bool:
        quiz = await bot.services.repo.quizzes.quiz(1)
        return quiz is not None and quiz.state == "done"

    await eventually(done, what="the quiz to be done")


async def test_one_question_is_singular(tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot) -> None:
    oa.queue_function_call("generate_quiz", quiz_args(1, title="Cells"))
    tg.user_sends(private(EMMA), EMMA, "/quiz 1 cells")
    await tg.wait_for("sendPoll")

    async def announced() -> bool:
        return any("Cells" in t for t in texts_to(tg, EMMA.id))

    await eventually(announced, what="the quiz's header")
    sent = texts_to(tg, EMMA.id)
    assert "✍️ Writing 1 question on <b>cells</b>…" in sent
    assert any("<b>Cells</b> — 1 question. Answer below." in t for t in sent), sent
    assert not any("1 questions" in t for t in sent), sent
