"""The one SQLite connection all stores share, and the unit of work on it.

Every task of the bot talks to SQLite through one aiosqlite connection, so a transaction is
the connection's, not the task's: without a lock, another task's statements (and its
COMMIT) would land between the awaits of a multi-statement write and commit half of it.
Here a transaction holds a lock from BEGIN IMMEDIATE to COMMIT or ROLLBACK, and every other
statement waits for it, so no other task's statement runs inside it and a rollback undoes
only its own work. The connection is in autocommit mode (`isolation_level=None`): a single
statement outside a transaction is committed by itself, and sqlite3 never opens a
transaction on its own that somebody else's commit would close.

Inside a transaction await only the database: the lock stops every other task's queries.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from typing import Any, Literal, Protocol

import aiosqlite


class Database:
    dialect: Literal["sqlite"] = "sqlite"

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self._lock = asyncio.Lock()
        # The task inside the open transaction: its own statements (and nested
        # transactions, which become part of the outer one) must not wait for itself.
        self._owner: asyncio.Task[Any] | None = None

    def inside(self) -> bool:
        """Whether the current task is inside its open transaction."""
        return self._owner is not None and self._owner is asyncio.current_task()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """All or nothing: committed when the block ends, rolled back when it raises."""
        if self.inside():
            yield
            return
        async with self._lock:
            self._owner = asyncio.current_task()
            try:
                # IMMEDIATE takes the write lock now: no other process can make a later
                # statement of ours fail with SQLITE_BUSY halfway.
                await self.conn.execute("BEGIN IMMEDIATE")
                yield
                await self.conn.commit()
            except BaseException:
                # Also on cancellation, even of the BEGIN or COMMIT: what was already queued
                # runs first (the connection's thread keeps the order), then this undoes it,
                # and the lock is never released with a transaction still open.
                await self.conn.rollback()
                raise
            finally:
                self._owner = None

    @contextlib.asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """A statement outside a transaction: it waits until none is open."""
        if self.inside():
            yield
            return
        async with self._lock:
            yield

    async def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        async with self._turn(), self.conn.execute(sql, params) as cur:
            return await cur.fetchone()

    async def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Like `one` for every row, in one round trip to the database thread instead of
        three (execute, fetch, close)."""
        async with self._turn():
            return list(await self.conn.execute_fetchall(sql, params))

    async def write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One statement, committed by itself (or with the open transaction); rows changed."""
        async with self._turn(), self.conn.execute(sql, params) as cur:
            return cur.rowcount

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int | None:
        """One INSERT; the new row's id, None when it inserted nothing."""
        async with self._turn(), self.conn.execute(sql, params) as cur:
            return cur.lastrowid if cur.rowcount == 1 else None

    async def write_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self._turn():
            await self.conn.executemany(sql, rows)

    async def close(self) -> None:
        await self.conn.close()


class Row(Protocol):
    """A result row, by name or position: sqlite3.Row here, asyncpg's Record on PostgreSQL."""

    def __getitem__(self, key: Any, /) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...


class SQLDatabase(Protocol):
    """What every store talks to: this module's Database (SQLite) or storage/postgres.py's
    PgDatabase. Statements use `?` placeholders; `dialect` tells the few that differ."""

    @property
    def dialect(self) -> Literal["sqlite", "postgresql"]: ...

    def inside(self) -> bool: ...

    def transaction(self) -> contextlib.AbstractAsyncContextManager[None]: ...

    async def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    async def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    async def write(self, sql: str, params: Sequence[Any] = ()) -> int: ...

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int | None: ...

    async def write_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    async def close(self) -> None: ...
