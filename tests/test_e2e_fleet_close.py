"""Workers sharing one database, as a fleet does: a quiz's close happens once, whichever
worker's deadline timer, /stop or start-up recovery races it."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import build_application
from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args, right_choice
from fakes.telegram_server import FakeTelegram
from i18n import tr
from quiz.states import QuizState, SubmissionStatus
from services.logs import silence_http_logs
from settings import Settings
from tests.harness import RunningBot, eventually, running_bot, settings_for
from tests.test_crash_recovery import submissions
from tests.test_e2e_group import ANN, GROUP, answer, answers_stored

FEEDBACK = "Time is up: the fleet's one feedback."
# Webhook mode takes no polling lease: several such workers share the database.
WEBHOOK = {"WEBHOOK_URL": "https://bot.example/hook", "WEBHOOK_SECRET_TOKEN": "fleet-secret"}


@contextlib.asynccontextmanager
async def worker(settings: Settings) -> AsyncIterator[RunningBot]:
    """A webhook-mode worker without its web server (updates reach the polling bot): its
    start-up recovery and its timers run, as bot.py's run_webhook would run them."""
    silence_http_logs()
    app = build_application(settings)
    await app.initialize()
    assert app.post_init is not None and app.post_stop is not None
    await app.post_init(app)
    await app.start()
    try:
        yield RunningBot(app, settings)
    finally:
        await app.stop()
        await app.post_stop(app)
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)


def logged(caplog: pytest.LogCaptureFixture, text: str) -> int:
    return sum(text in r.getMessage() for r in caplog.records)


async def _true(value: bool) -> bool:
    return value


async def test_a_close_under_way_on_one_worker_is_not_repeated_by_a_stop_or_a_start_on_another(
    tg: FakeTelegram, oa: FakeOpenAI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    tg.set_member_count(GROUP.id, 10)
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message(FEEDBACK)
    db = tmp_path / "db.sqlite3"
    async with (
        running_bot(settings_for(tg, oa, db)) as a,
        # Longer than the model's delay below (the harness's 5 s is not).
        worker(settings_for(tg, oa, db, **WEBHOOK, OPENAI_TIMEOUT="30")) as b,
    ):
        # The deadline fires on B, a worker that never saw the quiz: A runs no timers.
        assert a.services.timers is not None
        await a.services.timers.stop()
        tg.user_sends(GROUP, ANN, "/quiz 2 cells")
        polls = await tg.wait_for("sendPoll", count=2)
        answer(tg, ANN, polls[0], args, right_choice(args, 0))
        await answers_stored(a, 1, 1)
        # B's model call takes a while: its close is under way while the others act.
        oa.delay_next(8, path="/responses")
        b.services.clock = lambda: time.time() + 3600  # past the deadline, on B alone
        await eventually(lambda: _true(len(submissions(oa)) == 1), what="B's submission")

        # A /stop handled by A meanwhile: A does not submit the answers again.
        closing = "Quiz 1: another worker is closing it"
        tg.user_sends(GROUP, ANN, "/stop")
        await eventually(lambda: _true(logged(caplog, closing) == 1), what="A's /stop")
        # A worker starting meanwhile: its recovery leaves B's close alone (it may look more
        # than once: the one submission and one feedback below are what counts).
        async with worker(settings_for(tg, oa, db, **WEBHOOK)):
            await eventually(lambda: _true(logged(caplog, closing) >= 2), what="C's recovery")

        await tg.wait_for(
            "sendMessage", predicate=lambda c: c.params["text"] == FEEDBACK, timeout=20
        )

        # Read where it was written: A's cache of quiz rows is its own (not this test's).
        async def done() -> bool:
            quiz = await b.services.repo.quizzes.quiz(1)
            return quiz is not None and quiz.state == QuizState.DONE

        await eventually(done, what="the quiz to be done")
        quiz = await b.services.repo.quizzes.quiz(1)
        assert quiz is not None and quiz.status == SubmissionStatus.TIMED_OUT
    assert len(submissions(oa)) == 1
    posted = [c for c in tg.calls_of("sendMessage") if c.params["text"] == FEEDBACK]
    assert len(posted) == 1, tg.describe_calls()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_starting_worker_leaves_a_quiz_another_worker_is_writing_alone(
    tg: FakeTelegram, oa: FakeOpenAI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    tg.set_member_count(GROUP.id, 10)
    oa.queue_function_call("generate_quiz", quiz_args(2))
    db = tmp_path / "db.sqlite3"
    # Longer than the model's delay below (the harness's 5 s is not).
    async with running_bot(settings_for(tg, oa, db, OPENAI_TIMEOUT="30")) as a:
        # The model takes a while to write the quiz: a worker starts meanwhile.
        oa.delay_next(6, path="/responses")
        tg.user_sends(GROUP, ANN, "/quiz 2 cells")
        await oa.wait_for_request("/responses")
        async with worker(settings_for(tg, oa, db, **WEBHOOK)):
            writing = "Quiz 1: another worker is writing it"
            await eventually(lambda: _true(logged(caplog, writing) == 1), what="C's recovery")
        await tg.wait_for("sendPoll", count=2, timeout=20)
        quiz = await a.services.repo.quizzes.quiz(1)
        assert quiz is not None and quiz.state == QuizState.OPEN
    interrupted = tr("en", "interrupted")
    assert not [c for c in tg.calls_of("sendMessage") if c.params["text"] == interrupted]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
