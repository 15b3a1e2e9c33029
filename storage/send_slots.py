"""Send times reserved through the database, for workers sharing one PostgreSQL database.

Telegram's flood limits are counted in any span of time ("20 messages per minute in a
group"), so each reservation looks at the latest ones of its key: the row is locked by the
upsert that reads it, and written back in the same transaction, so reservations of one key
are serialised across processes. Times are the wall clock, the one clock workers share.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg

# (seconds, messages allowed in any span that long)
Window = tuple[float, int]

# Connections for reservations: short transactions, never held across a send.
SLOT_CONNECTIONS = 10


def next_slot(sent: Sequence[float], now: float, windows: Sequence[Window]) -> float:
    """The earliest time, not before `now` nor the latest reservation, at which another
    message keeps every window's limit, given the times reserved so far (oldest first)."""
    at = max(now, sent[-1]) if sent else now
    for span, allowed in windows:
        if len(sent) >= allowed:
            at = max(at, sent[-allowed] + span)
    return at


async def open_slot_pool(url: str, size: int = SLOT_CONNECTIONS) -> asyncpg.Pool[Any]:
    pool: asyncpg.Pool[Any] = await asyncpg.create_pool(url, min_size=0, max_size=size)
    return pool


class SendSlots:
    def __init__(self, pool: asyncpg.Pool[Any]) -> None:
        self._pool = pool

    async def reserve(
        self, budgets: Sequence[tuple[int, Sequence[Window]]], clock: Callable[[], float]
    ) -> float:
        """The time this message may go to Telegram, reserved for it in every budget (a
        chat's, everyone's) at once: one time, so nothing slips in between its budgets.
        `clock` is read once the rows are locked, so a reservation that waited for them is
        not given a time already past, which would bunch it with the next one."""
        rows: list[tuple[int, list[float], Sequence[Window]]] = []
        async with self._pool.acquire() as conn, conn.transaction():
            # Rows in key order (no two reservations wait for each other's rows); on a
            # conflict the upsert locks the row: the next reservation waits for this one.
            for key, windows in sorted(budgets, key=lambda b: b[0]):
                raw = await conn.fetchval(
                    "INSERT INTO send_slots (chat_id, sent) VALUES ($1, '[]')"
                    " ON CONFLICT (chat_id) DO UPDATE SET sent = send_slots.sent RETURNING sent",
                    key,
                )
                sent = [float(t) for t in json.loads(raw)]
                rows.append((key, sent, windows))
            now = clock()
            at = max(next_slot(sent, now, windows) for _, sent, windows in rows)
            # Each budget keeps as many times as its widest window counts.
            await conn.executemany(
                "UPDATE send_slots SET sent = $2 WHERE chat_id = $1",
                [
                    (key, json.dumps([*sent, at][-max(n for _, n in windows) :]))
                    for key, sent, windows in rows
                ],
            )
        return at
