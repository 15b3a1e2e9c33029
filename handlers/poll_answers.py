"""Answers to native quiz polls (`poll_answer` updates; polls are never anonymous)."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.ext import PollAnswerHandler

from handlers.common import display_name
from quiz.states import SubmissionStatus
from services import inbox
from services.context import BotContext
from services.inbox import SettledLater
from storage import QuizRow, StoredQuestion

log = logging.getLogger(__name__)

# A vote can outrun its poll's id: cast while sendPoll's answer is still on its way to us,
# or handled by another worker before the sending one has committed the id. Looked up again
# after each of these pauses (seconds) before it is dropped as not ours.
UNKNOWN_POLL_PAUSES = (0.2, 0.5, 1.0, 2.0)


async def poll_answer(update: Update, context: BotContext) -> SettledLater | None:
    """Store a participant's answer to one of our quiz polls."""
    answer, user = update.poll_answer, update.effective_user
    if answer is None or user is None or not answer.option_ids:
        return None
    found = await context.quiz_lookup.question_for_poll(answer.poll_id)
    if found is None:
        # In a task of its own: the answers behind it are not held up by its pauses.
        settle = inbox.settle_later(context, update)
        context.application.create_task(_when_known(update, context, settle), update=update)
        return inbox.SETTLED_LATER
    quiz, question = found
    position = answer.option_ids[0]
    if not 0 <= position < len(question.order):
        log.warning(
            "poll_answer with option %s out of range (update %s)", position, update.update_id
        )
        return None
    if not quiz.is_open:
        return None
    settle = inbox.settle_later(context, update)
    member = context.participants.known(quiz, user.id)
    if member is None:
        # Someone not seen in this chat lately: the answer is stored at once, unconfirmed,
        # and one request (shared by their other answers) decides it later, so the answers
        # behind it are not held up, and the close waits for the verdict.
        _hold(update, context, quiz, question, position, settle)
    elif member:
        _submit(update, context, quiz, question, position, settle)
    else:
        _ignore(update, quiz, settle)
    return inbox.SETTLED_LATER


async def _when_known(update: Update, context: BotContext, settle: Callable[[], None]) -> None:
    """Handle the vote once its poll is known; drop it if it never is."""
    assert update.poll_answer is not None
    try:
        for pause in UNKNOWN_POLL_PAUSES:
            await asyncio.sleep(pause)
            if await context.quiz_lookup.question_for_poll(update.poll_answer.poll_id):
                if await poll_answer(update, context) is not inbox.SETTLED_LATER:
                    settle()
                return
        log.info("poll_answer for unknown poll (update %s)", update.update_id)
        settle()
    except Exception:
        settle()  # reported by the error handler, as a failed handler's is
        raise


def _ignore(update: Update, quiz: QuizRow, settle: Callable[[], None]) -> None:
    # A vote on a forwarded copy, from outside the quiz's chat: it never counts.
    log.info("Quiz %s: vote from outside its chat ignored (update %s)", quiz.id, update.update_id)
    settle()


def _hold(
    update: Update,
    context: BotContext,
    quiz: QuizRow,
    question: StoredQuestion,
    position: int,
    settle: Callable[[], None],
) -> None:
    user = update.effective_user
    assert user is not None
    # The request is the application's task: a shutdown waits for it, and its failure
    # goes to the error handler, as a failed handler's does.
    spawn = functools.partial(context.application.create_task, update=update)
    held, decided = context.unconfirmed.hold(
        quiz,
        question,
        user_id=user.id,
        user_name=display_name(user),
        position=position,
        spawn=spawn,
    )
    # Durable (unconfirmed): settled; what a crash leaves is decided at the next start.
    _when_written(update, context, quiz, held, settle)
    if decided is not None:
        _when_written(update, context, quiz, decided, lambda: None)


def _submit(
    update: Update,
    context: BotContext,
    quiz: QuizRow,
    question: StoredQuestion,
    position: int,
    settle: Callable[[], None],
) -> None:
    user = update.effective_user
    assert user is not None
    # Nobody is told anything, so nothing waits for the commit: the next update is taken at
    # once, and the answer is settled (and the quiz completed) when its batch is durable.
    durable = context.quiz_answers.submit(
        quiz, question, user_id=user.id, user_name=display_name(user), position=position
    )
    _when_written(update, context, quiz, durable, settle)


def _when_written(
    update: Update,
    context: BotContext,
    quiz: QuizRow,
    written: asyncio.Future[Any],
    settle: Callable[[], None],
) -> None:
    """Once `written` is durable: settle the update, report a failure, close the quiz it
    completed."""
    application = context.application

    def committed(done: asyncio.Future[Any]) -> None:
        if done.cancelled():
            return  # not written (shutdown): left in the inbox, replayed at the next start
        # Written, or failed (reported, as a handler's failure is): settled either way.
        settle()
        if not application.running:
            return  # shutting down: the quiz then ends by its deadline or /stop
        error = done.exception()
        if isinstance(error, Exception):
            application.create_task(application.process_error(update, error), update=update)
        elif (outcome := done.result()) is not None and outcome[1] and not quiz.is_live:
            # A live game decides itself when it is over: it moves on once everyone has
            # answered (LiveGame follows AnswersRecorded).
            application.create_task(
                context.closing.finish(quiz.id, SubmissionStatus.COMPLETED),
                update=update,
            )

    written.add_done_callback(committed)


# Blocking: it only hands the answer on, so a task per answer would cost more than it does.
HANDLERS = [PollAnswerHandler(poll_answer)]
