"""Durable timers: rows due at a time, claimed by one worker at a time (services/timers.py).

Due times are on the services' clock (tests move it); claims expire on the wall clock, as a
claim is about whether its worker is still alive."""

from __future__ import annotations

from dataclasses import dataclass

from storage.database import Row
from storage.store import Store


@dataclass(frozen=True, slots=True)
class TimerRow:
    name: str
    kind: str
    key: int
    version: int
    attempts: int


def _timer(row: Row) -> TimerRow:
    return TimerRow(
        str(row["name"]),
        str(row["kind"]),
        int(row["key_id"]),
        int(row["version"]),
        int(row["attempts"]),
    )


class TimerStore(Store):
    async def arm(self, name: str, kind: str, key: int, due_at: float) -> None:
        """Insert, or replace the timer of that name (and drop its claim: a new run)."""
        await self._write(
            "INSERT INTO timers (name, kind, key_id, due_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, key_id = excluded.key_id,"
            " due_at = excluded.due_at, version = timers.version + 1, attempts = 0,"
            " claimed_by = NULL, claimed_until = NULL",
            (name, kind, key, due_at),
        )

    async def restore(self, name: str, kind: str, key: int, due_at: float, now: float) -> None:
        """At start: arm a timer the database lacks, or replace one whose time passed before
        anyone claimed it; a timer still to come, or being run, is left alone."""
        await self._write(
            "INSERT INTO timers (name, kind, key_id, due_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET due_at = excluded.due_at,"
            " version = timers.version + 1, attempts = 0"
            " WHERE timers.due_at < ? AND timers.claimed_by IS NULL",
            (name, kind, key, due_at, now),
        )

    async def disarm(self, name: str) -> None:
        await self._write("DELETE FROM timers WHERE name = ?", (name,))

    async def due(self, name: str) -> float | None:
        row = await self._one("SELECT due_at FROM timers WHERE name = ?", (name,))
        return None if row is None else float(row["due_at"])

    async def claim(
        self, worker: str, now: float, wall: float, until: float, limit: int
    ) -> list[TimerRow]:
        """Claim up to `limit` timers due at `now` that nobody holds (or whose holder's claim
        expired at `wall`), for `worker` until `until`. PostgreSQL skips rows another worker
        is claiming at this moment; SQLite has one writer at a time anyway."""
        lock = " FOR UPDATE SKIP LOCKED" if self._db.dialect == "postgresql" else ""
        rows = await self._all(
            "UPDATE timers SET claimed_by = ?, claimed_until = ? WHERE name IN ("
            " SELECT name FROM timers WHERE due_at <= ?"
            " AND (claimed_until IS NULL OR claimed_until <= ?)"
            f" ORDER BY due_at LIMIT ?{lock})"
            " RETURNING name, kind, key_id, version, attempts",
            (worker, until, now, wall, limit),
        )
        return [_timer(r) for r in rows]

    async def next_due(self, wall: float) -> float | None:
        """The earliest due time of the timers nobody holds now."""
        row = await self._one(
            "SELECT MIN(due_at) AS due FROM timers"
            " WHERE claimed_until IS NULL OR claimed_until <= ?",
            (wall,),
        )
        return None if row is None or row["due"] is None else float(row["due"])

    async def renew(self, timer: TimerRow, worker: str, until: float) -> bool:
        return (
            await self._write(
                "UPDATE timers SET claimed_until = ?"
                " WHERE name = ? AND version = ? AND claimed_by = ?",
                (until, timer.name, timer.version, worker),
            )
            == 1
        )

    async def done(self, timer: TimerRow, worker: str) -> None:
        """The run finished: the row goes, unless its callback armed it again meanwhile."""
        await self._write(
            "DELETE FROM timers WHERE name = ? AND version = ? AND claimed_by = ?",
            (timer.name, timer.version, worker),
        )

    async def retry(self, timer: TimerRow, worker: str, due_at: float) -> None:
        """The run failed: the timer is due again later, for any worker."""
        await self._write(
            "UPDATE timers SET due_at = ?, attempts = attempts + 1, claimed_by = NULL,"
            " claimed_until = NULL WHERE name = ? AND version = ? AND claimed_by = ?",
            (due_at, timer.name, timer.version, worker),
        )

    async def release_claims(self, worker: str) -> None:
        """Shutdown, or a worker found dead: its claims are free for anyone at once."""
        await self._write(
            "UPDATE timers SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ?",
            (worker,),
        )

    async def claim_holders(self) -> list[str]:
        rows = await self._all(
            "SELECT DISTINCT claimed_by FROM timers WHERE claimed_by IS NOT NULL"
        )
        return [str(r["claimed_by"]) for r in rows]
