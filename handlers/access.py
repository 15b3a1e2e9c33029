"""Who may use the bot at all: ALLOWED_CHAT_IDS / ALLOWED_USER_IDS, before any feature runs.

Registered in handler group -1 when an allow-list is set (with none the bot is open and
the gate is left out): an update from outside the lists stops here, so nothing it
carries reaches OpenAI or the database (beyond the note that its chat was told once).
"""

from __future__ import annotations

import logging

from telegram import InlineQueryResultsButton, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, TypeHandler

from handlers.common import lang_of
from i18n import tr
from quiz import callbacks
from services import inbox
from services.context import BotContext
from settings import Settings

log = logging.getLogger(__name__)

# A refused inline query's empty answer: Telegram keeps it for that person (they type on, and
# every keystroke would be another request otherwise).
REFUSED_INLINE_CACHE_SECONDS = 300
# The button under it opens the private chat, where the refusal names the person's id.
REFUSED_INLINE_START = "denied"

# Deleting one's data is a right even for someone the bot no longer serves.
ALWAYS_ALLOWED_COMMANDS = ("/forgetme",)


def is_restricted(settings: Settings) -> bool:
    """Whether the gate is registered at all (services/security.py decides who passes)."""
    return bool(settings.allowed_chat_ids or settings.allowed_user_ids)


def _always_allowed(update: Update) -> bool:
    if update.callback_query is not None:
        # /forgetme's confirmation (the handler checks whose it is).
        return (update.callback_query.data or "").startswith(callbacks.FORGET)
    message = update.effective_message
    text = (message.text or "") if message is not None else ""
    words = text.split(maxsplit=2)
    command = words[0].split("@")[0] if text.startswith("/") else ""
    # A group's /forgetme answers with a link that sends /start forgetme in private.
    if command == "/start" and words[1:2] == [callbacks.DEEP_LINK_FORGET]:
        return True
    return command in ALWAYS_ALLOWED_COMMANDS


async def gate(update: Update, context: BotContext) -> None:
    """Let allowed updates through; refuse the others (telling each chat once) and stop them."""
    security = context.security
    chat, user = update.effective_chat, update.effective_user
    chat_id, user_id = (chat.id if chat else None), (user.id if user else None)
    if security.is_allowed(chat_id, user_id) or _always_allowed(update):
        return
    if chat is None and user is None:
        # Our own polls' vote totals: no one to refuse, and nothing acts on them.
        return
    if update.poll_answer is not None:
        # No chat in a poll answer: it counts if the poll is one we sent to an allowed chat.
        found = await context.quiz_lookup.question_for_poll(update.poll_answer.poll_id)
        if found is not None and security.is_allowed(found[0].chat_id, user_id):
            return
    log.info(
        "Refused update %s from chat %s user %s: not on the allow-lists",
        update.update_id,
        chat_id,
        user_id,
    )
    await _refuse(update, context)
    raise ApplicationHandlerStop


async def _refuse(update: Update, context: BotContext) -> None:
    """A toast for a button; one message per chat for commands (and anything in private)."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    lang = await lang_of(update, context)
    query, inline = update.callback_query, update.inline_query
    try:
        if query is not None:
            await query.answer(tr(lang, "access_denied_short"))
            return
        if inline is not None:
            # Unanswered, the person's client would spin until Telegram gives up.
            button = InlineQueryResultsButton(
                tr(lang, "access_denied_short"), start_parameter=REFUSED_INLINE_START
            )
            await inline.answer(
                [], cache_time=REFUSED_INLINE_CACHE_SECONDS, is_personal=True, button=button
            )
            return
        if chat is None or message is None:
            return
        speaks_to_us = chat.type == ChatType.PRIVATE or (message.text or "").startswith("/")
        if not speaks_to_us:
            return
        if not await context.security.note_refusal(chat.id):
            return
        await context.presenter.say(
            chat.id,
            tr(lang, "access_denied", chat_id=chat.id, user_id=user.id if user else "?"),
            thread_id=message.message_thread_id if message.is_topic_message else None,
            html=True,
        )
    except TelegramError as exc:
        log.info("Could not tell chat %s it is refused: %s", chat.id if chat else None, exc)


HANDLERS = [TypeHandler(Update, inbox.settling_when_stopped(gate))]
