"""Quizzes: one row each, from `generating` to `done`, and the model's feedback on it."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

from quiz.model import Quiz
from quiz.states import LIVE_STATES, QuizMode, QuizState, SubmissionStatus
from storage.errors import INTEGRITY_ERRORS
from storage.quiz_reads import QUIZ_CACHE_SIZE, QuizReads
from storage.quiz_rows import QuizAlreadyOpenError, QuizRow, quiz_row
from storage.usage import StartLimits, check_start

__all__ = ["QUIZ_CACHE_SIZE", "QuizAlreadyOpenError", "QuizRow", "QuizStore", "quiz_row"]


class QuizStore(QuizReads):
    """The quizzes: the reads of `QuizReads`, and here the writes (creating one, its state
    transitions, what is set on the way, and the model's feedback)."""

    async def create_quiz(
        self,
        *,
        chat_id: int,
        thread_id: int,
        chat_type: str,
        starter_id: int,
        request_key: str,
        topic: str,
        num_questions: int,
        style: str,
        lang: str,
        now: float,
        mode: QuizMode = QuizMode.ALL,
        live_seconds: int | None = None,
        exam: bool = False,
        limits: StartLimits | None = None,
    ) -> QuizRow | None:
        """A new quiz in state `generating`; None when this request was seen before.

        With `limits`, the quiz counts against them in the same transaction that creates it
        (raises LimitReachedError), so requests racing each other cannot all pass the check."""
        try:
            async with self.transaction():
                if limits is not None:
                    await check_start(self._db, limits, chat_id, thread_id, starter_id, request_key)
                quiz_id = await self._db.insert(
                    "INSERT INTO quizzes (chat_id, thread_id, chat_type, starter_id,"
                    " request_key, topic, num_questions, style, lang, state, created_at, mode,"
                    " live_seconds, exam)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'generating', ?, ?, ?, ?)",
                    (
                        chat_id,
                        thread_id,
                        chat_type,
                        starter_id,
                        request_key,
                        topic,
                        num_questions,
                        style,
                        lang,
                        now,
                        mode,
                        live_seconds,
                        int(exam),
                    ),
                )
        except INTEGRITY_ERRORS:
            # The failed INSERT undid itself, and the transaction (nothing else) rolled back.
            if await self._one("SELECT 1 FROM quizzes WHERE request_key = ?", (request_key,)):
                return None
            live = await self.live_quiz(chat_id, thread_id)
            if live is None:
                raise
            raise QuizAlreadyOpenError(live) from None
        assert quiz_id is not None
        return await self.quiz(quiz_id)

    async def set_conversation(self, quiz_id: int, conversation_id: str) -> None:
        with self._changing(quiz_id):
            await self._write(
                "UPDATE quizzes SET conversation_id = ? WHERE id = ?", (conversation_id, quiz_id)
            )

    async def set_call(self, quiz_id: int, call_id: str) -> None:
        with self._changing(quiz_id):
            await self._write("UPDATE quizzes SET call_id = ? WHERE id = ?", (call_id, quiz_id))

    async def set_status_message(self, quiz_id: int, message_id: int | None) -> None:
        with self._changing(quiz_id):
            await self._write(
                "UPDATE quizzes SET status_message_id = ? WHERE id = ?", (message_id, quiz_id)
            )

    async def open_quiz(
        self,
        quiz_id: int,
        quiz: Quiz,
        orders: Sequence[Sequence[int]],
        styles: Sequence[str],
        now: float,
        model_indices: Sequence[int] | None = None,
    ) -> bool:
        """Store the validated questions and open the quiz, in one transaction.

        `model_indices`: where each question was in the model's call, when some were left
        out. False when the quiz is no longer being generated (cancelled meanwhile)."""
        indices = list(model_indices) if model_indices is not None else None
        with self._changing(quiz_id):
            async with self.transaction():
                changed = await self._write(
                    "UPDATE quizzes SET state = 'open', title = ?, opened_at = ?, num_questions = ?"
                    " WHERE id = ? AND state = 'generating'",
                    (quiz.title, now, len(quiz.questions), quiz_id),
                )
                if changed != 1:
                    return False
                await self._db.write_many(
                    "INSERT INTO questions (quiz_id, idx, text, choices, answer_index, explanation,"
                    " source_file, source_quote, display_order, style, quote_verified,"
                    " model_index) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    [
                        (
                            quiz_id,
                            i,
                            q.text,
                            json.dumps(q.choices, ensure_ascii=False),
                            q.answer_index,
                            q.explanation,
                            q.source_file,
                            q.source_quote,
                            json.dumps(list(order)),
                            style,
                            None if q.quote_verified is None else int(q.quote_verified),
                            i if indices is None else indices[i],
                        )
                        for i, (q, order, style) in enumerate(
                            zip(quiz.questions, orders, styles, strict=True)
                        )
                    ],
                )
            return True

    async def open_writing(self, quiz_id: int, title: str, now: float) -> bool:
        """Open a quiz whose questions are still being written (streamed); see add_question."""
        with self._changing(quiz_id):
            changed = await self._write(
                "UPDATE quizzes SET state = 'open', writing = 1, title = ?, opened_at = ?"
                " WHERE id = ? AND state = 'generating'",
                (title, now, quiz_id),
            )
            return changed == 1

    async def finish_writing(self, quiz_id: int) -> None:
        """All questions are in: the quiz may now complete, with as many as were kept."""
        with self._changing(quiz_id):
            await self._write(
                "UPDATE quizzes SET writing = 0,"
                " num_questions = (SELECT COUNT(*) FROM questions WHERE quiz_id = ?) WHERE id = ?",
                (quiz_id, quiz_id),
            )

    async def set_closing_rules(
        self, quiz_id: int, deadline: float | None, member_count: int | None
    ) -> None:
        with self._changing(quiz_id):
            await self._write(
                "UPDATE quizzes SET deadline = ?, member_count = ? WHERE id = ?",
                (deadline, member_count, quiz_id),
            )

    async def set_standings_message(self, quiz_id: int, message_id: int) -> None:
        with self._changing(quiz_id):
            await self._write(
                "UPDATE quizzes SET standings_message_id = ? WHERE id = ?", (message_id, quiz_id)
            )

    async def begin_submission(self, quiz_id: int, status: SubmissionStatus, now: float) -> bool:
        """open → submitting; exactly one caller wins however many race to close a quiz."""
        with self._changing(quiz_id):
            changed = await self._write(
                "UPDATE quizzes SET state = 'submitting', status = ?, closed_at = ?"
                " WHERE id = ? AND state = 'open'",
                (status, now, quiz_id),
            )
            return changed == 1

    async def set_state(
        self,
        quiz_id: int,
        state: QuizState,
        *,
        error: str | None = None,
        only_from: Sequence[QuizState] = LIVE_STATES,
        now: float | None = None,
    ) -> bool:
        """`now`: when it closed, if it had not yet (the wall clock when not given)."""
        with self._changing(quiz_id):
            placeholders = ", ".join("?" for _ in only_from)
            changed = await self._write(
                f"UPDATE quizzes SET state = ?, error = COALESCE(?, error),"
                f" closed_at = COALESCE(closed_at, ?)"
                f" WHERE id = ? AND state IN ({placeholders})",
                (state, error, time.time() if now is None else now, quiz_id, *only_from),
            )
            return changed == 1

    async def redact_topics_of(self, user_id: int) -> None:
        """/forgetme: the topics a person asked for are their words, and the titles of their
        private quizzes are about them; both go from the quizzes that are over."""
        with self._changing(None):
            await self._write(
                "UPDATE quizzes SET topic = '',"
                " title = CASE WHEN chat_id = ? THEN NULL ELSE title END"
                " WHERE starter_id = ? AND state IN ('done', 'failed', 'cancelled')",
                (user_id, user_id),
            )

    async def cancel_live_quizzes(self, chat_id: int, reason: str) -> int:
        """The chat is gone for us (bot removed or blocked): nothing there can finish."""
        with self._changing(None):
            return await self._write(
                "UPDATE quizzes SET state = 'cancelled', error = ?,"
                " closed_at = COALESCE(closed_at, ?)"
                " WHERE chat_id = ? AND state IN (?, ?, ?)",
                (reason, time.time(), chat_id, *LIVE_STATES),
            )

    async def results_posted(self, quiz_id: int) -> bool:
        row = await self._one("SELECT results_posted FROM quizzes WHERE id = ?", (quiz_id,))
        return row is not None and bool(row[0])

    async def mark_results_posted(self, quiz_id: int) -> None:
        await self._write("UPDATE quizzes SET results_posted = 1 WHERE id = ?", (quiz_id,))

    async def count_submit_failure(self, quiz_id: int) -> int:
        """One more failed submission of the quiz's answers; how many there have been."""
        async with self.transaction():
            rows = await self._fetch(
                "UPDATE quizzes SET submit_failures = submit_failures + 1 WHERE id = ?"
                " RETURNING submit_failures",
                (quiz_id,),
            )
        return int(rows[0][0]) if rows else 0

    async def save_feedback(
        self, quiz_id: int, text: str, citations: Sequence[tuple[int, str]]
    ) -> None:
        await self._write(
            "INSERT INTO feedback (quiz_id, text, citations) VALUES (?, ?, ?)"
            " ON CONFLICT (quiz_id) DO NOTHING",
            (quiz_id, text, json.dumps(list(citations), ensure_ascii=False)),
        )

    async def feedback(self, quiz_id: int) -> tuple[str, list[tuple[int, str]], bool] | None:
        row = await self._one(
            "SELECT text, citations, posted FROM feedback WHERE quiz_id = ?", (quiz_id,)
        )
        if row is None:
            return None
        return row[0], [(int(i), str(f)) for i, f in json.loads(row[1])], bool(row[2])

    async def mark_feedback_posted(self, quiz_id: int) -> None:
        await self._write("UPDATE feedback SET posted = 1 WHERE quiz_id = ?", (quiz_id,))
