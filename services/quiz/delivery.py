"""The feedback: the answers are submitted once and the model's feedback is posted once,
across crashes too (`FeedbackDelivery.deliver`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from telegram.constants import MessageLimit

from engine import EngineError, Feedback, QuizEngine, QuizRequest, ToolCall
from i18n import tr
from quiz.feedback import Citation, to_html_chunks, with_footnotes
from quiz.grounding import append_block, quotes_html
from quiz.model import Quiz
from quiz.scoring import build_submission, in_model_order, submission_json
from quiz.states import QuizState, SubmissionStatus
from services.errors import UserFacingError
from services.events import AnswersSubmitted, EventBus, FeedbackPosted, SubmissionBuilt
from services.keyed_locks import Locks
from services.quiz.common import QuizLeases, is_private
from services.quiz.drafts import FeedbackDraft
from services.quiz.live_board import LiveBoard
from services.quiz.presenter import Presenter
from storage import QuizRow, StoredQuestion
from storage.answers import AnswerStore
from storage.questions import QuestionStore
from storage.quizzes import QuizStore

log = logging.getLogger(__name__)

# The library's board and buttons under the feedback (services/library_board.py).
FeedbackExtras = Callable[[QuizRow], Awaitable[tuple[list[str], list[tuple[str, str]]]]]


def posted_only(parsed: Quiz, stored: list[StoredQuestion]) -> tuple[Quiz, list[StoredQuestion]]:
    """The questions up to the first never posted (stored as a streamed quiz closed, or not
    reached by a live game): nobody saw those, so the model does not hear of them."""
    shown = next((i for i, sq in enumerate(stored) if sq.message_id is None), len(stored))
    return replace(parsed, questions=parsed.questions[:shown]), stored[:shown]


class FeedbackDelivery:
    def __init__(
        self,
        *,
        quizzes: QuizStore,
        questions: QuestionStore,
        answers: AnswerStore,
        ui: Presenter,
        engine: QuizEngine,
        leases: QuizLeases,
        locks: Locks,
        events: EventBus,
        board: LiveBoard,
        request: Callable[[QuizRow], Awaitable[QuizRequest]],
        extras: FeedbackExtras,
        submit_attempts: int,
    ) -> None:
        self._quizzes = quizzes
        self._questions = questions
        self._answers = answers
        self._ui = ui
        self._engine = engine
        self._leases = leases
        # Serialises feedback delivery per quiz (retry taps, /stop and completion racing).
        self._locks = locks
        self._events = events
        self._board = board
        self._request = request
        self._extras = extras
        # After this many failed submissions the quiz gives up on its feedback.
        self._submit_attempts = submit_attempts

    def lock(self, quiz_id: int) -> contextlib.AbstractAsyncContextManager[None]:
        return self._locks.hold(quiz_id)

    async def deliver(
        self,
        quiz_id: int,
        *,
        resumed: bool = False,
        after: Callable[[], Awaitable[object]] | None = None,
        leased: bool = False,
    ) -> None:
        """Submit the answers once and post the model's feedback once.

        `resumed`: a previous process may have died mid-submission, so look in the
        conversation for the answers (and the feedback) before sending them again. `after`:
        what the chat must be shown first (the results): awaited before anything is posted.
        A no-op while another worker of the fleet delivers it (it posts the feedback);
        `leased`: the caller's close holds the lease for it."""
        shown = after or (lambda: asyncio.sleep(0))
        lease = contextlib.nullcontext(True) if leased else self._leases.close(quiz_id)
        async with lease as mine, self.lock(quiz_id):
            if not mine:
                log.info("Quiz %s: another worker is delivering its feedback", quiz_id)
                return
            quiz = await self._quizzes.quiz(quiz_id)
            if quiz is None or quiz.state != QuizState.SUBMITTING:
                return
            stored = await self._quizzes.feedback(quiz_id)
            if stored is None:
                result = await self._submit(quiz, await self._submission(quiz), resumed, shown)
                if result is None:
                    return
                citations = [(c.index, c.filename) for c in result.citations]
                await self._quizzes.save_feedback(quiz_id, result.text, citations)
                stored = (result.text, citations, False)
            text, citations, posted = stored
            if not posted:
                await shown()
                await self._post_feedback(quiz, text, citations)
            await self._quizzes.set_state(
                quiz_id, QuizState.DONE, only_from=(QuizState.SUBMITTING,)
            )

    async def _submission(self, quiz: QuizRow) -> dict[str, Any]:
        """The answers of the questions the chat saw, as the model numbered them."""
        parsed, stored_questions = posted_only(
            *await self._questions.load_quiz(quiz.id, quiz.title)
        )
        submission = in_model_order(
            build_submission(
                parsed,
                quiz.status or SubmissionStatus.STOPPED,
                await self._answers.of_quiz(quiz.id),
                await self._answers.participant_names(quiz.id),
                await self._board.scored(quiz) if quiz.is_live else None,
            ),
            [sq.model_index for sq in stored_questions],
        )
        await self._events.publish(SubmissionBuilt(quiz, submission))
        return submission

    async def _submit(
        self,
        quiz: QuizRow,
        submission: dict[str, Any],
        resumed: bool,
        shown: Callable[[], Awaitable[object]],
    ) -> Feedback | None:
        """The model's feedback on the submission (the one it already wrote, when
        `resumed`); None when the quiz gave up on it after too many failed attempts."""
        assert quiz.conversation_id and quiz.call_id
        call = ToolCall(quiz.conversation_id, quiz.call_id, "")
        request = await self._request(quiz)
        # Private chats watch the feedback being written; groups get it whole.
        draft = FeedbackDraft(self._ui, quiz) if is_private(quiz) else None
        try:
            resumed_feedback = (
                await self._engine.resume_feedback(call, request, draft) if resumed else None
            )
            return resumed_feedback or await self._engine.submit(
                call, submission_json(submission), request, draft
            )
        except EngineError as exc:
            await shown()  # what the chat is told comes after the results
            failures = await self._quizzes.count_submit_failure(quiz.id)
            log.warning("Quiz %s: submission %s failed: %s", quiz.id, failures, exc)
            # The cards too: the answers stand whether or not feedback comes.
            await self._events.publish(AnswersSubmitted(quiz))
            if failures >= self._submit_attempts:
                # Not left stuck: the chat (or topic) is free for a new quiz.
                await self.give_up(quiz, "feedback_gave_up", n=failures)
                return None
            raise UserFacingError(
                "feedback_failed",
                chat_id=quiz.chat_id,
                lang=quiz.lang,
                thread_id=quiz.thread_id or None,
                retry_quiz_id=quiz.id,
            ) from exc

    async def _post_feedback(
        self, quiz: QuizRow, text: str, citations: list[tuple[int, str]]
    ) -> None:
        """The feedback with its sources, the questions' quotes and the library's board."""
        await self._events.publish(AnswersSubmitted(quiz))
        markdown = with_footnotes(
            text, [Citation(i, f) for i, f in citations], tr(quiz.lang, "sources")
        )
        quotes = quotes_html(
            [sq.question for sq in await self._questions.of_quiz(quiz.id)],
            tr(quiz.lang, "quotes_header"),
        )
        chunks = append_block(to_html_chunks(markdown), quotes, MessageLimit.MAX_TEXT_LENGTH)
        board, buttons = await self._extras(quiz)
        await self._ui.feedback(quiz, [*chunks, *board], buttons)
        await self._quizzes.mark_feedback_posted(quiz.id)
        await self._events.publish(FeedbackPosted(quiz))

    async def give_up(self, quiz: QuizRow, key: str, **values: int) -> bool:
        """The quiz closes without its feedback (and says so); False if it was no longer
        waiting for it."""
        if not await self._quizzes.set_state(
            quiz.id, QuizState.FAILED, error=key, only_from=(QuizState.SUBMITTING,)
        ):
            return False
        await self._ui.notice(quiz, key, **values)
        return True
