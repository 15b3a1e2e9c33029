"""Copy an SQLite installation into PostgreSQL (`python bot.py --copy-to-postgres`).

Every table of the SQLite schema is copied unless EXCLUDED names it with a reason, so a table
added later is copied without anyone remembering this module (or, when PostgreSQL has no
counterpart for it, the copy refuses and says which). The target must be migrated to the
same schema version first; the copy then runs in one transaction: the target is either the
whole copy, with the source's fingerprint in `copied_from_sqlite`, or as empty as before.

A target that holds any row refuses the copy, unless it is this very copy (the same
fingerprint): then there is nothing to do, and a second run says so and succeeds.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite
import asyncpg

from storage.migrations import MIGRATIONS
from storage.postgres import migrate
from storage.repository import Repository
from storage.sqlite_tables import (
    CopyRefusedError,
    Table,
    column_converters,
    convert_rows,
    copy_order,
    describe,
    ident,
    source_tables,
    source_version,
    target_columns,
)

__all__ = [
    "EXCLUDED",
    "MARKER",
    "CopyRefusedError",
    "CopyResult",
    "copy_file",
    "copy_installation",
    "source_tables",
]

MARKER = "copied_from_sqlite"
EXCLUDED: dict[str, str] = {
    "document_chunks_fts": "SQLite's full-text index of document_chunks; PostgreSQL indexes "
    "the copied chunks itself",
    **{
        f"document_chunks_fts_{part}": "a shadow table of document_chunks_fts"
        for part in ("config", "data", "docsize", "idx")
    },
    MARKER: "the record of the copies a database received: its own, never copied",
}
# Rows read from SQLite and sent in one COPY.
BATCH = 5000
# Two copies into one database wait for each other (any constant of our own).
_COPY_LOCK = 0x5351_434F_5059  # "SQCOPY"


@dataclass(frozen=True)
class CopyResult:
    fingerprint: str
    rows: dict[str, int]
    # The target already held this copy: nothing was written.
    already: bool = False


async def _batches(source: aiosqlite.Connection, table: Table) -> AsyncIterator[list[Any]]:
    columns = ", ".join(ident(c) for c in table.columns)
    sql = f"SELECT {columns} FROM {ident(table.name)} ORDER BY {table.order}"
    async with source.execute(sql) as cursor:
        while batch := list(await cursor.fetchmany(BATCH)):
            yield batch


async def _walk(
    source: aiosqlite.Connection,
    tables: Sequence[Table],
    sink: Callable[[Table, list[Any]], Awaitable[None]] | None = None,
) -> CopyResult:
    """Read every table in order, hashing what is read (the source's fingerprint: the schema
    version, each table's columns and rows) and handing each batch to `sink`."""
    digest = hashlib.sha256(repr(await source_version(source)).encode())
    counts: dict[str, int] = {}
    for table in tables:
        digest.update(repr((table.name, table.columns)).encode())
        counts[table.name] = 0
        async for batch in _batches(source, table):
            for row in batch:
                digest.update(repr(tuple(row)).encode())
            if sink is not None:
                await sink(table, batch)
            counts[table.name] += len(batch)
    return CopyResult(digest.hexdigest(), counts)


async def _nonempty(target: asyncpg.Connection, names: Sequence[str]) -> list[str]:
    checks = ", ".join(f"EXISTS (SELECT 1 FROM {ident(name)})" for name in names)
    row = await target.fetchrow(f"SELECT {checks}")
    assert row is not None
    return [name for name, found in zip(names, row, strict=True) if found]


async def _already_copied(
    source: aiosqlite.Connection, target: asyncpg.Connection, tables: Sequence[Table]
) -> CopyResult:
    """A target with rows: this very copy (nothing to do), or a refusal."""
    filled = await _nonempty(target, [t.name for t in tables])
    marks = await target.fetch(f"SELECT fingerprint, copied_at FROM {MARKER}")
    if not marks:
        raise CopyRefusedError(
            "the PostgreSQL database is not empty (rows in "
            f"{', '.join(filled)}): the copy goes only into an empty database"
        )
    found = (await _walk(source, tables)).fingerprint
    if any(mark["fingerprint"] == found for mark in marks):
        return CopyResult(found, {}, already=True)
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(float(marks[0]["copied_at"])))
    raise CopyRefusedError(
        f"the PostgreSQL database already holds a copy made {when} of another SQLite database, "
        "or of this one before it changed: the copy goes only into an empty database"
    )


async def _advance_sequences(target: asyncpg.Connection, names: Sequence[str]) -> None:
    """Past the copied ids: the next row PostgreSQL numbers must not collide with them."""
    rows = await target.fetch(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() "
        "AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')"
    )
    for row in rows:
        table, column = row["table_name"], row["column_name"]
        if table in names:
            await target.execute(
                "SELECT setval(pg_get_serial_sequence($1, $2), "
                f"COALESCE((SELECT MAX({ident(column)}) FROM {ident(table)}), 0) + 1, false)",
                ident(table),
                column,
            )


async def copy_installation(
    source: aiosqlite.Connection, target: asyncpg.Connection, *, label: str
) -> CopyResult:
    """Copy `source` (an SQLite database at the latest schema version) into `target` (a
    PostgreSQL database migrated to it), in one transaction; `label` names the source in the
    record of the copy."""
    version = await source_version(source)
    if version != len(MIGRATIONS):
        raise CopyRefusedError(
            f"the SQLite database is at schema version {version}, this code's is {len(MIGRATIONS)}"
        )
    names = [name for name in await source_tables(source) if name not in EXCLUDED]
    tables = [await describe(source, name) for name in await copy_order(source, names)]
    columns = await target_columns(target)
    converters = {table.name: column_converters(table, columns) for table in tables}
    # One snapshot of the source for the whole copy (WAL: writers may go on meanwhile).
    await source.execute("BEGIN")
    try:
        async with target.transaction():
            await target.execute("SELECT pg_advisory_xact_lock($1)", _COPY_LOCK)
            if await _nonempty(target, [MARKER, *(t.name for t in tables)]):
                return await _already_copied(source, target, tables)

            async def send(table: Table, batch: list[Any]) -> None:
                records = convert_rows(table, batch, converters[table.name])
                await target.copy_records_to_table(
                    table.name, records=records, columns=list(table.columns)
                )

            result = await _walk(source, tables, send)
            await _advance_sequences(target, [t.name for t in tables])
            await target.execute(
                f"INSERT INTO {MARKER} (fingerprint, source, copied_at, row_count) "
                "VALUES ($1, $2, $3, $4)",
                result.fingerprint,
                label,
                time.time(),
                sum(result.rows.values()),
            )
            return result
    except asyncpg.PostgresError as exc:
        raise CopyRefusedError(f"the copy failed and was undone: {exc}") from exc
    finally:
        await source.rollback()


async def copy_file(source: Path, url: str) -> CopyResult:
    """The command: the SQLite file at `source` and the PostgreSQL database at `url`, each
    migrated to the current schema, then the copy. CopyRefusedError says what went wrong,
    never with the URL."""
    if not await asyncio.to_thread(source.is_file):
        raise CopyRefusedError(f"there is no SQLite database at {source}")
    try:
        async with aiosqlite.connect(source) as probe:
            version = await source_version(probe)
        if version > len(MIGRATIONS):
            raise CopyRefusedError(
                f"{source} is at schema version {version}, newer than this code's "
                f"({len(MIGRATIONS)}): copy with the version of the bot that wrote it"
            )
        await (await Repository.open(source)).close()
    except sqlite3.DatabaseError as exc:
        raise CopyRefusedError(f"{source} is not a usable SQLite database: {exc}") from exc
    try:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
        try:
            await migrate(pool)
        finally:
            await pool.close()
        target = await asyncpg.connect(url)
        try:
            async with aiosqlite.connect(source, isolation_level=None) as conn:
                return await copy_installation(conn, target, label=source.name)
        finally:
            await target.close()
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise CopyRefusedError(f"PostgreSQL: {exc}") from exc
