"""Command floods: token buckets per person and per chat, and info replies at most once a while.

Pure bookkeeping on a monotonic clock the caller passes in; the gate in handlers/limits.py
applies it before any handler does work. Both tables forget what is idle (a full bucket, an
expired reply), so their size follows the recently active people and chats, not all of them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

# Tables are swept when they have grown this much since the last sweep (and at this size).
_SWEEP_FLOOR = 256


class Verdict(enum.Enum):
    RUN = "run"
    # Dropped, and the person should hear why (once until the limit clears).
    NOTICE = "notice"
    # Dropped in silence: they were told already.
    DROP = "drop"


@dataclass(slots=True)
class TokenBucket:
    capacity: float
    per_second: float
    tokens: float
    stamp: float
    noticed: bool = False

    def refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.stamp)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.per_second)
        self.stamp = now

    def full(self, now: float) -> bool:
        return self.tokens + max(0.0, now - self.stamp) * self.per_second >= self.capacity

    def wait(self) -> float:
        """Seconds until the next token (after a refill)."""
        return max(0.0, (1.0 - self.tokens) / self.per_second)


class _Buckets:
    """One bucket per key, made full on first use; full ones are forgotten at sweeps."""

    def __init__(self, burst: int, per_minute: int) -> None:
        self.burst = burst
        self.per_second = per_minute / 60.0
        self._buckets: dict[int, TokenBucket] = {}
        self._sweep_at = _SWEEP_FLOOR

    @property
    def enabled(self) -> bool:
        return self.per_second > 0 and self.burst > 0

    def __len__(self) -> int:
        return len(self._buckets)

    def get(self, key: int, now: float) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self._sweep_at:
                self._sweep(now)
            bucket = TokenBucket(self.burst, self.per_second, float(self.burst), now)
            self._buckets[key] = bucket
        bucket.refill(now)
        return bucket

    def _sweep(self, now: float) -> None:
        self._buckets = {k: b for k, b in self._buckets.items() if not b.full(now)}
        self._sweep_at = max(_SWEEP_FLOOR, 2 * len(self._buckets))


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    # Whose limit dropped it: "user" or "chat" (None when it runs).
    scope: str | None = None
    # Seconds until that limit lets a command through again.
    wait: float = 0.0


class CommandLimiter:
    """Admits a command if both the sender's and the chat's bucket hold a token (and takes
    one from each); a limit of 0 per minute turns that bucket off."""

    def __init__(
        self, user_burst: int, user_per_minute: int, chat_burst: int, chat_per_minute: int
    ) -> None:
        self.users = _Buckets(user_burst, user_per_minute)
        self.chats = _Buckets(chat_burst, chat_per_minute)

    def admit(self, user_id: int | None, chat_id: int, now: float) -> Decision:
        buckets: list[tuple[str, TokenBucket]] = []
        if self.users.enabled and user_id is not None:
            buckets.append(("user", self.users.get(user_id, now)))
        if self.chats.enabled:
            buckets.append(("chat", self.chats.get(chat_id, now)))
        empty = next(((scope, b) for scope, b in buckets if b.tokens < 1.0), None)
        if empty is None:
            for _, bucket in buckets:
                bucket.tokens -= 1.0
                bucket.noticed = False
            return Decision(Verdict.RUN)
        scope, bucket = empty
        verdict = Verdict.DROP if bucket.noticed else Verdict.NOTICE
        bucket.noticed = True
        return Decision(verdict, scope, bucket.wait())


class RecentReplies:
    """Whether a chat was given the same info reply less than `interval` seconds ago, with
    nothing else asked of the bot there since (that may have changed what it would say)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._last: dict[int, dict[str, float]] = {}
        self._sweep_at = _SWEEP_FLOOR

    def __len__(self) -> int:
        return len(self._last)

    def first(self, chat_id: int, key: str, now: float) -> bool:
        """True (and remembered) if this reply is due; False if it was just given."""
        if self.interval <= 0:
            return True
        given = self._last.get(chat_id)
        last = None if given is None else given.get(key)
        if last is not None and now - last < self.interval:
            return False
        if given is None:
            if len(self._last) >= self._sweep_at:
                self._sweep(now)
            given = self._last[chat_id] = {}
        given[key] = now
        return True

    def forget(self, chat_id: int) -> None:
        """Something else happened in the chat: the next info reply is due again."""
        self._last.pop(chat_id, None)

    def _sweep(self, now: float) -> None:
        self._last = {
            chat: given
            for chat, given in self._last.items()
            if any(now - t < self.interval for t in given.values())
        }
        self._sweep_at = max(_SWEEP_FLOOR, 2 * len(self._last))
