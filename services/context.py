"""Long-lived objects shared by handlers, created in post_init and closed in post_shutdown."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from telegram.ext import CallbackContext, JobQueue

from engine import QuizEngine
from engine.library import DocumentLibrary
from settings import Settings
from storage import Repository

_KEY = "services"


@dataclass
class Services:
    settings: Settings
    repo: Repository
    engine: QuizEngine
    # Deadlines of group quizzes; None only in code paths that never open one.
    jobs: JobQueue[Any] | None = None
    clock: Callable[[], float] = time.time
    rng: random.Random = field(default_factory=random.SystemRandom)
    # Serialises feedback delivery per quiz (retry taps, /stop and completion racing).
    locks: dict[int, asyncio.Lock] = field(default_factory=dict)
    # Users' documents on OpenAI (files + one vector store per chat); None disables uploads.
    library: DocumentLibrary | None = None
    # Serialises creating a chat's vector store when documents arrive together.
    library_locks: dict[int, asyncio.Lock] = field(default_factory=dict)
    # Documents this process is adding now, per chat: a /quiz meanwhile waits for them.
    adding_documents: dict[int, int] = field(default_factory=dict)

    def lock(self, quiz_id: int) -> asyncio.Lock:
        return self.locks.setdefault(quiz_id, asyncio.Lock())

    def library_lock(self, chat_id: int) -> asyncio.Lock:
        return self.library_locks.setdefault(chat_id, asyncio.Lock())


def install(bot_data: dict[Any, Any], services: Services) -> None:
    bot_data[_KEY] = services


def services(context: CallbackContext[Any, Any, Any, Any]) -> Services:
    return cast(Services, context.bot_data[_KEY])


def installed(bot_data: dict[Any, Any]) -> Services | None:
    return cast(Services | None, bot_data.get(_KEY))
