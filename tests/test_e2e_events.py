"""The quiz lifecycle publishes its stages; features (study cards, review offers) follow them
without sitting on the path from the last answer to the model's submission."""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from fakes.openai_server import FakeOpenAI, message_item
from fakes.quizdata import choice_text, quiz_args, right_choice
from fakes.telegram_server import Chat, FakeTelegram, User
from services.events import AnswersRecorded, AnswersSubmitted, QuizClosed
from tests.conftest import BotFactory
from tests.harness import RunningBot
from tests.test_e2e_group import answer

BEA = User(731, "Bea", language_code="en")
PRIVATE = Chat(731, "private")


def _cards(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM study_cards").fetchone()[0])


async def _quiz_answered_wrong(tg: FakeTelegram, oa: FakeOpenAI, feedback: Any) -> None:
    args = quiz_args(1)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_handler(feedback)
    tg.user_sends(PRIVATE, BEA, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll")
    wrong = choice_text(args, 0, (right_choice(args, 0) + 1) % 4)
    options = [o["text"] for o in poll.params["options"]]
    tg.user_answers_poll(BEA, poll.result["poll"]["id"], [options.index(wrong)])


async def test_cards_are_written_after_the_submission_and_before_the_feedback(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    db = Path(bot.settings.database_path)
    at_submission: list[int] = []

    def model(_body: dict[str, Any], _items: list[Any]) -> list[dict[str, Any]]:
        at_submission.append(_cards(db))
        return [message_item("Feedback after the cards.")]

    await _quiz_answered_wrong(tg, oa, model)
    await tg.wait_for("sendMessage", predicate=lambda c: "after the cards" in c.params["text"])
    # Not one card while the submission was on its way; every card once the feedback shows.
    assert at_submission == [0]
    assert _cards(db) == 1
    # The review offer follows the feedback (it needs the card just written).
    await tg.wait_for("sendMessage", predicate=lambda c: "reply_markup" in c.params)


async def test_a_failing_feature_does_not_break_the_quiz(
    tg: FakeTelegram,
    oa: FakeOpenAI,
    make_bot: BotFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with make_bot() as bot:

        async def broken(_event: QuizClosed | AnswersSubmitted) -> None:
            raise RuntimeError("a feature's bug")

        bot.services.events.subscribe(QuizClosed, broken)
        bot.services.events.subscribe(AnswersSubmitted, broken)

        def model(_body: dict[str, Any], _items: list[Any]) -> list[dict[str, Any]]:
            return [message_item("Feedback despite the bug.")]

        await _quiz_answered_wrong(tg, oa, model)
        await tg.wait_for("sendMessage", predicate=lambda c: "despite the bug" in c.params["text"])
        # The features subscribed before it still ran: the card, then the review offer.
        assert _cards(Path(bot.settings.database_path)) == 1
        await tg.wait_for("sendMessage", predicate=lambda c: "reply_markup" in c.params)
    failures = [r for r in caplog.records if "a feature's bug" in str(r.exc_info)]
    assert [r.levelno for r in failures] == [logging.ERROR, logging.ERROR]


async def test_cards_are_written_when_the_model_fails_the_submission(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    args = quiz_args(1)
    oa.queue_function_call("generate_quiz", args)
    tg.user_sends(PRIVATE, BEA, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll")
    # The question's checks are done: the next request to the model is the submission.
    oa.fail_next(500, path="/responses")
    options = [o["text"] for o in poll.params["options"]]
    tg.user_answers_poll(BEA, poll.result["poll"]["id"], [options.index(choice_text(args, 0, 0))])
    [failed] = await tg.wait_for("sendMessage", predicate=lambda c: "reply_markup" in c.params)
    assert "retry" in json.dumps(failed.params["reply_markup"])
    # The answer is a card although the feedback has to wait for a retry.
    assert _cards(Path(bot.settings.database_path)) == 1


async def test_a_live_game_moves_on_from_the_recorded_answers(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    # The bot and two players: once both answers of a question are recorded, the next
    # question goes out at once (its 30 s countdown is far off). Nothing in the answer's
    # handler moves the game: only the feature following AnswersRecorded does.
    group, ann, bo = (
        Chat(-1006161, "supergroup", title="Live"),
        User(61, "Ann", language_code="en"),
        User(62, "Bo", language_code="en"),
    )
    tg.set_member_count(group.id, 3)
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Both done.")
    async with make_bot() as bot:
        recorded: list[AnswersRecorded] = []

        async def record(event: AnswersRecorded) -> None:
            recorded.append(event)

        bot.services.events.subscribe(AnswersRecorded, record)
        tg.user_sends(group, ann, "/live 2 cells")
        [first] = await tg.wait_for("sendPoll")
        answer(tg, ann, first, args, right_choice(args, 0))
        answer(tg, bo, first, args, right_choice(args, 0))
        answered_at = time.monotonic()
        second = (await tg.wait_for("sendPoll", count=2))[1]
        assert time.monotonic() - answered_at < 5
        [stop] = tg.calls_of("stopPoll")
        assert stop.params["message_id"] == first.result["message_id"] and stop.time <= second.time
        answer(tg, ann, second, args, right_choice(args, 1))
        answer(tg, bo, second, args, right_choice(args, 1))
        await tg.wait_for("sendMessage", predicate=lambda c: "Both done" in c.params["text"])
        # Every stored answer was published once, in the batch that committed it.
        published = [(a.user_id, a.index) for event in recorded for a in event.answers]
        assert sorted(published) == [(61, 0), (61, 1), (62, 0), (62, 1)]
        assert 1 <= len(recorded) <= 4
