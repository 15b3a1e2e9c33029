"""Local document search: a document's text in chunks, indexed with SQLite FTS5 and ranked
by BM25, or on PostgreSQL with a GIN index over the chunks' tsvector and ranked by ts_rank
(see the migration of document_chunks). Only ready documents are searched.

The quiz side sees only the ChunkIndex protocol.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from storage.store import Store


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of a document's text, as indexed; page None where the format has no pages."""

    page: int | None
    text: str


@dataclass(frozen=True, slots=True)
class FoundChunk:
    document_id: int
    file_name: str
    page: int | None
    seq: int
    text: str


class ChunkIndex(Protocol):
    async def add_chunks(self, document_id: int, chat_id: int, chunks: Sequence[Chunk]) -> None:
        """Index a document's chunks in one transaction (they go when the document goes)."""
        ...

    async def search_chunks(self, chat_id: int, query: str, limit: int) -> list[FoundChunk]:
        """The chat's best chunks for `query`, best first; [] when nothing matches."""
        ...

    async def spread_chunks(self, chat_id: int, limit: int) -> list[FoundChunk]:
        """`limit` chunks evenly spread over all the chat's documents, in reading order."""
        ...

    async def count_chunks(self, chat_id: int) -> int: ...


# Words of a query; each is quoted for FTS5, so no character of a topic can be syntax.
_WORD = re.compile(r"\w+")
# At most this many words of a topic are searched for (a topic is at most 200 characters).
MAX_QUERY_WORDS = 32

_FOUND = (
    "SELECT c.document_id, d.file_name, c.page, c.seq, c.text FROM document_chunks c"
    " JOIN documents d ON d.id = c.document_id"
)


def _words(text: str) -> list[str]:
    return list(dict.fromkeys(w.lower() for w in _WORD.findall(text)))[:MAX_QUERY_WORDS]


def match_query(text: str) -> str | None:
    """Any of the words, as an FTS5 query; None when the text has no words."""
    return " OR ".join(f'"{w}"' for w in _words(text)) or None


def tsquery_words(text: str) -> str | None:
    """Any of the words, for PostgreSQL's websearch_to_tsquery; None when it has none.

    Only word characters reach it, and `or` between them is its OR: the word "or" itself
    would be read as one, so it is left out (it matches too much to help anyway)."""
    return " or ".join(w for w in _words(text) if w != "or") or None


# PostgreSQL: the index's expression (see the migration), so the GIN index serves it.
_PG_SEARCH = (
    f"{_FOUND}, websearch_to_tsquery('simple', ?) query"
    " WHERE to_tsvector('simple', c.text) @@ query AND c.chat_id = ? AND d.state = 'ready'"
    " ORDER BY ts_rank(to_tsvector('simple', c.text), query) DESC, c.id LIMIT ?"
)


class ChunkStore(Store):
    async def add_chunks(self, document_id: int, chat_id: int, chunks: Sequence[Chunk]) -> None:
        await self._db.write_many(
            "INSERT INTO document_chunks (document_id, chat_id, seq, page, text)"
            " VALUES (?, ?, ?, ?, ?)",
            [(document_id, chat_id, seq, c.page, c.text) for seq, c in enumerate(chunks)],
        )

    async def search_chunks(self, chat_id: int, query: str, limit: int) -> list[FoundChunk]:
        if self._db.dialect == "postgresql":
            words = tsquery_words(query)
            if words is None:
                return []
            rows = await self._all(_PG_SEARCH, (words, chat_id, limit))
            return [FoundChunk(*row) for row in rows]
        match = match_query(query)
        if match is None:
            return []
        rows = await self._all(
            f"{_FOUND} JOIN document_chunks_fts f ON f.rowid = c.id"
            " WHERE document_chunks_fts MATCH ? AND c.chat_id = ? AND d.state = 'ready'"
            " ORDER BY bm25(document_chunks_fts) LIMIT ?",
            (match, chat_id, limit),
        )
        return [FoundChunk(*row) for row in rows]

    async def spread_chunks(self, chat_id: int, limit: int) -> list[FoundChunk]:
        ids = await self._all(
            "SELECT c.id FROM document_chunks c JOIN documents d ON d.id = c.document_id"
            " WHERE c.chat_id = ? AND d.state = 'ready' ORDER BY c.document_id, c.seq",
            (chat_id,),
        )
        if not ids or limit <= 0:
            return []
        n, k = len(ids), min(limit, len(ids))
        # The middle of each of k equal stretches: the first page and the last count no
        # more than any other.
        picked = [ids[(2 * i + 1) * n // (2 * k)][0] for i in range(k)]
        marks = ", ".join("?" * len(picked))
        rows = await self._all(
            f"{_FOUND} WHERE c.id IN ({marks}) ORDER BY c.document_id, c.seq", picked
        )
        return [FoundChunk(*row) for row in rows]

    async def count_chunks(self, chat_id: int) -> int:
        row = await self._one("SELECT COUNT(*) FROM document_chunks WHERE chat_id = ?", (chat_id,))
        return int(row[0]) if row else 0
