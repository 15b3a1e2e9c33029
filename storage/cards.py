"""Study cards, their review log, review quizzes and reminders."""

from __future__ import annotations

import json
from collections.abc import Sequence

from storage.card_rows import CARD_COLUMNS, DUE_SQL, CardRow, NewCard, RatedCard, card_row
from storage.store import Store

__all__ = ["DUE_SQL", "CardRow", "CardStore", "NewCard", "RatedCard"]


class CardStore(Store):
    # recording answers

    async def record(
        self, quiz_id: int, new: Sequence[NewCard], rated: Sequence[RatedCard]
    ) -> bool:
        """Store a finished quiz's cards and ratings at once; False (nothing written) when
        this quiz was recorded before."""
        async with self._db.transaction():
            return await self._record(quiz_id, new, rated)

    async def _record(
        self, quiz_id: int, new: Sequence[NewCard], rated: Sequence[RatedCard]
    ) -> bool:
        if not await self._db.write(
            "INSERT INTO learning_recorded (quiz_id) VALUES (?) ON CONFLICT DO NOTHING",
            (quiz_id,),
        ):
            return False
        # One statement per kind of row, not one per answer: a group of 200 finishing a
        # quiz writes 1,000 cards, and each round trip to the database thread costs.
        await self._add_cards(quiz_id, new)
        await self._rate_cards(quiz_id, rated)
        return True

    async def _add_cards(self, quiz_id: int, new: Sequence[NewCard]) -> None:
        """First answers: a card each, and its first review."""
        await self._db.write_many(
            "INSERT INTO study_cards (user_id, chat_id, quiz_id, question_idx, topic, text,"
            " choices, answer_index, explanation, source_file, source_quote, created_at,"
            " last_at, right_count, wrong_count, last_correct, fsrs, due)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT (user_id, quiz_id, question_idx) DO NOTHING",
            [
                (
                    c.user_id,
                    c.chat_id,
                    c.quiz_id,
                    c.question_idx,
                    c.topic,
                    c.text,
                    json.dumps(list(c.choices), ensure_ascii=False),
                    c.answer_index,
                    c.explanation,
                    c.source_file,
                    c.source_quote,
                    c.at,
                    c.at,
                    int(c.correct),
                    int(not c.correct),
                    int(c.correct),
                    c.fsrs,
                    c.due,
                )
                for c in new
            ],
        )
        await self._db.write_many(
            "INSERT INTO review_log (card_id, user_id, chat_id, quiz_id, at, correct, rating,"
            " log) SELECT id, user_id, chat_id, quiz_id, ?, ?, ?, ? FROM study_cards"
            " WHERE user_id = ? AND quiz_id = ? AND question_idx = ? ON CONFLICT DO NOTHING",
            [
                (c.at, int(c.correct), c.rating, c.log, c.user_id, quiz_id, c.question_idx)
                for c in new
            ],
        )

    async def _rate_cards(self, quiz_id: int, rated: Sequence[RatedCard]) -> None:
        """Re-tested cards: their new schedule, and the review."""
        await self._db.write_many(
            "UPDATE study_cards SET last_at = ?, right_count = right_count + ?,"
            " wrong_count = wrong_count + ?, last_correct = ?, fsrs = ?, due = ?"
            " WHERE id = ? AND user_id = ?",
            [
                (
                    r.at,
                    int(r.correct),
                    int(not r.correct),
                    int(r.correct),
                    r.fsrs,
                    r.due,
                    r.card_id,
                    r.user_id,
                )
                for r in rated
            ],
        )
        await self._db.write_many(
            "INSERT INTO review_log (card_id, user_id, chat_id, quiz_id, at, correct, rating,"
            " log) SELECT id, user_id, ?, ?, ?, ?, ?, ? FROM study_cards"
            " WHERE id = ? AND user_id = ? ON CONFLICT DO NOTHING",
            [
                (r.chat_id, quiz_id, r.at, int(r.correct), r.rating, r.log, r.card_id, r.user_id)
                for r in rated
            ],
        )

    async def cards(self, card_ids: Sequence[int]) -> dict[int, CardRow]:
        if not card_ids:
            return {}
        marks = ", ".join("?" for _ in card_ids)
        rows = await self._all(
            f"SELECT {CARD_COLUMNS} FROM study_cards WHERE id IN ({marks})", list(card_ids)
        )
        return {int(r[0]): card_row(r) for r in rows}

    async def last_results(
        self, card_ids: Sequence[int], other_than_quiz: int
    ) -> dict[int, tuple[float, bool]]:
        """Each card's latest answer before (not in) the given quiz: when, and whether right."""
        if not card_ids:
            return {}
        marks = ", ".join("?" for _ in card_ids)
        rows = await self._all(
            "SELECT card_id, at, correct FROM review_log l WHERE card_id IN"
            f" ({marks}) AND quiz_id != ? AND at = (SELECT MAX(at) FROM review_log m"
            " WHERE m.card_id = l.card_id AND m.quiz_id != ?)",
            [*card_ids, other_than_quiz, other_than_quiz],
        )
        return {int(r[0]): (float(r[1]), bool(r[2])) for r in rows}

    # review quizzes

    async def create_review(
        self, request_key: str, user_id: int, card_ids: Sequence[int], now: float
    ) -> None:
        await self._write(
            "INSERT INTO review_quizzes (request_key, user_id, card_ids, created_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (request_key, user_id, json.dumps(list(card_ids)), now),
        )

    async def review_of_quiz(self, quiz_id: int) -> list[CardRow]:
        """The cards a review quiz re-tests, in the order the model got them ([]: not a
        review quiz)."""
        rows = await self._all(
            "SELECT r.user_id, r.card_ids FROM review_quizzes r"
            " JOIN quizzes q ON q.request_key = r.request_key WHERE q.id = ?",
            (quiz_id,),
        )
        if not rows:
            return []
        ids = [int(i) for i in json.loads(rows[0][1])]
        found = await self.cards(ids)
        # A card forgotten (/forgetme) since is left out; its place keeps no question.
        return [found[i] for i in ids if i in found and found[i].user_id == rows[0][0]]

    async def review_ids_of_quiz(self, quiz_id: int) -> list[int]:
        rows = await self._all(
            "SELECT r.card_ids FROM review_quizzes r"
            " JOIN quizzes q ON q.request_key = r.request_key WHERE q.id = ?",
            (quiz_id,),
        )
        return [int(i) for i in json.loads(rows[0][0])] if rows else []

    # due cards

    async def due_cards(self, user_id: int, now: float, limit: int) -> list[CardRow]:
        return [card_row(r) for r in await self._all(DUE_SQL, (user_id, now, limit))]

    async def due_plan(self, user_id: int, now: float, limit: int) -> list[str]:
        if self._db.dialect == "postgresql":
            # Whether the index can serve the query: on a few rows PostgreSQL would rather
            # read the table, so the plan is asked for as if it were large.
            async with self._db.transaction():
                await self._write("SET LOCAL enable_seqscan = off")
                rows = await self._all(f"EXPLAIN {DUE_SQL}", (user_id, now, limit))
            return [str(r[0]) for r in rows]
        rows = await self._all(f"EXPLAIN QUERY PLAN {DUE_SQL}", (user_id, now, limit))
        return [str(r[3]) for r in rows]

    async def due_count(self, user_id: int, until: float) -> int:
        rows = await self._all(
            "SELECT COUNT(*) FROM study_cards WHERE user_id = ? AND due <= ?", (user_id, until)
        )
        return int(rows[0][0])

    async def next_due(self, user_id: int) -> float | None:
        rows = await self._all("SELECT MIN(due) FROM study_cards WHERE user_id = ?", (user_id,))
        return None if rows[0][0] is None else float(rows[0][0])

    async def due_times(self, user_id: int, until: float) -> list[float]:
        rows = await self._all(
            "SELECT due FROM study_cards WHERE user_id = ? AND due <= ? ORDER BY due",
            (user_id, until),
        )
        return [float(r[0]) for r in rows]

    async def weakest_topics(self, user_id: int, top: int = 3) -> list[tuple[str, int, int]]:
        """(topic, right, answered), least accurate first."""
        rows = await self._all(
            "SELECT c.topic, SUM(l.correct), COUNT(*) FROM review_log l"
            " JOIN study_cards c ON c.id = l.card_id WHERE l.user_id = ? AND c.topic != ''"
            " GROUP BY c.topic ORDER BY 1.0 * SUM(l.correct) / COUNT(*), COUNT(*) DESC LIMIT ?",
            (user_id, top),
        )
        return [(str(r[0]), int(r[1]), int(r[2])) for r in rows]

    # privacy

    async def forget_user(self, user_id: int) -> int:
        """Delete a person's cards (their log goes with them), reviews and reminder."""
        async with self._db.transaction():
            if self._db.dialect == "sqlite":
                await self._db.write("PRAGMA secure_delete = ON")
            await self._db.write("DELETE FROM review_log WHERE user_id = ?", (user_id,))
            removed = await self._db.write("DELETE FROM study_cards WHERE user_id = ?", (user_id,))
            await self._db.write("DELETE FROM review_quizzes WHERE user_id = ?", (user_id,))
            await self._db.write("DELETE FROM reminders WHERE user_id = ?", (user_id,))
        return removed
