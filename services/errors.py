"""Domain failures that end as a message to the user, rendered in one place (`tell`): by
handlers.errors for handlers, and by background work (a quiz waiting for documents) itself."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from i18n import tr
from quiz import callbacks

log = logging.getLogger(__name__)


class UserFacingError(Exception):
    """Tell the user `key` (an i18n key) in `chat_id`, editing `edit_message_id` if given."""

    def __init__(
        self,
        key: str,
        *,
        chat_id: int,
        lang: str,
        thread_id: int | None = None,
        edit_message_id: int | None = None,
        retry_quiz_id: int | None = None,
        **values: Any,
    ) -> None:
        super().__init__(key)
        self.key = key
        self.chat_id = chat_id
        self.lang = lang
        self.thread_id = thread_id
        self.edit_message_id = edit_message_id
        self.retry_quiz_id = retry_quiz_id
        self.values = values


async def tell(bot: Bot, error: UserFacingError) -> None:
    """Show the error: edit the status message it names, else send it to the chat."""
    text = tr(error.lang, error.key, **error.values)
    markup = None
    if error.retry_quiz_id is not None:
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        tr(error.lang, "try_again"),
                        callback_data=callbacks.retry_data(error.retry_quiz_id),
                    ),
                    InlineKeyboardButton(
                        tr(error.lang, "cancel_quiz"),
                        callback_data=callbacks.cancel_data(error.retry_quiz_id),
                    ),
                ]
            ]
        )
    try:
        if error.edit_message_id is not None:
            await bot.edit_message_text(
                text,
                error.chat_id,
                error.edit_message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
            return
    except BadRequest as exc:
        log.info("Could not edit the status message (%s); sending a new one", exc.message)
    try:
        await bot.send_message(
            error.chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            message_thread_id=error.thread_id,
        )
    except Forbidden:
        log.info("Chat %s blocked the bot; could not tell it %s", error.chat_id, error.key)
