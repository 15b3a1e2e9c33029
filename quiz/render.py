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
from quiz.grounding import source_html
from quiz.model import Question

POLL = "poll"
KEYBOARD = "keyboard"
STYLES = (POLL, KEYBOARD)

# A button shows the choice itself only when every choice is this short; otherwise numbers.
_SHORT_LABEL = 24
_NUMBER_BUTTONS_PER_ROW = 6
# A revealed keyboard question shows the same source as a poll's description.
_KEYBOARD_SOURCE = int(PollLimit.MAX_DESCRIPTION_CHARACTERS)


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
    # HTML: the verified source (file name and quote), '' when there is none.
    description: str


def poll_spec(question: Question, order: Sequence[int]) -> PollSpec:
    return PollSpec(
        question=question.text,
        options=tuple(question.choices[i] for i in order),
        correct_option_id=list(order).index(question.answer_index),
        # The explanation keeps the "why"; the source has the description's 1,024 characters.
        explanation=question.explanation,
        description=source_html(question, PollLimit.MAX_DESCRIPTION_CHARACTERS),
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
        if source := source_html(question, _KEYBOARD_SOURCE):
            lines.append(source)
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
