"""Documents searched on our side (DOCUMENT_SEARCH=local, or auto on a server without
OpenAI's Files and vector stores): the text is taken out here, indexed in the database, and
a quiz request carries the chunks it is about. Nothing but those chunks leaves the machine.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from engine.library import DocumentLibrary
from i18n import tr
from quiz.grounding import RetrievedChunk
from quiz.states import DocumentState
from services.chat_messages import ChatMessages
from services.document_types import human_size
from services.errors import Fail
from services.extraction import ExtractionError, extract
from storage.chunks import ChunkStore, FoundChunk
from storage.documents import DocumentStore

log = logging.getLogger(__name__)

# Chunks a quiz request carries (about 1,200 characters each): enough for a quiz of the
# largest size to draw on, small enough to keep every request cheap.
MIN_PASSAGES = 6
MAX_PASSAGES = 12
# Seconds the text of one document may take to come out (the child process is then killed).
EXTRACT_TIMEOUT = 120.0


def indexed_here(search: str, library: DocumentLibrary | None) -> bool:
    """Whether documents are indexed here: by setting (DOCUMENT_SEARCH), or (auto) because
    the model server turned out to have no Files or vector stores API."""
    if search == "auto":
        return library is None or library.missing
    return search == "local"


@dataclass(frozen=True, slots=True)
class Added:
    """The document being added, and its status message."""

    chat_id: int
    thread_id: int | None
    lang: str
    doc_id: int
    status_id: int
    shown: str  # its name, as HTML


async def check_pdf(data: bytes, fail: Fail) -> None:
    """Before a PDF goes to OpenAI: one without a text layer (a scan) is refused with the
    advice to send photos of its pages, rather than indexed as nothing."""
    try:
        await extract(".pdf", data, EXTRACT_TIMEOUT)
    except ExtractionError as exc:
        if exc.key == "doc_scanned":
            raise await fail("doc_scanned", "doc_scanned") from exc
        # Anything else is for OpenAI's own parser to judge.


def _passage(found: FoundChunk) -> RetrievedChunk:
    return RetrievedChunk(found.file_name, found.text, found.page)


class LocalLibrary:
    """Documents indexed in the database: whether that is where they go, adding one, and the
    chunks a quiz is written from."""

    def __init__(
        self,
        *,
        documents: DocumentStore,
        chunks: ChunkStore,
        library: DocumentLibrary | None,
        search: str,
        ui: ChatMessages,
    ) -> None:
        self._documents = documents
        self._chunks = chunks
        self._library = library
        self._search = search  # DOCUMENT_SEARCH
        self._ui = ui

    def is_local(self) -> bool:
        return indexed_here(self._search, self._library)

    async def add_locally(self, added: Added, ext: str, data: bytes, fail: Fail) -> bool:
        """Take the text out, index it and say it is ready (raises what went wrong)."""
        ui = self._ui
        chat_id, lang, doc_id, shown = added.chat_id, added.lang, added.doc_id, added.shown
        status_id = added.status_id
        await self._documents.update_document(doc_id, DocumentState.PROCESSING, size=len(data))
        await ui.document_progress(chat_id, status_id, tr(lang, "doc_indexing_here", name=shown))
        await ui.reading(chat_id, added.thread_id)
        try:
            chunks = await extract(ext, data, EXTRACT_TIMEOUT)
        except ExtractionError as exc:
            log.info("Document %s: no text taken out: %s", doc_id, exc)
            raise await fail(exc.key, exc.key) from exc
        await self._chunks.add_chunks(doc_id, chat_id, chunks)
        await self._documents.update_document(doc_id, DocumentState.READY)
        log.info("Document %s: %d chunks indexed here", doc_id, len(chunks))
        text = tr(lang, "doc_ready", name=shown, size=human_size(len(data)))
        await ui.document_progress(chat_id, status_id, text)
        return True

    async def passages(
        self, chat_id: int, topic: str, questions: int
    ) -> tuple[RetrievedChunk, ...]:
        return await find_passages(self._documents, self._chunks, chat_id, topic, questions)


async def find_passages(
    documents: DocumentStore, chunks: ChunkStore, chat_id: int, topic: str, questions: int
) -> tuple[RetrievedChunk, ...]:
    """The chunks a quiz is written from: the best for its topic, or (no topic, or nothing
    matches) chunks spread over all the chat's documents, so a quiz covers more than page 1."""
    if not await documents.has_ready_documents(chat_id):
        # Most quizzes have no documents: one indexed lookup, no full-text search.
        return ()
    limit = max(MIN_PASSAGES, min(MAX_PASSAGES, questions + 2))
    found = await chunks.search_chunks(chat_id, topic, limit) if topic else []
    if not found:
        found = await chunks.spread_chunks(chat_id, limit)
    return tuple(_passage(f) for f in found)
