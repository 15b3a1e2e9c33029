"""A chat's documents and its vector store (its library) on OpenAI."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields

from quiz.states import DocumentState
from storage.store import Store


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


_DOC_FIELDS = tuple(f.name for f in fields(DocumentRow))
_DOC_COLUMNS = ", ".join(_DOC_FIELDS)


def _document(row: sqlite3.Row) -> DocumentRow:
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
    ) -> DocumentRow | None:
        """A new document in state `downloading`; None when this message was seen before."""
        doc_id = await self._db.insert(
            "INSERT INTO documents (chat_id, uploader_id, request_key, file_name, size, state,"
            " created_at) VALUES (?, ?, ?, ?, ?, 'downloading', ?)"
            " ON CONFLICT (request_key) DO NOTHING",
            (chat_id, uploader_id, request_key, file_name, size, now),
        )
        return None if doc_id is None else await self.document(doc_id)

    async def document(self, doc_id: int) -> DocumentRow | None:
        row = await self._one(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,))
        return None if row is None else _document(row)

    async def documents(self, chat_id: int) -> list[DocumentRow]:
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
