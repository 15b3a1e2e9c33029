"""The shared infrastructure (`Services`: stores, engine, timers, locks, clock, settings),
which only the composition root reads (services/wiring, bot.py), and the context handlers
get (`BotContext`), through which they reach each feature the root built."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

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
from services.writing import ModelWriting
from settings import Settings
from storage import Repository

if TYPE_CHECKING:
    from services.chat_order import ChatLines
    from services.chat_settings import ChatSettings
    from services.documents import Documents
    from services.learning import Learning
    from services.library import Library
    from services.membership import Membership
    from services.menu import HelpFacts
    from services.photos import Photos
    from services.quiz.answers import QuizAnswers
    from services.quiz.closing import QuizClosing
    from services.quiz.lookup import QuizLookup
    from services.quiz.unconfirmed import UnconfirmedAnswers
    from services.quiz_files import QuizFiles
    from services.recovery import Recovery
    from services.reminders import Reminders
    from services.review import Reviews
    from services.security import Security
    from services.stats import Stats
    from services.waiting import Waiting

_KEY = "services"
_PRESENTER = "presenter"


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
    # Answers are written in batches through this (see services/quiz/answer_batch.py).
    answer_writer: AnswerWriter = field(init=False)
    # Who counts in a quiz (forwarded polls bring votes from anyone): asked once, remembered.
    participants: Participants = field(default_factory=Participants)
    # Quizzes whose model call is still streaming (a close waits for them).
    writing: ModelWriting = field(init=False)
    # The lifecycle's stages, for the features that follow them (services/wiring.py).
    events: EventBus = field(default_factory=EventBus)
    # Webhook workers share the database (services/fleet.py): a quiz may be another's.
    fleet: bool = False

    def __post_init__(self) -> None:
        self.answer_writer = AnswerWriter(self.repo, self.events)
        limit = self.settings.openai_timeout * (self.settings.openai_max_retries + 1)
        self.writing = ModelWriting(self.repo.quizzes, limit=limit, shared=self.fleet)


def install(bot_data: dict[Any, Any], services: Services, presenter: TelegramPresenter) -> None:
    bot_data[_KEY] = services
    bot_data[_PRESENTER] = presenter


def install_features(bot_data: dict[Any, Any], **features: object) -> None:
    """Put the composition root's objects (services/wiring) where handlers reach them: each
    under the name of its BotContext property."""
    bot_data.update(features)


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
    def participants(self) -> Participants:
        """Who counts in a group's quiz (services/quiz/participants.py)."""
        return cast(Participants, self.bot_data["participants"])

    @property
    def clock(self) -> Callable[[], float]:
        """The services' clock (tests move it), for the handlers' own cooldowns."""
        return cast(Callable[[], float], self.bot_data["clock"])

    @property
    def help_facts(self) -> HelpFacts:
        return cast("HelpFacts", self.bot_data["help_facts"])

    @property
    def unconfirmed(self) -> UnconfirmedAnswers:
        """Newcomers' answers held until their verdict (services/quiz/unconfirmed.py)."""
        return cast("UnconfirmedAnswers", self.bot_data["unconfirmed"])

    @property
    def presenter(self) -> TelegramPresenter:
        """What the services show in chats goes through this one, built at start-up."""
        return cast(TelegramPresenter, self.bot_data[_PRESENTER])

    @property
    def chat_settings(self) -> ChatSettings:
        """Each chat's choices over the bot's defaults (services/chat_settings.py)."""
        return cast("ChatSettings", self.bot_data["chat_settings"])

    @property
    def stats(self) -> Stats:
        return cast("Stats", self.bot_data["stats"])

    @property
    def security(self) -> Security:
        """The allow-lists, refusals, /forgetme and /usage (services/security.py)."""
        return cast("Security", self.bot_data["security"])

    @property
    def chat_lines(self) -> ChatLines:
        """Each chat's turn for its updates (services/chat_order.py)."""
        return cast("ChatLines", self.bot_data["chat_lines"])

    @property
    def learning(self) -> Learning:
        """Study cards' questions: the weakest topic, /forgetme's cards."""
        return cast("Learning", self.bot_data["learning"])

    @property
    def reviews(self) -> Reviews:
        """/review, its buttons and its deep link."""
        return cast("Reviews", self.bot_data["reviews"])

    @property
    def reminders(self) -> Reminders:
        """/remind's settings and their timers."""
        return cast("Reminders", self.bot_data["reminders"])

    @property
    def documents(self) -> Documents:
        return cast("Documents", self.bot_data["documents"])

    @property
    def waiting(self) -> Waiting:
        """Adds a document, then starts the quizzes that waited for it."""
        return cast("Waiting", self.bot_data["waiting"])

    @property
    def photos(self) -> Photos:
        return cast("Photos", self.bot_data["photos"])

    @property
    def library(self) -> Library:
        return cast("Library", self.bot_data["library"])

    @property
    def quiz_files(self) -> QuizFiles:
        return cast("QuizFiles", self.bot_data["quiz_files"])

    @property
    def closing(self) -> QuizClosing:
        return cast("QuizClosing", self.bot_data["closing"])

    @property
    def quiz_lookup(self) -> QuizLookup:
        return cast("QuizLookup", self.bot_data["quiz_lookup"])

    @property
    def quiz_answers(self) -> QuizAnswers:
        return cast("QuizAnswers", self.bot_data["quiz_answers"])

    @property
    def membership(self) -> Membership:
        return cast("Membership", self.bot_data["membership"])

    @property
    def recovery(self) -> Recovery:
        return cast("Recovery", self.bot_data["recovery"])

    @property
    def opening(self) -> QuizStarter:
        """Every way a quiz starts goes through this (services/quiz/starting.QuizOpening)."""
        return cast(QuizStarter, self.bot_data["opening"])

    @property
    def offers(self) -> Offers:
        """The topics offered under what someone wrote in private."""
        return cast(Offers, self.bot_data["offers"])


# Given to ApplicationBuilder.context_types, so PTB builds a BotContext for every callback.
CONTEXT_TYPES = ContextTypes(context=BotContext)


def installed(bot_data: dict[Any, Any]) -> Services | None:
    return cast(Services | None, bot_data.get(_KEY))
