"""Inline-keyboard answers and the "Try again" button."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from handlers.common import acknowledge, display_name, lang_of
from i18n import tr
from quiz.render import parse_answer_callback
from services import quizflow
from services.context import services
from services.errors import RETRY_PREFIX
from services.permissions import may_stop

log = logging.getLogger(__name__)


async def answer_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store a tap on a keyboard question after checking it belongs to this chat's quiz."""
    query, user, chat = update.callback_query, update.effective_user, update.effective_chat
    if query is None or user is None:
        return
    lang = await lang_of(update, context)
    tap = parse_answer_callback(query.data or "")
    svc = services(context)
    found = await svc.repo.question(tap.quiz_id, tap.question_index) if tap else None
    if (
        tap is None
        or found is None
        or chat is None
        or found[0].chat_id != chat.id
        or found[1].message_id != (query.message.message_id if query.message else None)
        or not 0 <= tap.position < len(found[1].order)
    ):
        log.warning("Refused callback data (update %s)", update.update_id)
        await acknowledge(query, tr(lang, "invalid_button"))
        return
    quiz, question = found
    result, complete = await quizflow.record_answer(
        svc, quiz, question, user_id=user.id, user_name=display_name(user), position=tap.position
    )
    await acknowledge(query, tr(lang, result.value))
    if complete:
        await quizflow.finish_quiz(context.bot, svc, quiz.id, "completed")


async def retry_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Try the feedback again after the model failed."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    await acknowledge(query)
    svc = services(context)
    try:
        quiz_id = int((query.data or "").removeprefix(RETRY_PREFIX))
    except ValueError:
        return
    quiz = await svc.repo.quiz(quiz_id)
    if quiz is None or quiz.chat_id != chat.id or quiz.state != "submitting":
        return
    if query.message is not None:
        await context.bot.delete_message(chat.id, query.message.message_id)
    await quizflow.deliver_feedback(context.bot, svc, quiz_id)


async def finish_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The group's "Finish quiz" button: the starter or an admin ends the quiz."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    lang = await lang_of(update, context)
    svc = services(context)
    try:
        quiz_id = int((query.data or "").removeprefix(quizflow.FINISH_PREFIX))
    except ValueError:
        quiz_id = -1
    quiz = await svc.repo.quiz(quiz_id)
    chat = update.effective_chat
    if quiz is None or chat is None or quiz.chat_id != chat.id:
        await acknowledge(query, tr(lang, "invalid_button"))
        return
    if not quiz.is_open:
        await acknowledge(query, tr(lang, "quiz_closed"))
        return
    if not await may_stop(context.bot, quiz, user.id):
        await acknowledge(query, tr(lang, "finish_not_allowed"))
        return
    await acknowledge(query)
    await quizflow.stop_quiz(context.bot, svc, quiz)


HANDLERS = [
    CallbackQueryHandler(retry_button, pattern=f"^{RETRY_PREFIX}", block=False),
    CallbackQueryHandler(finish_button, pattern=f"^{quizflow.FINISH_PREFIX}", block=False),
    # Everything else is checked (and refused politely) by answer_button itself.
    CallbackQueryHandler(answer_button, block=False),
]
