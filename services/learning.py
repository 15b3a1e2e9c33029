"""Learning that carries over: every answer becomes a study card, FSRS says when it is due
again (/review, in services/review.py, writes due cards afresh as a quiz), and opt-in
reminders (services/reminders.py).

The cards' side of the quiz lifecycle is services/study_cards.py's `StudyCards`, subscribed
to its stages (services/events.py) in services/wiring.py; here are the pieces the stages and
the handlers ask for: `Learning`, built there with the cards' store and the reminders, and
the pure helpers.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, tzinfo

from engine.base import QuizRequest, ReviewCard
from i18n import tr
from quiz import callbacks
from services.reminders import Reminders
from storage import QuizRow
from storage.cards import CardStore

log = logging.getLogger(__name__)

REVIEW_DATA = callbacks.REVIEW_DATA
WEAKEST_DATA = callbacks.WEAKEST_DATA
DEEP_LINK_PAYLOAD = callbacks.DEEP_LINK_REVIEW


class Learning:
    def __init__(self, *, cards: CardStore, reminders: Reminders) -> None:
        self._cards = cards
        self._reminders = reminders

    async def review_request(self, quiz: QuizRow) -> tuple[ReviewCard, ...]:
        """The cards a review quiz re-tests (empty for any other quiz), for the model."""
        return await _review_cards(self._cards, quiz)

    async def weakest_topic(self, user_id: int) -> str | None:
        found = await self._cards.weakest_topics(user_id, 1)
        return found[0][0] if found else None

    async def forget(self, user_id: int) -> int:
        """/forgetme: cards, their log, review quizzes and reminders go, and the armed job."""
        await self._reminders.forget_reminder_job(user_id)
        return await self._cards.forget_user(user_id)


async def _review_cards(cards: CardStore, quiz: QuizRow) -> tuple[ReviewCard, ...]:
    return tuple(
        ReviewCard(c.text, c.answer, c.explanation, c.source_quote)
        for c in await cards.review_of_quiz(quiz.id)
    )


def day_label(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d")


def originals(request: QuizRequest) -> tuple[str, ...]:
    """The old question texts a review quiz's variants must not repeat."""
    return tuple(c.question for c in request.review_of)


def original(texts: tuple[str, ...], index: int) -> str | None:
    return texts[index] if index < len(texts) else None


def when_due(lang: str, at: float, now: float, tz: tzinfo) -> str:
    """When a card is due, as the person says it: "today at 19:00", "tomorrow at 19:00", or
    a date, on their local calendar."""
    local, today = datetime.fromtimestamp(at, tz), datetime.fromtimestamp(now, tz).date()
    clock = f"{local:%H:%M}"
    if local.date() <= today:
        return tr(lang, "due_today", time=clock)
    if local.date() == today + timedelta(days=1):
        return tr(lang, "due_tomorrow", time=clock)
    return tr(lang, "due_on", date=f"{local:%Y-%m-%d}", time=clock)
