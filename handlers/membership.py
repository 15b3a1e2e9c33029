"""The bot's own membership: removed from a group or blocked, its quizzes there end."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.ext import ChatMemberHandler

from services.context import BotContext
from services.quiz import lookup

log = logging.getLogger(__name__)

_GONE = (ChatMember.LEFT, ChatMember.BANNED)


async def my_membership(update: Update, context: BotContext) -> None:
    """Cancel the open quizzes of a chat the bot can no longer write to."""
    change, chat = update.my_chat_member, update.effective_chat
    if change is None or chat is None or change.new_chat_member.status not in _GONE:
        return
    cancelled = await lookup.cancel_chat_quizzes(context.services, chat.id, "bot removed")
    log.info("Left chat %s; cancelled %d live quiz(zes)", chat.id, cancelled)


HANDLERS = [ChatMemberHandler(my_membership, ChatMemberHandler.MY_CHAT_MEMBER)]
