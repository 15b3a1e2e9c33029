"""/live, /mode and /seconds: live games, one question at a time against the clock."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import CommandHandler

from handlers.common import lang_of, start_quiz_here
from i18n import tr
from quiz.states import QuizMode
from services.context import BotContext
from services.permissions import may_change_settings
from services.quiz import starting
from settings import MAX_LIVE_SECONDS, MIN_LIVE_SECONDS


async def live_command(update: Update, context: BotContext) -> None:
    """Start a live game: `/live [N] topic` (in a private chat, a timed solo run)."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    await start_quiz_here(
        context,
        message,
        chat,
        user,
        await lang_of(update, context),
        starting.parse_quiz_args(context.args or []),
        mode=QuizMode.LIVE,
    )


async def mode_command(update: Update, context: BotContext) -> None:
    """Show or set (admins in groups) what /quiz plays here: `/mode live|all`."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    lang = await lang_of(update, context)
    wanted = (context.args or [""])[0].lower()
    if wanted not in tuple(QuizMode):
        current = (await context.chat_settings.effective(chat.id)).mode
        await message.reply_text(tr(lang, "mode_usage", mode=current), parse_mode=ParseMode.HTML)
        return
    if not await may_change_settings(context.bot, chat.id, chat.type, user.id):
        await message.reply_text(tr(lang, "admins_only"))
        return
    await context.chat_settings.set_mode(chat.id, QuizMode(wanted))
    await message.reply_text(tr(lang, "mode_set", mode=wanted), parse_mode=ParseMode.HTML)


async def seconds_command(update: Update, context: BotContext) -> None:
    """Show or set (admins in groups) a live game's seconds per question: `/seconds 10…300`."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    lang = await lang_of(update, context)
    current = (await context.chat_settings.effective(chat.id)).live_seconds
    try:
        seconds = int((context.args or [""])[0])
    except ValueError:
        seconds = 0
    if not MIN_LIVE_SECONDS <= seconds <= MAX_LIVE_SECONDS:
        await message.reply_text(
            tr(
                lang,
                "seconds_usage",
                low=MIN_LIVE_SECONDS,
                high=MAX_LIVE_SECONDS,
                seconds=current,
            ),
            parse_mode=ParseMode.HTML,
        )
        return
    if not await may_change_settings(context.bot, chat.id, chat.type, user.id):
        await message.reply_text(tr(lang, "admins_only"))
        return
    await context.chat_settings.set_live_seconds(chat.id, seconds)
    await message.reply_text(tr(lang, "seconds_set", seconds=seconds))


HANDLERS = [
    # Writing a quiz takes the model many seconds: don't hold up other chats' updates.
    CommandHandler("live", live_command, block=False),
    CommandHandler("mode", mode_command),
    CommandHandler("seconds", seconds_command),
]
