"""Learning that carries over: every answer becomes a study card, FSRS says when it is due
again (/review, in services/review.py, writes due cards afresh as a quiz), and opt-in
reminders.

The quiz lifecycle does not call in here: services/wiring.py subscribes `record_quiz`,
`annotate_submission` (and review.offer_review) to its stages (services/events.py).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from engine.base import QuizRequest, ReviewCard
from i18n import tr
from quiz import callbacks, spacing
from quiz.model import Answer
from services import reminders
from services.context import Services
from storage import QuizRow, StoredQuestion
from storage.cards import CardRow, NewCard, RatedCard

log = logging.getLogger(__name__)

REVIEW_DATA = callbacks.REVIEW_DATA
WEAKEST_DATA = callbacks.WEAKEST_DATA
DEEP_LINK_PAYLOAD = callbacks.DEEP_LINK_REVIEW
# The FSRS card id inside a card's state: a card's own row id is not known before it is
# inserted, and the id in the FSRS state is only a label.
_CARD_LABEL = 1000


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


async def record_quiz(svc: Services, quiz_id: int) -> bool:
    """Turn a closed quiz's answers into cards and ratings, in one transaction; a second call
    for the same quiz writes nothing (False)."""
    repo, store = svc.repo, svc.repo.cards
    quiz = await repo.quizzes.quiz(quiz_id)
    if quiz is None:
        return False
    _, stored = await repo.questions.load_quiz(quiz_id, quiz.title)
    by_index = {sq.index: sq for sq in stored}
    review_ids = await store.review_ids_of_quiz(quiz_id)
    existing = await store.cards(review_ids)
    new: list[NewCard] = []
    rated: list[RatedCard] = []
    for a in await repo.answers.of_quiz(quiz_id):
        sq = by_index.get(a.question_index)
        if sq is None:
            continue
        correct = a.choice_index == sq.question.answer_index
        if review_ids:
            # Each variant re-tests the card the model got at its (model) index.
            card_id = review_ids[sq.model_index] if sq.model_index < len(review_ids) else None
            card = existing.get(card_id) if card_id is not None else None
            if card is not None and card.user_id == a.user_id:
                rated.append(_rated(card, quiz, a, correct))
            continue
        new.append(_new_card(quiz, sq, a, correct))
    return await store.record(quiz_id, new, rated)


def _rated(card: CardRow, quiz: QuizRow, a: Answer, correct: bool) -> RatedCard:
    """A review quiz's answer: the card it re-tests, rated again."""
    r = spacing.review(card.fsrs, correct, a.answered_at, card.id)
    return RatedCard(
        card.id,
        a.user_id,
        quiz.chat_id,
        a.answered_at,
        correct,
        r.state_json,
        r.due,
        r.rating,
        r.log_json,
    )


def _new_card(quiz: QuizRow, sq: StoredQuestion, a: Answer, correct: bool) -> NewCard:
    """Any other quiz's answer: a new card for the person who gave it, rated once."""
    q = sq.question
    r = spacing.review(None, correct, a.answered_at, quiz.id * _CARD_LABEL + sq.index)
    return NewCard(
        user_id=a.user_id,
        chat_id=quiz.chat_id,
        quiz_id=quiz.id,
        question_idx=sq.index,
        topic=quiz.topic or quiz.title or "",
        text=q.text,
        choices=q.choices,
        answer_index=q.answer_index,
        explanation=q.explanation,
        source_file=q.source_file if q.quote_verified else None,
        # Only a quote found in the documents is kept as the card's source.
        source_quote=q.source_quote if q.quote_verified else None,
        at=a.answered_at,
        correct=correct,
        fsrs=r.state_json,
        due=r.due,
        rating=r.rating,
        log=r.log_json,
    )


async def annotate_submission(
    svc: Services, quiz: QuizRow, submission: dict[str, Any]
) -> dict[str, Any]:
    """A review quiz's submission says, per question, how its card went last time, so the
    feedback can compare ("you missed this on 3 May, right now")."""
    ids = await svc.repo.cards.review_ids_of_quiz(quiz.id)
    if not ids:
        return submission
    last = await svc.repo.cards.last_results(ids, quiz.id)
    for q in submission["questions"]:
        i = q["question_index"]
        if i < len(ids) and ids[i] in last:
            at, correct = last[ids[i]]
            q["last_time"] = {"date": day_label(at), "correct": correct}
    submission["review"] = True
    return submission


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
