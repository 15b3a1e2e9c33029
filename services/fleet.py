"""Webhook workers sharing one PostgreSQL database: what each process adds to its services
so that a quiz, a chat and Telegram's flood limits are the fleet's, not the process's.

One process (SQLite, or PostgreSQL with long polling) uses none of this: its asyncio locks
and in-process limiter are the whole story, at no round trip's cost."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg

from services.context import Services
from services.keyed_locks import KeyedLocks
from services.ratelimit import SharedPace
from storage.advisory_locks import AdvisoryLocks, open_lock_pool
from storage.send_slots import SendSlots, open_slot_pool


class FleetLocks:
    """A key's lock in this process, then in the database: tasks of one process wait for
    each other without holding a connection each, so a busy quiz costs one connection."""

    def __init__(self, shared: AdvisoryLocks) -> None:
        self._local = KeyedLocks()
        self._shared = shared

    def __len__(self) -> int:
        return len(self._local)

    @contextlib.asynccontextmanager
    async def hold(self, key: int) -> AsyncIterator[None]:
        async with self._local.hold(key), self._shared.hold(key):
            yield


@dataclass
class Fleet:
    lock_pool: asyncpg.Pool[Any]
    slot_pool: asyncpg.Pool[Any]

    async def aclose(self) -> None:
        await self.lock_pool.close()
        await self.slot_pool.close()


async def join(services: Services, database_url: str, pace: SharedPace) -> Fleet:
    """Replace the in-process locks with the fleet's, and open the fleet's send slots for
    the bot's rate limiter (built with `pace`)."""
    locks = await open_lock_pool(database_url)
    services.locks = FleetLocks(AdvisoryLocks(locks, "quiz"))
    services.live_locks = FleetLocks(AdvisoryLocks(locks, "live"))
    services.library_locks = FleetLocks(AdvisoryLocks(locks, "library"))
    try:
        slots = await open_slot_pool(database_url)
    except BaseException:
        await locks.close()
        raise
    pace.slots = SendSlots(slots)
    services.fleet = True
    services.writing.shared = True
    return Fleet(locks, slots)
