"""Long-lived objects shared by handlers, created in post_init and closed in post_shutdown."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, cast

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from engine import QuizEngine
from engine.library import DocumentLibrary
from services.events import EventBus
from services.keyed_locks import KeyedLocks, Locks
from services.leases import Leases
from services.offers import Offers
from services.quiz.answer_batch import AnswerWriter
from services.quiz.participants import Participants
from services.quiz.telegram_presenter import TelegramPresenter
from services.start_request import QuizStarter
from services.timers import Timers
from services.transfers import FairLimiter
from services.writing import ModelWriting
from settings import Settings
from storage import Repository

_KEY = "services"
_PRESENTER = "presenter"
_OPENING = "opening"
_OFFERS = "offers"


@dataclass
class Services:
    settings: Settings
    repo: Repository
    engine: QuizEngine
    # Durable timers (deadlines, live games' steps, reminders), shared by the fleet; None
    # only in code paths that never arm one.
    timers: Timers | None = None
    # Leases one worker holds at a time (a quiz's close); None: a single process, no lease.
    leases: Leases | None = None
    clock: Callable[[], float] = time.time
    rng: random.Random = field(default_factory=random.SystemRandom)
    # Serialises feedback delivery per quiz (retry taps, /stop and completion racing).
    # Each of these keeps a key's lock only while it is held or awaited (services/keyed_locks);
    # workers sharing PostgreSQL hold the database's lock too (services/fleet.py).
    locks: Locks = field(default_factory=KeyedLocks)
    # Serialises a live game's steps (an answer, its timer, /stop): one question open at most.
    live_locks: Locks = field(default_factory=KeyedLocks)
    # Users' documents on OpenAI (files + one vector store per chat); None disables uploads.
    library: DocumentLibrary | None = None
    # Serialises creating a chat's vector store when documents arrive together.
    library_locks: Locks = field(default_factory=KeyedLocks)
    # Documents this process is adding now, per chat: a /quiz meanwhile waits for them.
    adding_documents: dict[int, int] = field(default_factory=dict)
    # Answers are written in batches through this (see services/quiz/answer_batch.py).
    answer_writer: AnswerWriter = field(init=False)
    # Who counts in a quiz (forwarded polls bring votes from anyone): asked once, remembered.
    participants: Participants = field(default_factory=Participants)
    # Quizzes whose model call is still streaming (a close waits for them).
    writing: ModelWriting = field(init=False)
    # Documents being downloaded and uploaded: a fair bound for the whole process.
    transfers: FairLimiter = field(init=False)
    # The lifecycle's stages, for the features that follow them (services/wiring.py).
    events: EventBus = field(default_factory=EventBus)
    # Webhook workers share the database (services/fleet.py): a quiz may be another's.
    fleet: bool = False

    def __post_init__(self) -> None:
        self.answer_writer = AnswerWriter(self.repo, self.events)
        limit = self.settings.openai_timeout * (self.settings.openai_max_retries + 1)
        self.writing = ModelWriting(self.repo.quizzes, limit=limit, shared=self.fleet)
        self.transfers = FairLimiter(
            self.settings.document_transfers, self.settings.user_document_transfers
        )

    def lock(self, quiz_id: int) -> AbstractAsyncContextManager[None]:
        return self.locks.hold(quiz_id)

    def live_lock(self, quiz_id: int) -> AbstractAsyncContextManager[None]:
        return self.live_locks.hold(quiz_id)

    def library_lock(self, chat_id: int) -> AbstractAsyncContextManager[None]:
        return self.library_locks.hold(chat_id)


def install(bot_data: dict[Any, Any], services: Services, presenter: TelegramPresenter) -> None:
    bot_data[_KEY] = services
    bot_data[_PRESENTER] = presenter


def install_opening(bot_data: dict[Any, Any], opening: QuizStarter, offers: Offers) -> None:
    """The quiz's way in, for the handlers that start quizzes and offer topics."""
    bot_data[_OPENING] = opening
    bot_data[_OFFERS] = offers


class BotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The context every handler and job gets (see CONTEXT_TYPES): the services, typed."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id, user_id)

    @property
    def services(self) -> Services:
        return cast(Services, self.bot_data[_KEY])

    @property
    def presenter(self) -> TelegramPresenter:
        """What the services show in chats goes through this one, built at start-up."""
        return cast(TelegramPresenter, self.bot_data[_PRESENTER])

    @property
    def opening(self) -> QuizStarter:
        """Every way a quiz starts goes through this (services/quiz/starting.QuizOpening)."""
        return cast(QuizStarter, self.bot_data[_OPENING])

    @property
    def offers(self) -> Offers:
        """The topics offered under what someone wrote in private."""
        return cast(Offers, self.bot_data[_OFFERS])


# Given to ApplicationBuilder.context_types, so PTB builds a BotContext for every callback.
CONTEXT_TYPES = ContextTypes(context=BotContext)


def installed(bot_data: dict[Any, Any]) -> Services | None:
    return cast(Services | None, bot_data.get(_KEY))
