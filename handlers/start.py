"""/start and /help."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import CommandHandler, ContextTypes

from handlers.common import lang_of
from i18n import tr
from services.context import services


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the user with a short how-to."""
    if update.effective_message is None:
        return
    await update.effective_message.reply_html(tr(await lang_of(update, context), "start"))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain quizzes, answering and styles."""
    if update.effective_message is None:
        return
    settings = services(context).settings
    await update.effective_message.reply_text(
        tr(
            await lang_of(update, context),
            "help",
            default=settings.default_questions,
            max=settings.max_questions,
        ),
        parse_mode=ParseMode.HTML,
    )


HANDLERS = [CommandHandler("start", start), CommandHandler("help", help_command)]
