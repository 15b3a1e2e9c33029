"""After a restart, pick up every quiz where the last process left it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable

from telegram.error import TelegramError

from engine import EngineError
from quiz.states import QuizState, SubmissionStatus
from services import waiting
from services.context import Services
from services.errors import UserFacingError
from services.quiz import answers, closing, posting
from services.quiz.common import write_lease
from services.quiz.telegram_presenter import TelegramPresenter
from storage import QuizRow

log = logging.getLogger(__name__)


async def recover(ui: TelegramPresenter, svc: Services) -> None:
    # A quiz being written when the process died: its model call is gone with it, and the
    # user may have moved on, so close it and say so rather than leave it hanging. One that
    # a live worker (or a task of this one) is writing is left to it.
    for quiz in await svc.repo.quizzes.quizzes_in_state(QuizState.GENERATING):
        async with write_lease(svc, quiz.id) as mine:
            if mine:
                await _interrupted(ui, svc, quiz)
            else:
                log.info("Quiz %s: another worker is writing it", quiz.id)
    # A group's deadline needs nothing here: its timer is in the database, and fires at once
    # if it passed while no process ran.
    for quiz in await svc.repo.quizzes.quizzes_in_state(QuizState.OPEN):
        async with write_lease(svc, quiz.id) as mine:
            if not mine:
                log.info("Quiz %s: another worker is writing it", quiz.id)
                continue
        if quiz.writing:
            # The stream that was writing its last questions died with the old process: the
            # quiz goes on with the questions already posted.
            await svc.repo.quizzes.finish_writing(quiz.id)
        # Questions whose message id never reached the database are sent now.
        try:
            await posting.post_questions(ui, svc, quiz.id)
        except TelegramError as exc:
            log.warning("Quiz %s: could not re-post questions: %s", quiz.id, exc)
        # Its last answer was committed just before the old process died, before it could
        # close the quiz: nobody would answer again, so it closes now (a live game's step
        # above did that already).
        fresh = await svc.repo.quizzes.quiz(quiz.id)
        live_or_closed = fresh is None or not fresh.is_open or fresh.is_live
        if fresh is not None and not live_or_closed and await answers.all_done(svc, fresh):
            await _safely_close(
                closing.finish_quiz(ui, svc, quiz.id, SubmissionStatus.COMPLETED), quiz.id
            )
    for quiz in await svc.repo.quizzes.quizzes_in_state(QuizState.SUBMITTING):
        # The close may have been cut short too: its missing steps are redone first (unless
        # another live worker is closing it now: see closing.resume).
        await _safely_close(closing.resume(ui, svc, quiz.id), quiz.id)
    # Last, as it may write a whole quiz: a /quiz that was waiting for a document, whose
    # indexing the old process did not see to its end, starts if the document is ready now;
    # else the person is told.
    await waiting.start_waiting(ui, svc, None, restarted=True)


async def _interrupted(ui: TelegramPresenter, svc: Services, quiz: QuizRow) -> None:
    if await svc.repo.quizzes.set_state(
        quiz.id, QuizState.FAILED, error="interrupted by restart", only_from=(QuizState.GENERATING,)
    ):
        try:
            await ui.notice(quiz, "interrupted")
        except TelegramError as exc:
            log.info("Quiz %s: could not tell chat about the restart: %s", quiz.id, exc)


async def _safely_close(closing_steps: Awaitable[object], quiz_id: int) -> None:
    try:
        await closing_steps
    except (UserFacingError, EngineError, TelegramError) as exc:
        log.warning("Quiz %s: feedback still pending after restart: %s", quiz_id, exc)
