"""Answers to native quiz polls (`poll_answer` updates; polls are never anonymous)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import PollAnswerHandler

from handlers.common import display_name
from quiz.states import SubmissionStatus
from services import inbox
from services.context import BotContext
from services.inbox import SettledLater
from services.quiz import answers, closing, lookup
from storage import QuizRow, StoredQuestion

log = logging.getLogger(__name__)


async def poll_answer(update: Update, context: BotContext) -> SettledLater | None:
    """Store a participant's answer to one of our quiz polls."""
    answer, user = update.poll_answer, update.effective_user
    if answer is None or user is None or not answer.option_ids:
        return None
    svc = context.services
    found = await lookup.question_for_poll(svc, answer.poll_id)
    if found is None:
        log.info("poll_answer for unknown poll (update %s)", update.update_id)
        return None
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
    member = svc.participants.known(quiz, user.id)
    if member is None:
        # Someone not seen in this quiz yet: asked about in a task of its own, so that the
        # answers behind this one are not held up by the request.
        check = context.application.create_task(
            _check_then_submit(update, context, quiz, question, position, settle), update=update
        )
        svc.participants.track(quiz.id, check)
    elif member:
        _submit(update, context, quiz, question, position, settle)
    else:
        _ignore(update, quiz, settle)
    return inbox.SETTLED_LATER


def _ignore(update: Update, quiz: QuizRow, settle: Callable[[], None]) -> None:
    # A vote on a forwarded copy, from outside the quiz's chat: it never counts.
    log.info("Quiz %s: vote from outside its chat ignored (update %s)", quiz.id, update.update_id)
    settle()


async def _check_then_submit(
    update: Update,
    context: BotContext,
    quiz: QuizRow,
    question: StoredQuestion,
    position: int,
    settle: Callable[[], None],
) -> None:
    assert update.effective_user is not None
    try:
        member = await context.services.participants.counts(
            context.bot, quiz, update.effective_user.id
        )
    except TelegramError:
        settle()  # reported by the error handler, as a failed answer is
        raise
    if member:
        _submit(update, context, quiz, question, position, settle)
    else:
        _ignore(update, quiz, settle)


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
    svc = context.services
    # Nobody is told anything, so nothing waits for the commit: the next update is taken at
    # once, and the answer is settled (and the quiz completed) when its batch is durable.
    durable = answers.submit_answer(
        svc, quiz, question, user_id=user.id, user_name=display_name(user), position=position
    )
    application = context.application

    def committed(done: asyncio.Future[tuple[answers.AnswerResult, bool]]) -> None:
        if done.cancelled():
            return  # not written (shutdown): left in the inbox, replayed at the next start
        # Written, or failed (reported, as a handler's failure is): settled either way.
        settle()
        if not application.running:
            return  # shutting down: the quiz then ends by its deadline or /stop
        error = done.exception()
        if isinstance(error, Exception):
            application.create_task(application.process_error(update, error), update=update)
        elif done.result()[1] and not quiz.is_live:
            # A live game decides itself when it is over: it moves on once everyone has
            # answered (services/wiring.py follows AnswersRecorded).
            application.create_task(
                closing.finish_quiz(context.presenter, svc, quiz.id, SubmissionStatus.COMPLETED),
                update=update,
            )

    durable.add_done_callback(committed)


# Blocking: it only hands the answer on, so a task per answer would cost more than it does.
HANDLERS = [PollAnswerHandler(poll_answer)]
