"""Access refusals, /forgetme and the operator's /usage report."""

from __future__ import annotations

from services.context import Services
from services.daily import day_start
from storage.usage import UsageReport


async def note_refusal(svc: Services, chat_id: int) -> bool:
    """Remember the chat was told it may not use the bot; False if it already was."""
    return await svc.repo.security.note_refusal(chat_id, svc.clock())


async def forget_user(svc: Services, user_id: int) -> int:
    """Delete or redact everything stored about the user (storage/security.py says what
    stays and why); how many answers went."""
    await svc.repo.quizzes.redact_topics_of(user_id)
    return await svc.repo.security.forget_user(user_id)


async def usage_today(svc: Services) -> UsageReport:
    return await svc.repo.usage.report(day_start(svc.clock()))
