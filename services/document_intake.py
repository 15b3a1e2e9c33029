"""A document as it comes in: the checks before any transfer, its reservation against the
day's limits, its status message, and how each later step fails or reports progress."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from i18n import tr
from quiz.states import BUSY_DOCUMENT_STATES, DocumentState
from services.chat_messages import ChatMessages
from services.document_holds import DocumentHolds
from services.document_transfer import DocumentSettings, document_limits, limit_values
from services.document_types import human_size, supported_extension, supported_list, upload_name
from services.errors import Fail, UserFacingError
from storage.documents import DocumentRow, DocumentStore
from storage.usage import DocumentLimits, LimitReachedError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IncomingDocument:
    chat_id: int
    chat_title: str
    thread_id: int | None
    user_id: int
    message_id: int
    lang: str
    file_id: str
    file_name: str | None
    mime_type: str | None
    file_size: int | None
    # A photo: what is downloaded is a picture, and this turns it into the text it shows
    # (services/photos.py); it raises what `fail` makes when it cannot.
    transcribe: Transcribe | None = None


# (the downloaded bytes, add_document's fail) -> the document's text, as bytes.
Transcribe = Callable[[bytes, Fail], Awaitable[bytes]]


def refuse(
    doc: IncomingDocument, shown: str, key: str, edit: int | None = None, **values: Any
) -> UserFacingError:
    """The person's message about `doc` (named `shown`, as HTML), editing `edit` if given."""
    return UserFacingError(
        key,
        chat_id=doc.chat_id,
        lang=doc.lang,
        thread_id=doc.thread_id,
        edit_message_id=edit,
        name=shown,
        **values,
    )


def check(doc: IncomingDocument, no_search: bool, limit: int) -> str:
    """The document's extension, after the checks that come before any download or upload
    (raises the refusal)."""
    shown = escape(doc.file_name or "?")
    if no_search:
        raise refuse(doc, shown, "doc_no_search")
    ext = supported_extension(doc.file_name, doc.mime_type)
    if ext is None:
        raise refuse(doc, shown, "doc_unsupported", types=supported_list())
    if doc.file_size is not None and doc.file_size > limit:
        raise refuse(
            doc, shown, "doc_too_big", size=human_size(doc.file_size), limit=human_size(limit)
        )
    return ext


@dataclass(frozen=True, slots=True)
class Intake:
    """A reserved document with its status message: what every later step needs."""

    ui: ChatMessages
    documents: DocumentStore
    doc: IncomingDocument
    ext: str
    name: str  # as uploaded
    key: str  # the request's, which its reservation has
    now: float
    limits: DocumentLimits
    row_id: int
    status_id: int

    @property
    def shown(self) -> str:
        return escape(self.name)

    async def fail(self, text: str, error: str, **values: Any) -> UserFacingError:
        """Mark the document failed and release its reservation; what to tell the user."""
        # Nothing of it stays on OpenAI: it costs none of the day's documents.
        await self.documents.update_document(self.row_id, DocumentState.FAILED, error=error)
        await self.documents.release_document(self.key)
        return refuse(self.doc, self.shown, text, self.status_id, **values)

    async def progress(self, key: str, **values: Any) -> None:
        text = tr(self.doc.lang, key, name=self.shown, **values)
        await self.ui.document_progress(self.doc.chat_id, self.status_id, text)


async def reserve(
    ui: ChatMessages,
    documents: DocumentStore,
    holds: DocumentHolds,
    doc: IncomingDocument,
    ext: str,
    now: float,
    values: DocumentSettings,
) -> Intake | None:
    """Reserve the document against the day's limits (raises the refusal), hold it (see
    services/document_holds.py) and post its status message; None for a re-delivered
    document. A re-delivered one whose transfer's holder is gone (its process died) is taken
    over: held by the caller, it starts again from the download. The caller releases it."""
    name = upload_name(doc.file_name, ext)
    key = f"{doc.chat_id}:{doc.message_id}"
    limits = document_limits(values, now)
    try:
        row = await documents.create_document(
            chat_id=doc.chat_id,
            uploader_id=doc.user_id,
            request_key=key,
            file_name=name,
            size=doc.file_size or 0,
            now=now,
            limits=limits,
            thread_id=doc.thread_id,
            lang=doc.lang,
        )
    except LimitReachedError as exc:
        log.info("Document refused in chat %s for user %s: %s", doc.chat_id, doc.user_id, exc)
        raise refuse(doc, escape(name), exc.key, **limit_values(exc, now)) from None
    again = row is None
    if row is None:
        row = await _orphan(documents, holds, key)
        if row is None:
            log.info("Ignoring a re-delivered document in chat %s", doc.chat_id)
            return None
        log.info("Document %s: its transfer was left unfinished; starting it again", row.id)
    elif not await holds.acquire(row.id):
        return None  # taken over meanwhile by a worker replaying the same update
    try:
        status_id = await _status(ui, documents, doc, row, name, again)
        await ui.uploading(doc.chat_id, doc.thread_id)
    except BaseException:
        await holds.release(row.id)
        raise
    return Intake(ui, documents, doc, ext, name, key, now, limits, row.id, status_id)


async def _orphan(documents: DocumentStore, holds: DocumentHolds, key: str) -> DocumentRow | None:
    """The request's document, held now, if it is busy and its holder gone; else None."""
    row = await documents.by_request(key)
    if row is None or row.state not in BUSY_DOCUMENT_STATES:
        return None
    if not await holds.acquire(row.id):
        return None  # a live transfer: this is a true re-delivery
    # Its reservation stays as it is: the day's limits count the document once.
    if await documents.restart_busy(row.id, DocumentState.DOWNLOADING, None):
        return row
    await holds.release(row.id)
    return None


async def _status(
    ui: ChatMessages,
    documents: DocumentStore,
    doc: IncomingDocument,
    row: DocumentRow,
    name: str,
    again: bool,
) -> int:
    """The document's status message, saying it is being downloaded: its earlier one where
    it can still be edited (a transfer taken over), else a new one."""
    size = human_size(doc.file_size) if doc.file_size else "?"
    # Taken over, it says so: the earlier status said "downloading" too.
    key = "doc_downloading_again" if again else "doc_downloading"
    text = tr(doc.lang, key, name=escape(name), size=size)
    earlier = row.status_message_id
    if earlier is not None and await ui.document_status_again(doc.chat_id, earlier, text):
        return earlier
    status_id = await ui.document_status(doc.chat_id, doc.thread_id, doc.message_id, text)
    await documents.set_status_message(row.id, status_id)
    return status_id


async def read_here(path: Path, doc: IncomingDocument, fail: Fail) -> bytes:
    """The downloaded file's bytes; a photo's are its transcription, written back to `path`
    so that what is uploaded is the text."""
    data = await asyncio.to_thread(path.read_bytes)
    if doc.transcribe is None:
        return data
    data = await doc.transcribe(data, fail)
    await asyncio.to_thread(path.write_bytes, data)
    return data
