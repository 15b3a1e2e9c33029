"""Opt-in daily reminders: one message a day at most, and only when cards are due.

`Reminders` is built once in the composition root (services/wiring.py) with what it uses:
the reminders' and the cards' stores, the durable timers, the chat messages, the clock and
one setting. Its `remind` is the REMINDER timers' callback, registered there too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from telegram.error import Forbidden, TelegramError

from i18n import tr
from quiz import reminder_times
from services.timers import Timers
from storage.cards import CardStore
from storage.reminders import ReminderRow, ReminderStore

log = logging.getLogger(__name__)


# The kind of a reminder's durable timer (services/timers.py), named `remind:<user>`.
REMINDER = "remind"


def timer_name(user_id: int) -> str:
    return f"{REMINDER}:{user_id}"


class ReminderMessages(Protocol):
    """What a reminder shows in a chat (services/chat_messages.py's ChatMessages)."""

    async def reminder(self, chat_id: int, text: str, button: str) -> None: ...


class Reminders:
    def __init__(
        self,
        *,
        reminders: ReminderStore,
        cards: CardStore,
        timers: Timers | None,
        ui: ReminderMessages,
        clock: Callable[[], float],
        max_questions: int,
    ) -> None:
        self._reminders = reminders
        self._cards = cards
        # None only where no timer is ever armed: nothing is scheduled then.
        self._timers = timers
        self._ui = ui
        self._clock = clock
        # The review the reminder's button starts is at most this long (MAX_QUESTIONS).
        self._max_questions = max_questions

    async def forget_reminder_job(self, user_id: int) -> None:
        if self._timers is not None:
            await self._timers.disarm(timer_name(user_id))

    async def arm_reminder(
        self, user_id: int, minute: int, zone: str, *, at_start: bool = False
    ) -> float | None:
        """(Re-)schedule the person's next reminder; returns when it fires (epoch seconds).
        `at_start`: only if the database has none still to come (another worker's start)."""
        if self._timers is None:
            return None
        tz = reminder_times.parse_zone(zone)
        if tz is None:
            await self._timers.disarm(timer_name(user_id))
            return None
        at = reminder_times.next_reminder(self._clock(), minute, tz)
        if at_start:
            await self._timers.restore(timer_name(user_id), REMINDER, user_id, at)
        else:
            await self._timers.arm(timer_name(user_id), REMINDER, user_id, at)
        return at

    async def reminder(self, user_id: int) -> ReminderRow | None:
        """The person's reminder settings, if they ever set one."""
        return await self._reminders.reminder(user_id)

    async def set_reminder(
        self, user_id: int, chat_id: int, minute: int, zone: str, lang: str
    ) -> None:
        await self._reminders.set_reminder(user_id, chat_id, minute, zone, lang)
        await self.arm_reminder(user_id, minute, zone)

    async def disable_reminder(self, user_id: int) -> None:
        await self._reminders.disable_reminder(user_id)
        await self.forget_reminder_job(user_id)

    async def arm_reminders(self) -> int:
        """At start: every stored reminder has its timer (one missed while no process ran is
        skipped: the next is at its next local time)."""
        rows = await self._reminders.reminders()
        async with self._reminders.transaction():
            for row in rows:
                await self.arm_reminder(row.user_id, row.minute, row.zone, at_start=True)
        return len(rows)

    async def remind(self, user_id: int) -> None:
        """A reminder's time (the REMINDER timers' callback): one message a day at most, and
        only when cards are due."""
        await self.send_reminder(user_id)

    async def send_reminder(self, user_id: int) -> bool:
        store = self._reminders
        row = await store.reminder(user_id)
        if row is None or not row.enabled:
            return False
        tz = reminder_times.parse_zone(row.zone)
        now = self._clock()
        sent = False
        if tz is not None:
            due = await self._cards.due_count(user_id, now)
            day = datetime.fromtimestamp(now, tz).date().isoformat()
            if due and await store.claim_reminder_day(user_id, day):
                try:
                    await self._send(row, due)
                    sent = True
                except Forbidden:
                    # Blocked by the user: stop writing to them.
                    await store.disable_reminder(user_id)
                    log.info("User %s blocked the bot: reminders off", user_id)
                    return False
                except TelegramError as exc:
                    log.warning("Reminder for user %s not sent: %s", user_id, exc)
        if self._timers is not None and tz is not None:
            # The next one: strictly after now, so the minute that just fired is not armed
            # again.
            await self.arm_reminder(user_id, row.minute, row.zone)
        return sent

    async def _send(self, row: ReminderRow, due: int) -> None:
        n = min(due, self._max_questions)
        await self._ui.reminder(
            row.chat_id, tr(row.lang, "reminder", n=due), tr(row.lang, "review_button", n=n)
        )
