"""Fixtures: the two fakes (asserting zero spec violations) and the real bot against them."""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest

from fakes.openai_server import FakeOpenAI
from fakes.telegram_server import FakeTelegram
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

BotFactory = Callable[..., AbstractAsyncContextManager[RunningBot]]


@pytest.fixture
def make_bot(
    tg: FakeTelegram, oa: FakeOpenAI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> BotFactory:
    """`async with make_bot(QUIZ_STYLE="keyboard") as bot:` — env overrides as keywords."""
    caplog.set_level(logging.INFO)

    def factory(**env: str) -> AbstractAsyncContextManager[RunningBot]:
        return running_bot(settings_for(tg, oa, tmp_path / "studyquiz.sqlite3", **env))

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
