"""Posting: the quiz's header (with a group's rules) and every question not yet sent (a live
game's one at a time, services.quiz.live)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from html import escape

from telegram.constants import PollLimit

from i18n import tr
from quiz.render import POLL
from quiz.results import clock
from services.quiz.common import is_group
from services.quiz.presenter import Presenter
from storage import QuizRow
from storage.questions import QuestionStore
from storage.quizzes import QuizStore

# What a poll's request may take after its close_date is chosen, before Telegram checks it:
# the group's one-message-per-second pace (services.ratelimit) and the transit.
CLOSE_DATE_MARGIN = 2.0


class QuizPosting:
    def __init__(
        self,
        *,
        quizzes: QuizStore,
        questions: QuestionStore,
        ui: Presenter,
        clock: Callable[[], float],
        # A group quiz's deadline and head count, stored and its timer armed: the deadline.
        group_rules: Callable[[QuizRow], Awaitable[float]],
        # A live game moves on as far as it can (its next question, or its end).
        live_advance: Callable[[int], Awaitable[None]],
    ) -> None:
        self._quizzes = quizzes
        self._questions = questions
        self._ui = ui
        self._clock = clock
        self._group_rules = group_rules
        self._live_advance = live_advance

    def header_text(self, quiz: QuizRow, title: str, n: int) -> tuple[str, bool]:
        """The header's text and, in groups, its rules (with the time limit); whether it has
        the Finish button."""
        ready = tr(quiz.lang, "quiz_ready", title=escape(title), n=n)
        if quiz.is_live:
            rules = tr(quiz.lang, "live_rules", seconds=quiz.live_seconds or 0)
            return ready + "\n" + rules, is_group(quiz)
        if not is_group(quiz) or quiz.deadline is None:
            return ready, False
        # The deadline was rounded up to a whole second: the limit is its whole seconds.
        limit = int(quiz.deadline - (quiz.opened_at or self._clock()))
        return ready + "\n" + tr(quiz.lang, "group_rules", time=clock(limit)), True

    async def announce(
        self, quiz: QuizRow, title: str, n: int, status_message_id: int | None
    ) -> None:
        """Turn the "writing…" status into the quiz's header (with the group's rules)."""
        if quiz.is_live:
            if is_group(quiz):
                # No time limit for the whole game: each question has its own (services.live).
                await self._quizzes.set_closing_rules(
                    quiz.id, None, await self._ui.member_count(quiz.chat_id)
                )
        elif is_group(quiz):
            quiz = replace(quiz, deadline=await self._group_rules(quiz))
        text, finish_button = self.header_text(quiz, title, n)
        await self._ui.header(
            quiz, text, status_message_id=status_message_id, finish_button=finish_button
        )

    def close_date(self, quiz: QuizRow) -> int | None:
        """The quiz's deadline as Telegram's own countdown on a poll, when Telegram will
        surely accept it (at least MIN_OPEN_PERIOD ahead when it arrives). Otherwise none:
        the poll closes with the quiz, when the bot stops it at the deadline."""
        if quiz.deadline is None:
            return None
        date = int(quiz.deadline)
        ahead = date - self._clock()
        if PollLimit.MIN_OPEN_PERIOD + CLOSE_DATE_MARGIN <= ahead <= PollLimit.MAX_OPEN_PERIOD:
            return date
        return None

    async def post_questions(self, quiz_id: int) -> None:
        """Send every question not sent yet; each message id is stored before the next."""
        quiz = await self._quizzes.quiz(quiz_id)
        if quiz is None or not quiz.is_open:
            return
        if quiz.is_live:
            # One at a time: the next goes out only when the open one is over.
            await self._live_advance(quiz_id)
            return
        stored = await self._questions.of_quiz(quiz_id)
        # While streaming, fewer are stored than the quiz will have.
        total = max(len(stored), quiz.num_questions)
        for sq in stored:
            if sq.message_id is not None:
                continue
            # Chosen for each poll just before it goes out: a streamed quiz posts over time.
            countdown = self.close_date(quiz) if sq.style == POLL else None
            posted = await self._ui.question(quiz, sq, total, countdown)
            await self._questions.set_question_message(
                quiz_id, sq.index, posted.message_id, posted.poll_id, posted.close_date
            )
