"""The composition root of the features that follow the quiz lifecycle: which feature listens
to which stage (services/events.py), and what runs when a durable timer is due
(services/timers.py). bot.py's post_init calls `wire` once, with the one presenter the
process shows chats through."""

from __future__ import annotations

from services import learning, reminders, review
from services.context import Services
from services.events import AnswersSubmitted, FeedbackPosted, SubmissionBuilt
from services.quiz import deadlines, live
from services.quiz.common import DEADLINE, LIVE_STEP
from services.quiz.telegram_presenter import TelegramPresenter


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
        timers.on(DEADLINE, lambda quiz_id: deadlines.deadline_reached(ui, svc, quiz_id))
        timers.on(LIVE_STEP, lambda quiz_id: live.step(ui, svc, quiz_id))
        timers.on(reminders.REMINDER, lambda user_id: reminders.remind(ui, svc, user_id))
