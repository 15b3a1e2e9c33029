"""The quizzes and questions handlers ask about, and what happens when a chat is gone."""

from __future__ import annotations

from storage import QuizRow, StoredQuestion
from storage.polls import PollLookup
from storage.quizzes import QuizStore


class QuizLookup:
    def __init__(self, *, quizzes: QuizStore, polls: PollLookup) -> None:
        self._quizzes = quizzes
        self._polls = polls

    async def quiz(self, quiz_id: int) -> QuizRow | None:
        return await self._quizzes.quiz(quiz_id)

    async def live_quiz(self, chat_id: int, thread_id: int | None) -> QuizRow | None:
        """The chat topic's quiz being written, open or being submitted, if any."""
        return await self._quizzes.live_quiz(chat_id, thread_id or 0)

    async def question(self, quiz_id: int, index: int) -> tuple[QuizRow, StoredQuestion] | None:
        return await self._polls.question(quiz_id, index)

    async def question_for_poll(self, poll_id: str) -> tuple[QuizRow, StoredQuestion] | None:
        """The quiz (as committed) and question one of our polls asks; None for anyone
        else's."""
        return await self._polls.question_for_poll(poll_id)

    async def cancel_chat_quizzes(self, chat_id: int, reason: str) -> int:
        """The chat is gone for us (bot removed or blocked): nothing there can finish."""
        return await self._quizzes.cancel_live_quizzes(chat_id, reason)
