"""Small helpers every handler module uses."""

from __future__ import annotations

from telegram import Message, Update, User
from telegram.ext import ContextTypes

from i18n import language_for


def display_name(user: User) -> str:
    return user.full_name or (f"@{user.username}" if user.username else str(user.id))


async def lang_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The language to answer this update in: the user's Telegram language, else English."""
    user = update.effective_user
    return language_for(user.language_code if user else None)


def thread_of(message: Message) -> int | None:
    """The forum topic a message belongs to, if any (replies carry it only in topics)."""
    return message.message_thread_id if message.is_topic_message else None
