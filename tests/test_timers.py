"""Durable timers and leases on a real database, SQLite and PostgreSQL: several workers, each
with its own connection (or pool) as separate processes have, on one database."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from services.leases import Leases
from services.timers import POLL_SECONDS, Timers
from storage import Repository
from storage.repository import open_repository
from tests.conftest import DATABASES, chosen_database
from tests.harness import eventually

T0 = 1_000_000.0


class Clock:
    """The services' clock, moved by hand (due times are on it)."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


class Fired(list[tuple[str, int, str]]):
    """(kind, key, worker) of each run, in order."""


@pytest.fixture(params=DATABASES)
def database(request: pytest.FixtureRequest) -> str | None:
    """Every test of this module runs on both databases."""
    return chosen_database(request)


async def connect(database: str | None, tmp_path: Path) -> Repository:
    """One worker's connection to the test's database."""
    return await open_repository(database, tmp_path / "db.sqlite3", 4)


@pytest.fixture
async def fleet(
    database: str | None, tmp_path: Path
) -> AsyncIterator[Callable[..., Awaitable[Timers]]]:
    """`await fleet(worker)`: a worker's Timers on the shared database, each with its own
    connection, stopped (and closed) at the end."""
    async with AsyncExitStack() as stack:

        async def make(worker: str, clock: Clock, poll: float = POLL_SECONDS) -> Timers:
            repo = await connect(database, tmp_path)
            stack.push_async_callback(repo.close)
            timers = Timers(repo.timers, worker, clock, poll=poll)
            stack.push_async_callback(timers.stop)
            return timers

        yield make


def recording(timers: Timers, fired: Fired, kind: str = "deadline") -> None:
    async def callback(key: int) -> None:
        fired.append((kind, key, timers.worker))

    timers.on(kind, callback)


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(proc.stdout)


async def test_arm_re_arm_and_disarm(fleet: Callable[..., Awaitable[Timers]]) -> None:
    clock, fired = Clock(), Fired()
    timers = await fleet("w1", clock)
    recording(timers, fired)
    await timers.start()
    await timers.arm("deadline:1", "deadline", 1, T0 + 10)
    await timers.arm("deadline:2", "deadline", 2, T0 + 10)
    await timers.arm("deadline:2", "deadline", 2, T0 + 20)  # replaces the first
    await timers.arm("deadline:3", "deadline", 3, T0 + 10)
    await timers.disarm("deadline:3")
    await asyncio.sleep(0.3)
    assert fired == []  # nothing is due on the services' clock yet

    clock.now = T0 + 10
    await eventually(lambda: _true(fired == [("deadline", 1, "w1")]), what="timer 1")
    await eventually(lambda: _none(timers.due("deadline:1")), what="timer 1's row to go")
    assert await timers.due("deadline:2") == T0 + 20
    clock.now = T0 + 20
    await eventually(lambda: _true(len(fired) == 2), what="timer 2")
    await asyncio.sleep(1.5)  # a turn or two more: nothing fires twice, 3 never
    assert fired == [("deadline", 1, "w1"), ("deadline", 2, "w1")]


async def test_two_workers_on_one_database_fire_each_timer_once(
    fleet: Callable[..., Awaitable[Timers]],
) -> None:
    clock, fired = Clock(), Fired()
    workers = [await fleet(f"w{i}", clock) for i in (1, 2)]
    for timers in workers:
        recording(timers, fired)
    for key in range(40):
        await workers[key % 2].arm(f"deadline:{key}", "deadline", key, T0)
    await asyncio.gather(*(t.start() for t in workers))
    await eventually(lambda: _true(len(fired) >= 40), what="every timer")
    await asyncio.sleep(1.5)
    assert sorted(key for _, key, _ in fired) == list(range(40)), fired
    for key in range(40):
        assert await workers[0].due(f"deadline:{key}") is None


async def test_a_claim_whose_worker_died_is_taken_over_after_its_lease(
    fleet: Callable[..., Awaitable[Timers]],
) -> None:
    clock, fired = Clock(), Fired()
    survivor = await fleet("w2", clock)
    recording(survivor, fired)
    await survivor.arm("deadline:1", "deadline", 1, T0)
    await survivor.arm("deadline:2", "deadline", 2, T0)
    # Claimed by workers that died mid-run: one on another host, whose claim runs out in
    # two seconds; one of this host, whose process is gone (freed at once at start).
    wall = time.time()
    assert [t.key for t in await survivor.store.claim("elsewhere:1:a", T0, wall, wall + 2, 1)] == [
        1
    ]
    here = f"{socket.gethostname()}:{dead_pid()}:b"
    assert [t.key for t in await survivor.store.claim(here, T0, wall, wall + 600, 1)] == [2]

    await survivor.start()
    await eventually(lambda: _true(len(fired) == 1), what="the dead local worker's timer")
    assert fired == [("deadline", 2, "w2")]
    await eventually(lambda: _true(len(fired) == 2), what="the expired claim", within=6)
    assert fired[1] == ("deadline", 1, "w2")
    assert time.time() >= wall + 2


async def test_a_callback_that_raises_is_tried_again_later_not_in_a_hot_loop(
    fleet: Callable[..., Awaitable[Timers]], caplog: pytest.LogCaptureFixture
) -> None:
    clock, calls = Clock(), []
    timers = await fleet("w1", clock)

    async def flaky(key: int) -> None:
        calls.append(key)
        if len(calls) == 1:
            raise RuntimeError("the model is down")

    timers.on("deadline", flaky)
    await timers.arm("deadline:7", "deadline", 7, T0)
    await timers.start()
    await eventually(lambda: _true(calls == [7]), what="the first run")
    await eventually(lambda: _due_now(timers, "deadline:7"), what="the back-off")
    assert "Timer deadline:7 failed" in caplog.text
    await asyncio.sleep(1.5)
    assert calls == [7]  # backing off, on the services' clock
    assert await timers.due("deadline:7") == T0 + 5
    clock.now = T0 + 5
    await eventually(lambda: _true(calls == [7, 7]), what="the retry")
    await eventually(lambda: _none(timers.due("deadline:7")), what="the row to go")


async def test_a_callback_that_arms_its_own_timer_again_keeps_it(
    fleet: Callable[..., Awaitable[Timers]],
) -> None:
    clock, calls = Clock(), []
    timers = await fleet("w1", clock)

    async def step(key: int) -> None:
        calls.append(clock.now)
        if len(calls) == 1:  # a live game's next question
            await timers.arm("live:1", "live", key, clock.now + 10)

    timers.on("live", step)
    await timers.arm("live:1", "live", 1, T0)
    await timers.start()
    await eventually(lambda: _true(len(calls) == 1), what="the first step")
    await asyncio.sleep(0.5)
    assert await timers.due("live:1") == T0 + 10
    clock.now = T0 + 10
    await eventually(lambda: _true(len(calls) == 2), what="the second step")
    await eventually(lambda: _none(timers.due("live:1")), what="the row to go")


async def test_arming_a_timer_wakes_the_loop(fleet: Callable[..., Awaitable[Timers]]) -> None:
    clock, fired = Clock(), Fired()
    # Polling once an hour: only the arm itself can make the timer fire within the test.
    timers = await fleet("w1", clock, poll=3600)
    recording(timers, fired)
    await timers.start()
    await asyncio.sleep(0.2)  # the loop is asleep now
    await timers.arm("deadline:1", "deadline", 1, T0)
    await eventually(lambda: _true(len(fired) == 1), what="the woken loop")


async def test_stop_lets_a_running_callback_finish_and_frees_what_it_holds(
    fleet: Callable[..., Awaitable[Timers]],
) -> None:
    clock, finished = Clock(), asyncio.Event()
    timers = await fleet("w1", clock)
    release = asyncio.Event()

    async def slow(key: int) -> None:
        await release.wait()
        finished.set()

    timers.on("deadline", slow)
    await timers.arm("deadline:1", "deadline", 1, T0)
    await timers.start()
    await eventually(lambda: _claimed(timers), what="the claim")
    stopping = asyncio.create_task(timers.stop())
    await asyncio.sleep(0.1)
    assert not stopping.done()
    release.set()
    await stopping
    assert finished.is_set() and await timers.due("deadline:1") is None


async def test_a_lease_has_one_holder_until_released_or_expired(
    database: str | None, tmp_path: Path
) -> None:
    wall = [100.0]
    repos = [await connect(database, tmp_path) for _ in range(2)]
    try:
        one, two = (
            Leases(r.leases, w, seconds=10, wall=lambda: wall[0])
            for r, w in zip(repos, ("w1", "w2"), strict=True)
        )
        assert await one.acquire("polling") and not await two.acquire("polling")
        held = await two.holder("polling")
        assert held is not None and (held.holder, held.expires_at) == ("w1", 110.0)
        assert await one.acquire("polling")  # nested in one process
        await one.release("polling")
        assert not await two.acquire("polling")
        await one.release("polling")
        assert await two.acquire("polling")
        # Its holder stopped renewing (died elsewhere): free once it expires.
        wall[0] = 109.0
        assert not await one.acquire("polling")
        wall[0] = 110.0
        assert await one.acquire("polling")
        await one.close()
        # This host's process that died: free at once.
        here = f"{socket.gethostname()}:{dead_pid()}:x"
        assert await repos[0].leases.take("close:1", here, 10**12, 0)
        assert not await two.acquire("close:1")
        await two.reap_dead()
        assert await two.acquire("close:1")
        await two.close()
    finally:
        for r in repos:
            await r.close()


async def _true(value: bool) -> bool:
    return value


async def _none(pending: Awaitable[float | None]) -> bool:
    return await pending is None


async def _due_now(timers: Timers, name: str) -> bool:
    return await timers.due(name) is not None and not await _claimed(timers)


async def _claimed(timers: Timers) -> bool:
    return bool(await timers.store.claim_holders())
