"""What an unguided model wraps its quiz in, undone before validation (engine.fallback)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.fallback import quiz_arguments

QUIZ: dict[str, Any] = {
    "title": "Sums",
    "questions": [
        {
            "question_text": "2+2?",
            "choices": ["3", "4"],
            "answer_index": 1,
            "explanation": "Two and two.",
            "source_file": None,
            "source_quote": None,
        }
    ],
}


def _envelope(arguments: object) -> dict[str, Any]:
    return {"name": "generate_quiz", "arguments": arguments}


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(QUIZ),
        "```json\n" + json.dumps(QUIZ) + "\n```",
        json.dumps(_envelope(QUIZ)),
        json.dumps(_envelope(json.dumps(QUIZ))),
        json.dumps(_envelope(_envelope(QUIZ))),
        json.dumps({"type": "function", "function": _envelope(json.dumps(QUIZ))}),
        "<tool_call>\n" + json.dumps(_envelope(QUIZ)) + "\n</tool_call>",
        "Sure!\n<tool_call>" + json.dumps(_envelope(QUIZ)),
        "```json\n<tool_call>" + json.dumps(_envelope(_envelope(QUIZ))) + "</tool_call>\n```",
        # Braces doubled, as a chat template escapes them.
        "{" + json.dumps(_envelope(QUIZ)) + "}",
    ],
)
def test_envelopes_are_unwrapped(text: str) -> None:
    assert json.loads(quiz_arguments(text)) == QUIZ


def test_null_written_as_a_string_is_null_and_letters_are_positions() -> None:
    question = {**QUIZ["questions"][0], "answer_index": "B"}
    question |= {"source_file": "null", "source_quote": " None "}
    text = "```json\n" + json.dumps(_envelope({"title": "Sums", "questions": [question]})) + "```"
    assert json.loads(quiz_arguments(text)) == QUIZ


def test_left_out_optional_fields_are_null() -> None:
    question = {k: v for k, v in QUIZ["questions"][0].items() if not k.startswith("source")}
    got = json.loads(quiz_arguments(json.dumps({"title": "Sums", "questions": [question]})))
    assert got == QUIZ


def test_a_null_word_stays_in_required_fields_and_real_values_stay() -> None:
    question = {**QUIZ["questions"][0], "explanation": "null", "source_file": "notes.txt"}
    got = json.loads(quiz_arguments(json.dumps({"title": "Sums", "questions": [question]})))
    assert got["questions"][0]["explanation"] == "null"
    assert got["questions"][0]["source_file"] == "notes.txt"


@pytest.mark.parametrize(
    "text",
    [
        "Here is your quiz: 1. 2+2?",
        # Two calls or two fences: which is the quiz is not guessed.
        "```json\n" + json.dumps(QUIZ) + "\n```\n```json\n" + json.dumps(QUIZ) + "\n```",
        "<tool_call>{}</tool_call><tool_call>" + json.dumps(QUIZ) + "</tool_call>",
    ],
)
def test_text_without_one_quiz_is_left_for_validation(text: str) -> None:
    assert quiz_arguments(text) == text
