"""Operator and privacy commands: /usage (ADMIN_USER_IDS), /starters (chat admins), /forgetme."""

from __future__ import annotations

import logging
from html import escape

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ChatType, ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler

from handlers.common import acknowledge, lang_of, tapped_message
from i18n import tr
from quiz import callbacks
from services import chat_settings, security
from services.chat_messages import deep_link
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


def _forget_buttons(lang: str, user_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tr(lang, "forgetme_button"),
                    callback_data=callbacks.forget_data(user_id, confirmed=True),
                ),
                InlineKeyboardButton(
                    tr(lang, "forgetme_keep_button"),
                    callback_data=callbacks.forget_data(user_id, confirmed=False),
                ),
            ]
        ]
    )


async def ask_to_forget(message: Message, chat: Chat, user: User, lang: str) -> None:
    """/forgetme's question, with the button only this person can confirm it with. In a
    group, what they keep is nobody else's business: a link to the private chat instead."""
    if chat.type != ChatType.PRIVATE:
        link = deep_link(message.get_bot(), callbacks.DEEP_LINK_FORGET)
        await message.reply_text(
            tr(lang, "forgetme_in_private"),
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton(tr(lang, "forgetme_private_button"), url=link)]]
            ),
        )
        return
    await message.reply_text(
        tr(lang, "forgetme_confirm"),
        parse_mode=ParseMode.HTML,
        reply_markup=_forget_buttons(lang, user.id),
    )


async def forgetme_command(update: Update, context: BotContext) -> None:
    """Ask before deleting everything the bot keeps about the sender."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    await ask_to_forget(message, chat, user, await lang_of(update, context))


async def forget_button(update: Update, context: BotContext) -> None:
    """ "Delete everything" (only the person asked can) or "Keep my data"."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    lang = await lang_of(update, context)
    message = tapped_message(query)
    tap = callbacks.parse_forget(query.data or "")
    if message is None or tap is None:
        await acknowledge(query, tr(lang, "invalid_button"))
        return
    if tap.user_id != user.id:
        await acknowledge(query, tr(lang, "forgetme_not_yours"))
        return
    await acknowledge(query)
    if not tap.confirmed:
        await message.edit_text(tr(lang, "forgetme_kept"), reply_markup=None)
        return
    removed = await security.forget_user(context.services, user.id)
    await context.learning.forget(user.id)  # cards, log, reminders
    await context.services.repo.library.forget_owner(user.id)  # and their share links
    log.info("Forgot user %s (%d answers)", user.id, removed)
    await message.edit_text(tr(lang, "forgetme_done", n=removed), reply_markup=None)


HANDLERS = [
    CommandHandler("usage", usage_command),
    CommandHandler("starters", starters_command),
    CommandHandler("forgetme", forgetme_command),
    CallbackQueryHandler(forget_button, pattern=callbacks.pattern(callbacks.FORGET)),
]
