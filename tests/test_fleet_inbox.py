"""Webhook workers sharing one inbox: each update is handled by one of them, and a worker
starting does not replay what a live one is handling. Two Repository connections to one
database file stand for two processes."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Update

from services.inbox import CLAIM_LEASE, DurableUpdateQueue
from storage import Repository


@pytest.fixture
async def workers(tmp_path: Path) -> AsyncIterator[tuple[DurableUpdateQueue, DurableUpdateQueue]]:
    path = tmp_path / "shared.sqlite3"
    first, second = await Repository.open(path), await Repository.open(path)
    queues = (DurableUpdateQueue(), DurableUpdateQueue())
    for queue, repo in zip(queues, (first, second), strict=True):
        queue.repo, queue.shared = repo, True
    yield queues
    await first.close()
    await second.close()


def queued(queue: DurableUpdateQueue) -> list[int]:
    items: list[int] = []
    while not queue.empty():
        item = queue.get_nowait()
        assert isinstance(item, Update)
        items.append(item.update_id)
    return items


async def test_an_update_sent_to_two_workers_is_handled_by_one(
    workers: tuple[DurableUpdateQueue, DurableUpdateQueue],
) -> None:
    a, b = workers
    # Telegram re-sends an update whose answer timed out, possibly to the other worker.
    for update_id in (1, 2, 3):
        await a.put(Update(update_id))
    for update_id in (2, 3, 4):
        await b.put(Update(update_id))
    assert (queued(a), queued(b)) == ([1, 2, 3], [4])


async def test_an_update_left_by_a_dead_worker_is_taken_over_when_re_sent(
    workers: tuple[DurableUpdateQueue, DurableUpdateQueue],
) -> None:
    a, b = workers
    assert a.repo is not None
    # Stored by a worker that died before answering Telegram, longer ago than the lease.
    await a.repo.inbox.save(7, Update(7).to_dict(), time.time() - CLAIM_LEASE - 1, 0.0)
    await b.put(Update(7))
    assert queued(b) == [7]
    # Taken over once: the same re-send reaching a third worker now is dropped.
    await a.put(Update(7))
    assert queued(a) == []


async def test_a_starting_worker_replays_only_what_was_left(
    workers: tuple[DurableUpdateQueue, DurableUpdateQueue],
) -> None:
    a, b = workers
    assert a.repo is not None and b.repo is not None
    now = time.time()
    await a.repo.inbox.save(10, Update(10).to_dict(), now - CLAIM_LEASE - 5, 0.0)
    await a.repo.inbox.save(11, Update(11).to_dict(), now - CLAIM_LEASE - 5, 0.0)
    # In a live worker's hands right now.
    await a.repo.inbox.save(12, Update(12).to_dict(), now, 0.0)
    window = now - 24 * 3600
    taken_by_a = await a.repo.inbox.claim_stale(window, now - CLAIM_LEASE, now)
    taken_by_b = await b.repo.inbox.claim_stale(window, now - CLAIM_LEASE, now)
    assert [u["update_id"] for u in taken_by_a] == [10, 11]
    assert taken_by_b == []
    # The claims were renewed: unsettled still, they are not replayed by the next start either.
    assert [u["update_id"] for u in await b.repo.inbox.pending(0)] == [10, 11, 12]


async def test_a_live_worker_keeps_its_updates_and_a_dead_ones_are_taken_over(
    workers: tuple[DurableUpdateQueue, DurableUpdateQueue],
) -> None:
    a, b = workers
    start = time.time()
    await a.put(Update(20))
    await a.put(Update(21))
    assert queued(a) == [20, 21]
    a.settle(21)
    await a.flush()
    # A is still handling 20 (a long model call): it renews its claim within the lease...
    assert await a.keep_claims(start + CLAIM_LEASE / 2) == []
    # ...so B, later than the lease after A took it, leaves it alone.
    assert await b.keep_claims(start + CLAIM_LEASE * 1.2) == []
    # A died without settling 20: a lease after A's last renewal, B takes it (once).
    taken = await b.keep_claims(start + CLAIM_LEASE * 1.6)
    assert [u["update_id"] for u in taken] == [20]
    assert await b.keep_claims(start + CLAIM_LEASE * 1.7) == []
