"""What every store shares: the one connection and its unit of work."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Sequence
from typing import Any

from storage.database import Database


class Store:
    """A store for one aggregate; all of them share one Database (see storage/database.py).

    Rows come back as sqlite3.Row (set where the connection is opened): map them by name."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def transaction(self) -> contextlib.AbstractAsyncContextManager[None]:
        """`async with store.transaction():` — every store's writes in the block are one
        unit: all committed at its end, none if it raises."""
        return self._db.transaction()

    async def _one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        return await self._db.one(sql, params)

    async def _all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return await self._db.all(sql, params)

    # The queries every answer makes: one round trip to the database thread.
    _fetch = _all

    async def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        return await self._db.write(sql, params)
