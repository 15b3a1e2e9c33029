"""Small facts about a quiz that several stages need, and the stages' shared machinery: the
quiz's durable timers (`QuizTimers`), its leases in the fleet (`QuizLeases`), and what the
model is told about it (`ModelRequests`)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from telegram.constants import ChatType

from engine import QuizRequest
from engine.base import ReviewCard
from quiz.grounding import RetrievedChunk
from services.leases import Leases
from services.timers import Timers
from storage import QuizRow
from storage.quizzes import QuizStore

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


class QuizTimers:
    """A quiz's durable timers: a group's deadline, a live game's next step. Without the
    timers (None: code paths that never arm one) nothing is armed."""

    def __init__(self, *, timers: Timers | None) -> None:
        self._timers = timers

    async def arm(self, kind: str, quiz_id: int, at: float) -> None:
        """Run the kind's callback for the quiz at `at` (at once if it has passed), replacing
        the quiz's timer of that kind."""
        if self._timers is not None:
            await self._timers.arm(timer_name(kind, quiz_id), kind, quiz_id, at)

    async def disarm(self, quiz_id: int) -> None:
        """The quiz's timers go with it: a group's deadline, a live game's next step."""
        if self._timers is None:
            return
        for kind in (DEADLINE, LIVE_STEP):
            await self._timers.disarm(timer_name(kind, quiz_id))


class QuizLeases:
    """What one worker of the fleet holds for a quiz at a time; a single process (no
    leases) always holds them."""

    def __init__(self, *, leases: Leases | None) -> None:
        self._leases = leases

    @contextlib.asynccontextmanager
    async def close(self, quiz_id: int) -> AsyncIterator[bool]:
        """A quiz's close (submission, feedback) is one worker's at a time in the fleet,
        held for as long as it runs, so that a starting worker's recovery leaves it alone;
        False when another live worker, or another task of this one, holds it (a close's
        own steps share it)."""
        async with self._hold(f"close:{quiz_id}") as mine:
            yield mine

    @contextlib.asynccontextmanager
    async def write(self, quiz_id: int) -> AsyncIterator[bool]:
        """Held while the model writes a quiz and it is posted, so that a starting worker's
        recovery fails (or finishes) only quizzes whose writer is gone."""
        async with self._hold(f"write:{quiz_id}") as mine:
            yield mine

    @contextlib.asynccontextmanager
    async def _hold(self, name: str) -> AsyncIterator[bool]:
        if self._leases is None:
            yield True
            return
        async with self._leases.hold(name) as mine:
            yield mine


async def chat_refused(quizzes: QuizStore, quiz_id: int) -> None:
    """A job's message was refused (bot blocked or removed): nothing in that chat can go
    on, and every other chat is unaffected."""
    quiz = await quizzes.quiz(quiz_id)
    if quiz is not None:
        await quizzes.cancel_live_quizzes(quiz.chat_id, "forbidden")
        log.info("Chat %s refuses our messages; quiz %s cancelled", quiz.chat_id, quiz_id)


class ModelRequests:
    """What the model is told about a quiz, each time it is asked something about it. The
    parts come from other features: the chat's document stores, the review cards, the
    quiz's language and the passages of documents indexed here."""

    def __init__(
        self,
        *,
        stores: Callable[[int], Awaitable[tuple[str, ...]]],
        review_of: Callable[[QuizRow], Awaitable[tuple[ReviewCard, ...]]],
        language: Callable[[QuizRow], Awaitable[str | None]],
        passages: Callable[[int, str, int], Awaitable[tuple[RetrievedChunk, ...]]],
    ) -> None:
        self._stores = stores
        self._review_of = review_of
        self._language = language
        self._passages = passages

    async def of(self, quiz: QuizRow) -> QuizRequest:
        return QuizRequest(
            topic=quiz.topic,
            num_questions=quiz.num_questions,
            vector_store_ids=await self._stores(quiz.chat_id),
            group=is_group(quiz),
            chat_id=quiz.chat_id,
            user_id=quiz.starter_id,
            review_of=await self._review_of(quiz),
            language=await self._language(quiz),
            # Documents indexed here travel in the request (the same chunks every time).
            passages=await self._passages(quiz.chat_id, quiz.topic, quiz.num_questions),
        )
