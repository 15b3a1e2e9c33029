"""Named leases (the long-polling process, a quiz's close): one holder until it expires.
Times are on the wall clock: a lease is about whether its holder is still alive."""

from __future__ import annotations

from dataclasses import dataclass

from storage.store import Store


@dataclass(frozen=True, slots=True)
class LeaseRow:
    name: str
    holder: str
    expires_at: float


class LeaseStore(Store):
    async def take(self, name: str, holder: str, until: float, now: float) -> bool:
        """The lease for `holder` until `until`: free, expired at `now`, or its own already."""
        return (
            await self._write(
                "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
                " expires_at = excluded.expires_at"
                " WHERE leases.holder = excluded.holder OR leases.expires_at <= ?",
                (name, holder, until, now),
            )
            == 1
        )

    async def renew(self, name: str, holder: str, until: float) -> bool:
        return (
            await self._write(
                "UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?",
                (until, name, holder),
            )
            == 1
        )

    async def release(self, name: str, holder: str) -> None:
        await self._write("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))

    async def release_all(self, holder: str) -> None:
        await self._write("DELETE FROM leases WHERE holder = ?", (holder,))

    async def lease(self, name: str) -> LeaseRow | None:
        row = await self._one("SELECT name, holder, expires_at FROM leases WHERE name = ?", (name,))
        if row is None:
            return None
        return LeaseRow(str(row["name"]), str(row["holder"]), float(row["expires_at"]))

    async def holders(self) -> list[str]:
        return [str(r["holder"]) for r in await self._all("SELECT DISTINCT holder FROM leases")]
