"""At-least-once delivery made safe: durable before confirmed, settled once handled.

python-telegram-bot's Updater puts each fetched update into the application's queue and only
then asks Telegram for the next batch, which is what confirms the previous one. Writing the
update to SQLite inside `put` therefore makes it durable before Telegram forgets it. Handlers
delete it when they finish; what is left after a crash is replayed at the next start, and the
handlers' idempotency makes a replay of anything already half done harmless.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes

from storage import Repository

log = logging.getLogger(__name__)

# Older unhandled updates are dropped at start rather than acted on out of the blue.
REPLAY_WINDOW = 24 * 3600

Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, Any]]


class DurableUpdateQueue(asyncio.Queue[object]):
    # Telegram re-sends what a crashed run never confirmed, and we replay the same from the
    # inbox: whichever arrives second in this run is dropped.
    SEEN = 10_000

    def __init__(self) -> None:
        super().__init__()
        self.repo: Repository | None = None
        self._seen: dict[int, None] = {}

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            if item.update_id in self._seen:
                return
            self._seen[item.update_id] = None
            if len(self._seen) > self.SEEN:
                del self._seen[next(iter(self._seen))]
            if self.repo is not None:
                await self.repo.inbox.save(item.update_id, item.to_dict(), time.time())
        await super().put(item)


def _repo(context: ContextTypes.DEFAULT_TYPE) -> Repository:
    queue = context.application.update_queue
    assert isinstance(queue, DurableUpdateQueue) and queue.repo is not None
    return queue.repo


def settling(callback: Callback) -> Callback:
    """Settle the update once this (final) handler has finished with it, even by failing.

    A failure was reported by the error handler; replaying it would only fail again.
    Cancellation (shutdown) leaves it in the inbox for the next start.
    """

    @functools.wraps(callback)
    async def run(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        try:
            result = await callback(update, context)
        except Exception:
            await _repo(context).inbox.settle(update.update_id)
            raise
        await _repo(context).inbox.settle(update.update_id)
        return result

    return run


def settling_when_stopped(callback: Callback) -> Callback:
    """For gate handlers before the main group: settle only the updates they stop."""

    @functools.wraps(callback)
    async def run(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        try:
            return await callback(update, context)
        except ApplicationHandlerStop:
            await _repo(context).inbox.settle(update.update_id)
            raise

    return run


async def unhandled(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Updates no feature wants (chat messages, our own polls' totals) are simply settled."""


async def replay(application: Application[Any, Any, Any, Any, Any, Any], repo: Repository) -> int:
    """Queue what a previous process received but did not finish handling."""
    pending = await repo.inbox.pending(time.time() - REPLAY_WINDOW)
    for payload in pending:
        update = Update.de_json(payload, application.bot)
        await application.update_queue.put(update)
    if pending:
        log.info("Replaying %d update(s) left unhandled by the previous run", len(pending))
    return len(pending)
