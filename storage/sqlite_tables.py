"""What the copy to PostgreSQL reads: the SQLite source's tables (their columns, a stable
order of their rows, the order foreign keys ask for), and how each value becomes what its
PostgreSQL column takes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite
import asyncpg


class CopyRefusedError(Exception):
    """The copy cannot run (or failed and left the target as it was); says why."""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    order: str  # ORDER BY of a stable read (the primary key)


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _to_int(value: Any) -> int:
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"{value!r} is not a whole number")
    if isinstance(value, bytes):
        value = value.decode()
    return int(value)


def _to_text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


# SQLite stores what it is given whatever a column's type; asyncpg encodes a value only as
# the Python type of its column's PostgreSQL type.
_CONVERT: dict[str, Callable[[Any], Any]] = {
    "bigint": _to_int,
    "integer": _to_int,
    "smallint": _to_int,
    "double precision": float,
    "real": float,
    "text": _to_text,
    "character varying": _to_text,
    "boolean": bool,
}


async def source_tables(conn: aiosqlite.Connection) -> list[str]:
    """Every table of the SQLite schema (SQLite's own bookkeeping aside)."""
    rows = await conn.execute_fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' "
        "ESCAPE '!' ORDER BY name"
    )
    return [str(row[0]) for row in rows]


async def describe(conn: aiosqlite.Connection, name: str) -> Table:
    info = list(await conn.execute_fetchall(f"PRAGMA table_info({ident(name)})"))
    columns = tuple(str(row[1]) for row in info)
    keys = sorted((int(row[5]), str(row[1])) for row in info if int(row[5]) > 0)
    order = ", ".join(ident(column) for _, column in keys) or "rowid"
    return Table(name, columns, order)


async def copy_order(conn: aiosqlite.Connection, names: Sequence[str]) -> list[str]:
    """The tables, each after those its foreign keys point to (PostgreSQL checks each row)."""
    needs: dict[str, set[str]] = {}
    for name in names:
        rows = await conn.execute_fetchall(f"PRAGMA foreign_key_list({ident(name)})")
        needs[name] = {str(row[2]) for row in rows} & set(names) - {name}
    ordered: list[str] = []
    while needs:
        ready = sorted(name for name, deps in needs.items() if deps <= set(ordered))
        if not ready:
            raise CopyRefusedError(f"foreign keys form a cycle among {sorted(needs)}")
        ordered += ready
        for name in ready:
            del needs[name]
    return ordered


async def target_columns(target: asyncpg.Connection) -> dict[str, dict[str, str]]:
    """Each table of the target's schema: its columns and their types."""
    found: dict[str, dict[str, str]] = {}
    rows = await target.fetch(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema()"
    )
    for row in rows:
        found.setdefault(row["table_name"], {})[row["column_name"]] = row["data_type"]
    return found


def column_converters(
    table: Table, target: dict[str, dict[str, str]]
) -> list[Callable[[Any], Any]]:
    columns = target.get(table.name)
    if columns is None:
        raise CopyRefusedError(f"table {table.name} has no counterpart on PostgreSQL")
    missing = [c for c in table.columns if c not in columns]
    if missing:
        raise CopyRefusedError(f"{table.name}: no column {', '.join(missing)} on PostgreSQL")
    return [_CONVERT.get(columns[c], lambda value: value) for c in table.columns]


def convert_rows(
    table: Table, rows: Iterable[Sequence[Any]], converters: Sequence[Callable[[Any], Any]]
) -> list[tuple[Any, ...]]:
    out = []
    for row in rows:
        try:
            out.append(
                tuple(None if v is None else f(v) for f, v in zip(converters, row, strict=True))
            )
        except (ValueError, TypeError, UnicodeDecodeError) as exc:
            raise CopyRefusedError(f"{table.name}: a value PostgreSQL cannot take: {exc}") from exc
    return out


async def source_version(source: aiosqlite.Connection) -> int:
    rows = list(await source.execute_fetchall("PRAGMA user_version"))
    return int(rows[0][0])
