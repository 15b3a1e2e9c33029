"""Spaced repetition for study cards, on FSRS (py-fsrs): pure, no I/O.

A card is one question a person answered. A wrong answer rates it Again, a right one Good;
FSRS then says when it is due. Times are epoch seconds, as the services' clock gives them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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
