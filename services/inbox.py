"""At-least-once delivery made safe: durable before confirmed, settled once handled.

python-telegram-bot's Updater asks Telegram for the next batch of updates only after it has
queued the previous one, and that request is what confirms it. `InboxBot.get_updates` writes
each fetched batch to SQLite in one transaction before returning it, so it is durable before
Telegram forgets it (in webhook mode, where there is no getUpdates, `put` writes each update
before the server answers Telegram). Handlers mark updates settled when they finish; settled
ones are deleted in batches, with the next batch's write or a moment later. What is left after
a crash is replayed at the next start: the few updates handled but not yet deleted, and any
not handled at all. The handlers' idempotency makes replaying them harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, ExtBot
from telegram.request import HTTPXRequest

from services.context import BotContext
from storage import DATABASE_ERRORS, Repository

log = logging.getLogger(__name__)

# Older unhandled updates are dropped at start rather than acted on out of the blue.
REPLAY_WINDOW = 24 * 3600
# Several workers on one database: an update stored this long ago and still unsettled is
# presumed lost with its worker, and another may take it (Telegram re-sending it, or a
# worker starting). Telegram re-sends only what was not answered, and a worker answers as
# soon as the update is stored, so a re-send means that worker failed: a minute is enough,
# and a worker handling it renews its claim (`keep_claims`) until it is settled.
CLAIM_LEASE = 60.0

# What the bot asks Telegram for: everything but `poll`, the vote totals of our own polls,
# one per vote (as many as the poll_answers it does use), which nothing reads.
ALLOWED_UPDATES = [kind for kind in Update.ALL_TYPES if kind != Update.POLL]

Callback = Callable[[Update, BotContext], Coroutine[Any, Any, Any]]


class DurableUpdateQueue(asyncio.Queue[object]):
    # Telegram re-sends what a crashed run never confirmed, and we replay the same from the
    # inbox: whichever arrives second in this run is dropped.
    SEEN = 10_000
    # Settled updates wait this long for others to share their DELETE and commit.
    SETTLE_DELAY = 0.05

    def __init__(self) -> None:
        super().__init__()
        self.repo: Repository | None = None
        self._seen: dict[int, None] = {}
        # Fetched updates already in the inbox (saved by `store`, or replayed from it).
        self._stored: set[int] = set()
        self._settled: list[int] = []
        self._flusher: asyncio.Task[None] | None = None
        # Whether other workers share the inbox (webhook workers on one PostgreSQL).
        self.shared = False
        # Then: the updates this worker has taken and not yet settled, whose claims it renews.
        self._held: set[int] = set()

    def _first_time(self, update_id: int) -> bool:
        if update_id in self._seen:
            return False
        self._seen[update_id] = None
        if len(self._seen) > self.SEEN:
            del self._seen[next(iter(self._seen))]
        return True

    async def store(
        self, updates: Sequence[Update], raw: Mapping[int, dict[str, Any]], now: float
    ) -> None:
        """Write a fetched batch (but what this run has seen already) in one transaction,
        with the settled updates still to delete. Called before the batch is confirmed.
        `raw`: the updates as Telegram sent them, by id, stored instead of serialising the
        parsed ones again (Update.to_dict costs more than handling a poll answer)."""
        if self.repo is None:
            return
        fresh = [u for u in updates if u.update_id not in self._seen]
        settled, self._settled = self._settled, []
        if not fresh and not settled:
            return
        payloads = [(u.update_id, raw.get(u.update_id) or u.to_dict()) for u in fresh]
        await self.repo.inbox.save_batch(payloads, settled, now)
        self._stored.update(u.update_id for u in fresh)

    def mark_stored(self, update_id: int) -> None:
        self._stored.add(update_id)

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            stored = item.update_id in self._stored
            self._stored.discard(item.update_id)
            if not self._first_time(item.update_id):
                return
            if self.repo is not None and not stored:
                now = time.time()
                # Already in the inbox: another worker has it (Telegram re-sent it, maybe
                # to another worker, after a timeout), unless it has been left there.
                if not await self.repo.inbox.save(
                    item.update_id, item.to_dict(), now, now - CLAIM_LEASE
                ):
                    log.info("Update %d is another worker's: dropped", item.update_id)
                    return
            if self.shared:
                self._held.add(item.update_id)
        await super().put(item)

    def settle(self, update_id: int) -> None:
        """Its handler is done: delete it from the inbox soon (a crash before then replays
        it, which the handlers absorb)."""
        self._held.discard(update_id)
        self._settled.append(update_id)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        await asyncio.sleep(self.SETTLE_DELAY)
        try:
            await self.flush()
        except DATABASE_ERRORS:
            # Left in the inbox, they are replayed (harmlessly) at the next start.
            log.exception("Could not delete handled updates from the inbox")

    async def flush(self) -> None:
        while self._settled and self.repo is not None:
            settled, self._settled = self._settled, []
            await self.repo.inbox.settle_many(settled)

    async def keep_claims(self, now: float) -> list[dict[str, Any]]:
        """Workers sharing the inbox, every so often: renew the claims on the updates this
        one is handling, and take those another worker left unsettled longer than the
        lease (it died after telling Telegram it had them)."""
        if self.repo is None:
            return []
        if self._held:
            await self.repo.inbox.renew(sorted(self._held), now)
        return await self.repo.inbox.claim_stale(now - REPLAY_WINDOW, now - CLAIM_LEASE, now)

    async def aclose(self) -> None:
        """At shutdown, before the database closes: delete what has been handled."""
        if self._flusher is not None:
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
            self._flusher = None
        await self.flush()


class RawUpdatesRequest(HTTPXRequest):
    """getUpdates' connection, keeping the last batch's updates as Telegram sent them."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.batch: list[dict[str, Any]] = []

    # PTB's documented hook for the JSON of every response.
    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:  # type: ignore[override]
        data = super().parse_json_payload(payload)
        result = data.get("result")
        self.batch = result if isinstance(result, list) else []
        return data


class InboxBot(ExtBot[int]):
    """The application's bot: each getUpdates batch goes into the inbox before it is
    returned, so before the next getUpdates confirms it to Telegram."""

    def __init__(self, queue: DurableUpdateQueue, *args: Any, **kwargs: Any) -> None:
        # ApplicationBuilder's getUpdates connection: one, as only one poll runs at a time.
        self._raw_updates = RawUpdatesRequest(connection_pool_size=1)
        kwargs["get_updates_request"] = self._raw_updates
        super().__init__(*args, **kwargs)
        self._inbox_queue = queue

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        self._raw_updates.batch = []
        updates = await super().get_updates(*args, **kwargs)
        raw = {u["update_id"]: u for u in self._raw_updates.batch if "update_id" in u}
        await self._inbox_queue.store(updates, raw, time.time())
        return updates

    async def shutdown(self) -> None:
        await self._inbox_queue.aclose()
        await super().shutdown()


def _queue(context: BotContext) -> DurableUpdateQueue:
    queue = context.application.update_queue
    assert isinstance(queue, DurableUpdateQueue)
    return queue


class SettledLater:
    """Returned by a handler that has arranged to settle its update itself (once what it
    handed on is durable)."""


SETTLED_LATER = SettledLater()


def settle_later(context: BotContext, update: Update) -> Callable[[], None]:
    """What settles the update, for a handler that returns SETTLED_LATER."""
    queue = _queue(context)
    return functools.partial(queue.settle, update.update_id)


def settling(callback: Callback) -> Callback:
    """Settle the update once this (final) handler has finished with it, even by failing.

    A failure was reported by the error handler; replaying it would only fail again.
    Cancellation (shutdown) leaves it in the inbox for the next start.
    """

    @functools.wraps(callback)
    async def run(update: Update, context: BotContext) -> Any:
        try:
            result = await callback(update, context)
        except Exception:
            _queue(context).settle(update.update_id)
            raise
        if result is not SETTLED_LATER:
            _queue(context).settle(update.update_id)
        return result

    return run


def settling_when_stopped(callback: Callback) -> Callback:
    """For gate handlers before the main group: settle only the updates they stop."""

    @functools.wraps(callback)
    async def run(update: Update, context: BotContext) -> Any:
        try:
            return await callback(update, context)
        except ApplicationHandlerStop:
            _queue(context).settle(update.update_id)
            raise

    return run


async def unhandled(update: Update, context: BotContext) -> None:
    """Updates no feature wants (chat messages, our own polls' totals) are simply settled."""


async def replay(application: Application[Any, Any, Any, Any, Any, Any], repo: Repository) -> int:
    """Queue what a previous process received but did not finish handling. With workers
    sharing the inbox, only what has been left longer than CLAIM_LEASE: a younger update may
    be in the hands of a live worker."""
    queue = application.update_queue
    now = time.time()
    if isinstance(queue, DurableUpdateQueue) and queue.shared:
        pending = await queue.keep_claims(now)
    else:
        pending = await repo.inbox.pending(now - REPLAY_WINDOW)
    await _requeue(application, pending)
    if pending:
        log.info("Replaying %d update(s) left unhandled by the previous run", len(pending))
    return len(pending)


async def keep_claims(context: BotContext) -> None:
    """The repeating job of workers sharing the inbox (see DurableUpdateQueue.keep_claims)."""
    left = await _queue(context).keep_claims(time.time())
    await _requeue(context.application, left)
    if left:
        log.warning("Taking over %d update(s) another worker left unhandled", len(left))


async def _requeue(
    application: Application[Any, Any, Any, Any, Any, Any], payloads: list[dict[str, Any]]
) -> None:
    queue = application.update_queue
    for payload in payloads:
        update = Update.de_json(payload, application.bot)
        if isinstance(queue, DurableUpdateQueue):
            queue.mark_stored(update.update_id)
        await queue.put(update)
