"""Updates received but not yet handled (see migration 4)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from storage.database import SQLDatabase


class Inbox:
    def __init__(self, db: SQLDatabase) -> None:
        self._db = db

    async def save(self, update_id: int, payload: dict[str, Any], now: float) -> None:
        await self._db.write(
            "INSERT INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)"
            " ON CONFLICT (update_id) DO NOTHING",
            (update_id, json.dumps(payload, ensure_ascii=False), now),
        )

    async def save_batch(
        self, updates: Sequence[tuple[int, dict[str, Any]]], settled: Iterable[int], now: float
    ) -> None:
        """Store a fetched batch and drop updates handled since, in one transaction (one
        commit per getUpdates instead of two per update)."""
        gone = [(update_id,) for update_id in settled]
        if not gone and not updates:
            return
        async with self._db.transaction():
            if gone:
                await self._db.write_many("DELETE FROM inbox WHERE update_id = ?", gone)
            if updates:
                await self._db.write_many(
                    "INSERT INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (update_id) DO NOTHING",
                    [
                        (update_id, json.dumps(payload, ensure_ascii=False), now)
                        for update_id, payload in updates
                    ],
                )

    async def settle_many(self, update_ids: Iterable[int]) -> None:
        await self.save_batch((), update_ids, 0.0)

    async def pending(self, newer_than: float) -> list[dict[str, Any]]:
        """Unhandled updates, oldest first; older ones are dropped as no longer actionable."""
        await self._db.write("DELETE FROM inbox WHERE received_at < ?", (newer_than,))
        rows = await self._db.all("SELECT payload FROM inbox ORDER BY update_id")
        return [json.loads(r[0]) for r in rows]
