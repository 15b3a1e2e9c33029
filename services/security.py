"""Who may use the bot, access refusals, /forgetme and the operator's /usage report.

`Security` is built once in the composition root (services/wiring.py) with the stores it
reads and writes, the clock, the allow-lists, the operators' ids and the daily token budget;
handlers reach it as `context.security`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from services.daily import day_start
from storage.library import LibraryStore
from storage.quizzes import QuizStore
from storage.security import SecurityStore
from storage.usage import UsageReport, UsageStore

# Forgets what a person's learning keeps (cards, their log, reminders and their timers).
ForgetLearning = Callable[[int], Awaitable[object]]


class Security:
    def __init__(
        self,
        *,
        security: SecurityStore,
        quizzes: QuizStore,
        usage: UsageStore,
        library: LibraryStore,
        forget_learning: ForgetLearning,
        clock: Callable[[], float],
        allowed_chats: frozenset[int],
        allowed_users: frozenset[int],
        operators: frozenset[int],
        daily_token_budget: int,
    ) -> None:
        self._security = security
        self._quizzes = quizzes
        self._usage = usage
        self._library = library
        self._forget_learning = forget_learning
        self._clock = clock
        # ALLOWED_CHAT_IDS, ALLOWED_USER_IDS: both empty, the bot is open.
        self._allowed_chats = allowed_chats
        self._allowed_users = allowed_users
        # ADMIN_USER_IDS: who may read /usage (and use the bot anywhere).
        self._operators = operators
        self._daily_token_budget = daily_token_budget

    def is_allowed(self, chat_id: int | None, user_id: int | None) -> bool:
        """An allowed chat admits everyone in it; an allowed user (or operator) may use the
        bot in any chat. With both lists empty the bot is open."""
        if not (self._allowed_chats or self._allowed_users):
            return True
        return (chat_id is not None and chat_id in self._allowed_chats) or (
            user_id is not None and (user_id in self._allowed_users or user_id in self._operators)
        )

    async def note_refusal(self, chat_id: int) -> bool:
        """Remember the chat was told it may not use the bot; False if it already was."""
        return await self._security.note_refusal(chat_id, self._clock())

    async def forget_user(self, user_id: int) -> int:
        """Delete or redact everything stored about the user (storage/security.py says what
        stays and why), their cards and reminders, and their share links; how many answers
        went."""
        await self._quizzes.redact_topics_of(user_id)
        removed = await self._security.forget_user(user_id)
        await self._forget_learning(user_id)
        await self._library.forget_owner(user_id)
        return removed

    def is_operator(self, user_id: int) -> bool:
        return user_id in self._operators

    @property
    def daily_token_budget(self) -> int:
        """DAILY_TOKEN_BUDGET (0: no limit), which /usage shows beside the day's tokens."""
        return self._daily_token_budget

    async def usage_today(self) -> UsageReport:
        return await self._usage.report(day_start(self._clock()))
