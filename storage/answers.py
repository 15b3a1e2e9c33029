"""Answers: one per participant and question, and the names they answer under."""

from __future__ import annotations

from quiz.model import Answer
from storage.store import Store


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
                " RETURNING (SELECT COUNT(*) FROM answers a WHERE a.quiz_id = ?1 AND a.user_id = ?3"
                " AND a.question_idx IN (SELECT q.idx FROM questions q WHERE q.quiz_id = ?1)),"
                " (SELECT COUNT(*) FROM questions q WHERE q.quiz_id = ?1),"
                " (SELECT u.name FROM users u WHERE u.user_id = ?3)",
                (quiz_id, index, user_id, choice_index, now),
            )
            if not rows or rows[0][2] != name:
                await self._fetch(
                    "INSERT INTO users (user_id, name, updated_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (user_id) DO UPDATE SET name = excluded.name,"
                    " updated_at = excluded.updated_at WHERE users.name != excluded.name",
                    (user_id, name, now),
                )
        return (int(rows[0][0]), int(rows[0][1])) if rows else None

    async def answers(self, quiz_id: int) -> list[Answer]:
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
            "SELECT COUNT(*) FROM answers WHERE quiz_id = ?"
            " AND (? IS NULL OR user_id = ?) AND (? IS NULL OR question_idx = ?)",
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

    async def finished_participants(self, quiz_id: int) -> int:
        """How many people have answered every question of the quiz."""
        row = await self._one(
            "SELECT COUNT(*) FROM (SELECT user_id FROM answers WHERE quiz_id = ?"
            " GROUP BY user_id HAVING COUNT(*) >= (SELECT COUNT(*) FROM questions"
            " WHERE quiz_id = ?))",
            (quiz_id, quiz_id),
        )
        return int(row[0]) if row else 0
