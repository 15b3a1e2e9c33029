"""At start: documents whose transfer a dead process left unfinished, and that nothing will
take over, end `failed`, and their chats are told to send them again.

A busy document's update still in the inbox is replayed, and its transfer then starts again
from the download (services/document_intake.py); one whose update was confirmed has lost
its effect with the process: nothing would ever move it on."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from html import escape

from telegram.error import TelegramError

from i18n import DEFAULT_LANGUAGE
from quiz.states import DocumentState
from services.document_holds import DocumentHolds
from services.errors import UserFacingError
from storage.documents import DocumentRow, DocumentStore

log = logging.getLogger(__name__)

Tell = Callable[[UserFacingError], Awaitable[None]]


class DocumentRecovery:
    def __init__(self, *, documents: DocumentStore, holds: DocumentHolds, tell: Tell) -> None:
        self._documents = documents
        self._holds = holds
        # Shows the chat what happened (the presenter's `error`: on the status message).
        self._tell = tell

    async def recover(self) -> None:
        """Fail every busy document whose holder is gone and whose update is not to be
        replayed. (A quiz waiting for its chat's documents is started or told afterwards,
        with every other chat's: see services/recovery.py.)"""
        busy = await self._documents.busy()
        if not busy:
            return
        replayed = await self._documents.requests_to_replay()
        for row in busy:
            if row.request_key in replayed:
                log.info("Document %s: its update is replayed, which takes it over", row.id)
                continue
            async with self._holds.hold(row.id) as mine:
                if not mine:
                    log.info("Document %s: a live worker is transferring it", row.id)
                elif await self._documents.restart_busy(
                    row.id, DocumentState.FAILED, "interrupted by restart"
                ):
                    await self._lost(row)

    async def _lost(self, row: DocumentRow) -> None:
        log.info("Document %s: its transfer was interrupted by a restart", row.id)
        if row.request_key is not None:
            # Nothing of it is kept: it costs none of the day's documents.
            await self._documents.release_document(row.request_key)
        told = UserFacingError(
            "doc_interrupted",
            chat_id=row.chat_id,
            lang=row.lang or DEFAULT_LANGUAGE,
            thread_id=row.thread_id,
            edit_message_id=row.status_message_id,
            name=escape(row.file_name),
        )
        try:
            await self._tell(told)
        except TelegramError as exc:
            log.info("Document %s: could not tell chat about the restart: %s", row.id, exc)
