"""Reading quizzes: by id (remembered on SQLite until the quiz is written), a topic's live
quiz, the quizzes in a state. Every write of a quiz goes through `_changing`."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from quiz.states import LIVE_STATES, QuizState
from storage.database import SQLDatabase
from storage.quiz_rows import QUIZ_COLUMNS, QuizRow, quiz_row
from storage.store import Store

# Quiz rows remembered by id: every answer reads its quiz.
QUIZ_CACHE_SIZE = 4096


class QuizReads(Store):
    def __init__(self, db: SQLDatabase) -> None:
        super().__init__(db)
        # Rows as last read, oldest first; every write of a quiz forgets it (see _changing).
        self._quizzes: dict[int, QuizRow] = {}
        self._quiz_writes = 0

    @contextlib.contextmanager
    def _changing(self, quiz_id: int | None) -> Iterator[None]:
        """Around a write of one quiz (None: of any): forget it before, so no read begun
        since is remembered, and after (also on failure), so neither is a read that ran
        just before the write."""
        self._forget(quiz_id)
        try:
            yield
        finally:
            self._forget(quiz_id)

    def _forget(self, quiz_id: int | None) -> None:
        self._quiz_writes += 1
        if quiz_id is None:
            self._quizzes.clear()
        else:
            self._quizzes.pop(quiz_id, None)

    async def quiz(self, quiz_id: int) -> QuizRow | None:
        """The quiz as committed; from memory unless written since it was last read (all
        writes of quizzes go through this store, and only this process writes them). On
        PostgreSQL other workers write them too: always read, one indexed lookup."""
        if self._db.dialect != "sqlite":
            return await self._read_quiz(quiz_id)
        cached = self._quizzes.get(quiz_id)
        if cached is not None:
            return cached
        writes, inside = self._quiz_writes, self._db.inside()
        row = await self._read_quiz(quiz_id)
        if row is None:
            return None
        # Not remembered: a row read inside a transaction (not committed yet) or while a
        # write of quizzes was under way.
        if not inside and writes == self._quiz_writes:
            self._quizzes[quiz_id] = row
            if len(self._quizzes) > QUIZ_CACHE_SIZE:
                del self._quizzes[next(iter(self._quizzes))]
        return row

    async def _read_quiz(self, quiz_id: int) -> QuizRow | None:
        # One round trip to the database thread (execute, fetch and close at once).
        rows = await self._fetch(f"SELECT {QUIZ_COLUMNS} FROM quizzes WHERE id = ?", (quiz_id,))
        return quiz_row(rows[0]) if rows else None

    async def live_quiz(self, chat_id: int, thread_id: int) -> QuizRow | None:
        row = await self._one(
            f"SELECT {QUIZ_COLUMNS} FROM quizzes WHERE chat_id = ? AND thread_id = ?"
            " AND state IN (?, ?, ?)",
            (chat_id, thread_id, *LIVE_STATES),
        )
        return None if row is None else quiz_row(row)

    async def quizzes_in_state(self, state: QuizState) -> list[QuizRow]:
        rows = await self._all(
            f"SELECT {QUIZ_COLUMNS} FROM quizzes WHERE state = ? ORDER BY id", (state,)
        )
        return [quiz_row(r) for r in rows]
