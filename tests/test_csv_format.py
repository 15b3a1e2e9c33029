"""Quizzes as CSV rows and study cards as Anki notes (quiz/csv_format.py): pure."""

from __future__ import annotations

import csv
import io

from quiz.csv_format import (
    Card,
    cards_csv,
    is_quiz_header,
    parse_quiz_file,
    quiz_csv,
)
from quiz.model import Question, Quiz

GOOD = (
    "question,choice1,choice2,choice3,answer,explanation,source\n"
    "Capital of France?,Lyon,Paris,Nice,2,Paris is the capital.,atlas.pdf\n"
    '"Largest planet, by mass?",Earth,Jupiter,,Jupiter,,\n'
)


def test_a_good_file_becomes_a_quiz_with_answers_by_number_or_text() -> None:
    parsed = parse_quiz_file(GOOD, ",", "Geo", 10)
    assert parsed.problems == ()
    assert parsed.quiz is not None
    first, second = parsed.quiz.questions
    assert first.choices == ("Lyon", "Paris", "Nice") and first.answer_index == 1
    assert first.source_file == "atlas.pdf"
    # A trailing empty choice column is no choice; the answer may be the choice's text.
    assert second.choices == ("Earth", "Jupiter") and second.answer_index == 1
    # Without an explanation, the answer explains itself (a poll needs one).
    assert second.explanation == "Jupiter"


def test_every_bad_row_is_named_and_nothing_is_kept() -> None:
    text = (
        "question,choice1,choice2,choice3,answer\n"
        "Fine?,yes,no,,1\n"
        "Bad key?,yes,no,,3\n"
        ",yes,no,,1\n"
        "Same?,a,A,,1\n"
        "Gap?,a,,c,1\n"
    )
    parsed = parse_quiz_file(text, ",", "t", 10)
    assert parsed.quiz is None
    assert sorted({p.row for p in parsed.problems}) == [3, 4, 5, 6]


def test_an_export_imports_back_unchanged() -> None:
    quiz = Quiz(
        "Mixed",
        (
            Question('Quote "this", ok?', ("a,b", "c"), 0, "Because.", "doc.pdf"),
            Question("Four?", ("1", "2", "3", "4"), 3, "Four is four."),
        ),
    )
    again = parse_quiz_file(quiz_csv(quiz), ",", "Mixed", 10)
    assert again.problems == ()
    assert again.quiz is not None
    assert quiz_csv(again.quiz) == quiz_csv(quiz)
    assert [q.choices for q in again.quiz.questions] == [q.choices for q in quiz.questions]


def test_too_many_questions_and_a_header_that_is_not_a_quiz() -> None:
    rows = "question,choice1,choice2,answer\n" + "q{0}?,a,b,1\n" * 3
    parsed = parse_quiz_file(rows.format(1), ",", "t", 2)
    assert parsed.quiz is None and "at most 2" in parsed.problems[0].problem
    assert is_quiz_header("Question,Choice1,Choice2,Answer,Explanation", ",")
    assert is_quiz_header("question\tchoice1\tchoice2\tanswer", "\t")
    assert not is_quiz_header("name,email", ",")
    assert not is_quiz_header("question,choice1,answer", ",")


def test_cards_are_anki_notes_with_html_fields() -> None:
    text = cards_csv([Card("2 < 3?", ("yes", "no"), 0, "Order.", "m.pdf")])
    header, body = text.split("#columns:Front,Back\n")
    assert header == "#separator:Comma\n#html:true\n"
    [[front, back]] = list(csv.reader(io.StringIO(body)))
    assert front == "2 &lt; 3?<br><br>1. yes<br>2. no"
    assert back == "<b>1. yes</b><br><br>Order.<br><br><i>m.pdf</i>"
