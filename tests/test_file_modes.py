"""The database holds names, answers and user ids: only the bot's own user may read it."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import Chat, FakeTelegram, User
from storage import Repository
from tests.conftest import BotFactory
from tests.harness import eventually

ANN = User(801, "Ann")
PRIVATE = Chat(801, "private")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(db: Path) -> tuple[int, ...]:
    """The folder's, the database's and (in WAL mode, while open) its -wal and -shm files'."""
    return tuple(mode(p) for p in (db.parent, db, Path(f"{db}-wal"), Path(f"{db}-shm")))


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    # The umask most shells have: files come out -rw-r--r-- unless the bot says otherwise.
    old = os.umask(0o022)
    yield
    os.umask(old)


async def test_folder_database_wal_and_shm_are_owner_only_after_a_quiz(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory, tmp_path: Path
) -> None:
    db = tmp_path / "data" / "studyquiz.sqlite3"
    oa.queue_function_call("generate_quiz", quiz_args(1))
    async with make_bot(DATABASE_PATH=str(db)) as bot:
        tg.user_sends(PRIVATE, ANN, "/quiz 1 cells")
        [poll] = await tg.wait_for("sendPoll")

        async def stored() -> bool:
            found = await bot.services.repo.polls.question_for_poll(poll.result["poll"]["id"])
            return found is not None

        await eventually(stored, what="the posted poll stored")
        # While the bot runs the journal files exist, and they hold personal data too.
        assert modes(db) == (0o700, 0o600, 0o600, 0o600)
    assert (mode(db.parent), mode(db)) == (0o700, 0o600)


async def test_an_existing_world_readable_database_is_made_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "studyquiz.sqlite3"
    folder_mode = mode(tmp_path)
    first = await Repository.open(db)
    await first.close()
    db.chmod(0o644)
    again = await Repository.open(db)
    try:
        assert modes(db)[1:] == (0o600, 0o600, 0o600)
    finally:
        await again.close()
    # A folder we did not create is left as it is (it may be the working directory).
    assert mode(tmp_path) == folder_mode
