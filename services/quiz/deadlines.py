"""A group quiz's rules: it ends when its time is up or when every member has answered."""

from __future__ import annotations

import logging
import math
from typing import cast

from telegram.error import Forbidden

from quiz.states import SubmissionStatus
from services import chat_settings
from services.context import BotContext, Services
from services.quiz import closing
from services.quiz.common import deadline_job_name, disarm_deadline
from services.quiz.presenter import Presenter
from storage import QuizRow

log = logging.getLogger(__name__)


async def set_group_rules(ui: Presenter, svc: Services, quiz: QuizRow) -> float:
    """Store the deadline and the head count before any question goes out, then arm the timer."""
    limit = (await chat_settings.effective(svc, quiz.chat_id)).time_limit
    # A whole second, as a poll's close_date is: Telegram's countdown and ours then agree.
    deadline = float(math.ceil(svc.clock() + limit))
    # Without a head count (None) the quiz still ends by /stop or the time limit.
    members = await ui.member_count(quiz.chat_id)
    await svc.repo.set_closing_rules(quiz.id, deadline, members)
    arm_deadline(svc, quiz.id, deadline)
    return deadline


def arm_deadline(svc: Services, quiz_id: int, deadline: float) -> None:
    """Close the quiz at `deadline` (at once if it has passed); replaces an earlier timer."""
    if svc.jobs is None:
        return
    disarm_deadline(svc, quiz_id)
    svc.jobs.run_once(
        deadline_reached,
        max(0.0, deadline - svc.clock()),
        data=quiz_id,
        name=deadline_job_name(quiz_id),
    )


async def deadline_reached(context: BotContext) -> None:
    """Close a group quiz whose time is up (a no-op if it closed otherwise)."""
    assert context.job is not None
    svc, quiz_id = context.services, cast(int, context.job.data)
    try:
        await closing.finish_quiz(context.presenter, svc, quiz_id, SubmissionStatus.TIMED_OUT)
    except Forbidden:
        quiz = await svc.repo.quiz(quiz_id)
        if quiz is not None:
            await svc.repo.cancel_live_quizzes(quiz.chat_id, "forbidden")
            log.info("Chat %s refuses our messages; quiz %s cancelled", quiz.chat_id, quiz_id)
