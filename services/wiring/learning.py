"""The study slice: cards' questions, /review, the daily reminders."""

from __future__ import annotations

from dataclasses import dataclass

from services.context import Services
from services.learning import Learning
from services.quiz.telegram_presenter import TelegramPresenter
from services.reminders import Reminders
from services.review import Reviews
from services.wiring.common import Start, clock_of


@dataclass(frozen=True, slots=True)
class StudyFeatures:
    """What the handlers ask of learning: cards, /review, /remind."""

    learning: Learning
    reviews: Reviews
    reminders: Reminders


def build_learning(svc: Services, ui: TelegramPresenter, *, start: Start) -> StudyFeatures:
    """Learning, /review (started the way /quiz starts) and the daily reminders."""
    repo, settings = svc.repo, svc.settings
    reminders = Reminders(
        reminders=repo.reminders,
        cards=repo.cards,
        timers=svc.timers,
        ui=ui,
        clock=clock_of(svc),
        max_questions=settings.max_questions,
    )
    reviews = Reviews(
        cards=repo.cards,
        reminders=reminders,
        ui=ui,
        start=start,
        clock=clock_of(svc),
        max_questions=settings.max_questions,
    )
    return StudyFeatures(Learning(cards=repo.cards, reminders=reminders), reviews, reminders)
