"""Moving one document from Telegram to OpenAI within the day's limits.

The file goes to disk and is uploaded from there, so at most one copy of it is in memory at
a time (while Telegram's bytes are read), and the upload is sent in chunks from the file."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram.error import BadRequest, TelegramError

from engine.library import DocumentLibrary, LibraryError, LibraryMissingError
from quiz.states import DocumentState
from services import daily
from services.chat_messages import TelegramFiles, TooBigError
from services.daily import day_start
from services.document_types import human_size
from services.errors import Fail
from settings import Settings
from storage.documents import DocumentStore
from storage.usage import DocumentLimits, LimitReachedError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DocumentSettings:
    """The setting values adding and searching documents use."""

    max_bytes: int  # the largest document accepted (Settings.document_limit)
    index_timeout: float  # DOCUMENT_INDEX_TIMEOUT
    store_expiry_days: int  # VECTOR_STORE_EXPIRY_DAYS
    vector_store_id: str | None  # VECTOR_STORE_ID, searched by every quiz
    search: str  # DOCUMENT_SEARCH: auto, openai or local
    user_per_day: int
    chat_per_day: int
    user_bytes_per_day: int
    chat_bytes_per_day: int
    library: int  # CHAT_MAX_DOCUMENTS

    @classmethod
    def of(cls, settings: Settings) -> DocumentSettings:
        return cls(
            max_bytes=settings.document_limit,
            index_timeout=settings.document_index_timeout,
            store_expiry_days=settings.vector_store_expiry_days,
            vector_store_id=settings.vector_store_id,
            search=settings.document_search,
            user_per_day=settings.user_documents_per_day,
            chat_per_day=settings.chat_documents_per_day,
            user_bytes_per_day=settings.user_document_bytes_per_day,
            chat_bytes_per_day=settings.chat_document_bytes_per_day,
            library=settings.chat_max_documents,
        )


def document_limits(values: DocumentSettings, now: float) -> DocumentLimits:
    """The limits a new document is reserved against, in the transaction that creates it."""
    return DocumentLimits(
        since=day_start(now),
        user_per_day=values.user_per_day,
        chat_per_day=values.chat_per_day,
        user_bytes_per_day=values.user_bytes_per_day,
        chat_bytes_per_day=values.chat_bytes_per_day,
        library=values.library,
    )


def limit_values(error: LimitReachedError, now: float) -> dict[str, Any]:
    """What a document limit's text shows: the limit (a size for bytes) and its reset."""
    values = daily.limit_values(error, now)
    if error.key.endswith("_bytes"):
        values["limit"] = human_size(error.limit)
    return values


@dataclass(slots=True)
class Transfer:
    """One document's way from Telegram (`file_id`) to OpenAI, through a file on disk."""

    files: TelegramFiles
    documents: DocumentStore
    library: DocumentLibrary
    file_id: str
    doc_id: int
    key: str  # the request's, which its reservation has
    limits: DocumentLimits
    max_bytes: int
    fail: Fail

    async def download(self, path: Path, announced: int | None, now: float) -> int:
        """The document from Telegram into `path`, checked against the limits again with
        its real size; that size in bytes."""
        limit = human_size(self.max_bytes)
        try:
            await self.files.download_to(self.file_id, path, self.max_bytes)
        except TooBigError as exc:
            size = human_size(exc.size)
            raise await self.fail("doc_too_big", "too big", size=size, limit=limit) from None
        except TelegramError as exc:
            log.warning("Document %s: download failed: %s", self.doc_id, exc)
            if isinstance(exc, BadRequest) and "too big" in exc.message.lower():
                size = human_size(announced) if announced else "?"
                raise await self.fail("doc_too_big", "too big", size=size, limit=limit) from exc
            raise await self.fail("doc_download_failed", "download failed") from exc
        received = (await asyncio.to_thread(path.stat)).st_size
        if received > self.max_bytes:
            raise await self.fail("doc_too_big", "too big", size=human_size(received), limit=limit)
        try:
            await self.documents.settle_document_size(self.key, received, self.limits)
        except LimitReachedError as exc:
            raise await self.fail(exc.key, exc.key, **limit_values(exc, now)) from None
        return received

    async def upload(
        self, path: Path, name: str, store_of: Callable[[], Awaitable[str]]
    ) -> tuple[str, str]:
        """Upload `path` as `name` for the chat's store (`store_of` finds or creates it);
        the store's and the file's ids. The document is `processing` from then on. Raises
        LibraryMissingError where the server has no Files or vector stores API."""
        try:
            store = await store_of()
            file_id = await self.library.upload(name, path)
        except LibraryMissingError:
            raise  # the caller may index it here instead
        except LibraryError as exc:
            log.warning("Document %s: OpenAI failed: %s", self.doc_id, exc)
            raise await self.fail("doc_openai_failed", type(exc).__name__) from exc
        await self.documents.update_document(
            self.doc_id, DocumentState.PROCESSING, openai_file_id=file_id, vector_store_id=store
        )
        return store, file_id
