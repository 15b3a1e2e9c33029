"""Quizzes waiting for a document: a /quiz sent while the chat's document was still being
added (stored by services.quiz.starting in `pending_quizzes`) starts, with every start
check, once the document is done, or the person is told why not. A restart picks them up too."""

from __future__ import annotations

import logging

from telegram.error import TelegramError

from engine import EngineError
from quiz.states import DocumentState
from services import documents
from services.context import Services
from services.errors import UserFacingError
from services.quiz import starting
from services.quiz.telegram_presenter import TelegramPresenter
from services.start_request import StartRequest
from storage.conversation import PendingQuiz

log = logging.getLogger(__name__)


async def add_document(
    ui: TelegramPresenter, svc: Services, doc: documents.IncomingDocument
) -> None:
    """documents.add_document; when the chat's last document in progress is done (ready or
    not), the quizzes waiting for it start."""
    counts = svc.adding_documents
    counts[doc.chat_id] = counts.get(doc.chat_id, 0) + 1
    # A re-delivered document (nothing done) or a shutdown leaves the waiting requests
    # stored: for the document still in progress, or for the next start's recovery.
    ended = False
    try:
        ended = await documents.add_document(ui, svc, doc)
    except Exception:
        # It failed (and the error handler says why): nothing more will come of it.
        ended = True
        raise
    finally:
        counts[doc.chat_id] -= 1
        if not counts[doc.chat_id]:
            del counts[doc.chat_id]
            if ended:
                await start_waiting(ui, svc, doc.chat_id)


async def start_waiting(
    ui: TelegramPresenter, svc: Services, chat_id: int | None, *, restarted: bool = False
) -> None:
    """Start (or answer) the chat's waiting quizzes; every chat's when chat_id is None."""
    for pending in await svc.repo.chat_memory.take_pending_quizzes(chat_id):
        try:
            await _start(ui, svc, pending, restarted)
        except UserFacingError as exc:
            await ui.error(exc)
        except (EngineError, TelegramError) as exc:
            log.warning("Chat %s: the waiting quiz failed: %s", pending.chat_id, exc)


async def _start(
    ui: TelegramPresenter, svc: Services, pending: PendingQuiz, restarted: bool
) -> None:
    thread_id = pending.thread_id or None
    docs = await documents.refresh(svc, await documents.chat_documents(svc, pending.chat_id))
    if any(d.state == DocumentState.READY for d in docs):
        await starting.start_quiz(ui, svc, StartRequest.of_pending(pending))
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
        seconds=round(svc.settings.document_index_timeout),
    )
