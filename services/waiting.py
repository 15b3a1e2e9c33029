"""Quizzes waiting for a document: a /quiz sent while the chat's document was still being
added (stored by services.quiz.starting in `pending_quizzes`) starts, with every start
check, once the document is done, or the person is told why not. A restart picks them up too."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram.error import TelegramError

from engine import EngineError
from quiz.states import DocumentState
from services.document_adding import DocumentAdding
from services.document_intake import IncomingDocument
from services.documents import Documents
from services.errors import UserFacingError
from services.start_request import StartRequest
from storage.conversation import ChatMemoryStore, PendingQuiz

log = logging.getLogger(__name__)

Start = Callable[[StartRequest], Awaitable[None]]
Tell = Callable[[UserFacingError], Awaitable[None]]


class Waiting:
    """Documents being added, and the quizzes waiting for them."""

    def __init__(self, *, adding: DocumentAdding, quizzes: WaitingQuizzes) -> None:
        self._adding = adding
        self.quizzes = quizzes
        # Documents this process is adding now, per chat: a /quiz meanwhile waits for them.
        self._in_progress: dict[int, int] = {}

    def is_adding(self, chat_id: int) -> bool:
        """Whether a document of the chat is being added now (a /quiz then waits for it)."""
        return bool(self._in_progress.get(chat_id))

    async def add_document(self, doc: IncomingDocument) -> None:
        """DocumentAdding.add; when the chat's last document in progress is done (ready or
        not), the quizzes waiting for it start."""
        counts = self._in_progress
        counts[doc.chat_id] = counts.get(doc.chat_id, 0) + 1
        # A re-delivered document (nothing done) or a shutdown leaves the waiting requests
        # stored: for the document still in progress, or for the next start's recovery.
        ended = False
        try:
            ended = await self._adding.add(doc)
        except Exception:
            # It failed (and the error handler says why): nothing more will come of it.
            ended = True
            raise
        finally:
            counts[doc.chat_id] -= 1
            if not counts[doc.chat_id]:
                del counts[doc.chat_id]
                if ended:
                    await self.quizzes.start_waiting(doc.chat_id)


class WaitingQuizzes:
    def __init__(
        self,
        *,
        documents: Documents,
        memory: ChatMemoryStore,
        tell: Tell,
        start: Start,
        index_timeout: float,
    ) -> None:
        self._documents = documents
        self._memory = memory
        # Tells the person why their quiz did not start (the presenter's `error`).
        self._tell = tell
        # Starts a quiz with every start check (services.quiz.starting).
        self._start = start
        self._index_timeout = index_timeout  # DOCUMENT_INDEX_TIMEOUT, told when it ran out

    async def start_waiting(self, chat_id: int | None, *, restarted: bool = False) -> None:
        """Start (or answer) the chat's waiting quizzes; every chat's when chat_id is None."""
        for pending in await self._memory.take_pending_quizzes(chat_id):
            try:
                await self._start_one(pending, restarted)
            except UserFacingError as exc:
                await self._tell(exc)
            except (EngineError, TelegramError) as exc:
                log.warning("Chat %s: the waiting quiz failed: %s", pending.chat_id, exc)

    async def _start_one(self, pending: PendingQuiz, restarted: bool) -> None:
        thread_id = pending.thread_id or None
        docs = await self._documents.refreshed(pending.chat_id)
        if any(d.state == DocumentState.READY for d in docs):
            await self._start(StartRequest.of_pending(pending))
            return
        if restarted:
            key = "doc_quiz_interrupted"
        elif any(d.state == DocumentState.PROCESSING for d in docs):
            key = "doc_quiz_not_ready"
        else:
            key = "doc_quiz_no_document"
        log.info("Chat %s: the waiting quiz did not start (%s)", pending.chat_id, key)
        raise UserFacingError(
            key,
            chat_id=pending.chat_id,
            lang=pending.lang,
            thread_id=thread_id,
            seconds=round(self._index_timeout),
        )
