"""What the scenarios share: the sizes of a run, the bot's numbering of polls, the members
who answer, and waiting on the bot's database from outside."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fakes.telegram_server import Call, User

FEEDBACK = "**Well done**, everyone: the feedback of the benchmark quiz."


@dataclass(frozen=True)
class Sizes:
    members: int = 500
    questions: int = 5
    # Ingest runs (ours, then bare) this many times; the table shows medians.
    rounds: int = 3
    ttfq_questions: int = 10
    tokens_per_second: float = 50.0
    open_quizzes: int = 1000
    pacing_questions: int = 10
    pacing_players: int = 3
    # 1.0 = Telegram's real windows (a second, a minute); the smoke run shrinks them.
    pacing_window_scale: float = 1.0


SMOKE = Sizes(
    members=20,
    questions=2,
    rounds=1,
    ttfq_questions=3,
    tokens_per_second=2000.0,
    open_quizzes=20,
    pacing_questions=3,
    pacing_players=2,
    pacing_window_scale=0.05,
)


def _answers_in(db: Path) -> int:
    # A read-only connection of our own: WAL lets it read while the bot writes.
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0])


def _quiz_state(db: Path) -> str | None:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT state FROM quizzes ORDER BY id DESC LIMIT 1").fetchone()
    return None if row is None else str(row[0])


def _fresh(db: Path) -> Path:
    """A path with no database (nor WAL files) left from an earlier round."""
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    return db


def _poll_index(poll: Call) -> int:
    """Which question a sent poll is: the bot numbers them `i/n. …`."""
    return int(str(poll.params["question"]).split("/", 1)[0]) - 1


def _member(i: int) -> User:
    return User(10_000 + i, f"Member{i}", language_code="en")


async def _wait_for_db(db: Path, what: str, check: Any, within: float) -> None:
    deadline = time.monotonic() + within
    while not await asyncio.to_thread(check, db):
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
