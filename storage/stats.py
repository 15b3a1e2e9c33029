"""What /stats shows: a person's learning, and a group's week, from the review log."""

from __future__ import annotations

from dataclasses import dataclass

from storage.store import Store


@dataclass(frozen=True, slots=True)
class UserTotals:
    quizzes: int
    answers: int
    correct: int


@dataclass(frozen=True, slots=True)
class MemberWeek:
    user_id: int
    name: str
    answers: int
    correct: int


@dataclass(frozen=True, slots=True)
class QuizWeek:
    quiz_id: int
    title: str
    answers: int
    correct: int


class StatsStore(Store):
    async def totals(self, user_id: int) -> UserTotals:
        rows = await self._all(
            "SELECT COUNT(DISTINCT quiz_id), COUNT(*), COALESCE(SUM(correct), 0)"
            " FROM review_log WHERE user_id = ?",
            (user_id,),
        )
        return UserTotals(int(rows[0][0]), int(rows[0][1]), int(rows[0][2]))

    async def answers_since(self, user_id: int, since: float) -> list[tuple[float, bool]]:
        rows = await self._all(
            "SELECT at, correct FROM review_log WHERE user_id = ? AND at >= ? ORDER BY at",
            (user_id, since),
        )
        return [(float(r[0]), bool(r[1])) for r in rows]

    async def chat_answers_since(self, chat_id: int, since: float) -> list[tuple[float, bool]]:
        rows = await self._all(
            "SELECT at, correct FROM review_log WHERE chat_id = ? AND at >= ? ORDER BY at",
            (chat_id, since),
        )
        return [(float(r[0]), bool(r[1])) for r in rows]

    async def answer_times(self, user_id: int) -> list[float]:
        rows = await self._all(
            "SELECT at FROM review_log WHERE user_id = ? ORDER BY at", (user_id,)
        )
        return [float(r[0]) for r in rows]

    async def chat_members_since(self, chat_id: int, since: float) -> list[MemberWeek]:
        rows = await self._all(
            "SELECT l.user_id, COALESCE(u.name, '?'), COUNT(*), SUM(l.correct)"
            " FROM review_log l LEFT JOIN users u ON u.user_id = l.user_id"
            " WHERE l.chat_id = ? AND l.at >= ? GROUP BY l.user_id, u.name",
            (chat_id, since),
        )
        return [MemberWeek(int(r[0]), str(r[1]), int(r[2]), int(r[3])) for r in rows]

    async def chat_quizzes_since(self, chat_id: int, since: float) -> list[QuizWeek]:
        rows = await self._all(
            "SELECT l.quiz_id, COALESCE(q.title, q.topic, ''), COUNT(*), SUM(l.correct)"
            " FROM review_log l LEFT JOIN quizzes q ON q.id = l.quiz_id"
            " WHERE l.chat_id = ? AND l.at >= ?"
            " GROUP BY l.quiz_id, q.title, q.topic ORDER BY l.quiz_id",
            (chat_id, since),
        )
        return [QuizWeek(int(r[0]), str(r[1]), int(r[2]), int(r[3])) for r in rows]
