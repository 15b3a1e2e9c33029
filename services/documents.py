"""A chat's documents: checked, downloaded from Telegram, stored and indexed on OpenAI, listed,
removed, and searched by the chat's quizzes.

Each step records its result in SQLite before the next one, so /docs always says where a
document stands, and a failure leaves no file on OpenAI that the bot no longer knows about.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from engine.library import DocumentLibrary, LibraryError, LibraryMissingError
from i18n import tr
from quiz.states import BUSY_DOCUMENT_STATES, DocumentState
from services import local_library
from services.chat_messages import ChatMessages
from services.context import Services
from services.document_transfer import Fail, Transfer, document_limits, limit_values
from services.document_types import human_size, supported_extension, supported_list, upload_name
from services.errors import UserFacingError
from storage import DocumentRow
from storage.usage import LimitReachedError

log = logging.getLogger(__name__)

# States in which the bot is still working on a document (and it may not be removed yet).
BUSY_STATES = BUSY_DOCUMENT_STATES
MAX_STORE_NAME = 100


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
Transcribe = Callable[[bytes, Callable[..., Awaitable[UserFacingError]]], Awaitable[bytes]]


def _library(library: DocumentLibrary | None) -> DocumentLibrary:
    assert library is not None, "documents need Services.library"
    return library


async def add_document(ui: ChatMessages, svc: Services, doc: IncomingDocument) -> bool:
    """Check, download, upload and index one document, keeping the user posted. False for a
    re-delivered document (nothing done), True when it ended (or raises why it failed)."""
    settings = svc.settings
    library = _library(svc.library)
    ext = supported_extension(doc.file_name, doc.mime_type)
    shown = escape(doc.file_name or "?")
    limit = settings.document_limit

    def refuse(key: str, edit: int | None = None, **values: Any) -> UserFacingError:
        return UserFacingError(
            key,
            chat_id=doc.chat_id,
            lang=doc.lang,
            thread_id=doc.thread_id,
            edit_message_id=edit,
            name=shown,
            **values,
        )

    # These checks come before any download or upload.
    local = local_library.is_local(svc)
    if library.missing and not local:
        raise refuse("doc_no_search")
    if ext is None:
        raise refuse("doc_unsupported", types=supported_list())
    if doc.file_size is not None and doc.file_size > limit:
        raise refuse("doc_too_big", size=human_size(doc.file_size), limit=human_size(limit))

    name = upload_name(doc.file_name, ext)
    shown = escape(name)
    key = f"{doc.chat_id}:{doc.message_id}"
    now = svc.clock()
    limits = document_limits(settings, now)
    try:
        row = await svc.repo.create_document(
            chat_id=doc.chat_id,
            uploader_id=doc.user_id,
            request_key=key,
            file_name=name,
            size=doc.file_size or 0,
            now=now,
            limits=limits,
        )
    except LimitReachedError as exc:
        log.info("Document refused in chat %s for user %s: %s", doc.chat_id, doc.user_id, exc)
        raise refuse(exc.key, **limit_values(exc, now)) from None
    if row is None:
        log.info("Ignoring a re-delivered document in chat %s", doc.chat_id)
        return False
    size = human_size(doc.file_size) if doc.file_size else "?"
    status_id = await ui.document_status(
        doc.chat_id,
        doc.thread_id,
        doc.message_id,
        tr(doc.lang, "doc_downloading", name=shown, size=size),
    )
    await ui.uploading(doc.chat_id, doc.thread_id)

    async def fail(text: str, error: str, **values: Any) -> UserFacingError:
        # Nothing of it stays on OpenAI: it costs none of the day's documents.
        await svc.repo.update_document(row.id, DocumentState.FAILED, error=error)
        await svc.repo.release_document(key)
        return refuse(text, status_id, **values)

    transfer = Transfer(ui.files, svc.repo, library, doc.file_id, row.id, key, limits, limit, fail)
    async with svc.transfers.slot(doc.user_id):
        with tempfile.TemporaryDirectory(prefix="studyquiz-") as folder:
            path = Path(folder) / "document"
            await transfer.download(path, doc.file_size, now)
            here = local_library.Added(
                doc.chat_id, doc.thread_id, doc.lang, row.id, status_id, shown
            )
            if doc.transcribe is not None or local or ext == ".pdf":
                # Read here (a photo, local search, a PDF's text layer): one copy at a time.
                data = await _read_here(path, doc, fail)
                if local:
                    return await local_library.add_locally(ui, svc, here, ext, data, fail)
                if ext == ".pdf":
                    await local_library.check_pdf(data, fail)
                del data
            uploading = (await asyncio.to_thread(path.stat)).st_size
            size = human_size(uploading)
            await svc.repo.update_document(row.id, DocumentState.UPLOADING, size=uploading)
            text = tr(doc.lang, "doc_uploading", name=shown, size=size)
            await ui.document_progress(doc.chat_id, status_id, text)
            try:
                store, file_id = await transfer.upload(
                    path, name, lambda: chat_store(svc, doc.chat_id, doc.chat_title)
                )
            except LibraryMissingError as exc:
                if not local_library.is_local(svc):
                    raise await fail("doc_no_search", "no files or vector stores API") from exc
                # DOCUMENT_SEARCH=auto, and this server turned out to have no such API.
                data = await asyncio.to_thread(path.read_bytes)
                return await local_library.add_locally(ui, svc, here, ext, data, fail)
    try:
        await ui.document_progress(doc.chat_id, status_id, tr(doc.lang, "doc_indexing", name=shown))
        await ui.uploading(doc.chat_id, doc.thread_id)
        indexed = await library.index(store, file_id, settings.document_index_timeout)
    except LibraryError as exc:
        log.warning("Document %s: OpenAI failed: %s", row.id, exc)
        await _discard(library, store, file_id)
        raise await fail("doc_openai_failed", type(exc).__name__) from exc

    if indexed.completed:
        await svc.repo.update_document(row.id, DocumentState.READY)
        text = tr(doc.lang, "doc_ready", name=shown, size=size)
    elif indexed.in_progress:
        text = tr(doc.lang, "doc_still_processing", name=shown)
    else:
        reason = indexed.error or indexed.status
        await svc.repo.update_document(row.id, DocumentState.FAILED, error=reason)
        # A file the store could not index is of no use; don't leave it stored on OpenAI.
        await _discard(library, store, file_id)
        text = tr(doc.lang, "doc_failed", name=shown, reason=escape(reason))
    await ui.document_progress(doc.chat_id, status_id, text)
    return True


async def _read_here(path: Path, doc: IncomingDocument, fail: Fail) -> bytes:
    """The downloaded file's bytes; a photo's are its transcription, written back to `path`
    so that what is uploaded is the text."""
    data = await asyncio.to_thread(path.read_bytes)
    if doc.transcribe is None:
        return data
    data = await doc.transcribe(data, fail)
    await asyncio.to_thread(path.write_bytes, data)
    return data


async def _discard(library: DocumentLibrary, store: str | None, file_id: str) -> None:
    try:
        await library.remove(store, file_id)
    except LibraryError as exc:
        log.warning("Could not delete OpenAI file after a failure: %s", exc)


async def chat_store(svc: Services, chat_id: int, chat_title: str) -> str:
    """The chat's vector store, created on first use (and again if OpenAI expired it)."""
    library = _library(svc.library)
    async with svc.library_lock(chat_id):
        store = await svc.repo.chat_library(chat_id)
        if store is not None and await library.store_usable(store):
            return store
        if store is not None:
            await _expire(svc, chat_id)
        name = f"StudyQuiz: {chat_title}"[:MAX_STORE_NAME]
        store = await library.create_store(name, svc.settings.vector_store_expiry_days)
        await svc.repo.set_chat_library(chat_id, store, svc.clock())
        log.info("Chat %s: created vector store %s", chat_id, store)
        return store


async def _expire(svc: Services, chat_id: int) -> None:
    """OpenAI deleted the chat's store after its idle period: its documents went with it."""
    library = _library(svc.library)
    for doc in await svc.repo.documents(chat_id):
        if doc.openai_file_id is not None:
            # The store is gone, but the uploaded files are not deleted with it.
            await _discard(library, None, doc.openai_file_id)
        await svc.repo.update_document(doc.id, DocumentState.FAILED, error="expired")
    await svc.repo.drop_chat_library(chat_id)
    log.info("Chat %s: vector store expired; documents marked", chat_id)


async def quiz_stores(svc: Services, chat_id: int) -> tuple[str, ...]:
    """The vector stores a quiz in this chat searches: its own (if it has ready documents)
    and the configured VECTOR_STORE_ID."""
    stores: list[str] = []
    store = await svc.repo.chat_library(chat_id)
    if store is not None and await svc.repo.has_ready_documents(chat_id):
        try:
            usable = await _library(svc.library).store_usable(store)
        except LibraryError as exc:
            # Not knowing is no reason to drop the library: let the quiz try with it.
            log.info("Chat %s: could not check the vector store: %s", chat_id, exc)
            usable = True
        if usable:
            stores.append(store)
        else:
            async with svc.library_lock(chat_id):
                if await svc.repo.chat_library(chat_id) == store:
                    await _expire(svc, chat_id)
    if svc.settings.vector_store_id and svc.settings.vector_store_id not in stores:
        stores.append(svc.settings.vector_store_id)
    return tuple(stores)


async def chat_documents(svc: Services, chat_id: int) -> list[DocumentRow]:
    """The chat's documents, oldest first (the numbering /docs and /forget use)."""
    return await svc.repo.documents(chat_id)


async def refresh(svc: Services, docs: Sequence[DocumentRow]) -> list[DocumentRow]:
    """Ask OpenAI about documents that were still being indexed when the bot stopped waiting."""
    library = _library(svc.library)
    out: list[DocumentRow] = []
    for doc in docs:
        if doc.state == DocumentState.PROCESSING and doc.openai_file_id and doc.vector_store_id:
            try:
                now = await library.status(doc.vector_store_id, doc.openai_file_id)
            except LibraryError as exc:
                log.info("Document %s: status unknown: %s", doc.id, exc)
            else:
                if now.completed:
                    await svc.repo.update_document(doc.id, DocumentState.READY)
                elif not now.in_progress:
                    await svc.repo.update_document(
                        doc.id, DocumentState.FAILED, error=now.error or now.status
                    )
                doc = await svc.repo.document(doc.id) or doc
        out.append(doc)
    return out


async def remove_documents(svc: Services, chat_id: int, docs: Sequence[DocumentRow]) -> None:
    """Detach and delete each document's file on OpenAI, then forget it; the store goes
    too when the chat has no documents left."""
    library = _library(svc.library)
    for doc in docs:
        if doc.openai_file_id is not None:
            await library.remove(doc.vector_store_id, doc.openai_file_id)
        await svc.repo.delete_document(doc.id)
    if not await svc.repo.documents(chat_id):
        async with svc.library_lock(chat_id):
            store = await svc.repo.chat_library(chat_id)
            if store is not None:
                await library.delete_store(store)
                await svc.repo.drop_chat_library(chat_id)
