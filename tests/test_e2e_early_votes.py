"""A vote that outruns its poll: cast while the bot has not yet heard that the poll was sent
(a slow network; or, with several workers, handled by one before the sending one stored the
poll). It still counts."""

from __future__ import annotations

from typing import Any

import pytest

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import Chat, FakeTelegram, User
from tests.harness import RunningBot
from tests.test_e2e_group import answers_stored

ANN = User(61, "Ann", language_code="en")
PRIVATE = Chat(ANN.id, "private")


async def test_a_vote_cast_before_the_bot_stored_its_poll_counts(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)

    def vote(result: Any) -> None:
        tg.user_answers_poll(ANN, result["poll"]["id"], [0])

    # The first poll reaches Ann, who votes at once; sendPoll's answer reaches the bot 1 s
    # later, so the vote arrives before the bot knows the poll's id.
    tg.slow_answer("sendPoll", 1.0, vote)
    tg.user_sends(PRIVATE, ANN, "/quiz 2 cells")
    await answers_stored(bot, 1, 1)
    assert not [r for r in caplog.records if "unknown poll" in r.getMessage()]
