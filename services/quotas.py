"""May this quiz start? Who may start quizzes in a group, the cooldown, the daily limits.

Checked before a quiz is created, so a refused request costs nothing at OpenAI. Days are UTC
calendar days: every limit resets at midnight UTC.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram.constants import ChatType

from services.chat_settings import EffectiveSettings
from services.daily import day_start, reset_in
from services.errors import UserFacingError
from services.presenter import Presenter
from services.start_request import StartRequest
from settings import Settings
from storage.chats import ADMINS
from storage.quizzes import QuizStore
from storage.usage import StartLimits, UsageStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class QuotaLimits:
    """The settings a start counts against (0: no limit)."""

    cooldown: int  # QUIZ_COOLDOWN_SECONDS, per chat and topic
    user_per_day: int  # USER_QUIZZES_PER_DAY
    chat_per_day: int  # CHAT_QUIZZES_PER_DAY
    user_tokens_per_day: int  # USER_TOKENS_PER_DAY
    chat_tokens_per_day: int  # CHAT_TOKENS_PER_DAY
    daily_token_budget: int  # DAILY_TOKEN_BUDGET
    user_running: int  # USER_RUNNING_QUIZZES

    @classmethod
    def of(cls, settings: Settings) -> QuotaLimits:
        return cls(
            cooldown=settings.quiz_cooldown,
            user_per_day=settings.user_quizzes_per_day,
            chat_per_day=settings.chat_quizzes_per_day,
            user_tokens_per_day=settings.user_tokens_per_day,
            chat_tokens_per_day=settings.chat_tokens_per_day,
            daily_token_budget=settings.daily_token_budget,
            user_running=settings.user_running_quizzes,
        )


class StartQuotas:
    def __init__(
        self,
        *,
        usage: UsageStore,
        quizzes: QuizStore,
        ui: Presenter,
        chat_settings: Callable[[int], Awaitable[EffectiveSettings]],
        clock: Callable[[], float],
        limits: QuotaLimits,
    ) -> None:
        self._usage = usage
        self._quizzes = quizzes
        self._ui = ui
        self._chat_settings = chat_settings
        self._clock = clock
        self._limits = limits

    def start_limits(self, now: float) -> StartLimits:
        """The limits a new quiz is reserved against, in the transaction that creates it."""
        limits = self._limits
        return StartLimits(
            since=day_start(now),
            user_per_day=limits.user_per_day,
            chat_per_day=limits.chat_per_day,
            user_running=limits.user_running,
        )

    async def check_start(self, request: StartRequest) -> None:
        """Raise UserFacingError (naming the limit and when it resets) if the quiz may not
        start.

        A request already seen (a re-delivered update) and a topic with a live quiz pass
        through: the quiz flow answers those itself."""
        store, cooldown = self._usage, self._limits.cooldown
        chat_id, user_id, topic = request.chat_id, request.user_id, request.thread_id or 0

        def refuse(key: str, **values: Any) -> UserFacingError:
            log.info("Quiz refused in chat %s for user %s: %s", chat_id, user_id, key)
            return request.refusal(key, **values)

        if await self._admins_only(chat_id, request.chat_type, user_id):
            raise refuse("starters_admins_only")
        if await store.seen_request(request.key):
            return
        if await self._quizzes.live_quiz(chat_id, topic) is not None:
            return

        now = self._clock()
        last = await store.last_quiz_at(chat_id, topic)
        if cooldown and last is not None and now - last < cooldown:
            raise refuse("cooldown", seconds=math.ceil(last + cooldown - now))

        for key, limit, used in self._daily_limits(day_start(now), chat_id, user_id):
            if limit and await used() >= limit:
                raise refuse(key, n=limit, limit=f"{limit:,}", **reset_in(now))

    async def _admins_only(self, chat_id: int, chat_type: str, user_id: int) -> bool:
        """A group where only admins may start quizzes, and this person is not one."""
        group = chat_type in (ChatType.GROUP, ChatType.SUPERGROUP)
        return (
            group
            and (await self._chat_settings(chat_id)).starters == ADMINS
            and not await self._ui.is_admin(chat_id, user_id)
        )

    def _daily_limits(
        self, since: float, chat_id: int, user_id: int
    ) -> tuple[tuple[str, int, Callable[[], Awaitable[int]]], ...]:
        """Each daily limit a start counts against: its message, its value, and what has
        been used of it since `since` (asked only when the limit is set)."""
        store, limits = self._usage, self._limits
        return (
            (
                "limit_user_quizzes",
                limits.user_per_day,
                lambda: store.quizzes_since(since, user_id=user_id),
            ),
            (
                "limit_chat_quizzes",
                limits.chat_per_day,
                lambda: store.quizzes_since(since, chat_id=chat_id),
            ),
            (
                "limit_user_tokens",
                limits.user_tokens_per_day,
                lambda: store.tokens_since(since, user_id=user_id),
            ),
            (
                "limit_chat_tokens",
                limits.chat_tokens_per_day,
                lambda: store.tokens_since(since, chat_id=chat_id),
            ),
            ("limit_budget", limits.daily_token_budget, lambda: store.tokens_since(since)),
        )
