"""Learning that carries over: every answer becomes a study card, FSRS says when it is due
again (/review, in services/review.py, writes due cards afresh as a quiz), and opt-in
reminders.

The cards' side of the quiz lifecycle is services/study_cards.py's `StudyCards`, subscribed
to its stages (services/events.py) in services/wiring.py; here are the pieces the stages and
the handlers ask for.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, tzinfo

from engine.base import QuizRequest, ReviewCard
from i18n import tr
from quiz import callbacks
from services import reminders
from services.context import Services
from storage import QuizRow

log = logging.getLogger(__name__)

REVIEW_DATA = callbacks.REVIEW_DATA
WEAKEST_DATA = callbacks.WEAKEST_DATA
DEEP_LINK_PAYLOAD = callbacks.DEEP_LINK_REVIEW


def day_label(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d")


# hooks for the quiz lifecycle


async def review_request(svc: Services, quiz: QuizRow) -> tuple[ReviewCard, ...]:
    """The cards a review quiz re-tests (empty for any other quiz), for the model."""
    return tuple(
        ReviewCard(c.text, c.answer, c.explanation, c.source_quote)
        for c in await svc.repo.cards.review_of_quiz(quiz.id)
    )


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


async def weakest_topic(svc: Services, user_id: int) -> str | None:
    found = await svc.repo.cards.weakest_topics(user_id, 1)
    return found[0][0] if found else None


async def forget(svc: Services, user_id: int) -> int:
    """/forgetme: cards, their log, review quizzes and reminders go, and the armed job."""
    await reminders.forget_reminder_job(svc, user_id)
    return await svc.repo.cards.forget_user(user_id)
