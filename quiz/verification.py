"""Checks of a written question before it is posted, pure: no I/O.

Each check returns *problem strings* for the writer, like quiz/validation.py, so that they go
through the same correction path: sent back once, then left out.

- The key: an independent solve (engine/verify.py) answered the question without seeing it.
  Confidence rule: the key stands when the solver picked it, or when the solver's different
  pick is a guess (confidence below DISPUTE_CONFIDENCE) or missing (the solve failed); it is
  disputed only by a confident different pick. A small solver's guess must not throw out a
  good question, and a confident contradiction is what a wrong key looks like.
- The language: the quiz is in the topic's language (quiz/language.py on the topic), or in the
  chat's language when there is no topic (a document quiz). A topic too short to tell (one
  English word often is) is not checked. A question is in the wrong language only when it is
  in another one and leaves the expected one next to nothing: too few letters of its script
  (a Korean quiz's question without Hangul), or the identifier all but sure of the other.
- Repeats: near-duplicates have the same key and either the same choices or a question text
  that rapidfuzz finds nearly the same (casefolded, token sort ratio).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz

from quiz.language import UNKNOWN, identify
from quiz.language import warm_up as warm_up
from quiz.model import Question

DISPUTE_CONFIDENCE = 0.5
# A topic must be this clearly in one language before the quiz is held to it.
TOPIC_CONFIDENCE = 0.5
# A question is in another language when it leaves the expected one less than this.
EXPECTED_FLOOR = 0.05
# Question texts this similar (0-100, token sort ratio) with the same key ask the same thing
# ("what is 2+2?" and "what is 3+3?" are as similar, but their keys differ).
SAME_TEXT = 80.0
# A review variant this close to its card's question is a rewording, not a new question.
REVIEW_SAME_TEXT = 90.0

LANGUAGE_NAMES = {
    "en": "English",
    "ko": "Korean",
    "ja": "Japanese",
    "zh": "Chinese",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
    "ru": "Russian",
    "vi": "Vietnamese",
}


def language_name(code: str) -> str:
    return "another language" if code == UNKNOWN else LANGUAGE_NAMES.get(code, code)


def topic_language(topic: str, chat_lang: str) -> str | None:
    """The language the quiz must be in, or None when the topic does not tell."""
    if not topic.strip():
        return chat_lang
    guess = identify(topic)
    if guess is None or not guess.reliable or guess.confidence < TOPIC_CONFIDENCE:
        return None
    # Only a language the bot can name: a short topic's rarer guesses ("Pythagoras theorem":
    # Latin) are more often wrong than right.
    return guess.lang if guess.lang in LANGUAGE_NAMES else None


def _question_text(q: Question) -> str:
    return " ".join((q.text, *q.choices))


def language_problem(index: int, q: Question, expected: str | None) -> str | None:
    if expected is None:
        return None
    guess = identify(_question_text(q))
    if guess is None or guess.lang == expected or guess.room_for(expected) >= EXPECTED_FLOOR:
        return None
    name, other = language_name(expected), language_name(guess.lang)
    return (
        f"questions[{index}] is written in {other}, not in {name}: the quiz must "
        f"be in {name}, the language of the user's topic; write it again in {name}"
    )


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def is_near_duplicate(a: Question, b: Question) -> bool:
    """The same right answer behind a similar question, or among the same choices."""
    if _norm(a.choices[a.answer_index]) != _norm(b.choices[b.answer_index]):
        return False
    same_choices = {_norm(c) for c in a.choices} == {_norm(c) for c in b.choices}
    return same_choices or fuzz.token_sort_ratio(_norm(a.text), _norm(b.text)) >= SAME_TEXT


def duplicate_problem(
    index: int, q: Question, earlier: Sequence[tuple[int, Question]]
) -> str | None:
    """`earlier`: the questions (with their indices) this one must not repeat."""
    for other_index, other in earlier:
        # A replacement may resemble the question it replaces.
        if other_index != index and is_near_duplicate(q, other):
            return (
                f"questions[{index}] asks the same as questions[{other_index}]: replace it with "
                "a question on a different fact"
            )
    return None


def review_repeat_problem(index: int, text: str, original: str) -> str | None:
    """A review variant that only rewords its card's question a little (review variants
    must be new questions on the same fact)."""
    if fuzz.token_sort_ratio(_norm(text), _norm(original)) >= REVIEW_SAME_TEXT:
        return (
            f"questions[{index}] is nearly the card's old question: ask about the same fact "
            "in a new way"
        )
    return None


@dataclass(frozen=True, slots=True)
class KeyCheck:
    """What the solve said about one question's key (positions in the displayed order)."""

    key: int
    picked: int | None
    confidence: float

    @property
    def disputed(self) -> bool:
        return (
            self.picked is not None
            and self.picked != self.key
            and self.confidence >= DISPUTE_CONFIDENCE
        )


def key_problem(index: int, q: Question, check: KeyCheck, order: Sequence[int]) -> str | None:
    """`order`: model choice index per displayed position (as the solver saw them)."""
    if not check.disputed or check.picked is None:
        return None
    picked = q.choices[order[check.picked]]
    return (
        f"questions[{index}]: an independent check answered {picked!r}, not the key "
        f"{q.choices[q.answer_index]!r}. Make sure answer_index points at the one correct "
        "choice (fix the key, or the question, so exactly one choice is right)"
    )


# services/quiz/verify.py logs every decision of the checks with one of these as `extra`, so
# that a run's figures come from what the bot did, not from re-deriving it
# (tools/local_model.py counts them).
VERDICT, SOLVED = "verify_verdict", "verify_solve"


class Verdict(StrEnum):
    CONFIRMED = "confirmed"  # the solver picked the key
    GUESS = "guess"  # it picked another choice, not confidently: the key stands
    UNANSWERED = "unanswered"  # no usable answer (or the solve failed): the key stands
    DISPUTED = "disputed"
    LANGUAGE = "language"
    REPEAT = "repeat"


@dataclass(frozen=True, slots=True)
class Judged:
    """One question's verdict (the `VERDICT` attribute of its log record)."""

    quiz_id: int
    index: int  # the model's index: a replacement has the index of what it replaces
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class SolveCall:
    """One solve call (the `SOLVED` attribute of its log record)."""

    quiz_id: int
    questions: int
    tokens: int
    failed: bool = False
