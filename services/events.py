"""The quiz lifecycle's stages, published for the features that follow them.

The stages (services/quiz/) say what happened; features (learning, reminders, …) subscribe in
the composition root (services/wiring.py), so a stage never imports a feature and a feature
can be added or removed without touching the path from /stop to the feedback.

Subscribers run in the order they subscribed, awaited one after another where the stage
publishes, so what they do happens at a known point (tests and users can rely on it). A
subscriber that fails is logged and skipped: a feature never breaks the quiz.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from telegram.error import TelegramError

from storage import QuizRow
from storage.answers import NewAnswer

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class QuizOpened:
    """The quiz's questions are stored and about to be posted."""

    quiz_id: int


@dataclass(frozen=True, slots=True)
class AnswersRecorded:
    """A batch of answers is durable: one event per batch (services/quiz/answer_batch.py),
    not per answer, so the ingest pays for its subscribers once per transaction.
    `answers` are the ones stored, in arrival order (a duplicate or an answer to a closed
    quiz is not). Subscribers run inside the answer writer: they must be quick and hand
    anything slow (a Telegram call) to a task of its own."""

    answers: tuple[NewAnswer, ...]


@dataclass(frozen=True, slots=True)
class QuizClosed:
    """The quiz takes no more answers; its questions are closed."""

    quiz: QuizRow


@dataclass(frozen=True, slots=True)
class SubmissionBuilt:
    """The answers' submission is built and about to go to the model: subscribers may add
    to `submission` (a JSON object), and nothing slow belongs here."""

    quiz: QuizRow
    submission: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AnswersSubmitted:
    """The answers went to the model: its feedback is stored and about to be posted (also
    when resumed after a restart), or the attempt failed and the person is about to be
    told. The place for bookkeeping off the path to the submission."""

    quiz: QuizRow


@dataclass(frozen=True, slots=True)
class FeedbackPosted:
    """The feedback is in the chat."""

    quiz: QuizRow


Event = (
    QuizOpened | AnswersRecorded | QuizClosed | SubmissionBuilt | AnswersSubmitted | FeedbackPosted
)
E = TypeVar("E", bound=Event)
Subscriber = Callable[[Any], Awaitable[None]]


@dataclass
class EventBus:
    _subscribers: dict[type, list[Subscriber]] = field(default_factory=dict)

    def subscribe(self, kind: type[E], subscriber: Callable[[E], Awaitable[None]]) -> None:
        self._subscribers.setdefault(kind, []).append(subscriber)

    async def publish(self, event: Event) -> None:
        for subscriber in self._subscribers.get(type(event), ()):
            name = getattr(subscriber, "__qualname__", repr(subscriber))
            try:
                await subscriber(event)
            except TelegramError as exc:
                # The chat went away or refused a message: the feature's loss, not an error.
                log.warning("%s on %s: %s", name, type(event).__name__, exc)
            except Exception:
                log.exception("%s failed on %s", name, type(event).__name__)
