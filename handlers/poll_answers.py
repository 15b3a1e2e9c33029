"""Answers to native quiz polls (`poll_answer` updates; polls are never anonymous)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import PollAnswerHandler

from handlers.common import display_name
from quiz.states import SubmissionStatus
from services.context import BotContext
from services.quiz import answers, closing, live, lookup

log = logging.getLogger(__name__)


async def poll_answer(update: Update, context: BotContext) -> None:
    """Store a participant's answer to one of our quiz polls."""
    answer, user = update.poll_answer, update.effective_user
    if answer is None or user is None or not answer.option_ids:
        return
    svc = context.services
    found = await lookup.question_for_poll(svc, answer.poll_id)
    if found is None:
        log.info("poll_answer for unknown poll (update %s)", update.update_id)
        return
    quiz, question = found
    position = answer.option_ids[0]
    if not 0 <= position < len(question.order):
        log.warning(
            "poll_answer with option %s out of range (update %s)", position, update.update_id
        )
        return
    result, complete = await answers.record_answer(
        svc, quiz, question, user_id=user.id, user_name=display_name(user), position=position
    )
    if quiz.is_live and result == answers.AnswerResult.SAVED:
        await live.answered(context.presenter, svc, quiz, question)
    if complete:
        await closing.finish_quiz(context.presenter, svc, quiz.id, SubmissionStatus.COMPLETED)


HANDLERS = [PollAnswerHandler(poll_answer, block=False)]
