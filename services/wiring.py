"""The composition root of the features that follow the quiz lifecycle: which feature listens
to which stage (services/events.py). bot.py's post_init calls `wire` once, with the one
presenter the process shows chats through and the function that runs a task beside the
updates (the Application's create_task)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from services import learning, review
from services.context import Services
from services.events import AnswersRecorded, AnswersSubmitted, FeedbackPosted, SubmissionBuilt
from services.presenter import Presenter
from services.quiz import live

Spawn = Callable[[Coroutine[Any, Any, None]], object]


def wire(svc: Services, ui: Presenter, spawn: Spawn) -> None:
    async def live_moves_on(event: AnswersRecorded) -> None:
        # Inside the answer writer: only a (cached) read per quiz of the batch; checking
        # whether everyone answered, and posting the next question, run as tasks of their
        # own, so one chat's game never holds up another chat's answers.
        for quiz_id, index in dict.fromkeys((a.quiz_id, a.index) for a in event.answers):
            quiz = await svc.repo.quizzes.quiz(quiz_id)
            if quiz is not None and quiz.is_live:
                spawn(live.answered(ui, svc, quiz, index))

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

    svc.events.subscribe(AnswersRecorded, live_moves_on)
    svc.events.subscribe(SubmissionBuilt, annotate)
    svc.events.subscribe(AnswersSubmitted, record_cards)
    svc.events.subscribe(FeedbackPosted, offer_review)
