"""A quiz's questions: what was asked, in which shown order, and where it was posted."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from quiz.model import Question, Quiz
from storage.database import Row
from storage.store import Store


@dataclass(frozen=True, slots=True)
class StoredQuestion:
    index: int
    question: Question
    order: tuple[int, ...]
    style: str
    message_id: int | None
    poll_id: str | None
    # The question's index in the model's own call (differs when one was left out).
    model_index: int
    # When Telegram closes the poll by itself (its close_date); None: the bot stops it.
    close_date: int | None = None
    # A live game's question: when it went out (after our send returned), when its time is
    # up, and whether the game has moved past it (closed by us or by its time).
    sent_at: float | None = None
    live_deadline: float | None = None
    live_closed: bool = False


QUESTION_COLUMNS = (
    "idx, text, choices, answer_index, explanation, source_file, source_quote, display_order,"
    " style, message_id, poll_id, quote_verified, COALESCE(model_index, idx) AS model_index,"
    " close_date, sent_at, live_deadline, live_closed"
)


def question_row(r: Row) -> StoredQuestion:
    verified = r["quote_verified"]
    return StoredQuestion(
        index=r["idx"],
        question=Question(
            r["text"],
            tuple(json.loads(r["choices"])),
            r["answer_index"],
            r["explanation"],
            r["source_file"],
            r["source_quote"],
            None if verified is None else bool(verified),
        ),
        order=tuple(json.loads(r["display_order"])),
        style=r["style"],
        message_id=r["message_id"],
        poll_id=r["poll_id"],
        model_index=r["model_index"],
        close_date=r["close_date"],
        sent_at=r["sent_at"],
        live_deadline=r["live_deadline"],
        live_closed=bool(r["live_closed"]),
    )


class QuestionStore(Store):
    async def of_quiz(self, quiz_id: int) -> list[StoredQuestion]:
        rows = await self._all(
            f"SELECT {QUESTION_COLUMNS} FROM questions WHERE quiz_id = ? ORDER BY idx",
            (quiz_id,),
        )
        return [question_row(r) for r in rows]

    async def of_poll(self, poll_id: str) -> tuple[int, StoredQuestion] | None:
        """The quiz id and the question a poll asks (storage/polls.py caches it)."""
        rows = await self._fetch(
            f"SELECT quiz_id, {QUESTION_COLUMNS} FROM questions WHERE poll_id = ?", (poll_id,)
        )
        return (int(rows[0]["quiz_id"]), question_row(rows[0])) if rows else None

    async def load_quiz(self, quiz_id: int, title: str | None) -> tuple[Quiz, list[StoredQuestion]]:
        stored = await self.of_quiz(quiz_id)
        return Quiz(title or "", tuple(s.question for s in stored)), stored

    async def set_question_message(
        self,
        quiz_id: int,
        index: int,
        message_id: int,
        poll_id: str | None,
        close_date: int | None = None,
    ) -> None:
        await self._write(
            "UPDATE questions SET message_id = ?, poll_id = ?, close_date = ?"
            " WHERE quiz_id = ? AND idx = ?",
            (message_id, poll_id, close_date, quiz_id, index),
        )

    async def set_live_question_sent(
        self,
        quiz_id: int,
        index: int,
        message_id: int,
        poll_id: str | None,
        close_date: int | None,
        sent_at: float,
        deadline: float,
    ) -> None:
        """Where a live game's question went, and when it went out and closes: one write."""
        await self._write(
            "UPDATE questions SET message_id = ?, poll_id = ?, close_date = ?, sent_at = ?,"
            " live_deadline = ? WHERE quiz_id = ? AND idx = ?",
            (message_id, poll_id, close_date, sent_at, deadline, quiz_id, index),
        )

    async def close_live_question(self, quiz_id: int, index: int) -> bool:
        """The game moves past the question; False when it had already (a racing step)."""
        changed = await self._write(
            "UPDATE questions SET live_closed = 1"
            " WHERE quiz_id = ? AND idx = ? AND live_closed = 0",
            (quiz_id, index),
        )
        return changed == 1

    async def live_question_open(self, quiz_id: int, index: int) -> bool:
        """Read afresh (a cached question does not see the game move past it)."""
        row = await self._one(
            "SELECT live_closed FROM questions WHERE quiz_id = ? AND idx = ?", (quiz_id, index)
        )
        return row is not None and not row[0]

    async def add_question(
        self,
        quiz_id: int,
        index: int,
        question: Question,
        order: Sequence[int],
        style: str,
        model_index: int,
    ) -> None:
        await self._write(
            "INSERT INTO questions (quiz_id, idx, text, choices, answer_index, explanation,"
            " source_file, source_quote, quote_verified, display_order, style, model_index)"
            # Only while the quiz is open: a question the model writes after the close is
            # never posted, so it is not kept either.
            " SELECT ?,?,?,?,?,?,?,?,?,?,?,? WHERE EXISTS"
            " (SELECT 1 FROM quizzes WHERE id = ?1 AND state = 'open') ON CONFLICT DO NOTHING",
            (
                quiz_id,
                index,
                question.text,
                json.dumps(question.choices, ensure_ascii=False),
                question.answer_index,
                question.explanation,
                question.source_file,
                question.source_quote,
                None if question.quote_verified is None else int(question.quote_verified),
                json.dumps(list(order)),
                style,
                model_index,
            ),
        )
