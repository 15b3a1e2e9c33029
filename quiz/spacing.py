"""Spaced repetition for study cards, on FSRS (py-fsrs): pure, no I/O.

A card is one question a person answered. A wrong answer rates it Again, a right one Good;
FSRS then says when it is due. Times are epoch seconds, as the services' clock gives them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fsrs import Card, Rating, Scheduler

# One learning step of zero: a question answered wrong is due at once, so "review my
# mistakes" works right after the quiz; one answered right graduates to a days-long interval
# (a quiz is a test, not a flashcard drill, so minute-long steps would only nag).
_STEPS = (timedelta(0),)
SCHEDULER = Scheduler(learning_steps=_STEPS, relearning_steps=_STEPS)


@dataclass(frozen=True, slots=True)
class Reviewed:
    """A card after one answer: its new FSRS state, when it is next due, and the log row."""

    state_json: str
    due: float
    rating: int
    log_json: str


def _utc(at: float) -> datetime:
    return datetime.fromtimestamp(at, UTC)


def review(state_json: str | None, correct: bool, at: float, card_id: int) -> Reviewed:
    """Rate one answer (Again when wrong, Good when right) with the scheduler."""
    # card_id given: without one py-fsrs sleeps a millisecond to make a unique id.
    card = Card.from_json(state_json) if state_json else Card(card_id=card_id)
    rating = Rating.Good if correct else Rating.Again
    card, log = SCHEDULER.review_card(card, rating, review_datetime=_utc(at))
    return Reviewed(card.to_json(), card.due.timestamp(), int(rating), log.to_json())


def due_at(state_json: str) -> float:
    return Card.from_json(state_json).due.timestamp()


@dataclass(frozen=True, slots=True)
class DueCard:
    card_id: int
    due: float


def choose_due(cards: Sequence[DueCard], now: float, limit: int) -> list[DueCard]:
    """The cards due by `now`, most overdue first, at most `limit` (the store's query does
    the same in SQL; this is the rule it implements)."""
    due = [c for c in cards if c.due <= now]
    return sorted(due, key=lambda c: (c.due, c.card_id))[: max(0, limit)]


_WORDS = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.casefold())


def repeat_problem(index: int, variant: str, original: str) -> str | None:
    """A variant must re-test the fact with a new question: a word-for-word repeat of the
    old one (case, spacing and punctuation aside) is a problem, said for the model."""
    if _words(variant) and _words(variant) == _words(original):
        return (
            f"questions[{index}].question_text repeats the original question word for word;"
            " write a new question that tests the same fact"
        )
    return None


# reminders

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
