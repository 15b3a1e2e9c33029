"""The composition root of the features that follow the quiz lifecycle: which feature listens
to which stage (services/events.py), and what runs when a durable timer is due
(services/timers.py). bot.py's post_init calls `wire` once, with the one presenter the
process shows chats through and the function that runs a task beside the updates (the
Application's create_task)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from services import chat_settings, quotas
from services.chat_order import ChatLines
from services.chat_settings import ChatSettings, EffectiveSettings
from services.context import Services, install_features
from services.document_adding import DocumentAdding
from services.document_transfer import DocumentSettings
from services.documents import Documents
from services.errors import UserFacingError
from services.events import AnswersRecorded
from services.learning import Learning
from services.library import Library
from services.library_board import LibraryBoard
from services.local_library import LocalLibrary
from services.photos import Photos
from services.quiz import deadlines, generation, live, starting
from services.quiz.common import DEADLINE, LIVE_STEP
from services.quiz.telegram_presenter import TelegramPresenter
from services.quiz_files import QuizFiles
from services.reminders import REMINDER, Reminders
from services.review import Reviews
from services.security import Security
from services.start_request import StartRequest
from services.stats import Stats
from services.study_cards import StudyCards
from services.timers import Callback
from services.transfers import FairLimiter
from services.waiting import Waiting, WaitingQuizzes

Spawn = Callable[[Coroutine[Any, Any, None]], object]


def wire(svc: Services, ui: TelegramPresenter, spawn: Spawn, bot_data: dict[Any, Any]) -> None:
    async def live_moves_on(event: AnswersRecorded) -> None:
        # Inside the answer writer: only a (cached) read per quiz of the batch; checking
        # whether everyone answered, and posting the next question, run as tasks of their
        # own, so one chat's game never holds up another chat's answers.
        for quiz_id, index in dict.fromkeys((a.quiz_id, a.index) for a in event.answers):
            quiz = await svc.repo.quizzes.quiz(quiz_id)
            if quiz is not None and quiz.is_live:
                spawn(live.answered(ui, svc, quiz, index))

    svc.events.subscribe(AnswersRecorded, live_moves_on)
    # The way every feature will go: a small object built here with exactly the stores,
    # presenter, clock and settings it uses, which subscribes itself to its stages.
    repo = svc.repo
    StudyCards(
        cards=repo.cards,
        quizzes=repo.quizzes,
        questions=repo.questions,
        answers=repo.answers,
        ui=ui,
        # Looked up at each call: tests move the services' clock.
        clock=lambda: svc.clock(),
        max_questions=svc.settings.max_questions,
    ).subscribe(svc.events)

    install_features(bot_data, build_docs(svc, ui))

    if svc.timers is not None:
        timers = svc.timers
        timers.on(DEADLINE, _told(ui, lambda key: deadlines.deadline_reached(ui, svc, key)))
        timers.on(LIVE_STEP, _told(ui, lambda key: live.step(ui, svc, key)))
    study = build_learning(svc, ui)
    install_features(bot_data, study)
    install_features(bot_data, build_admin(svc, ui, study.learning))


def _told(ui: TelegramPresenter, callback: Callback) -> Callback:
    """A timer's callback whose user-facing error (the feedback failed: try again) is told
    to the chat, as the error handler tells a handler's; the timer is then done. Anything
    else makes the timer try again later (services/timers.py)."""

    async def run(key: int) -> None:
        try:
            await callback(key)
        except UserFacingError as exc:
            await ui.error(exc)

    return run


@dataclass(frozen=True, slots=True)
class AdminFeatures:
    """A chat's settings, /stats, access refusals and /forgetme and /usage, and each chat's
    turn for its updates: what handlers reach as `context.<name>`."""

    chat_settings: ChatSettings
    stats: Stats
    security: Security
    chat_lines: ChatLines


def build_admin(svc: Services, ui: TelegramPresenter, learning: Learning) -> AdminFeatures:
    settings, repo = svc.settings, svc.repo

    def clock() -> float:
        # Looked up at each call: tests move the services' clock.
        return svc.clock()

    return AdminFeatures(
        chat_settings=ChatSettings(
            chats=repo.chats,
            style=settings.quiz_style,
            time_limit=settings.quiz_time_limit,
            live_seconds=settings.quiz_live_seconds,
        ),
        stats=Stats(stats=repo.stats, cards=repo.cards, ui=ui, clock=clock),
        security=Security(
            security=repo.security,
            quizzes=repo.quizzes,
            usage=repo.usage,
            library=repo.library,
            forget_learning=learning.forget,
            clock=clock,
            allowed_chats=settings.allowed_chat_ids,
            allowed_users=settings.allowed_user_ids,
            operators=settings.admin_user_ids,
            daily_token_budget=settings.daily_token_budget,
        ),
        chat_lines=ChatLines(),
    )


@dataclass(frozen=True, slots=True)
class StudyFeatures:
    """What the handlers ask of learning: cards, /review, /remind."""

    learning: Learning
    reviews: Reviews
    reminders: Reminders


def build_learning(svc: Services, ui: TelegramPresenter) -> StudyFeatures:
    """Learning, /review and the daily reminders, and the reminders' timer callback."""
    repo, settings = svc.repo, svc.settings
    reminders = Reminders(
        reminders=repo.reminders,
        cards=repo.cards,
        timers=svc.timers,
        ui=ui,
        # Looked up at each call: tests move the services' clock.
        clock=lambda: svc.clock(),
        max_questions=settings.max_questions,
    )
    if svc.timers is not None:
        svc.timers.on(REMINDER, _told(ui, reminders.remind))
    reviews = Reviews(
        cards=repo.cards,
        reminders=reminders,
        ui=ui,
        # The opening slice's way in, the same path as /quiz.
        start=lambda req: starting.start_quiz(ui, svc, req),
        clock=lambda: svc.clock(),
        max_questions=settings.max_questions,
    )
    return StudyFeatures(Learning(cards=repo.cards, reminders=reminders), reviews, reminders)


@dataclass(frozen=True, slots=True)
class DocsFeatures:
    documents: Documents
    waiting: Waiting
    photos: Photos
    library: Library
    quiz_files: QuizFiles


def build_docs(svc: Services, ui: TelegramPresenter) -> DocsFeatures:
    """Documents, photos, the library and quiz files. The lambdas reach other features
    (quotas, chat settings, starting and posting a quiz) until they are objects too."""
    repo = svc.repo
    documents, waiting = _documents(svc, ui)
    check_start: Start = lambda req: quotas.check_start(ui, svc, req)  # noqa: E731
    chosen: Chosen = lambda chat_id: chat_settings.effective(svc, chat_id)  # noqa: E731
    library = Library(
        library=repo.library,
        questions=repo.questions,
        quizzes=repo.quizzes,
        engine=svc.engine,
        board=LibraryBoard(library=repo.library),
        check_start=check_start,
        chat_settings=chosen,
        open_and_post=lambda quiz, parsed: generation.open_and_post(ui, svc, quiz, parsed, None),
        # Looked up at each call: tests move the services' clock.
        clock=lambda: svc.clock(),
    )
    quiz_files = QuizFiles(
        library=repo.library,
        questions=repo.questions,
        engine=svc.engine,
        check_start=check_start,
        chat_settings=chosen,
        rng=svc.rng,
        clock=lambda: svc.clock(),
        max_questions=svc.settings.max_questions,
        verify=svc.settings.quiz_verify,
    )
    photos = Photos(engine=svc.engine, add=waiting.add_document, reading=ui.reading)
    return DocsFeatures(documents, waiting, photos, library, quiz_files)


Start = Callable[[StartRequest], Awaitable[None]]
Chosen = Callable[[int], Awaitable[EffectiveSettings]]


def _documents(svc: Services, ui: TelegramPresenter) -> tuple[Documents, Waiting]:
    repo, values = svc.repo, DocumentSettings.of(svc.settings)
    documents = Documents(
        documents=repo.documents,
        library=svc.library,
        locks=svc.library_locks,
        clock=lambda: svc.clock(),
        values=values,
    )
    local = LocalLibrary(
        documents=repo.documents,
        chunks=repo.chunks,
        library=svc.library,
        search=values.search,
        ui=ui,
    )
    adding = DocumentAdding(
        documents=repo.documents,
        chat_documents=documents,
        local=local,
        library=svc.library,
        transfers=FairLimiter(
            svc.settings.document_transfers, svc.settings.user_document_transfers
        ),
        ui=ui,
        clock=lambda: svc.clock(),
        values=values,
    )
    quizzes = WaitingQuizzes(
        documents=documents,
        memory=repo.chat_memory,
        tell=ui.error,
        start=lambda req: starting.start_quiz(ui, svc, req),
        index_timeout=values.index_timeout,
    )
    # The counts stay in Services while services.quiz.starting reads them there.
    waiting = Waiting(adding=adding, quizzes=quizzes, in_progress=svc.adding_documents)
    return documents, waiting
