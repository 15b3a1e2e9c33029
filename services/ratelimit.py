"""PTB's AIORateLimiter, plus retries with backoff for Telegram's transient failures."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)


class RetryingRateLimiter(AIORateLimiter):
    """Flood limits and 429s as AIORateLimiter handles them; connection errors and 5xx
    (PTB's plain NetworkError) retried with exponential backoff.

    Subclasses of NetworkError are not retried: BadRequest is final, and TimedOut may mean
    the message was sent after all, so sending it again could duplicate it.
    """

    def __init__(self, *, network_retries: int = 3, backoff: float = 0.5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._network_retries = network_retries
        self._backoff = backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
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
