"""The composition root of the features that follow the quiz lifecycle: which feature listens
to which stage (services/events.py), and what runs when a durable timer is due
(services/timers.py). bot.py's post_init calls `wire` once, with the one presenter the
process shows chats through and the function that runs a task beside the updates (the
Application's create_task)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from services import chat_settings, quotas, reminders
from services.chat_settings import ChatSettings
from services.context import Services, install_docs
from services.document_adding import DocumentAdding
from services.document_transfer import DocumentSettings
from services.documents import Documents
from services.errors import UserFacingError
from services.events import AnswersRecorded
from services.library import Library
from services.library_board import LibraryBoard
from services.local_library import LocalLibrary
from services.photos import Photos
from services.quiz import deadlines, generation, live, starting
from services.quiz.common import DEADLINE, LIVE_STEP
from services.quiz.telegram_presenter import TelegramPresenter
from services.quiz_files import QuizFiles
from services.start_request import StartRequest
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

    docs = build_docs(svc, ui)
    install_docs(
        bot_data,
        documents=docs.documents,
        waiting=docs.waiting,
        photos=docs.photos,
        library=docs.library,
        quiz_files=docs.quiz_files,
    )

    if svc.timers is not None:
        timers = svc.timers
        timers.on(DEADLINE, _told(ui, lambda key: deadlines.deadline_reached(ui, svc, key)))
        timers.on(LIVE_STEP, _told(ui, lambda key: live.step(ui, svc, key)))
        timers.on(reminders.REMINDER, _told(ui, lambda key: reminders.remind(ui, svc, key)))


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
Chosen = Callable[[int], Awaitable[ChatSettings]]


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
