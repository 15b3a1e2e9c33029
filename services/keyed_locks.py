"""Locks per key (a quiz, a chat): what serialises a quiz's feedback, a live game's steps, a
chat's vector store creation.

`KeyedLocks` is one asyncio.Lock per key, kept only while someone holds or awaits it: a
dict of locks that only grows keeps one per quiz the process has ever run; this one forgets
a key's lock as its last user leaves, so a finished quiz leaves nothing behind. It is the
whole story for one process; workers sharing a PostgreSQL database also take the key's
advisory lock (storage/advisory_locks.py) inside it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Protocol


class Locks(Protocol):
    def __len__(self) -> int:
        """Keys held or awaited in this process."""
        ...

    def hold(self, key: int) -> AbstractAsyncContextManager[None]:
        """Held by one task (of one process, or of the whole fleet) at a time per key."""
        ...


class KeyedLocks:
    def __init__(self) -> None:
        # key -> (its lock, how many hold or await it)
        self._entries: dict[int, tuple[asyncio.Lock, int]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    @contextlib.asynccontextmanager
    async def hold(self, key: int) -> AsyncIterator[None]:
        lock, users = self._entries.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._entries[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            # Counted the same way in and out, so the entry is still this one's.
            _, users = self._entries[key]
            if users == 1:
                del self._entries[key]
            else:
                self._entries[key] = (lock, users - 1)
