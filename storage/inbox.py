"""Updates received but not yet handled (see migration 4)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from storage.store import Store


class Inbox(Store):
    async def save(
        self, update_id: int, payload: dict[str, Any], now: float, stale_before: float
    ) -> bool:
        """Whether this process should handle the update: True when it is new, or when the
        process that stored it took it before `stale_before` and never settled it (Telegram
        re-sends only what was not answered, so that process most likely died)."""
        changed = await self._db.write(
            "INSERT INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)"
            " ON CONFLICT (update_id) DO UPDATE SET received_at = excluded.received_at"
            " WHERE inbox.received_at < ?",
            (update_id, json.dumps(payload, ensure_ascii=False), now, stale_before),
        )
        return changed > 0

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

    async def renew(self, update_ids: Sequence[int], now: float) -> None:
        """Renew this worker's claims on updates it is still handling."""
        await self._db.write_many(
            "UPDATE inbox SET received_at = ? WHERE update_id = ?",
            [(now, update_id) for update_id in update_ids],
        )

    async def claim_stale(
        self, newer_than: float, stale_before: float, now: float
    ) -> list[dict[str, Any]]:
        """Like `pending`, for several workers on one database: only the updates taken before
        `stale_before` (younger ones may be in another worker's hands), each claimed by one
        UPDATE so that two workers starting together do not both replay it."""
        await self._db.write("DELETE FROM inbox WHERE received_at < ?", (newer_than,))
        rows = await self._db.all(
            "UPDATE inbox SET received_at = ? WHERE received_at < ? RETURNING update_id, payload",
            (now, stale_before),
        )
        return [json.loads(r[1]) for r in sorted(rows, key=lambda r: int(r[0]))]
