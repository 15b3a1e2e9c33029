"""A chat's document library on OpenAI: uploaded files in one vector store per chat."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, Protocol

import openai
from openai import AsyncOpenAI

log = logging.getLogger(__name__)

# Files for file_search are uploaded with this purpose.
FILE_PURPOSE: Final[Literal["assistants"]] = "assistants"


class LibraryError(Exception):
    """OpenAI could not store or index a document; the message is for logs, not users."""


class LibraryMissingError(LibraryError):
    """The model server has no /v1/files or /v1/vector_stores (local servers): documents
    cannot be searched there at all."""


class LibraryUnavailableError(LibraryError):
    """Timeouts, connection errors, 429/5xx after the SDK's own retries."""


@dataclass(frozen=True, slots=True)
class Indexed:
    """How attaching a file to a vector store ended."""

    status: str  # "completed", "failed", "cancelled" or "in_progress" (still working)
    error: str | None = None  # the vector store file's last_error, as "code: message"

    @property
    def completed(self) -> bool:
        return self.status == "completed"

    @property
    def in_progress(self) -> bool:
        return self.status == "in_progress"


class DocumentLibrary(Protocol):
    # True once the server answered 404 to creating a file or store: it has no such API.
    missing: bool

    async def create_store(self, name: str, expiry_days: int) -> str:
        """A new vector store that OpenAI deletes after `expiry_days` without use."""
        ...

    async def store_usable(self, store_id: str) -> bool:
        """False when the store has expired or is gone."""
        ...

    async def upload(self, file_name: str, path: Path) -> str:
        """Upload the file at `path` as `file_name`, streamed from disk; returns its file id."""
        ...

    async def index(self, store_id: str, file_id: str, max_wait: float) -> Indexed:
        """Attach a file to a store and wait (at most `max_wait` s) until it is processed."""
        ...

    async def status(self, store_id: str, file_id: str) -> Indexed:
        """Where the processing of an attached file stands now."""
        ...

    async def remove(self, store_id: str | None, file_id: str) -> None:
        """Detach the file from the store and delete it; already gone counts as done."""
        ...

    async def delete_store(self, store_id: str) -> None: ...


def _describe(error: object) -> str | None:
    if error is None:
        return None
    code = getattr(error, "code", "") or ""
    message = getattr(error, "message", "") or ""
    return f"{code}: {message}" if code and message else (message or code or None)


class OpenAILibrary:
    def __init__(self, client: AsyncOpenAI) -> None:
        self._client = client
        self.missing = False

    def _absent(self, exc: openai.NotFoundError) -> LibraryMissingError:
        # Creating is never a 404 on a server that has the API: the route itself is missing.
        self.missing = True
        log.warning("The model server has no files or vector stores API: %s", exc.status_code)
        return LibraryMissingError(f"HTTP {exc.status_code}")

    @staticmethod
    def _unavailable(exc: openai.APIError) -> LibraryError:
        if isinstance(exc, openai.APIStatusError):
            log.warning(
                "OpenAI refused a library request: HTTP %s, request id %s",
                exc.status_code,
                exc.request_id,
            )
            if isinstance(exc, openai.RateLimitError | openai.InternalServerError):
                return LibraryUnavailableError(f"HTTP {exc.status_code}")
            return LibraryError(f"HTTP {exc.status_code} (request id {exc.request_id})")
        return LibraryUnavailableError(type(exc).__name__)

    async def create_store(self, name: str, expiry_days: int) -> str:
        try:
            store = await self._client.vector_stores.create(
                name=name,
                expires_after={"anchor": "last_active_at", "days": expiry_days},
                metadata={"app": "studyquiz"},
            )
        except openai.NotFoundError as exc:
            raise self._absent(exc) from exc
        except openai.APIError as exc:
            raise self._unavailable(exc) from exc
        return store.id

    async def store_usable(self, store_id: str) -> bool:
        try:
            store = await self._client.vector_stores.retrieve(store_id)
        except openai.NotFoundError:
            return False
        except openai.APIError as exc:
            raise self._unavailable(exc) from exc
        return store.status != "expired"

    async def upload(self, file_name: str, path: Path) -> str:
        # An open file, not the path: the SDK reads a path whole into memory, while the HTTP
        # client sends an open file in chunks.
        file = await asyncio.to_thread(path.open, "rb")
        try:
            created = await self._client.files.create(file=(file_name, file), purpose=FILE_PURPOSE)
        except openai.NotFoundError as exc:
            raise self._absent(exc) from exc
        except openai.APIError as exc:
            raise self._unavailable(exc) from exc
        finally:
            file.close()
        return created.id

    async def index(self, store_id: str, file_id: str, max_wait: float) -> Indexed:
        try:
            attached = await self._client.vector_stores.files.create(
                vector_store_id=store_id, file_id=file_id
            )
            if attached.status == "in_progress":
                # The SDK helper polls at the server's suggested pace and stops at max_wait.
                attached = await self._client.vector_stores.files.poll(
                    file_id, vector_store_id=store_id, max_wait_seconds=max_wait
                )
        except TimeoutError:
            return Indexed("in_progress")
        except openai.APIError as exc:
            raise self._unavailable(exc) from exc
        return Indexed(attached.status, _describe(attached.last_error))

    async def status(self, store_id: str, file_id: str) -> Indexed:
        try:
            found = await self._client.vector_stores.files.retrieve(
                file_id, vector_store_id=store_id
            )
        except openai.NotFoundError:
            return Indexed("failed", "not_found: the file is no longer in the library")
        except openai.APIError as exc:
            raise self._unavailable(exc) from exc
        return Indexed(found.status, _describe(found.last_error))

    async def remove(self, store_id: str | None, file_id: str) -> None:
        try:
            if store_id is not None:
                with contextlib.suppress(openai.NotFoundError):
                    await self._client.vector_stores.files.delete(file_id, vector_store_id=store_id)
            with contextlib.suppress(openai.NotFoundError):
                await self._client.files.delete(file_id)
        except openai.APIError as exc:
            raise self._unavailable(exc) from exc

    async def delete_store(self, store_id: str) -> None:
        try:
            await self._client.vector_stores.delete(store_id)
        except openai.NotFoundError:
            pass
        except openai.APIError as exc:
            raise self._unavailable(exc) from exc
