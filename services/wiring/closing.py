"""The quiz's way out and its games: closing, feedback, deadlines, live games, recovery."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from services.chat_settings import EffectiveSettings
from services.context import Services
from services.membership import Membership
from services.presenter import Presenter
from services.quiz.answers import QuizAnswers
from services.quiz.closing import QuizClosing
from services.quiz.common import ModelRequests, QuizLeases, QuizTimers
from services.quiz.deadlines import Deadlines
from services.quiz.delivery import FeedbackDelivery
from services.quiz.live import LiveGame
from services.quiz.live_board import LiveBoard
from services.quiz.lookup import QuizLookup
from services.recovery import Recovery
from services.wiring.common import clock_of
from storage import QuizRow

Chosen = Callable[[int], Awaitable[EffectiveSettings]]
Extras = Callable[[QuizRow], Awaitable[tuple[list[str], list[tuple[str, str]]]]]


@dataclass(frozen=True, slots=True)
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
    timers: QuizTimers
    requests: ModelRequests
    recovery: Recovery


def closing_stages(
    svc: Services,
    ui: Presenter,
    *,
    chat_settings: Chosen,
    requests: ModelRequests,
    extras: Extras,
    post_questions: Callable[[int], Awaitable[None]],
    start_waiting: Callable[[], Awaitable[None]],
    recover_documents: Callable[[], Awaitable[None]],
) -> ClosingStages:
    """The closing stages over the given presenter; nothing is subscribed or registered
    (services/wiring/__init__.py attaches them)."""
    repo, clock = svc.repo, clock_of(svc)
    leases, timers = QuizLeases(leases=svc.leases), QuizTimers(timers=svc.timers)
    board = LiveBoard(quizzes=repo.quizzes, questions=repo.questions, answers=repo.answers, ui=ui)
    closing = _quiz_closing(svc, ui, leases, timers, board, requests, extras)
    answers = QuizAnswers(
        questions=repo.questions, answers=repo.answers, writer=svc.answer_writer, clock=clock
    )
    return ClosingStages(
        closing=closing,
        deadlines=Deadlines(
            quizzes=repo.quizzes,
            ui=ui,
            timers=timers,
            chat_settings=chat_settings,
            finish=closing.finish,
            clock=clock,
        ),
        live=_live_game(svc, ui, board, timers, closing),
        board=board,
        lookup=QuizLookup(quizzes=repo.quizzes, polls=repo.polls),
        answers=answers,
        membership=Membership(quizzes=repo.quizzes, chat_memory=repo.chat_memory, clock=clock),
        leases=leases,
        timers=timers,
        requests=requests,
        recovery=Recovery(
            quizzes=repo.quizzes,
            ui=ui,
            leases=leases,
            closing=closing,
            answers=answers,
            post_questions=post_questions,
            start_waiting=start_waiting,
            clock=clock,
            recover_documents=recover_documents,
        ),
    )


def _live_game(
    svc: Services, ui: Presenter, board: LiveBoard, timers: QuizTimers, closing: QuizClosing
) -> LiveGame:
    repo = svc.repo
    return LiveGame(
        quizzes=repo.quizzes,
        questions=repo.questions,
        answers=repo.answers,
        ui=ui,
        board=board,
        timers=timers,
        locks=svc.live_locks,
        finish=closing.finish,
        clock=clock_of(svc),
        live_seconds=svc.settings.quiz_live_seconds,
    )


def _quiz_closing(
    svc: Services,
    ui: Presenter,
    leases: QuizLeases,
    timers: QuizTimers,
    board: LiveBoard,
    requests: ModelRequests,
    extras: Extras,
) -> QuizClosing:
    repo = svc.repo
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
        extras=extras,
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
        clock=clock_of(svc),
    )
