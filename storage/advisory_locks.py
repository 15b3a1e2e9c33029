"""Locks per key held across processes: PostgreSQL's session advisory locks.

Workers sharing a database must not both run a quiz's critical section (delivering its
feedback, a live game's step). Each holder keeps one pooled connection holding
pg_advisory_lock for the section, and the server releases it if the connection dies with
its process. Critical sections await Telegram and the model, so connections are held for
seconds: the pool is the bound on how many sections run at once in this process (waiters
for one key queue in the process first: services/fleet.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

# Connections that may hold locks at once in one process (beyond it, sections wait).
LOCK_CONNECTIONS = 20


async def open_lock_pool(url: str, size: int = LOCK_CONNECTIONS) -> asyncpg.Pool[Any]:
    """Connections for locks alone: a held lock must not starve the queries."""
    # asyncpg's pool resets a connection given back (pg_advisory_unlock_all included), so
    # a section cancelled halfway leaves no lock behind.
    pool: asyncpg.Pool[Any] = await asyncpg.create_pool(url, min_size=0, max_size=size)
    return pool


class AdvisoryLocks:
    """`hold(key)` for one namespace ("quiz", "live", "library"): keys of different
    namespaces never block each other (a hash collision would only serialise two keys)."""

    def __init__(self, pool: asyncpg.Pool[Any], namespace: str) -> None:
        self._pool = pool
        self._namespace = namespace

    @contextlib.asynccontextmanager
    async def hold(self, key: int) -> AsyncIterator[None]:
        name = f"{self._namespace}:{key}"
        async with self._pool.acquire() as conn:
            await conn.execute("SELECT pg_advisory_lock(hashtextextended($1, 0))", name)
            try:
                yield
            finally:
                await conn.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", name)
