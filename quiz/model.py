"""Validated quiz values, independent of how the model or Telegram spell them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    choices: tuple[str, ...]
    answer_index: int
    explanation: str
    source_file: str | None = None
    source_quote: str | None = None
    # Whether source_quote was found in the retrieved documents (None: no quote to check).
    quote_verified: bool | None = None


@dataclass(frozen=True, slots=True)
class Quiz:
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class Answer:
    """One participant's choice, in the model's choice order."""

    user_id: int
    question_index: int
    choice_index: int
    answered_at: float
