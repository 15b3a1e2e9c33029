"""Turn the model's `generate_quiz` arguments into a `Quiz`, or say exactly what is wrong.

The model's output is never trusted: everything Telegram would reject is caught here,
so no request the Bot API would refuse is ever built from it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence

from pydantic import ValidationError
from telegram.constants import MessageLimit, PollLimit

from quiz.model import Question, Quiz
from quiz.schema import QuestionArgs, QuizArgs
from quiz.spacing import repeat_problem
from quiz.verification import review_repeat_problem

log = logging.getLogger(__name__)

MIN_CHOICES = 2
MAX_CHOICES = int(PollLimit.MAX_OPTION_NUMBER)
MAX_EXPLANATION = int(PollLimit.MAX_EXPLANATION_LENGTH)
MAX_TITLE = 200
# A question too long for a poll is shown as a keyboard message; leave room there for the
# numbered choices, which are limited separately.
MAX_QUESTION_TEXT = 2000
MAX_CHOICE_TEXT = 300

# "1. ", "1)", "(a)", "A:", "①" … ; only stripped when every choice carries one, so that a
# genuine answer such as "A. Lincoln" among unnumbered choices is left alone.
_NUMBERING = re.compile(r"^\s*(?:\(?(?:\d{1,2}|[A-La-l])\s*[.):\]]|[\u2460-\u246b])\s*")


class InvalidQuizError(ValueError):
    """The model's arguments cannot become a quiz; `problems` says why, for the model."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def strip_numbering(choices: list[str]) -> list[str]:
    """Remove leading enumerators when all choices have one."""
    if choices and all(_NUMBERING.match(c) and _NUMBERING.sub("", c, count=1) for c in choices):
        return [_NUMBERING.sub("", c, count=1) for c in choices]
    return choices


def trim_explanation(text: str, limit: int = MAX_EXPLANATION) -> str:
    """Fit an explanation into a poll: few line breaks, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def parse_quiz(arguments: str, max_questions: int, review_of: Sequence[str] = ()) -> Quiz:
    """Validate raw tool-call arguments. Raises InvalidQuizError with every problem found.

    `review_of`: a review quiz's old question texts; it must have exactly one variant per
    old question, none of them a word-for-word repeat of its own."""
    try:
        raw = json.loads(arguments)
    except json.JSONDecodeError as exc:
        raise InvalidQuizError([f"arguments are not valid JSON ({exc.msg})"]) from exc
    try:
        args = QuizArgs.model_validate(raw)
    except ValidationError as exc:
        errors = [
            f"{'.'.join(str(p) for p in err['loc']) or 'arguments'}: {err['msg']}"
            for err in exc.errors(include_url=False)
        ]
        raise InvalidQuizError(errors) from exc

    problems: list[str] = []
    if review_of and len(args.questions) != len(review_of):
        problems.append(
            f"expected exactly {len(review_of)} questions, one per card, got {len(args.questions)}"
        )
    elif not args.questions:
        problems.append(f"expected 1 to {max_questions} questions, got 0")
    elif len(args.questions) > max_questions:
        # More than asked for is not a fault of the questions: the first ones are the quiz.
        log.info("Keeping the first %s of %s questions", max_questions, len(args.questions))
    questions: list[Question] = []
    for i, q in enumerate(args.questions if review_of else args.questions[:max_questions]):
        question, found = _check_question(i, q, review_of[i] if i < len(review_of) else None)
        problems += found
        questions.append(question)
    if problems:
        raise InvalidQuizError(problems)
    return Quiz(title=clean_title(args.title), questions=tuple(questions))


def clean_title(title: str) -> str:
    return " ".join(title.split())[:MAX_TITLE] or "Quiz"


def parse_question(index: int, raw: object, original: str | None = None) -> Question:
    """One question on its own (as streamed); raises InvalidQuizError.

    `original`: in a review quiz, the old question this one must not repeat."""
    try:
        args = QuestionArgs.model_validate(raw)
    except ValidationError as exc:
        raise InvalidQuizError(
            [
                f"questions[{index}].{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
                for err in exc.errors(include_url=False)
            ]
        ) from exc
    question, problems = _check_question(index, args, original)
    if problems:
        raise InvalidQuizError(problems)
    return question


def _check_question(
    i: int, q: QuestionArgs, original: str | None = None
) -> tuple[Question, list[str]]:
    where = f"questions[{i}]"
    problems: list[str] = []
    text = q.question_text.strip()
    if not text:
        problems.append(f"{where}.question_text is empty")
    elif original is not None and (
        repeat := repeat_problem(i, text, original) or review_repeat_problem(i, text, original)
    ):
        problems.append(repeat)
    elif len(text) > MAX_QUESTION_TEXT:
        problems.append(f"{where}.question_text is longer than {MAX_QUESTION_TEXT} characters")
    choices = strip_numbering([" ".join(c.split()) for c in q.choices])
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        problems.append(
            f"{where}.choices must have {MIN_CHOICES} to {MAX_CHOICES} items, got {len(choices)}"
        )
    if any(not c for c in choices):
        problems.append(f"{where}.choices contains an empty choice")
    if len({c.casefold() for c in choices}) != len(choices):
        problems.append(f"{where}.choices contains duplicates")
    if any(len(c) > MAX_CHOICE_TEXT for c in choices):
        problems.append(f"{where}.choices has a choice longer than {MAX_CHOICE_TEXT} characters")
    if not 0 <= q.answer_index < len(choices):
        problems.append(
            f"{where}.answer_index {q.answer_index} is out of range for {len(choices)} choices"
        )
    explanation = trim_explanation(q.explanation)
    if not explanation:
        problems.append(f"{where}.explanation is empty")
    numbered = sum(len(c) + 4 for c in choices)
    if len(text) + numbered > MessageLimit.MAX_TEXT_LENGTH - 100:
        problems.append(f"{where} is too long to show in one message")
    question = Question(
        text=text,
        choices=tuple(choices),
        answer_index=q.answer_index,
        explanation=explanation,
        source_file=(q.source_file or "").strip() or None,
        source_quote=" ".join((q.source_quote or "").split()) or None,
    )
    return question, problems
