"""A chat's documents and its vector store (its library) on OpenAI."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields

from quiz.states import BUSY_DOCUMENT_STATES, DocumentState
from storage.database import Row
from storage.store import Store
from storage.usage import DocumentLimits, LimitReachedError


@dataclass(frozen=True, slots=True)
class DocumentRow:
    id: int
    chat_id: int
    uploader_id: int
    file_name: str
    size: int
    openai_file_id: str | None
    vector_store_id: str | None
    state: DocumentState
    error: str | None
    created_at: float
    request_key: str | None = None  # "<chat id>:<message id>" of the message that sent it
    thread_id: int | None = None
    lang: str | None = None  # of its sender, for what the chat is told about it
    status_message_id: int | None = None


_DOC_FIELDS = tuple(f.name for f in fields(DocumentRow))
_DOC_COLUMNS = ", ".join(_DOC_FIELDS)


def _document(row: Row) -> DocumentRow:
    values = {name: row[name] for name in _DOC_FIELDS}
    values["state"] = DocumentState(values["state"])
    return DocumentRow(**values)


class DocumentStore(Store):
    async def chat_library(self, chat_id: int) -> str | None:
        """The chat's vector store id, if it has one."""
        row = await self._one(
            "SELECT vector_store_id FROM chat_libraries WHERE chat_id = ?", (chat_id,)
        )
        return None if row is None else str(row[0])

    async def set_chat_library(self, chat_id: int, vector_store_id: str, now: float) -> None:
        await self._write(
            "INSERT INTO chat_libraries (chat_id, vector_store_id, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET vector_store_id = excluded.vector_store_id,"
            " created_at = excluded.created_at",
            (chat_id, vector_store_id, now),
        )

    async def drop_chat_library(self, chat_id: int) -> None:
        await self._write("DELETE FROM chat_libraries WHERE chat_id = ?", (chat_id,))

    async def create_document(
        self,
        *,
        chat_id: int,
        uploader_id: int,
        request_key: str,
        file_name: str,
        size: int,
        now: float,
        limits: DocumentLimits | None = None,
        thread_id: int | None = None,
        lang: str | None = None,
    ) -> DocumentRow | None:
        """A new document in state `downloading`; None when this message was seen before.

        With `limits`, it is reserved against them (`size` bytes, as announced) in the same
        transaction, or LimitReachedError says which one it would break."""
        async with self.transaction():
            if await self._one("SELECT 1 FROM documents WHERE request_key = ?", (request_key,)):
                return None
            if limits is not None:
                await self._reserve(limits, chat_id, uploader_id, request_key, size, now)
            doc_id = await self._db.insert(
                "INSERT INTO documents (chat_id, uploader_id, request_key, file_name, size,"
                " state, created_at, thread_id, lang)"
                " VALUES (?, ?, ?, ?, ?, 'downloading', ?, ?, ?)",
                (chat_id, uploader_id, request_key, file_name, size, now, thread_id, lang),
            )
        return None if doc_id is None else await self.document(doc_id)

    async def _reserve(
        self, limits: DocumentLimits, chat_id: int, user_id: int, key: str, size: int, now: float
    ) -> None:
        if limits.library:
            row = await self._one("SELECT COUNT(*) FROM documents WHERE chat_id = ?", (chat_id,))
            if row is not None and int(row[0]) >= limits.library:
                raise LimitReachedError("doc_limit_library", limits.library)
        # Only today's reservations count: older ones are of no use any more.
        await self._write("DELETE FROM document_quota WHERE at < ?", (limits.since,))
        await self._write(
            "INSERT INTO document_quota (request_key, chat_id, user_id, bytes, at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (request_key) DO NOTHING",
            (key, chat_id, user_id, size, now),
        )
        await self._check_quota(limits, chat_id, user_id, counts=True)

    async def _check_quota(
        self, limits: DocumentLimits, chat_id: int, user_id: int, *, counts: bool
    ) -> None:
        """Inside a transaction, with the new reservation already in: over a limit raises
        (and the transaction's rollback takes the reservation back)."""
        for who, column, value in (("user", "user_id", user_id), ("chat", "chat_id", chat_id)):
            row = await self._one(
                "SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM document_quota"
                f" WHERE {column} = ? AND at >= ?",
                (value, limits.since),
            )
            used, used_bytes = (int(row[0]), int(row[1])) if row is not None else (0, 0)
            per_day = limits.user_per_day if who == "user" else limits.chat_per_day
            bytes_per_day = (
                limits.user_bytes_per_day if who == "user" else limits.chat_bytes_per_day
            )
            if counts and per_day and used > per_day:
                raise LimitReachedError(f"doc_limit_{who}_documents", per_day)
            if bytes_per_day and used_bytes > bytes_per_day:
                raise LimitReachedError(f"doc_limit_{who}_bytes", bytes_per_day)

    async def settle_document_size(
        self, request_key: str, size: int, limits: DocumentLimits
    ) -> None:
        """The downloaded size replaces the announced one in the document's reservation;
        LimitReachedError (and the reservation unchanged) when that breaks a daily limit."""
        async with self.transaction():
            row = await self._one(
                "SELECT chat_id, user_id FROM document_quota WHERE request_key = ?", (request_key,)
            )
            if row is None:
                return
            await self._write(
                "UPDATE document_quota SET bytes = ? WHERE request_key = ?", (size, request_key)
            )
            await self._check_quota(limits, int(row[0]), int(row[1]), counts=False)

    async def release_document(self, request_key: str) -> None:
        """Nothing of the document reached OpenAI: it does not count towards the day's limits."""
        await self._write("DELETE FROM document_quota WHERE request_key = ?", (request_key,))

    async def document(self, doc_id: int) -> DocumentRow | None:
        row = await self._one(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,))
        return None if row is None else _document(row)

    async def by_request(self, request_key: str) -> DocumentRow | None:
        row = await self._one(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE request_key = ?", (request_key,)
        )
        return None if row is None else _document(row)

    async def busy(self) -> list[DocumentRow]:
        """Every document still being downloaded or uploaded, oldest first."""
        rows = await self._all(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE state IN (?, ?) ORDER BY id",
            BUSY_DOCUMENT_STATES,
        )
        return [_document(r) for r in rows]

    async def restart_busy(self, doc_id: int, state: DocumentState, error: str | None) -> bool:
        """`state` (downloading: its transfer starts again; failed) for a document still
        busy; False when it is not busy any more (another worker finished it meanwhile)."""
        changed = await self._write(
            "UPDATE documents SET state = ?, error = ? WHERE id = ? AND state IN (?, ?)",
            (state, error, doc_id, *BUSY_DOCUMENT_STATES),
        )
        return changed == 1

    async def set_status_message(self, doc_id: int, message_id: int) -> None:
        await self._write(
            "UPDATE documents SET status_message_id = ? WHERE id = ?", (message_id, doc_id)
        )

    async def requests_to_replay(self) -> set[str]:
        """The request keys ("<chat id>:<message id>") of the messages whose updates are in
        the inbox, not yet handled: a restart replays them (services/inbox.py)."""
        keys: set[str] = set()
        for row in await self._all("SELECT payload FROM inbox"):
            message = json.loads(row[0]).get("message")
            if isinstance(message, dict) and isinstance(message.get("chat"), dict):
                keys.add(f"{message['chat'].get('id')}:{message.get('message_id')}")
        return keys

    async def of_chat(self, chat_id: int) -> list[DocumentRow]:
        """The chat's documents, oldest first (the numbering /docs and /forget use)."""
        rows = await self._all(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE chat_id = ? ORDER BY id", (chat_id,)
        )
        return [_document(r) for r in rows]

    async def has_ready_documents(self, chat_id: int) -> bool:
        row = await self._one(
            "SELECT 1 FROM documents WHERE chat_id = ? AND state = 'ready' LIMIT 1", (chat_id,)
        )
        return row is not None

    async def update_document(
        self,
        doc_id: int,
        state: DocumentState,
        *,
        size: int | None = None,
        openai_file_id: str | None = None,
        vector_store_id: str | None = None,
        error: str | None = None,
    ) -> None:
        await self._write(
            "UPDATE documents SET state = ?, size = COALESCE(?, size),"
            " openai_file_id = COALESCE(?, openai_file_id),"
            " vector_store_id = COALESCE(?, vector_store_id), error = ? WHERE id = ?",
            (state, size, openai_file_id, vector_store_id, error, doc_id),
        )

    async def delete_document(self, doc_id: int) -> None:
        await self._write("DELETE FROM documents WHERE id = ?", (doc_id,))
