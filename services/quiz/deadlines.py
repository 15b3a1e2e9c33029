"""A group quiz's rules: it ends when its time is up or when every member has answered."""

from __future__ import annotations

import math

from telegram.error import Forbidden

from quiz.states import SubmissionStatus
from services import chat_settings
from services.context import Services
from services.quiz import closing
from services.quiz.common import DEADLINE, arm_timer, chat_refused
from services.quiz.presenter import Presenter
from storage import QuizRow


async def set_group_rules(ui: Presenter, svc: Services, quiz: QuizRow) -> float:
    """Store the deadline and the head count before any question goes out, then arm the timer."""
    limit = (await chat_settings.effective(svc, quiz.chat_id)).time_limit
    # A whole second, as a poll's close_date is: Telegram's countdown and ours then agree.
    deadline = float(math.ceil(svc.clock() + limit))
    # Without a head count (None) the quiz still ends by /stop or the time limit.
    members = await ui.member_count(quiz.chat_id)
    await svc.repo.quizzes.set_closing_rules(quiz.id, deadline, members)
    await arm_deadline(svc, quiz.id, deadline)
    return deadline


async def arm_deadline(svc: Services, quiz_id: int, deadline: float) -> None:
    """Close the quiz at `deadline` (at once if it has passed); replaces an earlier timer."""
    await arm_timer(svc, DEADLINE, quiz_id, deadline)


async def deadline_reached(ui: Presenter, svc: Services, quiz_id: int) -> None:
    """Close a group quiz whose time is up (a no-op if it closed otherwise)."""
    try:
        await closing.finish_quiz(ui, svc, quiz_id, SubmissionStatus.TIMED_OUT)
    except Forbidden:
        await chat_refused(svc, quiz_id)
