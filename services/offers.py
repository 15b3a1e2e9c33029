"""Topics offered as a quiz ("Quiz me on this" under what someone wrote in private)."""

from __future__ import annotations

from collections.abc import Callable

from storage.conversation import ChatMemoryStore


class Offers:
    def __init__(self, *, memory: ChatMemoryStore, clock: Callable[[], float]) -> None:
        self._memory = memory
        self._clock = clock

    async def offer_topic(self, chat_id: int, request_key: str, topic: str) -> int | None:
        """Keep the text for the offer's button; its id, or None for a re-delivered message."""
        return await self._memory.offer_topic(chat_id, request_key, topic, self._clock())

    async def offered_topic(self, offer_id: int, chat_id: int) -> str | None:
        """The text an offer's button stands for, if it is this chat's and still kept."""
        return await self._memory.offered_topic(offer_id, chat_id)
