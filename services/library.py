"""The library: a saved quiz played again, shared by link, and the board of who took it.

A quiz played again is a copy: a new quiz row with the same questions (no new quiz is
written), its choices shuffled anew, in a thread whose context is the quiz as the model
would have written it (its request and its `generate_quiz` call), so the taker's answers
go back as that call's output and the feedback is on this taker's answers alone.
"""

from __future__ import annotations

import json
import logging
import secrets
import uuid
from collections.abc import Awaitable, Callable

from telegram.constants import ChatType

from engine import EngineError, QuizEngine
from engine.prompts import quiz_request_text
from quiz.model import Quiz
from quiz.schema import TOOL_NAME
from quiz.states import QuizMode, QuizState
from services.chat_settings import EffectiveSettings
from services.errors import UserFacingError
from services.library_board import (
    BOARD as BOARD,
)
from services.library_board import (
    CONFIRM as CONFIRM,
)
from services.library_board import (
    DELETE as DELETE,
)
from services.library_board import (
    EXPORT as EXPORT,
)
from services.library_board import (
    OPEN as OPEN,
)
from services.library_board import (
    PAGE as PAGE,
)
from services.library_board import (
    PLAY as PLAY,
)
from services.library_board import (
    REVOKE as REVOKE,
)
from services.library_board import (
    SHARE as SHARE,
)
from services.library_board import (
    TOGGLE as TOGGLE,
)
from services.library_board import LibraryBoard
from services.start_request import StartRequest
from storage import QuizAlreadyOpenError, QuizRow
from storage.library import LibraryEntry, LibraryStore
from storage.questions import QuestionStore
from storage.quizzes import QuizStore

log = logging.getLogger(__name__)

# A share link's /start payload: this prefix and secrets.token_urlsafe(TOKEN_BYTES), which
# stays within Telegram's 64 characters of A-Z, a-z, 0-9, _ and -.
SHARE_PREFIX = "q"
TOKEN_BYTES = 16
PAGE_SIZE = 8


def share_payload(token: str) -> str:
    return f"{SHARE_PREFIX}{token}"


def token_of(payload: str) -> str | None:
    """The share token a /start payload carries, if it is one."""
    token = payload.removeprefix(SHARE_PREFIX)
    if payload.startswith(SHARE_PREFIX) and len(token) >= TOKEN_BYTES:
        return token
    return None


def as_call(quiz: Quiz) -> str:
    """The questions as `generate_quiz` arguments (the keys as stored: the checked ones)."""
    return json.dumps(
        {
            "title": quiz.title,
            "questions": [
                {
                    "question_text": q.text,
                    "choices": list(q.choices),
                    "answer_index": q.answer_index,
                    "explanation": q.explanation,
                    "source_file": q.source_file,
                    "source_quote": q.source_quote,
                }
                for q in quiz.questions
            ],
        },
        ensure_ascii=False,
    )


Start = Callable[[StartRequest], Awaitable[None]]


class Library:
    """One's saved quizzes: listed, renamed, shared, deleted, and played again."""

    def __init__(
        self,
        *,
        library: LibraryStore,
        questions: QuestionStore,
        quizzes: QuizStore,
        engine: QuizEngine,
        board: LibraryBoard,
        check_start: Start,
        chat_settings: Callable[[int], Awaitable[EffectiveSettings]],
        open_and_post: Callable[[QuizRow, Quiz], Awaitable[object]],
        clock: Callable[[], float],
    ) -> None:
        self._library = library
        self._questions = questions
        self._quizzes = quizzes
        self._engine = engine
        self.board = board
        # The start checks (cooldown, daily limits: services.quotas) a play counts towards.
        self._check_start = check_start
        # A chat's effective settings (services.chat_settings): its style and mode.
        self._chat_settings = chat_settings
        # Opens the copy and posts its questions (services.quiz.generation).
        self._open_and_post = open_and_post
        self._clock = clock

    async def page(self, owner_id: int, page: int) -> tuple[list[LibraryEntry], int]:
        """Page `page` (from 0) of the owner's quizzes, newest first, and how many there are."""
        await self._library.sync(owner_id)
        return await self._library.page(owner_id, page * PAGE_SIZE, PAGE_SIZE)

    async def newest(self, owner_id: int) -> LibraryEntry | None:
        entries, _ = await self.page(owner_id, 0)
        return entries[0] if entries else None

    async def entry(self, owner_id: int, number: int, *, sync: bool = True) -> LibraryEntry | None:
        """The owner's quiz `number`; `sync`: after saving the owner's latest quizzes."""
        if sync:
            await self._library.sync(owner_id)
        return await self._library.entry(owner_id, number)

    async def search(self, owner_id: int, words: list[str], limit: int) -> list[LibraryEntry]:
        await self._library.sync(owner_id)
        return await self._library.search(owner_id, words, limit)

    async def shared(self, token: str) -> LibraryEntry | None:
        return await self._library.shared(token)

    async def rename(self, entry: LibraryEntry, title: str) -> None:
        await self._library.rename(entry.quiz_id, title)

    async def delete(self, entry: LibraryEntry) -> None:
        await self._library.delete(entry.quiz_id)

    async def revoke(self, entry: LibraryEntry) -> None:
        await self._library.set_token(entry.quiz_id, None)

    async def toggle_board(self, entry: LibraryEntry) -> None:
        await self._library.set_board(entry.quiz_id, not entry.board)

    async def share(self, entry: LibraryEntry) -> str:
        """The entry's share token, made on first use; unguessable."""
        if entry.share_token is not None:
            return entry.share_token
        token = secrets.token_urlsafe(TOKEN_BYTES)
        await self._library.set_token(entry.quiz_id, token)
        return token

    async def play(self, entry: LibraryEntry, req: StartRequest, *, shared: bool) -> None:
        """Post a copy of the saved quiz in this chat, with the chat's style and mode."""
        await self._check_start(req)
        parsed, _ = await self._questions.load_quiz(entry.quiz_id, entry.title)
        chosen = await self._chat_settings(req.chat_id)
        mode = req.mode or chosen.mode
        try:
            quiz = await self._quizzes.create_quiz(
                chat_id=req.chat_id,
                thread_id=req.thread_id or 0,
                chat_type=req.chat_type,
                starter_id=req.user_id,
                request_key=req.key,
                topic=entry.topic,
                num_questions=len(parsed.questions),
                style=chosen.style,
                lang=req.lang,
                now=self._clock(),
                mode=mode,
                live_seconds=chosen.live_seconds if mode == QuizMode.LIVE else None,
                exam=chosen.exam and req.chat_type in (ChatType.GROUP, ChatType.SUPERGROUP),
            )
        except QuizAlreadyOpenError:
            raise req.refusal("already_open") from None
        if quiz is None:
            log.info(
                "Ignoring a re-delivered play of quiz %s in chat %s", entry.quiz_id, req.chat_id
            )
            return
        await self._library.add_copy(quiz.id, entry.quiz_id, shared=shared)
        await self._seed(quiz, parsed)
        await self._open_and_post(quiz, parsed)

    async def _seed(self, quiz: QuizRow, parsed: Quiz) -> None:
        """The copy's thread: the quiz's request and its call, as the model would have made
        them."""
        call_id = f"call_{uuid.uuid4().hex}"
        items = [
            {
                "role": "user",
                "content": quiz_request_text(quiz.topic, len(parsed.questions), False),
            },
            {
                "type": "function_call",
                "call_id": call_id,
                "name": TOOL_NAME,
                "arguments": as_call(parsed),
            },
        ]
        try:
            conversation_id = await self._engine.seed(items)
        except EngineError as exc:
            log.warning("Quiz %s: no thread for the copy: %s", quiz.id, exc)
            await self._quizzes.set_state(quiz.id, QuizState.FAILED, error=type(exc).__name__)
            raise UserFacingError(
                "openai_unavailable",
                chat_id=quiz.chat_id,
                lang=quiz.lang,
                thread_id=quiz.thread_id or None,
            ) from exc
        await self._quizzes.set_conversation(quiz.id, conversation_id)
        await self._quizzes.set_call(quiz.id, call_id)
