"""Who transfers a document now: one process at a time, so that a transfer a dead process left
unfinished can be taken over, and a live one never is. In a fleet (or any process with
leases) that is the lease `document:<row id>`, renewed while held; a single process without
leases is itself the holder of what it transfers."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from services.leases import Leases


def lease_name(doc_id: int) -> str:
    return f"document:{doc_id}"


class DocumentHolds:
    def __init__(self, leases: Leases | None) -> None:
        self._leases = leases
        # Without leases: the documents this process transfers now.
        self._here: set[int] = set()

    async def acquire(self, doc_id: int) -> bool:
        """Hold the document; False when a live worker (or another task here) holds it."""
        if self._leases is not None:
            return await self._leases.acquire(lease_name(doc_id))
        if doc_id in self._here:
            return False
        self._here.add(doc_id)
        return True

    async def release(self, doc_id: int) -> None:
        if self._leases is not None:
            await self._leases.release(lease_name(doc_id))
        else:
            self._here.discard(doc_id)

    @contextlib.asynccontextmanager
    async def hold(self, doc_id: int) -> AsyncIterator[bool]:
        """`async with holds.hold(doc_id) as mine:` — False when another holds it."""
        mine = await self.acquire(doc_id)
        try:
            yield mine
        finally:
            if mine:
                await self.release(doc_id)
