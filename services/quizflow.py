"""The quiz lifecycle: generating → open → submitting → done (or failed/cancelled).

Every step writes its result to SQLite before the next step talks to Telegram or the model,
so a re-delivered update or a restart finds the state and carries on instead of repeating.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from html import escape
from typing import Any, cast

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Poll
from telegram.constants import ChatType, MessageLimit, ParseMode, PollLimit
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import CallbackContext

from engine import EngineError, EngineRejectedError, NoToolCallError, QuizRequest, ToolCall
from engine.base import StreamedQuestion
from i18n import tr
from quiz.feedback import Citation, html_to_plain, to_html_chunks, with_footnotes
from quiz.grounding import append_block, quotes_html, verify_quotes
from quiz.model import Question, Quiz
from quiz.render import (
    POLL,
    choose_style,
    keyboard_buttons,
    keyboard_text,
    poll_spec,
    shuffled_order,
)
from quiz.results import clock, leaderboard_html
from quiz.scoring import (
    SubmissionStatus,
    build_submission,
    in_model_order,
    standings,
    submission_json,
)
from quiz.validation import InvalidQuizError, clean_title, parse_question, parse_quiz
from services import documents, learning, quotas
from services.chat_action import keep_typing
from services.context import Services, services
from services.errors import UserFacingError
from storage import QuizAlreadyOpenError, QuizRow
from storage.conversation import PendingQuiz
from storage.repository import StoredQuestion

log = logging.getLogger(__name__)

MIN_QUESTIONS = 1
MAX_TOPIC_LENGTH = 200


@dataclass(frozen=True, slots=True)
class QuizCommand:
    """A parsed `/quiz [N] topic…`."""

    requested: int | None
    topic: str


def parse_quiz_args(args: Sequence[str]) -> QuizCommand:
    words = list(args)
    requested: int | None = None
    if words and words[0].lstrip("+-").isdigit():
        requested = int(words.pop(0))
    return QuizCommand(requested, " ".join(words).strip()[:MAX_TOPIC_LENGTH])


def clamp_questions(requested: int | None, default: int, maximum: int) -> tuple[int, bool]:
    if requested is None:
        return default, False
    n = max(MIN_QUESTIONS, min(requested, maximum))
    return n, n != requested


def _thread(quiz: QuizRow) -> int | None:
    return quiz.thread_id or None


def is_group(quiz: QuizRow) -> bool:
    return quiz.chat_type in (ChatType.GROUP, ChatType.SUPERGROUP)


FINISH_PREFIX = "finish:"


async def _request(svc: Services, quiz: QuizRow) -> QuizRequest:
    stores = await documents.quiz_stores(svc, quiz.chat_id)
    return QuizRequest(
        topic=quiz.topic,
        num_questions=quiz.num_questions,
        vector_store_ids=stores,
        group=is_group(quiz),
        chat_id=quiz.chat_id,
        user_id=quiz.starter_id,
        review_of=await learning.review_request(svc, quiz),  # learning hook (issue 14)
    )


def _engine_error_key(exc: EngineError) -> str:
    if isinstance(exc, NoToolCallError):
        # The server answered; the model just did not write a quiz: not an outage.
        return "model_wrote_no_quiz"
    return "openai_rejected" if isinstance(exc, EngineRejectedError) else "openai_unavailable"


async def start_quiz(
    bot: Bot,
    svc: Services,
    *,
    chat_id: int,
    chat_type: str,
    thread_id: int | None,
    user_id: int,
    message_id: int,
    lang: str,
    command: QuizCommand,
    request_key: str | None = None,
) -> None:
    """Create the quiz, have the model write it, and post the questions.

    `request_key` identifies the request when it is not a command message (a button tap), so
    that a re-delivered update is a no-op.
    """
    key = request_key or f"{chat_id}:{message_id}"
    settings = svc.settings
    if (
        not command.topic
        and not settings.vector_store_id
        and not await svc.repo.has_ready_documents(chat_id)
        # Before the start checks: they apply when the quiz really starts.
        and await _waits_for_documents(
            svc,
            PendingQuiz(
                chat_id=chat_id,
                thread_id=thread_id or 0,
                chat_type=chat_type,
                user_id=user_id,
                message_id=message_id,
                lang=lang,
                requested=command.requested,
                topic=command.topic,
                request_key=key,
                created_at=svc.clock(),
            ),
        )
    ):
        return
    # Who may start, the cooldown and the daily limits, before anything reaches the model.
    await quotas.check_start(
        bot,
        svc,
        chat_id=chat_id,
        chat_type=chat_type,
        thread_id=thread_id,
        user_id=user_id,
        lang=lang,
        request_key=key,
    )
    if (
        not command.topic
        and not settings.vector_store_id
        and not await svc.repo.has_ready_documents(chat_id)
    ):
        raise UserFacingError("quiz_usage", chat_id=chat_id, lang=lang, thread_id=thread_id)
    n, clamped = clamp_questions(
        command.requested, settings.default_questions, settings.max_questions
    )
    style = await svc.repo.chat_style(chat_id) or settings.quiz_style
    try:
        quiz = await svc.repo.create_quiz(
            chat_id=chat_id,
            thread_id=thread_id or 0,
            chat_type=chat_type,
            starter_id=user_id,
            # The command message identifies the request: a re-delivered /quiz is a no-op.
            request_key=key,
            topic=command.topic,
            num_questions=n,
            style=style,
            lang=lang,
            now=svc.clock(),
        )
    except QuizAlreadyOpenError:
        raise UserFacingError(
            "already_open", chat_id=chat_id, lang=lang, thread_id=thread_id
        ) from None
    if quiz is None:
        log.info("Ignoring a re-delivered /quiz in chat %s", chat_id)
        return

    text = tr(lang, "generating", n=n, topic=escape(command.topic or "📄"))
    if clamped:
        text += "\n" + tr(lang, "clamped", low=MIN_QUESTIONS, high=settings.max_questions, n=n)
    status = await bot.send_message(
        chat_id, text, parse_mode=ParseMode.HTML, message_thread_id=thread_id
    )
    await svc.repo.set_status_message(quiz.id, status.message_id)
    async with keep_typing(bot, chat_id, thread_id):
        await generate(bot, svc, quiz, status.message_id)


async def _waits_for_documents(svc: Services, pending: PendingQuiz) -> bool:
    """A /quiz with nothing to ask about yet, while the chat's document is on its way: store
    it for services.waiting to start when the document is ready. True when the request is
    taken care of (raises to say so), False when the quiz flow goes on as usual."""
    chat_id = pending.chat_id

    def tell(key: str) -> UserFacingError:
        return UserFacingError(
            key, chat_id=chat_id, lang=pending.lang, thread_id=pending.thread_id or None
        )

    conversation = svc.repo.conversation
    if svc.adding_documents.get(chat_id):
        waiting = await conversation.add_pending_quiz(pending)
        if waiting is not None and waiting.request_key == pending.request_key:
            log.info("Ignoring a re-delivered /quiz waiting for documents in chat %s", chat_id)
            return True
        if svc.adding_documents.get(chat_id):
            raise tell("doc_quiz_waiting" if waiting is None else "doc_quiz_already_waiting")
        # The document was done while the request was being stored: take it back, unless
        # the document's end already took (and started) it.
        if waiting is None and not await conversation.take_pending_quiz(chat_id, pending.thread_id):
            return True
    else:
        waiting = await conversation.pending_quiz(chat_id, pending.thread_id)
        if waiting is not None and waiting.request_key == pending.request_key:
            # Replayed after a restart: the restart's recovery starts or answers it.
            log.info("Ignoring a re-delivered /quiz waiting for documents in chat %s", chat_id)
            return True
    # Nothing on its way in this process; a document may still be indexing at OpenAI.
    docs = await documents.refresh(svc, await svc.repo.documents(chat_id))
    if not any(d.state == "ready" for d in docs) and any(d.state == "processing" for d in docs):
        raise tell("doc_quiz_still_indexing")
    return False


async def generate(bot: Bot, svc: Services, quiz: QuizRow, status_message_id: int | None) -> None:
    """Ask the model for the quiz (correcting it once), store it, open it, post it."""
    request = await _request(svc, quiz)

    def failure(key: str) -> UserFacingError:
        return UserFacingError(
            key,
            chat_id=quiz.chat_id,
            lang=quiz.lang,
            thread_id=_thread(quiz),
            edit_message_id=status_message_id,
        )

    streamed = _Streamed(bot, svc, quiz, status_message_id)
    streamed.originals = learning.originals(request)  # learning hook (issue 14)
    try:
        call = await svc.engine.generate(
            request, streamed.question if svc.settings.openai_stream else None
        )
        await svc.repo.set_conversation(quiz.id, call.conversation_id)
        await svc.repo.set_call(quiz.id, call.call_id)
        if streamed.opened or streamed.cancelled:
            await streamed.finish(call, request)
            return
        try:
            parsed = parse_quiz(call.arguments, quiz.num_questions, learning.originals(request))
        except InvalidQuizError as first:
            log.warning("Quiz %s: invalid tool call, asking once more: %s", quiz.id, first)
            call = await svc.engine.correct(call, first.problems, request)
            await svc.repo.set_call(quiz.id, call.call_id)
            parsed = parse_quiz(call.arguments, quiz.num_questions, learning.originals(request))
    except InvalidQuizError as exc:
        log.warning("Quiz %s: invalid again, giving up: %s", quiz.id, exc)
        await svc.repo.set_state(quiz.id, "failed", error="invalid tool call")
        raise failure("invalid_quiz") from exc
    except EngineError as exc:
        log.warning("Quiz %s: the model failed: %s", quiz.id, exc)
        await svc.repo.set_state(quiz.id, "failed", error=type(exc).__name__)
        raise failure(_engine_error_key(exc)) from exc

    # Only quotes found in what file_search retrieved will be shown as sources.
    await open_and_post(bot, svc, quiz, verify_quotes(parsed, call.retrieved), status_message_id)


class _Streamed:
    """Receives streamed questions: the quiz opens with the first valid one and each is
    posted at once, while the model is still writing the rest."""

    def __init__(
        self, bot: Bot, svc: Services, quiz: QuizRow, status_message_id: int | None
    ) -> None:
        self.bot, self.svc, self.quiz, self.status_message_id = bot, svc, quiz, status_message_id
        self.opened = False
        self.cancelled = False
        self.kept = 0
        # The model's indices of malformed questions, and what was wrong with them.
        self.dropped: list[int] = []
        self.originals: tuple[str, ...] = ()  # a review quiz's old questions (issue 14)
        self.problems: list[str] = []

    async def question(self, streamed: StreamedQuestion) -> None:
        quiz, svc, index = self.quiz, self.svc, streamed.index
        if self.cancelled:
            return
        if self.kept >= quiz.num_questions:
            # More than asked for: not a fault of the quiz, and nothing to tell the chat.
            log.info(
                "Quiz %s: question %s is beyond the %s asked for",
                quiz.id,
                index,
                quiz.num_questions,
            )
            return
        try:
            question = parse_question(index, streamed.raw, learning.original(self.originals, index))
        except InvalidQuizError as exc:
            log.warning("Quiz %s: streamed question %s left out: %s", quiz.id, index, exc)
            self.dropped.append(index)
            self.problems += exc.problems
            return
        [question] = verify_quotes(Quiz("", (question,)), streamed.retrieved).questions
        if not self.opened:
            # Stored before the quiz opens: a restart mid-stream can still submit its answers.
            await svc.repo.set_conversation(quiz.id, streamed.conversation_id)
            await svc.repo.set_call(quiz.id, streamed.call_id)
            title = clean_title(streamed.title or quiz.topic)
            if not await svc.repo.open_writing(quiz.id, title, svc.clock()):
                log.info("Quiz %s was cancelled while it was being written", quiz.id)
                self.cancelled = True
                return
            self.opened = True
            await _announce(self.bot, svc, quiz, title, quiz.num_questions, self.status_message_id)
        await self._add(question, index)

    async def _add(self, question: Question, model_index: int) -> None:
        """Store the question under the next number and post it."""
        quiz, svc = self.quiz, self.svc
        await svc.repo.add_question(
            quiz.id,
            self.kept,
            question,
            shuffled_order(len(question.choices), svc.rng),
            choose_style(question, quiz.style),
            model_index=model_index,
        )
        self.kept += 1
        await post_questions(self.bot, svc, quiz.id)

    async def finish(self, call: ToolCall, request: QuizRequest) -> None:
        """The stream is over: replace what was left out, or say the quiz has fewer; then
        let the quiz complete."""
        quiz, svc = self.quiz, self.svc
        if not self.opened:
            return
        if self.dropped and self.kept < quiz.num_questions:
            await self._replace(call, request)
        await svc.repo.finish_writing(quiz.id)
        if self.kept < quiz.num_questions:
            await self._say_fewer()
        current = await svc.repo.quiz(quiz.id)
        # Someone may have answered everything while the last questions were being written.
        if current is not None and current.is_open and await _all_done(svc, current):
            await finish_quiz(self.bot, svc, quiz.id, "completed")

    async def _replace(self, call: ToolCall, request: QuizRequest) -> None:
        """Ask the model once, through the correction path, for the questions left out, and
        post them under the next numbers, so that the quiz has the number asked for."""
        quiz, svc = self.quiz, self.svc
        # Under the quiz's lock: a /stop or the deadline meanwhile submits after this, to
        # the call that holds the questions the quiz has.
        async with svc.lock(quiz.id):
            current = await svc.repo.quiz(quiz.id)
            if current is None or not current.is_open:
                return
            try:
                corrected = await svc.engine.correct(call, self.problems, request)
            except EngineError as exc:
                log.warning("Quiz %s: no replacement for questions left out: %s", quiz.id, exc)
                return
            # The first call now has its output (the problems): answers go to this one,
            # whose indices the stored questions keep.
            await svc.repo.set_call(quiz.id, corrected.call_id)
            raw = _raw_questions(corrected.arguments)
            for index in self.dropped[: quiz.num_questions - self.kept]:
                try:
                    question = parse_question(
                        index,
                        raw[index] if index < len(raw) else None,
                        learning.original(self.originals, index),
                    )
                except InvalidQuizError as exc:
                    log.warning("Quiz %s: replacement %s invalid too: %s", quiz.id, index, exc)
                    continue
                [question] = verify_quotes(Quiz("", (question,)), corrected.retrieved).questions
                await self._add(question, index)

    async def _say_fewer(self) -> None:
        """The quiz has fewer questions than its header and its polls (k/N) said."""
        quiz, svc = self.quiz, self.svc
        current = await svc.repo.quiz(quiz.id)
        if current is None or not current.is_open:
            return
        if self.status_message_id is not None:
            text, markup = _header(svc, current, current.title or "", self.kept)
            try:
                await self.bot.edit_message_text(
                    text,
                    quiz.chat_id,
                    self.status_message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
            except BadRequest as exc:
                log.info("Quiz %s: header not updated: %s", quiz.id, exc.message)
        await self.bot.send_message(
            quiz.chat_id,
            tr(quiz.lang, "questions_dropped", n=self.kept, asked=quiz.num_questions),
            message_thread_id=_thread(quiz),
        )


def _raw_questions(arguments: str) -> list[object]:
    """The questions of a tool call's arguments, however broken the rest is."""
    try:
        raw = json.loads(arguments)
    except json.JSONDecodeError:
        return []
    questions = raw.get("questions") if isinstance(raw, dict) else None
    return list(questions) if isinstance(questions, list) else []


async def open_and_post(
    bot: Bot, svc: Services, quiz: QuizRow, parsed: Quiz, status_message_id: int | None
) -> None:
    orders = [shuffled_order(len(q.choices), svc.rng) for q in parsed.questions]
    styles = [choose_style(q, quiz.style) for q in parsed.questions]
    if not await svc.repo.open_quiz(quiz.id, parsed, orders, styles, svc.clock()):
        log.info("Quiz %s was cancelled while it was being written", quiz.id)
        return
    await _announce(bot, svc, quiz, parsed.title, len(parsed.questions), status_message_id)
    await post_questions(bot, svc, quiz.id)


async def _announce(
    bot: Bot, svc: Services, quiz: QuizRow, title: str, n: int, status_message_id: int | None
) -> None:
    """Turn the "writing…" status into the quiz's header (with the group's rules)."""
    if is_group(quiz):
        deadline = await _set_group_rules(bot, svc, quiz)
        quiz = replace(quiz, deadline=deadline)
    ready, markup = _header(svc, quiz, title, n)
    if status_message_id is not None:
        await bot.edit_message_text(
            ready,
            quiz.chat_id,
            status_message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
    else:
        await bot.send_message(
            quiz.chat_id,
            ready,
            parse_mode=ParseMode.HTML,
            message_thread_id=_thread(quiz),
            reply_markup=markup,
        )


def _header(
    svc: Services, quiz: QuizRow, title: str, n: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The header's text and, in groups, its rules (with the time limit) and Finish button."""
    ready = tr(quiz.lang, "quiz_ready", title=escape(title), n=n)
    if not is_group(quiz) or quiz.deadline is None:
        return ready, None
    # The deadline was rounded up to a whole second: the limit is the whole seconds of this.
    limit = int(quiz.deadline - (quiz.opened_at or svc.clock()))
    ready += "\n" + tr(quiz.lang, "group_rules", time=clock(limit))
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tr(quiz.lang, "finish_button"), callback_data=f"{FINISH_PREFIX}{quiz.id}"
                )
            ]
        ]
    )
    return ready, markup


async def _set_group_rules(bot: Bot, svc: Services, quiz: QuizRow) -> float:
    """Store the deadline and the head count before any question goes out, then arm the timer."""
    limit = await svc.repo.chat_time_limit(quiz.chat_id) or svc.settings.quiz_time_limit
    # A whole second, as a poll's close_date is: Telegram's countdown and ours then agree.
    deadline = float(math.ceil(svc.clock() + limit))
    try:
        members: int | None = await bot.get_chat_member_count(quiz.chat_id)
    except TelegramError as exc:
        # Without a head count the quiz still ends by /stop or the time limit.
        log.info("Quiz %s: no member count (%s)", quiz.id, exc)
        members = None
    await svc.repo.set_closing_rules(quiz.id, deadline, members)
    arm_deadline(svc, quiz.id, deadline)
    return deadline


def _deadline_job_name(quiz_id: int) -> str:
    return f"deadline:{quiz_id}"


def arm_deadline(svc: Services, quiz_id: int, deadline: float) -> None:
    if svc.jobs is None:
        return
    for job in svc.jobs.get_jobs_by_name(_deadline_job_name(quiz_id)):
        job.schedule_removal()
    svc.jobs.run_once(
        _deadline_reached,
        max(0.0, deadline - svc.clock()),
        data=quiz_id,
        name=_deadline_job_name(quiz_id),
    )


async def _deadline_reached(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Close a group quiz whose time is up (a no-op if it closed otherwise)."""
    assert context.job is not None
    svc, quiz_id = services(context), cast(int, context.job.data)
    try:
        await finish_quiz(context.bot, svc, quiz_id, "timed_out")
    except Forbidden:
        quiz = await svc.repo.quiz(quiz_id)
        if quiz is not None:
            await svc.repo.cancel_live_quizzes(quiz.chat_id, "forbidden")
            log.info("Chat %s refuses our messages; quiz %s cancelled", quiz.chat_id, quiz_id)


def _keyboard(quiz_id: int, sq: StoredQuestion) -> InlineKeyboardMarkup:
    rows = keyboard_buttons(quiz_id, sq.index, sq.question, sq.order)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows]
    )


async def post_questions(bot: Bot, svc: Services, quiz_id: int) -> None:
    """Send every question not sent yet; each message id is stored before the next send."""
    quiz = await svc.repo.quiz(quiz_id)
    if quiz is None or not quiz.is_open:
        return
    stored = await svc.repo.questions(quiz_id)
    # While streaming, fewer are stored than the quiz will have.
    total = max(len(stored), quiz.num_questions)
    for sq in stored:
        if sq.message_id is not None:
            continue
        message: Message
        close_date: int | None = None
        if sq.style == POLL:
            # Chosen for each poll just before it goes out: a streamed quiz posts over time.
            close_date = _close_date(svc, quiz)
            try:
                message = await _send_poll(bot, quiz, sq, total, close_date)
            except BadRequest as exc:
                if close_date is None:
                    raise
                # Held back longer than the margin (a 429's retry_after): the poll is worth
                # more than Telegram's countdown, and a refused request was not sent.
                log.warning(
                    "Quiz %s: poll %s refused with a close_date (%s); sent without",
                    quiz_id,
                    sq.index,
                    exc.message,
                )
                close_date = None
                message = await _send_poll(bot, quiz, sq, total, None)
            poll_id = message.poll.id if message.poll else None
        else:
            message = await bot.send_message(
                quiz.chat_id,
                keyboard_text(sq.question, sq.order, sq.index + 1, total),
                parse_mode=ParseMode.HTML,
                reply_markup=_keyboard(quiz_id, sq),
                message_thread_id=_thread(quiz),
            )
            poll_id = None
        await svc.repo.set_question_message(
            quiz_id, sq.index, message.message_id, poll_id, close_date
        )


# What a poll's request may take after its close_date is chosen, before Telegram checks it:
# the group's one-message-per-second pace (services.ratelimit) and the transit.
CLOSE_DATE_MARGIN = 2.0


def _close_date(svc: Services, quiz: QuizRow) -> int | None:
    """The quiz's deadline as Telegram's own countdown on a poll, when Telegram will surely
    accept it (at least MIN_OPEN_PERIOD ahead when it arrives). Otherwise none: the poll
    closes with the quiz, when the bot stops it at the deadline."""
    if quiz.deadline is None:
        return None
    close_date = int(quiz.deadline)
    ahead = close_date - svc.clock()
    if PollLimit.MIN_OPEN_PERIOD + CLOSE_DATE_MARGIN <= ahead <= PollLimit.MAX_OPEN_PERIOD:
        return close_date
    return None


async def _send_poll(
    bot: Bot, quiz: QuizRow, sq: StoredQuestion, total: int, close_date: int | None
) -> Message:
    spec = poll_spec(sq.question, sq.order)
    numbered = f"{sq.index + 1}/{total}. {spec.question}"
    return await bot.send_poll(
        quiz.chat_id,
        numbered if len(numbered) <= PollLimit.MAX_QUESTION_LENGTH else spec.question,
        list(spec.options),
        is_anonymous=False,
        type=Poll.QUIZ,
        # PTB types an option id as Literal[0..11]; validation keeps it in range.
        correct_option_ids=[spec.correct_option_id],  # type: ignore[list-item]
        explanation=spec.explanation,
        close_date=close_date,
        message_thread_id=_thread(quiz),
    )


class AnswerResult(Enum):
    SAVED = "answer_saved"
    DUPLICATE = "already_answered"
    CLOSED = "quiz_closed"


async def record_answer(
    svc: Services,
    quiz: QuizRow,
    sq: StoredQuestion,
    *,
    user_id: int,
    user_name: str,
    position: int,
) -> tuple[AnswerResult, bool]:
    """Store one participant's answer (given as displayed position).

    Returns the outcome and whether the quiz is now complete; the caller acknowledges the
    user first and then calls `finish_quiz`, which waits for the model.
    """
    if not quiz.is_open:
        return AnswerResult.CLOSED, False
    stored = await svc.repo.store_answer(
        quiz.id, sq.index, user_id, user_name, sq.order[position], svc.clock()
    )
    if stored is None:
        current = await svc.repo.quiz(quiz.id)
        closed = current is None or not current.is_open
        return (AnswerResult.CLOSED if closed else AnswerResult.DUPLICATE), False
    answered, questions = stored
    return AnswerResult.SAVED, await _everyone_done(svc, quiz, answered, questions)


async def _everyone_done(svc: Services, quiz: QuizRow, answered: int, questions: int) -> bool:
    """Whether this answer, which left its author with `answered` of the quiz's `questions`
    (both counted as it was stored), completed the quiz."""
    # Counted at the write, not taken from `quiz` (read before it): a stream that ended
    # since, with questions left out, has lowered the count.
    if answered < questions:
        return False
    return await _all_done(svc, quiz)


async def _all_done(svc: Services, quiz: QuizRow) -> bool:
    """Private: the player answered everything. Groups: every member but the bot did.
    Never while the model is still writing questions."""
    # Read again after the caller's write: the stream's end (writing = 0, then this check)
    # and an answer (stored, then this check) then always see each other.
    fresh = await svc.repo.quiz(quiz.id)
    if fresh is None or fresh.writing:
        return False
    quiz = fresh
    if quiz.chat_type == ChatType.PRIVATE:
        return await svc.repo.answer_count(quiz.id, user_id=quiz.starter_id) >= quiz.num_questions
    if quiz.member_count is None:
        return False
    # getChatMemberCount counts this bot too; other bots in the chat can't be told apart
    # without listing members, which bots can't do, so they are counted as players.
    return await svc.repo.finished_participants(quiz.id) >= quiz.member_count - 1


async def finish_quiz(bot: Bot, svc: Services, quiz_id: int, status: SubmissionStatus) -> bool:
    """Close the quiz and deliver the feedback; False if someone else closed it first."""
    if not await svc.repo.begin_submission(quiz_id, status, svc.clock()):
        return False
    quiz = await svc.repo.quiz(quiz_id)
    assert quiz is not None
    if svc.jobs is not None:
        for job in svc.jobs.get_jobs_by_name(_deadline_job_name(quiz_id)):
            job.schedule_removal()
    await close_questions(bot, svc, quiz)
    if is_group(quiz):
        await post_results(bot, svc, quiz)
    await deliver_feedback(bot, svc, quiz_id)
    return True


async def post_results(bot: Bot, svc: Services, quiz: QuizRow) -> None:
    """The leaderboard, from our own data, before the model's words."""
    parsed, _ = await svc.repo.load_quiz(quiz.id, quiz.title)
    answers = await svc.repo.answers(quiz.id)
    names = await svc.repo.participant_names(quiz.id)
    table = standings(parsed, answers, names, quiz.opened_at or quiz.created_at)
    per_question = [
        (q["correct_count"], q["answered"])
        for q in build_submission(parsed, "stopped", answers, names)["questions"]
    ]
    text = leaderboard_html(
        tr(quiz.lang, "results_header", title=parsed.title),
        table,
        len(parsed.questions),
        per_question,
        no_answers=tr(quiz.lang, "no_answers"),
        more=tr(quiz.lang, "more_players"),
    )
    await bot.send_message(
        quiz.chat_id, text, parse_mode=ParseMode.HTML, message_thread_id=_thread(quiz)
    )


async def close_questions(bot: Bot, svc: Services, quiz: QuizRow) -> None:
    """Stop open polls and reveal keyboard questions (which also removes their buttons)."""
    stored = await svc.repo.questions(quiz.id)
    private_done = quiz.chat_type == ChatType.PRIVATE and quiz.status == "completed"
    if quiz.status_message_id is not None and is_group(quiz):
        try:
            # The "Finish quiz" button goes with the quiz.
            await bot.edit_message_reply_markup(quiz.chat_id, quiz.status_message_id)
        except BadRequest as exc:
            log.info("Quiz %s: finish button not removed: %s", quiz.id, exc.message)
    for sq in stored:
        if sq.message_id is None:
            continue
        try:
            if sq.style == POLL:
                # In a finished private quiz every poll is answered; stopping them is noise.
                # A poll whose close_date has passed was closed by Telegram (a 400 if asked).
                closed = sq.close_date is not None and sq.close_date <= svc.clock()
                if not private_done and not closed:
                    await bot.stop_poll(quiz.chat_id, sq.message_id)
            else:
                answered = await svc.repo.answer_count(quiz.id, index=sq.index)
                await bot.edit_message_text(
                    keyboard_text(
                        sq.question,
                        sq.order,
                        sq.index + 1,
                        len(stored),
                        answered=answered,
                        reveal=True,
                    ),
                    quiz.chat_id,
                    sq.message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=None,
                )
        except BadRequest as exc:
            # Already closed, deleted by a member, or unchanged: the quiz still finishes.
            log.info("Quiz %s question %s not closed: %s", quiz.id, sq.index, exc.message)


async def deliver_feedback(bot: Bot, svc: Services, quiz_id: int, *, resumed: bool = False) -> None:
    """Submit the answers once and post the model's feedback once.

    `resumed`: a previous process may have died mid-submission, so look in the conversation
    for the answers (and the feedback) before sending them again."""
    async with svc.lock(quiz_id):
        quiz = await svc.repo.quiz(quiz_id)
        if quiz is None or quiz.state != "submitting":
            return
        await learning.record_quiz(svc, quiz_id)  # learning hook (issue 14): idempotent
        stored = await svc.repo.feedback(quiz_id)
        if stored is None:
            parsed, stored_questions = await svc.repo.load_quiz(quiz_id, quiz.title)
            submission = in_model_order(
                build_submission(
                    parsed,
                    quiz.status or "stopped",  # type: ignore[arg-type]
                    await svc.repo.answers(quiz_id),
                    await svc.repo.participant_names(quiz_id),
                ),
                [sq.model_index for sq in stored_questions],
            )
            submission = await learning.annotate_submission(svc, quiz, submission)  # issue 14
            assert quiz.conversation_id and quiz.call_id
            call = ToolCall(quiz.conversation_id, quiz.call_id, "")
            request = await _request(svc, quiz)
            try:
                resumed_feedback = (
                    await svc.engine.resume_feedback(call, request) if resumed else None
                )
                result = resumed_feedback or await svc.engine.submit(
                    call, submission_json(submission), request
                )
            except EngineError as exc:
                log.warning("Quiz %s: submission failed: %s", quiz_id, exc)
                raise UserFacingError(
                    "feedback_failed",
                    chat_id=quiz.chat_id,
                    lang=quiz.lang,
                    thread_id=_thread(quiz),
                    retry_quiz_id=quiz_id,
                ) from exc
            citations = [(c.index, c.filename) for c in result.citations]
            await svc.repo.save_feedback(quiz_id, result.text, citations)
            stored = (result.text, citations, False)
        text, citations, posted = stored
        if not posted:
            markdown = with_footnotes(
                text, [Citation(i, f) for i, f in citations], tr(quiz.lang, "sources")
            )
            quotes = quotes_html(
                [sq.question for sq in await svc.repo.questions(quiz_id)],
                tr(quiz.lang, "quotes_header"),
            )
            chunks = append_block(to_html_chunks(markdown), quotes, MessageLimit.MAX_TEXT_LENGTH)
            await send_html(bot, quiz.chat_id, chunks, _thread(quiz))
            await svc.repo.mark_feedback_posted(quiz_id)
            await learning.offer_review(bot, svc, quiz)  # learning hook (issue 14)
        await svc.repo.set_state(quiz_id, "done", only_from=("submitting",))


async def send_html(bot: Bot, chat_id: int, chunks: Sequence[str], thread_id: int | None) -> None:
    for chunk in chunks:
        try:
            await bot.send_message(
                chat_id, chunk, parse_mode=ParseMode.HTML, message_thread_id=thread_id
            )
        except BadRequest as exc:
            if "entit" not in exc.message.lower():
                raise
            log.warning("Telegram refused our HTML (%s); sending plain text", exc.message)
            await bot.send_message(chat_id, html_to_plain(chunk), message_thread_id=thread_id)


async def stop_quiz(bot: Bot, svc: Services, quiz: QuizRow) -> None:
    """End a live quiz now: cancel one still being written, close and submit an open one."""
    if quiz.state == "generating":
        if await svc.repo.set_state(quiz.id, "cancelled", only_from=("generating",)):
            await bot.send_message(
                quiz.chat_id, tr(quiz.lang, "cancelled"), message_thread_id=_thread(quiz)
            )
        return
    if quiz.state == "submitting":
        await deliver_feedback(bot, svc, quiz.id)
        return
    await finish_quiz(bot, svc, quiz.id, "stopped")
