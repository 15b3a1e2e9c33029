"""The one error handler: user-facing domain errors become messages; anything else is logged
with its traceback, and the person hears that something went wrong (never what)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError

from handlers.common import lang_of, thread_of
from i18n import language_for, tr
from services.context import BotContext
from services.errors import UserFacingError
from storage import DATABASE_ERRORS

log = logging.getLogger(__name__)


def _ids(update: object) -> str:
    # Ids only: message texts may hold personal data.
    if isinstance(update, Update):
        chat = update.effective_chat.id if update.effective_chat else None
        user = update.effective_user.id if update.effective_user else None
        return f"update {update.update_id} chat {chat} user {user}"
    return "no update"


async def error_handler(update: object, context: BotContext) -> None:
    """Tell the user about domain errors; log anything else with its traceback and say sorry."""
    error = context.error
    if isinstance(error, UserFacingError):
        await context.presenter.error(error)
        return
    if isinstance(error, BadRequest) and "query is too old" in error.message.lower():
        # A replayed callback (after a restart, or re-delivered): its answer was stored
        # once already and Telegram no longer takes an acknowledgement for it.
        log.info("Callback query expired (%s)", _ids(update))
        return
    if isinstance(error, Forbidden) and isinstance(update, Update) and update.effective_chat:
        # Blocked by the user or removed from the group: that chat's quizzes can't go on,
        # and every other chat is unaffected.
        chat_id = update.effective_chat.id
        cancelled = await context.quiz_lookup.cancel_chat_quizzes(chat_id, "forbidden")
        log.info("Chat %s refuses our messages; cancelled %d live quiz(zes)", chat_id, cancelled)
        return
    log.error("Unhandled error (%s)", _ids(update), exc_info=error)
    if isinstance(update, Update):
        await _sorry(update, context)


async def _sorry(update: Update, context: BotContext) -> None:
    """`internal_error`, once: as the tap's answer if it can still be given, else to the chat.

    Poll answers carry no chat (and a message per vote would flood a group)."""
    chat, query, message = update.effective_chat, update.callback_query, update.effective_message
    if chat is None:
        return
    try:
        lang = await lang_of(update, context)
    except DATABASE_ERRORS:
        lang = language_for(update.effective_user.language_code if update.effective_user else None)
    text = tr(lang, "internal_error")
    try:
        if query is not None:
            try:
                await query.answer(text, show_alert=True)
                return
            except BadRequest:
                log.info("Callback query %s answered already or expired", query.id)
        await context.presenter.say(
            chat.id, text, thread_id=thread_of(message) if message else None
        )
    except TelegramError as exc:
        log.info("Could not tell chat %s about the error: %s", chat.id, exc)
