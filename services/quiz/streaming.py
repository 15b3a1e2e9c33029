"""A streamed quiz: it opens with the first valid question, and each is posted at once while
the model is still writing the rest; what was left out is replaced once, or said.

With QUIZ_VERIFY each question is first checked in a task of its own
(services/quiz/verify.py) while the stream goes on, and posted in order once it passes; what
the checks reject is replaced together with the malformed ones, in the same one correction."""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from engine import EngineError, QuizEngine, QuizRequest, ToolCall
from engine.base import StreamedQuestion
from quiz.grounding import verify_quotes
from quiz.model import Question, Quiz
from quiz.render import choose_style, shuffled_order
from quiz.states import QuizState, SubmissionStatus
from quiz.validation import InvalidQuizError, clean_title, parse_question
from services import learning
from services.events import EventBus, QuizOpened
from services.keyed_locks import Locks
from services.quiz.posting import QuizPosting
from services.quiz.presenter import Presenter
from services.quiz.stream_checks import StreamChecks
from services.quiz.verify import Checked, Verifier
from services.writing import ModelWriting
from storage import QuizRow
from storage.questions import QuestionStore
from storage.quizzes import QuizStore

# Why a question is still missing at the end of the stream (the checks' notices).
MALFORMED, DISPUTED, UNFIT = "malformed", "disputed", "unfit"

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class StreamParts:
    """What every streamed quiz's sink uses; `sink` makes the one for a quiz."""

    ui: Presenter
    quizzes: QuizStore
    questions: QuestionStore
    engine: QuizEngine
    posting: QuizPosting
    events: EventBus
    # The model calls still streaming: a close waits for this one's end.
    writing: ModelWriting
    # The quizzes' locks (a /stop or the deadline submits after a replacement).
    locks: Locks
    # Whether everyone has answered everything; closing the quiz when they have.
    all_done: Callable[[QuizRow], Awaitable[bool]]
    finish: Callable[[int, SubmissionStatus], Awaitable[object]]
    clock: Callable[[], float]
    rng: random.Random

    def sink(self, quiz: QuizRow, status_message_id: int | None) -> StreamSink:
        return StreamSink(self, quiz, status_message_id)


class StreamSink:
    """Receives the streamed questions of one quiz (the engine's QuestionSink)."""

    def __init__(self, parts: StreamParts, quiz: QuizRow, status_message_id: int | None) -> None:
        self.ui, self.parts, self.quiz = parts.ui, parts, quiz
        self.status_message_id = status_message_id
        self.opened = False
        self.cancelled = False
        self.kept = 0
        # The model's indices of malformed questions, and what was wrong with them.
        self.dropped: list[int] = []
        self.problems: list[str] = []
        self.originals: tuple[str, ...] = ()  # a review quiz's old questions
        # verify: the checks, the latest streamed question (to open the quiz
        # from a check's task), and why each question still missing is missing.
        self.checks: StreamChecks | None = None
        self.latest: StreamedQuestion | None = None
        self.missing: dict[int, str] = {}

    def verify_with(self, verifier: Verifier) -> None:
        """Check each streamed question before it is posted (QUIZ_VERIFY)."""
        self.checks = StreamChecks(verifier, self._post_checked)

    @property
    def checking(self) -> bool:
        """Whether any question was handed to the checks (it may not be posted yet)."""
        return self.checks is not None and self.checks.submitted

    def stop_checks(self) -> None:
        """The stream failed: checks still running must post nothing."""
        if self.checks is not None:
            self.checks.cancel()

    async def question(self, streamed: StreamedQuestion) -> None:
        quiz, index = self.quiz, streamed.index
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
            self.missing[index] = MALFORMED
            self.problems += exc.problems
            return
        [question] = verify_quotes(Quiz("", (question,)), streamed.retrieved).questions
        self.latest = streamed
        if self.checks is not None:  # verify: posted by its check's task, in order
            self.checks.submit(index, question)
            return
        await self._keep(index, question, shuffled_order(len(question.choices), self.parts.rng))

    async def _post_checked(self, checked: Checked) -> None:
        await self._keep(checked.index, checked.question, checked.order)

    async def _keep(self, index: int, question: Question, order: Sequence[int]) -> None:
        """Open the quiz with its first question, then store and post the question."""
        quiz, parts, streamed = self.quiz, self.parts, self.latest
        assert streamed is not None
        if self.cancelled:
            return
        if self.kept >= quiz.num_questions:
            log.info("Quiz %s: question %s is beyond the number asked for", quiz.id, index)
            return
        if not self.opened:
            # Stored before the quiz opens: a restart mid-stream can still submit its answers.
            await parts.quizzes.set_conversation(quiz.id, streamed.conversation_id)
            await parts.quizzes.set_call(quiz.id, streamed.call_id)
            title = clean_title(streamed.title or quiz.topic)
            if not await parts.quizzes.open_writing(quiz.id, title, parts.clock()):
                log.info("Quiz %s was cancelled while it was being written", quiz.id)
                self.cancelled = True
                return
            self.opened = True
            await parts.events.publish(QuizOpened(quiz.id))
            await parts.posting.announce(quiz, title, quiz.num_questions, self.status_message_id)
        await self._add(question, index, order)

    async def _add(self, question: Question, model_index: int, order: Sequence[int]) -> None:
        """Store the question under the next number and post it."""
        quiz, parts = self.quiz, self.parts
        await parts.questions.add_question(
            quiz.id,
            self.kept,
            question,
            order,
            choose_style(question, quiz.style),
            model_index=model_index,
        )
        self.kept += 1
        self.missing.pop(model_index, None)
        await parts.posting.post_questions(quiz.id)

    async def finish(self, call: ToolCall, request: QuizRequest) -> None:
        """The stream is over: replace what was left out, or say the quiz has fewer; then
        let the quiz complete."""
        quiz, parts = self.quiz, self.parts
        rejected = await self.checks.wait() if self.checks is not None else []
        for c in rejected:
            self.missing[c.index] = DISPUTED if c.disputed else UNFIT
        if self.missing and self.kept < quiz.num_questions and not self.cancelled:
            await self._replace(call, request, rejected)
        if not self.opened:
            return
        await parts.quizzes.finish_writing(quiz.id)
        # A close waiting for the writing goes on now; this one's own close below too.
        parts.writing.end(quiz.id)
        if self.kept < quiz.num_questions:
            await self._say_fewer()
        current = await parts.quizzes.quiz(quiz.id)
        if current is not None and current.is_live:
            # The last question may be over already: then the game ends now.
            await parts.posting.post_questions(quiz.id)
            return
        # Someone may have answered everything while the last questions were being written.
        if current is not None and current.is_open and await parts.all_done(current):
            await parts.finish(quiz.id, SubmissionStatus.COMPLETED)

    async def _replace(
        self, call: ToolCall, request: QuizRequest, rejected: Sequence[Checked]
    ) -> None:
        """Ask the model once, through the correction path, for the questions left out, and
        post them under the next numbers, so that the quiz has the number asked for."""
        quiz, parts = self.quiz, self.parts
        # Under the quiz's lock: a /stop or the deadline meanwhile submits after this, to
        # the call that holds the questions the quiz has.
        async with parts.locks.hold(quiz.id):
            current = await parts.quizzes.quiz(quiz.id)
            # Not opened yet: every question the checks saw was rejected.
            if current is None or not (current.is_open or current.state == QuizState.GENERATING):
                return
            problems = self.problems + [
                p for c in sorted(rejected, key=lambda c: c.index) for p in c.problems
            ]
            try:
                corrected = await parts.engine.correct(call, problems, request)
            except EngineError as exc:
                log.warning("Quiz %s: no replacement for questions left out: %s", quiz.id, exc)
                return
            raw = _raw_questions(corrected.arguments)
            fresh: list[tuple[int, Question]] = []
            for index in sorted(self.missing)[: quiz.num_questions - self.kept]:
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
                fresh.append((index, question))
            await self._post_replacements(fresh)
            # The first call now has its output (the problems): answers go to this one,
            # whose indices the stored questions keep. After the posts: a quiz that a
            # replacement opened stored the first call's id.
            await parts.quizzes.set_call(quiz.id, corrected.call_id)

    async def _post_replacements(self, fresh: Sequence[tuple[int, Question]]) -> None:
        if self.checks is None:
            for index, q in fresh:
                await self._keep(index, q, shuffled_order(len(q.choices), self.parts.rng))
            return
        # verify: the replacements are checked too, in one solve.
        for c in await self.checks.verifier.check(fresh):
            if c.problems:
                self.missing[c.index] = DISPUTED if c.disputed else UNFIT
            else:
                await self._keep(c.index, c.question, c.order)

    async def _say_fewer(self) -> None:
        """The quiz has fewer questions than its header and its polls (k/N) said."""
        quiz = self.quiz
        current = await self.parts.quizzes.quiz(quiz.id)
        if current is None or not current.is_open:
            return
        if self.status_message_id is not None:
            posting = self.parts.posting
            text, finish_button = posting.header_text(current, current.title or "", self.kept)
            await self.ui.update_header(current, text, self.status_message_id, finish_button)
        reasons = list(self.missing.values())
        disputed, unfit = reasons.count(DISPUTED), reasons.count(UNFIT)
        # The checks' reasons are told as such; the rest came out malformed.
        if disputed + unfit < quiz.num_questions - self.kept:
            await self.ui.notice(quiz, "questions_dropped", n=self.kept, asked=quiz.num_questions)
        if disputed:
            await self.ui.notice(quiz, "verify_unconfirmed", n=disputed)
        if unfit:
            await self.ui.notice(quiz, "verify_unfit", n=unfit)


def _raw_questions(arguments: str) -> list[object]:
    """The questions of a tool call's arguments, however broken the rest is."""
    try:
        raw = json.loads(arguments)
    except json.JSONDecodeError:
        return []
    questions = raw.get("questions") if isinstance(raw, dict) else None
    return list(questions) if isinstance(questions, list) else []
