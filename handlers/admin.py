"""Operator and privacy commands: /usage (ADMIN_USER_IDS), /starters (chat admins), /forgetme."""

from __future__ import annotations

import logging
from html import escape

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import CommandHandler

from handlers.common import lang_of
from i18n import tr
from services import chat_settings, learning, security
from services.context import BotContext
from services.permissions import may_set_starters
from storage.chats import STARTERS

log = logging.getLogger(__name__)


def _n(value: int) -> str:
    return f"{value:,}"


async def usage_command(update: Update, context: BotContext) -> None:
    """Today's quizzes and tokens, overall and by the top chats and users (operators only)."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    svc = context.services
    lang = await lang_of(update, context)
    if user.id not in svc.settings.admin_user_ids:
        await message.reply_text(tr(lang, "usage_operator_only"))
        return
    if chat.type != ChatType.PRIVATE:
        # The report names chats and people: not for a group's eyes.
        await message.reply_text(tr(lang, "usage_private_only"))
        return
    settings = svc.settings
    report = await security.usage_today(svc)
    budget = settings.daily_token_budget
    lines = [
        tr(
            lang,
            "usage_report",
            quizzes=_n(report.quizzes),
            tokens=_n(report.tokens),
            budget=_n(budget) if budget else tr(lang, "usage_no_limit"),
        )
    ]
    if report.top_chats:
        lines.append(tr(lang, "usage_top_chats"))
        lines += [f"<code>{chat_id}</code> — {_n(tokens)}" for chat_id, tokens in report.top_chats]
    if report.top_users:
        lines.append(tr(lang, "usage_top_users"))
        lines += [
            f"{escape(name or '?')} (<code>{user_id}</code>) — {_n(tokens)}"
            for user_id, name, tokens in report.top_users
        ]
    await message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML)


async def starters_command(update: Update, context: BotContext) -> None:
    """Show or set (chat admins) who may start quizzes in a group: `/starters anyone|admins`."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    svc = context.services
    lang = await lang_of(update, context)
    if chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        await message.reply_text(tr(lang, "starters_private"))
        return
    wanted = (context.args or [""])[0].lower()
    if wanted not in STARTERS:
        current = (await chat_settings.effective(svc, chat.id)).starters
        await message.reply_text(
            tr(lang, "starters_usage", who=tr(lang, f"starters_{current}")),
            parse_mode=ParseMode.HTML,
        )
        return
    if not await may_set_starters(context.bot, chat.id, user.id):
        await message.reply_text(tr(lang, "admins_only"))
        return
    await chat_settings.set_starters(svc, chat.id, wanted)
    log.info("Chat %s: quizzes may now be started by %s", chat.id, wanted)
    await message.reply_text(
        tr(lang, "starters_set", who=tr(lang, f"starters_{wanted}")), parse_mode=ParseMode.HTML
    )


async def forgetme_command(update: Update, context: BotContext) -> None:
    """Delete the sender's stored answers and display name."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = await lang_of(update, context)
    removed = await security.forget_user(context.services, user.id)
    await learning.forget(context.services, user.id)  # cards, log, reminders (issue 14)
    await context.services.repo.library.forget_owner(user.id)  # and their share links
    log.info("Forgot user %s (%d answers)", user.id, removed)
    await message.reply_text(tr(lang, "forgetme_done", n=removed))


HANDLERS = [
    CommandHandler("usage", usage_command),
    CommandHandler("starters", starters_command),
    CommandHandler("forgetme", forgetme_command),
]
