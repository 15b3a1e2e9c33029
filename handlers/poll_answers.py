"""Answers to native quiz polls (`poll_answer` updates; polls are never anonymous)."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import PollAnswerHandler

from handlers.common import display_name
from quiz.states import SubmissionStatus
from services import inbox
from services.context import BotContext
from services.inbox import SettledLater
from services.quiz import answers, closing, live, lookup

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
    # Nobody is told anything, so nothing waits for the commit: the next update is taken at
    # once, and the answer is settled (and the quiz completed) when its batch is durable.
    durable = answers.submit_answer(
        svc, quiz, question, user_id=user.id, user_name=display_name(user), position=position
    )
    settle = inbox.settle_later(context, update)
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
        elif quiz.is_live:
            # A live game decides itself whether the question (or the game) is over; a poll
            # stops taking answers by itself when its open_period ends.
            if done.result()[0] == answers.AnswerResult.SAVED:
                application.create_task(
                    live.answered(context.presenter, svc, quiz, question), update=update
                )
        elif done.result()[1]:
            application.create_task(
                closing.finish_quiz(context.presenter, svc, quiz.id, SubmissionStatus.COMPLETED),
                update=update,
            )

    durable.add_done_callback(committed)
    return inbox.SETTLED_LATER


# Blocking: it only hands the answer on, so a task per answer would cost more than it does.
HANDLERS = [PollAnswerHandler(poll_answer)]
