"""Group quizzes end to end: several players, finishing rules, leaderboard, limits."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import choice_text, quiz_args, right_choice
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from quiz.states import SubmissionStatus
from services.context import BotContext
from tests.conftest import DATABASES, BotFactory
from tests.harness import RunningBot, eventually

GROUP = Chat(-1001234, "supergroup", title="Biology study")
ANN = User(11, "Ann", language_code="en")
BO = User(12, "Bo <b>", language_code="en")
CY = User(13, "Cy", language_code="en")
ADMIN = User(99, "Admin", language_code="en")


def answer(tg: FakeTelegram, user: User, poll: Call, args: dict[str, Any], choice: int) -> None:
    """`user` picks the model's choice `choice` of the question shown in `poll`."""
    index = int(poll.params["question"].split("/")[0]) - 1
    texts = [o["text"] for o in poll.params["options"]]
    tg.user_answers_poll(
        user, poll.result["poll"]["id"], [texts.index(choice_text(args, index, choice))]
    )


async def answers_stored(bot: RunningBot, quiz_id: int, count: int) -> None:
    async def check() -> bool:
        return await bot.services.repo.answers.answer_count(quiz_id) >= count

    await eventually(check, within=20, what=f"{count} answers stored")


def submission(oa: FakeOpenAI) -> dict[str, Any]:
    [item] = oa.writer_requests[-1].json["input"]
    assert item["type"] == "function_call_output"
    return dict(json.loads(item["output"]))


async def test_three_players_partial_answers_and_stop_rules(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.set_admins(GROUP.id, {ADMIN.id})
    tg.set_member_count(GROUP.id, 10)
    args = quiz_args(3)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("**Q1** most of you got it.")

    tg.user_sends(GROUP, ANN, "/quiz@StudyQuizBot 3 cells")
    polls = await tg.wait_for("sendPoll", count=3)
    assert all(p.params["is_anonymous"] is False for p in polls)
    assert all("close_date" in p.params for p in polls)
    # The request said this is a group, so the feedback speaks to the group.
    assert "group chat" in oa.writer_requests[0].json["instructions"]

    for i, poll in enumerate(polls):
        answer(tg, ANN, poll, args, right_choice(args, i))
        answer(tg, BO, poll, args, (right_choice(args, i) + (i == 1)) % 4)
    answer(tg, CY, polls[0], args, (right_choice(args, 0) + 1) % 4)
    await answers_stored(bot, 1, 7)

    tg.user_sends(GROUP, BO, "/stop")
    await tg.wait_for("sendMessage", predicate=lambda c: "Only the person" in c.params["text"])
    assert not tg.calls_of("stopPoll")
    tg.user_sends(GROUP, ANN, "/stop")

    feedback = await tg.wait_for(
        "sendMessage", predicate=lambda c: "most of you" in c.params["text"]
    )
    stops = tg.calls_of("stopPoll")
    assert len(stops) == 3
    board = [c for c in tg.calls_of("sendMessage") if "Results" in c.params["text"]]
    assert len(board) == 1 and board[0].time < feedback[0].time
    text = board[0].params["text"]
    assert text.index("Ann") < text.index("Bo &lt;b&gt;") < text.index("Cy")
    assert "🥇 Ann — <b>3/3</b>" in text

    sub = submission(oa)
    assert sub["status"] == "stopped"
    by_user = {p["participant"]: p for p in sub["participants"]}
    assert {u: (p["score"], len(p["answers"])) for u, p in by_user.items()} == {
        "P1": (3, 3),
        "P2": (2, 3),
        "P3": (0, 1),
    }
    assert by_user["P2"]["name"] == "Bo <b>"
    assert [q["answered"] for q in sub["questions"]] == [3, 2, 2]


async def test_admin_may_stop_with_the_finish_button(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.set_admins(GROUP.id, {ADMIN.id})
    tg.set_member_count(GROUP.id, 10)
    oa.queue_function_call("generate_quiz", quiz_args(2))
    oa.queue_message("Feedback.")
    tg.user_sends(GROUP, ANN, "/quiz 2 cells")
    await tg.wait_for("sendPoll", count=2)
    [ready] = [m for m in tg.messages(GROUP.id) if "inline_keyboard" in m.get("reply_markup", {})]
    data = ready["reply_markup"]["inline_keyboard"][0][0]["callback_data"]

    tg.user_presses(BO, GROUP.id, ready["message_id"], data)
    await tg.wait_for("answerCallbackQuery")
    assert not tg.calls_of("stopPoll")
    tg.user_presses(ADMIN, GROUP.id, ready["message_id"], data)
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Feedback.")
    assert len(tg.calls_of("answerCallbackQuery")) == 2
    assert submission(oa)["status"] == "stopped"


async def test_exam_mode_hides_the_votes_until_the_quiz_ends(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.set_admins(GROUP.id, {ADMIN.id})
    tg.set_member_count(GROUP.id, 5)
    tg.user_sends(GROUP, ANN, "/exam on")
    await tg.wait_for("sendMessage", predicate=lambda c: "Only chat admins" in c.params["text"])
    tg.user_sends(GROUP, ADMIN, "/exam on")
    await tg.wait_for("sendMessage", predicate=lambda c: "Exam mode is on" in c.params["text"])
    oa.queue_function_call("generate_quiz", quiz_args(2))
    tg.user_sends(GROUP, ANN, "/quiz 2 cells")
    polls = await tg.wait_for("sendPoll", count=2)
    assert all(p.params.get("hide_results_until_closes") is True for p in polls)
    assert all(p.params.get("allows_revoting") is False for p in polls)

    # Off again: the next quiz's polls show the votes as people answer.
    oa.queue_message("Exam feedback.")
    tg.user_sends(GROUP, ANN, "/stop")
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Exam feedback.")
    tg.user_sends(GROUP, ADMIN, "/exam off")
    await tg.wait_for("sendMessage", predicate=lambda c: "Exam mode is off" in c.params["text"])
    bot.services.clock = lambda: time.time() + 31  # past the cooldown
    oa.queue_function_call("generate_quiz", quiz_args(1))
    tg.user_sends(GROUP, ANN, "/quiz 1 cells")
    [*_, last] = await tg.wait_for("sendPoll", count=3)
    assert "hide_results_until_closes" not in last.params


@pytest.mark.parametrize("database", DATABASES, indirect=True)
async def test_group_quiz_times_out(tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory) -> None:
    tg.set_member_count(GROUP.id, 10)
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Time is up, here is why.")
    async with make_bot(QUIZ_TIME_LIMIT="5") as bot:
        tg.user_sends(GROUP, ANN, "/quiz 2 cells")
        polls = await tg.wait_for("sendPoll", count=2)
        answer(tg, ANN, polls[0], args, right_choice(args, 0))
        await tg.wait_for(
            "sendMessage", predicate=lambda c: "Time is up" in c.params["text"], timeout=15
        )
        assert submission(oa)["status"] == "timed_out"
        assert len(tg.calls_of("stopPoll")) == 2
        quiz = await bot.services.repo.quizzes.quiz(1)
        assert quiz is not None and quiz.deadline is not None


async def test_a_short_time_limit_loses_no_late_question(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    tg.set_member_count(GROUP.id, 10)
    args = quiz_args(3)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Time is up for all three.")
    # About 2 s per question once the quiz opens with the first: the second arrives with
    # about 6 s of the 8 left, the third with about 4 (under Telegram's 5 s minimum).
    oa.stream_chunk_size = 20
    oa.stream_delay = 0.15
    async with make_bot(QUIZ_TIME_LIMIT="8"):
        tg.user_sends(GROUP, ANN, "/quiz 3 cells")
        polls = await tg.wait_for("sendPoll", count=3, timeout=20)
        assert all(p.ok for p in polls) and tg.rejections == [], tg.describe_calls()
        answer(tg, ANN, polls[0], args, right_choice(args, 0))
        await tg.wait_for(
            "sendMessage", predicate=lambda c: "Time is up" in c.params["text"], timeout=20
        )
    # Telegram's own countdown where there was time for it, the bot's stopPoll elsewhere.
    timed = [p for p in polls if "close_date" in p.params]
    untimed = [p for p in polls if "close_date" not in p.params]
    assert timed[:1] == polls[:1] and untimed[-1:] == polls[-1:]
    assert len({p.params["close_date"] for p in timed}) == 1  # one deadline for the quiz
    stops = tg.calls_of("stopPoll")
    assert all(s.ok for s in stops), tg.describe_calls()
    assert sorted(s.params["message_id"] for s in stops) == sorted(
        p.result["message_id"] for p in untimed
    )
    assert submission(oa)["status"] == "timed_out"


async def test_forum_topic_quiz_stays_in_its_topic(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    forum = Chat(-1005555, "supergroup", title="Forum", is_forum=True)
    tg.set_member_count(forum.id, 2)  # the bot and Ann: Ann finishing ends the quiz
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Topic feedback.")
    tg.user_sends(forum, ANN, "/quiz 2 cells", message_thread_id=42)
    polls = await tg.wait_for("sendPoll", count=2)
    for i, poll in enumerate(polls):
        answer(tg, ANN, poll, args, right_choice(args, i))
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Topic feedback.")

    sent = [
        c
        for c in tg.calls
        if c.method in ("sendMessage", "sendPoll", "sendChatAction")
        and c.params.get("chat_id") == forum.id
    ]
    assert len(sent) >= 6
    assert all(c.params.get("message_thread_id") == 42 for c in sent), tg.describe_calls(30)
    assert submission(oa)["status"] == "completed"


async def test_stop_time_limit_and_completion_race_submit_once(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.set_member_count(GROUP.id, 10)
    oa.queue_function_call("generate_quiz", quiz_args(2))
    oa.queue_message("Only once.")
    tg.user_sends(GROUP, ANN, "/quiz 2 cells")
    await tg.wait_for("sendPoll", count=2)
    svc, closing = bot.services, BotContext(bot.app).closing
    quiz = await svc.repo.quizzes.quiz(1)
    assert quiz is not None

    results = await asyncio.gather(
        closing.finish(1, SubmissionStatus.TIMED_OUT),
        closing.stop(quiz),
        closing.finish(1, SubmissionStatus.COMPLETED),
    )
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Only once.")
    await asyncio.sleep(0.3)
    assert results.count(True) <= 1
    assert len(oa.writer_requests) == 2  # generate + exactly one submission
    assert len([c for c in tg.calls_of("sendMessage") if c.params["text"] == "Only once."]) == 1
    assert len([c for c in tg.calls_of("sendMessage") if "Results" in c.params["text"]]) == 1


async def test_200_players_answer_at_once_and_all_are_submitted(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.set_member_count(GROUP.id, 1000)
    args = quiz_args(5)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Great group.")
    tg.user_sends(GROUP, ANN, "/quiz 5 cells")
    polls = await tg.wait_for("sendPoll", count=5)
    players = [User(1000 + k, f"Player {k}", language_code="en") for k in range(200)]
    for poll in polls:
        for k, player in enumerate(players):
            answer(tg, player, poll, args, k % 4)
    await answers_stored(bot, 1, 1000)
    tg.user_sends(GROUP, ANN, "/stop")
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Great group.")
    sub = submission(oa)
    assert len(sub["participants"]) == 200
    assert all(len(p["answers"]) == 5 for p in sub["participants"])
    assert sum(q["answered"] for q in sub["questions"]) == 1000


async def test_flood_limits_and_a_429_lose_no_message(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.enforce_rate_limits(per_group_per_minute=20, per_chat_per_second=None)
    tg.fail("sendPoll", status=429, retry_after=1)
    tg.set_member_count(GROUP.id, 2)
    args = quiz_args(10)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("All ten done.")
    tg.user_sends(GROUP, ANN, "/quiz 10 cells")
    polls = await tg.wait_for("sendPoll", count=11, timeout=20)  # one refused, then retried
    delivered = [p for p in polls if p.ok]
    assert len(delivered) == 10
    for poll in delivered:
        index = int(poll.params["question"].split("/")[0]) - 1
        answer(tg, ANN, poll, args, right_choice(args, index))
    await tg.wait_for(
        "sendMessage", predicate=lambda c: c.ok and c.params["text"] == "All ten done.", timeout=30
    )
    assert submission(oa)["status"] == "completed"
