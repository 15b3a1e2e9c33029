"""Opt-in daily reminders: one message a day at most, and only when cards are due."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import cast

from telegram.error import Forbidden, TelegramError

from i18n import tr
from quiz import reminder_times
from services.chat_messages import ChatMessages
from services.context import BotContext, Services
from storage.reminders import ReminderRow

log = logging.getLogger(__name__)


async def forget_reminder_job(svc: Services, user_id: int) -> None:
    if svc.jobs is not None:
        for job in svc.jobs.get_jobs_by_name(_job_name(user_id)):
            job.schedule_removal()


# reminders


def _job_name(user_id: int) -> str:
    return f"remind:{user_id}"


def arm_reminder(svc: Services, user_id: int, minute: int, zone: str) -> float | None:
    """(Re-)schedule the person's next reminder; returns when it fires (epoch seconds)."""
    if svc.jobs is None:
        return None
    for job in svc.jobs.get_jobs_by_name(_job_name(user_id)):
        job.schedule_removal()
    tz = reminder_times.parse_zone(zone)
    if tz is None:
        return None
    now = svc.clock()
    at = reminder_times.next_reminder(now, minute, tz)
    svc.jobs.run_once(_remind, max(0.0, at - now), data=user_id, name=_job_name(user_id))
    return at


async def reminder(svc: Services, user_id: int) -> ReminderRow | None:
    """The person's reminder settings, if they ever set one."""
    return await svc.repo.reminders.reminder(user_id)


async def set_reminder(
    svc: Services, user_id: int, chat_id: int, minute: int, zone: str, lang: str
) -> None:
    await svc.repo.reminders.set_reminder(user_id, chat_id, minute, zone, lang)
    arm_reminder(svc, user_id, minute, zone)


async def disable_reminder(svc: Services, user_id: int) -> None:
    await svc.repo.reminders.disable_reminder(user_id)
    await forget_reminder_job(svc, user_id)


async def arm_reminders(svc: Services) -> int:
    """At start: every stored reminder gets its job again."""
    rows = await svc.repo.reminders.reminders()
    for row in rows:
        arm_reminder(svc, row.user_id, row.minute, row.zone)
    return len(rows)


async def _remind(context: BotContext) -> None:
    """A reminder's time: one message a day at most, and only when cards are due."""
    assert context.job is not None
    svc, user_id = context.services, cast(int, context.job.data)
    await send_reminder(context.presenter, svc, user_id)


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
    if svc.jobs is not None and tz is not None:
        # The next one: strictly after now, so the minute that just fired is not armed again.
        arm_reminder(svc, user_id, row.minute, row.zone)
    return sent
