"""The quizzes and questions handlers ask about, and what happens when a chat is gone."""

from __future__ import annotations

from services.context import Services
from storage import QuizRow, StoredQuestion


async def quiz(svc: Services, quiz_id: int) -> QuizRow | None:
    return await svc.repo.quizzes.quiz(quiz_id)


async def live_quiz(svc: Services, chat_id: int, thread_id: int | None) -> QuizRow | None:
    """The chat topic's quiz being written, open or being submitted, if any."""
    return await svc.repo.quizzes.live_quiz(chat_id, thread_id or 0)


async def question(
    svc: Services, quiz_id: int, index: int
) -> tuple[QuizRow, StoredQuestion] | None:
    return await svc.repo.polls.question(quiz_id, index)


async def question_for_poll(svc: Services, poll_id: str) -> tuple[QuizRow, StoredQuestion] | None:
    """The quiz (as committed) and question one of our polls asks; None for anyone else's."""
    return await svc.repo.polls.question_for_poll(poll_id)


async def cancel_chat_quizzes(svc: Services, chat_id: int, reason: str) -> int:
    """The chat is gone for us (bot removed or blocked): nothing there can finish."""
    return await svc.repo.quizzes.cancel_live_quizzes(chat_id, reason)
