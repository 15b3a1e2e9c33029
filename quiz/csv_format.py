"""Quizzes as spreadsheet rows, and study cards as Anki notes. Pure: text in, text out.

A quiz file's header row names the columns `question`, `choice1` … `choiceN`, `answer` (the
1-based number of the right choice, or its exact text), and optionally `explanation` and
`source`. Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from quiz.model import Question, Quiz
from quiz.validation import MAX_CHOICES, MIN_CHOICES, InvalidQuizError, clean_title, parse_question

REQUIRED = ("question", "answer")
OPTIONAL = ("explanation", "source")
_CHOICE = re.compile(r"^choice(\d{1,2})$")
_WHERE = re.compile(r"^questions\[\d+\]\.?")


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int
    problem: str


@dataclass(frozen=True, slots=True)
class Parsed:
    quiz: Quiz | None
    problems: tuple[RowProblem, ...]


class NotAQuizFileError(ValueError):
    """The header row does not name the quiz columns."""


def delimiter_for(file_name: str) -> str:
    return "\t" if file_name.lower().endswith(".tsv") else ","


def _names(header: Sequence[str]) -> list[str]:
    return [h.strip().lstrip("\ufeff").lower() for h in header]


def _choice_columns(names: Sequence[str]) -> list[int]:
    """The header's choice columns in number order, if they run choice1 … choiceN."""
    numbered = {int(m.group(1)): i for i, n in enumerate(names) if (m := _CHOICE.match(n))}
    if sorted(numbered) != list(range(1, len(numbered) + 1)):
        return []
    return [numbered[k] for k in sorted(numbered)]


def is_quiz_header(line: str, delimiter: str) -> bool:
    """Whether a file's first line names the quiz columns (then it is an import)."""
    try:
        header = next(csv.reader([line], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return False
    names = _names(header)
    return all(r in names for r in REQUIRED) and len(_choice_columns(names)) >= MIN_CHOICES


def _answer_index(answer: str, choices: Sequence[str]) -> int | None:
    answer = answer.strip()
    if answer.isdigit():
        return int(answer) - 1
    matches = [i for i, c in enumerate(choices) if c.strip() == answer]
    return matches[0] if len(matches) == 1 else None


def _row_question(cells: dict[str, str], choices: list[str], row: int) -> Question:
    """One row as a Question; raises InvalidQuizError with the row's problems."""
    answer = _answer_index(cells["answer"], choices)
    if answer is None or not 0 <= answer < len(choices):
        raise InvalidQuizError([f"answer {cells['answer']!r} is not a choice's number or text"])
    explanation = cells.get("explanation", "").strip() or choices[answer]
    raw = {
        "question_text": cells["question"],
        "choices": choices,
        "answer_index": answer,
        "explanation": explanation,
        "source_file": cells.get("source") or None,
        "source_quote": None,
    }
    # The same checks as the model's questions: what Telegram would refuse is caught here.
    return parse_question(row, raw)


def parse_quiz_file(text: str, delimiter: str, title: str, max_questions: int) -> Parsed:
    """Every row checked; a quiz only when no row has a problem."""
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    names = _names(rows[0]) if rows else []
    columns = _choice_columns(names)
    if not all(r in names for r in REQUIRED) or len(columns) < MIN_CHOICES:
        raise NotAQuizFileError(text[:80])
    at = {n: i for i, n in enumerate(names)}
    problems: list[RowProblem] = []
    if len(columns) > MAX_CHOICES:
        problems.append(RowProblem(1, f"at most {MAX_CHOICES} choice columns"))
    questions: list[Question] = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        value = {n: cells[i].strip() if i < len(cells) else "" for n, i in at.items()}
        choices = [cells[i].strip() if i < len(cells) else "" for i in columns]
        while choices and not choices[-1]:
            choices.pop()  # a quiz's widest row sets the columns: the rest end empty
        try:
            questions.append(_row_question(value, choices, number))
        except InvalidQuizError as exc:
            problems += [RowProblem(number, _WHERE.sub("", p).strip()) for p in exc.problems]
    if not questions and not problems:
        problems.append(RowProblem(2, "no questions"))
    if len(questions) > max_questions:
        problems.append(RowProblem(max_questions + 2, f"at most {max_questions} questions"))
    if problems:
        return Parsed(None, tuple(problems))
    return Parsed(Quiz(clean_title(title), tuple(questions)), ())


def quiz_csv(quiz: Quiz) -> str:
    """The quiz in the format parse_quiz_file reads back unchanged."""
    width = max((len(q.choices) for q in quiz.questions), default=MIN_CHOICES)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["question", *(f"choice{i}" for i in range(1, width + 1)), "answer", *OPTIONAL])
    for q in quiz.questions:
        choices = [*q.choices, *([""] * (width - len(q.choices)))]
        writer.writerow(
            [q.text, *choices, str(q.answer_index + 1), q.explanation, q.source_file or ""]
        )
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class Card:
    question: str
    choices: tuple[str, ...]
    answer_index: int
    explanation: str
    source: str | None


def cards_csv(cards: Iterable[Card]) -> str:
    """Anki's text import: its header lines say the separator, HTML and the two fields."""
    out = io.StringIO()
    out.write("#separator:Comma\n#html:true\n#columns:Front,Back\n")
    writer = csv.writer(out, lineterminator="\n")
    for card in cards:
        numbered = "<br>".join(f"{i}. {escape(c)}" for i, c in enumerate(card.choices, 1))
        front = f"{escape(card.question)}<br><br>{numbered}"
        answer = card.choices[card.answer_index] if card.choices else ""
        back = f"<b>{card.answer_index + 1}. {escape(answer)}</b><br><br>{escape(card.explanation)}"
        if card.source:
            back += f"<br><br><i>{escape(card.source)}</i>"
        writer.writerow([front, back])
    return out.getvalue()
