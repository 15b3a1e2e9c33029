"""Answers: recording one, and whether it completed the quiz.

Answers are written in batches by `answer_batch.AnswerWriter` (one per `Services`), which
also decides completion once per batch and quiz."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from services.quiz.answer_batch import AnswerResult, AnswerWriter, is_complete
from storage import QuizRow, StoredQuestion
from storage.answers import AnswerStore, NewAnswer
from storage.questions import QuestionStore

__all__ = ["AnswerResult", "QuizAnswers"]


class QuizAnswers:
    def __init__(
        self,
        *,
        questions: QuestionStore,
        answers: AnswerStore,
        writer: AnswerWriter,
        clock: Callable[[], float],
    ) -> None:
        self._questions = questions
        self._answers = answers
        self._writer = writer
        self._clock = clock

    async def record(
        self,
        quiz: QuizRow,
        sq: StoredQuestion,
        *,
        user_id: int,
        user_name: str,
        position: int,
    ) -> tuple[AnswerResult, bool]:
        """Store one participant's answer (given as displayed position); returns once it is
        durable.

        Returns the outcome and whether the quiz is now complete (True for one answer of the
        batch that completed it); the caller acknowledges the user first and then calls
        `QuizClosing.finish`, which waits for the model.
        """
        if not quiz.is_open:
            return AnswerResult.CLOSED, False
        if quiz.is_live and not await self._live_open(quiz, sq):
            # Buttons stop counting when the question's time is up, as a poll does by itself.
            return AnswerResult.CLOSED, False
        result, complete = await self._writer.record(
            NewAnswer(quiz.id, sq.index, user_id, user_name, sq.order[position], self._clock())
        )
        # A live game decides itself when it is over (services.quiz.live.LiveGame.answered).
        return result, complete and not quiz.is_live

    async def _live_open(self, quiz: QuizRow, sq: StoredQuestion) -> bool:
        if sq.live_deadline is None or self._clock() > sq.live_deadline:
            return False
        return await self._questions.live_question_open(quiz.id, sq.index)

    def submit(
        self,
        quiz: QuizRow,
        sq: StoredQuestion,
        *,
        user_id: int,
        user_name: str,
        position: int,
    ) -> asyncio.Future[tuple[AnswerResult, bool]]:
        """`record` for a caller that does not wait: the future resolves once the answer is
        durable (the quiz must have been read open). A live game ignores its completion
        flag: it decides itself when a question is over."""
        return self._writer.submit(
            NewAnswer(quiz.id, sq.index, user_id, user_name, sq.order[position], self._clock())
        )

    async def all_done(self, quiz: QuizRow) -> bool:
        """Whether everyone has answered everything (see `answer_batch.is_complete`)."""
        # Read after the caller's write: the stream's end (writing = 0, then this check) and
        # a batch of answers (stored and checked in one transaction) always see each other.
        progress = (await self._answers.quiz_progress([quiz.id])).get(quiz.id)
        return progress is not None and is_complete(progress)
