"""Small facts about a quiz that several stages need."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from telegram.constants import ChatType

from engine import QuizRequest
from services import documents, learning, local_library
from services.context import Services
from services.quiz import verify
from storage import QuizRow

log = logging.getLogger(__name__)


def is_group(quiz: QuizRow) -> bool:
    return quiz.chat_type in (ChatType.GROUP, ChatType.SUPERGROUP)


def is_private(quiz: QuizRow) -> bool:
    return quiz.chat_type == ChatType.PRIVATE


# The kinds of a quiz's durable timers (services/timers.py); each is named `<kind>:<quiz>`.
DEADLINE = "deadline"
LIVE_STEP = "live"


def timer_name(kind: str, quiz_id: int) -> str:
    return f"{kind}:{quiz_id}"


async def arm_timer(svc: Services, kind: str, quiz_id: int, at: float) -> None:
    """Run the kind's callback for the quiz at `at` (at once if it has passed), replacing
    the quiz's timer of that kind: a group's deadline, a live game's next step."""
    if svc.timers is not None:
        await svc.timers.arm(timer_name(kind, quiz_id), kind, quiz_id, at)


@contextlib.asynccontextmanager
async def close_lease(svc: Services, quiz_id: int) -> AsyncIterator[bool]:
    """A quiz's close (submission, feedback) is one worker's at a time in the fleet, held
    for as long as it runs, so that a starting worker's recovery leaves it alone; False
    when another live worker, or another task of this one, holds it (a close's own steps
    share it)."""
    async with _lease(svc, f"close:{quiz_id}") as mine:
        yield mine


@contextlib.asynccontextmanager
async def write_lease(svc: Services, quiz_id: int) -> AsyncIterator[bool]:
    """Held while the model writes a quiz and it is posted, so that a starting worker's
    recovery fails (or finishes) only quizzes whose writer is gone."""
    async with _lease(svc, f"write:{quiz_id}") as mine:
        yield mine


@contextlib.asynccontextmanager
async def _lease(svc: Services, name: str) -> AsyncIterator[bool]:
    if svc.leases is None:
        yield True
        return
    async with svc.leases.hold(name) as mine:
        yield mine


async def chat_refused(svc: Services, quiz_id: int) -> None:
    """A job's message was refused (bot blocked or removed): nothing in that chat can go
    on, and every other chat is unaffected."""
    quiz = await svc.repo.quizzes.quiz(quiz_id)
    if quiz is not None:
        await svc.repo.quizzes.cancel_live_quizzes(quiz.chat_id, "forbidden")
        log.info("Chat %s refuses our messages; quiz %s cancelled", quiz.chat_id, quiz_id)


async def disarm_deadline(svc: Services, quiz_id: int) -> None:
    """The quiz's timers go with it: a group's deadline, a live game's next step."""
    if svc.timers is None:
        return
    for kind in (DEADLINE, LIVE_STEP):
        await svc.timers.disarm(timer_name(kind, quiz_id))


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
