"""The bot's own membership of a chat: introduced once when it joins a group; when it is
removed or blocked, nothing there can finish."""

from __future__ import annotations

from services.context import Services


async def left(svc: Services, chat_id: int) -> int:
    """Cancel the chat's live quizzes (how many) and forget that the bot introduced itself."""
    cancelled = await svc.repo.quizzes.cancel_live_quizzes(chat_id, "bot removed")
    await svc.repo.chat_memory.forget_introduction(chat_id)
    return cancelled


async def introduce(svc: Services, chat_id: int) -> bool:
    """Whether the bot should introduce itself now (once per joining)."""
    return await svc.repo.chat_memory.introduce(chat_id, svc.clock())
