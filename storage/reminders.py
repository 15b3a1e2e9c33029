"""The daily review reminders people opted into (/remind)."""

from __future__ import annotations

from dataclasses import dataclass

from storage.database import Row
from storage.store import Store


@dataclass(frozen=True, slots=True)
class ReminderRow:
    user_id: int
    chat_id: int
    minute: int
    zone: str
    lang: str
    last_day: str | None
    enabled: bool


class ReminderStore(Store):
    async def set_reminder(
        self, user_id: int, chat_id: int, minute: int, zone: str, lang: str
    ) -> None:
        await self._write(
            "INSERT INTO reminders (user_id, chat_id, minute, zone, lang, enabled)"
            " VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (user_id) DO UPDATE SET"
            " chat_id = excluded.chat_id, minute = excluded.minute, zone = excluded.zone,"
            " lang = excluded.lang, enabled = 1",
            (user_id, chat_id, minute, zone, lang),
        )

    async def disable_reminder(self, user_id: int) -> bool:
        return (
            await self._write(
                "UPDATE reminders SET enabled = 0 WHERE user_id = ? AND enabled = 1", (user_id,)
            )
            == 1
        )

    async def reminder(self, user_id: int) -> ReminderRow | None:
        rows = await self._all(
            "SELECT user_id, chat_id, minute, zone, lang, last_day, enabled FROM reminders"
            " WHERE user_id = ?",
            (user_id,),
        )
        return _reminder(rows[0]) if rows else None

    async def reminders(self) -> list[ReminderRow]:
        rows = await self._all(
            "SELECT user_id, chat_id, minute, zone, lang, last_day, enabled FROM reminders"
            " WHERE enabled = 1 ORDER BY user_id"
        )
        return [_reminder(r) for r in rows]

    async def claim_reminder_day(self, user_id: int, day: str) -> bool:
        """Mark today's reminder as sent; False if it already was (at most one a day)."""
        return (
            await self._write(
                "UPDATE reminders SET last_day = ? WHERE user_id = ? AND enabled = 1"
                " AND (last_day IS NULL OR last_day != ?)",
                (day, user_id, day),
            )
            == 1
        )


def _reminder(r: Row) -> ReminderRow:
    return ReminderRow(
        r["user_id"],
        r["chat_id"],
        r["minute"],
        r["zone"],
        r["lang"],
        r["last_day"],
        bool(r["enabled"]),
    )
