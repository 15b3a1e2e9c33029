"""The Presenter that talks to Telegram: the one place the lifecycle's messages are sent."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Message, Poll
from telegram.constants import ChatType, ParseMode, PollLimit
from telegram.error import BadRequest, TelegramError

from i18n import tr
from quiz import callbacks
from quiz.feedback import html_to_plain
from quiz.render import POLL, keyboard_buttons, keyboard_text, poll_spec
from services.chat_action import keep_typing
from services.chat_messages import ChatMessages, deep_link
from services.quiz.presenter import Posted
from storage import QuizRow, StoredQuestion

log = logging.getLogger(__name__)


def _thread(quiz: QuizRow) -> int | None:
    return quiz.thread_id or None


def _finish_markup(quiz: QuizRow) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tr(quiz.lang, "finish_button"), callback_data=callbacks.finish_data(quiz.id)
                )
            ]
        ]
    )


def _keyboard(quiz_id: int, sq: StoredQuestion) -> InlineKeyboardMarkup:
    rows = keyboard_buttons(quiz_id, sq.index, sq.question, sq.order)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows]
    )


class TelegramPresenter(ChatMessages):
    def typing(self, quiz: QuizRow) -> AbstractAsyncContextManager[None]:
        return keep_typing(self.bot, quiz.chat_id, _thread(quiz))

    async def status(self, quiz: QuizRow, html: str) -> int:
        message = await self.bot.send_message(
            quiz.chat_id, html, parse_mode=ParseMode.HTML, message_thread_id=_thread(quiz)
        )
        return message.message_id

    async def header(
        self, quiz: QuizRow, html: str, *, status_message_id: int | None, finish_button: bool
    ) -> None:
        markup = _finish_markup(quiz) if finish_button else None
        if status_message_id is not None:
            await self.bot.edit_message_text(
                html,
                quiz.chat_id,
                status_message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        else:
            await self.bot.send_message(
                quiz.chat_id,
                html,
                parse_mode=ParseMode.HTML,
                message_thread_id=_thread(quiz),
                reply_markup=markup,
            )

    async def update_header(
        self, quiz: QuizRow, html: str, status_message_id: int, finish_button: bool
    ) -> None:
        try:
            await self.bot.edit_message_text(
                html,
                quiz.chat_id,
                status_message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=_finish_markup(quiz) if finish_button else None,
            )
        except BadRequest as exc:
            log.info("Quiz %s: header not updated: %s", quiz.id, exc.message)

    async def _send_poll(
        self,
        quiz: QuizRow,
        sq: StoredQuestion,
        total: int,
        close_date: int | None,
        open_period: int | None = None,
    ) -> Message:
        spec = poll_spec(sq.question, sq.order)
        numbered = f"{sq.index + 1}/{total}. {spec.question}"
        return await self.bot.send_poll(
            quiz.chat_id,
            numbered if len(numbered) <= PollLimit.MAX_QUESTION_LENGTH else spec.question,
            list(spec.options),
            is_anonymous=False,
            type=Poll.QUIZ,
            # PTB types an option id as Literal[0..11]; validation keeps it in range.
            correct_option_ids=[spec.correct_option_id],  # type: ignore[list-item]
            explanation=spec.explanation,
            description=spec.description or None,
            description_parse_mode=ParseMode.HTML if spec.description else None,
            # Quiz polls default to no revoting; said explicitly so that stays so.
            allows_revoting=False,
            # Exam mode: nobody sees how the others voted until the poll closes.
            hide_results_until_closes=quiz.exam or None,
            close_date=close_date,
            open_period=open_period,
            message_thread_id=_thread(quiz),
        )

    async def question(
        self, quiz: QuizRow, sq: StoredQuestion, total: int, close_date: int | None
    ) -> Posted:
        message: Message
        if sq.style == POLL:
            try:
                message = await self._send_poll(quiz, sq, total, close_date)
            except BadRequest as exc:
                if close_date is None:
                    raise
                # Held back longer than the margin (a 429's retry_after): the poll is worth
                # more than Telegram's countdown, and a refused request was not sent.
                log.warning(
                    "Quiz %s: poll %s refused with a close_date (%s); sent without",
                    quiz.id,
                    sq.index,
                    exc.message,
                )
                close_date = None
                message = await self._send_poll(quiz, sq, total, None)
            poll_id = message.poll.id if message.poll else None
            return Posted(message.message_id, poll_id, close_date)
        message = await self.bot.send_message(
            quiz.chat_id,
            keyboard_text(sq.question, sq.order, sq.index + 1, total),
            parse_mode=ParseMode.HTML,
            reply_markup=_keyboard(quiz.id, sq),
            message_thread_id=_thread(quiz),
        )
        return Posted(message.message_id)

    async def live_question(
        self, quiz: QuizRow, sq: StoredQuestion, total: int, seconds: int
    ) -> Posted:
        if sq.style == POLL:
            message = await self._send_poll(quiz, sq, total, None, open_period=seconds)
            poll = message.poll
            closes = poll.close_date if poll else None
            return Posted(
                message.message_id,
                poll.id if poll else None,
                None if closes is None else int(closes.timestamp()),
            )
        text = keyboard_text(sq.question, sq.order, sq.index + 1, total)
        message = await self.bot.send_message(
            quiz.chat_id,
            text + "\n\n" + tr(quiz.lang, "live_countdown", seconds=seconds),
            parse_mode=ParseMode.HTML,
            reply_markup=_keyboard(quiz.id, sq),
            message_thread_id=_thread(quiz),
        )
        return Posted(message.message_id)

    async def standings(self, quiz: QuizRow, html: str, message_id: int | None) -> int:
        if message_id is not None:
            try:
                await self.bot.edit_message_text(
                    html, quiz.chat_id, message_id, parse_mode=ParseMode.HTML
                )
                return message_id
            except BadRequest as exc:
                # Unchanged (nobody scored), or deleted by a member: posted again only then.
                if "not modified" in exc.message.lower():
                    return message_id
                log.info("Quiz %s: standings not edited: %s", quiz.id, exc.message)
        message = await self.bot.send_message(
            quiz.chat_id, html, parse_mode=ParseMode.HTML, message_thread_id=_thread(quiz)
        )
        return message.message_id

    async def podium(self, quiz: QuizRow, html: str) -> None:
        await self.results(quiz, html)

    async def remove_finish_button(self, quiz: QuizRow) -> None:
        if quiz.status_message_id is None:
            return
        try:
            await self.bot.edit_message_reply_markup(quiz.chat_id, quiz.status_message_id)
        except BadRequest as exc:
            log.info("Quiz %s: finish button not removed: %s", quiz.id, exc.message)

    async def stop_poll(self, quiz: QuizRow, sq: StoredQuestion) -> None:
        assert sq.message_id is not None
        try:
            await self.bot.stop_poll(quiz.chat_id, sq.message_id)
        except BadRequest as exc:
            # Already closed, deleted by a member: the quiz still finishes.
            log.info("Quiz %s question %s not closed: %s", quiz.id, sq.index, exc.message)

    async def reveal(self, quiz: QuizRow, sq: StoredQuestion, total: int, answered: int) -> None:
        assert sq.message_id is not None
        try:
            await self.bot.edit_message_text(
                keyboard_text(
                    sq.question, sq.order, sq.index + 1, total, answered=answered, reveal=True
                ),
                quiz.chat_id,
                sq.message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=None,
            )
        except BadRequest as exc:
            # Deleted by a member, or unchanged: the quiz still finishes.
            log.info("Quiz %s question %s not closed: %s", quiz.id, sq.index, exc.message)

    async def results(self, quiz: QuizRow, html: str) -> None:
        await self.bot.send_message(
            quiz.chat_id, html, parse_mode=ParseMode.HTML, message_thread_id=_thread(quiz)
        )

    async def feedback(
        self, quiz: QuizRow, chunks: Sequence[str], buttons: Sequence[tuple[str, str]] = ()
    ) -> None:
        row = [InlineKeyboardButton(label, callback_data=data) for label, data in buttons]
        # The model's text is no channel: no preview card of a link it (or a name) wrote.
        no_preview = LinkPreviewOptions(is_disabled=True)
        for n, chunk in enumerate(chunks, start=1):
            markup = InlineKeyboardMarkup([row]) if row and n == len(chunks) else None
            try:
                await self.bot.send_message(
                    quiz.chat_id,
                    chunk,
                    parse_mode=ParseMode.HTML,
                    message_thread_id=_thread(quiz),
                    reply_markup=markup,
                    link_preview_options=no_preview,
                )
            except BadRequest as exc:
                if "entit" not in exc.message.lower():
                    raise
                log.warning("Telegram refused our HTML (%s); sending plain text", exc.message)
                await self.bot.send_message(
                    quiz.chat_id,
                    html_to_plain(chunk),
                    message_thread_id=_thread(quiz),
                    reply_markup=markup,
                    link_preview_options=no_preview,
                )

    async def draft(self, quiz: QuizRow, draft_id: int, text: str) -> bool:
        if quiz.chat_type != ChatType.PRIVATE:
            return False  # Telegram takes drafts in private chats only
        try:
            return await self.bot.send_message_draft(
                quiz.chat_id, draft_id, text, message_thread_id=_thread(quiz)
            )
        except TelegramError as exc:
            # A 400 (or a 429: drafts share the flood limits) ends this feedback's drafts.
            log.warning("Quiz %s: draft refused (%s); sending the feedback whole", quiz.id, exc)
            return False

    async def notice(self, quiz: QuizRow, key: str, **values: Any) -> None:
        await self.bot.send_message(
            quiz.chat_id, tr(quiz.lang, key, **values), message_thread_id=_thread(quiz)
        )

    async def review_offer(
        self, quiz: QuizRow, text: str, button: str, *, in_private: bool
    ) -> None:
        if in_private:
            tap = InlineKeyboardButton(button, callback_data=callbacks.REVIEW_DATA)
        else:
            # A bot cannot write to someone first: the link opens the private chat.
            tap = InlineKeyboardButton(button, url=deep_link(self.bot))
        await self.bot.send_message(
            quiz.chat_id,
            text,
            message_thread_id=_thread(quiz),
            reply_markup=InlineKeyboardMarkup([[tap]]),
        )
