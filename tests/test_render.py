"""Rendering to polls and keyboards, and the shuffled choice order."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace

from quiz.model import Question
from quiz.render import (
    KEYBOARD,
    POLL,
    choose_style,
    keyboard_buttons,
    keyboard_text,
    poll_spec,
    shuffled_order,
)

Q = Question("Capital of Korea?", ("Seoul", "Busan", "Incheon", "Daegu"), 0, "It is Seoul.")


def test_poll_spec_maps_the_correct_answer_through_the_order() -> None:
    spec = poll_spec(Q, (2, 0, 3, 1))
    assert spec.options == ("Incheon", "Seoul", "Daegu", "Busan")
    assert spec.correct_option_id == 1


def test_long_question_or_choice_falls_back_to_keyboard() -> None:
    assert choose_style(Q, POLL) == POLL
    assert choose_style(Q, KEYBOARD) == KEYBOARD
    long_q = Question("x" * 350, Q.choices, 0, "e")
    long_c = Question("q", ("y" * 150, "b"), 0, "e")
    assert choose_style(long_q, POLL) == KEYBOARD
    assert choose_style(long_c, POLL) == KEYBOARD


def test_right_answer_position_is_close_to_uniform() -> None:
    rng = random.Random(7)
    positions: Counter[int] = Counter()
    for _ in range(1000):
        order = shuffled_order(4, rng)
        positions[poll_spec(Q, order).correct_option_id] += 1
    # Binomial(1000, 1/4): 250 plus or minus 3 standard deviations (about 13.7 each)
    assert all(209 <= positions[p] <= 291 for p in range(4)), positions


def test_keyboard_hides_then_reveals_the_answer() -> None:
    order = (1, 0, 2, 3)
    hidden = keyboard_text(Q, order, 1, 3)
    assert "✅" not in hidden and "It is Seoul" not in hidden
    assert "1. Busan" in hidden and "2. Seoul" in hidden
    shown = keyboard_text(Q, order, 1, 3, reveal=True, answered=2)
    assert "✅ 2. Seoul" in shown and "It is Seoul" in shown


def test_keyboard_text_escapes_html() -> None:
    q = Question("Is 1 < 2 & 3 > 2?", ("<b>yes</b>", "no"), 0, "math")
    assert "&lt;b&gt;yes&lt;/b&gt;" in keyboard_text(q, (0, 1), 1, 1)


def test_short_choices_label_buttons_long_choices_use_numbers() -> None:
    short = keyboard_buttons(5, 0, Q, (0, 1, 2, 3))
    assert [row[0].label for row in short] == ["1. Seoul", "2. Busan", "3. Incheon", "4. Daegu"]
    long_q = Question("q", ("a" * 50, "b" * 50), 0, "e")
    assert [b.label for b in keyboard_buttons(5, 0, long_q, (1, 0))[0]] == ["1", "2"]


def test_a_revealed_keyboard_question_shows_the_polls_description() -> None:
    quote = "A long & verified quote, " * 12
    q = replace(Q, source_file="notes.txt", source_quote=quote.strip(), quote_verified=True)
    spec = poll_spec(q, (0, 1, 2))
    assert len(spec.description) > 200 and "&amp;" in spec.description
    assert spec.explanation == q.explanation
    assert keyboard_text(q, (0, 1, 2), 1, 1, reveal=True).endswith(spec.description)
    assert spec.description not in keyboard_text(q, (0, 1, 2), 1, 1)
