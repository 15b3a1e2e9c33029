"""The model's arguments are validated before anything reaches Telegram."""

from __future__ import annotations

import json
from typing import Any

import pytest
from telegram.constants import PollLimit

from quiz.validation import InvalidQuizError, parse_quiz, strip_numbering, trim_explanation


def question(**overrides: Any) -> dict[str, Any]:
    q: dict[str, Any] = {
        "question_text": "What do plants make in photosynthesis?",
        "choices": ["Glucose", "Salt", "Iron", "Plastic"],
        "answer_index": 0,
        "explanation": "Light energy turns CO2 and water into glucose.",
        "source_file": None,
        "source_quote": None,
    }
    q.update(overrides)
    return q


def args(*questions: dict[str, Any], title: str = "Plants") -> str:
    return json.dumps({"title": title, "questions": list(questions) or [question()]})


def problems_of(arguments: str, max_questions: int = 5) -> list[str]:
    with pytest.raises(InvalidQuizError) as info:
        parse_quiz(arguments, max_questions)
    return info.value.problems


def test_valid_quiz_is_parsed() -> None:
    quiz = parse_quiz(args(question(), question(question_text="Second?")), 5)
    assert quiz.title == "Plants"
    assert [q.text for q in quiz.questions] == [
        "What do plants make in photosynthesis?",
        "Second?",
    ]
    assert quiz.questions[0].choices == ("Glucose", "Salt", "Iron", "Plastic")


def test_not_json() -> None:
    assert "not valid JSON" in problems_of("{'title': 1")[0]


def test_missing_field_is_named() -> None:
    q = question()
    del q["answer_index"]
    assert any("answer_index" in p for p in problems_of(args(q)))


def test_unknown_field_is_refused() -> None:
    assert any("extra" in p.lower() for p in problems_of(args(question(bonus=1))))


def test_answer_index_out_of_range() -> None:
    assert any("answer_index 4" in p for p in problems_of(args(question(answer_index=4))))


def test_questions_beyond_the_request_are_cut_not_refused() -> None:
    broken = question(answer_index=9)
    quiz = parse_quiz(args(question(), question(question_text="Second?"), broken), 2)
    assert [q.text for q in quiz.questions] == [
        "What do plants make in photosynthesis?",
        "Second?",
    ]


def test_no_questions() -> None:
    assert problems_of(json.dumps({"title": "x", "questions": []}))


@pytest.mark.parametrize(
    "choices",
    [
        ["Only one"],
        [f"c{i}" for i in range(PollLimit.MAX_OPTION_NUMBER + 1)],
        ["Same", "same", "Other"],
        ["A", "", "C"],
    ],
)
def test_bad_choices(choices: list[str]) -> None:
    assert problems_of(args(question(choices=choices, answer_index=0)))


def test_every_problem_is_reported_at_once() -> None:
    found = problems_of(args(question(question_text=" ", answer_index=9, choices=["a", "a"])))
    assert len(found) >= 3


def test_numbering_is_stripped_only_when_all_choices_have_it() -> None:
    assert strip_numbering(["1. Seoul", "2) Busan", "(3) Daegu"]) == ["Seoul", "Busan", "Daegu"]
    assert strip_numbering(["A. Lincoln", "Washington"]) == ["A. Lincoln", "Washington"]
    assert strip_numbering(["A) 서울", "B) 부산"]) == ["서울", "부산"]


def test_numbered_choices_from_the_model_are_cleaned() -> None:
    quiz = parse_quiz(args(question(choices=["1. 가", "2. 나", "3. 다", "4. 라"])), 5)
    assert quiz.questions[0].choices == ("가", "나", "다", "라")


def test_explanation_is_trimmed_at_a_word_boundary() -> None:
    long = "word " * 100
    trimmed = trim_explanation(long)
    assert len(trimmed) <= PollLimit.MAX_EXPLANATION_LENGTH
    assert trimmed.endswith("word…")
    assert trim_explanation("short\n\n\n\nlines") == "short lines"


def test_long_question_is_allowed_for_keyboard_fallback() -> None:
    quiz = parse_quiz(args(question(question_text="x" * 350)), 5)
    assert len(quiz.questions[0].text) == 350


def test_a_review_variant_that_only_rewords_its_card_a_little_is_rejected() -> None:
    from quiz.verification import review_repeat_problem

    old = "Which organelle makes most of the cell's ATP?"
    assert review_repeat_problem(0, "Which organelle makes most of a cell's ATP?", old)
    assert review_repeat_problem(0, "Where in the cell is glucose turned into ATP?", old) is None
