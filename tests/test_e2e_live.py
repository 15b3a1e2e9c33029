"""Live games end to end: one question at a time, the countdown, points, standings, /stop,
a forum topic and a restart mid-game."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args, right_choice
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from quiz.live import speed_points, streak_bonus
from tests.conftest import DATABASES, BotFactory
from tests.harness import RunningBot
from tests.test_e2e_group import answer, answers_stored, submission

GROUP = Chat(-1007777, "supergroup", title="Friday quiz")
ANN = User(21, "Ann", language_code="en")
BO = User(22, "Bo", language_code="en")
ADMIN = User(99, "Admin", language_code="en")


def wrong(args: dict[str, Any], i: int) -> int:
    return (right_choice(args, i) + 1) % 4


def standings_texts(tg: FakeTelegram) -> list[str]:
    edits = [c.params["text"] for c in tg.calls if c.method in ("sendMessage", "editMessageText")]
    return [t for t in edits if "Standings" in t]


async def next_poll(tg: FakeTelegram, count: int) -> Call:
    return (await tg.wait_for("sendPoll", count=count))[count - 1]


@pytest.mark.parametrize("database", DATABASES, indirect=True)
async def test_one_question_at_a_time_early_when_all_answered_speed_and_streaks(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    # The bot and two players: the next question goes out as soon as both answered.
    tg.set_member_count(GROUP.id, 3)
    args = quiz_args(3)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Fast and right, well played.")

    tg.user_sends(GROUP, ANN, "/live 3 cells")
    first = await next_poll(tg, 1)
    assert first.params["open_period"] == 30 and "close_date" not in first.params
    await asyncio.sleep(0.5)
    # Strictly one at a time: nothing else goes out while the first is open.
    assert len(tg.calls_of("sendPoll")) == 1

    polls = [first]
    for i in range(3):
        answer(tg, ANN, polls[i], args, right_choice(args, i))
        await answers_stored(bot, 1, 2 * i + 1)
        await asyncio.sleep(0.3)  # Bo is slower, and wrong on the second question
        answer(tg, BO, polls[i], args, wrong(args, i) if i == 1 else right_choice(args, i))
        if i < 2:
            polls.append(await next_poll(tg, i + 2))
            [stop] = tg.calls_of("stopPoll")[i : i + 1]
            # Question k closed before question k + 1 went out.
            assert stop.time <= polls[i + 1].time
            assert stop.params["message_id"] == polls[i].result["message_id"]

    await tg.wait_for("sendMessage", predicate=lambda c: "well played" in c.params["text"])
    assert len(tg.calls_of("sendPoll")) == 3
    # One standings message, edited: posted after question 1, edited after question 2.
    standings = [c for c in tg.calls_of("sendMessage") if "Standings" in c.params["text"]]
    assert len(standings) == 1
    texts = standings_texts(tg)
    assert len(texts) == 2 and "1/3" in texts[0] and "2/3" in texts[1]
    assert texts[0].index("Ann") < texts[0].index("Bo")

    [board] = [c for c in tg.calls_of("sendMessage") if "Results" in c.params["text"]]
    text = board.params["text"]
    assert text.index("🥇 Ann") < text.index("🥈 Bo")

    sub = submission(oa)
    assert sub["status"] == "completed"
    by_user = {p["participant"]: p for p in sub["participants"]}
    ann, bo = by_user["P1"], by_user["P2"]
    # Every answer carries its seconds and points; the old fields stay.
    for streak, a in enumerate(ann["answers"], start=1):
        assert a["correct"] and a["seconds"] < 30
        assert a["points"] == speed_points(a["seconds"], 30) + streak_bonus(streak)
    assert [a["points"] for a in bo["answers"]][1] == 0
    # Bo's third is right again, but his streak was broken: no bonus.
    assert bo["answers"][2]["points"] == speed_points(bo["answers"][2]["seconds"], 30)
    # Both right on question 1: the faster scored more.
    assert ann["answers"][0]["points"] > bo["answers"][0]["points"]
    assert ann["points"] == sum(a["points"] for a in ann["answers"]) and ann["score"] == 3


async def test_the_countdown_expires_with_some_unanswered(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.set_admins(GROUP.id, {ADMIN.id})
    tg.set_member_count(GROUP.id, 5)
    args = quiz_args(1)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Time ran out for some.")

    tg.user_sends(GROUP, ANN, "/seconds 5")
    await tg.wait_for("sendMessage", predicate=lambda c: "/seconds SECONDS" in c.params["text"])
    tg.user_sends(GROUP, ANN, "/seconds 10")
    await tg.wait_for("sendMessage", predicate=lambda c: "Only chat admins" in c.params["text"])
    tg.user_sends(GROUP, ADMIN, "/seconds 10")
    await tg.wait_for("sendMessage", predicate=lambda c: "10 s per question" in c.params["text"])

    tg.user_sends(GROUP, ANN, "/live 1 cells")
    poll = await next_poll(tg, 1)
    assert poll.params["open_period"] == 10
    answer(tg, ANN, poll, args, right_choice(args, 0))
    await tg.wait_for(
        "sendMessage", predicate=lambda c: "Time ran out" in c.params["text"], timeout=20
    )
    # Telegram closed the poll at the end of its open_period: no stopPoll (it would be a 400).
    assert not tg.calls_of("stopPoll")
    sub = submission(oa)
    assert [(p["participant"], p["name"]) for p in sub["participants"]] == [("P1", "Ann")]
    assert sub["questions"][0]["answered"] == 1


async def test_stop_mid_game_scores_what_was_answered(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.set_member_count(GROUP.id, 10)
    args = quiz_args(3)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Stopped early.")
    tg.user_sends(GROUP, ANN, "/live 3 cells")
    poll = await next_poll(tg, 1)
    answer(tg, BO, poll, args, right_choice(args, 0))
    await answers_stored(bot, 1, 1)
    tg.user_sends(GROUP, BO, "/stop")
    await tg.wait_for("sendMessage", predicate=lambda c: "Only the person" in c.params["text"])
    tg.user_sends(GROUP, ANN, "/stop")
    await tg.wait_for("sendMessage", predicate=lambda c: "Stopped early" in c.params["text"])
    assert len(tg.calls_of("sendPoll")) == 1
    [stop] = tg.calls_of("stopPoll")
    assert stop.params["message_id"] == poll.result["message_id"]
    sub = submission(oa)
    assert sub["status"] == "stopped"
    [bo] = sub["participants"]
    assert bo["answers"][0]["points"] > 500
    assert any("🥇 Bo" in c.params["text"] for c in tg.calls_of("sendMessage"))


async def test_a_forum_topic_game_stays_in_its_topic(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    forum = Chat(-1005556, "supergroup", title="Forum", is_forum=True)
    tg.set_member_count(forum.id, 2)
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Topic game over.")
    tg.user_sends(forum, ANN, "/live 2 cells", message_thread_id=42)
    first = await next_poll(tg, 1)
    # Another game in the same topic is refused while this one runs.
    tg.user_sends(forum, BO, "/live 2 more", message_thread_id=42)
    await tg.wait_for("sendMessage", predicate=lambda c: "already running" in c.params["text"])
    answer(tg, ANN, first, args, right_choice(args, 0))
    second = await next_poll(tg, 2)
    answer(tg, ANN, second, args, right_choice(args, 1))
    await tg.wait_for("sendMessage", predicate=lambda c: "Topic game over" in c.params["text"])
    sent = [c for c in tg.calls if c.method in ("sendPoll", "sendMessage")]
    assert sent and all(c.params.get("message_thread_id") == 42 for c in sent)


async def test_a_restart_mid_game_continues_where_it_was(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    tg.set_member_count(GROUP.id, 3)
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Survived a restart.")
    async with make_bot() as bot:
        tg.user_sends(GROUP, ANN, "/live 2 cells")
        first = await next_poll(tg, 1)
        answer(tg, ANN, first, args, right_choice(args, 0))
        await answers_stored(bot, 1, 1)
    # Down and up again with the same database: the open poll keeps counting.
    async with make_bot() as bot:
        await asyncio.sleep(0.5)
        assert len(tg.calls_of("sendPoll")) == 1
        answer(tg, BO, first, args, right_choice(args, 0))
        second = await next_poll(tg, 2)
        answer(tg, ANN, second, args, right_choice(args, 1))
        answer(tg, BO, second, args, right_choice(args, 1))
        await tg.wait_for("sendMessage", predicate=lambda c: "Survived" in c.params["text"])
        assert len(tg.calls_of("sendPoll")) == 2
        sub = submission(oa)
        assert {p["participant"]: len(p["answers"]) for p in sub["participants"]} == {
            "P1": 2,
            "P2": 2,
        }


async def test_a_private_live_run_is_timed_solo(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    me = Chat(ANN.id, "private")
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Solo done.")
    tg.user_sends(me, ANN, "/live 2 cells")
    first = await next_poll(tg, 1)
    assert first.params["open_period"] == 30
    answer(tg, ANN, first, args, right_choice(args, 0))
    second = await next_poll(tg, 2)
    answer(tg, ANN, second, args, wrong(args, 1))
    await tg.wait_for("sendMessage", predicate=lambda c: "Solo done" in c.params["text"])
    [ann] = submission(oa)["participants"]
    assert ann["answers"][0]["points"] >= 500 and ann["answers"][1]["points"] == 0


async def test_a_solo_answer_moves_on_at_once_and_only_the_player_s(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    # In a private chat "everyone" is the player: their answer ends the question, long
    # before its 30 s; a vote on the poll forwarded to someone else does not.
    me = Chat(ANN.id, "private")
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Solo at speed.")
    tg.user_sends(me, ANN, "/live 2 cells")
    first = await next_poll(tg, 1)
    tg.user_answers_poll(BO, first.result["poll"]["id"], [0], forwarded=True)
    await asyncio.sleep(1.0)
    assert len(tg.calls_of("sendPoll")) == 1 and not tg.calls_of("stopPoll")

    answer(tg, ANN, first, args, right_choice(args, 0))
    answered_at = time.monotonic()
    second = await next_poll(tg, 2)
    assert time.monotonic() - answered_at < 1.5
    [stop] = tg.calls_of("stopPoll")
    assert stop.params["message_id"] == first.result["message_id"] and stop.time <= second.time

    answer(tg, ANN, second, args, right_choice(args, 1))
    answered_at = time.monotonic()
    await tg.wait_for("sendMessage", predicate=lambda c: "Solo at speed" in c.params["text"])
    assert time.monotonic() - answered_at < 5
    by_user = {p["participant"]: p for p in submission(oa)["participants"]}
    assert len(by_user["P1"]["answers"]) == 2
    # Only the player's answers count: the forwarded copy's vote is not even stored.
    assert list(by_user) == ["P1"]
