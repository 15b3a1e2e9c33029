"""Small facts about a quiz that several stages need."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.constants import ChatType

from engine import QuizRequest
from services import documents, learning, local_library
from services.context import BotContext, Services
from services.quiz import verify
from storage import QuizRow

log = logging.getLogger(__name__)


def is_group(quiz: QuizRow) -> bool:
    return quiz.chat_type in (ChatType.GROUP, ChatType.SUPERGROUP)


def is_private(quiz: QuizRow) -> bool:
    return quiz.chat_type == ChatType.PRIVATE


def deadline_job_name(quiz_id: int) -> str:
    return f"deadline:{quiz_id}"


def live_job_name(quiz_id: int) -> str:
    return f"live:{quiz_id}"


def arm_job(
    svc: Services,
    callback: Callable[[BotContext], Coroutine[Any, Any, None]],
    quiz_id: int,
    at: float,
    name: str,
) -> None:
    """Run `callback` for the quiz at `at` (at once if it has passed), replacing the job of
    that name: a group's deadline, a live game's next step."""
    if svc.jobs is None:
        return
    for job in svc.jobs.get_jobs_by_name(name):
        job.schedule_removal()
    svc.jobs.run_once(callback, max(0.0, at - svc.clock()), data=quiz_id, name=name)


async def chat_refused(svc: Services, quiz_id: int) -> None:
    """A job's message was refused (bot blocked or removed): nothing in that chat can go
    on, and every other chat is unaffected."""
    quiz = await svc.repo.quizzes.quiz(quiz_id)
    if quiz is not None:
        await svc.repo.quizzes.cancel_live_quizzes(quiz.chat_id, "forbidden")
        log.info("Chat %s refuses our messages; quiz %s cancelled", quiz.chat_id, quiz_id)


def disarm_deadline(svc: Services, quiz_id: int) -> None:
    """The quiz's timers go with it: a group's deadline, a live game's next step."""
    if svc.jobs is None:
        return
    for name in (deadline_job_name(quiz_id), live_job_name(quiz_id)):
        for job in svc.jobs.get_jobs_by_name(name):
            job.schedule_removal()


async def model_request(svc: Services, quiz: QuizRow) -> QuizRequest:
    """What the model is told about the quiz, each time it is asked something about it."""
    stores = await documents.quiz_stores(svc, quiz.chat_id)
    return QuizRequest(
        topic=quiz.topic,
        num_questions=quiz.num_questions,
        vector_store_ids=stores,
        group=is_group(quiz),
        chat_id=quiz.chat_id,
        user_id=quiz.starter_id,
        review_of=await learning.review_request(svc, quiz),  # learning hook
        language=await verify.quiz_language(svc, quiz),  # verify
        # Documents indexed here travel in the request (the same chunks every time).
        passages=await local_library.passages(svc, quiz.chat_id, quiz.topic, quiz.num_questions),
    )
