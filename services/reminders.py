"""Opt-in daily reminders: one message a day at most, and only when cards are due."""

from __future__ import annotations

import logging
from datetime import datetime

from telegram.error import Forbidden, TelegramError

from i18n import tr
from quiz import reminder_times
from services.chat_messages import ChatMessages
from services.context import Services
from storage.reminders import ReminderRow

log = logging.getLogger(__name__)


# The kind of a reminder's durable timer (services/timers.py), named `remind:<user>`.
REMINDER = "remind"


async def forget_reminder_job(svc: Services, user_id: int) -> None:
    if svc.timers is not None:
        await svc.timers.disarm(timer_name(user_id))


# reminders


def timer_name(user_id: int) -> str:
    return f"{REMINDER}:{user_id}"


async def arm_reminder(
    svc: Services, user_id: int, minute: int, zone: str, *, at_start: bool = False
) -> float | None:
    """(Re-)schedule the person's next reminder; returns when it fires (epoch seconds).
    `at_start`: only if the database has none still to come (another worker's start)."""
    if svc.timers is None:
        return None
    tz = reminder_times.parse_zone(zone)
    if tz is None:
        await svc.timers.disarm(timer_name(user_id))
        return None
    at = reminder_times.next_reminder(svc.clock(), minute, tz)
    if at_start:
        await svc.timers.restore(timer_name(user_id), REMINDER, user_id, at)
    else:
        await svc.timers.arm(timer_name(user_id), REMINDER, user_id, at)
    return at


async def reminder(svc: Services, user_id: int) -> ReminderRow | None:
    """The person's reminder settings, if they ever set one."""
    return await svc.repo.reminders.reminder(user_id)


async def set_reminder(
    svc: Services, user_id: int, chat_id: int, minute: int, zone: str, lang: str
) -> None:
    await svc.repo.reminders.set_reminder(user_id, chat_id, minute, zone, lang)
    await arm_reminder(svc, user_id, minute, zone)


async def disable_reminder(svc: Services, user_id: int) -> None:
    await svc.repo.reminders.disable_reminder(user_id)
    await forget_reminder_job(svc, user_id)


async def arm_reminders(svc: Services) -> int:
    """At start: every stored reminder has its timer (one missed while no process ran is
    skipped: the next is at its next local time)."""
    rows = await svc.repo.reminders.reminders()
    async with svc.repo.transaction():
        for row in rows:
            await arm_reminder(svc, row.user_id, row.minute, row.zone, at_start=True)
    return len(rows)


async def remind(ui: ChatMessages, svc: Services, user_id: int) -> None:
    """A reminder's time: one message a day at most, and only when cards are due."""
    await send_reminder(ui, svc, user_id)


async def send_reminder(ui: ChatMessages, svc: Services, user_id: int) -> bool:
    store, cards = svc.repo.reminders, svc.repo.cards
    row = await store.reminder(user_id)
    if row is None or not row.enabled:
        return False
    tz = reminder_times.parse_zone(row.zone)
    now = svc.clock()
    sent = False
    if tz is not None:
        due = await cards.due_count(user_id, now)
        day = datetime.fromtimestamp(now, tz).date().isoformat()
        if due and await store.claim_reminder_day(user_id, day):
            n = min(due, svc.settings.max_questions)
            try:
                await ui.reminder(
                    row.chat_id, tr(row.lang, "reminder", n=due), tr(row.lang, "review_button", n=n)
                )
                sent = True
            except Forbidden:
                # Blocked by the user: stop writing to them.
                await store.disable_reminder(user_id)
                log.info("User %s blocked the bot: reminders off", user_id)
                return False
            except TelegramError as exc:
                log.warning("Reminder for user %s not sent: %s", user_id, exc)
    if svc.timers is not None and tz is not None:
        # The next one: strictly after now, so the minute that just fired is not armed again.
        await arm_reminder(svc, user_id, row.minute, row.zone)
    return sent
