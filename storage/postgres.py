"""The stores on PostgreSQL (DATABASE_URL): the interface of storage/database.py over an
asyncpg pool, for several processes sharing one database.

The driver is asyncpg: the stores speak plain SQL, and asyncpg runs it with the binary
protocol, prepared-statement caching and a pool of its own, without another abstraction
layer between them (SQLAlchemy Core would add one and remove no SQL).

The stores write SQL once for both databases, with SQLite's `?` and `?NNN` placeholders; each
statement text is translated to `$n` once and remembered.

Transactions keep SQLite's semantics across the whole fleet. On SQLite a transaction is
`BEGIN IMMEDIATE`: one writer at a time, so a check and the write it allows (a quota counted,
then the quiz inserted) see no other write in between. Here every transaction, and every
single write outside one (it is its own transaction), first takes one transaction-level
advisory lock, `pg_advisory_xact_lock(WRITE_LOCK)`, held until its COMMIT or ROLLBACK: writes
of every process run one at a time, as they do on SQLite, and every check-then-write the
stores make stays correct without each store having to pick its own row locks. Reads outside
a transaction take no lock and run on any pooled connection, in parallel with everything.
The cost: writes do not run in parallel (each holds the lock for a few milliseconds of round
trips), and a single write outside a transaction costs three round trips instead of one
(BEGIN with the lock, the statement, COMMIT).

Inside one process, writers first queue on an asyncio lock, so that they do not each hold a
pooled connection while they wait for the advisory lock. A transaction holds its pooled
connection for the block, bound to the task that opened it
(a context variable holding the task and the connection): that task's statements and nested
blocks join it; a child task inherits the variable but not the task, so it never runs on the
connection of its parent's transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import re
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any, Literal

import asyncpg

from storage.database import Row
from storage.migrations import MIGRATIONS, postgresql_script

# The one key of the write lock (any constant: an application's keys are its own).
WRITE_LOCK = 0x5354_5144_5157  # "STQDQW"
# Statement texts remembered translated (oldest forgotten first).
SQL_CACHE_SIZE = 512
# How long closing waits for connections still in use before it cuts them.
CLOSE_SECONDS = 10.0
# What an asyncpg error is: the server's (PostgresError) or the driver's (InterfaceError).
PG_ERRORS: tuple[type[Exception], ...] = (asyncpg.PostgresError, asyncpg.InterfaceError)
PG_INTEGRITY_ERRORS: tuple[type[Exception], ...] = (asyncpg.IntegrityConstraintViolationError,)

# A quoted literal or identifier (skipped), or a placeholder: `?` or `?NNN`.
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?(\d*)")
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)
_READS = ("SELECT", "EXPLAIN", "SHOW")
_COUNT = re.compile(r"(\d+)$")


def translate(sql: str) -> str:
    """SQLite's placeholders as PostgreSQL's: `?NNN` is `$NNN`; a bare `?` is one more than
    the largest number given so far (SQLite's rule), so `?` and `?1` may be mixed."""
    largest = 0

    def number(match: re.Match[str]) -> str:
        nonlocal largest
        if not match.group(0).startswith("?"):
            return match.group(0)
        n = int(match.group(1)) if match.group(1) else largest + 1
        largest = max(largest, n)
        return f"${n}"

    return _TOKEN.sub(number, sql)


def _rowcount(status: str) -> int:
    """Rows a statement changed, from its status ("UPDATE 3", "INSERT 0 1")."""
    found = _COUNT.search(status)
    return int(found.group(1)) if found else 0


class PgDatabase:
    dialect: Literal["postgresql"] = "postgresql"

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self._sql: dict[str, tuple[str, bool]] = {}
        # This process's writers queue here, not each on a pooled connection of its own
        # waiting for the advisory lock: the pool stays free for reads.
        self._writer = asyncio.Lock()
        # (the task in the transaction, its connection); see the module's docstring.
        self._current: contextvars.ContextVar[tuple[asyncio.Task[Any], Any] | None] = (
            contextvars.ContextVar(f"pg_transaction_{id(self)}", default=None)
        )

    @classmethod
    async def connect(cls, url: str, pool_size: int) -> PgDatabase:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=pool_size)
        return cls(pool)

    async def close(self) -> None:
        try:
            # In time: a connection a stuck task still holds is not waited for forever.
            await asyncio.wait_for(self.pool.close(), CLOSE_SECONDS)
        except TimeoutError:
            self.pool.terminate()

    def _statement(self, sql: str) -> tuple[str, bool]:
        """The statement for asyncpg, and whether it only reads; translated once per text."""
        found = self._sql.get(sql)
        if found is None:
            found = translate(sql), sql.lstrip().upper().startswith(_READS)
            # Bounded: a batch's statement text grows with its rows.
            if len(self._sql) >= SQL_CACHE_SIZE:
                del self._sql[next(iter(self._sql))]
            self._sql[sql] = found
        return found

    def _connection(self) -> Any | None:
        """The current task's transaction connection, if it is inside one."""
        current = self._current.get()
        if current is not None and current[0] is asyncio.current_task():
            return current[1]
        return None

    def inside(self) -> bool:
        """Whether the current task is inside its open transaction."""
        return self._connection() is not None

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """All or nothing: committed when the block ends, rolled back when it raises."""
        if self.inside():
            yield
            return
        async with self._writer, self.pool.acquire() as conn, conn.transaction():
            await conn.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
            task = asyncio.current_task()
            assert task is not None
            token = self._current.set((task, conn))
            try:
                yield
            finally:
                self._current.reset(token)

    @contextlib.asynccontextmanager
    async def _turn(self, writes: bool) -> AsyncIterator[Any]:
        """The connection a statement runs on: the transaction's, a locked transaction of its
        own for a write, any pooled one for a read."""
        conn = self._connection()
        if conn is not None:
            yield conn
        elif writes:
            async with self.transaction():
                yield self._connection()
        else:
            async with self.pool.acquire() as pooled:
                yield pooled

    async def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        query, reads = self._statement(sql)
        async with self._turn(not reads) as conn:
            row: Row | None = await conn.fetchrow(query, *params)
            return row

    async def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        query, reads = self._statement(sql)
        async with self._turn(not reads) as conn:
            return list(await conn.fetch(query, *params))

    async def write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One statement, committed by itself (or with the open transaction); rows changed."""
        query, _ = self._statement(sql)
        async with self._turn(True) as conn:
            return _rowcount(await conn.execute(query, *params))

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int | None:
        """One INSERT; the new row's id, None when it inserted nothing."""
        if not _RETURNING.search(sql):
            sql = f"{sql} RETURNING id"
        query, _ = self._statement(sql)
        async with self._turn(True) as conn:
            row = await conn.fetchrow(query, *params)
            return None if row is None else int(row[0])

    async def write_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        args = [tuple(r) for r in rows]
        if not args:
            return
        query, _ = self._statement(sql)
        async with self._turn(True) as conn:
            await conn.executemany(query, args)


# The lock two processes starting together take, so that one migrates and the other waits.
MIGRATE_LOCK = 0x5354_5144_4D47  # "STQDMG"


async def migrate(pool: asyncpg.Pool) -> None:
    """Run the migrations this database has not run yet, each in its own transaction."""
    async with pool.acquire() as conn:
        # A session lock, held across the steps' transactions.
        await conn.execute(f"SELECT pg_advisory_lock({MIGRATE_LOCK})")
        try:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations"
                " (version BIGINT PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)"
            )
            version = int(
                await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            )
            for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
                async with conn.transaction():
                    await conn.execute(postgresql_script(step))
                    await conn.execute(
                        "INSERT INTO schema_migrations (version, applied_at)"
                        " VALUES ($1, EXTRACT(EPOCH FROM now()))",
                        number,
                    )
        finally:
            await conn.execute(f"SELECT pg_advisory_unlock({MIGRATE_LOCK})")
