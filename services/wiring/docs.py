"""Documents, photos, the library and quiz files."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from quiz.model import Quiz
from services.chat_settings import ChatSettings
from services.context import Services
from services.document_adding import DocumentAdding
from services.document_holds import DocumentHolds
from services.document_recovery import DocumentRecovery
from services.document_transfer import DocumentSettings
from services.documents import Documents
from services.library import Library
from services.library_board import LibraryBoard
from services.local_library import LocalLibrary
from services.photos import Photos
from services.quiz.telegram_presenter import TelegramPresenter
from services.quiz_files import QuizFiles
from services.transfers import FairLimiter
from services.waiting import Waiting, WaitingQuizzes
from services.wiring.common import Start, clock_of
from storage import QuizRow

OpenAndPost = Callable[[QuizRow, Quiz], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class DocsFeatures:
    documents: Documents
    waiting: Waiting
    photos: Photos
    library: Library
    quiz_files: QuizFiles
    # Not reached by handlers: the quiz stages ask them (services/wiring/__init__.py).
    local: LocalLibrary
    board: LibraryBoard
    recovery: DocumentRecovery


def build_docs(
    svc: Services,
    ui: TelegramPresenter,
    *,
    chat_settings: ChatSettings,
    check_start: Start,
    open_and_post: OpenAndPost,
    start: Start,
) -> DocsFeatures:
    """Documents, photos, the library and quiz files; a quiz of theirs starts (and is
    checked against the quotas) the way every quiz does."""
    repo = svc.repo
    holds = DocumentHolds(svc.leases)
    documents, local, waiting = _documents(svc, ui, start, holds)
    chosen = chat_settings.effective
    board = LibraryBoard(library=repo.library)
    library = Library(
        library=repo.library,
        questions=repo.questions,
        quizzes=repo.quizzes,
        engine=svc.engine,
        board=board,
        check_start=check_start,
        chat_settings=chosen,
        open_and_post=open_and_post,
        clock=clock_of(svc),
    )
    quiz_files = QuizFiles(
        library=repo.library,
        questions=repo.questions,
        engine=svc.engine,
        check_start=check_start,
        chat_settings=chosen,
        rng=svc.rng,
        clock=clock_of(svc),
        max_questions=svc.settings.max_questions,
        verify=svc.settings.quiz_verify,
    )
    photos = Photos(engine=svc.engine, add=waiting.add_document, reading=ui.reading)
    recovery = DocumentRecovery(documents=repo.documents, holds=holds, tell=ui.error)
    return DocsFeatures(documents, waiting, photos, library, quiz_files, local, board, recovery)


def _documents(
    svc: Services, ui: TelegramPresenter, start: Start, holds: DocumentHolds
) -> tuple[Documents, LocalLibrary, Waiting]:
    repo, values = svc.repo, DocumentSettings.of(svc.settings)
    documents = Documents(
        documents=repo.documents,
        library=svc.library,
        locks=svc.library_locks,
        clock=clock_of(svc),
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
        transfers=FairLimiter(
            svc.settings.document_transfers, svc.settings.user_document_transfers
        ),
        holds=holds,
        ui=ui,
        clock=clock_of(svc),
        values=values,
    )
    quizzes = WaitingQuizzes(
        documents=documents,
        memory=repo.chat_memory,
        tell=ui.error,
        start=start,
        index_timeout=values.index_timeout,
    )
    return documents, local, Waiting(adding=adding, quizzes=quizzes)
