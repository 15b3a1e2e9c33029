"""A chat's documents: checked, downloaded from Telegram, stored and indexed on OpenAI, listed,
removed, and searched by the chat's quizzes.

Each step records its result in SQLite before the next one, so /docs always says where a
document stands, and a failure leaves no file on OpenAI that the bot no longer knows about.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Sequence
from html import escape
from pathlib import Path

from engine.library import DocumentLibrary, LibraryError, LibraryMissingError
from quiz.states import BUSY_DOCUMENT_STATES, DocumentState
from services import local_library
from services.chat_messages import ChatMessages
from services.context import Services
from services.document_intake import IncomingDocument as IncomingDocument
from services.document_intake import Intake, check, read_here, reserve
from services.document_transfer import Transfer
from services.document_types import human_size
from storage import DocumentRow

log = logging.getLogger(__name__)

# States in which the bot is still working on a document (and it may not be removed yet).
BUSY_STATES = BUSY_DOCUMENT_STATES
MAX_STORE_NAME = 100

# What an upload left for OpenAI to index: the store's id, the file's id and its size shown.
_Uploaded = tuple[str, str, str]


def _library(library: DocumentLibrary | None) -> DocumentLibrary:
    assert library is not None, "documents need Services.library"
    return library


async def add_document(ui: ChatMessages, svc: Services, doc: IncomingDocument) -> bool:
    """Check, download, upload and index one document, keeping the user posted. False for a
    re-delivered document (nothing done), True when it ended (or raises why it failed)."""
    library = _library(svc.library)
    local = local_library.is_local(svc)
    ext = check(doc, library.missing and not local, svc.settings.document_limit)
    intake = await reserve(ui, svc, doc, ext)
    if intake is None:
        return False
    async with svc.transfers.slot(doc.user_id):
        with tempfile.TemporaryDirectory(prefix="studyquiz-") as folder:
            uploaded = await _transfer(intake, library, local, Path(folder) / "document")
    if isinstance(uploaded, bool):
        return uploaded
    await _index(intake, library, *uploaded)
    return True


async def _transfer(
    intake: Intake, library: DocumentLibrary, local: bool, path: Path
) -> _Uploaded | bool:
    """Download the document into `path`, then upload it to OpenAI, or index it here: then
    add_locally's answer."""
    svc, doc = intake.svc, intake.doc
    transfer = Transfer(
        intake.ui.files,
        svc.repo,
        library,
        doc.file_id,
        intake.row_id,
        intake.key,
        intake.limits,
        svc.settings.document_limit,
        intake.fail,
    )
    await transfer.download(path, doc.file_size, intake.now)
    if doc.transcribe is not None or local or intake.ext == ".pdf":
        # Read here (a photo, local search, a PDF's text layer): one copy at a time.
        data = await read_here(path, doc, intake.fail)
        if local:
            return await _add_here(intake, data)
        if intake.ext == ".pdf":
            await local_library.check_pdf(data, intake.fail)
        del data
    return await _upload(intake, transfer, path)


async def _add_here(intake: Intake, data: bytes) -> bool:
    """Index the document's text in SQLite rather than on OpenAI."""
    doc = intake.doc
    here = local_library.Added(
        doc.chat_id, doc.thread_id, doc.lang, intake.row_id, intake.status_id, intake.shown
    )
    return await local_library.add_locally(
        intake.ui, intake.svc, here, intake.ext, data, intake.fail
    )


async def _upload(intake: Intake, transfer: Transfer, path: Path) -> _Uploaded | bool:
    """Upload the downloaded file for the chat's store; where the server turns out to have
    no such API (and search is `auto`), index it here instead: then add_locally's answer."""
    svc, doc = intake.svc, intake.doc
    uploading = (await asyncio.to_thread(path.stat)).st_size
    size = human_size(uploading)
    await svc.repo.documents.update_document(intake.row_id, DocumentState.UPLOADING, size=uploading)
    await intake.progress("doc_uploading", size=size)
    try:
        store, file_id = await transfer.upload(
            path, intake.name, lambda: chat_store(svc, doc.chat_id, doc.chat_title)
        )
    except LibraryMissingError as exc:
        if not local_library.is_local(svc):
            raise await intake.fail("doc_no_search", "no files or vector stores API") from exc
        # DOCUMENT_SEARCH=auto, and this server turned out to have no such API.
        data = await asyncio.to_thread(path.read_bytes)
        return await _add_here(intake, data)
    return store, file_id, size


async def _index(
    intake: Intake, library: DocumentLibrary, store: str, file_id: str, size: str
) -> None:
    """Wait for OpenAI to index the uploaded file, and say how that ended."""
    svc, doc = intake.svc, intake.doc
    try:
        await intake.progress("doc_indexing")
        await intake.ui.uploading(doc.chat_id, doc.thread_id)
        indexed = await library.index(store, file_id, svc.settings.document_index_timeout)
    except LibraryError as exc:
        log.warning("Document %s: OpenAI failed: %s", intake.row_id, exc)
        await _discard(library, store, file_id)
        raise await intake.fail("doc_openai_failed", type(exc).__name__) from exc

    if indexed.completed:
        await svc.repo.documents.update_document(intake.row_id, DocumentState.READY)
        await intake.progress("doc_ready", size=size)
    elif indexed.in_progress:
        await intake.progress("doc_still_processing")
    else:
        reason = indexed.error or indexed.status
        await svc.repo.documents.update_document(intake.row_id, DocumentState.FAILED, error=reason)
        # A file the store could not index is of no use; don't leave it stored on OpenAI.
        await _discard(library, store, file_id)
        await intake.progress("doc_failed", reason=escape(reason))


async def _discard(library: DocumentLibrary, store: str | None, file_id: str) -> None:
    try:
        await library.remove(store, file_id)
    except LibraryError as exc:
        log.warning("Could not delete OpenAI file after a failure: %s", exc)


async def chat_store(svc: Services, chat_id: int, chat_title: str) -> str:
    """The chat's vector store, created on first use (and again if OpenAI expired it)."""
    library = _library(svc.library)
    async with svc.library_lock(chat_id):
        store = await svc.repo.documents.chat_library(chat_id)
        if store is not None and await library.store_usable(store):
            return store
        if store is not None:
            await _expire(svc, chat_id)
        name = f"StudyQuiz: {chat_title}"[:MAX_STORE_NAME]
        store = await library.create_store(name, svc.settings.vector_store_expiry_days)
        await svc.repo.documents.set_chat_library(chat_id, store, svc.clock())
        log.info("Chat %s: created vector store %s", chat_id, store)
        return store


async def _expire(svc: Services, chat_id: int) -> None:
    """OpenAI deleted the chat's store after its idle period: its documents went with it."""
    library = _library(svc.library)
    for doc in await svc.repo.documents.of_chat(chat_id):
        if doc.openai_file_id is not None:
            # The store is gone, but the uploaded files are not deleted with it.
            await _discard(library, None, doc.openai_file_id)
        await svc.repo.documents.update_document(doc.id, DocumentState.FAILED, error="expired")
    await svc.repo.documents.drop_chat_library(chat_id)
    log.info("Chat %s: vector store expired; documents marked", chat_id)


async def quiz_stores(svc: Services, chat_id: int) -> tuple[str, ...]:
    """The vector stores a quiz in this chat searches: its own (if it has ready documents)
    and the configured VECTOR_STORE_ID."""
    stores: list[str] = []
    store = await svc.repo.documents.chat_library(chat_id)
    if store is not None and await svc.repo.documents.has_ready_documents(chat_id):
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
                if await svc.repo.documents.chat_library(chat_id) == store:
                    await _expire(svc, chat_id)
    if svc.settings.vector_store_id and svc.settings.vector_store_id not in stores:
        stores.append(svc.settings.vector_store_id)
    return tuple(stores)


async def chat_documents(svc: Services, chat_id: int) -> list[DocumentRow]:
    """The chat's documents, oldest first (the numbering /docs and /forget use)."""
    return await svc.repo.documents.of_chat(chat_id)


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
                    await svc.repo.documents.update_document(doc.id, DocumentState.READY)
                elif not now.in_progress:
                    await svc.repo.documents.update_document(
                        doc.id, DocumentState.FAILED, error=now.error or now.status
                    )
                doc = await svc.repo.documents.document(doc.id) or doc
        out.append(doc)
    return out


async def remove_documents(svc: Services, chat_id: int, docs: Sequence[DocumentRow]) -> None:
    """Detach and delete each document's file on OpenAI, then forget it; the store goes
    too when the chat has no documents left."""
    library = _library(svc.library)
    for doc in docs:
        if doc.openai_file_id is not None:
            await library.remove(doc.vector_store_id, doc.openai_file_id)
        await svc.repo.documents.delete_document(doc.id)
    if not await svc.repo.documents.of_chat(chat_id):
        async with svc.library_lock(chat_id):
            store = await svc.repo.documents.chat_library(chat_id)
            if store is not None:
                await library.delete_store(store)
                await svc.repo.documents.drop_chat_library(chat_id)
