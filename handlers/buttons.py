"""Inline-keyboard answers and the "Try again" button."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import CallbackQueryHandler

from handlers.common import acknowledge, display_name, lang_of, tapped_message
from i18n import tr
from quiz import callbacks
from quiz.states import QuizState, SubmissionStatus
from services.context import BotContext
from services.permissions import may_stop

log = logging.getLogger(__name__)


async def answer_button(update: Update, context: BotContext) -> None:
    """Store a tap on a keyboard question after checking it belongs to this chat's quiz."""
    query, user, chat = update.callback_query, update.effective_user, update.effective_chat
    if query is None or user is None:
        return
    lang = await lang_of(update, context)
    tap = callbacks.parse_answer(query.data or "")
    found = await context.quiz_lookup.question(tap.quiz_id, tap.question_index) if tap else None
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
    if quiz.is_open and not await context.participants.counts(context.bot, quiz, user.id):
        # A visitor of a public group, or someone who left it: their tap never counts.
        await acknowledge(query, tr(lang, "not_a_participant"))
        return
    result, complete = await context.quiz_answers.record(
        quiz, question, user_id=user.id, user_name=display_name(user), position=tap.position
    )
    await acknowledge(query, tr(lang, result.value))
    # A live game moves on by itself once everyone has answered (LiveGame.subscribe).
    if complete:
        await context.closing.finish(quiz.id, SubmissionStatus.COMPLETED)


async def unknown_button(update: Update, context: BotContext) -> None:
    """Refuse data none of our buttons sends (forged, or from a button since removed)."""
    query = update.callback_query
    if query is None:
        return
    log.warning("Refused callback data (update %s)", update.update_id)
    await acknowledge(query, tr(await lang_of(update, context), "invalid_button"))


async def retry_button(update: Update, context: BotContext) -> None:
    """Try the feedback again after the model failed."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    # Only the error message itself goes: forged data must not delete a quiz or feedback.
    message = tapped_message(query)
    quiz_id = callbacks.parse_quiz_id(callbacks.RETRY, query.data or "")
    if message is None or quiz_id is None:
        log.warning("Refused callback data (update %s)", update.update_id)
        await acknowledge(query, tr(await lang_of(update, context), "invalid_button"))
        return
    await acknowledge(query)
    quiz = await context.quiz_lookup.quiz(quiz_id)
    if quiz is None or quiz.chat_id != chat.id or quiz.state != QuizState.SUBMITTING:
        return
    await context.bot.delete_message(chat.id, message.message_id)
    # The answers may have reached the model before the last attempt failed.
    await context.closing.deliver_feedback(quiz_id, resumed=True)


async def cancel_button(update: Update, context: BotContext) -> None:
    """Close a quiz whose feedback keeps failing (its starter or an admin), freeing the chat."""
    query, user, chat = update.callback_query, update.effective_user, update.effective_chat
    if query is None or user is None or chat is None:
        return
    lang = await lang_of(update, context)
    quiz_id = callbacks.parse_quiz_id(callbacks.CANCEL, query.data or "")
    quiz = None if quiz_id is None else await context.quiz_lookup.quiz(quiz_id)
    if quiz is None or quiz.chat_id != chat.id:
        await acknowledge(query, tr(lang, "invalid_button"))
        return
    if quiz.state != QuizState.SUBMITTING:
        await acknowledge(query, tr(lang, "quiz_closed"))
        return
    if not await may_stop(context.bot, quiz, user.id):
        await acknowledge(query, tr(lang, "cancel_not_allowed"))
        return
    await acknowledge(query)
    if await context.closing.cancel_stuck(quiz) and query.message:
        await context.bot.delete_message(chat.id, query.message.message_id)


async def finish_button(update: Update, context: BotContext) -> None:
    """The group's "Finish quiz" button: the starter or an admin ends the quiz."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    lang = await lang_of(update, context)
    quiz_id = callbacks.parse_quiz_id(callbacks.FINISH, query.data or "")
    quiz = None if quiz_id is None else await context.quiz_lookup.quiz(quiz_id)
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
    await context.closing.stop(quiz)


HANDLERS = [
    CallbackQueryHandler(retry_button, pattern=callbacks.pattern(callbacks.RETRY), block=False),
    CallbackQueryHandler(finish_button, pattern=callbacks.pattern(callbacks.FINISH), block=False),
    CallbackQueryHandler(cancel_button, pattern=callbacks.pattern(callbacks.CANCEL), block=False),
    CallbackQueryHandler(answer_button, pattern=callbacks.pattern(callbacks.ANSWER), block=False),
    CallbackQueryHandler(unknown_button, pattern=callbacks.UNKNOWN_PATTERN),
]
