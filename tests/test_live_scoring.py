"""quiz.live: points for speed, the streak bonus and its cap, ties, the standings' moves."""

from __future__ import annotations

from quiz.live import SentQuestion, moves, score, speed_points, streak_bonus, table
from quiz.model import Answer, Question, Quiz

QUIZ = Quiz("t", tuple(Question(f"q{i}", ("a", "b"), 0, "") for i in range(8)))
SENT = [SentQuestion(i, 100.0 * i, 20.0) for i in range(8)]


def test_speed_points_run_from_1000_to_500() -> None:
    assert speed_points(0, 20) == 1000
    assert speed_points(10, 20) == 750
    assert speed_points(20, 20) == 500
    assert speed_points(99, 20) == 500


def test_streaks_add_100_a_step_up_to_500_and_break_on_a_miss() -> None:
    assert [streak_bonus(s) for s in range(1, 9)] == [0, 100, 200, 300, 400, 500, 500, 500]
    # Right at once on every question but the third, which is missed.
    answers = [Answer(1, i, 0, 100.0 * i) for i in range(8) if i != 2]
    scored = score(QUIZ, SENT, answers)
    assert [scored[(1, i)].points for i in (0, 1, 3, 4)] == [1000, 1100, 1000, 1100]
    wrong = score(QUIZ, SENT, [Answer(2, 0, 1, 1.0), Answer(2, 1, 0, 100.0)])
    assert wrong[(2, 0)].points == 0 and wrong[(2, 1)].points == 1000


def test_same_points_less_time_ranks_higher_and_moves_say_the_change() -> None:
    answers = [Answer(1, 0, 1, 1.0), Answer(2, 0, 0, 2.0), Answer(1, 1, 0, 100.0)]
    answers += [Answer(2, 1, 1, 101.0)]
    board = moves(QUIZ, SENT[:2], answers, {1: "A", 2: "B"})
    assert [(m.standing.name, m.rank, m.gained, m.climbed) for m in board] == [
        ("A", 1, 1000, 1),
        ("B", 2, 0, -1),
    ]
    # Both 1000 points; 2 took 2 s over a wrong answer, 1 took 10 s.
    same = [Answer(1, 0, 0, 0.0), Answer(1, 1, 1, 110.0), Answer(2, 0, 0, 0.0)]
    same += [Answer(2, 1, 1, 102.0)]
    tied = table(score(QUIZ, SENT, same), {})
    assert [(s.user_id, s.points, s.seconds) for s in tied] == [(2, 1000, 2.0), (1, 1000, 10.0)]
