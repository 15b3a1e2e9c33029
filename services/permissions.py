"""Who may end a quiz: its starter, or an administrator of the chat."""

from __future__ import annotations

from telegram import Bot
from telegram.constants import ChatMemberStatus, ChatType

from storage import QuizRow


async def is_chat_admin(bot: Bot, chat_id: int, user_id: int) -> bool:
    member = await bot.get_chat_member(chat_id, user_id)
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def may_stop(bot: Bot, quiz: QuizRow, user_id: int) -> bool:
    if quiz.starter_id == user_id:
        return True
    return quiz.chat_type != ChatType.PRIVATE and await is_chat_admin(bot, quiz.chat_id, user_id)
