"""PTB's AIORateLimiter, plus Telegram's per-chat pace and retries for transient failures."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.error import NetworkError
from telegram.ext import AIORateLimiter

from storage.send_slots import SendSlots, Window

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]

# "In a single chat, avoid sending more than one message per second" (Bot API FAQ). Applied
# in groups, where a quiz posts its polls to everyone at once and the 20 per minute make a
# 429 costly; private chats keep the short bursts Telegram allows (a 429 is still retried).
# A little over a second apart, so still a second apart when Telegram receives them.
CHAT_MESSAGES_PER_PERIOD = 1
CHAT_PERIOD = 1.05
# Limiters of chats with nothing in flight are dropped beyond this many (as PTB does for groups).
CHAT_LIMITERS = 512


# Workers sharing a database reserve each message's time there (storage/send_slots.py):
# a group's one per second and 20 per minute, and everyone's 30 per second. A second's
# margin on the minute, so the 21st still reaches Telegram after the first has left it.
GROUP_WINDOWS: tuple[Window, ...] = (
    (CHAT_PERIOD, CHAT_MESSAGES_PER_PERIOD),
    (61.0, FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP),
)
OVERALL_WINDOWS: tuple[Window, ...] = ((1.05, FloodLimit.MESSAGES_PER_SECOND),)
# The key of the overall budget (no chat has id 0).
OVERALL = 0


class SharedPace:
    """The fleet's pace: each message waits for the time reserved for it in its group's
    budget and the overall one at once. Built with the bot; its `slots` come with the
    database, before any message is sent."""

    def __init__(
        self,
        group_windows: tuple[Window, ...] = GROUP_WINDOWS,
        overall_windows: tuple[Window, ...] = OVERALL_WINDOWS,
    ) -> None:
        self.slots: SendSlots | None = None
        self._group = group_windows
        self._overall = overall_windows

    async def wait(self, chat_id: object) -> None:
        slots = self.slots
        if slots is None:
            raise RuntimeError("the fleet's send slots are not open yet")
        key = _chat_key(chat_id)
        budgets = [(OVERALL, self._overall)]
        if key is not None and key < 0:
            budgets.append((key, self._group))
        await _sleep_until(await slots.reserve(budgets, time.time))


def _chat_key(chat_id: object) -> int | None:
    """The chat's id as a number (an @username has none: not paced by the fleet)."""
    if isinstance(chat_id, int):
        return chat_id
    if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
        return int(chat_id)
    return None


async def _sleep_until(at: float) -> None:
    delay = at - time.time()
    if delay > 0:
        await asyncio.sleep(delay)


def counts_as_message(endpoint: str) -> bool:
    """Telegram's flood limits count messages sent; a chat action is not one."""
    return endpoint.startswith("send") and endpoint != "sendChatAction"


def is_group(chat_id: object) -> bool:
    """As AIORateLimiter tells groups: negative ids, or @usernames (only channels and
    supergroups have them)."""
    if isinstance(chat_id, str):
        return not chat_id.lstrip("-").isdigit() or chat_id.startswith("-")
    return isinstance(chat_id, int) and chat_id < 0


def _shared(
    callback: Callable[..., Coroutine[Any, Any, Result]], pace: SharedPace, chat_id: object
) -> Callable[..., Coroutine[Any, Any, Result]]:
    """`callback` after the fleet's pace, at every attempt (as `_paced`)."""

    async def paced(*args: Any, **kwargs: Any) -> Result:
        await pace.wait(chat_id)
        return await callback(*args, **kwargs)

    return paced


def _paced(
    callback: Callable[..., Coroutine[Any, Any, Result]], limiter: AsyncLimiter
) -> Callable[..., Coroutine[Any, Any, Result]]:
    """`callback` after the chat's pace, at every attempt: a message retried after a 429
    queues behind the chat's other messages instead of meeting them at Telegram again."""

    async def paced(*args: Any, **kwargs: Any) -> Result:
        await limiter.acquire()
        return await callback(*args, **kwargs)

    return paced


class RetryingRateLimiter(AIORateLimiter):
    """Flood limits: messages (send*) to a group wait for one second per chat, then for
    AIORateLimiter's 20 per minute per group; all messages for its 30 per second overall.
    Other requests (edits, stopPoll, lookups, chat actions) are not messages and wait for
    none of these, so they do not use up a group's 20 messages. 429s are retried after
    retry_after as AIORateLimiter does; connection errors and 5xx (PTB's plain
    NetworkError) with exponential backoff.

    Subclasses of NetworkError are not retried: BadRequest is final, and TimedOut may mean
    the message was sent after all, so sending it again could duplicate it.
    """

    def __init__(
        self,
        *,
        network_retries: int = 3,
        backoff: float = 0.5,
        shared: SharedPace | None = None,
        **kwargs: Any,
    ) -> None:
        if shared is not None:
            # The fleet's budgets replace the process's own (AIORateLimiter's 0: none).
            kwargs.update(overall_max_rate=0, group_max_rate=0)
        super().__init__(**kwargs)
        self._network_retries = network_retries
        self._backoff = backoff
        self._chat_limiters: dict[object, AsyncLimiter] = {}
        self.shared = shared

    def _chat_limiter(self, chat_id: object) -> AsyncLimiter:
        limiter = self._chat_limiters.get(chat_id)
        if limiter is None:
            if len(self._chat_limiters) >= CHAT_LIMITERS:
                for key, idle in list(self._chat_limiters.items()):
                    if idle.has_capacity(idle.max_rate):
                        del self._chat_limiters[key]
            limiter = AsyncLimiter(CHAT_MESSAGES_PER_PERIOD, CHAT_PERIOD)
            self._chat_limiters[chat_id] = limiter
        return limiter

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = data.get("chat_id")
        if chat_id is not None:
            if counts_as_message(endpoint):
                if self.shared is not None:
                    callback = _shared(callback, self.shared, chat_id)
                elif is_group(chat_id):
                    callback = _paced(callback, self._chat_limiter(chat_id))
            else:
                # AIORateLimiter reads the chat only from `data` (the request itself is in
                # `args`/`kwargs`): without it, no per-group or overall budget is used.
                data = {k: v for k, v in data.items() if k != "chat_id"}
        for attempt in range(self._network_retries + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NetworkError as exc:
                if type(exc) is not NetworkError or attempt == self._network_retries:
                    raise
                delay = self._backoff * 2**attempt
                log.warning("%s failed (%s); retrying in %.1fs", endpoint, exc.message, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")
