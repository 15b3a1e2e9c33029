"""The bot's own membership: added to a group, it introduces itself once; removed from a
group or blocked, its quizzes there end."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.ext import ChatMemberHandler

from handlers.common import lang_of
from i18n import tr
from services.context import BotContext

log = logging.getLogger(__name__)

_GONE = (ChatMember.LEFT, ChatMember.BANNED)
_GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)


async def my_membership(update: Update, context: BotContext) -> None:
    """Introduce the bot in a group it joined; end the quizzes of a chat it left."""
    change, chat = update.my_chat_member, update.effective_chat
    if change is None or chat is None:
        return
    if change.new_chat_member.status in _GONE:
        cancelled = await context.membership.left(chat.id)
        log.info("Left chat %s; cancelled %d live quiz(zes)", chat.id, cancelled)
        return
    joined = change.old_chat_member.status in _GONE
    # Once per joining: a re-delivered update (or a promotion to admin) says nothing.
    if not joined or chat.type not in _GROUPS:
        return
    if not await context.membership.introduce(chat.id):
        return
    lang = await lang_of(update, context)
    who = (await context.chat_settings.effective(chat.id)).starters
    await context.presenter.say(
        chat.id, tr(lang, "group_intro", who=tr(lang, f"starters_{who}")), html=True
    )


HANDLERS = [ChatMemberHandler(my_membership, ChatMemberHandler.MY_CHAT_MEMBER)]
