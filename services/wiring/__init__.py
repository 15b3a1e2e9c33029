"""The composition root: every long-lived feature object is built here, once, from the
shared infrastructure in `Services` (the stores, engine, timers, locks, clock, settings), and
given exactly what it uses; which feature listens to which stage (services/events.py) and
what runs when a durable timer is due (services/timers.py) is decided here too. bot.py's
post_init calls `wire` once, with the one presenter the process shows chats through and the
function that runs a task beside the updates (the Application's create_task).

One module per slice builds its objects; the slices reach one another through functions
bound late (a lambda naming an object built further down), since the way in and the way out
of a quiz call each other."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from services.context import Services, install_features
from services.quiz.telegram_presenter import TelegramPresenter
from services.study_cards import StudyCards
from services.wiring.admin import build_admin
from services.wiring.closing import ClosingStages, build_closing, closing_stages
from services.wiring.common import Spawn
from services.wiring.docs import build_docs
from services.wiring.learning import build_learning

__all__ = ["ClosingStages", "closing_stages", "wire"]


def wire(svc: Services, ui: TelegramPresenter, spawn: Spawn, bot_data: dict[Any, Any]) -> None:
    closing = build_closing(svc, ui, spawn)
    install_features(
        bot_data,
        closing=closing.closing,
        quiz_lookup=closing.lookup,
        quiz_answers=closing.answers,
        membership=closing.membership,
        recovery=closing.recovery,
    )
    repo = svc.repo
    StudyCards(
        cards=repo.cards,
        quizzes=repo.quizzes,
        questions=repo.questions,
        answers=repo.answers,
        ui=ui,
        # Looked up at each call: tests move the services' clock.
        clock=lambda: svc.clock(),
        max_questions=svc.settings.max_questions,
    ).subscribe(svc.events)
    install_features(bot_data, **_named(build_docs(svc, ui)))
    study = build_learning(svc, ui)
    install_features(bot_data, **_named(study))
    install_features(bot_data, **_named(build_admin(svc, ui, study.learning)))


def _named(features: Any) -> dict[str, object]:
    """A slice's dataclass of objects, by field name (the BotContext property's name)."""
    return {each.name: getattr(features, each.name) for each in fields(features)}
