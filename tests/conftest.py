"""Fixtures: the two fakes (asserting zero spec violations) and the real bot against them."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from fakes import BOT_TOKEN, OPENAI_KEY
from fakes.openai_server import FakeOpenAI
from fakes.telegram_server import FakeTelegram
from storage import Repository
from tests.botprocess import BotProcess
from tests.harness import RunningBot, running_bot, settings_for
from tools import pg_server


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake
        assert fake.violations == [], "Bot API spec violations:\n" + "\n".join(fake.violations)


@pytest.fixture
async def oa() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as fake:
        yield fake
        assert fake.violations == [], "OpenAI spec violations:\n" + "\n".join(fake.violations)


# As bot.py does: PTB otherwise warns on every RetryAfter (and warnings are errors here).
os.environ.setdefault("PTB_TIMEDELTA", "1")

T = TypeVar("T")
BotFactory = Callable[..., AbstractAsyncContextManager[RunningBot]]


@pytest.fixture
def make_bot(
    tg: FakeTelegram,
    oa: FakeOpenAI,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    database: str | None,
) -> BotFactory:
    """`async with make_bot(QUIZ_STYLE="keyboard") as bot:` — env overrides as keywords.
    On the test's `database`: SQLite unless the test is parametrized for PostgreSQL."""
    caplog.set_level(logging.INFO)
    on = {"DATABASE_URL": database} if database else {}

    def factory(**env: str) -> AbstractAsyncContextManager[RunningBot]:
        return running_bot(settings_for(tg, oa, tmp_path / "studyquiz.sqlite3", **on, **env))

    return factory


@pytest.fixture
async def bot(make_bot: BotFactory, caplog: pytest.LogCaptureFixture) -> AsyncIterator[RunningBot]:
    async with make_bot() as running:
        yield running
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, "unexpected errors logged:\n" + "\n".join(r.getMessage() for r in errors)


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A PostgreSQL server for the session: CI's (TEST_DATABASE_URL, see .ci/run) or one
    started here in a temporary folder. Skipped only where no server can start; never in CI."""
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        yield given
        return
    # Under /tmp itself: pytest's own folders are the root user's alone, and the server runs
    # as another user (see tools/pg_server.py).
    folder = Path(tempfile.gettempdir()) / f"studyquiz-pg-{uuid.uuid4().hex}"
    try:
        url = pg_server.start(folder)
    except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
        pg_server.stop(folder)
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no PostgreSQL server could start on this machine: {exc}")
    yield url
    pg_server.stop(folder)


def _in_own_loop(work: Coroutine[Any, Any, T]) -> T:
    """Run setup work on a loop of its own, in a thread: never the test's loop, which a
    session fixture's work must not outlive, nor the main thread's event loop setting."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()


def pg_rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    """What another connection reads in the PostgreSQL database at `url` (as sqlite3 would
    in a file: synchronously, from a test that is not inside a transaction of its own)."""

    async def read() -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(url)
        try:
            return [tuple(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()

    return _in_own_loop(read())


def database_url(server_url: str, name: str) -> str:
    """The server's URL with another database."""
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))


async def _admin(server_url: str, *statements: str) -> None:
    conn = await asyncpg.connect(server_url)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def pg_template(pg_server_url: str) -> str:
    """A database migrated once per session, the template of every test's own database."""
    name = f"studyquiz_template_{uuid.uuid4().hex[:12]}"

    async def make() -> None:
        await _admin(pg_server_url, f"CREATE DATABASE {name}")
        repo = await Repository.open_postgres(database_url(pg_server_url, name), 2)
        await repo.close()

    _in_own_loop(make())
    return name


@pytest.fixture
def pg_url(pg_server_url: str, pg_template: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database of this test's own (a copy of the template)."""
    name = f"t_{uuid.uuid4().hex}"
    _in_own_loop(_admin(pg_server_url, f"CREATE DATABASE {name} TEMPLATE {pg_template}"))
    yield database_url(pg_server_url, name)
    _in_own_loop(_admin(pg_server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


# The databases the storage tests and the core e2e flows run on.
DATABASES = ("sqlite", "postgresql")
# What every other test runs on: SQLite, unless TEST_DATABASE=postgresql runs the whole
# suite on PostgreSQL (tests that open the SQLite file themselves still use it).
DEFAULT_DATABASE = os.environ.get("TEST_DATABASE", "sqlite")


def chosen_database(request: pytest.FixtureRequest) -> str | None:
    """The DATABASE_URL for the request's parameter: None for SQLite, a fresh database
    (`pg_url`) for PostgreSQL."""
    if getattr(request, "param", DEFAULT_DATABASE) == "sqlite":
        return None
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def database(request: pytest.FixtureRequest) -> str | None:
    """The DATABASE_URL a test runs on: None (SQLite, the default) unless parametrized
    `@pytest.mark.parametrize("database", DATABASES, indirect=True)`, or overridden by a
    module whose every test runs on both (`@pytest.fixture(params=DATABASES)`)."""
    return chosen_database(request)


@pytest.fixture
async def open_repo(database: str | None, tmp_path: Path) -> AsyncIterator[Repository]:
    """A repository on the test's database (see `database`)."""
    if database is None:
        repo = await Repository.open(tmp_path / "db" / "quiz.sqlite3")
    else:
        repo = await Repository.open_postgres(database, 4)
    yield repo
    await repo.close()


@pytest.fixture
async def proc(
    tg: FakeTelegram, oa: FakeOpenAI, tmp_path: Path, database: str | None
) -> AsyncIterator[BotProcess]:
    """A real `bot.py` on the test's database, to kill (SIGKILL) and start again. Whatever
    happened, secrets never reach its log, and nothing in it raised."""
    on = {"DATABASE_URL": database} if database else {}
    bot = BotProcess(tg, oa, tmp_path / "db.sqlite3", tmp_path / "bot.log", **on)
    yield bot
    if bot.proc is not None:
        await bot.kill()
    log = bot.output()
    assert BOT_TOKEN not in log and OPENAI_KEY not in log
    assert "Traceback" not in log, log
