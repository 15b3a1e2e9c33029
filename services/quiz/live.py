"""A live game: one question open at a time, each with Telegram's countdown (open_period).

The game moves on (`advance`) when the open question's time is up — its timer, armed in the
durable timer (services/timers.py) — or as soon as every member has answered it. Moving on
marks the question closed in SQLite first, then stops its poll (Telegram may have closed it
already), updates the standings, and posts the next question, whose send time and deadline
are stored with its message. After a restart `advance` finds the open question and arms its
timer again (or moves on at once if its time passed meanwhile): nothing is posted twice.
"""

from __future__ import annotations

import logging

from telegram.error import Forbidden

from quiz.render import POLL
from quiz.states import SubmissionStatus
from services.context import Services
from services.quiz import closing, live_board
from services.quiz.common import LIVE_STEP, arm_timer, chat_refused, is_group
from services.quiz.presenter import Presenter
from storage import QuizRow, StoredQuestion

log = logging.getLogger(__name__)


async def arm(svc: Services, quiz_id: int, at: float) -> None:
    """Run the game's next step at `at` (at once if it has passed); replaces an earlier one."""
    await arm_timer(svc, LIVE_STEP, quiz_id, at)


async def step(ui: Presenter, svc: Services, quiz_id: int) -> None:
    """The open question's time is up."""
    try:
        await advance(ui, svc, quiz_id)
    except Forbidden:
        await chat_refused(svc, quiz_id)


def _open_question(stored: list[StoredQuestion]) -> StoredQuestion | None:
    return next((q for q in stored if q.message_id is not None and not q.live_closed), None)


async def everyone_answered(svc: Services, quiz: QuizRow, index: int) -> bool:
    """Private: the player answered it. Groups: every member but the bot did (as counted
    when the game started; without a count, only the time moves the game on)."""
    if not is_group(quiz):
        return (
            await svc.repo.answers.answer_count(quiz.id, user_id=quiz.starter_id, index=index) > 0
        )
    if quiz.member_count is None:
        return False
    return await svc.repo.answers.answer_count(quiz.id, index=index) >= quiz.member_count - 1


async def answered(ui: Presenter, svc: Services, quiz: QuizRow, index: int) -> None:
    """Answers to question `index` were stored (services/wiring.py follows AnswersRecorded):
    the next question goes out now if they were the last ones due."""
    if await everyone_answered(svc, quiz, index):
        await advance(ui, svc, quiz.id)


async def advance(ui: Presenter, svc: Services, quiz_id: int) -> None:
    """Move the game on as far as it can go now; finish it after its last question."""
    async with svc.live_lock(quiz_id):
        finished = await _advance(ui, svc, quiz_id)
    if finished:
        await closing.finish_quiz(ui, svc, quiz_id, SubmissionStatus.COMPLETED)


async def _advance(ui: Presenter, svc: Services, quiz_id: int) -> bool:
    """Close the open question if it is over, post the next; True when the game is over."""
    quiz = await svc.repo.quizzes.quiz(quiz_id)
    if quiz is None or not quiz.is_open:
        return False
    stored = await svc.repo.questions.of_quiz(quiz_id)
    total = max(len(stored), quiz.num_questions)
    current = _open_question(stored)
    if current is not None:
        assert current.live_deadline is not None
        if svc.clock() < current.live_deadline and not await everyone_answered(
            svc, quiz, current.index
        ):
            # Still counting (after a restart too): its timer moves the game on.
            await arm(svc, quiz_id, current.live_deadline)
            return False
        await _close(ui, svc, quiz, current, total)
    following = next((q for q in stored if q.message_id is None), None)
    if following is None:
        fresh = await svc.repo.quizzes.quiz(quiz_id)
        # While the model still writes, the next question's arrival calls this again.
        return fresh is not None and not fresh.writing
    if current is not None and is_group(quiz):
        await live_board.show_standings(ui, svc, quiz)
    await _post(ui, svc, quiz, following, total)
    return False


async def _close(
    ui: Presenter, svc: Services, quiz: QuizRow, sq: StoredQuestion, total: int
) -> None:
    """The game moves past `sq`: stored first, so that a restart never closes it twice."""
    if not await svc.repo.questions.close_live_question(quiz.id, sq.index):
        return
    if sq.style == POLL:
        # Telegram closed the poll itself at its close_date (a 400 if stopped again).
        if sq.close_date is None or sq.close_date > svc.clock():
            await ui.stop_poll(quiz, sq)
    else:
        await ui.reveal(
            quiz, sq, total, await svc.repo.answers.answer_count(quiz.id, index=sq.index)
        )


async def _post(
    ui: Presenter, svc: Services, quiz: QuizRow, sq: StoredQuestion, total: int
) -> None:
    seconds = quiz.live_seconds or svc.settings.quiz_live_seconds
    posted = await ui.live_question(quiz, sq, total, seconds)
    # Elapsed time counts from here: Telegram tells a bot when an answer arrives, not when
    # it was tapped, so both ends are our own clock's.
    sent_at = svc.clock()
    deadline = sent_at + seconds
    await svc.repo.questions.set_live_question_sent(
        quiz.id, sq.index, posted.message_id, posted.poll_id, posted.close_date, sent_at, deadline
    )
    await arm(svc, quiz.id, deadline)
