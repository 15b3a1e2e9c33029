"""Starting a quiz: the command's arguments, the start checks, and the new row."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from html import escape

from telegram.constants import ChatType

from i18n import tr
from quiz.states import DocumentState, QuizMode
from services import daily
from services.chat_settings import EffectiveSettings
from services.errors import UserFacingError
from services.quiz.generation import QuizWriter
from services.quiz.presenter import Presenter
from services.quotas import StartQuotas
from services.start_request import QuizCommand, StartRequest
from storage import QuizAlreadyOpenError, QuizRow
from storage.conversation import ChatMemoryStore, PendingQuiz
from storage.documents import DocumentRow, DocumentStore
from storage.quizzes import QuizStore
from storage.usage import LimitReachedError

log = logging.getLogger(__name__)

MIN_QUESTIONS = 1
MAX_TOPIC_LENGTH = 200
# Any N above the maximum is clamped to it; this bound only keeps a huge N within a SQLite
# INTEGER (pending_quizzes keeps what was asked for) and int() within its digit limit.
MAX_REQUESTED = 10**6


def parse_quiz_args(args: Sequence[str]) -> QuizCommand:
    words = list(args)
    requested: int | None = None
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if words and words[0].lstrip("+-").isdecimal():
        word = words.pop(0)
        digits = word.lstrip("+-")
        size = min(int(digits), MAX_REQUESTED) if len(digits) < 10 else MAX_REQUESTED
        requested = -size if word.startswith("-") else size
    return QuizCommand(requested, " ".join(words).strip()[:MAX_TOPIC_LENGTH])


def clamp_questions(requested: int | None, default: int, maximum: int) -> tuple[int, bool]:
    if requested is None:
        return default, False
    n = max(MIN_QUESTIONS, min(requested, maximum))
    return n, n != requested


class QuizOpening:
    """The way into a quiz: the start checks, the quiz's row, and its writing."""

    def __init__(
        self,
        *,
        quizzes: QuizStore,
        documents: DocumentStore,
        memory: ChatMemoryStore,
        ui: Presenter,
        quotas: StartQuotas,
        writer: QuizWriter,
        # The chat's effective settings (style, mode, exam, seconds per question).
        chat_settings: Callable[[int], Awaitable[EffectiveSettings]],
        # Whether this process is adding documents to the chat now.
        documents_arriving: Callable[[int], bool],
        # The chat's documents, their indexing state asked again where it was unknown.
        chat_documents: Callable[[int], Awaitable[Sequence[DocumentRow]]],
        clock: Callable[[], float],
        default_questions: int,  # QUIZ_QUESTIONS
        max_questions: int,  # MAX_QUESTIONS
        vector_store_id: str | None,  # OPENAI_VECTOR_STORE_ID: questions without documents
    ) -> None:
        self._quizzes = quizzes
        self._documents = documents
        self._memory = memory
        self._ui = ui
        self._quotas = quotas
        self._writer = writer
        self._chat_settings = chat_settings
        self._documents_arriving = documents_arriving
        self._chat_documents = chat_documents
        self._clock = clock
        self._default_questions = default_questions
        self._max_questions = max_questions
        self._vector_store_id = vector_store_id

    async def start(self, req: StartRequest) -> None:
        """Create the quiz, have the model write it, and post the questions."""
        # Before the start checks: they apply when the quiz really starts.
        if await self._nothing_to_ask(req) and await self._waits_for_documents(
            req.pending(self._clock())
        ):
            return
        # Who may start, the cooldown and the daily limits, before anything reaches the model.
        await self._quotas.check_start(req)
        if await self._nothing_to_ask(req):
            raise req.refusal("quiz_usage")
        n, clamped = clamp_questions(
            req.command.requested, self._default_questions, self._max_questions
        )
        quiz = await self._create(req, n)
        if quiz is None:
            log.info("Ignoring a re-delivered /quiz in chat %s", req.chat_id)
            return
        await self._generate(quiz, req, n, clamped)

    async def _waits_for_documents(self, pending: PendingQuiz) -> bool:
        """A /quiz with nothing to ask about yet, while the chat's document is on its way: store
        it for services.waiting to start when the document is ready. True when the request is
        taken care of (raises to say so), False when the quiz flow goes on as usual."""
        chat_id = pending.chat_id

        def refusal(key: str) -> UserFacingError:
            return UserFacingError(
                key, chat_id=chat_id, lang=pending.lang, thread_id=pending.thread_id or None
            )

        memory = self._memory
        if self._documents_arriving(chat_id):
            waiting = await memory.add_pending_quiz(pending)
            if waiting is not None and waiting.request_key == pending.request_key:
                log.info("Ignoring a re-delivered /quiz waiting for documents in chat %s", chat_id)
                return True
            if self._documents_arriving(chat_id):
                raise refusal("doc_quiz_waiting" if waiting is None else "doc_quiz_already_waiting")
            # The document was done while the request was being stored: take it back, unless
            # the document's end already took (and started) it.
            if waiting is None and not await memory.take_pending_quiz(chat_id, pending.thread_id):
                return True
        else:
            waiting = await memory.pending_quiz(chat_id, pending.thread_id)
            if waiting is not None and waiting.request_key == pending.request_key:
                # Replayed after a restart: the restart's recovery starts or answers it.
                log.info("Ignoring a re-delivered /quiz waiting for documents in chat %s", chat_id)
                return True
        # Nothing on its way in this process; a document may still be indexing at OpenAI.
        docs = await self._chat_documents(chat_id)
        ready = any(d.state == DocumentState.READY for d in docs)
        if not ready and any(d.state == DocumentState.PROCESSING for d in docs):
            raise refusal("doc_quiz_still_indexing")
        return False

    async def _nothing_to_ask(self, req: StartRequest) -> bool:
        """No topic, and no documents or configured store to draw the questions from."""
        return (
            not req.command.topic
            and not self._vector_store_id
            and not await self._documents.has_ready_documents(req.chat_id)
        )

    async def _create(self, req: StartRequest, n: int) -> QuizRow | None:
        """The quiz's row, in the chat's settings (refuses over a limit or beside an open quiz);
        None for a re-delivered request."""
        chosen = await self._chat_settings(req.chat_id)
        mode = req.mode or chosen.mode
        now = self._clock()
        try:
            return await self._quizzes.create_quiz(
                chat_id=req.chat_id,
                thread_id=req.thread_id or 0,
                chat_type=req.chat_type,
                starter_id=req.user_id,
                # The command message identifies the request: a re-delivered /quiz is a no-op.
                request_key=req.key,
                topic=req.command.topic,
                num_questions=n,
                style=chosen.style,
                lang=req.lang,
                now=now,
                mode=mode,
                live_seconds=chosen.live_seconds if mode == QuizMode.LIVE else None,
                # Exam mode is for groups: in a private chat nobody else votes.
                exam=chosen.exam and req.chat_type in (ChatType.GROUP, ChatType.SUPERGROUP),
                # The daily limits again, now atomically with the insert: the check above lets
                # requests that race each other through together.
                limits=self._quotas.start_limits(now),
            )
        except LimitReachedError as exc:
            log.info("Quiz refused in chat %s for user %s: %s", req.chat_id, req.user_id, exc.key)
            raise req.refusal(exc.key, **daily.limit_values(exc, now)) from None
        except QuizAlreadyOpenError:
            raise req.refusal("already_open") from None

    async def _generate(self, quiz: QuizRow, req: StartRequest, n: int, clamped: bool) -> None:
        """Say the quiz is being written (and if N was clamped), then have the model write it."""
        text = tr(req.lang, "generating", n=n, topic=escape(req.command.topic or "📄"))
        if clamped:
            high = self._max_questions
            text += "\n" + tr(req.lang, "clamped", low=MIN_QUESTIONS, high=high, n=n)
        status_message_id = await self._ui.status(quiz, text)
        await self._quizzes.set_status_message(quiz.id, status_message_id)
        async with self._ui.typing(quiz):
            await self._writer.generate(quiz, status_message_id)
