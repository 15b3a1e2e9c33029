"""Small helpers every handler module uses."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message, Update, User
from telegram.error import BadRequest

from i18n import language_for
from services import chat_settings
from services.context import BotContext

log = logging.getLogger(__name__)


async def acknowledge(query: CallbackQuery, text: str | None = None) -> None:
    """Answer a callback query; a replayed one (Telegram no longer takes an answer for it)
    must not stop the handler from finishing its work."""
    try:
        await query.answer(text)
    except BadRequest as exc:
        if "query is too old" not in exc.message.lower():
            raise
        log.info("Callback query %s expired before we answered it", query.id)


def display_name(user: User) -> str:
    return user.full_name or (f"@{user.username}" if user.username else str(user.id))


async def lang_of(update: Update, context: BotContext) -> str:
    """The chat's /lang choice, else the user's Telegram language, else English."""
    chat, user = update.effective_chat, update.effective_user
    if chat is not None:
        chosen = (await chat_settings.effective(context.services, chat.id)).lang
        if chosen is not None:
            return chosen
    return language_for(user.language_code if user else None)


def thread_of(message: Message) -> int | None:
    """The forum topic a message belongs to, if any (replies carry it only in topics)."""
    return message.message_thread_id if message.is_topic_message else None
