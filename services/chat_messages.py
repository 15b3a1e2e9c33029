"""What the bot says in chats outside a quiz's own messages: /review's answers, a document's
progress, errors, notices. TelegramPresenter (services/quiz/telegram_presenter.py) builds on
this: one object, built once at start-up, holds every message the services send.

Handlers answering their own update may still `update.message.reply_*`; everything else
(services, jobs, recovery) talks to chats through the presenter, and downloads files through
`TelegramFiles`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from i18n import tr
from quiz import callbacks
from services.errors import UserFacingError
from services.permissions import is_chat_admin

log = logging.getLogger(__name__)


def deep_link(bot: Bot, payload: str = callbacks.DEEP_LINK_REVIEW) -> str:
    """Opens the private chat with the bot and sends /start `payload` (review by default)."""
    return f"https://t.me/{bot.username}?start={payload}"


class TooBigError(Exception):
    """Telegram says the file is larger than we take."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class TelegramFiles:
    """The one adapter for files users send: Telegram's file URLs hold the bot token, so
    they never leave this class."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def download(self, file_id: str, limit: int) -> bytes:
        """The file's bytes; TooBigError when Telegram says it is over `limit` (before
        anything is downloaded)."""
        tg_file = await self._bot.get_file(file_id)
        if tg_file.file_size is not None and tg_file.file_size > limit:
            raise TooBigError(tg_file.file_size)
        return bytes(await tg_file.download_as_bytearray())

    async def download_to(self, file_id: str, path: Path, limit: int) -> None:
        """The file into `path` (python-telegram-bot still reads it whole on the way);
        TooBigError when Telegram says it is over `limit` (before anything is downloaded)."""
        tg_file = await self._bot.get_file(file_id)
        if tg_file.file_size is not None and tg_file.file_size > limit:
            raise TooBigError(tg_file.file_size)
        await tg_file.download_to_drive(custom_path=path)


class ChatMessages:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.files = TelegramFiles(bot)

    async def member_count(self, chat_id: int) -> int | None:
        try:
            return await self.bot.get_chat_member_count(chat_id)
        except TelegramError as exc:
            log.info("Chat %s: no member count (%s)", chat_id, exc)
            return None

    async def is_admin(self, chat_id: int, user_id: int) -> bool:
        return await is_chat_admin(self.bot, chat_id, user_id)

    async def error(self, error: UserFacingError) -> None:
        """Show the error: edit the status message it names, else send it to the chat."""
        text = tr(error.lang, error.key, **error.values)
        markup = None
        if error.retry_quiz_id is not None:
            retry = callbacks.retry_data(error.retry_quiz_id)
            cancel = callbacks.cancel_data(error.retry_quiz_id)
            markup = InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(tr(error.lang, "try_again"), callback_data=retry),
                        InlineKeyboardButton(tr(error.lang, "cancel_quiz"), callback_data=cancel),
                    ]
                ]
            )
        try:
            if error.edit_message_id is not None:
                await self.bot.edit_message_text(
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
            await self.bot.send_message(
                error.chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                message_thread_id=error.thread_id,
            )
        except Forbidden:
            log.info("Chat %s blocked the bot; could not tell it %s", error.chat_id, error.key)

    async def say(
        self, chat_id: int, text: str, *, thread_id: int | None = None, html: bool = False
    ) -> None:
        """A message of its own in a chat (not an answer to an update there)."""
        await self.bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML if html else None,
            message_thread_id=thread_id,
        )

    async def reminder(self, chat_id: int, text: str, button: str) -> None:
        tap = InlineKeyboardButton(button, callback_data=callbacks.REVIEW_DATA)
        await self.bot.send_message(chat_id, text, reply_markup=InlineKeyboardMarkup([[tap]]))

    async def stats(
        self, chat_id: int, thread_id: int | None, png: bytes | None, html: str
    ) -> None:
        if png is None:
            # Nothing to draw: the words alone, not an empty chart.
            await self.bot.send_message(
                chat_id, html, parse_mode=ParseMode.HTML, message_thread_id=thread_id
            )
            return
        # The text goes along as the caption: notifications and screen readers get it.
        await self.bot.send_photo(
            chat_id,
            png,
            caption=html,
            parse_mode=ParseMode.HTML,
            message_thread_id=thread_id,
            filename="stats.png",
        )

    # /review

    async def review_in_private(self, chat_id: int, thread_id: int | None, lang: str) -> None:
        """Reviews are private: the button opens the private chat."""
        button = InlineKeyboardButton(tr(lang, "review_button_group"), url=deep_link(self.bot))
        await self.bot.send_message(
            chat_id,
            tr(lang, "review_in_private"),
            message_thread_id=thread_id,
            reply_markup=InlineKeyboardMarkup([[button]]),
        )

    async def no_cards(self, chat_id: int, lang: str) -> None:
        await self.bot.send_message(chat_id, tr(lang, "review_no_cards"), parse_mode=ParseMode.HTML)

    async def nothing_due(
        self, chat_id: int, text: str, lang: str, *, weakest_button: bool
    ) -> None:
        markup = None
        if weakest_button:
            tap = InlineKeyboardButton(
                tr(lang, "weakest_button"), callback_data=callbacks.WEAKEST_DATA
            )
            markup = InlineKeyboardMarkup([[tap]])
        await self.bot.send_message(chat_id, text, reply_markup=markup)

    # documents

    async def document_status(
        self, chat_id: int, thread_id: int | None, reply_to: int, html: str
    ) -> int:
        """The document's progress message, answering the document; returns its id."""
        status = await self.bot.send_message(
            chat_id,
            html,
            parse_mode=ParseMode.HTML,
            message_thread_id=thread_id,
            reply_to_message_id=reply_to,
        )
        return status.message_id

    async def document_progress(self, chat_id: int, message_id: int, html: str) -> None:
        try:
            await self.bot.edit_message_text(html, chat_id, message_id, parse_mode=ParseMode.HTML)
        except BadRequest as exc:
            # Progress is a courtesy: a deleted or unchanged status must not stop the work.
            log.info("Document status not edited: %s", exc.message)

    async def document_status_again(self, chat_id: int, message_id: int, html: str) -> bool:
        """Show `html` on a document's earlier status message; False when it is gone (or
        cannot be edited any more)."""
        try:
            await self.bot.edit_message_text(html, chat_id, message_id, parse_mode=ParseMode.HTML)
        except BadRequest as exc:
            # Unchanged, it still shows where the document stands.
            return "not modified" in exc.message.lower()
        return True

    async def uploading(self, chat_id: int, thread_id: int | None) -> None:
        await self.bot.send_chat_action(
            chat_id, ChatAction.UPLOAD_DOCUMENT, message_thread_id=thread_id
        )

    async def reading(self, chat_id: int, thread_id: int | None) -> None:
        """While a document's text is taken out here, or a photo is read by the model."""
        await self.bot.send_chat_action(chat_id, ChatAction.TYPING, message_thread_id=thread_id)
