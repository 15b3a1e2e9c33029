"""/review, /remind, /stats and the learning buttons."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler

from handlers.common import acknowledge, lang_of, start_quiz_here, start_request, thread_of
from i18n import tr
from quiz import callbacks, reminder_times
from services import learning
from services.context import BotContext
from services.start_request import QuizCommand


async def review_command(update: Update, context: BotContext) -> None:
    """Start a review quiz of the sender's due cards (in private; groups get a link)."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    lang, key = await lang_of(update, context), f"{chat.id}:review:{message.message_id}"
    request = start_request(message, chat, user, lang, request_key=key)
    await context.reviews.start(request)


async def learning_button(update: Update, context: BotContext) -> None:
    """A tap on "Review my mistakes" or on "Quiz my weakest topic"."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    message = query.message if isinstance(query.message, Message) else None
    lang = await lang_of(update, context)
    if message is None:
        await acknowledge(query, tr(lang, "invalid_button"))
        return
    await acknowledge(query)
    # The tap is the request: the button can be used again later.
    key = f"{chat.id}:tap:{query.id}"
    if query.data == learning.WEAKEST_DATA:
        topic = await context.learning.weakest_topic(user.id)
        if topic is None:
            await message.reply_text(tr(lang, "review_no_cards"), parse_mode=ParseMode.HTML)
            return
        await start_quiz_here(
            context,
            message,
            chat,
            user,
            lang,
            QuizCommand(None, topic),
            request_key=key,
        )
        return
    request = start_request(message, chat, user, lang, request_key=key)
    await context.reviews.start(request)


async def remind_command(update: Update, context: BotContext) -> None:
    """Daily review reminders: `/remind 19:00 [zone]`, `/remind off`."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    reminders, lang = context.reminders, await lang_of(update, context)
    args = context.args or []
    if chat.type != ChatType.PRIVATE:
        await message.reply_text(tr(lang, "remind_private"))
        return
    if len(args) == 1 and args[0].lower() == "off":
        await reminders.disable_reminder(user.id)
        await message.reply_text(tr(lang, "remind_off"))
        return
    minute = reminder_times.parse_time(args[0]) if 1 <= len(args) <= 2 else None
    previous = await reminders.reminder(user.id)
    zone = args[1] if len(args) == 2 else (previous.zone if previous else "UTC")
    if minute is None or reminder_times.parse_zone(zone) is None:
        await message.reply_text(tr(lang, "remind_usage"), parse_mode=ParseMode.HTML)
        return
    await reminders.set_reminder(user.id, chat.id, minute, zone, lang)
    await message.reply_text(
        tr(lang, "remind_set", time=f"{minute // 60:02d}:{minute % 60:02d}", zone=zone)
    )


async def stats_command(update: Update, context: BotContext) -> None:
    """A chart and a summary: the sender's learning, or in a group the week's."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    await context.stats.send_stats(
        chat_id=chat.id,
        group=chat.type != ChatType.PRIVATE,
        user_id=user.id,
        thread_id=thread_of(message),
        lang=await lang_of(update, context),
    )


HANDLERS = [
    # A review keeps the model busy for seconds: don't hold up other chats' updates.
    CommandHandler("review", review_command, block=False),
    CommandHandler("remind", remind_command),
    CommandHandler("stats", stats_command, block=False),
    CallbackQueryHandler(
        learning_button,
        pattern=callbacks.pattern(callbacks.LEARN),
        block=False,
    ),
]
