"""A study card as read, and the two kinds of answer a finished quiz records: a new card, a
re-tested one."""

from __future__ import annotations

import json
from dataclasses import dataclass

from storage.database import Row


@dataclass(frozen=True, slots=True)
class CardRow:
    id: int
    user_id: int
    chat_id: int
    quiz_id: int
    topic: str
    text: str
    choices: tuple[str, ...]
    answer_index: int
    explanation: str
    source_file: str | None
    source_quote: str | None
    created_at: float
    last_at: float
    right_count: int
    wrong_count: int
    last_correct: bool
    fsrs: str
    due: float

    @property
    def answer(self) -> str:
        return self.choices[self.answer_index]


CARD_COLUMNS = (
    "id, user_id, chat_id, quiz_id, topic, text, choices, answer_index, explanation,"
    " source_file, source_quote, created_at, last_at, right_count, wrong_count, last_correct,"
    " fsrs, due"
)

# The due-card query (also shown with EXPLAIN QUERY PLAN by the tests): the index
# study_cards_due (user_id, due) gives both the filter and the order.
DUE_SQL = (
    f"SELECT {CARD_COLUMNS} FROM study_cards WHERE user_id = ? AND due <= ?"
    " ORDER BY due, id LIMIT ?"
)


def card_row(r: Row) -> CardRow:
    values = list(r)
    values[6] = tuple(json.loads(values[6]))
    values[15] = bool(values[15])
    return CardRow(*values)


@dataclass(frozen=True, slots=True)
class NewCard:
    """A question a person answered for the first time, already rated."""

    user_id: int
    chat_id: int
    quiz_id: int
    question_idx: int
    topic: str
    text: str
    choices: tuple[str, ...]
    answer_index: int
    explanation: str
    source_file: str | None
    source_quote: str | None
    at: float
    correct: bool
    fsrs: str
    due: float
    rating: int
    log: str


@dataclass(frozen=True, slots=True)
class RatedCard:
    """An existing card re-tested by a review quiz."""

    card_id: int
    user_id: int
    chat_id: int
    at: float
    correct: bool
    fsrs: str
    due: float
    rating: int
    log: str
