"""Command floods stop here, before any feature does work for them.

Every command handler's callback is guarded (handlers/__init__.py): a command takes a token
from its sender's and its chat's bucket (USER_/CHAT_COMMAND_BURST, …_COMMANDS_PER_MINUTE)
as its task starts, before it waits for its chat's turn. One without a token is dropped; the
first drop tells the person (or the chat), later ones say nothing until the limit clears.
An info reply (/help, /docs, a setting shown…) a group got less than INFO_REPLY_SECONDS ago,
with no other command there since, is not sent again: it is just above. (In a private chat
the person's own bucket is the limit: asking again there is never met with silence.) Poll
answers and button taps are not commands and never pass through here (nor does a poll answer
pay for a handler group of its own: they are a group's hot path).
"""

from __future__ import annotations

import functools
import logging
import math
from html import escape
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType, MessageEntityType
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CommandHandler

from handlers.common import display_name, lang_of, thread_of
from i18n import tr
from services.context import BotContext
from services.flood import CommandLimiter, Decision, RecentReplies, Verdict
from services.inbox import Callback
from settings import Settings

log = logging.getLogger(__name__)

_KEY = "command_gate"
# Marks a guarded callback (handlers are module objects, registered by every application).
_MARK = "command_guarded"

# Their reply is the same for everyone in the chat: one a while is enough.
INFO_COMMANDS = frozenset({"help", "start", "docs", "stats"})
# These show the chat's setting when sent without arguments (and change it with one).
SETTING_COMMANDS = frozenset({"style", "lang", "mode", "seconds", "timelimit", "exam", "starters"})


def parse_command(message: Message) -> tuple[str, bool, bool] | None:
    """(command, has arguments, addressed to this bot by name) of a command at the start of
    the text, unless it names another bot."""
    entity = message.entities[0] if message.entities else None
    if entity is None or entity.type != MessageEntityType.BOT_COMMAND or entity.offset != 0:
        return None
    text = message.text or ""
    command, _, target = text[1 : entity.length].partition("@")
    if target and target.lower() != (message.get_bot().username or "").lower():
        return None
    return command.lower(), bool(text[entity.length :].strip()), bool(target)


def info_key(command: str, has_args: bool, known: bool) -> str | None:
    """What makes two commands the same info reply in a chat; None for any other command."""
    if not known:
        return f"unknown:{command}"
    if command in INFO_COMMANDS and not has_args:
        return command
    if command in SETTING_COMMANDS and not has_args:
        return command
    return None


class CommandGate:
    """The buckets and recent replies of one application (each test builds its own)."""

    def __init__(self, settings: Settings) -> None:
        self.limiter = CommandLimiter(
            settings.user_command_burst,
            settings.user_commands_per_minute,
            settings.chat_command_burst,
            settings.chat_commands_per_minute,
        )
        self.replies = RecentReplies(settings.info_reply_seconds)

    async def admits(self, update: Update, context: BotContext, known: bool) -> bool:
        """Whether the command in `update` may run; anything else (plain text) may."""
        message, chat, user = (
            update.message or update.edited_message,
            update.effective_chat,
            update.effective_user,
        )
        parsed = parse_command(message) if message is not None else None
        if message is None or chat is None or parsed is None:
            return True
        command, has_args, _ = parsed
        # The services' clock, as the cooldown's: the tests move it as time passing.
        now = context.clock()
        decision = self.limiter.admit(user.id if user else None, chat.id, now)
        if decision.verdict is not Verdict.RUN:
            log.info(
                "Dropped /%s in chat %s from user %s: %s command limit",
                command,
                chat.id,
                user.id if user else None,
                decision.scope,
            )
            if decision.verdict is Verdict.NOTICE:
                await _notice(update, context, decision)
            return False
        key = info_key(command, has_args, known) if chat.type != ChatType.PRIVATE else None
        if key is None:
            self.replies.forget(chat.id)
        elif not self.replies.first(chat.id, key, now):
            log.info("Skipped /%s in chat %s: answered moments ago", command, chat.id)
            return False
        return True


async def _notice(update: Update, context: BotContext, decision: Decision) -> None:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None:
        return
    lang = await lang_of(update, context)
    seconds = max(1, math.ceil(decision.wait))
    if decision.scope == "user" and user is not None:
        text = tr(lang, "command_flood_user", name=escape(display_name(user)), seconds=seconds)
    else:
        text = tr(lang, "command_flood_chat", seconds=seconds)
    try:
        await context.presenter.say(chat.id, text, thread_id=thread_of(message), html=True)
    except TelegramError as exc:
        log.info("Could not tell chat %s about its command limit: %s", chat.id, exc)


def install(bot_data: dict[Any, Any], settings: Settings) -> None:
    bot_data[_KEY] = CommandGate(settings)


def guard(handler: BaseHandler[Any, Any, Any]) -> None:
    """Run `handler` only for commands its application's gate admits (see the docstring)."""
    callback: Callback = handler.callback
    if getattr(callback, _MARK, False):
        return
    known = isinstance(handler, CommandHandler)

    @functools.wraps(callback)
    async def run(update: Update, context: BotContext) -> Any:
        gate = context.bot_data.get(_KEY)
        if isinstance(gate, CommandGate) and not await gate.admits(update, context, known):
            return None
        return await callback(update, context)

    setattr(run, _MARK, True)
    handler.callback = run
