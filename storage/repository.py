"""The repository: every store of the bot over one database: an SQLite file (one
connection, storage/database.py) or PostgreSQL (a pool, storage/postgres.py).

Each aggregate has its own store, an attribute of the repository (`repo.quizzes`,
`repo.questions`, `repo.answers`, `repo.chats`, `repo.documents`, `repo.cards`, …), and it
is reached only that way. Every method commits before returning, so whatever a handler
acknowledges to a user is already durable; a method that writes several statements does it
in one transaction (see storage/database.py)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

import aiosqlite

from storage.answers import AnswerStore
from storage.cards import CardStore
from storage.chats import ChatStore
from storage.chunks import ChunkStore
from storage.conversation import ChatMemoryStore
from storage.database import Database, SQLDatabase
from storage.documents import DocumentStore
from storage.inbox import Inbox
from storage.items import ItemStore
from storage.leases import LeaseStore
from storage.library import LibraryStore
from storage.migrations import MIGRATIONS, sqlite_script
from storage.polls import PollLookup
from storage.postgres import PgDatabase, migrate
from storage.questions import QuestionStore
from storage.quizzes import QuizStore
from storage.reminders import ReminderStore
from storage.security import SecurityStore
from storage.stats import StatsStore
from storage.timers import TimerStore
from storage.usage import UsageStore


def _owner_only(path: Path) -> None:
    """Names, answers and user ids: make the database readable by the bot's user alone,
    before SQLite opens it (its -wal and -shm files copy the database's mode)."""
    folder = path.parent
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        # A folder that already exists may be shared (the working directory): only ours.
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
            folder.chmod(0o700)  # whatever the umask
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    # Whatever the umask, and for files from before: read-write for the owner only.
    for existing in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        with contextlib.suppress(FileNotFoundError):
            existing.chmod(0o600)


class Repository:
    """Every store, each reached one way: `repo.quizzes.quiz(...)`, `repo.cards.record(...)`."""

    def __init__(self, db: SQLDatabase) -> None:
        # The stores share the connection (or pool) and its one unit of work.
        self._db = db
        self.quizzes = QuizStore(self._db)
        self.questions = QuestionStore(self._db)
        self.answers = AnswerStore(self._db)
        self.chats = ChatStore(self._db)
        self.documents = DocumentStore(self._db)
        self.polls = PollLookup(self.quizzes, self.questions)
        self.usage = UsageStore(self._db)
        self.security = SecurityStore(self._db)
        self.inbox = Inbox(self._db)
        self.items = ItemStore(self._db)
        self.cards = CardStore(self._db)
        self.reminders = ReminderStore(self._db)
        self.stats = StatsStore(self._db)
        self.chat_memory = ChatMemoryStore(self._db)
        # Local document search (DOCUMENT_SEARCH=local).
        self.chunks = ChunkStore(self._db)
        self.library = LibraryStore(self._db)
        # Durable timers and leases, shared by every worker on the database.
        self.timers = TimerStore(self._db)
        self.leases = LeaseStore(self._db)

    def transaction(self) -> contextlib.AbstractAsyncContextManager[None]:
        """`async with repo.transaction():` — every store's writes in the block are one
        unit: all committed at its end, none if it raises."""
        return self._db.transaction()

    @classmethod
    async def open(cls, path: Path | str) -> Repository:
        if str(path) != ":memory:":
            _owner_only(Path(path))
        # Autocommit: transactions are only the explicit ones of Database.transaction.
        db = await aiosqlite.connect(path, isolation_level=None)
        # Columns are read by name.
        db.row_factory = sqlite3.Row
        try:
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA foreign_keys=ON")
            await db.execute("PRAGMA synchronous=NORMAL")
            await cls._migrate(db)
        except BaseException:
            await db.close()
            raise
        return cls(Database(db))

    @classmethod
    async def open_postgres(cls, url: str, pool_size: int) -> Repository:
        """PostgreSQL at `url` (postgresql://…), migrated to the current version."""
        db = await PgDatabase.connect(url, pool_size)
        try:
            await migrate(db.pool)
        except BaseException:
            await db.close()
            raise
        return cls(db)

    @staticmethod
    async def _migrate(db: aiosqlite.Connection) -> None:
        async with db.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        version = int(row[0]) if row else 0
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # executescript commits first; BEGIN … COMMIT keeps each step all-or-nothing.
            await db.executescript(
                f"BEGIN;\n{sqlite_script(script)}\nPRAGMA user_version = {number};\nCOMMIT;"
            )

    @property
    def dialect(self) -> str:
        return self._db.dialect

    async def schema_version(self) -> int:
        if self._db.dialect == "postgresql":
            sql = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"
        else:
            sql = "PRAGMA user_version"
        row = await self._db.one(sql)
        return int(row[0]) if row else 0

    async def close(self) -> None:
        await self._db.close()


async def open_repository(database_url: str | None, path: Path, pool_size: int) -> Repository:
    """PostgreSQL when a URL is given (DATABASE_URL), else the SQLite file at `path`."""
    if database_url:
        return await Repository.open_postgres(database_url, pool_size)
    return await Repository.open(path)
