"""How a question looks in Telegram: a native quiz poll, or a message with buttons.

Choices are shown in a stored, shuffled order (`order[p]` is the model's index of the choice
shown at position `p`), because models put the right answer first far more often than chance.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from telegram.constants import PollLimit

from quiz import callbacks
from quiz.grounding import explanation_with_source, source_line
from quiz.model import Question

POLL = "poll"
KEYBOARD = "keyboard"
STYLES = (POLL, KEYBOARD)

# A button shows the choice itself only when every choice is this short; otherwise numbers.
_SHORT_LABEL = 24
_NUMBER_BUTTONS_PER_ROW = 6
# Room for the source quote under a revealed keyboard question.
_KEYBOARD_SOURCE = 400


def shuffled_order(n: int, rng: random.Random) -> tuple[int, ...]:
    order = list(range(n))
    rng.shuffle(order)
    return tuple(order)


def fits_poll(question: Question) -> bool:
    return len(question.text) <= PollLimit.MAX_QUESTION_LENGTH and all(
        len(c) <= PollLimit.MAX_OPTION_LENGTH for c in question.choices
    )


def choose_style(question: Question, preferred: str) -> str:
    """Polls where they can carry the question, buttons otherwise (or when asked for)."""
    return POLL if preferred == POLL and fits_poll(question) else KEYBOARD


@dataclass(frozen=True, slots=True)
class PollSpec:
    question: str
    options: tuple[str, ...]
    correct_option_id: int
    explanation: str


def poll_spec(question: Question, order: Sequence[int]) -> PollSpec:
    return PollSpec(
        question=question.text,
        options=tuple(question.choices[i] for i in order),
        correct_option_id=list(order).index(question.answer_index),
        # A verified source rides along when it fits in the poll's explanation.
        explanation=explanation_with_source(question, PollLimit.MAX_EXPLANATION_LENGTH),
    )


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str


def _header(number: int, total: int) -> str:
    return f"<b>{number}/{total}</b>"


def keyboard_text(
    question: Question,
    order: Sequence[int],
    number: int,
    total: int,
    *,
    answered: int = 0,
    reveal: bool = False,
) -> str:
    """The HTML text of a keyboard question; `reveal` marks the right choice once closed."""
    lines = [f"{_header(number, total)} {escape(question.text)}", ""]
    for position, model_index in enumerate(order):
        mark = ""
        if reveal:
            mark = "✅ " if model_index == question.answer_index else "▫️ "
        lines.append(f"{mark}{position + 1}. {escape(question.choices[model_index])}")
    if reveal:
        lines += ["", f"<i>{escape(question.explanation)}</i>"]
        if source := source_line(question, _KEYBOARD_SOURCE):
            lines.append(escape(source))
    if answered:
        lines += ["", f"👥 {answered}"]
    return "\n".join(lines)


def keyboard_buttons(
    quiz_id: int, question_index: int, question: Question, order: Sequence[int]
) -> list[list[Button]]:
    short = all(len(question.choices[i]) <= _SHORT_LABEL for i in order)
    buttons = [
        Button(
            f"{p + 1}. {question.choices[i]}" if short else str(p + 1),
            callbacks.answer_data(quiz_id, question_index, p),
        )
        for p, i in enumerate(order)
    ]
    if short:
        return [[b] for b in buttons]
    return [
        buttons[k : k + _NUMBER_BUTTONS_PER_ROW]
        for k in range(0, len(buttons), _NUMBER_BUTTONS_PER_ROW)
    ]
