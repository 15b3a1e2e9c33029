"""After a restart, pick up every quiz where the last process left it."""

from __future__ import annotations

import logging

from telegram.error import TelegramError

from engine import EngineError
from quiz.states import QuizState
from services import waiting
from services.context import Services
from services.errors import UserFacingError
from services.quiz import closing, deadlines, posting
from services.quiz.telegram_presenter import TelegramPresenter

log = logging.getLogger(__name__)


async def recover(ui: TelegramPresenter, svc: Services) -> None:
    # A quiz being written when the process died: its model call is gone with it, and the
    # user may have moved on, so close it and say so rather than leave it hanging.
    for quiz in await svc.repo.quizzes_in_state(QuizState.GENERATING):
        if await svc.repo.set_state(
            quiz.id,
            QuizState.FAILED,
            error="interrupted by restart",
            only_from=(QuizState.GENERATING,),
        ):
            try:
                await ui.notice(quiz, "interrupted")
            except TelegramError as exc:
                log.info("Quiz %s: could not tell chat about the restart: %s", quiz.id, exc)
    for quiz in await svc.repo.quizzes_in_state(QuizState.OPEN):
        if quiz.writing:
            # The stream that was writing its last questions died with the old process: the
            # quiz goes on with the questions already posted.
            await svc.repo.finish_writing(quiz.id)
        # Questions whose message id never reached the database are sent now.
        try:
            await posting.post_questions(ui, svc, quiz.id)
        except TelegramError as exc:
            log.warning("Quiz %s: could not re-post questions: %s", quiz.id, exc)
        if quiz.deadline is not None:
            # A deadline that passed while we were down fires at once.
            deadlines.arm_deadline(svc, quiz.id, quiz.deadline)
    for quiz in await svc.repo.quizzes_in_state(QuizState.SUBMITTING):
        try:
            await closing.deliver_feedback(ui, svc, quiz.id, resumed=True)
        except (UserFacingError, EngineError, TelegramError) as exc:
            log.warning("Quiz %s: feedback still pending after restart: %s", quiz.id, exc)
    # Last, as it may write a whole quiz: a /quiz that was waiting for a document, whose
    # indexing the old process did not see to its end, starts if the document is ready now;
    # else the person is told.
    await waiting.start_waiting(ui, svc, None, restarted=True)
