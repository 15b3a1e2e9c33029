"""The library: each person's posted and imported quizzes, their share links, the copies
played from them, and the board of a shared quiz.

A library entry is a row of `quizzes` with its questions (nothing is copied): `sync` files
every quiz a person started and that opened, numbered in the order it was made."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from quiz.csv_format import Card
from quiz.model import Quiz
from storage.database import Row
from storage.store import Store

# A search or a page never reads more rows than this.
MAX_ROWS = 50


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    quiz_id: int
    owner_id: int
    number: int
    title: str
    topic: str
    questions: int
    created_at: float
    share_token: str | None
    board: bool
    imported: bool


@dataclass(frozen=True, slots=True)
class BoardRow:
    user_id: int
    name: str
    score: int
    total: int
    seconds: float


_ENTRY = (
    "SELECT l.quiz_id, l.owner_id, l.number, COALESCE(l.title, q.title, q.topic) AS title,"
    " q.topic, (SELECT COUNT(*) FROM questions s WHERE s.quiz_id = q.id) AS questions,"
    " q.created_at, l.share_token, l.board, l.imported"
    " FROM library l JOIN quizzes q ON q.id = l.quiz_id"
)


def _entry(r: Row) -> LibraryEntry:
    return LibraryEntry(
        quiz_id=r["quiz_id"],
        owner_id=r["owner_id"],
        number=r["number"],
        title=r["title"] or "",
        topic=r["topic"],
        questions=r["questions"],
        created_at=r["created_at"],
        share_token=r["share_token"],
        board=bool(r["board"]),
        imported=bool(r["imported"]),
    )


class LibraryStore(Store):
    async def sync(self, owner_id: int) -> None:
        """File the owner's quizzes that opened since the last look (not copies)."""
        async with self.transaction():
            await self._write(
                "INSERT INTO library (quiz_id, owner_id, number)"
                " SELECT q.id, q.starter_id, (SELECT COALESCE(MAX(number), 0) FROM library"
                "  WHERE owner_id = ?1) + ROW_NUMBER() OVER (ORDER BY q.id)"
                " FROM quizzes q WHERE q.starter_id = ?1 AND q.opened_at IS NOT NULL"
                " AND NOT EXISTS (SELECT 1 FROM library l WHERE l.quiz_id = q.id)"
                " AND NOT EXISTS (SELECT 1 FROM quiz_copies c WHERE c.quiz_id = q.id)"
                " AND EXISTS (SELECT 1 FROM questions s WHERE s.quiz_id = q.id)",
                (owner_id,),
            )

    async def page(self, owner_id: int, offset: int, limit: int) -> tuple[list[LibraryEntry], int]:
        """The owner's entries, newest first, and how many there are."""
        rows = await self._all(
            f"{_ENTRY} WHERE l.owner_id = ? AND l.deleted = 0 ORDER BY l.number DESC"
            " LIMIT ? OFFSET ?",
            (owner_id, min(limit, MAX_ROWS), offset),
        )
        count = await self._one(
            "SELECT COUNT(*) FROM library WHERE owner_id = ? AND deleted = 0", (owner_id,)
        )
        return [_entry(r) for r in rows], int(count[0]) if count else 0

    async def search(self, owner_id: int, words: Sequence[str], limit: int) -> list[LibraryEntry]:
        """The owner's entries whose title or topic holds every word, newest first."""
        where = "".join(
            # LOWER: PostgreSQL's LIKE is case-sensitive, SQLite's not (for ASCII).
            " AND LOWER(COALESCE(l.title, q.title, '') || ' ' || q.topic) LIKE LOWER(?) ESCAPE '\\'"
            for _ in words
        )
        like = [
            "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            for w in words
        ]
        rows = await self._all(
            f"{_ENTRY} WHERE l.owner_id = ? AND l.deleted = 0{where} ORDER BY l.number DESC"
            " LIMIT ?",
            (owner_id, *like, min(limit, MAX_ROWS)),
        )
        return [_entry(r) for r in rows]

    async def entry(self, owner_id: int, number: int) -> LibraryEntry | None:
        row = await self._one(
            f"{_ENTRY} WHERE l.owner_id = ? AND l.number = ? AND l.deleted = 0", (owner_id, number)
        )
        return None if row is None else _entry(row)

    async def entry_of_quiz(self, quiz_id: int) -> LibraryEntry | None:
        row = await self._one(f"{_ENTRY} WHERE l.quiz_id = ? AND l.deleted = 0", (quiz_id,))
        return None if row is None else _entry(row)

    async def shared(self, token: str) -> LibraryEntry | None:
        row = await self._one(f"{_ENTRY} WHERE l.share_token = ? AND l.deleted = 0", (token,))
        return None if row is None else _entry(row)

    async def set_token(self, quiz_id: int, token: str | None) -> None:
        await self._write("UPDATE library SET share_token = ? WHERE quiz_id = ?", (token, quiz_id))

    async def set_board(self, quiz_id: int, board: bool) -> None:
        await self._write("UPDATE library SET board = ? WHERE quiz_id = ?", (int(board), quiz_id))

    async def rename(self, quiz_id: int, title: str) -> None:
        await self._write("UPDATE library SET title = ? WHERE quiz_id = ?", (title, quiz_id))

    async def delete(self, quiz_id: int) -> None:
        """Hidden from the library and its link revoked; the quiz stays in the chat's history."""
        await self._write(
            "UPDATE library SET deleted = 1, share_token = NULL WHERE quiz_id = ?", (quiz_id,)
        )

    async def forget_owner(self, owner_id: int) -> int:
        """/forgetme: every entry of the owner's deleted and its link revoked (the quizzes
        stay in their chats' history, like every quiz they started)."""
        await self.sync(owner_id)
        return await self._write(
            "UPDATE library SET deleted = 1, share_token = NULL, title = NULL"
            " WHERE owner_id = ? AND deleted = 0",
            (owner_id,),
        )

    async def add_copy(self, quiz_id: int, source_id: int, *, shared: bool) -> None:
        await self._write(
            "INSERT INTO quiz_copies (quiz_id, source_id, shared) VALUES (?, ?, ?)"
            " ON CONFLICT (quiz_id) DO NOTHING",
            (quiz_id, source_id, int(shared)),
        )

    async def source_of(self, quiz_id: int) -> int | None:
        row = await self._one("SELECT source_id FROM quiz_copies WHERE quiz_id = ?", (quiz_id,))
        return None if row is None else int(row[0])

    async def board(self, source_id: int, limit: int) -> list[BoardRow]:
        """Each taker's best closed try (most right, then fastest) of the quiz's copies."""
        rows = await self._all(
            "SELECT a.user_id, COALESCE(u.name, '') AS name,"
            " SUM(CASE WHEN a.choice_index = s.answer_index THEN 1 ELSE 0 END) AS score,"
            " q.num_questions AS total,"
            " MAX(a.answered_at) - COALESCE(q.opened_at, q.created_at) AS seconds"
            " FROM quiz_copies c JOIN quizzes q"
            " ON q.id = c.quiz_id AND q.state IN ('submitting', 'done')"
            " JOIN answers a ON a.quiz_id = q.id"
            " JOIN questions s ON s.quiz_id = a.quiz_id AND s.idx = a.question_idx"
            " LEFT JOIN users u ON u.user_id = a.user_id"
            " WHERE c.source_id = ? GROUP BY q.id, a.user_id, u.name",
            (source_id,),
        )
        best: dict[int, BoardRow] = {}
        for r in rows:
            row = BoardRow(r["user_id"], r["name"], r["score"], r["total"], r["seconds"])
            held = best.get(row.user_id)
            if held is None or (-row.score, row.seconds) < (-held.score, held.seconds):
                best[row.user_id] = row
        ranked = sorted(best.values(), key=lambda b: (-b.score, b.seconds, b.user_id))
        return ranked[:limit]

    async def cards(self, user_id: int) -> list[Card]:
        """The person's study cards, oldest first (for an export)."""
        rows = await self._all(
            "SELECT text, choices, answer_index, explanation, source_file FROM study_cards"
            " WHERE user_id = ? ORDER BY id",
            (user_id,),
        )
        return [
            Card(
                r["text"],
                tuple(json.loads(r["choices"])),
                r["answer_index"],
                r["explanation"],
                r["source_file"],
            )
            for r in rows
        ]

    async def import_quiz(
        self,
        *,
        owner_id: int,
        chat_id: int,
        chat_type: str,
        request_key: str,
        quiz: Quiz,
        styles: Sequence[str],
        lang: str,
        now: float,
    ) -> int | None:
        """Store an imported quiz and file it; its library number, or None when this request
        was stored before. Never played itself (its state says so): only copies of it are."""
        async with self.transaction():
            if await self._one("SELECT 1 FROM quizzes WHERE request_key = ?", (request_key,)):
                return None
            quiz_id = await self._db.insert(
                "INSERT INTO quizzes (chat_id, chat_type, starter_id, request_key, topic,"
                " num_questions, style, lang, state, title, created_at, closed_at, error)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'cancelled', ?, ?, ?, 'imported')",
                (
                    chat_id,
                    chat_type,
                    owner_id,
                    request_key,
                    quiz.title,
                    len(quiz.questions),
                    styles[0] if styles else "poll",
                    lang,
                    quiz.title,
                    now,
                    now,
                ),
            )
            assert quiz_id is not None
            await self._insert_questions(quiz_id, quiz, styles)
            return await self._file_imported(quiz_id, owner_id)

    async def _insert_questions(self, quiz_id: int, quiz: Quiz, styles: Sequence[str]) -> None:
        await self._db.write_many(
            "INSERT INTO questions (quiz_id, idx, text, choices, answer_index, explanation,"
            " source_file, display_order, style) VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (
                    quiz_id,
                    i,
                    q.text,
                    json.dumps(q.choices, ensure_ascii=False),
                    q.answer_index,
                    q.explanation,
                    q.source_file,
                    json.dumps(list(range(len(q.choices)))),
                    style,
                )
                for i, (q, style) in enumerate(zip(quiz.questions, styles, strict=True))
            ],
        )

    async def _file_imported(self, quiz_id: int, owner_id: int) -> int:
        """File the quiz under the owner's next library number, marked imported."""
        row = await self._one(
            "INSERT INTO library (quiz_id, owner_id, number, imported) VALUES"
            " (?1, ?2, (SELECT COALESCE(MAX(number), 0) + 1 FROM library WHERE owner_id = ?2),"
            " 1) RETURNING number",
            (quiz_id, owner_id),
        )
        assert row is not None
        return int(row[0])
