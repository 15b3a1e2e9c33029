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
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram.error import Forbidden

from quiz.render import POLL
from quiz.states import SubmissionStatus
from services.events import AnswersRecorded, EventBus
from services.keyed_locks import Locks
from services.quiz.common import LIVE_STEP, QuizTimers, chat_refused, is_group
from services.quiz.live_board import LiveBoard
from services.quiz.presenter import Presenter
from storage import QuizRow, StoredQuestion
from storage.answers import AnswerStore
from storage.questions import QuestionStore
from storage.quizzes import QuizStore

log = logging.getLogger(__name__)

# Closes a quiz (QuizClosing.finish); False if it was closed already.
Finish = Callable[[int, SubmissionStatus], Awaitable[bool]]
# Runs a task beside the updates (the Application's create_task).
Spawn = Callable[[Coroutine[Any, Any, None]], object]


def _open_question(stored: list[StoredQuestion]) -> StoredQuestion | None:
    return next((q for q in stored if q.message_id is not None and not q.live_closed), None)


class LiveGame:
    def __init__(
        self,
        *,
        quizzes: QuizStore,
        questions: QuestionStore,
        answers: AnswerStore,
        ui: Presenter,
        board: LiveBoard,
        timers: QuizTimers,
        locks: Locks,
        finish: Finish,
        clock: Callable[[], float],
        live_seconds: int,
    ) -> None:
        self._quizzes = quizzes
        self._questions = questions
        self._answers = answers
        self._ui = ui
        self._board = board
        self._timers = timers
        # Serialises a live game's steps (an answer, its timer, /stop): one question open.
        self._locks = locks
        self._finish = finish
        self._clock = clock
        # A question's seconds when the quiz does not say (QUIZ_LIVE_SECONDS).
        self._live_seconds = live_seconds

    def subscribe(self, events: EventBus, spawn: Spawn) -> None:
        async def moves_on(event: AnswersRecorded) -> None:
            # Inside the answer writer: only a (cached) read per quiz of the batch; checking
            # whether everyone answered, and posting the next question, run as tasks of
            # their own, so one chat's game never holds up another chat's answers.
            for quiz_id, index in dict.fromkeys((a.quiz_id, a.index) for a in event.answers):
                quiz = await self._quizzes.quiz(quiz_id)
                if quiz is not None and quiz.is_live:
                    spawn(self.answered(quiz, index))

        events.subscribe(AnswersRecorded, moves_on)

    async def arm(self, quiz_id: int, at: float) -> None:
        """Run the game's next step at `at` (at once if it has passed); replaces an earlier
        one."""
        await self._timers.arm(LIVE_STEP, quiz_id, at)

    async def step(self, quiz_id: int) -> None:
        """The open question's time is up."""
        try:
            await self.advance(quiz_id)
        except Forbidden:
            await chat_refused(self._quizzes, quiz_id)

    async def everyone_answered(self, quiz: QuizRow, index: int) -> bool:
        """Private: the player answered it. Groups: every member but the bot did (as counted
        when the game started; without a count, only the time moves the game on)."""
        if not is_group(quiz):
            count = await self._answers.answer_count(quiz.id, user_id=quiz.starter_id, index=index)
            return count > 0
        if quiz.member_count is None:
            return False
        return await self._answers.answer_count(quiz.id, index=index) >= quiz.member_count - 1

    async def answered(self, quiz: QuizRow, index: int) -> None:
        """Answers to question `index` were stored (`subscribe` follows AnswersRecorded):
        the next question goes out now if they were the last ones due."""
        if await self.everyone_answered(quiz, index):
            await self.advance(quiz.id)

    async def advance(self, quiz_id: int) -> None:
        """Move the game on as far as it can go now; finish it after its last question."""
        async with self._locks.hold(quiz_id):
            finished = await self._advance(quiz_id)
        if finished:
            await self._finish(quiz_id, SubmissionStatus.COMPLETED)

    async def _advance(self, quiz_id: int) -> bool:
        """Close the open question if it is over, post the next; True when the game is over."""
        quiz = await self._quizzes.quiz(quiz_id)
        if quiz is None or not quiz.is_open:
            return False
        stored = await self._questions.of_quiz(quiz_id)
        total = max(len(stored), quiz.num_questions)
        current = _open_question(stored)
        if current is not None:
            assert current.live_deadline is not None
            if self._clock() < current.live_deadline and not await self.everyone_answered(
                quiz, current.index
            ):
                # Still counting (after a restart too): its timer moves the game on.
                await self.arm(quiz_id, current.live_deadline)
                return False
            await self._close(quiz, current, total)
        following = next((q for q in stored if q.message_id is None), None)
        if following is None:
            fresh = await self._quizzes.quiz(quiz_id)
            # While the model still writes, the next question's arrival calls this again.
            return fresh is not None and not fresh.writing
        if current is not None and is_group(quiz):
            await self._board.show_standings(quiz)
        await self._post(quiz, following, total)
        return False

    async def _close(self, quiz: QuizRow, sq: StoredQuestion, total: int) -> None:
        """The game moves past `sq`: stored first, so that a restart never closes it twice."""
        if not await self._questions.close_live_question(quiz.id, sq.index):
            return
        if sq.style == POLL:
            # Telegram closed the poll itself at its close_date (a 400 if stopped again).
            if sq.close_date is None or sq.close_date > self._clock():
                await self._ui.stop_poll(quiz, sq)
        else:
            answered = await self._answers.answer_count(quiz.id, index=sq.index)
            await self._ui.reveal(quiz, sq, total, answered)

    async def _post(self, quiz: QuizRow, sq: StoredQuestion, total: int) -> None:
        seconds = quiz.live_seconds or self._live_seconds
        posted = await self._ui.live_question(quiz, sq, total, seconds)
        # Elapsed time counts from here: Telegram tells a bot when an answer arrives, not
        # when it was tapped, so both ends are our own clock's.
        sent_at = self._clock()
        deadline = sent_at + seconds
        await self._questions.set_live_question_sent(
            quiz.id,
            sq.index,
            posted.message_id,
            posted.poll_id,
            posted.close_date,
            sent_at,
            deadline,
        )
        await self.arm(quiz.id, deadline)
