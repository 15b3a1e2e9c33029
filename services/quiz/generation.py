"""The model writes the quiz: whole (validated, corrected once), or streamed question by
question into a streaming.StreamSink, each posted as soon as it is complete."""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager

from engine import (
    EngineError,
    EngineRejectedError,
    NoToolCallError,
    QuizEngine,
    QuizRequest,
    ToolCall,
)
from quiz.grounding import verify_quotes
from quiz.model import Quiz
from quiz.render import choose_style, shuffled_order
from quiz.states import QuizState
from quiz.validation import InvalidQuizError, parse_quiz
from services import learning
from services.errors import UserFacingError
from services.events import EventBus, QuizOpened
from services.quiz import verify
from services.quiz.posting import QuizPosting
from services.quiz.presenter import Presenter
from services.quiz.streaming import StreamParts, StreamSink
from services.quiz.verify import QuizChecks
from services.writing import ModelWriting
from storage import QuizRow
from storage.quizzes import QuizStore

log = logging.getLogger(__name__)


def _engine_error_key(exc: EngineError) -> str:
    if isinstance(exc, NoToolCallError):
        # The server answered; the model just did not write a quiz: not an outage.
        return "model_wrote_no_quiz"
    return "openai_rejected" if isinstance(exc, EngineRejectedError) else "openai_unavailable"


def _failure(quiz: QuizRow, status_message_id: int | None, key: str) -> UserFacingError:
    return UserFacingError(
        key,
        chat_id=quiz.chat_id,
        lang=quiz.lang,
        thread_id=quiz.thread_id or None,
        edit_message_id=status_message_id,
    )


class QuizWriter:
    """The model writes a quiz (whole or streamed), and it is opened and posted."""

    def __init__(
        self,
        *,
        quizzes: QuizStore,
        engine: QuizEngine,
        ui: Presenter,
        posting: QuizPosting,
        checks: QuizChecks,
        streams: StreamParts,
        writing: ModelWriting,
        events: EventBus,
        # What the model is told about the quiz (its documents, a review's cards, …).
        model_request: Callable[[QuizRow], Awaitable[QuizRequest]],
        # Held while the quiz is written and posted (recovery leaves it alone meanwhile).
        write_lease: Callable[[int], AbstractAsyncContextManager[bool]],
        clock: Callable[[], float],
        rng: random.Random,
        stream: bool,  # OPENAI_STREAM
    ) -> None:
        self._quizzes = quizzes
        self._engine = engine
        self._ui = ui
        self._posting = posting
        self._checks = checks
        self._streams = streams
        self._writing = writing
        self._events = events
        self._model_request = model_request
        self._write_lease = write_lease
        self._clock = clock
        self._rng = rng
        self._stream = stream

    async def generate(self, quiz: QuizRow, status_message_id: int | None) -> None:
        """Ask the model for the quiz (correcting it once), store it, open it, post it."""
        verify = self._checks.enabled
        async with self._write_lease(quiz.id):
            request = await self._model_request(quiz)
            streamed = self._streams.sink(quiz, status_message_id)
            streamed.originals = learning.originals(request)  # learning hook
            if verify:  # verify: each streamed question checked first
                streamed.verify_with(self._checks.verifier(quiz, request))
            written = await self._write(quiz, request, streamed, status_message_id)
            if written is None:
                return
            call, parsed = written
            if not verify:
                # Only quotes found in what file_search retrieved will be shown as sources.
                quotes = verify_quotes(parsed, call.retrieved)
                await self.open_and_post(quiz, quotes, status_message_id)
                return
            await self._verify_and_post(quiz, request, call, parsed, status_message_id)

    async def _write(
        self,
        quiz: QuizRow,
        request: QuizRequest,
        streamed: StreamSink,
        status_message_id: int | None,
    ) -> tuple[ToolCall, Quiz] | None:
        """The model's call and the quiz it wrote whole (corrected once if invalid); None
        when the questions were streamed (and posted as they came) or the quiz was
        cancelled."""
        quizzes = self._quizzes
        self._writing.start(quiz.id)
        try:
            call = await self._engine.generate(request, streamed.question if self._stream else None)
            await quizzes.set_conversation(quiz.id, call.conversation_id)
            await quizzes.set_call(quiz.id, call.call_id)
            # Checked questions may still be on their way to the chat.
            if streamed.opened or streamed.cancelled or streamed.checking:
                await streamed.finish(call, request)
                if streamed.opened or streamed.cancelled:
                    return None
                # Every streamed question was rejected by its checks, and so were
                # replacements.
                await quizzes.set_state(quiz.id, QuizState.FAILED, error="no question confirmed")
                raise _failure(quiz, status_message_id, "invalid_quiz")
            try:
                parsed = parse_quiz(call.arguments, quiz.num_questions, learning.originals(request))
            except InvalidQuizError as first:
                log.warning("Quiz %s: invalid tool call, asking once more: %s", quiz.id, first)
                call, parsed = await self._checks.corrected_quiz(
                    quiz, call, first.problems, request, quiz.num_questions
                )
        except InvalidQuizError as exc:
            log.warning("Quiz %s: invalid again, giving up: %s", quiz.id, exc)
            await quizzes.set_state(quiz.id, QuizState.FAILED, error="invalid tool call")
            raise _failure(quiz, status_message_id, "invalid_quiz") from exc
        except EngineError as exc:
            log.warning("Quiz %s: the model failed: %s", quiz.id, exc)
            await quizzes.set_state(quiz.id, QuizState.FAILED, error=type(exc).__name__)
            raise _failure(quiz, status_message_id, _engine_error_key(exc)) from exc
        finally:
            streamed.stop_checks()
            self._writing.end(quiz.id)
        return call, parsed

    async def _verify_and_post(
        self,
        quiz: QuizRow,
        request: QuizRequest,
        call: ToolCall,
        parsed: Quiz,
        status_message_id: int | None,
    ) -> None:
        """verify: keys solved independently, language and repeats; corrected once. Posts
        the questions that passed, and says which were left out."""
        outcome = await self._checks.verify_whole(quiz, request, call, parsed)
        if not outcome.kept:
            await self._quizzes.set_state(quiz.id, QuizState.FAILED, error="no question confirmed")
            raise _failure(quiz, status_message_id, "invalid_quiz")
        checked, orders, model_indices = verify.as_quiz(parsed.title, outcome)
        checked = verify_quotes(checked, outcome.call.retrieved)
        if await self.open_and_post(
            quiz, checked, status_message_id, orders=orders, model_indices=model_indices
        ):
            await verify.tell_left_out(self._ui, quiz, outcome.unconfirmed, outcome.unfit)

    async def open_and_post(
        self,
        quiz: QuizRow,
        parsed: Quiz,
        status_message_id: int | None,
        *,
        orders: Sequence[Sequence[int]] | None = None,  # verify: as the solver saw
        model_indices: Sequence[int] | None = None,  # verify: some left out
    ) -> bool:
        """False when the quiz was cancelled while it was being written."""
        if orders is None:
            orders = [shuffled_order(len(q.choices), self._rng) for q in parsed.questions]
        styles = [choose_style(q, quiz.style) for q in parsed.questions]
        if not await self._quizzes.open_quiz(
            quiz.id, parsed, orders, styles, self._clock(), model_indices=model_indices
        ):
            log.info("Quiz %s was cancelled while it was being written", quiz.id)
            return False
        await self._events.publish(QuizOpened(quiz.id))
        n = len(parsed.questions)
        await self._posting.announce(quiz, parsed.title, n, status_message_id)
        await self._posting.post_questions(quiz.id)
        return True
