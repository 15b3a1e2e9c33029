"""/lang: the language the bot speaks in this chat (a per-chat override of Telegram's)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler

from handlers.common import acknowledge, lang_of, tapped_message
from i18n import catalogues, language_for, tr
from quiz import callbacks
from services.context import BotContext
from services.permissions import may_change_settings

AUTO = "auto"


def picker(lang: str) -> InlineKeyboardMarkup:
    """One button per catalogue, named in its own language, and one to follow Telegram's."""
    row = [
        InlineKeyboardButton(tr(code, "language_name"), callback_data=callbacks.lang_data(code))
        for code in sorted(catalogues())
    ]
    auto = InlineKeyboardButton(tr(lang, "lang_auto_name"), callback_data=callbacks.lang_data(AUTO))
    return InlineKeyboardMarkup([row, [auto]])


async def send_picker(message: Message, update: Update, context: BotContext) -> None:
    """The usage line with the current choice, and the buttons to change it."""
    lang = await lang_of(update, context)
    chat = update.effective_chat
    chosen = (await context.chat_settings.effective(chat.id)).lang if chat else None
    current = tr(chosen, "language_name") if chosen else tr(lang, "lang_auto_name")
    await message.reply_text(
        tr(lang, "lang_usage", choices="|".join(sorted(catalogues())), language=current),
        parse_mode=ParseMode.HTML,
        reply_markup=picker(lang),
    )


async def _may_change(update: Update, context: BotContext, user: User) -> bool:
    chat = update.effective_chat
    if chat is None:
        return False
    return await may_change_settings(context.bot, chat.id, chat.type, user.id)


async def _choose(chat_id: int, wanted: str, user: User, context: BotContext) -> str:
    """Store the choice; returns the confirmation in the language now in force."""
    await context.chat_settings.set_lang(chat_id, None if wanted == AUTO else wanted)
    if wanted == AUTO:
        return tr(language_for(user.language_code), "lang_auto_set")
    return tr(wanted, "lang_set")


async def lang_command(update: Update, context: BotContext) -> None:
    """Show or set this chat's language: `/lang ko|en|auto` (admins only in groups)."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    wanted = (context.args or [""])[0].lower()
    if wanted != AUTO and wanted not in catalogues():
        await send_picker(message, update, context)
        return
    if not await _may_change(update, context, user):
        await message.reply_text(tr(await lang_of(update, context), "admins_only"))
        return
    await message.reply_text(await _choose(chat.id, wanted, user, context))


async def lang_button(update: Update, context: BotContext) -> None:
    """A tap on the language picker."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    wanted = callbacks.parse_lang(query.data or "")
    if tapped_message(query) is None or (wanted != AUTO and wanted not in catalogues()):
        await acknowledge(query, tr(await lang_of(update, context), "invalid_button"))
        return
    if not await _may_change(update, context, user):
        await acknowledge(query, tr(await lang_of(update, context), "admins_only"))
        return
    await acknowledge(query)
    done = await _choose(chat.id, wanted, user, context)
    if isinstance(query.message, Message):
        await query.message.edit_text(done, reply_markup=None)
    else:
        await context.presenter.say(chat.id, done)


HANDLERS = [
    CommandHandler("lang", lang_command),
    CallbackQueryHandler(lang_button, pattern=callbacks.pattern(callbacks.LANG)),
]
