"""A fake Telegram Bot API server for end-to-end tests of the bot.

It speaks the real wire protocol (so a real ``telegram.Bot``/``Application`` can talk to it),
keeps just enough state (chats, messages, polls, files, an update queue) to let a test play the
users, and checks every request and every response against the published Bot API spec plus the
semantic limits Telegram enforces. Anything that would break against the real server is appended
to :attr:`FakeTelegram.violations`; tests are expected to assert that list is empty.

Usage::

    async with FakeTelegram() as tg:
        bot = telegram.Bot(TOKEN, base_url=f"{tg.root}/bot", base_file_url=f"{tg.root}/file/bot")
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import itertools
import json
import math
import re
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import web
from telegram.constants import (
    BotCommandLimit,
    CallbackQueryLimit,
    ChatAction,
    ChatType,
    FileSizeLimit,
    InlineKeyboardButtonLimit,
    InlineKeyboardMarkupLimit,
    InlineQueryLimit,
    InlineQueryResultLimit,
    MessageLimit,
    ParseMode,
    PollLimit,
    PollType,
)

from fakes.telegram_spec import Spec, UploadedFile, load_spec
from fakes.webhook import DEFAULT_MAX_CONNECTIONS, WebhookDelivery

BOT_ID = 1000
BOT_USERNAME = "StudyQuizBot"
BOT_FIRST_NAME = "StudyQuiz"

JSONDict = dict[str, Any]

# Telegram's default when allowed_updates is empty/unset (see getUpdates docs).
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
# Methods that count against Telegram's flood limits for rate-limit enforcement.
_FLOOD_EXEMPT = frozenset({"sendChatAction"})
# Fields of InlineKeyboardButton that do not choose the button's action.
_BUTTON_DECOR_FIELDS = frozenset({"text", "icon_custom_emoji_id", "style"})
# A bot's deep link, and the parameter Telegram passes on: 1-64 of A-Z, a-z, 0-9, _ and -
# (https://core.telegram.org/api/links#bot-links); with any other, the app opens the chat
# and sends a plain /start, so the payload is lost.
_DEEP_LINK_RE = re.compile(r"https://t\.me/(?P<bot>\w+)\?(?P<kind>start|startgroup)=(?P<arg>.*)")
_START_PARAMETER_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
# setWebhook's secret_token: "1-256 characters. Only characters A-Z, a-z, 0-9, _ and -".
_SECRET_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_COMMAND_RE = re.compile(rf"[a-z0-9_]{{1,{BotCommandLimit.MAX_COMMAND}}}")
_BUTTON_URL_RE = re.compile(r"(https?|tg)://\S+", re.IGNORECASE)
# Telegram expects a callback query to be answered soon after it was sent (clients show a
# progress bar meanwhile); a later answer, or a second one, gets 400 "query is too old…".
# The Bot API docs give no number; about 15 s is what Telegram applies in practice.
CALLBACK_ANSWER_WINDOW = 15.0
_QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


# --------------------------------------------------------------------------------------------
# Public value types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = "ko"
    last_name: str | None = None

    def to_api(self) -> JSONDict:
        out: JSONDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if (value := getattr(self, key)) is not None:
                out[key] = value
        return out


@dataclass(frozen=True)
class Chat:
    id: int
    type: Literal["private", "group", "supergroup"] = "private"
    title: str | None = None
    is_forum: bool = False

    def to_api(self, user: User | None = None) -> JSONDict:
        out: JSONDict = {"id": self.id, "type": self.type}
        if self.type == "private":
            # Private chats describe the other party, not a title.
            out["first_name"] = user.first_name if user else f"User{self.id}"
            if user and user.username:
                out["username"] = user.username
            if user and user.last_name:
                out["last_name"] = user.last_name
        else:
            out["title"] = self.title or f"Chat {self.id}"
            if self.is_forum:
                out["is_forum"] = True
        return out


@dataclass
class Call:
    """One request the bot made. ``status``/``result``/``error`` describe our answer."""

    method: str
    params: JSONDict
    time: float
    status: int = 200
    result: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None


class EntityParseError(ValueError):
    """Raised by :func:`parse_html` with Telegram's wording."""


class _ApiError(Exception):
    def __init__(
        self,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        violation: bool = True,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.violation = violation


def _bad(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


@dataclass
class _Fault:
    status: int
    description: str
    retry_after: int | None
    remaining: int


@dataclass
class _RateLimits:
    per_group_per_minute: int | None
    per_chat_per_second: int | None
    window_scale: float


# --------------------------------------------------------------------------------------------
# Telegram's HTML parse mode
# --------------------------------------------------------------------------------------------

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_ALLOWED_TAGS = frozenset({*_SIMPLE_TAGS, "span", "a", "blockquote", "tg-emoji", "tg-time"})
_ATTR_RE = re.compile(r"\s*([a-zA-Z][\w-]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
_CHAR_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def utf16_len(text: str) -> int:
    """Telegram measures offsets and lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


# What Telegram turns into a clickable `url` entity by itself, in any message text (a subset:
# URLs with a scheme, and host names under common top-level domains).
_AUTOLINK_RE = re.compile(
    r"\b(?:(?:https?|ftp|tg)://[^\s<>\"]+"
    r"|(?:[a-z0-9-]+\.)+(?:com|org|net|io|me|info|xyz|dev|app|co|ly|ru|de|uk|kr|jp|ai|gg|to|tv|"
    r"link|site|online)\b(?:/[^\s<>\"]*)?)",
    re.IGNORECASE,
)
# "pre and code entities can't contain other entities": no link is found inside them.
_NO_AUTOLINK = frozenset({"pre", "code", "url", "text_link", "email"})


def with_autolinks(text: str, entities: list[JSONDict]) -> list[JSONDict]:
    """`entities` plus the `url` entities Telegram adds for links written as plain text."""
    taken = [
        (e["offset"], e["offset"] + e["length"]) for e in entities if e["type"] in _NO_AUTOLINK
    ]
    found: list[JSONDict] = []
    for match in _AUTOLINK_RE.finditer(text):
        link = match.group().rstrip(".,;:!?)]}'")
        start = utf16_len(text[: match.start()])
        end = start + utf16_len(link)
        if not any(start < stop and begin < end for begin, stop in taken):
            found.append({"type": "url", "offset": start, "length": end - start})
    if not found:
        return entities
    return sorted([*entities, *found], key=lambda e: (e["offset"], -e["length"]))


@dataclass
class _OpenTag:
    name: str
    entity: JSONDict | None
    start: int
    byte_offset: int


def parse_html(source: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram-flavoured HTML into (plain text, MessageEntity dicts).

    Mirrors tdlib's parser closely enough for its error messages; stricter in one place on
    purpose: a bare ``&`` that is not a supported character reference is an error (tdlib keeps it
    literally), so the bot is forced to escape user/LLM text.
    """
    out: list[str] = []
    pos = 0  # UTF-16 offset in the output text
    stack: list[_OpenTag] = []
    entities: list[JSONDict] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "&":
            decoded, i = _char_reference(source, i)
            out.append(decoded)
            pos += utf16_len(decoded)
            continue
        if ch == ">":
            # tdlib accepts a bare '>' in text.
            out.append(ch)
            pos += 1
            i += 1
            continue
        if ch != "<":
            out.append(ch)
            pos += utf16_len(ch)
            i += 1
            continue
        end = source.find(">", i)
        if end == -1:
            kind = "end" if source.startswith("</", i) else "start"
            raise EntityParseError(
                f"Can't parse entities: unclosed {kind} tag at byte offset {_byte_at(source, i)}"
            )
        inner = source[i + 1 : end]
        if inner.startswith("/"):
            _close_named(inner[1:].strip().lower(), _byte_at(source, i), pos, stack, entities)
        else:
            stack.append(_open_tag(inner, pos, _byte_at(source, i)))
        i = end + 1
    if stack:
        raise EntityParseError(
            "Can't parse entities: can't find end tag corresponding to start tag "
            f'"{stack[-1].name}"'
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _byte_at(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _char_reference(source: str, i: int) -> tuple[str, int]:
    """The character `&…;` at `i` stands for, and where the text goes on."""
    m = _CHAR_ENTITY_RE.match(source, i)
    if m is None:
        raise EntityParseError(
            f"Can't parse entities: unsupported character reference at byte offset "
            f"{_byte_at(source, i)}; escape '&' as &amp;"
        )
    if m.group(3):
        return _NAMED_ENTITIES[m.group(3)], m.end()
    code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or code == 0:
        raise EntityParseError(
            f"Can't parse entities: invalid character reference at byte offset "
            f"{_byte_at(source, i)}"
        )
    return chr(code), m.end()


def _close_named(
    name: str, byte_offset: int, pos: int, stack: list[_OpenTag], entities: list[JSONDict]
) -> None:
    """An end tag: it must close the innermost open tag."""
    if not stack:
        raise EntityParseError(
            f"Can't parse entities: unexpected end tag at byte offset {byte_offset}"
        )
    top = stack.pop()
    if name != top.name:
        raise EntityParseError(
            f"Can't parse entities: unmatched end tag at byte offset {byte_offset}, "
            f'expected "</{top.name}>", found "</{name}>"'
        )
    _close_tag(top, pos, stack, entities)


def _open_tag(inner: str, pos: int, byte_offset: int) -> _OpenTag:
    """A start tag (`inner` is what stands between its brackets), if Telegram supports it."""
    name_match = re.match(r"[^\s>]*", inner)
    name = name_match.group(0).lower() if name_match else ""
    if name not in _ALLOWED_TAGS:
        raise EntityParseError(
            f'Can\'t parse entities: unsupported start tag "{name}" at byte offset {byte_offset}'
        )
    attrs = {
        m.group(1).lower(): next((g for g in m.group(2, 3, 4) if g is not None), "")
        for m in _ATTR_RE.finditer(inner[len(name) :])
    }
    entity = _entity_for_tag(name, attrs, byte_offset)
    return _OpenTag(name, entity, pos, byte_offset)


def _poll_answer_key(params: JSONDict) -> tuple[str, bool, list[int] | None]:
    """A poll's type, whether it takes several answers, and a quiz's correct options."""
    options = params["options"]
    poll_type = params.get("type", PollType.REGULAR)
    if poll_type not in (PollType.QUIZ, PollType.REGULAR):
        raise _bad("poll type is invalid")
    multiple = bool(params.get("allows_multiple_answers", False))
    correct = params.get("correct_option_ids")
    if poll_type == PollType.QUIZ:
        if not correct:
            raise _bad("correct_option_ids must be specified for quiz polls")
        if len(set(correct)) != len(correct) or any(not 0 <= i < len(options) for i in correct):
            raise _bad("wrong correct option ids specified")
        if len(correct) > 1 and not multiple:
            raise _bad("a quiz with several correct options must allow multiple answers")
    elif correct is not None:
        raise _bad("correct_option_ids can be specified only for quiz polls")
    return poll_type, multiple, correct


def _poll_close(params: JSONDict, now: float) -> tuple[int | None, int | None]:
    """A poll's open_period and the close_date it gives (or the close_date sent)."""
    close_date: int | None = params.get("close_date")
    open_period: int | None = params.get("open_period")
    if open_period is not None and close_date is not None:
        # "open_period: … Can't be used together with close_date" (and vice versa).
        raise _bad("can't use open_period and close_date together")
    if open_period is not None:
        if not PollLimit.MIN_OPEN_PERIOD <= open_period <= PollLimit.MAX_OPEN_PERIOD:
            raise _bad("open_period is out of range")
        close_date = int(now) + open_period
    elif close_date is not None and not (
        # "Must be at least 5 and no more than 2628000 seconds in the future", read
        # strictly against the exact time the request arrives: Telegram's clock is not
        # the bot's, so a bot that relies on whole-second rounding will meet a refusal.
        now + PollLimit.MIN_OPEN_PERIOD <= close_date <= now + PollLimit.MAX_OPEN_PERIOD
    ):
        raise _bad("close_date is out of range")
    return open_period, close_date


def _entity_for_tag(name: str, attrs: Mapping[str, str], byte_offset: int) -> JSONDict | None:
    if name in _SIMPLE_TAGS:
        entity: JSONDict = {"type": _SIMPLE_TAGS[name]}
        if name == "code" and attrs.get("class", "").startswith("language-"):
            entity["language"] = attrs["class"][len("language-") :]
        return entity
    if name == "span":
        if attrs.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Can\'t parse entities: tag "span" must have class "tg-spoiler" at byte offset '
                f"{byte_offset}"
            )
        return {"type": "spoiler"}
    if name == "a":
        href = attrs.get("href")
        if not href:
            return None  # tdlib drops links without a target
        if href.startswith("tg://user?id="):
            return {
                "type": "text_mention",
                "user": {"id": int(href[13:]), "is_bot": False, "first_name": "?"},
            }
        return {"type": "text_link", "url": href}
    if name == "blockquote":
        return {"type": "expandable_blockquote" if "expandable" in attrs else "blockquote"}
    if name == "tg-emoji":
        if "emoji-id" not in attrs:
            raise EntityParseError(
                f'Can\'t parse entities: tag "tg-emoji" must have attribute "emoji-id" at byte '
                f"offset {byte_offset}"
            )
        return {"type": "custom_emoji", "custom_emoji_id": attrs["emoji-id"]}
    # tg-time
    if not attrs.get("unix", "").isdigit():
        raise EntityParseError(
            f'Can\'t parse entities: tag "tg-time" must have a valid "unix" attribute at byte '
            f"offset {byte_offset}"
        )
    entity = {"type": "date_time", "unix_time": int(attrs["unix"])}
    if "format" in attrs:
        entity["date_time_format"] = attrs["format"]
    return entity


def _close_tag(top: _OpenTag, pos: int, stack: list[_OpenTag], out: list[JSONDict]) -> None:
    if top.entity is None or pos == top.start:
        return  # Telegram drops empty entities
    # <pre><code class="language-x">…</code></pre> is one pre entity with a language.
    if top.name == "code" and stack and stack[-1].name == "pre" and stack[-1].entity:
        if "language" in top.entity and stack[-1].start == top.start:
            stack[-1].entity["language"] = top.entity["language"]
        return
    out.append({**top.entity, "offset": top.start, "length": pos - top.start})


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------

Handler = Callable[[JSONDict], Awaitable[Any]]


class FakeTelegram:
    """In-process fake of api.telegram.org; see module docstring."""

    def __init__(self, *, token: str | None = None, spec: Spec | None = None) -> None:
        self.spec = spec or load_spec()
        # When set, requests with any other token get Telegram's 401.
        self.token = token
        self.violations: list[str] = []
        self.rejections: list[str] = []
        self.calls: list[Call] = []
        self.too_many_requests = 0
        self.polls: dict[str, JSONDict] = {}
        self.poll_votes: dict[str, dict[int, list[int]]] = {}
        self.files: dict[str, StoredFile] = {}
        self.callback_answers: dict[str, JSONDict] = {}
        self.deleted: list[tuple[int, int]] = []
        # (chat_id, draft_id, text) of every draft accepted, in order: drafts are no messages.
        self.drafts: list[tuple[int, int, str]] = []
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.allowed_updates: list[str] | None = None
        self.webhook_url = ""
        self.confirmed_offset = 0
        # Updates the webhook answered 2xx (Telegram forgets them then).
        self.webhook_acknowledged: set[int] = set()
        # (update id, action) to run once the update is confirmed; see when_confirmed.
        self._on_confirmed: list[tuple[int, Callable[[], object]]] = []
        # [method, calls to let through first, action]; see before_call.
        self._before_calls: list[list[Any]] = []
        # method -> (seconds, what happens meanwhile): see slow_answer.
        self._slow_answers: dict[str, tuple[float, Callable[[Any], object]]] = {}
        self._chats: dict[int, JSONDict] = {}
        self._users: dict[int, User] = {}
        self._messages: dict[int, dict[int, JSONDict]] = {}
        self._next_message_id: dict[int, int] = {}
        self._poll_location: dict[str, tuple[int, int]] = {}
        self._updates: deque[JSONDict] = deque()
        self._must_deliver: set[int] = set()
        self._next_update_id = 800_000_001
        # query id -> when Telegram sent it (monotonic), until it is answered.
        self._open_callbacks: dict[str, float] = {}
        # Inline mode, switched on with BotFather's /setinline: without it no inline query
        # reaches the bot. Inline query id -> when it was sent, until answered.
        self.inline_mode = False
        self._open_inline: dict[str, float] = {}
        self._bot_status: dict[int, str] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self.downloads, self._download_delays = list[str](), deque[float]()  # see wait_for_download
        self._admins: dict[int, set[int]] = {}
        self._creators: dict[int, int] = {}
        self._member_counts: dict[int, int] = {}
        # (chat, user) -> "left" or "kicked": people who are not (or no longer) in a group.
        self._outsiders: dict[tuple[int, int], str] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._rate_limits: _RateLimits | None = None
        self._sent_at: dict[int, deque[float]] = {}
        self._ids = itertools.count(1)
        self._changed = asyncio.Event()
        # After setWebhook, with targets from route_webhook: updates are POSTed to the bot.
        self.webhook = WebhookDelivery(self._webhook_queue, self._webhook_delivered, self._notify)
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._handlers = self._routes()

    def _routes(self) -> dict[str, Handler]:
        """Each Bot API method the fake serves, and its handler."""
        return {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "sendMessageDraft": self._send_message_draft,
            "sendPoll": self._send_poll,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "stopPoll": self._stop_poll,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatMemberCount": self._get_chat_member_count,
            "getFile": self._get_file,
        }

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=2.0
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        # Wake long-polling getUpdates first so the shutdown doesn't wait for their timeouts.
        self._closing = True
        self._notify()
        await self.webhook.aclose()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    # -- configuration ----------------------------------------------------------------------

    def route_webhook(self, targets: list[str]) -> None:
        """Where the (public, https) webhook URL leads: local `http://127.0.0.1:<port>/<path>`
        targets, delivered to round-robin as a load balancer would (see fakes/webhook.py).
        Without targets, updates stay queued after setWebhook (nobody can be reached)."""
        self.webhook.targets = list(targets)
        self.webhook.poke()

    def set_admins(self, chat_id: int, user_ids: set[int], *, creator: int | None = None) -> None:
        self._admins[chat_id] = set(user_ids)
        if creator is not None:
            self._creators[chat_id] = creator

    def set_outsider(
        self, chat_id: int, user: User, status: Literal["left", "kicked"] = "left"
    ) -> None:
        """`user` is not a member of the group: getChatMember says `status`, and they can
        vote on its polls only through a forwarded copy (see user_answers_poll)."""
        self.add_user(user)
        self._outsiders[(chat_id, user.id)] = status

    def user_leaves(self, chat: Chat, user: User) -> int:
        """`user` leaves the group: from now on an outsider, and the service message Telegram
        posts (bots get every service message, privacy mode or not). Returns its update_id."""
        message = self._user_message(chat, user, None, None)
        message["left_chat_member"] = user.to_api()
        self._outsiders[(chat.id, user.id)] = "left"
        return self._store_and_push(message)

    def user_joins(self, chat: Chat, user: User) -> int:
        """`user` joins the group (no longer an outsider): the `new_chat_members` service
        message. Returns its update_id."""
        message = self._user_message(chat, user, None, None)
        message["new_chat_members"] = [user.to_api()]
        self._outsiders.pop((chat.id, user.id), None)
        return self._store_and_push(message)

    def member_status_changes(
        self, chat: Chat, user: User, old: str, new: Literal["member", "left", "kicked"]
    ) -> int:
        """An admin changes `user`'s status (`kicked`: banned): the `chat_member` update,
        which Telegram sends only to a bot that is an administrator there and asked for it
        in allowed_updates (a service message need not follow). Returns its update_id."""
        self.add_user(user)
        self._chats.setdefault(chat.id, chat.to_api())
        if new == "member":
            self._outsiders.pop((chat.id, user.id), None)
        else:
            self._outsiders[(chat.id, user.id)] = new

        def member(state: str) -> JSONDict:
            out: JSONDict = {"status": state, "user": user.to_api()}
            if state == "kicked":
                out["until_date"] = 0
            return out

        return self.push_update(
            {
                "chat_member": {
                    "chat": copy.deepcopy(self._chats[chat.id]),
                    "from": _bot_user(),
                    "date": int(time.time()),
                    "old_chat_member": member(old),
                    "new_chat_member": member(new),
                }
            }
        )

    def set_member_count(self, chat_id: int, count: int) -> None:
        self._member_counts[chat_id] = count

    def add_chat(self, chat: Chat, user: User | None = None) -> None:
        self._chats[chat.id] = chat.to_api(user)

    def delay_next_download(self, seconds: float) -> None:
        """Hold the next file download this long before its bytes are sent (a slow or
        large file: time to kill the bot mid-download)."""
        self._download_delays.append(seconds)

    async def wait_for_download(
        self,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the fixture's agreed API
    ) -> None:
        """Wait until at least ``count`` file downloads have started."""
        if not await self._wait_until(lambda: len(self.downloads) >= count, timeout):
            raise AssertionError(f"timed out after {timeout}s waiting for {count} download(s)")

    def add_user(self, user: User) -> None:
        self._users[user.id] = user

    def add_file(
        self,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        file_path: str | None = None,
    ) -> str:
        """Register downloadable bytes; returns the file_id to use with getFile."""
        n = next(self._ids)
        file_id = f"BQACAgIAAx{n:08d}" + hashlib.sha1(data).hexdigest()[:16]
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=f"AgAD{n:06d}",
            file_path=file_path or f"documents/file_{n}{_suffix(file_name)}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return file_id

    def fail(
        self,
        method: str,
        *,
        status: int = 400,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail the way Telegram does."""
        if method not in self.spec.methods:
            raise ValueError(f"{method} is not a Bot API method")
        if status == 429:
            retry_after = 1 if retry_after is None else retry_after
            text = description or f"Too Many Requests: retry after {retry_after}"
        elif status == 403:
            text = description or "Forbidden: bot was blocked by the user"
        elif status == 502:
            text = description or "Bad Gateway"
        elif status == 400:
            text = f"Bad Request: {description or 'injected failure'}"
        else:
            text = description or f"Error {status}"
        self._faults.setdefault(method, deque()).append(_Fault(status, text, retry_after, times))

    def enforce_rate_limits(
        self,
        per_group_per_minute: int | None = 20,
        per_chat_per_second: int | None = 1,
        window_scale: float = 1.0,
    ) -> None:
        """Answer sending methods that exceed Telegram's flood limits with 429.

        ``window_scale`` shrinks both windows (0.05 → the minute becomes 3 s) so tests stay
        fast; retry_after is reported in real seconds, rounded up.
        """
        self._rate_limits = _RateLimits(per_group_per_minute, per_chat_per_second, window_scale)

    # -- inspection ---------------------------------------------------------------------------

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def messages(self, chat_id: int) -> list[JSONDict]:
        """Messages currently in the chat (deleted ones removed), oldest first."""
        return list(self._messages.get(chat_id, {}).values())

    def message(self, chat_id: int, message_id: int) -> JSONDict:
        return self._messages[chat_id][message_id]

    @property
    def pending_updates(self) -> list[JSONDict]:
        return list(self._updates)

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the fixture's agreed API
    ) -> list[Call]:
        """Wait until at least ``count`` calls of ``method`` (matching ``predicate``) happened."""

        def matching() -> list[Call]:
            return [
                c for c in self.calls if c.method == method and (predicate is None or predicate(c))
            ]

        if await self._wait_until(lambda: len(matching()) >= count, timeout):
            return matching()
        raise AssertionError(
            f"timed out after {timeout}s waiting for {count} call(s) of {method}"
            f"{' matching predicate' if predicate else ''}; got {len(matching())}. "
            f"Recent calls:\n{self.describe_calls()}"
        )

    def when_confirmed(self, update_id: int, action: Callable[[], object]) -> None:
        """Run `action` inside the getUpdates request that confirms `update_id`, before it
        is answered: the moment Telegram forgets the update (e.g. to kill the bot then)."""
        self._on_confirmed.append((update_id, action))

    def before_call(self, method: str, action: Callable[[], object], *, nth: int = 1) -> None:
        """Run `action` when the `nth` call of `method` from now arrives, and leave that call
        undone (its connection dropped): the moment a bot dies just before a request."""
        self._before_calls.append([method, nth - 1, action])

    def slow_answer(self, method: str, seconds: float, meanwhile: Callable[[Any], object]) -> None:
        """The next call of `method` is done at once, but its answer reaches the bot only
        `seconds` later; `meanwhile(result)` runs in between — e.g. someone votes on a poll
        before the bot has heard that it was sent (a slow network, or another worker)."""
        self._slow_answers[method] = (seconds, meanwhile)

    async def wait_confirmed(
        self,
        update_id: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the fixture's agreed API
    ) -> None:
        """Wait until the bot confirmed ``update_id`` (a getUpdates offset beyond it)."""
        if not await self._wait_until(lambda: self.confirmed_offset > update_id, timeout):
            raise AssertionError(
                f"timed out after {timeout}s waiting for update {update_id} to be confirmed; "
                f"confirmed_offset={self.confirmed_offset}. Recent calls:\n{self.describe_calls()}"
            )

    async def wait_acknowledged(
        self,
        update_id: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - as wait_confirmed
    ) -> None:
        """Wait until the webhook answered ``update_id``'s delivery with 2xx."""
        if not await self._wait_until(lambda: update_id in self.webhook_acknowledged, timeout):
            raise AssertionError(
                f"timed out after {timeout}s waiting for update {update_id} to be delivered; "
                f"deliveries: {self.webhook.deliveries[-5:]}"
            )

    def describe_calls(self, last: int = 15) -> str:
        lines = []
        for c in self.calls[-last:]:
            params = json.dumps(c.params, ensure_ascii=False, default=str)
            outcome = "ok" if c.ok else f"{c.status} {c.error}"
            lines.append(f"  {c.method}({params[:200]}) -> {outcome}")
        return "\n".join(lines) or "  (no calls)"

    # -- simulated people -------------------------------------------------------------------

    def push_update(self, update: JSONDict, *, expect_delivery: bool = True) -> int:
        """Queue a raw update (update_id assigned if missing); returns its update_id."""
        update = dict(update)
        update.setdefault("update_id", self._next_update_id)
        self._next_update_id = max(self._next_update_id, update["update_id"]) + 1
        self._record_problems(self._check_update(update), "pushed update")
        self._updates.append(update)
        if expect_delivery:
            self._must_deliver.add(update["update_id"])
        self._notify()
        self.webhook.poke()
        return int(update["update_id"])

    def user_sends(
        self,
        chat: Chat,
        user: User,
        text: str,
        message_thread_id: int | None = None,
        *,
        reply_to_message_id: int | None = None,
    ) -> int:
        message = self._user_message(chat, user, message_thread_id, reply_to_message_id)
        message["text"] = text
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        return self._store_and_push(message)

    def user_opens_link(self, user: User, url: str, group: Chat | None = None) -> int:
        """The user opens the bot's deep link `url`: `?start=` sends `/start PARAMETER` in
        the user's private chat with the bot; `?startgroup=` adds the bot to `group` (if it
        is not there yet) and sends `/start@bot PARAMETER` there. A link Telegram would not
        pass the parameter of is a ValueError (the bot made a link that does not work)."""
        found = _DEEP_LINK_RE.fullmatch(url)
        if found is None or found["bot"] != BOT_USERNAME:
            raise ValueError(f"{url!r} is not a deep link to @{BOT_USERNAME}")
        if not _START_PARAMETER_RE.fullmatch(found["arg"]):
            raise ValueError(f"{found['arg']!r} is not a start parameter Telegram passes on")
        if found["kind"] == "start":
            return self.user_sends(Chat(user.id, "private"), user, f"/start {found['arg']}")
        if group is None or group.type not in ("group", "supergroup"):
            raise ValueError("a ?startgroup link is opened into a group")
        if self._bot_status.get(group.id) not in ("member", "administrator"):
            self.bot_membership(group, user, "member")
        return self.user_sends(group, user, f"/start@{BOT_USERNAME} {found['arg']}")

    def user_inline_query(self, user: User, query: str, chat_type: str = "sender") -> str:
        """The user types `@bot query` in a chat (`chat_type` as Telegram names where);
        returns the inline query's id. Only with inline mode on, as on Telegram."""
        if not self.inline_mode:
            raise ValueError("inline mode is off for this bot: Telegram sends no inline query")
        if len(query) > InlineQueryLimit.MAX_QUERY_LENGTH:
            raise ValueError("Telegram cuts an inline query at 256 characters")
        self.add_user(user)
        query_id = str(5_000_000_000_000_000 + next(self._ids))
        self._open_inline[query_id] = time.monotonic()
        inline = {
            "id": query_id,
            "from": user.to_api(),
            "query": query,
            "offset": "",
            "chat_type": chat_type,
        }
        self.push_update({"inline_query": inline})
        return query_id

    def user_sends_document(
        self,
        chat: Chat,
        user: User,
        file_name: str,
        mime_type: str,
        data: bytes,
        caption: str | None = None,
    ) -> int:
        file_id = self.add_file(data, file_name=file_name, mime_type=mime_type)
        message = self._user_message(chat, user, None, None)
        message["document"] = self._document(self.files[file_id])
        if caption is not None:
            message["caption"] = caption
        return self._store_and_push(message)

    def user_sends_photo(
        self,
        chat: Chat,
        user: User,
        data: bytes,
        caption: str | None = None,
        *,
        media_group_id: str | None = None,
        reply_to: int | None = None,
        size: tuple[int, int] = (1280, 960),
    ) -> int:
        """A photo as Telegram delivers it: PhotoSize objects of the same picture, smallest
        first (a thumbnail, then the photo as sent), each downloadable with getFile from
        photos/. An album's photos share a media_group_id; only the first has the caption."""
        width, height = size
        thumb = data[: max(1, len(data) // 8)]
        sizes = []
        for blob, (w, h) in ((thumb, (width // 16, height // 16)), (data, size)):
            path = f"photos/file_{len(self.files)}.jpg"
            file_id = self.add_file(blob, mime_type="image/jpeg", file_path=path)
            stored = self.files[file_id]
            sizes.append(
                {
                    "file_id": file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": max(1, w),
                    "height": max(1, h),
                    "file_size": len(blob),
                }
            )
        message = self._user_message(chat, user, None, reply_to)
        message["photo"] = sizes
        if caption is not None:
            message["caption"] = caption
        if media_group_id is not None:
            message["media_group_id"] = media_group_id
        return self._store_and_push(message)

    def user_answers_poll(
        self, user: User, poll_id: str, option_ids: list[int], *, forwarded: bool = False
    ) -> int:
        """The user votes (``[]`` retracts). Returns the poll_answer's update_id.

        Like Telegram, a ``poll`` update with the new totals follows; it is not required to be
        delivered since bots commonly don't subscribe to it.

        ``forwarded``: the vote is cast on a forwarded copy of the poll, which anyone it
        reaches can vote on; the bot still gets the vote, with no hint of where it was cast.
        Only then can someone outside the poll's chat vote (another user on a private chat's
        poll, an outsider on a group's).
        """
        poll = self.polls[poll_id]
        chat_id = self._poll_location[poll_id][0]
        if not forwarded and not self._in_chat(chat_id, user.id):
            raise ValueError(
                f"user {user.id} is not in chat {chat_id}: only a forwarded copy reaches them"
            )
        self._expire_poll(poll_id)
        if poll["is_closed"]:
            raise ValueError(f"poll {poll_id} is closed; Telegram would not accept the vote")
        if poll["is_anonymous"]:
            raise ValueError(f"poll {poll_id} is anonymous; bots get no poll_answer for it")
        if any(not 0 <= i < len(poll["options"]) for i in option_ids):
            raise ValueError(f"option_ids {option_ids} out of range")
        if len(option_ids) > 1 and not poll["allows_multiple_answers"]:
            raise ValueError("poll does not allow multiple answers")
        votes = self.poll_votes.setdefault(poll_id, {})
        if user.id in votes and not poll["allows_revoting"]:
            raise ValueError(f"user {user.id} already voted and the poll disallows revoting")
        self.add_user(user)
        # Counted as votes change, not recounted: a 10,000-member group's votes (the
        # benchmark's) would otherwise cost the fake quadratic time.
        for i in votes.pop(user.id, []):
            poll["options"][i]["voter_count"] -= 1
        if option_ids:
            votes[user.id] = list(option_ids)
            for i in option_ids:
                poll["options"][i]["voter_count"] += 1
        poll["total_voter_count"] = len(votes)
        self._sync_poll_message(poll_id)
        update_id = self.push_update(
            {
                "poll_answer": {
                    "poll_id": poll_id,
                    "user": user.to_api(),
                    "option_ids": list(option_ids),
                    "option_persistent_ids": [
                        poll["options"][i]["persistent_id"] for i in option_ids
                    ],
                }
            }
        )
        self.push_update({"poll": copy.deepcopy(poll)}, expect_delivery=False)
        return update_id

    def user_presses(
        self,
        user: User,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        forged: bool = False,
        sent_ago: float = 0.0,
    ) -> int:
        """The user taps the inline button with ``callback_data == data``.

        ``forged`` sends the data even if no such button exists, as a modified client or a
        replay of an old button can. ``sent_ago`` dates the tap back (a tap the bot reads
        late, e.g. from its inbox after a restart): past CALLBACK_ANSWER_WINDOW it can no
        longer be answered.
        """
        message = self._messages.get(chat_id, {}).get(message_id)
        if message is None:
            raise ValueError(f"no message {message_id} in chat {chat_id} (deleted?)")
        buttons = [
            b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row
        ]
        if not forged and not any(b.get("callback_data") == data for b in buttons):
            raise ValueError(f"message {message_id} has no button with callback_data {data!r}")
        self.add_user(user)
        query_id = str(4_000_000_000_000_000 + next(self._ids))
        self._open_callbacks[query_id] = time.monotonic() - sent_ago
        return self.push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.to_api(),
                    "message": copy.deepcopy(message),
                    "chat_instance": str(-(abs(chat_id) * 7919 % 10**18) - 1),
                    "data": data,
                }
            }
        )

    def bot_membership(
        self, chat: Chat, by: User, status: Literal["member", "left", "kicked"]
    ) -> int:
        """``by`` adds the bot to a group (``member``) or removes it (``left``, ``kicked``):
        the my_chat_member update Telegram sends. Returns its update_id."""
        self.add_user(by)
        self._chats[chat.id] = chat.to_api()
        old = self._bot_status.get(chat.id, "left")
        self._bot_status[chat.id] = status

        def member(state: str) -> JSONDict:
            out: JSONDict = {"status": state, "user": _bot_user()}
            if state == "kicked":
                out["until_date"] = 0
            return out

        return self.push_update(
            {
                "my_chat_member": {
                    "chat": copy.deepcopy(self._chats[chat.id]),
                    "from": by.to_api(),
                    "date": int(time.time()),
                    "old_chat_member": member(old),
                    "new_chat_member": member(status),
                }
            }
        )

    # -- HTTP layer -------------------------------------------------------------------------

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if self.token is not None and request.match_info["token"] != self.token:
            return web.Response(status=401, text="Unauthorized")
        stored = self._files_by_path.get(request.match_info["file_path"])
        if stored is None:
            self.violations.append(f"download of unknown file {request.match_info['file_path']}")
            return web.Response(status=404, text="Not Found")
        self.downloads.append(stored.file_path)
        self._notify()
        if self._download_delays:
            # Cut short when the fake shuts down.
            await self._wait_until(lambda: False, self._download_delays.popleft())
        return web.Response(body=stored.data, content_type="application/octet-stream")

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if self.token is not None and request.match_info["token"] != self.token:
            return _error_response(401, "Unauthorized")
        hook = next((h for h in self._before_calls if h[0] == method), None)
        if hook is not None:
            if hook[1] == 0:
                self._before_calls.remove(hook)
                hook[2]()
                if request.transport is not None:
                    request.transport.abort()
                return web.Response(status=502, text="Connection lost")
            hook[1] -= 1
        method_spec = self.spec.methods.get(method)
        try:
            raw = await _read_params(request)
        except ConnectionResetError:
            # The client hung up mid-request (a bot shutting down while a job sends): nothing
            # reached Telegram, and there is nobody left to answer.
            return web.Response(status=400, text="Connection lost")
        fields = method_spec.fields if method_spec else {}
        params = {
            name: self.spec.decode_form_value(value, fields[name].types if name in fields else None)
            if isinstance(value, str | UploadedFile)
            else value
            for name, value in raw.items()
        }
        call = Call(method, params, time.monotonic())
        self.calls.append(call)
        try:
            result = await self._dispatch(method, params)
        except _ApiError as err:
            call.status, call.error = err.status, err.description
            if err.violation:
                self.violations.append(f"{method}: answered {err.status} {err.description}")
                if err.status == 400:
                    self.rejections.append(f"{method}: {err.description}")
            if err.status == 429:
                self.too_many_requests += 1
            self._notify()
            return _error_response(err.status, err.description, err.retry_after)
        call.result = result
        self._record_problems(self.spec.check_result(method, result), "fake bug")
        self._notify()
        slow = self._slow_answers.pop(method, None)
        if slow is not None:
            slow[1](result)
            await asyncio.sleep(slow[0])
        return web.json_response({"ok": True, "result": result})

    async def _dispatch(self, method: str, params: JSONDict) -> Any:
        if method not in self.spec.methods:
            self.violations.append(f"{method}: unknown method (not in Bot API {self.spec.version})")
            raise _ApiError(404, "Not Found", violation=False)
        problems = self.spec.check_params(method, params)
        # Telegram silently ignores unknown parameters, so those only become violations;
        # missing or mistyped ones make it answer 400.
        self.violations += problems
        fatal = [p for p in problems if "unknown parameter" not in p]
        if fatal:
            raise _ApiError(400, f"Bad Request: {fatal[0]}", violation=False)
        faults = self._faults.get(method)
        if faults:
            fault = faults[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                faults.popleft()
            raise _ApiError(
                fault.status, fault.description, retry_after=fault.retry_after, violation=False
            )
        handler = self._handlers.get(method)
        if handler is None:
            self.violations.append(f"{method}: method not supported by fake")
            raise _ApiError(
                400, f"Bad Request: method {method} not supported by fake", violation=False
            )
        if method.startswith("send") and method not in _FLOOD_EXEMPT:
            self._check_flood(params)
        return await handler(params)

    # -- helpers ----------------------------------------------------------------------------

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_until(self, condition: Callable[[], bool], seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._closing:
                return condition()
            event = self._changed
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return condition()
        return True

    def _record_problems(self, problems: list[str], context: str) -> None:
        self.violations += [f"{context}: {p}" for p in problems]

    def _check_update(self, update: JSONDict) -> list[str]:
        problems = self.spec.check_object(update, "Update")
        kinds = [k for k in update if k != "update_id"]
        if len(kinds) != 1:
            problems.append(f"Update must carry exactly one payload, has {kinds}")
        return problems

    def _chat(self, chat_id: int | str) -> JSONDict:
        if isinstance(chat_id, str):
            found = [c for c in self._chats.values() if c.get("username") == chat_id.lstrip("@")]
            if not found:
                raise _bad("chat not found")
            return found[0]
        if chat_id not in self._chats:
            # Tests needn't register every chat; infer the kind from Telegram's id ranges.
            if chat_id > 0:
                kind: Literal["private", "group", "supergroup"] = "private"
            else:
                kind = "supergroup" if chat_id <= -1_000_000_000_000 else "group"
            self._chats[chat_id] = Chat(chat_id, kind).to_api(self._users.get(chat_id))
        return self._chats[chat_id]

    def _in_chat(self, chat_id: int, user_id: int) -> bool:
        if self._chat(chat_id)["type"] == "private":
            return user_id == chat_id
        return (chat_id, user_id) not in self._outsiders

    def _user_api(self, user_id: int) -> JSONDict:
        if user_id == BOT_ID:
            return _bot_user()
        user = self._users.get(user_id) or User(user_id, f"User{user_id}")
        return user.to_api()

    def _new_message(self, chat: JSONDict, sender: JSONDict, thread_id: int | None) -> JSONDict:
        chat_id = chat["id"]
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        message: JSONDict = {
            "message_id": message_id,
            "from": sender,
            "chat": dict(chat),
            "date": int(time.time()),
        }
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            if chat.get("is_forum"):
                message["is_topic_message"] = True
        return message

    def _user_message(
        self, chat: Chat, user: User, thread_id: int | None, reply_to: int | None
    ) -> JSONDict:
        self.add_user(user)
        self._chats[chat.id] = chat.to_api(user if chat.type == "private" else None)
        message = self._new_message(self._chats[chat.id], user.to_api(), thread_id)
        if reply_to is not None:
            message["reply_to_message"] = _reply_copy(self._messages[chat.id][reply_to])
        return message

    def _store(self, message: JSONDict) -> None:
        self._messages.setdefault(message["chat"]["id"], {})[message["message_id"]] = message

    def _store_and_push(self, message: JSONDict) -> int:
        self._store(message)
        return self.push_update({"message": copy.deepcopy(message)})

    def _find_message(self, params: JSONDict, missing: str) -> JSONDict:
        if "inline_message_id" in params:
            raise _bad("inline messages are not supported by fake")
        if "chat_id" not in params or "message_id" not in params:
            raise _bad("message identifier is not specified")
        chat = self._chat(params["chat_id"])
        message = self._messages.get(chat["id"], {}).get(params["message_id"])
        if message is None:
            raise _bad(missing)
        return message

    def _format(
        self, text: str, parse_mode: str | None, entities: list[JSONDict] | None, what: str
    ) -> tuple[str, list[JSONDict]]:
        if parse_mode is not None and entities is not None:
            # Telegram prefers explicit entities; sending both is a bot bug worth seeing.
            self.violations.append(f"{what}: both parse_mode and entities given")
        if entities is not None:
            return text, entities
        if parse_mode in (None, ""):
            return text, []
        if parse_mode == ParseMode.HTML:
            try:
                return parse_html(text)
            except EntityParseError as err:
                raise _bad(str(err)[0].lower() + str(err)[1:]) from None
        if parse_mode in (ParseMode.MARKDOWN_V2, ParseMode.MARKDOWN):
            self.violations.append(f"{what}: parse_mode {parse_mode} is not validated by fake")
            return text, []
        raise _bad(f"unsupported parse_mode {parse_mode!r}")

    def _check_keyboard(self, markup: JSONDict | None) -> JSONDict | None:
        """Validate an inline keyboard; return what the Message will carry (or None)."""
        if markup is None or "inline_keyboard" not in markup:
            return None
        rows = markup["inline_keyboard"]
        if sum(len(r) for r in rows) > InlineKeyboardMarkupLimit.TOTAL_BUTTON_NUMBER or any(
            len(r) > InlineKeyboardMarkupLimit.BUTTONS_PER_ROW for r in rows
        ):
            raise _bad("reply markup is too long")
        for row in rows:
            for button in row:
                actions = [k for k in button if k not in _BUTTON_DECOR_FIELDS]
                if len(actions) != 1:
                    raise _bad(
                        f"inline keyboard button must have exactly one action, has {actions}"
                    )
                if not button["text"]:
                    raise _bad("BUTTON_TEXT_INVALID")
                if "callback_data" in button:
                    size = len(button["callback_data"].encode("utf-8"))
                    if not (
                        InlineKeyboardButtonLimit.MIN_CALLBACK_DATA
                        <= size
                        <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
                    ):
                        raise _bad("BUTTON_DATA_INVALID")
                if "url" in button and not _BUTTON_URL_RE.fullmatch(button["url"]):
                    raise _bad(f"inline keyboard button URL '{button['url']}' is invalid")
        return {"inline_keyboard": copy.deepcopy(rows)} if rows else None

    def _reply(self, chat: JSONDict, params: JSONDict) -> JSONDict | None:
        reply = params.get("reply_parameters")
        if reply is None:
            return None
        target = self._messages.get(self._chat(reply.get("chat_id", chat["id"]))["id"], {}).get(
            reply["message_id"]
        )
        if target is None:
            if reply.get("allow_sending_without_reply"):
                return None
            raise _bad("message to be replied not found")
        return _reply_copy(target)

    def _check_flood(self, params: JSONDict) -> None:
        limits = self._rate_limits
        if limits is None or "chat_id" not in params:
            return
        chat = self._chat(params["chat_id"])
        now = time.monotonic()
        sent = self._sent_at.setdefault(chat["id"], deque())
        windows: list[tuple[float, int]] = []
        if limits.per_chat_per_second is not None:
            windows.append((1.0 * limits.window_scale, limits.per_chat_per_second))
        if limits.per_group_per_minute is not None and chat["type"] != "private":
            windows.append((60.0 * limits.window_scale, limits.per_group_per_minute))
        for window, allowed in windows:
            recent = [t for t in sent if t > now - window]
            if len(recent) >= allowed:
                retry = max(1, math.ceil(recent[-allowed] + window - now))
                raise _ApiError(
                    429,
                    f"Too Many Requests: retry after {retry}",
                    retry_after=retry,
                    violation=False,
                )
        sent.append(now)
        longest = max((w for w, _ in windows), default=0.0)
        while sent and sent[0] <= now - longest:
            sent.popleft()

    def _expire_poll(self, poll_id: str) -> None:
        poll = self.polls[poll_id]
        if not poll["is_closed"] and "close_date" in poll and poll["close_date"] <= time.time():
            poll["is_closed"] = True
            self._sync_poll_message(poll_id)

    def _sync_poll_message(self, poll_id: str) -> None:
        chat_id, message_id = self._poll_location[poll_id]
        message = self._messages.get(chat_id, {}).get(message_id)
        if message is not None:
            message["poll"] = copy.deepcopy(self.polls[poll_id])

    def _document(self, stored: StoredFile) -> JSONDict:
        doc: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
        }
        if stored.file_name:
            doc["file_name"] = stored.file_name
        if stored.mime_type:
            doc["mime_type"] = stored.mime_type
        return doc

    # -- method implementations -------------------------------------------------------------

    async def _get_me(self, params: JSONDict) -> JSONDict:
        return {
            **_bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": self.inline_mode,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self.webhook_url:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        if "allowed_updates" in params:
            self.allowed_updates = list(params["allowed_updates"])
        offset = params.get("offset")
        if offset is not None:
            if offset < 0:
                while len(self._updates) > -offset:
                    self._updates.popleft()
            else:
                while self._updates and self._updates[0]["update_id"] < offset:
                    self._updates.popleft()
                self.confirmed_offset = max(self.confirmed_offset, offset)
                due = [a for u, a in self._on_confirmed if u < self.confirmed_offset]
                self._on_confirmed = [
                    (u, a) for u, a in self._on_confirmed if u >= self.confirmed_offset
                ]
                for action in due:
                    action()
                self._notify()
        limit = params.get("limit", 100)
        if not 1 <= limit <= 100:
            limit = 100  # Telegram clamps rather than rejecting
        timeout = max(0, params.get("timeout", 0))
        await self._wait_until(lambda: bool(self._deliverable()), timeout)
        return copy.deepcopy(self._deliverable()[:limit])

    def _deliverable(self) -> list[JSONDict]:
        return [update for update in list(self._updates) if self._subscribed(update)]

    def _subscribed(self, update: JSONDict) -> bool:
        """Whether the bot asked for this kind of update; if not, it is dropped."""
        allowed = self.allowed_updates
        kind = next(k for k in update if k != "update_id")
        if kind in allowed if allowed else kind not in _DEFAULT_EXCLUDED_UPDATES:
            return True
        # Telegram never creates updates the bot didn't subscribe to.
        self._updates.remove(update)
        if update["update_id"] in self._must_deliver:
            self.violations.append(
                f"update {update['update_id']} ({kind}) dropped: allowed_updates={allowed} "
                "excludes it"
            )
        return False

    def _webhook_queue(self) -> list[JSONDict]:
        return self._deliverable()

    def _webhook_delivered(self, update: JSONDict) -> None:
        # Answered 2xx: Telegram forgets it, as getUpdates' offset would confirm it.
        with contextlib.suppress(ValueError):
            self._updates.remove(update)
        self.webhook_acknowledged.add(int(update["update_id"]))

    async def _send_message(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params["chat_id"])
        text, entities = self._format(
            params["text"], params.get("parse_mode"), params.get("entities"), "sendMessage"
        )
        _check_text(text, MessageLimit.MAX_TEXT_LENGTH)
        entities = with_autolinks(text, entities)
        markup = self._check_keyboard(params.get("reply_markup"))
        reply = self._reply(chat, params)
        message = self._new_message(chat, _bot_user(), params.get("message_thread_id"))
        if reply:
            message["reply_to_message"] = reply
        message["text"] = text
        if entities:
            message["entities"] = entities
        if markup:
            message["reply_markup"] = markup
        self._store(message)
        return copy.deepcopy(message)

    async def _send_message_draft(self, params: JSONDict) -> bool:
        # "Unique identifier for the target private chat"; "draft_id … must be non-zero";
        # "0-4096 characters after entities parsing" (empty shows "Thinking...").
        chat = self._chat(params["chat_id"])
        if chat["type"] != ChatType.PRIVATE:
            # The wording is ours: the docs only say private chats.
            raise _bad("message drafts can be sent only to private chats")
        if params["draft_id"] == 0:
            raise _bad("draft_id must be non-zero")
        text, _ = self._format(
            params.get("text", ""),
            params.get("parse_mode"),
            params.get("entities"),
            "sendMessageDraft",
        )
        if utf16_len(text) > MessageLimit.MAX_TEXT_LENGTH:
            raise _bad("message is too long")
        self.drafts.append((chat["id"], params["draft_id"], text))
        return True

    async def _send_poll(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params["chat_id"])
        question = self._poll_question(params)
        options = params["options"]
        poll_type, multiple, correct = _poll_answer_key(params)
        explanation = self._poll_note(params, "explanation")
        description = self._poll_note(params, "description")
        open_period, close_date = _poll_close(params, time.time())
        markup = self._check_keyboard(params.get("reply_markup"))
        reply = self._reply(chat, params)

        poll_id = str(5_000_000_000_000_000_000 + next(self._ids))
        poll: JSONDict = {
            "id": poll_id,
            "question": question,
            "options": [
                {"persistent_id": f"{poll_id}-{i}", "text": o["text"], "voter_count": 0}
                for i, o in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": bool(params.get("is_closed", False)),
            "is_anonymous": bool(params.get("is_anonymous", True)),
            "type": poll_type,
            "allows_multiple_answers": multiple,
            "allows_revoting": bool(params.get("allows_revoting", poll_type != PollType.QUIZ)),
            "members_only": bool(params.get("members_only", False)),
        }
        if correct is not None:
            poll["correct_option_ids"] = list(correct)
        for name, (text, entities) in (("explanation", explanation), ("description", description)):
            # An empty description is left out; an empty explanation is kept.
            if text is not None and (text or name == "explanation"):
                poll[name] = text
                if entities:
                    poll[f"{name}_entities"] = entities
        if open_period is not None:
            poll["open_period"] = open_period
        if close_date is not None:
            poll["close_date"] = close_date

        message = self._new_message(chat, _bot_user(), params.get("message_thread_id"))
        if reply:
            message["reply_to_message"] = reply
        message["poll"] = poll
        if markup:
            message["reply_markup"] = markup
        self.polls[poll_id] = copy.deepcopy(poll)
        self._poll_location[poll_id] = (chat["id"], message["message_id"])
        self._store(message)
        return copy.deepcopy(message)

    def _poll_question(self, params: JSONDict) -> str:
        """The question as shown, and its options, within Telegram's limits."""
        question: str = params["question"]
        if params.get("question_parse_mode") == ParseMode.HTML:
            question, _ = self._format(question, ParseMode.HTML, None, "sendPoll.question")
        if not PollLimit.MIN_QUESTION_LENGTH <= len(question) <= PollLimit.MAX_QUESTION_LENGTH:
            raise _bad(
                "poll question length must be 1-300 characters"
                if question.strip()
                else "poll question must be non-empty"
            )
        options = params["options"]
        if not PollLimit.MIN_OPTION_NUMBER <= len(options) <= PollLimit.MAX_OPTION_NUMBER:
            raise _bad("poll must have 1-12 options")
        for option in options:
            if (
                not PollLimit.MIN_OPTION_LENGTH
                <= len(option["text"])
                <= PollLimit.MAX_OPTION_LENGTH
            ):
                raise _bad("poll options length must not exceed 100")
        return question

    def _poll_note(self, params: JSONDict, name: str) -> tuple[str | None, list[JSONDict]]:
        """The poll's explanation or description as shown, and its entities."""
        text = params.get(name)
        if text is None:
            return None, []
        text, entities = self._format(
            text,
            params.get(f"{name}_parse_mode"),
            params.get(f"{name}_entities"),
            f"sendPoll.{name}",
        )
        if name == "explanation":
            if len(text) > PollLimit.MAX_EXPLANATION_LENGTH:
                raise _bad("explanation must be at most 200 characters")
            if text.count("\n") > PollLimit.MAX_EXPLANATION_LINE_FEEDS:
                raise _bad("explanation must contain at most 2 line feeds")
        # "0-1024 characters after entities parsing"
        elif utf16_len(text) > PollLimit.MAX_DESCRIPTION_CHARACTERS:
            raise _bad("description must be at most 1024 characters")
        return text, entities

    async def _send_document(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params["chat_id"])
        document = params["document"]
        if isinstance(document, UploadedFile) and not document.data:
            raise _bad("file must be non-empty")
        if isinstance(document, UploadedFile):
            file_id = self.add_file(
                document.data, file_name=document.filename, mime_type=document.content_type
            )
        elif document in self.files:
            file_id = document
        else:
            raise _bad("wrong file identifier/HTTP URL specified")
        message = self._new_message(chat, _bot_user(), params.get("message_thread_id"))
        message["document"] = self._document(self.files[file_id])
        return self._finish_media(message, params, "sendDocument")

    async def _send_photo(self, params: JSONDict) -> JSONDict:
        """Uploads only (what the bot sends); Telegram's rules for a photo: at most 10 MB,
        width + height at most 10000, a side ratio of at most 20."""
        chat = self._chat(params["chat_id"])
        photo = params["photo"]
        if not isinstance(photo, UploadedFile):
            raise _bad("wrong file identifier/HTTP URL specified")
        if len(photo.data) > PHOTO_MAX_BYTES:
            raise _bad("PHOTO_INVALID_DIMENSIONS")
        size = _image_size(photo.data)
        if size is None:
            raise _bad("IMAGE_PROCESS_FAILED")
        width, height = size
        if width + height > PHOTO_MAX_SIDES or max(width, height) > 20 * min(width, height):
            raise _bad("PHOTO_INVALID_DIMENSIONS")
        file_id = self.add_file(photo.data, file_name=photo.filename, mime_type="image/png")
        stored = self.files[file_id]
        message = self._new_message(chat, _bot_user(), params.get("message_thread_id"))
        message["photo"] = [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": width,
                "height": height,
                "file_size": len(stored.data),
            }
        ]
        return self._finish_media(message, params, "sendPhoto")

    def _finish_media(self, message: JSONDict, params: JSONDict, method: str) -> JSONDict:
        """A media message's caption (parsed, at most 1,024 characters) and keyboard, stored."""
        if "caption" in params:
            caption, entities = self._format(
                params["caption"],
                params.get("parse_mode"),
                params.get("caption_entities"),
                f"{method}.caption",
            )
            if len(caption) > MessageLimit.CAPTION_LENGTH:
                raise _bad("message caption is too long")
            message["caption"] = caption
            if entities:
                message["caption_entities"] = entities
        if markup := self._check_keyboard(params.get("reply_markup")):
            message["reply_markup"] = markup
        self._store(message)
        return copy.deepcopy(message)

    async def _send_chat_action(self, params: JSONDict) -> bool:
        self._chat(params["chat_id"])
        if params["action"] not in set(ChatAction):
            raise _bad("wrong parameter action in request")
        return True

    async def _edit_message_text(self, params: JSONDict) -> JSONDict:
        message = self._find_message(params, "message to edit not found")
        if message["from"]["id"] != BOT_ID:
            raise _bad("message can't be edited")
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        if "text" not in params:
            raise _bad("message text is empty")
        text, entities = self._format(
            params["text"], params.get("parse_mode"), params.get("entities"), "editMessageText"
        )
        _check_text(text, MessageLimit.MAX_TEXT_LENGTH)
        entities = with_autolinks(text, entities)
        # Omitting reply_markup removes the keyboard, exactly like Telegram.
        markup = self._check_keyboard(params.get("reply_markup"))
        if (text, entities, markup) == (
            message["text"],
            message.get("entities", []),
            message.get("reply_markup"),
        ):
            raise _not_modified()
        message["text"] = text
        _set_optional(message, "entities", entities or None)
        _set_optional(message, "reply_markup", markup)
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    async def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        message = self._find_message(params, "message to edit not found")
        if message["from"]["id"] != BOT_ID:
            raise _bad("message can't be edited")
        markup = self._check_keyboard(params.get("reply_markup"))
        if markup == message.get("reply_markup"):
            raise _not_modified()
        _set_optional(message, "reply_markup", markup)
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    async def _delete_message(self, params: JSONDict) -> bool:
        chat = self._chat(params["chat_id"])
        if self._messages.get(chat["id"], {}).pop(params["message_id"], None) is None:
            raise _bad("message to delete not found")
        self.deleted.append((chat["id"], params["message_id"]))
        return True

    async def _stop_poll(self, params: JSONDict) -> JSONDict:
        message = self._find_message(params, "message with poll to stop not found")
        if "poll" not in message:
            raise _bad("message with poll to stop not found")
        if message["from"]["id"] != BOT_ID:
            raise _bad("poll can't be stopped")
        poll_id = message["poll"]["id"]
        self._expire_poll(poll_id)
        if self.polls[poll_id]["is_closed"]:
            raise _bad("poll has already been closed")
        self.polls[poll_id]["is_closed"] = True
        self._sync_poll_message(poll_id)
        if "reply_markup" in params:
            _set_optional(message, "reply_markup", self._check_keyboard(params["reply_markup"]))
        self.push_update({"poll": copy.deepcopy(self.polls[poll_id])}, expect_delivery=False)
        return copy.deepcopy(self.polls[poll_id])

    async def _answer_inline_query(self, params: JSONDict) -> bool:
        """Telegram's rules for the answer: once, in time, at most 50 results with unique
        ids of 1-64 bytes, each article's message text valid once parsed."""
        sent = self._open_inline.pop(params["inline_query_id"], None)
        if sent is None or time.monotonic() - sent > CALLBACK_ANSWER_WINDOW:
            raise _ApiError(400, _QUERY_TOO_OLD, violation=False)
        results = params["results"]
        if isinstance(results, str):
            results = json.loads(results)
        if len(results) > InlineQueryLimit.RESULTS:
            raise _bad("RESULTS_TOO_MUCH")
        ids = [str(r.get("id", "")) for r in results]
        low, high = InlineQueryResultLimit.MIN_ID_LENGTH, InlineQueryResultLimit.MAX_ID_LENGTH
        if any(not low <= len(i.encode()) <= high for i in ids):
            raise _bad("RESULT_ID_INVALID")
        if len(set(ids)) != len(ids):
            raise _bad("RESULT_ID_DUPLICATE")
        for result in results:
            content = result.get("input_message_content") or {}
            if "message_text" in content:
                text, _ = self._format(
                    content["message_text"],
                    content.get("parse_mode"),
                    content.get("entities"),
                    "answerInlineQuery.message_text",
                )
                _check_text(text, MessageLimit.MAX_TEXT_LENGTH)
            self._check_keyboard(result.get("reply_markup"))
        button = params.get("button")
        if isinstance(button, str):
            button = json.loads(button)
        parameter = (button or {}).get("start_parameter")
        if parameter is not None and not _START_PARAMETER_RE.fullmatch(parameter):
            raise _bad("START_PARAM_INVALID")
        return True

    async def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = params["callback_query_id"]
        sent = self._open_callbacks.get(query_id)
        if sent is None or time.monotonic() - sent > CALLBACK_ANSWER_WINDOW:
            # Unknown, answered already, or too late. A bot answering a replayed or expired
            # query is a runtime event, not a misuse.
            self._open_callbacks.pop(query_id, None)
            raise _ApiError(400, _QUERY_TOO_OLD, violation=False)
        if len(params.get("text", "")) > CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH:
            raise _bad("MESSAGE_TOO_LONG")
        del self._open_callbacks[query_id]
        self.callback_answers[query_id] = dict(params)
        return True

    @staticmethod
    def _commands_key(params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope", {"type": "default"})
        return json.dumps(scope, sort_keys=True), params.get("language_code", "")

    async def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params["commands"]
        if len(commands) > BotCommandLimit.MAX_COMMAND_NUMBER:
            raise _bad("too many commands")
        for command in commands:
            if not _COMMAND_RE.fullmatch(command["command"]):
                raise _bad("BOT_COMMAND_INVALID")
            if not (
                BotCommandLimit.MIN_DESCRIPTION
                <= len(command["description"])
                <= BotCommandLimit.MAX_DESCRIPTION
            ):
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(params)] = copy.deepcopy(commands)
        return True

    async def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return copy.deepcopy(self.commands.get(self._commands_key(params), []))

    async def _delete_my_commands(self, params: JSONDict) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _set_webhook(self, params: JSONDict) -> bool:
        url = params["url"]
        connections = params.get("max_connections", DEFAULT_MAX_CONNECTIONS)
        secret = params.get("secret_token")
        if url and not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        if not 1 <= connections <= 100:
            raise _bad("bad webhook: max_connections must be between 1 and 100")
        if secret is not None and not _SECRET_TOKEN_RE.fullmatch(secret):
            raise _bad("bad webhook: secret token contains unallowed characters")
        if "allowed_updates" in params:
            self.allowed_updates = list(params["allowed_updates"])
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook_url = url
        self.webhook.set(url, secret if url else None, connections)
        return True

    async def _delete_webhook(self, params: JSONDict) -> bool:
        self.webhook_url = ""
        self.webhook.set("", None, DEFAULT_MAX_CONNECTIONS)
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        info: JSONDict = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook_url:
            info["max_connections"] = self.webhook.max_connections
            if self.allowed_updates:
                info["allowed_updates"] = list(self.allowed_updates)
        if self.webhook.last_error is not None:
            info["last_error_date"], info["last_error_message"] = self.webhook.last_error
        return info

    async def _get_chat(self, params: JSONDict) -> JSONDict:
        return {
            **self._chat(params["chat_id"]),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _get_chat_member(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params["chat_id"])
        user_id = params["user_id"]
        user = self._user_api(user_id)
        outside = self._outsiders.get((chat["id"], user_id))
        if outside == "kicked":
            return {"status": "kicked", "user": user, "until_date": 0}
        if outside is not None:
            return {"status": outside, "user": user}
        if self._creators.get(chat["id"]) == user_id:
            return {"status": "creator", "user": user, "is_anonymous": False}
        if user_id in self._admins.get(chat["id"], set()):
            rights = dict.fromkeys(
                (
                    "can_manage_chat",
                    "can_delete_messages",
                    "can_manage_video_chats",
                    "can_restrict_members",
                    "can_invite_users",
                    "can_post_stories",
                    "can_edit_stories",
                    "can_delete_stories",
                ),
                True,
            )
            return {
                "status": "administrator",
                "user": user,
                "can_be_edited": False,
                "is_anonymous": False,
                "can_promote_members": False,
                "can_change_info": False,
                **rights,
                "can_pin_messages": True,
            }
        return {"status": "member", "user": user}

    async def _get_chat_member_count(self, params: JSONDict) -> int:
        chat = self._chat(params["chat_id"])
        return self._member_counts.get(chat["id"], 2)

    async def _get_file(self, params: JSONDict) -> JSONDict:
        stored = self.files.get(params["file_id"])
        if stored is None:
            raise _bad("invalid file_id")
        if len(stored.data) > FileSizeLimit.FILESIZE_DOWNLOAD:
            raise _bad("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }


# --------------------------------------------------------------------------------------------
# Module helpers
# --------------------------------------------------------------------------------------------


PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_SIDES = 10000
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG (the IHDR chunk comes first); None if not a PNG."""
    if len(data) < 24 or not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _bot_user() -> JSONDict:
    return {"id": BOT_ID, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME}


def _reply_copy(message: JSONDict) -> JSONDict:
    # Telegram never nests reply_to_message more than one level deep.
    return {k: copy.deepcopy(v) for k, v in message.items() if k != "reply_to_message"}


def _set_optional(target: JSONDict, key: str, value: Any) -> None:
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value


def _not_modified() -> _ApiError:
    return _bad(
        "message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )


def _check_text(text: str, limit: int) -> None:
    if not text.strip():
        raise _bad("message text is empty")
    if utf16_len(text) > limit:
        raise _bad("message is too long")


def _suffix(file_name: str | None) -> str:
    if file_name and "." in file_name:
        return "." + file_name.rsplit(".", 1)[1]
    return ""


def _error_response(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: JSONDict = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)


async def _read_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return params
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
        return params
    form = await request.post()
    for name, value in form.items():
        if isinstance(value, web.FileField):
            params[name] = UploadedFile(name, value.filename, value.content_type, value.file.read())
        else:
            params[name] = value if isinstance(value, str) else value.decode()
    return params


__all__ = [
    "BOT_ID",
    "BOT_USERNAME",
    "Call",
    "Chat",
    "EntityParseError",
    "FakeTelegram",
    "StoredFile",
    "User",
    "parse_html",
    "utf16_len",
]
