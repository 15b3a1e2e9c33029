"""The items of quizzes run without server-side state (see migration 8).

A server without the Conversations API keeps nothing between requests, so the bot keeps
each quiz's input and output items itself and sends the whole list every time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from storage.store import Store


class ItemStore(Store):
    async def items(self, key: str) -> list[dict[str, Any]]:
        rows = await self._db.all(
            "SELECT item_json FROM quiz_items WHERE conversation_key = ? ORDER BY seq", (key,)
        )
        return [json.loads(r[0]) for r in rows]

    async def append(self, key: str, items: Sequence[dict[str, Any]]) -> None:
        """Add items after those stored, in one transaction (a turn is kept whole or not)."""
        async with self._db.transaction():
            row = await self._db.one(
                "SELECT COALESCE(MAX(seq), -1) FROM quiz_items WHERE conversation_key = ?",
                (key,),
            )
            start = (row[0] if row is not None else -1) + 1
            await self._db.write_many(
                "INSERT INTO quiz_items (conversation_key, seq, item_json) VALUES (?, ?, ?)",
                [
                    (key, start + n, json.dumps(item, ensure_ascii=False))
                    for n, item in enumerate(items)
                ],
            )
