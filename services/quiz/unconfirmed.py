"""Answers stored before their sender's membership verdict (services/quiz/participants.py).

Someone not seen in the quiz's chat lately may have voted on a forwarded copy of its poll, so
their answer counts only once Telegram calls them a member. Asking takes a round trip; rather
than hold the answer in memory meanwhile, it is written at once into `unconfirmed_answers`,
where nothing that counts answers (scoring, completion, results, a live game, /stop's
submission) sees it, and its update is settled. The verdict, in a later batch of the answer
writer, moves the person's unconfirmed answers to the quiz into `answers` or drops them. A
close waits for the verdicts under way (`Participants.settled`), so no vote cast before it
is lost; what a crash leaves unconfirmed is decided at the next start (`decide_left`).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable

from telegram import Bot

from services.quiz.answer_batch import AnswerWriter, Outcome
from services.quiz.participants import Participants, Spawn
from storage import QuizRow, StoredQuestion
from storage.answers import AnswerStore, NewAnswer, Verdict
from storage.quizzes import QuizStore

log = logging.getLogger(__name__)

# Closes a quiz a verdict completed (in a task of its own).
Finish = Callable[[int], object]


class UnconfirmedAnswers:
    """Newcomers' answers, held until their verdict (built in services/wiring)."""

    def __init__(
        self,
        *,
        answers: AnswerStore,
        quizzes: QuizStore,
        writer: AnswerWriter,
        participants: Participants,
        bot: Bot,
        clock: Callable[[], float],
    ) -> None:
        self._answers = answers
        self._quizzes = quizzes
        self._writer = writer
        self._participants = participants
        self._bot = bot
        self._clock = clock

    def hold(
        self,
        quiz: QuizRow,
        question: StoredQuestion,
        *,
        user_id: int,
        user_name: str,
        position: int,
        spawn: Spawn,
    ) -> tuple[asyncio.Future[Outcome], asyncio.Future[Outcome | None] | None]:
        """`hold` below, now, with this bot."""
        return hold(
            self._writer,
            self._participants,
            self._bot,
            quiz,
            question,
            user_id=user_id,
            user_name=user_name,
            position=position,
            now=self._clock(),
            spawn=spawn,
        )

    async def decide_left(self, finish: Finish, spawn: Spawn) -> int:
        """`decide_left` below, with this bot."""
        return await decide_left(
            self._answers,
            self._quizzes,
            self._writer,
            self._participants,
            self._bot,
            finish,
            spawn,
        )


def hold(
    writer: AnswerWriter,
    participants: Participants,
    bot: Bot,
    quiz: QuizRow,
    question: StoredQuestion,
    *,
    user_id: int,
    user_name: str,
    position: int,
    now: float,
    spawn: Spawn = asyncio.ensure_future,
) -> tuple[asyncio.Future[Outcome], asyncio.Future[Outcome | None] | None]:
    """Store the answer unconfirmed and ask about its sender (one request, shared by their
    other answers). Returns when the answer is durable, and the outcome of its verdict once
    that is durable (None when there was none: the request failed, and a later answer's
    verdict or the next start decides it). No outcome (None instead of a future) when an
    earlier answer's verdict, still on its way, decides this one too."""
    held = writer.submit(
        NewAnswer(quiz.id, question.index, user_id, user_name, question.order[position], now, False)
    )
    verdict = participants.asking(bot, quiz, user_id, spawn=spawn)
    key = (quiz.id, user_id)
    earlier = participants.deciding.get(key)
    # That verdict is written once it arrives, after this answer (the writer keeps order).
    if earlier is not None and earlier[0] is verdict and not verdict.done():
        return held, None
    decided = _decide(writer, participants, quiz.id, user_id, verdict)
    participants.deciding[key] = (verdict, decided)
    decided.add_done_callback(lambda _: _forget(participants, key, decided))
    return held, decided


def _forget(
    participants: Participants, key: tuple[int, int], decided: asyncio.Future[Outcome | None]
) -> None:
    entry = participants.deciding.get(key)
    if entry is not None and entry[1] is decided:
        del participants.deciding[key]


def _decide(
    writer: AnswerWriter,
    participants: Participants,
    quiz_id: int,
    user_id: int,
    verdict: asyncio.Future[bool],
) -> asyncio.Future[Outcome | None]:
    """Once `verdict` is in: write it (in a batch after every answer handed on before, so
    after the unconfirmed answers it decides). A close of the quiz waits for the returned
    future."""
    decided: asyncio.Future[Outcome | None] = asyncio.get_running_loop().create_future()
    participants.track(quiz_id, decided)

    def ready(_: object) -> None:
        if decided.done():
            return
        if verdict.cancelled():
            decided.cancel()  # shutdown: decided at the next start
        elif verdict.exception() is not None:
            decided.set_result(None)  # reported by the request's task
        else:
            written = writer.submit(Verdict(quiz_id, user_id, verdict.result()))
            written.add_done_callback(lambda done: _copy(done, decided))

    verdict.add_done_callback(ready)
    return decided


def _copy(done: asyncio.Future[Outcome], into: asyncio.Future[Outcome | None]) -> None:
    if into.done():
        return
    if done.cancelled():
        into.cancel()
    elif (error := done.exception()) is not None:
        into.set_exception(error)
    else:
        into.set_result(done.result())


async def decide_left(
    answers: AnswerStore,
    quizzes: QuizStore,
    writer: AnswerWriter,
    participants: Participants,
    bot: Bot,
    finish: Finish,
    spawn: Spawn = asyncio.ensure_future,
) -> int:
    """At start: ask about the senders of the unconfirmed answers a previous process left
    (how many people), and close a quiz that their verdicts complete."""
    left = await answers.unconfirmed()
    for quiz_id, user_id in left:
        quiz = await quizzes.quiz(quiz_id)
        if quiz is None or not quiz.is_open:
            continue
        verdict = participants.asking(bot, quiz, user_id, spawn=spawn)
        decided = _decide(writer, participants, quiz_id, user_id, verdict)
        decided.add_done_callback(functools.partial(_finish_if_complete, quiz, finish))
    if left:
        log.info("Deciding the unconfirmed answers of %d participant(s)", len(left))
    return len(left)


def _finish_if_complete(
    quiz: QuizRow, finish: Finish, done: asyncio.Future[Outcome | None]
) -> None:
    if done.cancelled() or done.exception() is not None:
        return
    outcome = done.result()
    # A live game decides itself when it is over.
    if outcome is not None and outcome[1] and not quiz.is_live:
        finish(quiz.id)
