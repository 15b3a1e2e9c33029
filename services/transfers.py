"""A fair bound on the documents moving through the bot at once.

Downloading from Telegram and uploading to OpenAI take bandwidth, a temporary file and
seconds to minutes each. At most `total` documents are moved at once in the process, and at
most `per_person` of them for one person: someone who sends 60 files in a burst waits for
their own turn, and everyone else's documents go on in between."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass


@dataclass
class _Person:
    turns: asyncio.Semaphore
    # Tasks holding or waiting for a turn: the entry goes when the last one is done.
    tasks: int = 0


class FairLimiter:
    def __init__(self, total: int, per_person: int) -> None:
        self._total = asyncio.Semaphore(total)
        self._per_person = per_person
        self._people: dict[int, _Person] = {}

    @contextlib.asynccontextmanager
    async def slot(self, person: int) -> AsyncIterator[None]:
        """Hold one of the process's slots for `person` while the block runs."""
        entry = self._people.get(person)
        if entry is None:
            entry = self._people[person] = _Person(asyncio.Semaphore(self._per_person))
        entry.tasks += 1
        try:
            # One's own turn first: a burst queues behind itself, not in the shared queue.
            async with entry.turns, self._total:
                yield
        finally:
            entry.tasks -= 1
            if not entry.tasks:
                del self._people[person]

    @property
    def people(self) -> int:
        """People with a document moving or waiting (for tests and the benchmark)."""
        return len(self._people)
