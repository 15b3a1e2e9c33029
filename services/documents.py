"""A chat's documents: listed, refreshed, removed, and the vector stores its quizzes search.
Adding one is services/document_adding.py.

Each step records its result in the database before the next one, so /docs always says
where a document stands, and a failure leaves no file on OpenAI that the bot no longer knows
about.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from engine.library import DocumentLibrary, LibraryError
from quiz.states import BUSY_DOCUMENT_STATES, DocumentState
from services.document_transfer import DocumentSettings
from services.keyed_locks import Locks
from services.local_library import indexed_here
from storage import DocumentRow
from storage.documents import DocumentStore

log = logging.getLogger(__name__)

# States in which the bot is still working on a document (and it may not be removed yet).
BUSY_STATES = BUSY_DOCUMENT_STATES
MAX_STORE_NAME = 100


class Documents:
    def __init__(
        self,
        *,
        documents: DocumentStore,
        library: DocumentLibrary | None,
        locks: Locks,
        clock: Callable[[], float],
        values: DocumentSettings,
    ) -> None:
        self._documents = documents
        # Users' documents on OpenAI (files + one vector store per chat); None: no uploads.
        self._library_or_none = library
        # Serialises creating (or dropping) a chat's vector store when documents arrive together.
        self._locks = locks
        self._clock = clock
        self._values = values

    @property
    def library(self) -> DocumentLibrary:
        """The documents' library on OpenAI, where a path needs one (not local search)."""
        assert self._library_or_none is not None, "documents need a DocumentLibrary"
        return self._library_or_none

    def is_local(self) -> bool:
        """Whether documents are indexed here rather than on OpenAI."""
        return indexed_here(self._values.search, self._library_or_none)

    def no_search(self) -> bool:
        """Documents can't be searched at all: the server has no such API, and local search
        is off (DOCUMENT_SEARCH=openai)."""
        library = self._library_or_none
        return library is not None and library.missing and not self.is_local()

    async def chat_store(self, chat_id: int, chat_title: str) -> str:
        """The chat's vector store, created on first use (and again if OpenAI expired it)."""
        library = self.library
        async with self._locks.hold(chat_id):
            store = await self._documents.chat_library(chat_id)
            if store is not None and await library.store_usable(store):
                return store
            if store is not None:
                await self._expire(chat_id)
            name = f"StudyQuiz: {chat_title}"[:MAX_STORE_NAME]
            store = await library.create_store(name, self._values.store_expiry_days)
            await self._documents.set_chat_library(chat_id, store, self._clock())
            log.info("Chat %s: created vector store %s", chat_id, store)
            return store

    async def _expire(self, chat_id: int) -> None:
        """OpenAI deleted the chat's store after its idle period: its documents went with it."""
        for doc in await self._documents.of_chat(chat_id):
            if doc.openai_file_id is not None:
                # The store is gone, but the uploaded files are not deleted with it.
                await self.discard(None, doc.openai_file_id)
            await self._documents.update_document(doc.id, DocumentState.FAILED, error="expired")
        await self._documents.drop_chat_library(chat_id)
        log.info("Chat %s: vector store expired; documents marked", chat_id)

    async def discard(self, store: str | None, file_id: str) -> None:
        """Delete a file on OpenAI that is of no use (a failure is only logged)."""
        try:
            await self.library.remove(store, file_id)
        except LibraryError as exc:
            log.warning("Could not delete OpenAI file after a failure: %s", exc)

    async def quiz_stores(self, chat_id: int) -> tuple[str, ...]:
        """The vector stores a quiz in this chat searches: its own (if it has ready documents)
        and the configured VECTOR_STORE_ID."""
        stores: list[str] = []
        store = await self._documents.chat_library(chat_id)
        if store is not None and await self._documents.has_ready_documents(chat_id):
            try:
                usable = await self.library.store_usable(store)
            except LibraryError as exc:
                # Not knowing is no reason to drop the library: let the quiz try with it.
                log.info("Chat %s: could not check the vector store: %s", chat_id, exc)
                usable = True
            if usable:
                stores.append(store)
            else:
                async with self._locks.hold(chat_id):
                    if await self._documents.chat_library(chat_id) == store:
                        await self._expire(chat_id)
        configured = self._values.vector_store_id
        if configured and configured not in stores:
            stores.append(configured)
        return tuple(stores)

    async def chat_documents(self, chat_id: int) -> list[DocumentRow]:
        """The chat's documents, oldest first (the numbering /docs and /forget use)."""
        return await self._documents.of_chat(chat_id)

    async def refreshed(self, chat_id: int) -> list[DocumentRow]:
        """The chat's documents, those still being indexed asked about again."""
        return await self.refresh(await self.chat_documents(chat_id))

    async def refresh(self, docs: Sequence[DocumentRow]) -> list[DocumentRow]:
        """Ask OpenAI about documents that were still being indexed when the bot stopped
        waiting."""
        out: list[DocumentRow] = []
        for doc in docs:
            if doc.state == DocumentState.PROCESSING and doc.openai_file_id and doc.vector_store_id:
                try:
                    now = await self.library.status(doc.vector_store_id, doc.openai_file_id)
                except LibraryError as exc:
                    log.info("Document %s: status unknown: %s", doc.id, exc)
                else:
                    if now.completed:
                        await self._documents.update_document(doc.id, DocumentState.READY)
                    elif not now.in_progress:
                        await self._documents.update_document(
                            doc.id, DocumentState.FAILED, error=now.error or now.status
                        )
                    doc = await self._documents.document(doc.id) or doc
            out.append(doc)
        return out

    async def remove_documents(self, chat_id: int, docs: Sequence[DocumentRow]) -> None:
        """Detach and delete each document's file on OpenAI, then forget it; the store goes
        too when the chat has no documents left."""
        library = self.library
        for doc in docs:
            if doc.openai_file_id is not None:
                await library.remove(doc.vector_store_id, doc.openai_file_id)
            await self._documents.delete_document(doc.id)
        if not await self._documents.of_chat(chat_id):
            async with self._locks.hold(chat_id):
                store = await self._documents.chat_library(chat_id)
                if store is not None:
                    await library.delete_store(store)
                    await self._documents.drop_chat_library(chat_id)
