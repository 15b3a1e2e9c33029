"""May this quiz start? Who may start quizzes in a group, the cooldown, the daily limits.

Checked before a quiz is created, so a refused request costs nothing at OpenAI. Days are UTC
calendar days: every limit resets at midnight UTC.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.constants import ChatType

from services import chat_settings
from services.context import Services
from services.daily import day_start, reset_in
from services.errors import UserFacingError
from services.presenter import Presenter
from services.start_request import StartRequest
from settings import Settings
from storage.chats import ADMINS
from storage.usage import StartLimits, UsageStore

log = logging.getLogger(__name__)


def start_limits(settings: Settings, now: float) -> StartLimits:
    """The limits a new quiz is reserved against, in the transaction that creates it."""
    return StartLimits(
        since=day_start(now),
        user_per_day=settings.user_quizzes_per_day,
        chat_per_day=settings.chat_quizzes_per_day,
        user_running=settings.user_running_quizzes,
    )


async def check_start(ui: Presenter, svc: Services, request: StartRequest) -> None:
    """Raise UserFacingError (naming the limit and when it resets) if the quiz may not start.

    A request already seen (a re-delivered update) and a topic with a live quiz pass through:
    the quiz flow answers those itself."""
    settings, store = svc.settings, svc.repo.usage
    chat_id, user_id, topic = request.chat_id, request.user_id, request.thread_id or 0

    def refuse(key: str, **values: Any) -> UserFacingError:
        log.info("Quiz refused in chat %s for user %s: %s", chat_id, user_id, key)
        return request.refusal(key, **values)

    if await _admins_only(ui, svc, chat_id, request.chat_type, user_id):
        raise refuse("starters_admins_only")
    if await store.seen_request(request.key):
        return
    if await svc.repo.quizzes.live_quiz(chat_id, topic) is not None:
        return

    now = svc.clock()
    last = await store.last_quiz_at(chat_id, topic)
    if settings.quiz_cooldown and last is not None and now - last < settings.quiz_cooldown:
        raise refuse("cooldown", seconds=math.ceil(last + settings.quiz_cooldown - now))

    for key, limit, used in _daily_limits(store, settings, day_start(now), chat_id, user_id):
        if limit and await used() >= limit:
            raise refuse(key, n=limit, limit=f"{limit:,}", **reset_in(now))


async def _admins_only(
    ui: Presenter, svc: Services, chat_id: int, chat_type: str, user_id: int
) -> bool:
    """A group where only admins may start quizzes, and this person is not one."""
    group = chat_type in (ChatType.GROUP, ChatType.SUPERGROUP)
    return (
        group
        and (await chat_settings.effective(svc, chat_id)).starters == ADMINS
        and not await ui.is_admin(chat_id, user_id)
    )


def _daily_limits(
    store: UsageStore, settings: Settings, since: float, chat_id: int, user_id: int
) -> tuple[tuple[str, int, Callable[[], Awaitable[int]]], ...]:
    """Each daily limit a start counts against: its message, its value, and what has been
    used of it since `since` (asked only when the limit is set)."""
    return (
        (
            "limit_user_quizzes",
            settings.user_quizzes_per_day,
            lambda: store.quizzes_since(since, user_id=user_id),
        ),
        (
            "limit_chat_quizzes",
            settings.chat_quizzes_per_day,
            lambda: store.quizzes_since(since, chat_id=chat_id),
        ),
        (
            "limit_user_tokens",
            settings.user_tokens_per_day,
            lambda: store.tokens_since(since, user_id=user_id),
        ),
        (
            "limit_chat_tokens",
            settings.chat_tokens_per_day,
            lambda: store.tokens_since(since, chat_id=chat_id),
        ),
        ("limit_budget", settings.daily_token_budget, lambda: store.tokens_since(since)),
    )
