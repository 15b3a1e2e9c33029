"""The composition root of the features that follow the quiz lifecycle: which feature listens
to which stage (services/events.py), and what runs when a durable timer is due
(services/timers.py). bot.py's post_init calls `wire` once, with the one presenter the
process shows chats through."""

from __future__ import annotations

from services import learning, reminders, review
from services.context import Services
from services.errors import UserFacingError
from services.events import AnswersSubmitted, FeedbackPosted, SubmissionBuilt
from services.quiz import deadlines, live
from services.quiz.common import DEADLINE, LIVE_STEP
from services.quiz.telegram_presenter import TelegramPresenter
from services.timers import Callback


def wire(svc: Services, ui: TelegramPresenter) -> None:
    async def annotate(event: SubmissionBuilt) -> None:
        # Only a review quiz's submission changes (one query for any other quiz): the
        # feedback compares each card with how it went last time.
        await learning.annotate_submission(svc, event.quiz, event.submission)

    async def record_cards(event: AnswersSubmitted) -> None:
        # After the submission, before the feedback (or the failure) is posted: off the path
        # to the model, and done by the time the person sees it. Idempotent (per quiz).
        await learning.record_quiz(svc, event.quiz.id)

    async def offer_review(event: FeedbackPosted) -> None:
        await review.offer_review(ui, svc, event.quiz)

    svc.events.subscribe(SubmissionBuilt, annotate)
    svc.events.subscribe(AnswersSubmitted, record_cards)
    svc.events.subscribe(FeedbackPosted, offer_review)

    if svc.timers is not None:
        timers = svc.timers
        timers.on(DEADLINE, _told(ui, lambda key: deadlines.deadline_reached(ui, svc, key)))
        timers.on(LIVE_STEP, _told(ui, lambda key: live.step(ui, svc, key)))
        timers.on(reminders.REMINDER, _told(ui, lambda key: reminders.remind(ui, svc, key)))


def _told(ui: TelegramPresenter, callback: Callback) -> Callback:
    """A timer's callback whose user-facing error (the feedback failed: try again) is told
    to the chat, as the error handler tells a handler's; the timer is then done. Anything
    else makes the timer try again later (services/timers.py)."""

    async def run(key: int) -> None:
        try:
            await callback(key)
        except UserFacingError as exc:
            await ui.error(exc)

    return run
