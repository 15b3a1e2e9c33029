"""The bot's own membership of a chat: introduced once when it joins a group; when it is
removed or blocked, nothing there can finish."""

from __future__ import annotations

from collections.abc import Callable

from storage.conversation import ChatMemoryStore
from storage.quizzes import QuizStore


class Membership:
    def __init__(
        self, *, quizzes: QuizStore, chat_memory: ChatMemoryStore, clock: Callable[[], float]
    ) -> None:
        self._quizzes = quizzes
        self._chat_memory = chat_memory
        self._clock = clock

    async def left(self, chat_id: int) -> int:
        """Cancel the chat's live quizzes (how many) and forget that the bot introduced
        itself."""
        cancelled = await self._quizzes.cancel_live_quizzes(chat_id, "bot removed")
        await self._chat_memory.forget_introduction(chat_id)
        return cancelled

    async def introduce(self, chat_id: int) -> bool:
        """Whether the bot should introduce itself now (once per joining)."""
        return await self._chat_memory.introduce(chat_id, self._clock())
