"""The admin slice: chat settings, /stats, access and /usage, each chat's turn."""

from __future__ import annotations

from dataclasses import dataclass

from services.chat_order import ChatLines
from services.chat_settings import ChatSettings
from services.context import Services
from services.learning import Learning
from services.quiz.telegram_presenter import TelegramPresenter
from services.security import Security
from services.stats import Stats
from services.wiring.common import clock_of


@dataclass(frozen=True, slots=True)
class AdminFeatures:
    """A chat's settings, /stats, access refusals and /forgetme and /usage, and each chat's
    turn for its updates: what handlers reach as `context.<name>`."""

    chat_settings: ChatSettings
    stats: Stats
    security: Security
    chat_lines: ChatLines


def build_admin(svc: Services, ui: TelegramPresenter, learning: Learning) -> AdminFeatures:
    settings, repo = svc.settings, svc.repo

    clock = clock_of(svc)
    return AdminFeatures(
        chat_settings=ChatSettings(
            chats=repo.chats,
            style=settings.quiz_style,
            time_limit=settings.quiz_time_limit,
            live_seconds=settings.quiz_live_seconds,
        ),
        stats=Stats(stats=repo.stats, cards=repo.cards, ui=ui, clock=clock),
        security=Security(
            security=repo.security,
            quizzes=repo.quizzes,
            usage=repo.usage,
            library=repo.library,
            forget_learning=learning.forget,
            clock=clock,
            allowed_chats=settings.allowed_chat_ids,
            allowed_users=settings.allowed_user_ids,
            operators=settings.admin_user_ids,
            daily_token_budget=settings.daily_token_budget,
        ),
        chat_lines=ChatLines(),
    )
