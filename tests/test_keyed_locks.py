"""KeyedLocks: one lock per key while in use, and nothing kept once its last user leaves."""

from __future__ import annotations

import asyncio

import pytest

from services.keyed_locks import KeyedLocks


async def test_a_key_is_serialised_and_forgotten_after_its_last_user() -> None:
    locks = KeyedLocks()
    order: list[str] = []
    first_in = asyncio.Event()
    release = asyncio.Event()

    async def first() -> None:
        async with locks.hold(1):
            first_in.set()
            order.append("first in")
            await release.wait()
            order.append("first out")

    async def second() -> None:
        await first_in.wait()
        async with locks.hold(1):
            order.append("second in")

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await first_in.wait()
    await asyncio.sleep(0)
    # Another key is not held up by key 1.
    async with locks.hold(2):
        assert 2 in locks
    assert 1 in locks and 2 not in locks
    release.set()
    await asyncio.gather(*tasks)
    assert order == ["first in", "first out", "second in"]
    assert len(locks) == 0


async def test_a_failure_inside_still_forgets_the_key() -> None:
    locks = KeyedLocks()
    with pytest.raises(ValueError, match="boom"):
        async with locks.hold(7):
            raise ValueError("boom")
    assert len(locks) == 0
