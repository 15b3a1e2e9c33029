"""Small helpers every handler module uses."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Chat, Message, Update, User
from telegram.error import BadRequest

from i18n import language_for
from quiz.states import QuizMode
from services.context import BotContext
from services.start_request import QuizCommand, StartRequest

log = logging.getLogger(__name__)


async def acknowledge(query: CallbackQuery, text: str | None = None) -> None:
    """Answer a callback query; a replayed one (Telegram no longer takes an answer for it)
    must not stop the handler from finishing its work."""
    try:
        await query.answer(text)
    except BadRequest as exc:
        if "query is too old" not in exc.message.lower():
            raise
        log.info("Callback query %s expired before we answered it", query.id)


def tapped_message(query: CallbackQuery) -> Message | None:
    """The message the tap was on, if one of its buttons carries exactly this data.

    A modified client can send any data from any of the bot's messages; a handler that edits
    or deletes the message it got would otherwise rewrite a quiz or its feedback."""
    message = query.message if isinstance(query.message, Message) else None
    if message is None or message.reply_markup is None:
        return None
    for row in message.reply_markup.inline_keyboard:
        if any(button.callback_data == query.data for button in row):
            return message
    log.warning("Refused callback data %r on message %s", query.data, message.message_id)
    return None


def display_name(user: User) -> str:
    return user.full_name or (f"@{user.username}" if user.username else str(user.id))


async def lang_of(update: Update, context: BotContext) -> str:
    """The chat's /lang choice, else the user's Telegram language, else English."""
    chat, user = update.effective_chat, update.effective_user
    if chat is not None:
        chosen = (await context.chat_settings.effective(chat.id)).lang
        if chosen is not None:
            return chosen
    return language_for(user.language_code if user else None)


def thread_of(message: Message) -> int | None:
    """The forum topic a message belongs to, if any (replies carry it only in topics)."""
    return message.message_thread_id if message.is_topic_message else None


def start_request(
    message: Message,
    chat: Chat,
    user: User,
    lang: str,
    *,
    command: QuizCommand | None = None,
    request_key: str | None = None,
    mode: QuizMode | None = None,
) -> StartRequest:
    """`user`'s request for a quiz in the chat and topic of `message`. `request_key`
    identifies the request when it is not the command message (a tap, a deep link), so that
    a re-delivered update is a no-op."""
    return StartRequest(
        chat_id=chat.id,
        chat_type=chat.type,
        thread_id=thread_of(message),
        user_id=user.id,
        message_id=message.message_id,
        lang=lang,
        key=request_key or f"{chat.id}:{message.message_id}",
        command=command or QuizCommand(None, ""),
        mode=mode,
    )


async def start_quiz_here(
    context: BotContext,
    message: Message,
    chat: Chat,
    user: User,
    lang: str,
    command: QuizCommand,
    *,
    request_key: str | None = None,
    mode: QuizMode | None = None,
) -> None:
    """Start a quiz for `user` in the chat and topic of `message`: every way a quiz starts
    (a command, a button) goes through the same start checks."""
    request = start_request(
        message, chat, user, lang, command=command, request_key=request_key, mode=mode
    )
    await context.opening.start(request)
