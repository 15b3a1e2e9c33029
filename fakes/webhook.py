"""Webhook delivery for the fake Telegram: queued updates POSTed to the bot, as Telegram does
after setWebhook.

The webhook URL is public and https; a test maps it to local `http://127.0.0.1:<port>/<path>`
targets (`FakeTelegram.route_webhook`), and deliveries go round-robin over them, as a load
balancer in front of several workers would spread them. A target that refuses the connection
is skipped for the next one (a load balancer's health check); an answer other than 2xx, or
none within `timeout`, leaves the update queued and it is delivered again `retry_delay`
later, as Telegram retries. At most `max_connections` deliveries are in flight at once
(setWebhook's parameter, default 40).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import aiohttp

JSONDict = dict[str, Any]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_MAX_CONNECTIONS = 40


@dataclass(frozen=True)
class Delivery:
    """One POST of an update: where, when, and what came of it (HTTP status, or the error)."""

    update_id: int
    target: str
    time: float
    status: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class WebhookDelivery:
    """Owned by FakeTelegram: `updates` yields the queued, subscribed updates oldest first;
    `delivered(update)` removes one from the queue; `changed()` wakes whoever waits."""

    def __init__(
        self,
        updates: Callable[[], Iterable[JSONDict]],
        delivered: Callable[[JSONDict], None],
        changed: Callable[[], None],
    ) -> None:
        self._updates, self._delivered, self._changed = updates, delivered, changed
        self.targets: list[str] = []
        self.url = ""
        self.secret_token: str | None = None
        self.max_connections = DEFAULT_MAX_CONNECTIONS
        self.timeout = 10.0
        self.retry_delay = 0.2
        self.deliveries: list[Delivery] = []
        self.last_error: tuple[int, str] | None = None
        self.most_in_flight = 0
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._retry_at: dict[int, float] = {}
        self._next = 0
        self._wake = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def active(self) -> bool:
        return bool(self.url and self.targets)

    def set(self, url: str, secret_token: str | None, max_connections: int) -> None:
        self.url, self.secret_token, self.max_connections = url, secret_token, max_connections
        self.poke()

    def poke(self) -> None:
        """Something changed (a new update, a webhook set, a delivery done): look again."""
        self._wake.set()
        if self.active and (self._loop is None or self._loop.done()):
            self._loop = asyncio.get_running_loop().create_task(self._run())

    def first_sent(self) -> dict[int, float]:
        """When each update was first POSTed (monotonic), by id."""
        out: dict[int, float] = {}
        for d in self.deliveries:
            out.setdefault(d.update_id, d.time)
        return out

    async def aclose(self) -> None:
        tasks = [t for t in (self._loop, *self._in_flight.values()) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._loop = None
        self._in_flight.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _run(self) -> None:
        while self.active:
            self._wake.clear()
            now = time.monotonic()
            for update in self._updates():
                if len(self._in_flight) >= self.max_connections:
                    break
                update_id = int(update["update_id"])
                if update_id in self._in_flight or self._retry_at.get(update_id, 0.0) > now:
                    continue
                self._retry_at.pop(update_id, None)
                self._in_flight[update_id] = asyncio.create_task(self._deliver(update))
            self.most_in_flight = max(self.most_in_flight, len(self._in_flight))
            due = [t for u, t in self._retry_at.items() if u not in self._in_flight]
            wait = max(0.0, min(due) - time.monotonic()) if due else None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)

    async def _deliver(self, update: JSONDict) -> None:
        update_id = int(update["update_id"])
        try:
            for _ in range(len(self.targets)):
                target = self.targets[self._next % len(self.targets)]
                self._next += 1
                outcome = await self._post(target, update)
                self.deliveries.append(outcome)
                if outcome.ok:
                    self._delivered(update)
                    return
                self.last_error = (int(time.time()), outcome.error or f"HTTP {outcome.status}")
                if outcome.error != "refused":
                    break
            self._retry_at[update_id] = time.monotonic() + self.retry_delay
        finally:
            self._in_flight.pop(update_id, None)
            self._changed()
            self.poke()

    async def _post(self, target: str, update: JSONDict) -> Delivery:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0, force_close=False)
            )
        headers = {} if self.secret_token is None else {SECRET_HEADER: self.secret_token}
        update_id, sent = int(update["update_id"]), time.monotonic()
        try:
            async with self._session.post(
                target,
                json=update,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as response:
                await response.read()
                return Delivery(update_id, target, sent, response.status)
        except aiohttp.ClientConnectorError:
            return Delivery(update_id, target, sent, None, "refused")
        except TimeoutError:
            return Delivery(update_id, target, sent, None, "timeout")
        except aiohttp.ClientError as exc:
            return Delivery(update_id, target, sent, None, type(exc).__name__)
