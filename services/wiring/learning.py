"""The study slice: cards' questions, /review, the daily reminders."""

from __future__ import annotations

from dataclasses import dataclass

from services.context import Services
from services.learning import Learning
from services.quiz import starting
from services.quiz.telegram_presenter import TelegramPresenter
from services.reminders import REMINDER, Reminders
from services.review import Reviews
from services.wiring.common import told


@dataclass(frozen=True, slots=True)
class StudyFeatures:
    """What the handlers ask of learning: cards, /review, /remind."""

    learning: Learning
    reviews: Reviews
    reminders: Reminders


def build_learning(svc: Services, ui: TelegramPresenter) -> StudyFeatures:
    """Learning, /review and the daily reminders, and the reminders' timer callback."""
    repo, settings = svc.repo, svc.settings
    reminders = Reminders(
        reminders=repo.reminders,
        cards=repo.cards,
        timers=svc.timers,
        ui=ui,
        # Looked up at each call: tests move the services' clock.
        clock=lambda: svc.clock(),
        max_questions=settings.max_questions,
    )
    if svc.timers is not None:
        svc.timers.on(REMINDER, told(ui, reminders.remind))
    reviews = Reviews(
        cards=repo.cards,
        reminders=reminders,
        ui=ui,
        # The opening slice's way in, the same path as /quiz.
        start=lambda req: starting.start_quiz(ui, svc, req),
        clock=lambda: svc.clock(),
        max_questions=settings.max_questions,
    )
    return StudyFeatures(Learning(cards=repo.cards, reminders=reminders), reviews, reminders)
