"""Tests of the fake Telegram server, driven by a real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import math
import re
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import PollLimit
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    PollAnswerHandler,
)

from fakes.telegram_server import (
    BOT_ID,
    CALLBACK_ANSWER_WINDOW,
    Chat,
    FakeTelegram,
    User,
    parse_html,
)
from fakes.telegram_spec import load_spec
from fakes.webhook import SECRET_HEADER

TOKEN = "123456:TEST-token"
ALICE = User(42, "Alice", username="alice")
PRIVATE = Chat(42)
GROUP = Chat(-1001234567890, "supergroup", title="Study group")


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN) as fake:
        yield fake


@pytest.fixture
def timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22.x warns whenever it builds a RetryAfter unless this opt-in is set, and warnings
    # are errors in this repo.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=f"{tg.root}/bot", base_file_url=f"{tg.root}/file/bot") as b:
        yield b


def quiz_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Next", callback_data="next:1")],
            [InlineKeyboardButton("Docs", url="https://example.com")],
        ]
    )


async def test_get_me_and_send_message(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (BOT_ID, "StudyQuizBot", True)
    first = await bot.send_message(PRIVATE.id, "<b>Hi</b> &amp; welcome", parse_mode="HTML")
    second = await bot.send_message(PRIVATE.id, "again", reply_markup=quiz_keyboard())
    assert first.text == "Hi & welcome"
    assert first.entities[0].type == "bold" and first.entities[0].length == 2
    assert second.message_id == first.message_id + 1
    stored = tg.messages(PRIVATE.id)
    assert [m["text"] for m in stored] == ["Hi & welcome", "again"]
    assert stored[1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "next:1"
    assert tg.violations == []


async def test_quiz_poll_lifecycle(tg: FakeTelegram, bot: Bot) -> None:
    message = await bot.send_poll(
        GROUP.id,
        "2 + 2 = ?",
        ["3", "4", "5"],
        type="quiz",
        is_anonymous=False,
        correct_option_ids=[1],
        explanation="Basic arithmetic",
        open_period=60,
    )
    poll = message.poll
    assert poll is not None and poll.type == "quiz" and not poll.is_anonymous
    assert tg.polls[poll.id]["correct_option_ids"] == [1]
    call = tg.calls_of("sendPoll")[0]
    assert call.params["options"] == [{"text": "3"}, {"text": "4"}, {"text": "5"}]
    assert call.params["is_anonymous"] is False

    tg.user_answers_poll(ALICE, poll.id, [1])
    assert tg.polls[poll.id]["options"][1]["voter_count"] == 1

    stopped = await bot.stop_poll(GROUP.id, message.message_id)
    assert stopped.is_closed and tg.polls[poll.id]["is_closed"]
    with pytest.raises(BadRequest, match=r"(?i)already been closed"):
        await bot.stop_poll(GROUP.id, message.message_id)
    tg.violations.clear()
    with pytest.raises(ValueError, match=r"(?i)closed"):
        tg.user_answers_poll(ALICE, poll.id, [0])


async def poll_with(
    bot: Bot, *, open_period: int | None = None, close_date: int | None = None
) -> Message:
    return await bot.send_poll(
        GROUP.id,
        "2 + 2 = ?",
        ["3", "4"],
        type="quiz",
        correct_option_ids=[1],
        open_period=open_period,
        close_date=close_date,
    )


async def test_poll_timing_is_refused_as_telegram_refuses_it(tg: FakeTelegram, bot: Bot) -> None:
    now = time.time()
    refused: list[dict[str, int]] = [
        {"open_period": 60, "close_date": int(now) + 60},  # not both
        {"open_period": PollLimit.MIN_OPEN_PERIOD - 1},
        {"open_period": PollLimit.MAX_OPEN_PERIOD + 1},
        # "At least 5 seconds in the future": 4.x s is refused, even when the whole seconds
        # of the two clocks would differ by 5.
        {"close_date": math.ceil(now + PollLimit.MIN_OPEN_PERIOD - 1)},
        {"close_date": int(now) - 1},
        {"close_date": int(now) + PollLimit.MAX_OPEN_PERIOD + 2},
    ]
    for timing in refused:
        with pytest.raises(BadRequest):
            await poll_with(bot, **timing)
    assert len(tg.rejections) == len(refused)
    tg.violations.clear()
    await poll_with(bot, open_period=PollLimit.MIN_OPEN_PERIOD)
    await poll_with(bot, close_date=math.ceil(time.time() + PollLimit.MIN_OPEN_PERIOD + 1))
    assert tg.violations == []


async def test_stop_poll_refuses_a_poll_its_close_date_closed(tg: FakeTelegram, bot: Bot) -> None:
    message = await poll_with(bot, close_date=math.ceil(time.time()) + PollLimit.MIN_OPEN_PERIOD)
    assert message.poll is not None
    await asyncio.sleep(message.poll.close_date.timestamp() - time.time() + 0.05)  # type: ignore[union-attr]
    with pytest.raises(BadRequest, match=r"(?i)^poll has already been closed$"):
        await bot.stop_poll(GROUP.id, message.message_id)
    assert tg.polls[message.poll.id]["is_closed"]
    tg.violations.clear()
    with pytest.raises(ValueError, match=r"(?i)closed"):
        tg.user_answers_poll(ALICE, message.poll.id, [0])


async def test_edit_delete_and_not_modified(tg: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(PRIVATE.id, "v1", reply_markup=quiz_keyboard())
    edited = await bot.edit_message_text("v2", PRIVATE.id, sent.message_id)
    assert isinstance(edited, Message)
    assert edited.text == "v2" and edited.reply_markup is None  # omitting markup drops it
    await bot.edit_message_reply_markup(PRIVATE.id, sent.message_id, reply_markup=quiz_keyboard())
    assert tg.message(PRIVATE.id, sent.message_id)["reply_markup"]
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(
            PRIVATE.id, sent.message_id, reply_markup=quiz_keyboard()
        )
    assert tg.rejections and "not modified" in tg.rejections[-1]
    tg.violations.clear()
    assert await bot.delete_message(PRIVATE.id, sent.message_id)
    assert tg.messages(PRIVATE.id) == [] and tg.deleted == [(PRIVATE.id, sent.message_id)]
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(PRIVATE.id, sent.message_id)
    tg.violations.clear()


async def test_a_file_download_can_be_held(tg: FakeTelegram, bot: Bot) -> None:
    """`delay_next_download` holds one download (the bot can be killed meanwhile); the
    download is seen from its start, and the next one is not held."""
    file_id = tg.add_file(b"slow notes", file_name="notes.txt", mime_type="text/plain")
    tg_file = await bot.get_file(file_id)
    tg.delay_next_download(30)
    held = asyncio.create_task(tg_file.download_as_bytearray())
    await tg.wait_for_download(timeout=5)
    await asyncio.sleep(0.3)
    assert not held.done() and len(tg.downloads) == 1
    held.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await held
    started = time.monotonic()
    assert bytes(await tg_file.download_as_bytearray()) == b"slow notes"
    assert time.monotonic() - started < 5 and len(tg.downloads) == 2


async def test_files_members_commands_and_chat(tg: FakeTelegram, bot: Bot) -> None:
    file_id = tg.add_file(b"%PDF-1.7 notes", file_name="notes.pdf", mime_type="application/pdf")
    tg_file = await bot.get_file(file_id)
    assert bytes(await tg_file.download_as_bytearray()) == b"%PDF-1.7 notes"

    sent = await bot.send_document(PRIVATE.id, b"quiz,data", filename="quiz.csv")
    assert sent.document is not None and sent.document.file_name == "quiz.csv"
    assert (
        bytes(await (await bot.get_file(sent.document.file_id)).download_as_bytearray())
        == b"quiz,data"
    )

    tg.set_admins(GROUP.id, {7}, creator=8)
    tg.set_member_count(GROUP.id, 31)
    statuses = [(await bot.get_chat_member(GROUP.id, uid)).status for uid in (7, 8, 9)]
    assert statuses == ["administrator", "creator", "member"]
    assert await bot.get_chat_member_count(GROUP.id) == 31
    assert (await bot.get_chat(GROUP.id)).type == "supergroup"

    await bot.set_my_commands([("quiz", "Start a quiz"), ("help", "Help")])
    assert [c.command for c in await bot.get_my_commands()] == ["quiz", "help"]
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    await bot.send_chat_action(PRIVATE.id, "typing")
    assert tg.violations == []


@pytest.mark.usefixtures("timedelta_retry_after")
async def test_fault_injection_maps_to_ptb_errors(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(PRIVATE.id, "x")
    assert info.value.retry_after == dt.timedelta(seconds=3)
    tg.fail("sendMessage", status=403)
    with pytest.raises(Forbidden, match=r"(?i)blocked"):
        await bot.send_message(PRIVATE.id, "x")
    tg.fail("sendMessage", status=502, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(PRIVATE.id, "x")
    await bot.send_message(PRIVATE.id, "finally")
    assert tg.violations == [] and tg.too_many_requests == 1


@pytest.mark.usefixtures("timedelta_retry_after")
async def test_rate_limits(tg: FakeTelegram, bot: Bot) -> None:
    tg.enforce_rate_limits(per_group_per_minute=3, per_chat_per_second=None, window_scale=0.02)
    for i in range(3):
        await bot.send_message(GROUP.id, f"m{i}")
    with pytest.raises(RetryAfter):
        await bot.send_message(GROUP.id, "too many")
    assert tg.too_many_requests == 1
    await asyncio.sleep(1.3)  # the scaled minute is 1.2 s
    await bot.send_message(GROUP.id, "ok again")
    await bot.send_message(PRIVATE.id, "private chats only have the per-second limit (off)")
    assert tg.violations == []


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"question": "x" * 301}, "poll question"),
        ({"options": ["a"] * 13}, "1-12 options"),
        ({"options": ["a", "b" * 101]}, "options length"),
        ({"explanation": "a\nb\nc\nd"}, "line feeds"),
        ({"explanation": "e" * 201}, "at most 200"),
        ({"correct_option_ids": None}, "must be specified"),
        ({"correct_option_ids": [5]}, "wrong correct option ids"),
    ],
)
async def test_poll_limits(
    tg: FakeTelegram, bot: Bot, kwargs: dict[str, object], expected: str
) -> None:
    args: dict[str, object] = {
        "chat_id": GROUP.id,
        "question": "Q?",
        "options": ["a", "b"],
        "type": "quiz",
        "correct_option_ids": [0],
        **kwargs,
    }
    with pytest.raises(BadRequest, match=r"(?i)" + re.escape(expected)):
        await bot.send_poll(**args)  # type: ignore[arg-type]
    assert len(tg.rejections) == 1 and len(tg.violations) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 < 2", "unclosed start tag"),
        ("a < b > c", 'unsupported start tag ""'),
        ("Tom & Jerry", "character reference"),
        ("<b>bold", "can't find end tag"),
        ("<b><i>x</b></i>", "unmatched end tag"),
        ("<div>x</div>", 'unsupported start tag "div"'),
        ("<span>x</span>", "tg-spoiler"),
    ],
)
async def test_html_parse_errors(tg: FakeTelegram, bot: Bot, text: str, expected: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)an't parse entities") as info:
        await bot.send_message(PRIVATE.id, text, parse_mode="HTML")
    assert expected.lower() in str(info.value).lower()
    assert tg.rejections and tg.violations


def test_parse_html_entities_and_offsets() -> None:
    text, entities = parse_html(
        '😀 <b>bold <i>both</i></b> <a href="https://x.io">l</a> '
        '<pre><code class="language-py">x=1</code></pre> &#65;&#x42;&quot;'
    )
    assert text == '😀 bold both l x=1 AB"'
    by_type = {e["type"]: e for e in entities}
    assert by_type["bold"] == {"type": "bold", "offset": 3, "length": 9}  # 😀 is 2 UTF-16 units
    assert by_type["italic"]["offset"] == 8
    assert by_type["text_link"]["url"] == "https://x.io"
    assert by_type["pre"]["language"] == "py" and "code" not in by_type


async def test_text_length_counted_after_parsing(tg: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(PRIVATE.id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.send_message(PRIVATE.id, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(
            PRIVATE.id,
            "x",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("b", callback_data="d" * 65)]]
            ),
        )
    assert len(tg.rejections) == 2


async def test_links_written_as_plain_text_become_clickable_except_in_code(
    tg: FakeTelegram, bot: Bot
) -> None:
    sent = await bot.send_message(
        PRIVATE.id,
        "Go to https://evil.example/x?a=1, or evil.com/steal. <code>https://safe.example/y</code>"
        ' <a href="https://x.io">here</a>',
        parse_mode="HTML",
    )
    links = [(e.type, sent.parse_entity(e)) for e in sent.entities]
    assert links == [
        ("url", "https://evil.example/x?a=1"),
        ("url", "evil.com/steal"),
        ("code", "https://safe.example/y"),
        ("text_link", "here"),
    ]
    edited = await bot.edit_message_text("see a.io", PRIVATE.id, sent.message_id)
    assert isinstance(edited, Message)
    assert [(e.type, edited.parse_entity(e)) for e in edited.entities] == [("url", "a.io")]
    plain = await bot.send_message(PRIVATE.id, "Node.js and e.g. version 3.11: no link")
    assert plain.entities == ()


async def test_validator_flags_unknown_and_mistyped_params(tg: FakeTelegram) -> None:
    # Raw HTTP: PTB's own methods can't produce these mistakes (and do_api_request warns).
    async with httpx.AsyncClient(base_url=f"{tg.root}/bot{TOKEN}/") as http:

        async def post(method: str, **kwargs: object) -> dict[str, object]:
            response = await http.post(method, **kwargs)  # type: ignore[arg-type]
            body: dict[str, object] = response.json()
            return body

        ok = await post("sendMessage", json={"chat_id": PRIVATE.id, "text": "x", "colour": 1})
        assert ok["ok"] is True
        assert tg.violations == ["sendMessage: unknown parameter 'colour'"]
        tg.violations.clear()

        bad = await post("deleteMessage", data={"chat_id": "42", "message_id": "abc"})
        assert bad["error_code"] == 400 and "expected Integer" in str(bad["description"])
        assert any("deleteMessage.message_id" in v for v in tg.violations)
        tg.violations.clear()

        bad = await post("sendMessage", data={"chat_id": "42"})
        assert "missing required parameter 'text'" in str(bad["description"])
        tg.violations.clear()

        # The pre-9.6 single correct option is gone from the spec.
        options = [{"text": "a"}, {"text": "b"}]
        await post(
            "sendPoll",
            json={
                "chat_id": GROUP.id,
                "question": "Q",
                "options": options,
                "type": "quiz",
                "correct_option_id": 0,
                "correct_option_ids": [0],
            },
        )
        assert tg.violations == ["sendPoll: unknown parameter 'correct_option_id'"]
        tg.violations.clear()

        bad = await post("sendDice", data={"chat_id": "42"})
        assert "not supported by fake" in str(bad["description"])
        assert tg.violations == ["sendDice: method not supported by fake"]
        tg.violations.clear()

        assert (await post("frobnicate"))["error_code"] == 404
        assert tg.violations == ["frobnicate: unknown method (not in Bot API Bot API 10.1)"]
        tg.violations.clear()


def test_spec_checks_nested_objects_and_subtypes() -> None:
    spec = load_spec()
    markup = {"inline_keyboard": [[{"text": "a", "callback_data": 5}]]}
    problems = spec.check_params("sendMessage", {"chat_id": 1, "text": "t", "reply_markup": markup})
    assert problems and "callback_data" in problems[0]
    member = {"status": "member", "user": {"id": 1, "is_bot": False, "first_name": "A"}}
    assert spec.check_object(member, "ChatMember") == []
    assert spec.check_object({**member, "status": "owner"}, "ChatMember")
    assert spec.check_params("nope", {}) == [
        "nope: unknown method (not in Bot API spec Bot API 10.1)"
    ]


async def test_an_action_runs_the_moment_an_update_is_confirmed(tg: FakeTelegram, bot: Bot) -> None:
    first = tg.user_sends(PRIVATE, ALICE, "hello")
    second = tg.user_sends(PRIVATE, ALICE, "again")
    seen: list[int] = []
    tg.when_confirmed(first, lambda: seen.append(tg.confirmed_offset))
    await bot.get_updates()
    assert seen == []  # delivered, not yet confirmed
    # Inside the confirming request, before its answer: as a crash right then would be.
    await bot.get_updates(offset=first + 1)
    assert seen == [first + 1]
    await bot.get_updates(offset=second + 1)
    assert seen == [first + 1]  # once


async def test_get_updates_semantics(tg: FakeTelegram, bot: Bot) -> None:
    first = tg.user_sends(PRIVATE, ALICE, "hello")
    second = tg.user_sends(GROUP, ALICE, "/quiz@StudyQuizBot biology", message_thread_id=None)
    updates = await bot.get_updates(limit=1)
    assert [u.update_id for u in updates] == [first]
    updates = await bot.get_updates(offset=first + 1)
    assert [u.update_id for u in updates] == [second]
    assert updates[0].message is not None
    assert updates[0].message.entities[0].type == "bot_command"
    assert updates[0].message.entities[0].length == len("/quiz@StudyQuizBot")
    assert tg.confirmed_offset == first + 1

    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(offset=second + 1, timeout=1) == ()
    assert loop.time() - started >= 0.9

    waiter = asyncio.create_task(bot.get_updates(offset=second + 1, timeout=5))
    await asyncio.sleep(0.1)
    third = tg.user_sends_document(PRIVATE, ALICE, "n.txt", "text/plain", b"notes", caption="c")
    got = await asyncio.wait_for(waiter, 2)
    assert [u.update_id for u in got] == [third]
    assert got[0].message is not None and got[0].message.document is not None
    assert tg.violations == []


async def test_application_end_to_end(tg: FakeTelegram) -> None:
    seen: list[str] = []

    async def on_quiz(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        await context.bot.send_poll(
            update.effective_chat.id,
            "Capital of France?",
            ["Berlin", "Paris"],
            type="quiz",
            is_anonymous=False,
            correct_option_ids=[1],
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("Skip", callback_data="skip")]]
            ),
        )
        seen.append("quiz")

    async def on_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.poll_answer is not None
        seen.append(f"answer:{update.poll_answer.option_ids}")

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer("Skipped")
        seen.append(f"button:{update.callback_query.data}")

    app: Application = (  # type: ignore[type-arg]
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{tg.root}/bot")
        .base_file_url(f"{tg.root}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("quiz", on_quiz))
    app.add_handler(PollAnswerHandler(on_answer))
    app.add_handler(CallbackQueryHandler(on_button))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES)
    try:
        update_id = tg.user_sends(GROUP, ALICE, "/quiz@StudyQuizBot")
        [call] = await tg.wait_for("sendPoll", timeout=5)
        message = call.result
        tg.user_answers_poll(ALICE, message["poll"]["id"], [1])
        tg.user_presses(ALICE, GROUP.id, message["message_id"], "skip")
        await tg.wait_for("answerCallbackQuery", timeout=5)
        await tg.wait_confirmed(update_id, timeout=5)
        for _ in range(50):
            if len(seen) == 3:
                break
            await asyncio.sleep(0.02)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert seen == ["quiz", "answer:(1,)", "button:skip"]
    assert tg.allowed_updates == list(Update.ALL_TYPES)
    assert tg.violations == []


async def test_wait_for_times_out_with_context(tg: FakeTelegram, bot: Bot) -> None:
    await bot.get_me()
    with pytest.raises(AssertionError, match=r"sendPoll(.|\n)*getMe"):
        await tg.wait_for("sendPoll", timeout=0.1)


def _png(width: int, height: int) -> bytes:
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x02\x00\x00\x00"
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + ihdr + b"\x00\x00\x00\x00"


async def test_send_photo_takes_a_png_upload_and_checks_its_size(
    tg: FakeTelegram, bot: Bot
) -> None:
    sent = await bot.send_photo(
        PRIVATE.id, _png(800, 450), caption="<b>stats</b>", parse_mode="HTML"
    )
    assert sent.photo[-1].width == 800 and sent.photo[-1].height == 450
    assert sent.caption == "stats"
    [call] = tg.calls_of("sendPhoto")
    assert call.params["photo"].data[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await bot.send_photo(PRIVATE.id, b"not an image")
    with pytest.raises(BadRequest, match=r"(?i)photo_invalid_dimensions"):
        await bot.send_photo(PRIVATE.id, _png(4000, 100))
    with pytest.raises(BadRequest, match="caption is too long"):
        await bot.send_photo(PRIVATE.id, _png(10, 10), caption="x" * 1025)


async def test_callback_query_is_answerable_once_and_only_while_fresh(
    tg: FakeTelegram, bot: Bot
) -> None:
    message = await bot.send_message(
        PRIVATE.id,
        "Pick",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]]),
    )
    tg.user_presses(ALICE, PRIVATE.id, message.message_id, "go")
    tg.user_presses(
        ALICE, PRIVATE.id, message.message_id, "go", sent_ago=CALLBACK_ANSWER_WINDOW + 1
    )
    fresh, old = [u.callback_query for u in await bot.get_updates(timeout=0)]
    assert fresh is not None and old is not None
    assert await fresh.answer("ok")
    too_old = "(?i)query is too old and response timeout expired or query id is invalid"
    with pytest.raises(BadRequest, match=too_old):
        await fresh.answer("twice")
    with pytest.raises(BadRequest, match=too_old):
        await old.answer()
    assert tg.violations == []


async def test_a_poll_closes_by_itself_after_its_open_period(tg: FakeTelegram, bot: Bot) -> None:
    """A live game relies on it: the countdown ends the poll, and a stopPoll after is a 400."""
    message = await poll_with(bot, open_period=PollLimit.MIN_OPEN_PERIOD)
    poll = message.poll
    assert poll is not None and poll.close_date is not None
    assert tg.polls[poll.id]["open_period"] == PollLimit.MIN_OPEN_PERIOD
    await asyncio.sleep(poll.close_date.timestamp() - time.time() + 0.05)
    with pytest.raises(BadRequest, match=r"(?i)^poll has already been closed$"):
        await bot.stop_poll(GROUP.id, message.message_id)
    assert tg.polls[poll.id]["is_closed"]
    tg.violations.clear()


async def test_message_drafts_follow_the_spec(tg: FakeTelegram, bot: Bot) -> None:
    assert await bot.send_message_draft(PRIVATE.id, 7, "Writing")
    assert await bot.send_message_draft(PRIVATE.id, 7, "")  # "Thinking..." placeholder
    assert await bot.send_message_draft(PRIVATE.id, 7, "<b>x</b>" + "y" * 4095, parse_mode="HTML")
    assert tg.drafts == [
        (PRIVATE.id, 7, "Writing"),
        (PRIVATE.id, 7, ""),
        (PRIVATE.id, 7, "x" + "y" * 4095),
    ]
    assert tg.messages(PRIVATE.id) == []  # a draft is only a preview
    for chat_id, draft_id, text, expected in [
        (GROUP.id, 7, "hi", "private chats"),
        (PRIVATE.id, 0, "hi", "non-zero"),
        (PRIVATE.id, 7, "y" * 4097, "too long"),
    ]:
        with pytest.raises(BadRequest, match=expected):
            await bot.send_message_draft(chat_id, draft_id, text)
    assert len(tg.drafts) == 3 and len(tg.rejections) == 3


async def test_poll_description_and_hidden_results(tg: FakeTelegram, bot: Bot) -> None:
    quote = "<i>notes.pdf</i>: “" + "w" * 990 + "”"
    message = await bot.send_poll(
        GROUP.id,
        "Q?",
        ["a", "b"],
        type="quiz",
        correct_option_ids=[0],
        description=quote,
        description_parse_mode="HTML",
        hide_results_until_closes=True,
        allows_revoting=False,
    )
    poll = tg.polls[message.poll.id] if message.poll else {}
    assert poll["description"].startswith("notes.pdf: “www")
    assert poll["description_entities"][0]["type"] == "italic"
    assert poll["allows_revoting"] is False
    call = tg.calls_of("sendPoll")[0]
    assert call.params["hide_results_until_closes"] is True
    with pytest.raises(BadRequest, match="at most 1024"):
        await bot.send_poll(
            GROUP.id, "Q?", ["a", "b"], type="quiz", correct_option_ids=[0], description="d" * 1025
        )
    assert tg.violations == [
        "sendPoll: answered 400 Bad Request: description must be at most 1024 characters"
    ]


async def test_a_photo_arrives_as_photo_sizes_each_downloadable(tg: FakeTelegram, bot: Bot) -> None:
    picture = b"\xff\xd8\xff\xe0" + b"p" * 400
    tg.user_sends_photo(PRIVATE, ALICE, picture, caption="/quiz 2", media_group_id="album-1")
    [update] = await bot.get_updates(timeout=0)
    message = update.message
    assert message is not None and message.caption == "/quiz 2"
    assert message.media_group_id == "album-1"
    thumb, full = message.photo
    assert thumb.width < full.width and full.file_size == len(picture)
    tg_file = await bot.get_file(full.file_id)
    assert tg_file.file_path is not None and "/photos/" in tg_file.file_path
    assert bytes(await tg_file.download_as_bytearray()) == picture
    small = await (await bot.get_file(thumb.file_id)).download_as_bytearray()
    assert len(small) < len(picture)


async def test_a_deep_link_sends_start_with_its_parameter(tg: FakeTelegram, bot: Bot) -> None:
    update_id = tg.user_opens_link(ALICE, "https://t.me/StudyQuizBot?start=qAb-_9")
    [update] = [u for u in tg.pending_updates if u["update_id"] == update_id]
    assert update["message"]["text"] == "/start qAb-_9"
    assert update["message"]["chat"]["id"] == ALICE.id
    tg.user_opens_link(ALICE, "https://t.me/StudyQuizBot?startgroup=qAb", GROUP)
    message = tg.pending_updates[-1]["message"]
    assert message["text"] == "/start@StudyQuizBot qAb" and message["chat"]["id"] == GROUP.id
    # What Telegram does not pass on: too long, other characters, another bot, no group.
    for url in (
        "https://t.me/StudyQuizBot?start=" + "a" * 65,
        "https://t.me/StudyQuizBot?start=a+b",
        "https://t.me/StudyQuizBot?start=",
        "https://t.me/OtherBot?start=abc",
    ):
        with pytest.raises(ValueError):
            tg.user_opens_link(ALICE, url)
    with pytest.raises(ValueError):
        tg.user_opens_link(ALICE, "https://t.me/StudyQuizBot?startgroup=abc")


async def test_send_document_takes_a_csv_upload_and_refuses_an_empty_one(
    tg: FakeTelegram, bot: Bot
) -> None:
    sent = await bot.send_document(
        PRIVATE.id,
        b"question,choice1\n",
        filename="quiz.csv",
        caption="<b>q</b>",
        parse_mode="HTML",
    )
    assert sent.document is not None and sent.document.file_name == "quiz.csv"
    assert tg.files[sent.document.file_id].data == b"question,choice1\n"
    with pytest.raises(BadRequest, match=r"(?i)file must be non-empty"):
        await bot.send_document(PRIVATE.id, b"", filename="empty.csv")


async def test_inline_queries_need_inline_mode_and_a_strict_answer(
    tg: FakeTelegram, bot: Bot
) -> None:
    with pytest.raises(ValueError, match="inline mode is off"):
        tg.user_inline_query(ALICE, "bio")
    tg.inline_mode = True
    assert (await bot.get_me()).supports_inline_queries

    def article(result_id: str, text: str = "<b>card</b>") -> InlineQueryResultArticle:
        return InlineQueryResultArticle(
            result_id, "Title", InputTextMessageContent(text, parse_mode="HTML")
        )

    async def answer(results: list[InlineQueryResultArticle]) -> None:
        await bot.answer_inline_query(tg.user_inline_query(ALICE, "bio"), results)

    await answer([article("1"), article("2")])
    [call] = tg.calls_of("answerInlineQuery")
    assert [r["id"] for r in call.params["results"]] == ["1", "2"]
    with pytest.raises(BadRequest, match=r"(?i)results_too_much"):
        await answer([article(str(i)) for i in range(51)])
    with pytest.raises(BadRequest, match=r"(?i)result_id_invalid"):
        await answer([article("x" * 65)])
    with pytest.raises(BadRequest, match=r"(?i)result_id_duplicate"):
        await answer([article("1"), article("1")])
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await answer([article("1", "<b>open")])
    # Once only, like a callback query.
    query_id = tg.user_inline_query(ALICE, "bio")
    await bot.answer_inline_query(query_id, [article("1")])
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_inline_query(query_id, [article("1")])
    assert len(tg.rejections) == 4
    # Only the Bot API's result types (the spec's InlineQueryResult subtypes).
    bogus = {"type": "bogus", "id": "1", "title": "t"}
    async with httpx.AsyncClient(base_url=f"{tg.root}/bot{TOKEN}/") as http:
        query = {"inline_query_id": tg.user_inline_query(ALICE, "bio"), "results": [bogus]}
        refused = await http.post("answerInlineQuery", json=query)
    assert refused.status_code == 400 and "InlineQueryResult" in refused.json()["description"]
    tg.violations.clear()


async def test_outsiders_are_no_members_and_vote_only_on_forwarded_polls(
    tg: FakeTelegram, bot: Bot
) -> None:
    stranger, banned = User(77, "Stranger"), User(78, "Banned")
    tg.set_outsider(GROUP.id, stranger)
    tg.set_outsider(GROUP.id, banned, "kicked")
    left = await bot.get_chat_member(GROUP.id, stranger.id)
    kicked = await bot.get_chat_member(GROUP.id, banned.id)
    assert (left.status, kicked.status) == ("left", "kicked")
    assert (await bot.get_chat_member(GROUP.id, ALICE.id)).status == "member"

    group_poll, private_poll = [
        (
            await bot.send_poll(
                chat,
                "1 + 1 = ?",
                ["2", "3"],
                type="quiz",
                correct_option_ids=[0],
                is_anonymous=False,
            )
        ).poll
        for chat in (GROUP.id, PRIVATE.id)
    ]
    assert group_poll is not None and private_poll is not None
    # Only a forwarded copy reaches someone outside the poll's chat.
    with pytest.raises(ValueError, match="forwarded"):
        tg.user_answers_poll(stranger, group_poll.id, [1])
    with pytest.raises(ValueError, match="forwarded"):
        tg.user_answers_poll(stranger, private_poll.id, [0])
    tg.user_answers_poll(stranger, group_poll.id, [1], forwarded=True)
    tg.user_answers_poll(stranger, private_poll.id, [0], forwarded=True)
    tg.user_answers_poll(ALICE, group_poll.id, [0])
    # The votes arrive like any other: nothing in them says where they were cast.
    votes = [u["poll_answer"] for u in tg.pending_updates if "poll_answer" in u]
    assert [(v["poll_id"], v["user"]["id"]) for v in votes] == [
        (group_poll.id, stranger.id),
        (private_poll.id, stranger.id),
        (group_poll.id, ALICE.id),
    ]
    assert tg.violations == []


async def test_an_action_runs_just_before_a_call_which_is_left_undone(
    tg: FakeTelegram, bot: Bot
) -> None:
    ran: list[int] = []
    tg.before_call("sendMessage", lambda: ran.append(len(tg.messages(PRIVATE.id))), nth=2)
    await bot.send_message(PRIVATE.id, "first")
    with pytest.raises(NetworkError):
        await bot.send_message(PRIVATE.id, "second")
    await bot.send_message(PRIVATE.id, "third")
    assert ran == [1]
    assert [m["text"] for m in tg.messages(PRIVATE.id)] == ["first", "third"]
    assert [c.params["text"] for c in tg.calls_of("sendMessage")] == ["first", "third"]


async def test_poll_counts_follow_changed_and_retracted_votes(tg: FakeTelegram, bot: Bot) -> None:
    message = await bot.send_poll(GROUP.id, "Best colour?", ["red", "blue"], is_anonymous=False)
    assert message.poll is not None
    poll_id = message.poll.id
    bob = User(43, "Bob")
    tg.user_answers_poll(ALICE, poll_id, [0])
    tg.user_answers_poll(bob, poll_id, [0])
    tg.user_answers_poll(ALICE, poll_id, [1])  # a regular poll allows revoting
    counts = [o["voter_count"] for o in tg.polls[poll_id]["options"]]
    assert counts == [1, 1] and tg.polls[poll_id]["total_voter_count"] == 2
    tg.user_answers_poll(bob, poll_id, [])  # retracted
    counts = [o["voter_count"] for o in tg.polls[poll_id]["options"]]
    assert counts == [0, 1] and tg.polls[poll_id]["total_voter_count"] == 1


async def test_a_slow_answer_is_done_at_once_and_answered_later(tg: FakeTelegram) -> None:
    seen: list[object] = []
    tg.slow_answer("sendMessage", 0.3, lambda result: seen.append(result["text"]))
    async with Bot(TOKEN, base_url=f"{tg.root}/bot") as bot:
        started = time.monotonic()
        sent = await bot.send_message(PRIVATE.id, "hi")
        assert time.monotonic() - started >= 0.3
        # Done before the bot heard of it; only the next call is slow.
        assert seen == ["hi"] and sent.text == "hi"
        started = time.monotonic()
        await bot.send_message(PRIVATE.id, "again")
        assert time.monotonic() - started < 0.3 and seen == ["hi"]


async def test_set_webhook_again_is_idempotent(tg: FakeTelegram) -> None:
    """As Telegram: setting the same webhook again changes nothing and keeps the updates
    waiting for it; only drop_pending_updates drops them."""
    tg.user_sends(PRIVATE, ALICE, "hello")
    async with Bot(TOKEN, base_url=f"{tg.root}/bot") as bot:
        url = "https://bot.example.com/hook"
        assert await bot.set_webhook(url)
        assert await bot.set_webhook(url)
        info = await bot.get_webhook_info()
        assert (info.url, info.pending_update_count) == (url, 1)
        assert await bot.set_webhook(url, drop_pending_updates=True)
        assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_leaving_and_joining_a_group_post_service_messages(
    tg: FakeTelegram, bot: Bot
) -> None:
    bob = User(79, "Bob")
    tg.user_leaves(GROUP, bob)
    assert (await bot.get_chat_member(GROUP.id, bob.id)).status == "left"
    tg.user_joins(GROUP, bob)
    assert (await bot.get_chat_member(GROUP.id, bob.id)).status == "member"
    left, joined = [u["message"] for u in tg.pending_updates]
    assert left["left_chat_member"]["id"] == bob.id and left["chat"]["id"] == GROUP.id
    assert [m["id"] for m in joined["new_chat_members"]] == [bob.id]
    # An admin bans him: a chat_member update, for a bot that asks for them.
    tg.member_status_changes(GROUP, bob, "member", "kicked")
    assert (await bot.get_chat_member(GROUP.id, bob.id)).status == "kicked"
    *_, update = await bot.get_updates(allowed_updates=["message", "chat_member"])
    assert update.chat_member is not None
    assert update.chat_member.new_chat_member.status == "kicked"
    assert tg.violations == []


# -- webhook delivery ---------------------------------------------------------------------------

HOOK = "https://bot.example.com/hook"


class Receiver:
    """A webhook endpoint on 127.0.0.1 that notes what it got and answers `statuses` in turn
    (then 200); while `hold` is clear, requests wait."""

    def __init__(self) -> None:
        self.got: list[tuple[int, str | None]] = []
        self.statuses: list[int] = []
        self.delays: list[float] = []
        self.hold = asyncio.Event()
        self.hold.set()
        self.open = self.most_open = 0
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        update = await request.json()
        self.got.append((update["update_id"], request.headers.get(SECRET_HEADER)))
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        try:
            await self.hold.wait()
            if self.delays:
                await asyncio.sleep(self.delays.pop(0))
        finally:
            self.open -= 1
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)

    async def __aenter__(self) -> Receiver:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/hook"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.hold.set()
        assert self._runner is not None
        await self._runner.cleanup()


def dead_target() -> str:
    """A local port nobody listens on: the connection is refused."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/hook"


async def test_webhook_delivers_round_robin_with_the_secret_and_getupdates_conflicts(
    tg: FakeTelegram, bot: Bot
) -> None:
    async with Receiver() as a, Receiver() as b:
        tg.route_webhook([a.url, b.url])
        assert await bot.set_webhook(HOOK, secret_token="s3cret_-X")
        ids = [tg.user_sends(PRIVATE, ALICE, f"m{i}") for i in range(4)]
        for update_id in ids:
            await tg.wait_acknowledged(update_id)
        assert a.got == [(ids[0], "s3cret_-X"), (ids[2], "s3cret_-X")]
        assert b.got == [(ids[1], "s3cret_-X"), (ids[3], "s3cret_-X")]
        assert tg.pending_updates == []
        info = await bot.get_webhook_info()
        assert (info.url, info.pending_update_count, info.max_connections) == (HOOK, 0, 40)
        with pytest.raises(Conflict):
            await bot.get_updates()
        # Unset, updates wait for getUpdates again.
        assert await bot.delete_webhook()
        later = tg.user_sends(PRIVATE, ALICE, "after")
        [update] = await bot.get_updates()
        assert update.update_id == later and len(a.got) + len(b.got) == 4


async def test_webhook_redelivers_after_an_error_a_timeout_or_a_dead_target(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.webhook.timeout = 0.5
    async with Receiver() as a:
        a.statuses = [500]
        a.delays = [0.0, 2.0]  # the first answer is a 500, the second comes too late
        tg.route_webhook([dead_target(), a.url])
        await bot.set_webhook(HOOK)
        update_id = tg.user_sends(PRIVATE, ALICE, "again")
        await tg.wait_acknowledged(update_id, timeout=15)
        outcomes = [(d.target == a.url, d.status, d.error) for d in tg.webhook.deliveries]
        # Each attempt starts at the next target: the dead one is skipped for `a`.
        assert outcomes == [
            (False, None, "refused"),
            (True, 500, None),
            (False, None, "refused"),
            (True, None, "timeout"),
            (False, None, "refused"),
            (True, 200, None),
        ]
        assert [u for u, _ in a.got] == [update_id] * 3
        assert tg.pending_updates == []
        info = await bot.get_webhook_info()
        assert info.last_error_message and info.last_error_date


async def test_webhook_keeps_to_max_connections_and_checks_its_parameters(
    tg: FakeTelegram, bot: Bot
) -> None:
    async with Receiver() as a:
        a.hold.clear()
        tg.route_webhook([a.url])
        await bot.set_webhook(HOOK, max_connections=2)
        ids = [tg.user_sends(PRIVATE, ALICE, f"m{i}") for i in range(5)]
        while a.open < 2:  # noqa: ASYNC110 - the receiver's counter, no event
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)
        assert a.open == 2
        a.hold.set()
        for update_id in ids:
            await tg.wait_acknowledged(update_id)
        assert a.most_open == 2 and sorted(u for u, _ in a.got) == ids
    with pytest.raises(BadRequest, match=r"(?i)https url"):
        await bot.set_webhook("http://bot.example.com/hook")
    with pytest.raises(BadRequest, match=r"(?i)max_connections"):
        await bot.set_webhook(HOOK, max_connections=101)
    with pytest.raises(BadRequest, match=r"(?i)secret token"):
        await bot.set_webhook(HOOK, secret_token="no spaces")
