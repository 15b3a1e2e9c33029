"""Named leases one worker of the fleet holds at a time (storage/leases.py), renewed while
held: the long-polling process, a quiz's close. Built once in the composition root."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable

from services.workers import dead_on_this_host
from storage.leases import LeaseRow, LeaseStore

log = logging.getLogger(__name__)

LEASE_SECONDS = 60.0


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
        # Held here: how many holds of this process share each, and the task renewing it.
        self._held: dict[str, tuple[int, asyncio.Task[None]]] = {}

    async def acquire(self, name: str) -> bool:
        """Take the lease (again, if this process holds it already); False if another live
        worker holds it."""
        held = self._held.get(name)
        if held is not None:
            self._held[name] = (held[0] + 1, held[1])
            return True
        now = self._wall()
        if not await self.store.take(name, self.worker, now + self.seconds, now):
            return False
        if name in self._held:  # taken meanwhile by another task of this process
            count, renewer = self._held[name]
            self._held[name] = (count + 1, renewer)
        else:
            self._held[name] = (1, asyncio.create_task(self._renew(name)))
        return True

    async def release(self, name: str) -> None:
        count, renewer = self._held[name]
        if count > 1:
            self._held[name] = (count - 1, renewer)
            return
        del self._held[name]
        renewer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewer
        await self.store.release(name, self.worker)

    @contextlib.asynccontextmanager
    async def hold(self, name: str) -> AsyncIterator[bool]:
        """`async with leases.hold(name) as mine:` — False when another worker holds it."""
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
            self._held[name] = (1, self._held[name][1])
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
