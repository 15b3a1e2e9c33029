"""Who is in a group, as its updates show (services/quiz/participants.py): a message someone
posts there proves them a member, and so does joining; leaving drops what the bot knew; a
`chat_member` update (sent to a bot that is an admin there) says it outright. Noted before
any feature handles the update, at no request's cost."""

from __future__ import annotations

import functools
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType

from services.context import BotContext
from services.inbox import Callback
from services.quiz.participants import Participants, is_in

_GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)


def noting(callback: Callback) -> Callback:
    """`callback`, after noting who its update shows to be in (or out of) a group."""

    @functools.wraps(callback)
    async def run(update: Update, context: BotContext) -> Any:
        message, change = update.message, update.chat_member
        if message is not None and message.chat.type in _GROUPS:
            _note(message, context.participants)
        elif change is not None and change.chat.type in _GROUPS:
            member = change.new_chat_member
            context.participants.note(
                change.chat.id, member.user.id, is_in(member), change.date.timestamp()
            )
        return await callback(update, context)

    return run


def _note(message: Message, participants: Participants) -> None:
    chat_id, at = message.chat.id, message.date.timestamp()
    sender = message.from_user
    # Posted as a channel or anonymously, the sender is a stand-in bot, not the person.
    if sender is not None and message.sender_chat is None and not sender.is_bot:
        participants.note(chat_id, sender.id, True, at)
    for joined in message.new_chat_members:
        if not joined.is_bot:
            participants.note(chat_id, joined.id, True, at)
    # Last: someone who leaves by themselves is also the message's sender.
    if message.left_chat_member is not None:
        participants.forget(chat_id, message.left_chat_member.id)
