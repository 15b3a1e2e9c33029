"""Topics offered as a quiz ("Quiz me on this" under what someone wrote in private)."""

from __future__ import annotations

from services.context import Services


async def offer_topic(svc: Services, chat_id: int, request_key: str, topic: str) -> int | None:
    """Keep the text for the offer's button; its id, or None for a re-delivered message."""
    return await svc.repo.chat_memory.offer_topic(chat_id, request_key, topic, svc.clock())


async def offered_topic(svc: Services, offer_id: int, chat_id: int) -> str | None:
    """The text an offer's button stands for, if it is this chat's and still kept."""
    return await svc.repo.chat_memory.offered_topic(offer_id, chat_id)
