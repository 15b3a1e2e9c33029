"""Adding a document to a chat: checked, downloaded from Telegram, then uploaded to OpenAI and
indexed there, or indexed here (services/local_library.py), keeping the sender posted.

Each step records its result in the database before the next one, so /docs always says
where a document stands, and a failure leaves no file on OpenAI that the bot no longer knows
about.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Callable
from html import escape
from pathlib import Path

from engine.library import DocumentLibrary, LibraryError, LibraryMissingError
from quiz.states import DocumentState
from services import local_library
from services.chat_messages import ChatMessages
from services.document_holds import DocumentHolds
from services.document_intake import IncomingDocument, Intake, check, read_here, reserve
from services.document_transfer import DocumentSettings, Transfer
from services.document_types import human_size
from services.documents import Documents
from services.local_library import LocalLibrary
from services.transfers import FairLimiter
from storage.documents import DocumentStore

log = logging.getLogger(__name__)

# What an upload left for OpenAI to index: the store's id, the file's id and its size shown.
_Uploaded = tuple[str, str, str]


class DocumentAdding:
    def __init__(
        self,
        *,
        documents: DocumentStore,
        chat_documents: Documents,
        local: LocalLibrary,
        transfers: FairLimiter,
        holds: DocumentHolds,
        ui: ChatMessages,
        clock: Callable[[], float],
        values: DocumentSettings,
    ) -> None:
        self._documents = documents
        self._chat_documents = chat_documents
        self._local = local
        # Documents being downloaded and uploaded: a fair bound for the whole process.
        self._transfers = transfers
        # Which process transfers which document: one at a time, taken over from a dead one.
        self._holds = holds
        self._ui = ui
        self._clock = clock
        self._values = values

    @property
    def _library(self) -> DocumentLibrary:
        return self._chat_documents.library

    async def add(self, doc: IncomingDocument) -> bool:
        """Check, download, upload and index one document, keeping the user posted. False for
        a re-delivered document (nothing done), True when it ended (or raises why it failed)."""
        library = self._library
        local = self._local.is_local()
        values = self._values
        ext = check(doc, library.missing and not local, values.max_bytes)
        now = self._clock()
        intake = await reserve(self._ui, self._documents, self._holds, doc, ext, now, values)
        if intake is None:
            return False
        try:
            async with self._transfers.slot(doc.user_id):
                with tempfile.TemporaryDirectory(prefix="studyquiz-") as folder:
                    uploaded = await self._transfer(intake, local, Path(folder) / "document")
            if isinstance(uploaded, bool):
                return uploaded
            await self._index(intake, *uploaded)
            return True
        finally:
            await self._holds.release(intake.row_id)

    async def _transfer(self, intake: Intake, local: bool, path: Path) -> _Uploaded | bool:
        """Download the document into `path`, then upload it to OpenAI, or index it here: then
        add_locally's answer."""
        doc = intake.doc
        transfer = Transfer(
            intake.ui.files,
            self._documents,
            self._library,
            doc.file_id,
            intake.row_id,
            intake.key,
            intake.limits,
            self._values.max_bytes,
            intake.fail,
        )
        await transfer.download(path, doc.file_size, intake.now)
        if doc.transcribe is not None or local or intake.ext == ".pdf":
            # Read here (a photo, local search, a PDF's text layer): one copy at a time.
            data = await read_here(path, doc, intake.fail)
            if local:
                return await self._add_here(intake, data)
            if intake.ext == ".pdf":
                await local_library.check_pdf(data, intake.fail)
            del data
        return await self._upload(intake, transfer, path)

    async def _add_here(self, intake: Intake, data: bytes) -> bool:
        """Index the document's text in the database rather than on OpenAI."""
        doc = intake.doc
        here = local_library.Added(
            doc.chat_id, doc.thread_id, doc.lang, intake.row_id, intake.status_id, intake.shown
        )
        return await self._local.add_locally(here, intake.ext, data, intake.fail)

    async def _upload(self, intake: Intake, transfer: Transfer, path: Path) -> _Uploaded | bool:
        """Upload the downloaded file for the chat's store; where the server turns out to have
        no such API (and search is `auto`), index it here instead: then add_locally's answer."""
        doc = intake.doc
        uploading = (await asyncio.to_thread(path.stat)).st_size
        size = human_size(uploading)
        await self._documents.update_document(
            intake.row_id, DocumentState.UPLOADING, size=uploading
        )
        await intake.progress("doc_uploading", size=size)
        try:
            store, file_id = await transfer.upload(
                path,
                intake.name,
                lambda: self._chat_documents.chat_store(doc.chat_id, doc.chat_title),
            )
        except LibraryMissingError as exc:
            if not self._local.is_local():
                raise await intake.fail("doc_no_search", "no files or vector stores API") from exc
            # DOCUMENT_SEARCH=auto, and this server turned out to have no such API.
            data = await asyncio.to_thread(path.read_bytes)
            return await self._add_here(intake, data)
        return store, file_id, size

    async def _index(self, intake: Intake, store: str, file_id: str, size: str) -> None:
        """Wait for OpenAI to index the uploaded file, and say how that ended."""
        doc = intake.doc
        try:
            await intake.progress("doc_indexing")
            await intake.ui.uploading(doc.chat_id, doc.thread_id)
            indexed = await self._library.index(store, file_id, self._values.index_timeout)
        except LibraryError as exc:
            log.warning("Document %s: OpenAI failed: %s", intake.row_id, exc)
            await self._chat_documents.discard(store, file_id)
            raise await intake.fail("doc_openai_failed", type(exc).__name__) from exc

        if indexed.completed:
            await self._documents.update_document(intake.row_id, DocumentState.READY)
            await intake.progress("doc_ready", size=size)
        elif indexed.in_progress:
            await intake.progress("doc_still_processing")
        else:
            reason = indexed.error or indexed.status
            await self._documents.update_document(intake.row_id, DocumentState.FAILED, error=reason)
            # A file the store could not index is of no use; don't leave it stored on OpenAI.
            await self._chat_documents.discard(store, file_id)
            await intake.progress("doc_failed", reason=escape(reason))
