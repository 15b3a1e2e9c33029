"""Several real bot processes on one PostgreSQL, fed by webhooks from the fake Telegram
round-robin over their ports (issue 24): the core flows, a worker killed mid-quiz, and the
fleet keeping to Telegram's flood limits together."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from fakes import BOT_TOKEN, OPENAI_KEY
from fakes.openai_server import FakeOpenAI
from fakes.quizdata import choice_text, quiz_args, right_choice
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from services import learning
from tests.fleet import Fleet
from tests.harness import eventually
from tests.test_crash_recovery import submissions
from tests.test_e2e_group import answer

GROUP = Chat(-1002424, "supergroup", title="Fleet group")
ANN = User(2401, "Ann", language_code="en")
BO = User(2402, "Bo", language_code="en")
CY = User(2403, "Cy", language_code="en")
DI = User(2404, "Di", language_code="en")
PLAYERS = [ANN, BO, CY, DI]
PRIVATE = Chat(ANN.id, "private")
FEEDBACK = "Fleet feedback: well done."
# Until the branch pg is merged, bot.py ignores DATABASE_URL (each worker would open its
# own SQLite file): these tests fail then, as they should, so they wait for it.


@pytest.fixture
async def make_fleet(
    tg: FakeTelegram, oa: FakeOpenAI, tmp_path: Path, pg_url: str
) -> AsyncIterator[Callable[..., Fleet]]:
    made: list[Fleet] = []

    def factory(workers: int = 2, **env: str) -> Fleet:
        fleet = Fleet(tg, oa, tmp_path, pg_url, workers, **env)
        made.append(fleet)
        return fleet

    yield factory
    for fleet in made:
        for worker in fleet.alive:
            await worker.kill()
        log = fleet.output()
        assert BOT_TOKEN not in log and OPENAI_KEY not in log
        assert "Traceback" not in log, log


def feedback_posts(tg: FakeTelegram, text: str = FEEDBACK) -> list[Call]:
    return [c for c in tg.calls_of("sendMessage") if c.ok and c.params["text"] == text]


def workers_reached(tg: FakeTelegram) -> set[str]:
    return {d.target for d in tg.webhook.deliveries if d.ok}


async def polls_recorded(fleet: Fleet, count: int) -> None:
    """Wait until the worker that sent the polls has stored them: another worker can place
    an answer only then. (A person answers seconds after a poll appears; between Telegram
    accepting a poll and that commit there are a few milliseconds, in which an answer
    reaching another worker would find no poll yet.)"""

    async def check() -> bool:
        sql = "SELECT COUNT(*) FROM questions WHERE poll_id IS NOT NULL"
        return int(await fleet.value(sql)) >= count

    await eventually(check, within=30, what=f"{count} polls recorded")


async def answers_in_db(fleet: Fleet, count: int) -> None:
    async def check() -> bool:
        return int(await fleet.value("SELECT COUNT(*) FROM answers")) >= count

    await eventually(check, within=30, what=f"{count} answers in the database")


async def test_a_private_quiz_across_two_workers(
    tg: FakeTelegram, oa: FakeOpenAI, make_fleet: Callable[..., Fleet]
) -> None:
    fleet = make_fleet(2)
    args = quiz_args(3)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message(FEEDBACK)
    await fleet.start()
    tg.user_sends(PRIVATE, ANN, "/quiz 3 cells")
    polls = await tg.wait_for("sendPoll", count=3, timeout=30)
    await polls_recorded(fleet, 3)
    for i, poll in enumerate(polls):
        answer(tg, ANN, poll, args, right_choice(args, i))
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == FEEDBACK, timeout=30)
    await fleet.stop()
    assert len(workers_reached(tg)) == 2, "both workers handled updates"
    assert len(feedback_posts(tg)) == 1 and len(tg.calls_of("sendPoll")) == 3
    [sub] = submissions(oa)
    assert sub["participants"][0]["score"] == 3
    assert await fleet.value("SELECT COUNT(*) FROM answers") == 3


async def test_a_group_quiz_ends_by_its_deadline_once(
    tg: FakeTelegram, oa: FakeOpenAI, make_fleet: Callable[..., Fleet]
) -> None:
    # A 6 s deadline rather than the default 5 minutes: the deadline is the point here.
    fleet = make_fleet(2, QUIZ_TIME_LIMIT="6")
    tg.set_member_count(GROUP.id, 10)
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message(FEEDBACK)
    await fleet.start()
    tg.user_sends(GROUP, ANN, "/quiz 2 cells")
    polls = await tg.wait_for("sendPoll", count=2, timeout=30)
    await polls_recorded(fleet, 2)
    for player in PLAYERS[:3]:
        answer(tg, player, polls[0], args, right_choice(args, 0))
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == FEEDBACK, timeout=30)
    await fleet.stop()
    [sub] = submissions(oa)
    assert sub["status"] == "timed_out"
    assert len(feedback_posts(tg)) == 1
    assert await fleet.value("SELECT COUNT(*) FROM answers") == 3
    assert await fleet.value("SELECT state FROM quizzes") == "done"


async def test_a_live_game_across_two_workers(
    tg: FakeTelegram, oa: FakeOpenAI, make_fleet: Callable[..., Fleet]
) -> None:
    # The bot and two players: each next question goes out once both answered.
    tg.set_member_count(GROUP.id, 3)
    fleet = make_fleet(2)
    args = quiz_args(3)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message(FEEDBACK)
    await fleet.start()
    tg.user_sends(GROUP, ANN, "/live 3 cells")
    for i in range(3):
        poll = (await tg.wait_for("sendPoll", count=i + 1, timeout=30))[i]
        await polls_recorded(fleet, i + 1)
        answer(tg, ANN, poll, args, right_choice(args, i))
        answer(tg, BO, poll, args, (right_choice(args, i) + 1) % 4)
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == FEEDBACK, timeout=30)
    await fleet.stop()
    assert len(tg.calls_of("sendPoll")) == 3 and len(feedback_posts(tg)) == 1
    [sub] = submissions(oa)
    assert sub["status"] == "completed"
    scores = {p["name"]: p["score"] for p in sub["participants"]}
    assert scores == {"Ann": 3, "Bo": 0}
    [board] = [c for c in tg.calls_of("sendMessage") if "Results" in c.params["text"]]
    assert board.params["text"].index("Ann") < board.params["text"].index("Bo")


async def test_a_review_across_two_workers(
    tg: FakeTelegram, oa: FakeOpenAI, make_fleet: Callable[..., Fleet]
) -> None:
    # The review follows the quiz at once: a child process's clock can't be moved past the
    # cooldown between quizzes, which other tests cover.
    fleet = make_fleet(2, QUIZ_COOLDOWN_SECONDS="0")
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Feedback one.")
    await fleet.start()
    tg.user_sends(PRIVATE, ANN, "/quiz 2 cells")
    polls = await tg.wait_for("sendPoll", count=2, timeout=30)
    await polls_recorded(fleet, 2)
    answer(tg, ANN, polls[0], args, right_choice(args, 0))
    answer(tg, ANN, polls[1], args, (right_choice(args, 1) + 1) % 4)
    [offer] = await tg.wait_for(
        "sendMessage",
        predicate=lambda c: learning.REVIEW_DATA in json.dumps(c.params.get("reply_markup", {})),
        timeout=30,
    )
    # The same fact in new words, as the model is told to write a review.
    review = json.loads(json.dumps({"title": "Review", "questions": [args["questions"][1]]}))
    review["questions"][0]["question_text"] = "In other words: what holds for cell part 2?"
    oa.queue_function_call("generate_quiz", review)
    oa.queue_message(FEEDBACK)
    tg.user_presses(ANN, PRIVATE.id, offer.result["message_id"], learning.REVIEW_DATA)
    review_poll = (await tg.wait_for("sendPoll", count=3, timeout=30))[2]
    await polls_recorded(fleet, 3)
    # The model was given the card that was missed, not the one answered right.
    text = json.dumps(oa.writer_requests[-1].json["input"], ensure_ascii=False)
    assert args["questions"][1]["question_text"] in text
    assert args["questions"][0]["question_text"] not in text
    texts = [o["text"] for o in review_poll.params["options"]]
    tg.user_answers_poll(
        ANN, review_poll.result["poll"]["id"], [texts.index(choice_text(review, 0, 1))]
    )
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == FEEDBACK, timeout=30)
    await fleet.stop()
    assert len(workers_reached(tg)) == 2
    rows = await fleet.rows("SELECT right_count FROM study_cards ORDER BY id")
    assert [r[0] for r in rows] == [1, 1]


async def test_a_worker_killed_mid_quiz_the_others_finish_it_once(
    tg: FakeTelegram, oa: FakeOpenAI, make_fleet: Callable[..., Fleet]
) -> None:
    # An 8 s deadline rather than the default 5 minutes: the deadline is the point here.
    fleet = make_fleet(3, QUIZ_TIME_LIMIT="8")
    tg.set_member_count(GROUP.id, 10)
    args = quiz_args(3)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message(FEEDBACK)
    await fleet.start()
    start = tg.user_sends(GROUP, ANN, "/quiz 3 cells")
    polls = await tg.wait_for("sendPoll", count=3, timeout=30)
    await polls_recorded(fleet, 3)
    # Kill the worker that started the quiz (and armed its deadline), mid-answers.
    [armed_by] = [d.target for d in tg.webhook.deliveries if d.update_id == start and d.ok]
    victim = [f"http://127.0.0.1:{p}" in armed_by for p in fleet.ports].index(True)
    answered = 0
    for n, player in enumerate(PLAYERS):
        if n == 2:
            await answers_in_db(fleet, answered)
            await fleet.kill(victim)
        for i, poll in enumerate(polls[: 3 - n % 2]):
            answer(tg, player, poll, args, right_choice(args, i))
            answered += 1
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == FEEDBACK, timeout=40)
    await answers_in_db(fleet, answered)
    await fleet.stop()
    assert tg.pending_updates == [], "every update was delivered to a live worker"
    # Every answer stored once; the deadline fired once; one submission, one feedback.
    assert await fleet.value("SELECT COUNT(*) FROM answers") == answered
    [sub] = submissions(oa)
    assert sub["status"] == "timed_out"
    assert sum(len(p["answers"]) for p in sub["participants"]) == answered
    assert len(feedback_posts(tg)) == 1
    stopped = [c.params["message_id"] for c in tg.calls_of("stopPoll") if c.ok]
    assert len(stopped) == len(set(stopped)), "a poll was closed twice"


async def test_two_workers_keep_to_the_flood_limits_together(
    tg: FakeTelegram, oa: FakeOpenAI, make_fleet: Callable[..., Fleet]
) -> None:
    # Telegram's real limits: 1 message a second per chat, 20 a minute per group.
    tg.enforce_rate_limits()
    # The bot and the four players: the quiz ends when all have answered.
    tg.set_member_count(GROUP.id, len(PLAYERS) + 1)
    fleet = make_fleet(2)
    args = quiz_args(3)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message(FEEDBACK)
    await fleet.start()
    tg.user_sends(GROUP, ANN, "/quiz 3 cells")
    # Meanwhile the others ask for things, each reply due in the same group, at once, on both
    # workers.
    asks = ["/help", "/docs", "/mode", "/timelimit"]
    for player, text in zip(PLAYERS, asks, strict=True):
        tg.user_sends(GROUP, player, text)
    polls = await tg.wait_for("sendPoll", count=3, timeout=60)
    await polls_recorded(fleet, 3)
    for player in PLAYERS:
        for i, poll in enumerate(polls):
            answer(tg, player, poll, args, right_choice(args, i))
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == FEEDBACK, timeout=90)
    await fleet.stop()
    assert len(workers_reached(tg)) == 2
    assert tg.too_many_requests == 0, tg.describe_calls(40)
    replies = [c for c in tg.calls if c.ok and c.params.get("chat_id") == GROUP.id]
    # Every request got its answer: the replies, the polls and the feedback.
    assert len([c for c in replies if c.method == "sendMessage"]) >= len(asks) + 1
