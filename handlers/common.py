"""Small helpers every handler module uses."""

from __future__ import annotations

from telegram import Message, User

from i18n import language_for


def display_name(user: User) -> str:
    return user.full_name or (f"@{user.username}" if user.username else str(user.id))


def lang_of(user: User | None) -> str:
    return language_for(user.language_code if user else None)


def thread_of(message: Message) -> int | None:
    """The forum topic a message belongs to, if any (replies carry it only in topics)."""
    return message.message_thread_id if message.is_topic_message else None
