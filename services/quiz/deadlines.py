"""A group quiz's rules: it ends when its time is up or when every member has answered."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable

from telegram.error import Forbidden

from quiz.states import SubmissionStatus
from services.chat_settings import EffectiveSettings
from services.quiz.common import DEADLINE, QuizTimers, chat_refused
from services.quiz.presenter import Presenter
from storage import QuizRow
from storage.quizzes import QuizStore

# Closes a quiz (QuizClosing.finish); False if it was closed already.
Finish = Callable[[int, SubmissionStatus], Awaitable[bool]]


class Deadlines:
    def __init__(
        self,
        *,
        quizzes: QuizStore,
        ui: Presenter,
        timers: QuizTimers,
        chat_settings: Callable[[int], Awaitable[EffectiveSettings]],
        finish: Finish,
        clock: Callable[[], float],
    ) -> None:
        self._quizzes = quizzes
        self._ui = ui
        self._timers = timers
        self._chat_settings = chat_settings
        self._finish = finish
        self._clock = clock

    async def set_group_rules(self, quiz: QuizRow) -> float:
        """Store the deadline and the head count before any question goes out, then arm the
        timer."""
        limit = (await self._chat_settings(quiz.chat_id)).time_limit
        # A whole second, as a poll's close_date is: Telegram's countdown and ours then agree.
        deadline = float(math.ceil(self._clock() + limit))
        # Without a head count (None) the quiz still ends by /stop or the time limit.
        members = await self._ui.member_count(quiz.chat_id)
        await self._quizzes.set_closing_rules(quiz.id, deadline, members)
        await self.arm(quiz.id, deadline)
        return deadline

    async def arm(self, quiz_id: int, deadline: float) -> None:
        """Close the quiz at `deadline` (at once if it has passed); replaces an earlier timer."""
        await self._timers.arm(DEADLINE, quiz_id, deadline)

    async def reached(self, quiz_id: int) -> None:
        """Close a group quiz whose time is up (a no-op if it closed otherwise)."""
        try:
            await self._finish(quiz_id, SubmissionStatus.TIMED_OUT)
        except Forbidden:
            await chat_refused(self._quizzes, quiz_id)
