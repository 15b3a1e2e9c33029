"""Callback data: every button's data round-trips, fits, and reaches exactly one handler."""

from __future__ import annotations

import re

from telegram.constants import InlineKeyboardButtonLimit
from telegram.ext import CallbackQueryHandler

from handlers import admin, buttons, language, learning, newcomers, start
from quiz import callbacks
from quiz.callbacks import AnswerTap


def test_answer_data_round_trips_and_fits() -> None:
    data = callbacks.answer_data(2**62, 11, 11)
    assert len(data.encode()) <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
    assert callbacks.parse_answer(data) == AnswerTap(2**62, 11, 11)


def test_forged_answer_data_is_rejected() -> None:
    for forged in ("", "a:1:2", "a:x:1:1", "b:1:1:1", "a:1:1:-1", "a:1:1:1:1", "retry:3"):
        assert callbacks.parse_answer(forged) is None


def test_quiz_ids_parse_only_under_their_own_prefix() -> None:
    assert callbacks.parse_quiz_id(callbacks.RETRY, callbacks.retry_data(7)) == 7
    assert callbacks.parse_quiz_id(callbacks.FINISH, callbacks.finish_data(8)) == 8
    assert callbacks.parse_quiz_id(callbacks.FINISH, callbacks.retry_data(7)) is None
    assert callbacks.parse_quiz_id(callbacks.RETRY, "retry:x") is None


def test_forget_buttons_name_their_person_and_nothing_else_parses() -> None:
    assert callbacks.parse_forget(callbacks.forget_data(42, confirmed=True)) == (
        callbacks.ForgetTap(True, 42)
    )
    assert callbacks.parse_forget(callbacks.forget_data(42, confirmed=False)) == (
        callbacks.ForgetTap(False, 42)
    )
    for forged in ("forget:yes", "forget:maybe:42", "forget:yes:x", "retry:42", "forget:"):
        assert callbacks.parse_forget(forged) is None


def test_each_button_reaches_exactly_one_handler() -> None:
    every = [h for m in (admin, buttons, language, learning, start) for h in m.HANDLERS]
    every += newcomers.handlers([])
    patterns = [h.pattern for h in every if isinstance(h, CallbackQueryHandler)]
    assert all(isinstance(p, re.Pattern) for p in patterns)
    samples = [
        callbacks.answer_data(1, 0, 2),
        callbacks.retry_data(1),
        callbacks.finish_data(1),
        callbacks.menu_data("help"),
        callbacks.lang_data("ko"),
        callbacks.REVIEW_DATA,
        callbacks.WEAKEST_DATA,
        callbacks.offer_data(3),
        callbacks.forget_data(4, confirmed=True),
        "forged",
        "",
    ]
    for data in samples:
        matching = [p for p in patterns if isinstance(p, re.Pattern) and p.match(data)]
        assert len(matching) == 1, (data, matching)
