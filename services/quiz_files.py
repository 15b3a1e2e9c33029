"""Quizzes in and out as CSV: an import checked row by row (and its keys by the solve), a
library quiz or one's study cards exported."""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import PurePath

from telegram.constants import ChatType

from engine import EngineError, QuizEngine, QuizRequest
from engine.base import SolveQuestion
from quiz import csv_format
from quiz.csv_format import RowProblem
from quiz.model import Quiz
from quiz.render import choose_style, shuffled_order
from quiz.verification import KeyCheck, key_problem
from services.chat_settings import EffectiveSettings
from services.start_request import StartRequest
from storage.library import LibraryEntry, LibraryStore
from storage.questions import QuestionStore

log = logging.getLogger(__name__)

# A quiz of the most questions with long choices fits in far less.
MAX_IMPORT_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class Imported:
    """What came of an import: its library number, or the rows to fix (`disputed`: by the
    solve's verdict rather than by the format)."""

    number: int | None
    quiz: Quiz | None
    problems: tuple[RowProblem, ...] = ()
    disputed: bool = False


def is_quiz_file(file_name: str | None, first_line: str) -> bool:
    name = (file_name or "").lower()
    if not name.endswith((".csv", ".tsv")):
        return False
    return csv_format.is_quiz_header(first_line, csv_format.delimiter_for(name))


Start = Callable[[StartRequest], Awaitable[None]]


class QuizFiles:
    def __init__(
        self,
        *,
        library: LibraryStore,
        questions: QuestionStore,
        engine: QuizEngine,
        check_start: Start,
        chat_settings: Callable[[int], Awaitable[EffectiveSettings]],
        rng: random.Random,
        clock: Callable[[], float],
        max_questions: int,
        verify: bool,
    ) -> None:
        self._library = library
        self._questions = questions
        self._engine = engine
        # The start checks (cooldown, daily limits: services.quotas) an import counts towards.
        self._check_start = check_start
        # A chat's effective settings (services.chat_settings): its style.
        self._chat_settings = chat_settings
        self._rng = rng
        self._clock = clock
        self._max_questions = max_questions  # QUIZ_MAX_QUESTIONS
        self._verify = verify  # QUIZ_VERIFY: an import's keys are checked by a solve

    async def _disputed(self, quiz: Quiz, user_id: int, chat_id: int) -> list[RowProblem]:
        """The rows whose key an independent solve confidently disagrees with (rows from 2)."""
        orders = [list(shuffled_order(len(q.choices), self._rng)) for q in quiz.questions]
        asked = [
            SolveQuestion(q.text, tuple(q.choices[i] for i in order))
            for q, order in zip(quiz.questions, orders, strict=True)
        ]
        request = QuizRequest(
            topic=quiz.title, num_questions=len(asked), chat_id=chat_id, user_id=user_id
        )
        try:
            solved = await self._engine.solve(asked, request)
        except EngineError as exc:
            # As for a written quiz: a check that cannot run leaves the keys unconfirmed.
            log.warning("Import: the solve failed, keys unconfirmed: %s", exc)
            return []
        problems = []
        for i, (q, order, answer) in enumerate(
            zip(quiz.questions, orders, solved.answers, strict=True)
        ):
            if answer is None:
                continue
            check = KeyCheck(order.index(q.answer_index), answer.choice, answer.confidence)
            if key_problem(i, q, check, order) is not None:
                picked = q.choices[order[answer.choice]]
                problems.append(RowProblem(i + 2, f"{picked!r}, not {q.choices[q.answer_index]!r}"))
        return problems

    async def import_quiz(self, req: StartRequest, *, text: str, file_name: str) -> Imported:
        """Check every row, then the keys; store the quiz in the owner's library only if all
        pass. Counts as a quiz towards the start checks (cooldown, daily limits)."""
        await self._check_start(req)
        chat_id, user_id = req.chat_id, req.user_id
        title = PurePath(file_name).stem.replace("_", " ")
        parsed = csv_format.parse_quiz_file(
            text, csv_format.delimiter_for(file_name), title, self._max_questions
        )
        if parsed.quiz is None:
            return Imported(None, None, parsed.problems)
        quiz = parsed.quiz
        if self._verify:
            disputed = await self._disputed(quiz, user_id, chat_id)
            if disputed:
                return Imported(None, quiz, tuple(disputed), disputed=True)
        style = (await self._chat_settings(chat_id)).style
        number = await self._library.import_quiz(
            owner_id=user_id,
            chat_id=chat_id,
            chat_type=req.chat_type or ChatType.PRIVATE,
            request_key=req.key,
            quiz=quiz,
            styles=[choose_style(q, style) for q in quiz.questions],
            lang=req.lang,
            now=self._clock(),
        )
        return Imported(number, quiz)

    async def export_quiz(self, entry: LibraryEntry) -> tuple[str, bytes]:
        """The file name and the CSV of a library quiz."""
        parsed, _ = await self._questions.load_quiz(entry.quiz_id, entry.title)
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in entry.title)[:40]
        return f"{safe or 'quiz'}.csv", csv_format.quiz_csv(parsed).encode()

    async def export_cards(self, user_id: int) -> bytes | None:
        cards = await self._library.cards(user_id)
        if not cards:
            return None
        return csv_format.cards_csv(cards).encode()
