"""Durable timers: a group's deadline, a live game's next step, a daily reminder.

Each timer is a row (storage/timers.py) named for what it times (`deadline:<quiz>`), armed in
the caller's transaction when there is one. Every process runs one loop that claims the rows
that are due — one worker at a time, for a lease renewed while the callback runs — and runs
the callback registered for the row's kind with the row's key (a quiz id, a user id). The
row goes when its callback finishes (unless the callback armed it again); a callback that
raises is tried again later, backing off. A claim whose worker died expires and is taken by
another, so a timer armed by a process that died still fires, and once.

Due times are on the services' clock (tests move it): the loop sleeps until the earliest due
time it knows, at most `poll` seconds (timers other processes arm, a clock moved by hand),
and wakes at once when this process arms one due sooner.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from services.workers import dead_on_this_host
from storage.timers import TimerRow, TimerStore

log = logging.getLogger(__name__)

Callback = Callable[[int], Awaitable[None]]

CLAIM_SECONDS = 60.0
POLL_SECONDS = 1.0
# Timers claimed at once by one loop turn (the rest in the next turns, at once).
BATCH = 50
# How long a shutdown waits for the callbacks running then (a close waiting for the model).
STOP_WAIT = 30.0
MAX_BACKOFF = 600.0


class Timers:
    def __init__(
        self,
        store: TimerStore,
        worker: str,
        clock: Callable[[], float],
        *,
        claim_seconds: float = CLAIM_SECONDS,
        poll: float = POLL_SECONDS,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.store, self.worker, self._clock, self._wall = store, worker, clock, wall
        self.claim_seconds, self.poll = claim_seconds, poll
        self._callbacks: dict[str, Callback] = {}
        self._wake = asyncio.Event()
        self._next_wake = float("inf")
        self._loop: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[None]] = set()

    def on(self, kind: str, callback: Callback) -> None:
        """What runs when a timer of this kind is due (registered once, at start)."""
        self._callbacks[kind] = callback

    async def arm(self, name: str, kind: str, key: int, at: float) -> None:
        """Run `kind`'s callback with `key` at `at` (at once if it has passed), replacing the
        timer of that name."""
        await self.store.arm(name, kind, key, at)
        self._woken_for(at)

    async def restore(self, name: str, kind: str, key: int, at: float) -> None:
        """At start: arm it unless the database has it still to come (storage.restore)."""
        await self.store.restore(name, kind, key, at, self._clock())
        self._woken_for(at)

    async def disarm(self, name: str) -> None:
        await self.store.disarm(name)

    async def due(self, name: str) -> float | None:
        return await self.store.due(name)

    def _woken_for(self, at: float) -> None:
        if at < self._next_wake:
            self._wake.set()

    async def start(self) -> None:
        """Free the claims of this host's dead processes, then run the loop."""
        for holder in await self.store.claim_holders():
            if dead_on_this_host(holder, self.worker):
                log.info("Worker %s is gone: its timers are free", holder)
                await self.store.release_claims(holder)
        self._loop = asyncio.create_task(self._run_loop(), name="timers")

    async def stop(self) -> None:
        """No more claims; the callbacks running get a while to finish, then are cancelled,
        and what this process still holds is free for the others at once."""
        if self._loop is None:
            return
        loop, self._loop = self._loop, None
        loop.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await loop
        if self._running:
            _, pending = await asyncio.wait(self._running, timeout=STOP_WAIT)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await self.store.release_claims(self.worker)

    async def _run_loop(self) -> None:
        while True:
            try:
                delay = await self._turn()
            except Exception:
                # The database is away for a moment: try again, without a hot loop.
                log.warning("Timer loop: claiming failed", exc_info=True)
                delay = self.poll
            self._next_wake = self._clock() + delay
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._wake.wait()

    async def _turn(self) -> float:
        """Claim what is due and start it; how long to sleep then."""
        # Cleared first: a timer armed while this turn queries wakes the next one.
        self._wake.clear()
        self._next_wake = float("inf")
        now, wall = self._clock(), self._wall()
        claimed = await self.store.claim(self.worker, now, wall, wall + self.claim_seconds, BATCH)
        for timer in claimed:
            task = asyncio.create_task(self._run(timer), name=f"timer {timer.name}")
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        if len(claimed) == BATCH:
            return 0.0
        upcoming = await self.store.next_due(wall)
        if upcoming is None:
            return self.poll
        return min(self.poll, max(0.0, upcoming - self._clock()))

    async def _run(self, timer: TimerRow) -> None:
        callback = self._callbacks.get(timer.kind)
        renewer = asyncio.create_task(self._renew(timer))
        try:
            if callback is None:
                raise LookupError(f"no callback for timers of kind {timer.kind!r}")
            await callback(timer.key)
        except Exception:
            backoff = min(MAX_BACKOFF, 5.0 * 2**timer.attempts)
            log.exception("Timer %s failed; tried again in %.0f s", timer.name, backoff)
            await self._settle(self.store.retry(timer, self.worker, self._clock() + backoff))
        else:
            await self._settle(self.store.done(timer, self.worker))
        finally:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer

    @staticmethod
    async def _settle(step: Awaitable[None]) -> None:
        try:
            await step
        except Exception as exc:  # noqa: BLE001 - whichever database: the claim runs out
            # and another turn takes the timer again.
            log.warning("Timer row not updated: %s", exc)

    async def _renew(self, timer: TimerRow) -> None:
        while True:
            await asyncio.sleep(self.claim_seconds / 3)
            try:
                await self.store.renew(timer, self.worker, self._wall() + self.claim_seconds)
            except Exception as exc:  # noqa: BLE001 - whichever database: try again next time
                log.warning("Timer %s: claim not renewed: %s", timer.name, exc)
