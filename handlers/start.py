"""/start and /help, and the /start menu's buttons."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler

from handlers import library as library_handlers
from handlers.admin import ask_to_forget
from handlers.common import (
    acknowledge,
    lang_of,
    start_quiz_here,
    start_request,
    tapped_message,
)
from handlers.language import send_picker
from i18n import tr
from quiz import callbacks
from quiz.render import STYLES
from services import learning, library
from services.context import BotContext
from services.permissions import may_change_settings
from services.start_request import QuizCommand

SAMPLE, HELP, STYLE, LANG = "sample", "help", "style", "lang"


def menu(lang: str) -> InlineKeyboardMarkup:
    def button(key: str, action: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(tr(lang, key), callback_data=callbacks.menu_data(action))

    return InlineKeyboardMarkup(
        [
            [button("start_sample_button", SAMPLE)],
            [
                button("start_help_button", HELP),
                button("start_style_button", STYLE),
                button("start_lang_button", LANG),
            ],
        ]
    )


def style_buttons() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(style, callback_data=callbacks.menu_data(f"{STYLE}:{style}"))
                for style in STYLES
            ]
        ]
    )


async def start(update: Update, context: BotContext) -> None:
    """Greet the user with a short how-to and buttons for the common actions."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None:
        return
    lang = await lang_of(update, context)
    if context.args == [learning.DEEP_LINK_PAYLOAD] and chat is not None and user is not None:
        # The deep link of a group's "Review my mistakes" button.
        key = f"{chat.id}:review:{message.message_id}"
        request = start_request(message, chat, user, lang, request_key=key)
        await context.reviews.start(request)
        return
    if context.args == [callbacks.DEEP_LINK_FORGET] and chat is not None and user is not None:
        await ask_to_forget(message, chat, user, lang)
        return
    token = library.token_of(context.args[0]) if context.args else None
    if token is not None:
        # A share link (t.me/<bot>?start=… or ?startgroup=…): the shared quiz, here.
        await library_handlers.start_shared(update, context, token)
        return
    await message.reply_html(tr(lang, "start"), reply_markup=menu(lang))


async def _send_help(message: Message, update: Update, context: BotContext) -> None:
    facts = context.help_facts
    lang = await lang_of(update, context)
    await message.reply_text(
        tr(
            lang,
            "help",
            default=facts.default_questions,
            max=facts.max_questions,
            # Said only while it is true (QUIZ_VERIFY).
            checks=tr(lang, "help_verify") if facts.quiz_verify else "",
            # What leaves the machine depends on where documents are searched.
            where=tr(
                lang, "help_docs_local" if context.documents.is_local() else "help_docs_openai"
            ),
        )
        + tr(lang, "help_library", bot=context.bot.username),
        parse_mode=ParseMode.HTML,
    )


async def help_command(update: Update, context: BotContext) -> None:
    """Explain quizzes, answering, styles, languages and group rules."""
    if update.effective_message is None:
        return
    await _send_help(update.effective_message, update, context)


async def menu_button(update: Update, context: BotContext) -> None:
    """A tap on one of /start's buttons."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    # None too when Telegram no longer shows us the message (too old) or the data is forged.
    message = tapped_message(query)
    action = callbacks.parse_menu(query.data or "")
    lang = await lang_of(update, context)
    if message is None:
        await acknowledge(query, tr(lang, "invalid_button"))
        return
    if action.startswith(f"{STYLE}:") and action.removeprefix(f"{STYLE}:") in STYLES:
        style = action.removeprefix(f"{STYLE}:")
        if not await may_change_settings(context.bot, chat.id, chat.type, user.id):
            await acknowledge(query, tr(lang, "admins_only"))
            return
        await acknowledge(query)
        await context.chat_settings.set_style(chat.id, style)
        await message.edit_text(
            tr(lang, "style_set", style=style), parse_mode=ParseMode.HTML, reply_markup=None
        )
        return
    if action not in (SAMPLE, HELP, STYLE, LANG):
        await acknowledge(query, tr(lang, "invalid_button"))
        return
    await acknowledge(query)
    if action == HELP:
        await _send_help(message, update, context)
    elif action == LANG:
        await send_picker(message, update, context)
    elif action == STYLE:
        current = (await context.chat_settings.effective(chat.id)).style
        await message.reply_text(
            tr(lang, "style_usage", style=current),
            parse_mode=ParseMode.HTML,
            reply_markup=style_buttons(),
        )
    else:
        # The sample quiz costs like any other: start_quiz applies the same checks.
        await start_quiz_here(
            context,
            message,
            chat,
            user,
            lang,
            QuizCommand(None, tr(lang, "sample_topic")),
            # The tap, not the menu message, is the request: the menu can be used again.
            request_key=f"{chat.id}:tap:{query.id}",
        )


HANDLERS = [
    # /start review writes a review quiz: don't hold up other chats' updates.
    CommandHandler("start", start, block=False),
    CommandHandler("help", help_command),
    # The sample quiz keeps the model busy for seconds: don't hold up other chats' updates.
    CallbackQueryHandler(menu_button, pattern=callbacks.pattern(callbacks.MENU), block=False),
]
