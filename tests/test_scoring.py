"""The function_call_output contract and the leaderboard."""

from __future__ import annotations

from quiz.model import Answer, Question, Quiz
from quiz.scoring import build_submission, standings
from quiz.states import SubmissionStatus

QUIZ = Quiz(
    "t",
    (
        Question("q0", ("a", "b", "c"), 1, "e"),
        Question("q1", ("a", "b"), 0, "e"),
    ),
)


def test_submission_matches_the_contract() -> None:
    answers = [Answer(7, 0, 1, 10.0), Answer(7, 1, 1, 11.0), Answer(8, 0, 2, 12.0)]
    sub = build_submission(QUIZ, SubmissionStatus.STOPPED, answers, {7: "Ann", 8: "Bo"})
    assert sub == {
        "status": "stopped",
        "participants": [
            {
                "participant": "P1",
                "name": "Ann",
                "score": 1,
                "answers": [
                    {"question_index": 0, "choice_index": 1, "choice_text": "b", "correct": True},
                    {"question_index": 1, "choice_index": 1, "choice_text": "b", "correct": False},
                ],
            },
            {
                "participant": "P2",
                "name": "Bo",
                "score": 0,
                "answers": [
                    {"question_index": 0, "choice_index": 2, "choice_text": "c", "correct": False}
                ],
            },
        ],
        "questions": [
            {"question_index": 0, "correct_index": 1, "answered": 2, "correct_count": 1},
            {"question_index": 1, "correct_index": 0, "answered": 1, "correct_count": 0},
        ],
    }


def test_standings_break_ties_by_time() -> None:
    answers = [
        Answer(1, 0, 1, 130.0),
        Answer(2, 0, 1, 110.0),
        Answer(3, 0, 0, 101.0),
    ]
    table = standings(QUIZ, answers, {1: "a", 2: "b", 3: "c"}, started_at=100.0)
    assert [(s.user_id, s.score, s.seconds) for s in table] == [
        (2, 1, 10.0),
        (1, 1, 30.0),
        (3, 0, 1.0),
    ]


def test_leaderboard_escapes_names_and_ranks_with_medals() -> None:
    from quiz.results import leaderboard_html
    from quiz.scoring import Standing

    table = [
        Standing(1, "<Ann & Co>", 2, 2, 65.0),
        Standing(2, "Bo", 1, 2, 30.0),
        Standing(3, "Cy", 1, 2, 30.0),
        Standing(4, "Di", 0, 1, 5.0),
    ]
    text = leaderboard_html("Results", table, 2, [(3, 4), (1, 3)], no_answers="none")
    assert "🥇 &lt;Ann &amp; Co&gt; — <b>2/2</b> · 1:05" in text
    # Equal score and time share a rank.
    assert "🥈 Bo" in text and "🥈 Cy" in text and "4. Di" in text
    assert "<code> 1 ▰▰▰▰▰▰▱▱</code> 3/4" in text


def test_long_leaderboards_are_cut_to_fit_one_message() -> None:
    from telegram.constants import MessageLimit

    from quiz.results import MAX_ROWS, leaderboard_html
    from quiz.scoring import Standing

    table = [Standing(i, "N" * 129, 1, 1, 1.0) for i in range(300)]
    text = leaderboard_html("R", table, 5, [(1, 300)] * 12, no_answers="-", more="and {n} more")
    assert len(text) < MessageLimit.MAX_TEXT_LENGTH
    assert f"and {300 - MAX_ROWS} more" in text
