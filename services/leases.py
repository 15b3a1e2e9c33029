"""Named leases one worker of the fleet holds at a time (storage/leases.py), renewed while
held: the long-polling process, a quiz's close. Built once in the composition root."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from services.workers import dead_on_this_host
from storage.leases import LeaseRow, LeaseStore

log = logging.getLogger(__name__)

LEASE_SECONDS = 60.0


@dataclass
class _Held:
    owner: asyncio.Task[Any] | None
    count: int = 1
    renewer: asyncio.Task[None] | None = None


class Leases:
    def __init__(
        self,
        store: LeaseStore,
        worker: str,
        *,
        seconds: float = LEASE_SECONDS,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.store, self.worker, self.seconds, self._wall = store, worker, seconds, wall
        # Held here: by which task (nested holds of that task share it), how many times,
        # and the task renewing it.
        self._held: dict[str, _Held] = {}

    async def acquire(self, name: str) -> bool:
        """Take the lease (again, if this task holds it already); False if another task or
        another live worker holds it."""
        held = self._held.get(name)
        if held is not None:
            if held.owner is not asyncio.current_task():
                return False
            held.count += 1
            return True
        # Claimed here before the database is asked: no other task of ours takes it meanwhile.
        held = self._held[name] = _Held(asyncio.current_task())
        now = self._wall()
        try:
            taken = await self.store.take(name, self.worker, now + self.seconds, now)
        except BaseException:
            del self._held[name]
            raise
        if not taken:
            del self._held[name]
            return False
        held.renewer = asyncio.create_task(self._renew(name))
        return True

    async def release(self, name: str) -> None:
        held = self._held[name]
        held.count -= 1
        if held.count:
            return
        del self._held[name]
        if held.renewer is not None:
            held.renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await held.renewer
        await self.store.release(name, self.worker)

    @contextlib.asynccontextmanager
    async def hold(self, name: str) -> AsyncIterator[bool]:
        """`async with leases.hold(name) as mine:` — False when another holds it."""
        mine = await self.acquire(name)
        try:
            yield mine
        finally:
            if mine:
                await self.release(name)

    async def holder(self, name: str) -> LeaseRow | None:
        return await self.store.lease(name)

    async def reap_dead(self) -> None:
        """At start: leases of this host's processes that died are free at once."""
        for holder in await self.store.holders():
            if dead_on_this_host(holder, self.worker):
                log.info("Worker %s is gone: its leases are free", holder)
                await self.store.release_all(holder)

    async def close(self) -> None:
        """Shutdown: every lease this process holds is released."""
        for name in list(self._held):
            self._held[name].count = 1
            await self.release(name)

    async def _renew(self, name: str) -> None:
        while True:
            await asyncio.sleep(self.seconds / 3)
            try:
                kept = await self.store.renew(name, self.worker, self._wall() + self.seconds)
            except Exception as exc:  # noqa: BLE001 - whichever database: try again next time
                log.warning("Lease %s not renewed: %s", name, exc)
                continue
            if not kept:
                log.warning("Lease %s was lost (held too long without renewal)", name)
