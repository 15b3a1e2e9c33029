"""What every store shares: the one database and its unit of work."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from storage.database import Row, SQLDatabase


class Store:
    """A store for one aggregate; all of them share one database (SQLite's Database in
    storage/database.py, or PostgreSQL's PgDatabase in storage/postgres.py).

    Rows are read by name (or position): sqlite3.Row, or asyncpg's Record."""

    def __init__(self, db: SQLDatabase) -> None:
        self._db = db

    def transaction(self) -> contextlib.AbstractAsyncContextManager[None]:
        """`async with store.transaction():` — every store's writes in the block are one
        unit: all committed at its end, none if it raises."""
        return self._db.transaction()

    async def _one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return await self._db.one(sql, params)

    async def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return await self._db.all(sql, params)

    # The queries every answer makes: one round trip to the database thread.
    _fetch = _all

    async def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        return await self._db.write(sql, params)
