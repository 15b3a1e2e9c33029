"""The model writes the quiz: whole (validated, corrected once), or streamed question by
question into a streaming.StreamSink, each posted as soon as it is complete."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from engine import EngineError, EngineRejectedError, NoToolCallError, QuizRequest, ToolCall
from quiz.grounding import verify_quotes
from quiz.model import Quiz
from quiz.render import choose_style, shuffled_order
from quiz.states import QuizState
from quiz.validation import InvalidQuizError, parse_quiz
from services import learning
from services.context import Services
from services.errors import UserFacingError
from services.events import QuizOpened
from services.quiz import posting, streaming, verify
from services.quiz.common import model_request, write_lease
from services.quiz.presenter import Presenter
from storage import QuizRow

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


async def generate(
    ui: Presenter, svc: Services, quiz: QuizRow, status_message_id: int | None
) -> None:
    """Ask the model for the quiz (correcting it once), store it, open it, post it."""
    async with write_lease(svc, quiz.id):
        request = await model_request(svc, quiz)
        streamed = streaming.StreamSink(ui, svc, quiz, status_message_id)
        streamed.originals = learning.originals(request)  # learning hook
        if svc.settings.quiz_verify:  # verify: each streamed question checked first
            streamed.verify_with(verify.Verifier(svc, quiz, request))
        written = await _write(svc, quiz, request, streamed, status_message_id)
        if written is None:
            return
        call, parsed = written
        if not svc.settings.quiz_verify:
            # Only quotes found in what file_search retrieved will be shown as sources.
            quotes = verify_quotes(parsed, call.retrieved)
            await open_and_post(ui, svc, quiz, quotes, status_message_id)
            return
        await _verify_and_post(ui, svc, quiz, request, call, parsed, status_message_id)


async def _write(
    svc: Services,
    quiz: QuizRow,
    request: QuizRequest,
    streamed: streaming.StreamSink,
    status_message_id: int | None,
) -> tuple[ToolCall, Quiz] | None:
    """The model's call and the quiz it wrote whole (corrected once if invalid); None when
    the questions were streamed (and posted as they came) or the quiz was cancelled."""
    svc.writing.start(quiz.id)
    try:
        call = await svc.engine.generate(
            request, streamed.question if svc.settings.openai_stream else None
        )
        await svc.repo.quizzes.set_conversation(quiz.id, call.conversation_id)
        await svc.repo.quizzes.set_call(quiz.id, call.call_id)
        # Checked questions may still be on their way to the chat.
        if streamed.opened or streamed.cancelled or streamed.checking:
            await streamed.finish(call, request)
            if streamed.opened or streamed.cancelled:
                return None
            # Every streamed question was rejected by its checks, and so were replacements.
            await svc.repo.quizzes.set_state(
                quiz.id, QuizState.FAILED, error="no question confirmed"
            )
            raise _failure(quiz, status_message_id, "invalid_quiz")
        try:
            parsed = parse_quiz(call.arguments, quiz.num_questions, learning.originals(request))
        except InvalidQuizError as first:
            log.warning("Quiz %s: invalid tool call, asking once more: %s", quiz.id, first)
            call, parsed = await verify.corrected_quiz(
                svc, quiz, call, first.problems, request, quiz.num_questions
            )
    except InvalidQuizError as exc:
        log.warning("Quiz %s: invalid again, giving up: %s", quiz.id, exc)
        await svc.repo.quizzes.set_state(quiz.id, QuizState.FAILED, error="invalid tool call")
        raise _failure(quiz, status_message_id, "invalid_quiz") from exc
    except EngineError as exc:
        log.warning("Quiz %s: the model failed: %s", quiz.id, exc)
        await svc.repo.quizzes.set_state(quiz.id, QuizState.FAILED, error=type(exc).__name__)
        raise _failure(quiz, status_message_id, _engine_error_key(exc)) from exc
    finally:
        streamed.stop_checks()
        svc.writing.end(quiz.id)
    return call, parsed


async def _verify_and_post(
    ui: Presenter,
    svc: Services,
    quiz: QuizRow,
    request: QuizRequest,
    call: ToolCall,
    parsed: Quiz,
    status_message_id: int | None,
) -> None:
    """verify: keys solved independently, language and repeats; corrected once. Posts the
    questions that passed, and says which were left out."""
    outcome = await verify.verify_whole(svc, quiz, request, call, parsed)
    if not outcome.kept:
        await svc.repo.quizzes.set_state(quiz.id, QuizState.FAILED, error="no question confirmed")
        raise _failure(quiz, status_message_id, "invalid_quiz")
    checked, orders, model_indices = verify.as_quiz(parsed.title, outcome)
    checked = verify_quotes(checked, outcome.call.retrieved)
    if await open_and_post(
        ui, svc, quiz, checked, status_message_id, orders=orders, model_indices=model_indices
    ):
        await verify.tell_left_out(ui, quiz, outcome.unconfirmed, outcome.unfit)


async def open_and_post(
    ui: Presenter,
    svc: Services,
    quiz: QuizRow,
    parsed: Quiz,
    status_message_id: int | None,
    *,
    orders: Sequence[Sequence[int]] | None = None,  # verify: as the solver saw
    model_indices: Sequence[int] | None = None,  # verify: some left out
) -> bool:
    """False when the quiz was cancelled while it was being written."""
    if orders is None:
        orders = [shuffled_order(len(q.choices), svc.rng) for q in parsed.questions]
    styles = [choose_style(q, quiz.style) for q in parsed.questions]
    if not await svc.repo.quizzes.open_quiz(
        quiz.id, parsed, orders, styles, svc.clock(), model_indices=model_indices
    ):
        log.info("Quiz %s was cancelled while it was being written", quiz.id)
        return False
    await svc.events.publish(QuizOpened(quiz.id))
    await posting.announce(ui, svc, quiz, parsed.title, len(parsed.questions), status_message_id)
    await posting.post_questions(ui, svc, quiz.id)
    return True
