"""Closing: the quiz stops taking answers, shows the results, and gets the model's feedback.

`finish_quiz` wins the open → submitting race once however many callers race it (an answer
completing the quiz, /stop, the finish button, the deadline); `deliver_feedback` submits the
answers and posts the feedback exactly once, across crashes too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from telegram.constants import MessageLimit

from engine import EngineError, Feedback, ToolCall
from i18n import tr
from quiz.feedback import Citation, to_html_chunks, with_footnotes
from quiz.grounding import append_block, quotes_html
from quiz.model import Quiz
from quiz.render import POLL
from quiz.results import leaderboard_html
from quiz.scoring import build_submission, in_model_order, standings, submission_json
from quiz.states import QuizState, SubmissionStatus
from services import library_board
from services.context import Services
from services.errors import UserFacingError
from services.events import AnswersSubmitted, FeedbackPosted, QuizClosed, SubmissionBuilt
from services.quiz import live_board
from services.quiz.common import (
    close_lease,
    disarm_deadline,
    is_group,
    is_private,
    model_request,
)
from services.quiz.drafts import FeedbackDraft
from services.quiz.presenter import Presenter
from storage import QuizRow, StoredQuestion

log = logging.getLogger(__name__)

# The longest a close waits for the membership checks of answers already received.
VERDICT_WAIT = 10.0


async def finish_quiz(ui: Presenter, svc: Services, quiz_id: int, status: SubmissionStatus) -> bool:
    """Close the quiz and deliver the feedback; False if someone else closed it first."""
    # Votes cast before the close count: the ones whose sender is being asked about, then
    # the batch they joined (updates are handled concurrently, so /stop may come first).
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(VERDICT_WAIT):
            await svc.participants.settled(quiz_id)
    await svc.answer_writer.flush()
    # Taken before the quiz leaves `open`: no starting worker sees it submitting unheld.
    async with close_lease(svc, quiz_id) as mine:
        if not mine:
            return False
        # A live game's step holds this while it posts a question: none goes out after the
        # close.
        async with svc.live_lock(quiz_id):
            if not await svc.repo.quizzes.begin_submission(quiz_id, status, svc.clock()):
                return False
            await disarm_deadline(svc, quiz_id)
        # A streamed quiz whose model is still writing: no question is stored from now on,
        # but one may be on its way to the chat (closed below with the rest), and the
        # answers can go only to a finished call.
        await svc.writing.ended(quiz_id)
        async with svc.live_lock(quiz_id):
            quiz = await svc.repo.quizzes.quiz(quiz_id)
            assert quiz is not None
            await close_questions(ui, svc, quiz)
        await _results_beside_feedback(ui, svc, quiz)
    return True


async def resume(ui: Presenter, svc: Services, quiz_id: int) -> None:
    """After a restart: redo the steps of the close a crash left undone (each question's
    close and the results are marked once done), then get the feedback. Not while another
    live worker closes it (its lease runs out if it died)."""
    async with close_lease(svc, quiz_id) as mine:
        if not mine:
            log.info("Quiz %s: another worker is closing it", quiz_id)
            return
        quiz = await svc.repo.quizzes.quiz(quiz_id)
        if quiz is None or quiz.state != QuizState.SUBMITTING:
            return
        stored = await svc.repo.questions.of_quiz(quiz_id)
        if any(sq.message_id is not None and not sq.live_closed for sq in stored):
            await close_questions(ui, svc, quiz)
        await _results_once(ui, svc, quiz)
        await deliver_feedback(ui, svc, quiz_id, resumed=True)


async def _results_once(ui: Presenter, svc: Services, quiz: QuizRow) -> None:
    if await svc.repo.quizzes.results_posted(quiz.id):
        return
    if quiz.is_live:
        await live_board.post_podium(ui, svc, quiz)
    elif is_group(quiz):
        await post_results(ui, svc, quiz)
    await svc.repo.quizzes.mark_results_posted(quiz.id)


async def close_questions(ui: Presenter, svc: Services, quiz: QuizRow) -> None:
    """Stop open polls and reveal keyboard questions (which also removes their buttons)."""
    stored = await svc.repo.questions.of_quiz(quiz.id)
    private_done = is_private(quiz) and quiz.status == SubmissionStatus.COMPLETED
    if quiz.status_message_id is not None and is_group(quiz):
        await ui.remove_finish_button(quiz)
        # Done once: a restart after a crash mid-close does not edit the header again.
        await svc.repo.quizzes.set_status_message(quiz.id, None)
    for sq in stored:
        # A live game's earlier questions were closed as it moved past them.
        if sq.message_id is None or sq.live_closed:
            continue
        if sq.style == POLL:
            # In a finished private quiz every poll is answered; stopping them is noise. A
            # poll whose close_date has passed was closed by Telegram (a 400 if asked).
            closed = sq.close_date is not None and sq.close_date <= svc.clock()
            if not private_done and not closed:
                await ui.stop_poll(quiz, sq)
        else:
            answered = await svc.repo.answers.answer_count(quiz.id, index=sq.index)
            await ui.reveal(quiz, sq, len(stored), answered)
        # Marked once done: a restart after a crash mid-close redoes only what is left.
        await svc.repo.questions.close_live_question(quiz.id, sq.index)


async def post_results(ui: Presenter, svc: Services, quiz: QuizRow) -> None:
    """The leaderboard, from our own data, before the model's words."""
    parsed, _ = _posted(*await svc.repo.questions.load_quiz(quiz.id, quiz.title))
    answers = await svc.repo.answers.of_quiz(quiz.id)
    names = await svc.repo.answers.participant_names(quiz.id)
    table = standings(parsed, answers, names, quiz.opened_at or quiz.created_at)
    per_question = [
        (q["correct_count"], q["answered"])
        for q in build_submission(parsed, SubmissionStatus.STOPPED, answers, names)["questions"]
    ]
    text = leaderboard_html(
        tr(quiz.lang, "results_header", title=parsed.title),
        table,
        len(parsed.questions),
        per_question,
        no_answers=tr(quiz.lang, "no_answers"),
        more=tr(quiz.lang, "more_players"),
    )
    await ui.results(quiz, text)


async def _results_beside_feedback(ui: Presenter, svc: Services, quiz: QuizRow) -> None:
    """The questions the chat saw are final: the model starts on the answers now, while the
    results are posted (which may wait for the chat's pace); its feedback follows them. The
    delivery runs under this close's lease (a task of its own cannot take it again)."""
    shown = asyncio.Event()
    delivery = asyncio.ensure_future(
        deliver_feedback(ui, svc, quiz.id, after=shown.wait, leased=True)
    )
    try:
        await svc.events.publish(QuizClosed(quiz))
        await _results_once(ui, svc, quiz)
    except BaseException:
        # The feedback is left to the retry button or the next start, which look for a
        # submission already made.
        delivery.cancel()
        await asyncio.wait([delivery])
        if not delivery.cancelled():
            delivery.exception()  # retrieved: the close's own failure is the one reported
        raise
    shown.set()
    await delivery


async def deliver_feedback(
    ui: Presenter,
    svc: Services,
    quiz_id: int,
    *,
    resumed: bool = False,
    after: Callable[[], Awaitable[object]] | None = None,
    leased: bool = False,
) -> None:
    """Submit the answers once and post the model's feedback once.

    `resumed`: a previous process may have died mid-submission, so look in the conversation
    for the answers (and the feedback) before sending them again. `after`: what the chat
    must be shown first (the results): awaited before anything is posted. A no-op while
    another worker of the fleet delivers it (it posts the feedback); `leased`: the caller's
    close holds the lease for it."""
    shown = after or (lambda: asyncio.sleep(0))
    lease = contextlib.nullcontext(True) if leased else close_lease(svc, quiz_id)
    async with lease as mine, svc.lock(quiz_id):
        if not mine:
            log.info("Quiz %s: another worker is delivering its feedback", quiz_id)
            return
        quiz = await svc.repo.quizzes.quiz(quiz_id)
        if quiz is None or quiz.state != QuizState.SUBMITTING:
            return
        stored = await svc.repo.quizzes.feedback(quiz_id)
        if stored is None:
            result = await _submit(ui, svc, quiz, await _submission(svc, quiz), resumed, shown)
            if result is None:
                return
            citations = [(c.index, c.filename) for c in result.citations]
            await svc.repo.quizzes.save_feedback(quiz_id, result.text, citations)
            stored = (result.text, citations, False)
        text, citations, posted = stored
        if not posted:
            await shown()
            await _post_feedback(ui, svc, quiz, text, citations)
        await svc.repo.quizzes.set_state(quiz_id, QuizState.DONE, only_from=(QuizState.SUBMITTING,))


async def _submission(svc: Services, quiz: QuizRow) -> dict[str, Any]:
    """The answers of the questions the chat saw, as the model numbered them."""
    parsed, stored_questions = _posted(*await svc.repo.questions.load_quiz(quiz.id, quiz.title))
    submission = in_model_order(
        build_submission(
            parsed,
            quiz.status or SubmissionStatus.STOPPED,
            await svc.repo.answers.of_quiz(quiz.id),
            await svc.repo.answers.participant_names(quiz.id),
            await live_board.scored(svc, quiz) if quiz.is_live else None,
        ),
        [sq.model_index for sq in stored_questions],
    )
    await svc.events.publish(SubmissionBuilt(quiz, submission))
    return submission


async def _submit(
    ui: Presenter,
    svc: Services,
    quiz: QuizRow,
    submission: dict[str, Any],
    resumed: bool,
    shown: Callable[[], Awaitable[object]],
) -> Feedback | None:
    """The model's feedback on the submission (the one it already wrote, when `resumed`);
    None when the quiz gave up on it after too many failed attempts."""
    assert quiz.conversation_id and quiz.call_id
    call = ToolCall(quiz.conversation_id, quiz.call_id, "")
    request = await model_request(svc, quiz)
    # Private chats watch the feedback being written; groups get it whole.
    draft = FeedbackDraft(ui, quiz) if is_private(quiz) else None
    try:
        resumed_feedback = (
            await svc.engine.resume_feedback(call, request, draft) if resumed else None
        )
        return resumed_feedback or await svc.engine.submit(
            call, submission_json(submission), request, draft
        )
    except EngineError as exc:
        await shown()  # what the chat is told comes after the results
        failures = await svc.repo.quizzes.count_submit_failure(quiz.id)
        log.warning("Quiz %s: submission %s failed: %s", quiz.id, failures, exc)
        # The cards too: the answers stand whether or not feedback comes.
        await svc.events.publish(AnswersSubmitted(quiz))
        if failures >= svc.settings.quiz_submit_attempts:
            # Not left stuck: the chat (or topic) is free for a new quiz.
            await _give_up(ui, svc, quiz, "feedback_gave_up", n=failures)
            return None
        raise UserFacingError(
            "feedback_failed",
            chat_id=quiz.chat_id,
            lang=quiz.lang,
            thread_id=quiz.thread_id or None,
            retry_quiz_id=quiz.id,
        ) from exc


async def _post_feedback(
    ui: Presenter, svc: Services, quiz: QuizRow, text: str, citations: list[tuple[int, str]]
) -> None:
    """The feedback with its sources, the questions' quotes and the library's board."""
    await svc.events.publish(AnswersSubmitted(quiz))
    markdown = with_footnotes(
        text, [Citation(i, f) for i, f in citations], tr(quiz.lang, "sources")
    )
    quotes = quotes_html(
        [sq.question for sq in await svc.repo.questions.of_quiz(quiz.id)],
        tr(quiz.lang, "quotes_header"),
    )
    chunks = append_block(to_html_chunks(markdown), quotes, MessageLimit.MAX_TEXT_LENGTH)
    board, buttons = await library_board.feedback_extras(svc, quiz)
    await ui.feedback(quiz, [*chunks, *board], buttons)
    await svc.repo.quizzes.mark_feedback_posted(quiz.id)
    await svc.events.publish(FeedbackPosted(quiz))


def _posted(parsed: Quiz, stored: list[StoredQuestion]) -> tuple[Quiz, list[StoredQuestion]]:
    """The questions up to the first never posted (stored as a streamed quiz closed, or not
    reached by a live game): nobody saw those, so the model does not hear of them."""
    shown = next((i for i, sq in enumerate(stored) if sq.message_id is None), len(stored))
    return replace(parsed, questions=parsed.questions[:shown]), stored[:shown]


async def stop_quiz(ui: Presenter, svc: Services, quiz: QuizRow) -> None:
    """End a live quiz now: cancel one still being written, close and submit an open one."""
    if quiz.state == QuizState.GENERATING:
        if await svc.repo.quizzes.set_state(
            quiz.id, QuizState.CANCELLED, only_from=(QuizState.GENERATING,)
        ):
            await ui.notice(quiz, "cancelled")
        return
    if quiz.state == QuizState.SUBMITTING:
        # The answers may have reached the model before the last attempt failed; a close
        # a crash cut short (this /stop replayed after it) has its missing steps redone.
        await resume(ui, svc, quiz.id)
        return
    await finish_quiz(ui, svc, quiz.id, SubmissionStatus.STOPPED)


async def cancel_stuck(ui: Presenter, svc: Services, quiz: QuizRow) -> bool:
    """Close a quiz whose feedback keeps failing, without it (its starter or an admin
    asked); False if it was no longer waiting for its feedback."""
    # After an attempt under way: its feedback, if it comes, is posted rather than lost.
    async with svc.lock(quiz.id):
        return await _give_up(ui, svc, quiz, "stuck_quiz_cancelled")


async def _give_up(ui: Presenter, svc: Services, quiz: QuizRow, key: str, **values: int) -> bool:
    if not await svc.repo.quizzes.set_state(
        quiz.id, QuizState.FAILED, error=key, only_from=(QuizState.SUBMITTING,)
    ):
        return False
    await ui.notice(quiz, key, **values)
    return True
