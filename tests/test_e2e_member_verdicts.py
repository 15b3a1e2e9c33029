"""Membership verdicts outlive a quiz: a group's next quiz asks nobody again, a message
posted in the group proves its sender a member, and leaving or joining changes the verdict
without waiting for it to expire."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from telegram import Bot

from fakes import BOT_TOKEN
from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args, right_choice
from fakes.telegram_server import Chat, FakeTelegram, User
from services.quiz.participants import Participants
from storage import QuizRow
from tests.conftest import BotFactory
from tests.harness import RunningBot, eventually
from tests.test_e2e_group import answer, answers_stored, submission
from tests.test_e2e_participants import group_quiz

ANN = User(61, "Ann", language_code="en")
BO = User(62, "Bo", language_code="en")
CY = User(63, "Cy", language_code="en")
GROUP = Chat(-1006161, "supergroup", title="Regulars")
REFUSAL = "Forbidden: bot is not a member of the supergroup chat"


async def _one_question_quiz(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot, players: list[User], nth: int
) -> None:
    """The starter Ann's `nth` one-question quiz, answered by `players` (it completes once
    all the group's members did); returns once its feedback is posted."""
    # Each quiz after the first would meet the group's 30 s cooldown: moved past it.
    bot.services.clock = lambda: time.time() + 31 * (nth - 1)
    args = quiz_args(1)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message(f"Feedback {nth}.")
    tg.user_sends(GROUP, ANN, "/quiz 1 cells")
    polls = await tg.wait_for("sendPoll", count=nth)
    for player in players:
        answer(tg, player, polls[-1], args, right_choice(args, 0))
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == f"Feedback {nth}.")


async def test_a_groups_next_quiz_asks_nobody_again(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.set_member_count(GROUP.id, 3)  # the bot, Ann and Bo
    await _one_question_quiz(tg, oa, bot, [ANN, BO], 1)
    await _one_question_quiz(tg, oa, bot, [ANN, BO], 2)
    assert [c.params["user_id"] for c in tg.calls_of("getChatMember")] == [BO.id]
    assert sorted(p["name"] for p in submission(oa)["participants"]) == ["Ann", "Bo"]


async def test_posting_in_the_group_proves_membership(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.set_member_count(GROUP.id, 3)  # the bot, Ann and Cy
    tg.user_sends(GROUP, CY, "/help")
    await tg.wait_for("sendMessage")
    await _one_question_quiz(tg, oa, bot, [ANN, CY], 1)
    assert not tg.calls_of("getChatMember")
    assert sorted(p["name"] for p in submission(oa)["participants"]) == ["Ann", "Cy"]


async def test_someone_who_left_is_asked_again_and_a_joiner_counts(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.set_member_count(GROUP.id, 3)  # the bot, Ann and Bo
    await _one_question_quiz(tg, oa, bot, [ANN, BO], 1)
    tg.user_leaves(GROUP, BO)
    tg.user_joins(GROUP, CY)
    tg.set_member_count(GROUP.id, 3)  # the bot, Ann and Cy
    bot.services.clock = lambda: time.time() + 31
    args = quiz_args(1)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Feedback 2.")
    tg.user_sends(GROUP, ANN, "/quiz 1 cells")
    [_, poll] = await tg.wait_for("sendPoll", count=2)
    # Bo votes on a copy he kept: Telegram is asked again, and says he left.
    tg.user_answers_poll(BO, poll.result["poll"]["id"], [0], forwarded=True)

    async def asked_again() -> bool:
        return len(tg.calls_of("getChatMember")) == 2

    await eventually(asked_again, what="Bo asked about again")
    await asyncio.sleep(0.2)
    assert await bot.services.repo.answers.answer_count(2) == 0
    for player in (ANN, CY):
        answer(tg, player, poll, args, right_choice(args, 0))
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Feedback 2.")
    assert sorted(p["name"] for p in submission(oa)["participants"]) == ["Ann", "Cy"]
    # Cy's joining was proof enough: only Bo was ever asked about.
    assert [c.params["user_id"] for c in tg.calls_of("getChatMember")] == [BO.id, BO.id]
    await answers_stored(bot, 2, 2)


async def test_a_member_banned_by_an_admin_no_longer_counts_without_a_request(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.set_member_count(GROUP.id, 3)  # the bot, Ann and Bo
    await _one_question_quiz(tg, oa, bot, [ANN, BO], 1)
    # No service message: the bot, an admin, hears of it through a chat_member update.
    tg.member_status_changes(GROUP, BO, "member", "kicked")
    tg.set_member_count(GROUP.id, 2)
    bot.services.clock = lambda: time.time() + 31
    args = quiz_args(1)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Feedback 2.")
    tg.user_sends(GROUP, ANN, "/quiz 1 cells")
    [_, poll] = await tg.wait_for("sendPoll", count=2)
    tg.user_answers_poll(BO, poll.result["poll"]["id"], [0], forwarded=True)
    answer(tg, ANN, poll, args, right_choice(args, 0))
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Feedback 2.")
    assert [p["name"] for p in submission(oa)["participants"]] == ["Ann"]
    assert [c.params["user_id"] for c in tg.calls_of("getChatMember")] == [BO.id]


async def test_a_verdict_is_trusted_for_its_ttl_then_asked_again(tg: FakeTelegram) -> None:
    now = [1_000_000.0]
    participants = Participants(clock=lambda: now[0])
    quiz = _quiz()
    async with Bot(BOT_TOKEN, base_url=f"{tg.root}/bot") as bot:
        assert await participants.counts(bot, quiz, BO.id)
        now[0] += participants.TTL - 1
        assert participants.known(quiz, BO.id) is True
        now[0] += 1
        assert participants.known(quiz, BO.id) is None
        tg.set_outsider(GROUP.id, BO)
        assert not await participants.counts(bot, quiz, BO.id)
    assert len(tg.calls_of("getChatMember")) == 2
    # A message older than the TTL proves nothing any more.
    participants.note(GROUP.id, CY.id, True, now[0] - participants.TTL)
    assert participants.known(quiz, CY.id) is None
    participants.note(GROUP.id, CY.id, True, now[0] - 1)
    assert participants.known(quiz, CY.id) is True


def _quiz() -> QuizRow:
    return group_quiz(GROUP.id, ANN.id)


async def test_a_failed_membership_request_is_reported_once_and_asked_again(
    tg: FakeTelegram,
    oa: FakeOpenAI,
    make_bot: BotFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with make_bot() as bot:
        tg.set_member_count(GROUP.id, 3)  # the bot, Ann and Bo
        args = quiz_args(3)
        oa.queue_function_call("generate_quiz", args)
        oa.queue_message("Feedback.")
        tg.user_sends(GROUP, ANN, "/quiz 3 cells")
        polls = await tg.wait_for("sendPoll", count=3)
        # Telegram refuses the one request Bo's first two answers wait for (a 400 would
        # mean "no participant": a verdict).
        tg.fail("getChatMember", status=403, description=REFUSAL)
        for i, poll in enumerate(polls[:2]):
            answer(tg, BO, poll, args, right_choice(args, i))
        await tg.wait_for("getChatMember")
        await asyncio.sleep(0.3)
        # One report for the one failed request; both answers settled, none stored.
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1
        assert await bot.services.repo.answers.answer_count(1) == 0
        # Not remembered: his next answer is asked about again, and counts.
        answer(tg, BO, polls[2], args, right_choice(args, 2))
        for i, poll in enumerate(polls):
            answer(tg, ANN, poll, args, right_choice(args, i))
        await answers_stored(bot, 1, 4)
        tg.user_sends(GROUP, ANN, "/stop")
        await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Feedback.")
        assert sorted(p["name"] for p in submission(oa)["participants"]) == ["Ann", "Bo"]
        assert len(tg.calls_of("getChatMember")) == 2
    tg.rejections.clear()
    tg.violations[:] = [v for v in tg.violations if REFUSAL not in v]
