"""Who may do what in a chat: every permission rule of the bot, in one place.

- End a quiz (/stop, the finish button): its starter, or an administrator of the chat.
- Change a chat's settings (/timelimit, /lang): anyone in a private chat, admins in groups.
- Choose who may start quizzes (/starters, groups only): admins.
- Start a quiz in a group whose /starters is "admins": admins (checked in services.quotas).
- Remove documents (/forget): the uploader their own; in groups admins anyone's.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Bot
from telegram.constants import ChatMemberStatus, ChatType

from storage import DocumentRow, QuizRow


async def is_chat_admin(bot: Bot, chat_id: int, user_id: int) -> bool:
    member = await bot.get_chat_member(chat_id, user_id)
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def may_stop(bot: Bot, quiz: QuizRow, user_id: int) -> bool:
    if quiz.starter_id == user_id:
        return True
    return quiz.chat_type != ChatType.PRIVATE and await is_chat_admin(bot, quiz.chat_id, user_id)


async def may_change_settings(bot: Bot, chat_id: int, chat_type: str, user_id: int) -> bool:
    # A group's settings are everyone's: they are the admins' call.
    return chat_type == ChatType.PRIVATE or await is_chat_admin(bot, chat_id, user_id)


async def may_set_starters(bot: Bot, chat_id: int, user_id: int) -> bool:
    return await is_chat_admin(bot, chat_id, user_id)


async def removable_documents(
    bot: Bot, chat_id: int, chat_type: str, user_id: int, docs: Sequence[DocumentRow]
) -> list[DocumentRow]:
    """Those of `docs` the user may remove."""
    if (
        chat_type == ChatType.PRIVATE
        or all(d.uploader_id == user_id for d in docs)
        or await is_chat_admin(bot, chat_id, user_id)
    ):
        return list(docs)
    return [d for d in docs if d.uploader_id == user_id]
