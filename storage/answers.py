"""Answers: one per participant and question, and the names they answer under."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from quiz.model import Answer
from storage.store import Store

# One multi-row INSERT per this many answers: 5 parameters each, well under SQLite's 32,766
# (3.32+; 999 before, which would need a smaller chunk).
ANSWERS_PER_STATEMENT = 500 if sqlite3.sqlite_version_info >= (3, 32) else 190

# A participant's name, written only when it changed (names change rarely; answers often).
_UPSERT_USER = (
    "INSERT INTO users (user_id, name, updated_at) VALUES (?, ?, ?)"
    " ON CONFLICT (user_id) DO UPDATE SET name = excluded.name,"
    " updated_at = excluded.updated_at WHERE users.name != excluded.name"
)


# One answer of a multi-row INSERT, typed: PostgreSQL cannot tell a VALUES list's types.
_ANSWER_ROW = (
    "(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT),"
    " CAST(? AS DOUBLE PRECISION))"
)


@dataclass(frozen=True, slots=True)
class NewAnswer:
    quiz_id: int
    index: int
    user_id: int
    name: str
    choice_index: int
    now: float

    @property
    def key(self) -> tuple[int, int, int]:
        return self.quiz_id, self.index, self.user_id


@dataclass(frozen=True, slots=True)
class QuizProgress:
    """What decides whether a quiz is complete, as of one moment."""

    quiz_id: int
    is_open: bool
    writing: bool
    private: bool
    num_questions: int
    member_count: int | None
    # Private: the starter's answers. Groups: the people who answered every question.
    starter_answers: int
    finished: int


_PROGRESS = (
    "SELECT q.id, q.state = 'open', q.writing, q.chat_type = 'private', q.num_questions,"
    " q.member_count,"
    " (SELECT COUNT(*) FROM answers a WHERE a.quiz_id = q.id AND a.user_id = q.starter_id),"
    " CASE WHEN q.chat_type = 'private' THEN 0 ELSE"
    " (SELECT COUNT(*) FROM (SELECT 1 FROM answers a WHERE a.quiz_id = q.id"
    " GROUP BY a.user_id HAVING COUNT(*) >= (SELECT COUNT(*) FROM questions qq"
    " WHERE qq.quiz_id = q.id)) f) END"
    " FROM quizzes q WHERE q.id IN "
)


class AnswerStore(Store):
    async def store_answer(
        self, quiz_id: int, index: int, user_id: int, name: str, choice_index: int, now: float
    ) -> tuple[int, int] | None:
        """Store a first answer and its author's name in one transaction.

        None when it was not stored (answered before, re-delivery, or the quiz is not open);
        else how many of the quiz's questions the author has now answered, and how many the
        quiz has, both as of this write.
        """
        # What the usual answer (stored, name unchanged, quiz not finished) needs comes back
        # with the insert: the two counts (a few index lookups) and the stored name.
        async with self.transaction():
            rows = await self._fetch(
                "INSERT INTO answers (quiz_id, question_idx, user_id, choice_index, answered_at)"
                " SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS"
                " (SELECT 1 FROM quizzes WHERE id = ?1 AND state = 'open')"
                " ON CONFLICT DO NOTHING"
                # The others and this one: PostgreSQL's RETURNING sees the table as it was
                # before the statement, SQLite's with the new row.
                " RETURNING 1 + (SELECT COUNT(*) FROM answers a WHERE a.quiz_id = ?1"
                " AND a.user_id = ?3 AND a.question_idx != ?2"
                " AND a.question_idx IN (SELECT q.idx FROM questions q WHERE q.quiz_id = ?1)),"
                " (SELECT COUNT(*) FROM questions q WHERE q.quiz_id = ?1),"
                " (SELECT u.name FROM users u WHERE u.user_id = ?3)",
                (quiz_id, index, user_id, choice_index, now),
            )
            if not rows or rows[0][2] != name:
                await self._fetch(
                    _UPSERT_USER,
                    (user_id, name, now),
                )
        return (int(rows[0][0]), int(rows[0][1])) if rows else None

    async def store_answers(
        self, answers: Sequence[NewAnswer]
    ) -> tuple[set[tuple[int, int, int]], dict[int, QuizProgress]]:
        """Store a batch of answers, their authors' names and nothing else, in one
        transaction: the first answer per participant and question of an open quiz.

        Returns the keys (quiz, question, user) stored, and the progress of every quiz in
        the batch as of the commit (whether it is open tells a refused answer's reason).
        """
        stored: set[tuple[int, int, int]] = set()
        names = {a.user_id: (a.user_id, a.name, a.now) for a in answers}
        async with self.transaction():
            for start in range(0, len(answers), ANSWERS_PER_STATEMENT):
                chunk = answers[start : start + ANSWERS_PER_STATEMENT]
                # Joined to the open quiz and the question, so an answer to anything else is
                # left out (not the whole batch failing on a foreign key).
                rows = await self._fetch(
                    "INSERT INTO answers (quiz_id, question_idx, user_id, choice_index,"
                    " answered_at) SELECT v.column1, v.column2, v.column3, v.column4, v.column5"
                    " FROM (VALUES " + ", ".join([_ANSWER_ROW] * len(chunk)) + ") v"
                    " JOIN quizzes q ON q.id = v.column1 AND q.state = 'open'"
                    " JOIN questions qq ON qq.quiz_id = v.column1 AND qq.idx = v.column2"
                    # WHERE true: without it SQLite reads ON CONFLICT as a join's ON.
                    " WHERE true ON CONFLICT DO NOTHING"
                    " RETURNING quiz_id, question_idx, user_id",
                    [
                        value
                        for a in chunk
                        for value in (a.quiz_id, a.index, a.user_id, a.choice_index, a.now)
                    ],
                )
                stored.update((r[0], r[1], r[2]) for r in rows)
            # One statement for every name; a row is written only when the name changed.
            await self._db.write_many(
                _UPSERT_USER,
                [names[u] for u in {a.user_id for a in answers if a.key in stored}],
            )
            progress = await self.quiz_progress({a.quiz_id for a in answers})
        return stored, progress

    async def quiz_progress(self, quiz_ids: Iterable[int]) -> dict[int, QuizProgress]:
        ids = list(quiz_ids)
        if not ids:
            return {}
        rows = await self._fetch(_PROGRESS + "(" + ", ".join("?" * len(ids)) + ")", ids)
        return {
            int(r[0]): QuizProgress(
                quiz_id=int(r[0]),
                is_open=bool(r[1]),
                writing=bool(r[2]),
                private=bool(r[3]),
                num_questions=int(r[4]),
                member_count=r[5],
                starter_answers=int(r[6]),
                finished=int(r[7]),
            )
            for r in rows
        }

    async def of_quiz(self, quiz_id: int) -> list[Answer]:
        rows = await self._all(
            "SELECT user_id, question_idx, choice_index, answered_at FROM answers"
            " WHERE quiz_id = ? ORDER BY answered_at, user_id",
            (quiz_id,),
        )
        return [
            Answer(r["user_id"], r["question_idx"], r["choice_index"], r["answered_at"])
            for r in rows
        ]

    async def answer_count(
        self, quiz_id: int, *, user_id: int | None = None, index: int | None = None
    ) -> int:
        row = await self._one(
            "SELECT COUNT(*) FROM answers WHERE quiz_id = ? AND (CAST(? AS BIGINT) IS NULL"
            " OR user_id = ?) AND (CAST(? AS BIGINT) IS NULL OR question_idx = ?)",
            (quiz_id, user_id, user_id, index, index),
        )
        return int(row[0]) if row else 0

    async def participant_names(self, quiz_id: int) -> dict[int, str]:
        rows = await self._all(
            "SELECT DISTINCT a.user_id, COALESCE(u.name, '?') FROM answers a"
            " LEFT JOIN users u ON u.user_id = a.user_id WHERE a.quiz_id = ?",
            (quiz_id,),
        )
        return {r[0]: r[1] for r in rows}
