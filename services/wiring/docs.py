"""Documents, photos, the library and quiz files."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from services import (
    chat_settings,
    quotas,
)
from services.chat_settings import EffectiveSettings
from services.context import Services
from services.document_adding import DocumentAdding
from services.document_transfer import DocumentSettings
from services.documents import Documents
from services.library import Library
from services.library_board import LibraryBoard
from services.local_library import LocalLibrary
from services.photos import Photos
from services.quiz import generation, starting
from services.quiz.telegram_presenter import TelegramPresenter
from services.quiz_files import QuizFiles
from services.start_request import StartRequest
from services.transfers import FairLimiter
from services.waiting import Waiting, WaitingQuizzes


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
