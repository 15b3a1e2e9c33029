"""The times of day of /remind: "19:00" and a zone ("Asia/Seoul", "+09:00") as a person
writes them, and the next such moment. Pure, no I/O; times are epoch seconds."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")
_OFFSET = re.compile(r"^(?:UTC|GMT)?([+-])(\d{1,2})(?::?([0-5]\d))?$", re.IGNORECASE)


def parse_time(text: str) -> int | None:
    """ "19:00" → minutes after midnight; None when it is not a time of day."""
    m = _TIME.match(text.strip())
    return None if m is None else int(m[1]) * 60 + int(m[2])


def parse_zone(text: str) -> tzinfo | None:
    """An IANA zone name ("Asia/Seoul") or a UTC offset ("+09:00", "UTC-5"); None if neither."""
    text = text.strip()
    if not text:
        return None
    if text.upper() in ("UTC", "GMT", "Z"):
        return UTC
    m = _OFFSET.match(text)
    if m is not None:
        hours, minutes = int(m[2]), int(m[3] or 0)
        if hours > 14 or (hours == 14 and minutes):
            return None
        sign = -1 if m[1] == "-" else 1
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # ValueError: not a valid key at all (e.g. "../etc"); OSError: a folder of zones
        # ("America") or a name too long for a file name.
        return None


def next_reminder(now: float, minute: int, zone: tzinfo) -> float:
    """The first local `minute` of a day strictly after `now` (epoch seconds)."""
    local = datetime.fromtimestamp(now, zone)
    at = time(minute // 60, minute % 60)
    day: date = local.date()
    for _ in range(3):
        candidate = datetime.combine(day, at, tzinfo=zone).timestamp()
        if candidate > now:
            return candidate
        day += timedelta(days=1)
    raise AssertionError("unreachable: a later day always has the minute")
