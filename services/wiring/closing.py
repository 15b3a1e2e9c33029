"""The quiz's way out and its games: closing, feedback, deadlines, live games, recovery."""

from __future__ import annotations

from dataclasses import dataclass

from services import (
    chat_settings,
    documents,
    learning,
    library_board,
    local_library,
    waiting,
)
from services.context import Services
from services.membership import Membership
from services.presenter import Presenter
from services.quiz import posting, verify
from services.quiz.answers import QuizAnswers
from services.quiz.closing import QuizClosing
from services.quiz.common import DEADLINE, LIVE_STEP, ModelRequests, QuizLeases, QuizTimers
from services.quiz.deadlines import Deadlines
from services.quiz.delivery import FeedbackDelivery
from services.quiz.live import LiveGame
from services.quiz.live_board import LiveBoard
from services.quiz.lookup import QuizLookup
from services.quiz.telegram_presenter import TelegramPresenter
from services.recovery import Recovery
from services.wiring.common import Spawn, told


@dataclass(frozen=True)
class ClosingStages:
    """The quiz's way out and its games, as one process's presenter shows them."""

    closing: QuizClosing
    deadlines: Deadlines
    live: LiveGame
    board: LiveBoard
    lookup: QuizLookup
    answers: QuizAnswers
    membership: Membership
    leases: QuizLeases


@dataclass(frozen=True)
class ClosingFeatures(ClosingStages):
    recovery: Recovery


def build_closing(svc: Services, ui: TelegramPresenter, spawn: Spawn) -> ClosingFeatures:
    """The closing stages, the start-up recovery, and what runs when a quiz's timer is due
    or a live game's answers are stored."""
    stages = closing_stages(svc, ui)
    stages.live.subscribe(svc.events, spawn)
    if svc.timers is not None:
        svc.timers.on(DEADLINE, told(ui, stages.deadlines.reached))
        svc.timers.on(LIVE_STEP, told(ui, stages.live.step))
    recovery = Recovery(
        quizzes=svc.repo.quizzes,
        ui=ui,
        leases=stages.leases,
        closing=stages.closing,
        answers=stages.answers,
        post_questions=lambda quiz_id: posting.post_questions(ui, svc, quiz_id),
        start_waiting=lambda: waiting.start_waiting(ui, svc, None, restarted=True),
    )
    return ClosingFeatures(**vars(stages), recovery=recovery)


def closing_stages(svc: Services, ui: Presenter) -> ClosingStages:
    """The closing stages over the given presenter (tests record one); nothing is
    subscribed or registered."""
    repo = svc.repo
    leases, timers = QuizLeases(leases=svc.leases), QuizTimers(timers=svc.timers)
    board = LiveBoard(quizzes=repo.quizzes, questions=repo.questions, answers=repo.answers, ui=ui)
    closing = _quiz_closing(svc, ui, leases, timers, board)
    return ClosingStages(
        closing=closing,
        deadlines=Deadlines(
            quizzes=repo.quizzes,
            ui=ui,
            timers=timers,
            chat_settings=lambda chat_id: chat_settings.effective(svc, chat_id),
            finish=closing.finish,
            clock=lambda: svc.clock(),
        ),
        live=LiveGame(
            quizzes=repo.quizzes,
            questions=repo.questions,
            answers=repo.answers,
            ui=ui,
            board=board,
            timers=timers,
            locks=svc.live_locks,
            finish=closing.finish,
            clock=lambda: svc.clock(),
            live_seconds=svc.settings.quiz_live_seconds,
        ),
        board=board,
        lookup=QuizLookup(quizzes=repo.quizzes, polls=repo.polls),
        answers=QuizAnswers(
            questions=repo.questions,
            answers=repo.answers,
            writer=svc.answer_writer,
            clock=lambda: svc.clock(),
        ),
        membership=Membership(
            quizzes=repo.quizzes, chat_memory=repo.chat_memory, clock=lambda: svc.clock()
        ),
        leases=leases,
    )


def _quiz_closing(
    svc: Services, ui: Presenter, leases: QuizLeases, timers: QuizTimers, board: LiveBoard
) -> QuizClosing:
    repo = svc.repo
    requests = ModelRequests(
        stores=lambda chat_id: documents.quiz_stores(svc, chat_id),
        review_of=lambda quiz: learning.review_request(svc, quiz),
        language=lambda quiz: verify.quiz_language(svc, quiz),
        passages=lambda chat_id, topic, n: local_library.passages(svc, chat_id, topic, n),
    )
    delivery = FeedbackDelivery(
        quizzes=repo.quizzes,
        questions=repo.questions,
        answers=repo.answers,
        ui=ui,
        engine=svc.engine,
        leases=leases,
        locks=svc.locks,
        events=svc.events,
        board=board,
        request=requests.of,
        extras=lambda quiz: library_board.feedback_extras(svc, quiz),
        submit_attempts=svc.settings.quiz_submit_attempts,
    )
    return QuizClosing(
        quizzes=repo.quizzes,
        questions=repo.questions,
        answers=repo.answers,
        ui=ui,
        participants=svc.participants,
        answer_writer=svc.answer_writer,
        leases=leases,
        live_locks=svc.live_locks,
        timers=timers,
        writing=svc.writing,
        events=svc.events,
        board=board,
        delivery=delivery,
        # Looked up at each call: tests move the services' clock.
        clock=lambda: svc.clock(),
    )
