"""After a restart, pick up every quiz where the last process left it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram.error import TelegramError

from engine import EngineError
from quiz.states import QuizState, SubmissionStatus
from services.errors import UserFacingError
from services.presenter import Presenter
from services.quiz.answers import QuizAnswers
from services.quiz.closing import QuizClosing
from services.quiz.common import QuizLeases
from storage import QuizRow
from storage.quizzes import QuizStore

log = logging.getLogger(__name__)


class Recovery:
    def __init__(
        self,
        *,
        quizzes: QuizStore,
        ui: Presenter,
        leases: QuizLeases,
        closing: QuizClosing,
        answers: QuizAnswers,
        post_questions: Callable[[int], Awaitable[None]],
        start_waiting: Callable[[], Awaitable[None]],
        clock: Callable[[], float],
        recover_documents: Callable[[], Awaitable[None]],
    ) -> None:
        self._quizzes = quizzes
        self._ui = ui
        self._leases = leases
        self._closing = closing
        self._answers = answers
        # Posts a quiz's questions whose message id never reached the database (posting).
        self._post_questions = post_questions
        # Starts (or answers) every chat's quizzes waiting for a document (waiting).
        self._start_waiting = start_waiting
        # Built as the process starts: a quiz created since is this process's own (a /quiz
        # handled before the recovery job ran), not one the last process left.
        self._started = clock()
        # Fails the documents a dead process left busy that nothing will take over (docs).
        self._recover_documents = recover_documents

    async def recover(self) -> None:
        # A quiz being written when the process died: its model call is gone with it, and
        # the user may have moved on, so close it and say so rather than leave it hanging.
        # One that a live worker (or a task of this one) is writing is left to it.
        for quiz in await self._left(QuizState.GENERATING):
            async with self._leases.write(quiz.id) as mine:
                if mine:
                    await self._interrupted(quiz)
                else:
                    log.info("Quiz %s: another worker is writing it", quiz.id)
        # A group's deadline needs nothing here: its timer is in the database, and fires at
        # once if it passed while no process ran.
        for quiz in await self._left(QuizState.OPEN):
            await self._reopen(quiz)
        for quiz in await self._left(QuizState.SUBMITTING):
            # The close may have been cut short too: its missing steps are redone first
            # (unless another live worker is closing it now: see QuizClosing.resume).
            await _safely_close(self._closing.resume(quiz.id), quiz.id)
        await self._recover_documents()
        # Last, as it may write a whole quiz: a /quiz that was waiting for a document, whose
        # indexing (or transfer) the old process did not see to its end, starts if the
        # document is ready now; else the person is told.
        await self._start_waiting()

    async def _left(self, state: QuizState) -> list[QuizRow]:
        """The quizzes in `state` created before this process started."""
        quizzes = await self._quizzes.quizzes_in_state(state)
        return [quiz for quiz in quizzes if quiz.created_at < self._started]

    async def _reopen(self, quiz: QuizRow) -> None:
        async with self._leases.write(quiz.id) as mine:
            if not mine:
                log.info("Quiz %s: another worker is writing it", quiz.id)
                return
        if quiz.writing:
            # The stream that was writing its last questions died with the old process: the
            # quiz goes on with the questions already posted.
            await self._quizzes.finish_writing(quiz.id)
        # Questions whose message id never reached the database are sent now.
        try:
            await self._post_questions(quiz.id)
        except TelegramError as exc:
            log.warning("Quiz %s: could not re-post questions: %s", quiz.id, exc)
        # Its last answer was committed just before the old process died, before it could
        # close the quiz: nobody would answer again, so it closes now (a live game's step
        # above did that already).
        fresh = await self._quizzes.quiz(quiz.id)
        live_or_closed = fresh is None or not fresh.is_open or fresh.is_live
        if fresh is not None and not live_or_closed and await self._answers.all_done(fresh):
            await _safely_close(self._closing.finish(quiz.id, SubmissionStatus.COMPLETED), quiz.id)

    async def _interrupted(self, quiz: QuizRow) -> None:
        if await self._quizzes.set_state(
            quiz.id,
            QuizState.FAILED,
            error="interrupted by restart",
            only_from=(QuizState.GENERATING,),
        ):
            try:
                await self._ui.notice(quiz, "interrupted")
            except TelegramError as exc:
                log.info("Quiz %s: could not tell chat about the restart: %s", quiz.id, exc)


async def _safely_close(closing_steps: Awaitable[object], quiz_id: int) -> None:
    try:
        await closing_steps
    except (UserFacingError, EngineError, TelegramError) as exc:
        log.warning("Quiz %s: feedback still pending after restart: %s", quiz_id, exc)
