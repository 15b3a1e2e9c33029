"""Questions you can trust: every question is checked before it is posted.
Stage of the quiz lifecycle between the writing (generation, streaming) and the posting.

The checks (quiz/verification.py) give problems; a question with problems goes back once to
the writer through the engine's correction turn, like an invalid quiz, and a question still
rejected is left out, the chat told how many and why. Streamed questions are checked each in
its own task, while the model goes on writing, and posted in their order.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from engine import EngineError, QuizEngine, QuizRequest, ToolCall
from engine.base import SolveQuestion
from quiz.model import Question, Quiz
from quiz.render import shuffled_order
from quiz.validation import InvalidQuizError, parse_quiz
from quiz.verification import (
    SOLVED,
    VERDICT,
    Judged,
    KeyCheck,
    SolveCall,
    Verdict,
    duplicate_problem,
    key_problem,
    language_name,
    language_problem,
    topic_language,
)
from services import learning
from services.quiz.presenter import Presenter
from storage import QuizRow
from storage.quizzes import QuizStore

log = logging.getLogger(__name__)


def _judged(quiz: QuizRow, index: int, verdict: Verdict) -> None:
    log.info(
        "Quiz %s: question %s %s",
        quiz.id,
        index,
        verdict,
        extra={VERDICT: Judged(quiz.id, index, verdict)},
    )


@dataclass
class Checked:
    """One question after its checks; `order` is the display order the solver saw."""

    index: int
    question: Question
    order: list[int]
    problems: list[str]
    disputed: bool = False


@dataclass
class Verifier:
    """The checks of one quiz; remembers what it accepted, to catch repeats of it."""

    engine: QuizEngine
    rng: random.Random
    quiz: QuizRow
    request: QuizRequest
    accepted: list[tuple[int, Question]] = field(default_factory=list)
    _expected: str | None = None
    _expected_known: bool = False

    async def expected_language(self) -> str | None:
        if not self._expected_known:
            # Off the event loop: the identifier's model loads on first use.
            self._expected = await asyncio.to_thread(
                topic_language, self.quiz.topic, self.quiz.lang
            )
            self._expected_known = True
        return self._expected

    async def check(
        self,
        items: Sequence[tuple[int, Question]],
        orders: Sequence[list[int]] | None = None,
    ) -> list[Checked]:
        """Language and repeats first (free), then one solve call for the rest."""
        expected = await self.expected_language()
        results: list[Checked] = []
        seen = list(self.accepted)
        for n, (index, q) in enumerate(items):
            order = list(orders[n] if orders else shuffled_order(len(q.choices), self.rng))
            # Synchronous (about a millisecond each) so that concurrent checks see each
            # other's questions in order.
            language = language_problem(index, q, expected)
            repeat = duplicate_problem(index, q, seen)
            problems = [p for p in (language, repeat) if p is not None]
            results.append(Checked(index, q, order, problems))
            seen.append((index, q))
            if problems:
                _judged(self.quiz, index, Verdict.LANGUAGE if language else Verdict.REPEAT)
        to_solve = [c for c in results if not c.problems]
        # Before the solve: a question written meanwhile must not repeat these either.
        self.accepted += [(c.index, c.question) for c in to_solve]
        if to_solve:
            await self._solve(to_solve)
        return results

    async def _solve(self, checked: Sequence[Checked]) -> None:
        asked = [
            SolveQuestion(c.question.text, tuple(c.question.choices[i] for i in c.order))
            for c in checked
        ]
        quiz = self.quiz
        try:
            solved = await self.engine.solve(asked, self.request)
        except EngineError as exc:
            # A check that cannot run must not hold the quiz back: the keys stay unconfirmed.
            log.warning(
                "Quiz %s: the solve failed, keys unconfirmed: %s",
                quiz.id,
                exc,
                extra={SOLVED: SolveCall(quiz.id, len(asked), 0, failed=True)},
            )
            for c in checked:
                _judged(quiz, c.index, Verdict.UNANSWERED)
            return
        log.info(
            "Quiz %s: solved %s question(s), %s tokens",
            quiz.id,
            len(asked),
            solved.tokens,
            extra={SOLVED: SolveCall(quiz.id, len(asked), solved.tokens)},
        )
        for c, answer in zip(checked, solved.answers, strict=True):
            if answer is None:
                _judged(quiz, c.index, Verdict.UNANSWERED)
                continue
            check = KeyCheck(
                c.order.index(c.question.answer_index), answer.choice, answer.confidence
            )
            problem = key_problem(c.index, c.question, check, c.order)
            if problem is None:
                agreed = check.picked == check.key
                _judged(quiz, c.index, Verdict.CONFIRMED if agreed else Verdict.GUESS)
            else:
                _judged(quiz, c.index, Verdict.DISPUTED)
                c.problems.append(problem)
                c.disputed = True
                # Its replacement must not count as a repeat of it.
                self.accepted.remove((c.index, c.question))


@dataclass
class Outcome:
    """The quiz as it will be posted, and what was left out."""

    call: ToolCall
    kept: list[Checked]
    unconfirmed: int = 0  # keys the solve still disputed
    unfit: int = 0  # wrong language or a repeat, still


class QuizChecks:
    """What the checks use beyond one quiz: the engine that solves and corrects, where a
    quiz's call is kept, the shuffle, and whether to check at all (QUIZ_VERIFY)."""

    def __init__(
        self, *, engine: QuizEngine, quizzes: QuizStore, rng: random.Random, enabled: bool
    ) -> None:
        self._engine = engine
        self._quizzes = quizzes
        self._rng = rng
        self.enabled = enabled

    async def quiz_language(self, quiz: QuizRow) -> str | None:
        """The language to tell the writer (its English name), when the check knows it."""
        if not self.enabled:
            return None
        code = await asyncio.to_thread(topic_language, quiz.topic, quiz.lang)
        return None if code is None else language_name(code)

    def verifier(self, quiz: QuizRow, request: QuizRequest) -> Verifier:
        return Verifier(self._engine, self._rng, quiz, request)

    async def corrected_quiz(
        self,
        quiz: QuizRow,
        call: ToolCall,
        problems: Sequence[str],
        request: QuizRequest,
        n: int,
    ) -> tuple[ToolCall, Quiz]:
        """Send the problems back to the writer, once, and parse what it writes instead; raises
        EngineError or InvalidQuizError (the quiz's call is the corrected one either way)."""
        corrected = await self._engine.correct(call, problems, request)
        await self._quizzes.set_call(quiz.id, corrected.call_id)
        return corrected, parse_quiz(corrected.arguments, n, learning.originals(request))

    async def verify_whole(
        self, quiz: QuizRow, request: QuizRequest, call: ToolCall, parsed: Quiz
    ) -> Outcome:
        """A quiz written in one piece: check it, correct it once, leave out what still fails."""
        verifier = self.verifier(quiz, request)
        first = await verifier.check(list(enumerate(parsed.questions)))
        rejected = [c for c in first if c.problems]
        if not rejected:
            return Outcome(call, first)
        log.warning("Quiz %s: %s question(s) sent back to the writer", quiz.id, len(rejected))
        try:
            corrected_call, corrected = await self.corrected_quiz(
                quiz,
                call,
                [p for c in rejected for p in c.problems],
                request,
                len(parsed.questions),
            )
        except (EngineError, InvalidQuizError) as exc:
            log.warning("Quiz %s: the correction failed, leaving out: %s", quiz.id, exc)
            return _left_out(call, first, rejected)
        # Unchanged questions keep their verdict; the rest (the replacements) are checked again.
        verdict = {(c.question.text, c.question.choices, c.question.answer_index): c for c in first}
        again = self.verifier(quiz, request)
        kept: list[Checked] = []
        fresh: list[tuple[int, Question]] = []
        for i, q in enumerate(corrected.questions):
            known = verdict.get((q.text, q.choices, q.answer_index))
            if known is not None and not known.problems:
                kept.append(Checked(i, q, known.order, []))
                again.accepted.append((i, q))
            else:
                fresh.append((i, q))
        rechecked = await again.check(fresh)
        everything = sorted([*kept, *rechecked], key=lambda c: c.index)
        return _left_out(corrected_call, everything, [c for c in everything if c.problems])


def _left_out(call: ToolCall, checked: list[Checked], rejected: list[Checked]) -> Outcome:
    disputed = sum(c.disputed for c in rejected)
    return Outcome(
        call,
        [c for c in checked if not c.problems],
        unconfirmed=disputed,
        unfit=len(rejected) - disputed,
    )


def as_quiz(title: str, outcome: Outcome) -> tuple[Quiz, list[list[int]], list[int]]:
    """What open_quiz stores: the questions, their display orders, their model indices."""
    kept = outcome.kept
    return (
        Quiz(title, tuple(c.question for c in kept)),
        [c.order for c in kept],
        [c.index for c in kept],
    )


async def tell_left_out(ui: Presenter, quiz: QuizRow, unconfirmed: int, unfit: int) -> None:
    """The chat is told how many questions were left out, and why."""
    if unconfirmed:
        await ui.notice(quiz, "verify_unconfirmed", n=unconfirmed)
    if unfit:
        await ui.notice(quiz, "verify_unfit", n=unfit)
