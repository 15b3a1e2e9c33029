"""Real `python bot.py` processes on one database: long polling is one process's (a lease),
and a timer outlives the process that armed it."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import EXIT_POLLING_TAKEN
from fakes import BOT_TOKEN, OPENAI_KEY
from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args, right_choice
from fakes.telegram_server import FakeTelegram
from storage import Repository
from tests.botprocess import ROOT, BotProcess
from tests.harness import eventually
from tests.test_crash_recovery import submissions
from tests.test_e2e_group import ANN, GROUP, answer

FEEDBACK = "Time is up, said the successor."


@pytest.fixture
async def procs(tmp_path: Path) -> AsyncIterator[list[BotProcess]]:
    """The processes a test starts: killed at the end, their logs free of secrets."""
    started: list[BotProcess] = []
    yield started
    for proc in started:
        if proc.proc is not None:
            await proc.kill()
        log = proc.output()
        assert BOT_TOKEN not in log and OPENAI_KEY not in log
        assert "Traceback" not in log, log


async def refused(proc: BotProcess) -> tuple[int, str]:
    """Run a bot process that is expected to stop by itself; its exit status and output."""
    with proc.log.open("ab") as out:
        child = await asyncio.create_subprocess_exec(
            sys.executable, "bot.py", cwd=ROOT, env=proc.env, stdout=out, stderr=out
        )
    return await asyncio.wait_for(child.wait(), 30), proc.output()


async def test_a_second_poller_is_refused_and_a_killed_poller_s_successor_starts(
    tg: FakeTelegram, oa: FakeOpenAI, tmp_path: Path, procs: list[BotProcess]
) -> None:
    db = tmp_path / "db.sqlite3"
    first = BotProcess(tg, oa, db, tmp_path / "first.log")
    procs.append(first)
    await first.start()
    assert first.proc is not None
    pid = first.proc.pid

    code, out = await refused(BotProcess(tg, oa, db, tmp_path / "second.log"))
    assert code == EXIT_POLLING_TAKEN, out
    assert "Another process polls Telegram with this database" in out
    assert f":{pid}:" in out and "holds the polling lease until" in out

    # SIGKILL: the lease stays in the database; the next process on this host sees its
    # holder is gone and starts at once.
    await first.kill()
    successor = BotProcess(tg, oa, db, tmp_path / "successor.log")
    procs.append(successor)
    await successor.start()
    assert await successor.terminate() == 0


async def test_a_poller_elsewhere_that_died_is_waited_for_until_its_lease_expires(
    tg: FakeTelegram, oa: FakeOpenAI, tmp_path: Path, procs: list[BotProcess]
) -> None:
    db = tmp_path / "db.sqlite3"
    await (await Repository.open(db)).close()
    # A poller on another host that died: nothing here can tell, so its lease must run out.
    expires = time.time() + 4
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO leases (name, holder, expires_at) VALUES ('polling', ?, ?)",
            ("elsewhere:4242:deadbeef", expires),
        )
    code, out = await refused(BotProcess(tg, oa, db, tmp_path / "early.log"))
    assert code == EXIT_POLLING_TAKEN and "elsewhere:4242:deadbeef" in out, out

    await asyncio.sleep(max(0.0, expires - time.time()))
    later = BotProcess(tg, oa, db, tmp_path / "later.log")
    procs.append(later)
    await later.start()
    assert await later.terminate() == 0


async def test_a_deadline_armed_by_a_killed_process_fires_in_its_successor(
    tg: FakeTelegram, oa: FakeOpenAI, tmp_path: Path, procs: list[BotProcess]
) -> None:
    tg.set_member_count(GROUP.id, 10)
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message(FEEDBACK)
    db = tmp_path / "db.sqlite3"
    # The shortest time limit Telegram allows, so that the test waits seconds, not minutes.
    first = BotProcess(tg, oa, db, tmp_path / "first.log", QUIZ_TIME_LIMIT="5")
    procs.append(first)
    await first.start()
    tg.user_sends(GROUP, ANN, "/quiz 2 cells")
    polls = await tg.wait_for("sendPoll", count=2)
    answer(tg, ANN, polls[0], args, right_choice(args, 0))

    async def settled() -> bool:
        # Every update handled (the /quiz and the answer): the kill cuts no handler short.
        with sqlite3.connect(db) as conn:
            return bool(conn.execute("SELECT COUNT(*) FROM inbox").fetchone() == (0,))

    await eventually(settled, what="the updates to be handled")
    with sqlite3.connect(db) as conn:
        [(due,)] = conn.execute("SELECT due_at FROM timers WHERE name = 'deadline:1'")
    assert due > time.time(), "the deadline passed before the kill"
    await first.kill()
    # Started after the deadline passed: the timer the dead process armed fires at once.
    await asyncio.sleep(max(0.0, due - time.time()))
    successor = BotProcess(tg, oa, db, tmp_path / "successor.log", QUIZ_TIME_LIMIT="5")
    procs.append(successor)
    await successor.start()
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == FEEDBACK, timeout=30)
    [sent] = submissions(oa)
    assert sent["status"] == "timed_out"
    assert len([c for c in tg.calls_of("sendMessage") if c.params["text"] == FEEDBACK]) == 1
    assert await successor.terminate() == 0
