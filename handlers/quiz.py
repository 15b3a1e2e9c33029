"""/quiz, /stop and /style."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import CommandHandler

from handlers.common import lang_of, start_quiz_here, thread_of
from i18n import tr
from quiz.render import STYLES
from quiz.results import clock
from services.context import BotContext
from services.permissions import may_change_settings, may_stop
from services.quiz import starting
from settings import MAX_TIME_LIMIT, MIN_TIME_LIMIT


async def quiz_command(update: Update, context: BotContext) -> None:
    """Start a quiz: `/quiz [N] topic`."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    lang = await lang_of(update, context)
    await start_quiz_here(
        context,
        message,
        chat,
        user,
        lang,
        starting.parse_quiz_args(context.args or []),
    )


async def stop_command(update: Update, context: BotContext) -> None:
    """End the running quiz in this chat (starter or admin only) and get feedback now."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    quiz = await context.quiz_lookup.live_quiz(chat.id, thread_of(message))
    lang = await lang_of(update, context)
    if quiz is None:
        await message.reply_html(tr(lang, "no_quiz"))
        return
    if not await may_stop(context.bot, quiz, user.id):
        await message.reply_text(tr(lang, "stop_not_allowed"))
        return
    await context.closing.stop(quiz)


async def style_command(update: Update, context: BotContext) -> None:
    """Show or set (admins, in groups) how this chat's quizzes are shown: `/style poll|keyboard`."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    lang = await lang_of(update, context)
    wanted = (context.args or [""])[0].lower()
    if wanted not in STYLES:
        current = (await context.chat_settings.effective(chat.id)).style
        await message.reply_text(tr(lang, "style_usage", style=current), parse_mode=ParseMode.HTML)
        return
    if not await may_change_settings(context.bot, chat.id, chat.type, user.id):
        await message.reply_text(tr(lang, "admins_only"))
        return
    await context.chat_settings.set_style(chat.id, wanted)
    await message.reply_text(tr(lang, "style_set", style=wanted), parse_mode=ParseMode.HTML)


async def time_limit_command(update: Update, context: BotContext) -> None:
    """Show or set (admins) how long this chat's group quizzes run: `/timelimit SECONDS`."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    lang = await lang_of(update, context)
    current = (await context.chat_settings.effective(chat.id)).time_limit
    try:
        seconds = int((context.args or [""])[0])
    except ValueError:
        seconds = 0
    if not MIN_TIME_LIMIT <= seconds <= MAX_TIME_LIMIT:
        await message.reply_text(
            tr(
                lang,
                "time_limit_usage",
                low=MIN_TIME_LIMIT,
                high=MAX_TIME_LIMIT,
                time=clock(current),
            ),
            parse_mode=ParseMode.HTML,
        )
        return
    if not await may_change_settings(context.bot, chat.id, chat.type, user.id):
        await message.reply_text(tr(lang, "admins_only"))
        return
    await context.chat_settings.set_time_limit(chat.id, seconds)
    await message.reply_text(tr(lang, "time_limit_set", time=clock(seconds)))


async def exam_command(update: Update, context: BotContext) -> None:
    """Show or set (admins) a group's exam mode: `/exam on|off` hides votes until the end."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    lang = await lang_of(update, context)
    if chat.type == ChatType.PRIVATE:
        await message.reply_text(tr(lang, "exam_private"))
        return
    wanted = (context.args or [""])[0].lower()
    if wanted not in ("on", "off"):
        current = (await context.chat_settings.effective(chat.id)).exam
        await message.reply_text(
            tr(
                lang, "exam_usage", state=tr(lang, "exam_state_on" if current else "exam_state_off")
            ),
            parse_mode=ParseMode.HTML,
        )
        return
    if not await may_change_settings(context.bot, chat.id, chat.type, user.id):
        await message.reply_text(tr(lang, "admins_only"))
        return
    await context.chat_settings.set_exam(chat.id, wanted == "on")
    await message.reply_text(tr(lang, "exam_on" if wanted == "on" else "exam_off"))


HANDLERS = [
    # Writing a quiz takes the model many seconds: don't hold up other chats' updates.
    CommandHandler("quiz", quiz_command, block=False),
    CommandHandler("stop", stop_command, block=False),
    CommandHandler("style", style_command),
    CommandHandler("timelimit", time_limit_command),
    CommandHandler("exam", exam_command),
]
