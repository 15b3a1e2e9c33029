"""A streamed quiz: it opens with the first valid question, and each is posted at once while
the model is still writing the rest; what was left out is replaced once, or said."""

from __future__ import annotations

import json
import logging

from engine import EngineError, QuizRequest, ToolCall
from engine.base import StreamedQuestion
from quiz.grounding import verify_quotes
from quiz.model import Question, Quiz
from quiz.render import choose_style, shuffled_order
from quiz.states import SubmissionStatus
from quiz.validation import InvalidQuizError, clean_title, parse_question
from services import learning
from services.context import Services
from services.quiz import answers, closing, posting
from services.quiz.presenter import Presenter
from storage import QuizRow

log = logging.getLogger(__name__)


class StreamSink:
    """Receives the streamed questions of one quiz (the engine's QuestionSink)."""

    def __init__(
        self, ui: Presenter, svc: Services, quiz: QuizRow, status_message_id: int | None
    ) -> None:
        self.ui, self.svc, self.quiz, self.status_message_id = ui, svc, quiz, status_message_id
        self.opened = False
        self.cancelled = False
        self.kept = 0
        # The model's indices of malformed questions, and what was wrong with them.
        self.dropped: list[int] = []
        self.problems: list[str] = []
        self.originals: tuple[str, ...] = ()  # a review quiz's old questions (issue 14)

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
            await posting.announce(
                self.ui, svc, quiz, title, quiz.num_questions, self.status_message_id
            )
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
        await posting.post_questions(self.ui, svc, quiz.id)

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
        if current is not None and current.is_live:
            # The last question may be over already: then the game ends now.
            await posting.post_questions(self.ui, svc, quiz.id)
            return
        # Someone may have answered everything while the last questions were being written.
        if current is not None and current.is_open and await answers.all_done(svc, current):
            await closing.finish_quiz(self.ui, svc, quiz.id, SubmissionStatus.COMPLETED)

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
            text, finish_button = posting.header_text(svc, current, current.title or "", self.kept)
            await self.ui.update_header(current, text, self.status_message_id, finish_button)
        await self.ui.notice(quiz, "questions_dropped", n=self.kept, asked=quiz.num_questions)


def _raw_questions(arguments: str) -> list[object]:
    """The questions of a tool call's arguments, however broken the rest is."""
    try:
        raw = json.loads(arguments)
    except json.JSONDecodeError:
        return []
    questions = raw.get("questions") if isinstance(raw, dict) else None
    return list(questions) if isinstance(questions, list) else []
