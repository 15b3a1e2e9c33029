"""Answers: one per participant and question, and the names they answer under."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

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
_UNCONFIRMED_ROW = (
    "(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT),"
    " CAST(? AS BIGINT), CAST(? AS DOUBLE PRECISION))"
)


@dataclass(frozen=True, slots=True)
class NewAnswer:
    quiz_id: int
    index: int
    user_id: int
    name: str
    choice_index: int
    now: float
    # False: its sender's membership of the chat is still being asked about, so it is kept
    # apart (unconfirmed_answers) until a `Verdict` on them moves it in or drops it.
    confirmed: bool = True

    @property
    def key(self) -> tuple[int, int, int]:
        return self.quiz_id, self.index, self.user_id


@dataclass(frozen=True, slots=True)
class Verdict:
    """Telegram's answer about someone whose answers to a quiz wait unconfirmed."""

    quiz_id: int
    user_id: int
    member: bool


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


class Stored(NamedTuple):
    """What one batch wrote: the keys (quiz, question, user) of the answers stored (the
    unconfirmed ones among them), the progress of every quiz it touched as of the commit,
    and the answers its verdicts confirmed."""

    keys: set[tuple[int, int, int]]
    progress: dict[int, QuizProgress]
    confirmed: list[NewAnswer]


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


def _arrival(answer: NewAnswer) -> tuple[float, int, int]:
    return answer.now, answer.quiz_id, answer.index


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
        self, answers: Sequence[NewAnswer], verdicts: Sequence[Verdict] = ()
    ) -> Stored:
        """Store a batch of answers, their authors' names and nothing else, in one
        transaction: the first answer per participant and question of an open quiz. The
        unconfirmed ones are kept apart; `verdicts` then move the unconfirmed answers of
        members in (as first answers) and drop those of anyone else."""
        async with self.transaction():
            held = [a for a in answers if not a.confirmed]
            keys = await self._hold(held) if held else set()
            confirmed = await self._decide(verdicts) if verdicts else []
            direct = [a for a in answers if a.confirmed]
            stored = await self._insert([*direct, *confirmed])
            keys.update(a.key for a in direct if a.key in stored)
            # One statement for every name; a row is written only when the name changed.
            names = {a.user_id: (a.user_id, a.name, a.now) for a in [*direct, *confirmed]}
            await self._db.write_many(
                _UPSERT_USER,
                [names[u] for u in {a.user_id for a in [*direct, *confirmed] if a.key in stored}],
            )
            quizzes = {a.quiz_id for a in answers} | {v.quiz_id for v in verdicts}
            progress = await self.quiz_progress(quizzes)
        return Stored(keys, progress, [a for a in confirmed if a.key in stored])

    async def _insert(self, answers: Sequence[NewAnswer]) -> set[tuple[int, int, int]]:
        stored: set[tuple[int, int, int]] = set()
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
        return stored

    async def _hold(self, answers: Sequence[NewAnswer]) -> set[tuple[int, int, int]]:
        """Keep unconfirmed answers apart: the first per participant and question of an
        open quiz, unless the same answer already counts (a re-delivery)."""
        held: set[tuple[int, int, int]] = set()
        for start in range(0, len(answers), ANSWERS_PER_STATEMENT):
            chunk = answers[start : start + ANSWERS_PER_STATEMENT]
            rows = await self._fetch(
                "INSERT INTO unconfirmed_answers (quiz_id, question_idx, user_id, name,"
                " choice_index, answered_at) SELECT v.column1, v.column2, v.column3,"
                " v.column4, v.column5, v.column6"
                " FROM (VALUES " + ", ".join([_UNCONFIRMED_ROW] * len(chunk)) + ") v"
                " JOIN quizzes q ON q.id = v.column1 AND q.state = 'open'"
                " JOIN questions qq ON qq.quiz_id = v.column1 AND qq.idx = v.column2"
                " WHERE NOT EXISTS (SELECT 1 FROM answers a WHERE a.quiz_id = v.column1"
                " AND a.user_id = v.column3 AND a.question_idx = v.column2)"
                " ON CONFLICT DO NOTHING RETURNING quiz_id, question_idx, user_id",
                [
                    value
                    for a in chunk
                    for value in (a.quiz_id, a.index, a.user_id, a.name, a.choice_index, a.now)
                ],
            )
            held.update((r[0], r[1], r[2]) for r in rows)
        return held

    async def _decide(self, verdicts: Sequence[Verdict]) -> list[NewAnswer]:
        """Take the unconfirmed answers the verdicts are about; the members' ones, to be
        stored as answers."""
        members = {(v.quiz_id, v.user_id) for v in verdicts if v.member}
        rows = await self._fetch(
            "DELETE FROM unconfirmed_answers WHERE "
            + " OR ".join(["(quiz_id = ? AND user_id = ?)"] * len(verdicts))
            + " RETURNING quiz_id, question_idx, user_id, name, choice_index, answered_at",
            [value for v in verdicts for value in (v.quiz_id, v.user_id)],
        )
        taken = [NewAnswer(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]
        return sorted((a for a in taken if (a.quiz_id, a.user_id) in members), key=_arrival)

    async def unconfirmed(self) -> list[tuple[int, int]]:
        """(quiz, user) of every open quiz's unconfirmed answers, after dropping those of
        quizzes that are over (their verdict came too late to count)."""
        async with self.transaction():
            await self._db.write(
                "DELETE FROM unconfirmed_answers WHERE quiz_id NOT IN"
                " (SELECT id FROM quizzes WHERE state = 'open')"
            )
            rows = await self._fetch(
                "SELECT DISTINCT quiz_id, user_id FROM unconfirmed_answers"
                " ORDER BY quiz_id, user_id",
                (),
            )
        return [(int(r[0]), int(r[1])) for r in rows]

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
