"""Only participants count: votes on forwarded copies of a quiz's polls, and taps from
outside a group, are never stored, listed, sent to the model, or let finish anything."""

from __future__ import annotations

import asyncio
import json

from telegram import Bot

from fakes import BOT_TOKEN
from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args, right_choice
from fakes.telegram_server import Chat, FakeTelegram, User
from quiz.states import QuizState
from services.quiz.participants import Participants
from storage import QuizRow
from tests.conftest import BotFactory
from tests.harness import RunningBot, eventually
from tests.test_e2e_group import answer, answers_stored, submission
from tests.test_e2e_keyboard import button_for, keyboard_messages

ANN = User(51, "Ann", language_code="en")
BO = User(52, "Bo", language_code="en")
CY = User(53, "Cy", language_code="en")
EVE = User(66, "Eve", language_code="en")
PRIVATE = Chat(ANN.id, "private")
GROUP = Chat(-1005151, "supergroup", title="Study group")


async def test_a_private_quiz_counts_only_its_starter(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Private feedback.")
    tg.user_sends(PRIVATE, ANN, "/quiz 2 cells")
    polls = await tg.wait_for("sendPoll", count=2)
    # Ann forwarded her polls; a stranger votes on every copy first.
    for i, poll in enumerate(polls):
        answer_id = answer_forwarded(tg, EVE, poll.result["poll"]["id"], i)
        await tg.wait_confirmed(answer_id)
    for i, poll in enumerate(polls):
        answer(tg, ANN, poll, args, right_choice(args, i))
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Private feedback.")
    sent = submission(oa)
    assert [p["name"] for p in sent["participants"]] == [ANN.first_name]
    assert "Eve" not in json.dumps(oa.writer_requests[-1].json)
    assert await bot.services.repo.answers.answer_count(1) == 2
    assert await bot.services.repo.answers.participant_names(1) == {ANN.id: "Ann"}
    # A private quiz needs no request to know who counts.
    assert not tg.calls_of("getChatMember")


def answer_forwarded(tg: FakeTelegram, user: User, poll_id: str, option: int) -> int:
    return tg.user_answers_poll(user, poll_id, [option], forwarded=True)


async def test_a_group_quiz_counts_only_members_asking_once_per_person(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    # The bot, Ann and Bo: the quiz completes when both have answered everything.
    tg.set_member_count(GROUP.id, 3)
    tg.set_outsider(GROUP.id, EVE)
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Group feedback.")
    tg.user_sends(GROUP, ANN, "/quiz 2 cells")
    polls = await tg.wait_for("sendPoll", count=2)
    for i, poll in enumerate(polls):
        answer(tg, ANN, poll, args, right_choice(args, i))
        answer_forwarded(tg, EVE, poll.result["poll"]["id"], right_choice(args, i))
    answer(tg, BO, polls[0], args, right_choice(args, 0))
    await answers_stored(bot, 1, 3)
    await asyncio.sleep(0.5)
    # Eve answered everything, Bo has not: the quiz is still open.
    assert (await bot.services.repo.quizzes.quiz(1)).is_open  # type: ignore[union-attr]
    answer(tg, BO, polls[1], args, right_choice(args, 1))
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Group feedback.")
    [board] = [c for c in tg.calls_of("sendMessage") if "Results" in c.params["text"]]
    assert "Ann" in board.params["text"] and "Eve" not in board.params["text"]
    assert sorted(p["name"] for p in submission(oa)["participants"]) == sorted(
        [ANN.first_name, BO.first_name]
    )
    assert await bot.services.repo.answers.answer_count(1) == 4
    # Once per person, however many answers (the starter is known to be in the chat).
    asked = sorted(c.params["user_id"] for c in tg.calls_of("getChatMember"))
    assert asked == [BO.id, EVE.id]


async def test_a_keyboard_tap_from_outside_the_group_is_refused_with_a_toast(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    # Keyboard questions: the default style is polls.
    async with make_bot(QUIZ_STYLE="keyboard") as bot:
        tg.set_outsider(GROUP.id, EVE, "kicked")
        args = quiz_args(1)
        oa.queue_function_call("generate_quiz", args)
        oa.queue_message("Keyboard feedback.")
        tg.user_sends(GROUP, ANN, "/quiz 1 cells")
        await tg.wait_for("sendMessage", predicate=lambda c: "reply_markup" in c.params)
        [question] = keyboard_messages(tg, GROUP.id)
        data = button_for(question, args, 0, right_choice(args, 0))
        tg.user_presses(EVE, GROUP.id, question["message_id"], data)
        [toast] = await tg.wait_for("answerCallbackQuery")
        assert toast.params["text"] == "Only members of this chat can answer this quiz"
        assert await bot.services.repo.answers.answer_count(1) == 0
        tg.user_presses(ANN, GROUP.id, question["message_id"], data)
        toasts = await tg.wait_for("answerCallbackQuery", count=2)
        assert toasts[1].params["text"] == "Answer saved"
        # Ann is everyone (Telegram counts her and the bot): her answer completes it.
        await tg.wait_for(
            "sendMessage", predicate=lambda c: c.params["text"] == "Keyboard feedback."
        )
        assert [p["name"] for p in submission(oa)["participants"]] == [ANN.first_name]


async def test_a_live_game_moves_on_for_members_only(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    # The bot, Ann and Bo: a question ends early once both answered.
    tg.set_member_count(GROUP.id, 3)
    tg.set_outsider(GROUP.id, EVE)
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    tg.user_sends(GROUP, ANN, "/live 2 cells")
    [first] = await tg.wait_for("sendPoll")
    answer_forwarded(tg, EVE, first.result["poll"]["id"], 0)
    answer(tg, ANN, first, args, right_choice(args, 0))
    await answers_stored(bot, 1, 1)
    await asyncio.sleep(0.5)
    # Two answers arrived, but only one from a member: the first question is still open.
    assert len(tg.calls_of("sendPoll")) == 1
    answer(tg, BO, first, args, right_choice(args, 0))
    await tg.wait_for("sendPoll", count=2)

    async def eve_left_out() -> bool:
        return len(tg.calls_of("getChatMember")) >= 2

    await eventually(eve_left_out)
    assert await bot.services.repo.answers.answer_count(1) == 2


def group_quiz(chat_id: int = GROUP.id, starter_id: int = ANN.id) -> QuizRow:
    """An open one-question group quiz, as the store returns it."""
    return QuizRow(
        id=1,
        chat_id=chat_id,
        thread_id=0,
        chat_type="supergroup",
        starter_id=starter_id,
        topic="cells",
        num_questions=1,
        style="poll",
        lang="en",
        state=QuizState.OPEN,
        status=None,
        conversation_id=None,
        call_id=None,
        title=None,
        status_message_id=None,
        created_at=0.0,
        opened_at=None,
        deadline=None,
        member_count=None,
        writing=False,
    )


async def test_verdicts_are_asked_once_shared_and_bounded(tg: FakeTelegram) -> None:
    tg.set_outsider(GROUP.id, EVE)
    quiz = group_quiz()
    participants = Participants()
    participants.SIZE = 2  # three people: the first is forgotten
    async with Bot(BOT_TOKEN, base_url=f"{tg.root}/bot") as bot:
        # Answers arriving together share one request.
        verdicts = await asyncio.gather(
            *(participants.counts(bot, quiz, EVE.id) for _ in range(5)),
            participants.counts(bot, quiz, BO.id),
        )
        assert verdicts == [False] * 5 + [True]
        assert len(tg.calls_of("getChatMember")) == 2
        assert participants.known(quiz, EVE.id) is False
        assert participants.known(quiz, ANN.id) is True  # the starter: no request
        await participants.counts(bot, quiz, CY.id)
        assert participants.known(quiz, EVE.id) is None
        assert participants.known(quiz, CY.id) is True


async def test_votes_cast_just_before_stop_count(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    """Updates are handled concurrently: a /stop right behind a burst of newcomers' votes
    waits for their membership checks and their batch, and every vote counts."""
    players = [User(700 + n, f"P{n}", language_code="en") for n in range(12)]
    tg.set_member_count(GROUP.id, len(players) + 5)
    args = quiz_args(1)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Group feedback.")
    tg.user_sends(GROUP, ANN, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll", count=1)
    for player in players:
        answer(tg, player, poll, args, right_choice(args, 0))
    tg.user_sends(GROUP, ANN, "/stop")
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Group feedback.")
    names = sorted(p["name"] for p in submission(oa)["participants"])
    assert names == sorted(p.first_name for p in players)
    assert await bot.services.repo.answers.answer_count(1) == len(players)
