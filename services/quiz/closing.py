"""Closing: the quiz stops taking answers, shows the results, and gets the model's feedback.

`QuizClosing.finish` wins the open → submitting race once however many callers race it (an
answer completing the quiz, /stop, the finish button, the deadline); its `FeedbackDelivery`
(services/quiz/delivery.py) submits the answers and posts the feedback exactly once, across
crashes too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from i18n import tr
from quiz.render import POLL
from quiz.results import leaderboard_html
from quiz.scoring import build_submission, standings
from quiz.states import QuizState, SubmissionStatus
from services.events import EventBus, QuizClosed
from services.keyed_locks import Locks
from services.quiz.answer_batch import AnswerWriter
from services.quiz.common import (
    QuizLeases,
    QuizTimers,
    is_group,
    is_private,
)
from services.quiz.delivery import FeedbackDelivery, posted_only
from services.quiz.live_board import LiveBoard
from services.quiz.participants import Participants
from services.quiz.presenter import Presenter
from services.writing import ModelWriting
from storage import QuizRow
from storage.answers import AnswerStore
from storage.questions import QuestionStore
from storage.quizzes import QuizStore

log = logging.getLogger(__name__)

# The longest a close waits for the membership checks of answers already received.
VERDICT_WAIT = 10.0


class QuizClosing:
    def __init__(
        self,
        *,
        quizzes: QuizStore,
        questions: QuestionStore,
        answers: AnswerStore,
        ui: Presenter,
        participants: Participants,
        answer_writer: AnswerWriter,
        leases: QuizLeases,
        live_locks: Locks,
        timers: QuizTimers,
        writing: ModelWriting,
        events: EventBus,
        board: LiveBoard,
        delivery: FeedbackDelivery,
        clock: Callable[[], float],
    ) -> None:
        self._quizzes = quizzes
        self._questions = questions
        self._answers = answers
        self._ui = ui
        self._participants = participants
        self._answer_writer = answer_writer
        self._leases = leases
        # Serialises a live game's steps (an answer, its timer, /stop): one question open.
        self._live_locks = live_locks
        self._timers = timers
        self._writing = writing
        self._events = events
        self._board = board
        self.delivery = delivery
        self._clock = clock

    async def finish(self, quiz_id: int, status: SubmissionStatus) -> bool:
        """Close the quiz and deliver the feedback; False if someone else closed it first."""
        # Votes cast before the close count: the ones whose sender is being asked about,
        # then the batch they joined (updates are handled concurrently, so /stop may come
        # first).
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(VERDICT_WAIT):
                await self._participants.settled(quiz_id)
        await self._answer_writer.flush()
        # Taken before the quiz leaves `open`: no starting worker sees it submitting unheld.
        async with self._leases.close(quiz_id) as mine:
            if not mine:
                return False
            # A live game's step holds this while it posts a question: none goes out after
            # the close.
            async with self._live_locks.hold(quiz_id):
                if not await self._quizzes.begin_submission(quiz_id, status, self._clock()):
                    return False
                await self._timers.disarm(quiz_id)
            # A streamed quiz whose model is still writing: no question is stored from now
            # on, but one may be on its way to the chat (closed below with the rest), and
            # the answers can go only to a finished call.
            await self._writing.ended(quiz_id)
            async with self._live_locks.hold(quiz_id):
                quiz = await self._quizzes.quiz(quiz_id)
                assert quiz is not None
                await self.close_questions(quiz)
            await self._results_beside_feedback(quiz)
        return True

    async def resume(self, quiz_id: int) -> None:
        """After a restart: redo the steps of the close a crash left undone (each question's
        close and the results are marked once done), then get the feedback. Not while
        another live worker closes it (its lease runs out if it died)."""
        async with self._leases.close(quiz_id) as mine:
            if not mine:
                log.info("Quiz %s: another worker is closing it", quiz_id)
                return
            quiz = await self._quizzes.quiz(quiz_id)
            if quiz is None or quiz.state != QuizState.SUBMITTING:
                return
            stored = await self._questions.of_quiz(quiz_id)
            if any(sq.message_id is not None and not sq.live_closed for sq in stored):
                await self.close_questions(quiz)
            await self._results_once(quiz)
            await self.delivery.deliver(quiz_id, resumed=True)

    async def deliver_feedback(self, quiz_id: int, *, resumed: bool = False) -> None:
        """Submit the answers once and post the model's feedback once (see
        `FeedbackDelivery.deliver`)."""
        await self.delivery.deliver(quiz_id, resumed=resumed)

    async def _results_once(self, quiz: QuizRow) -> None:
        if await self._quizzes.results_posted(quiz.id):
            return
        if quiz.is_live:
            await self._board.post_podium(quiz)
        elif is_group(quiz):
            await self.post_results(quiz)
        await self._quizzes.mark_results_posted(quiz.id)

    async def close_questions(self, quiz: QuizRow) -> None:
        """Stop open polls and reveal keyboard questions (which also removes their buttons)."""
        stored = await self._questions.of_quiz(quiz.id)
        private_done = is_private(quiz) and quiz.status == SubmissionStatus.COMPLETED
        if quiz.status_message_id is not None and is_group(quiz):
            await self._ui.remove_finish_button(quiz)
            # Done once: a restart after a crash mid-close does not edit the header again.
            await self._quizzes.set_status_message(quiz.id, None)
        for sq in stored:
            # A live game's earlier questions were closed as it moved past them.
            if sq.message_id is None or sq.live_closed:
                continue
            if sq.style == POLL:
                # In a finished private quiz every poll is answered; stopping them is noise.
                # A poll whose close_date has passed was closed by Telegram (a 400 if asked).
                closed = sq.close_date is not None and sq.close_date <= self._clock()
                if not private_done and not closed:
                    await self._ui.stop_poll(quiz, sq)
            else:
                answered = await self._answers.answer_count(quiz.id, index=sq.index)
                await self._ui.reveal(quiz, sq, len(stored), answered)
            # Marked once done: a restart after a crash mid-close redoes only what is left.
            await self._questions.close_live_question(quiz.id, sq.index)

    async def post_results(self, quiz: QuizRow) -> None:
        """The leaderboard, from our own data, before the model's words."""
        parsed, _ = posted_only(*await self._questions.load_quiz(quiz.id, quiz.title))
        answers = await self._answers.of_quiz(quiz.id)
        names = await self._answers.participant_names(quiz.id)
        table = standings(parsed, answers, names, quiz.opened_at or quiz.created_at)
        per_question = [
            (q["correct_count"], q["answered"])
            for q in build_submission(parsed, SubmissionStatus.STOPPED, answers, names)["questions"]
        ]
        text = leaderboard_html(
            tr(quiz.lang, "results_header", title=parsed.title),
            table,
            len(parsed.questions),
            per_question,
            no_answers=tr(quiz.lang, "no_answers"),
            more=tr(quiz.lang, "more_players"),
        )
        await self._ui.results(quiz, text)

    async def _results_beside_feedback(self, quiz: QuizRow) -> None:
        """The questions the chat saw are final: the model starts on the answers now, while
        the results are posted (which may wait for the chat's pace); its feedback follows
        them. The delivery runs under this close's lease (a task of its own cannot take it
        again)."""
        shown = asyncio.Event()
        delivery = asyncio.ensure_future(
            self.delivery.deliver(quiz.id, after=shown.wait, leased=True)
        )
        try:
            await self._events.publish(QuizClosed(quiz))
            await self._results_once(quiz)
        except BaseException:
            # The feedback is left to the retry button or the next start, which look for a
            # submission already made.
            delivery.cancel()
            await asyncio.wait([delivery])
            if not delivery.cancelled():
                delivery.exception()  # retrieved: the close's own failure is the one reported
            raise
        shown.set()
        await delivery

    async def stop(self, quiz: QuizRow) -> None:
        """End a live quiz now: cancel one still being written, close and submit an open one."""
        if quiz.state == QuizState.GENERATING:
            if await self._quizzes.set_state(
                quiz.id, QuizState.CANCELLED, only_from=(QuizState.GENERATING,)
            ):
                await self._ui.notice(quiz, "cancelled")
            return
        if quiz.state == QuizState.SUBMITTING:
            # The answers may have reached the model before the last attempt failed; a close
            # a crash cut short (this /stop replayed after it) has its missing steps redone.
            await self.resume(quiz.id)
            return
        await self.finish(quiz.id, SubmissionStatus.STOPPED)

    async def cancel_stuck(self, quiz: QuizRow) -> bool:
        """Close a quiz whose feedback keeps failing, without it (its starter or an admin
        asked); False if it was no longer waiting for its feedback."""
        # After an attempt under way: its feedback, if it comes, is posted rather than lost.
        async with self.delivery.lock(quiz.id):
            return await self.delivery.give_up(quiz, "stuck_quiz_cancelled")
