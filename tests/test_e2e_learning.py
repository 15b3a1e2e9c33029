"""Learning (issue 14): cards on real FSRS, /review written afresh, /stats, /remind, /forgetme.

Through the real Application and the fakes; time moves via the services' clock.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import choice_text, quiz_args, right_choice
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from quiz.reminder_times import next_reminder, parse_zone
from quiz.states import QuizState
from services import learning
from services.quiz.telegram_presenter import TelegramPresenter
from services.study_cards import StudyCards
from tests.conftest import DATABASES, BotFactory
from tests.harness import RunningBot, eventually
from tests.test_e2e_forgetme import forget

ANNA = User(701, "Anna", language_code="en")
PRIVATE = Chat(701, "private")
# 2026-05-03 09:00 UTC: a fixed clock every test moves forward by hand.
T0 = datetime(2026, 5, 3, 9, 0, tzinfo=UTC).timestamp()


def study_cards(bot: RunningBot) -> StudyCards:
    """The cards' feature over the running bot's stores (what it records is the database's,
    so a second instance sees the first one's work)."""
    svc, repo = bot.services, bot.services.repo
    return StudyCards(
        cards=repo.cards,
        quizzes=repo.quizzes,
        questions=repo.questions,
        answers=repo.answers,
        ui=TelegramPresenter(bot.app.bot),
        clock=svc.clock,
        max_questions=svc.settings.max_questions,
    )


def _position(poll: Call, text: str) -> int:
    return [o["text"] for o in poll.params["options"]].index(text)


def _wrong(args: dict[str, Any], i: int) -> str:
    return choice_text(args, i, (right_choice(args, i) + 1) % 4)


async def _answer(tg: FakeTelegram, polls: list[Call], texts: list[str]) -> None:
    for poll, text in zip(polls, texts, strict=True):
        poll_id = poll.result["poll"]["id"]
        tg.user_answers_poll(ANNA, poll_id, [_position(poll, text)])


def _review_variant(args: dict[str, Any]) -> Any:
    """The same facts, asked with new words (what the model is told to write)."""
    fresh = json.loads(json.dumps(args))
    for q in fresh["questions"]:
        q["question_text"] = "In other words: " + q["question_text"].replace("which", "what")
    return fresh


async def _one_question_quiz(tg: FakeTelegram, oa: FakeOpenAI, *, right: bool) -> dict[str, Any]:
    """Anna's one-question quiz on cells, answered right or wrong (feedback "Feedback.");
    the quiz the model was scripted to write."""
    args = quiz_args(1)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Feedback.")
    tg.user_sends(PRIVATE, ANNA, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll")
    answer = choice_text(args, 0, right_choice(args, 0)) if right else _wrong(args, 0)
    await _answer(tg, [poll], [answer])
    return args


@pytest.mark.parametrize("database", DATABASES, indirect=True)
async def test_mistakes_come_back_first_and_a_review_moves_their_due_dates(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    svc = bot.services
    now = [T0]
    svc.clock = lambda: now[0]
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Feedback one.")
    tg.user_sends(PRIVATE, ANNA, "/quiz 2 cells")
    polls = await tg.wait_for("sendPoll", count=2)
    # Question 1 right, question 2 wrong.
    await _answer(tg, polls, [choice_text(args, 0, right_choice(args, 0)), _wrong(args, 1)])

    [offer] = await tg.wait_for(
        "sendMessage",
        predicate=lambda c: (
            "reply_markup" in c.params
            and learning.REVIEW_DATA in json.dumps(c.params["reply_markup"])
        ),
    )
    assert "(1)" in json.dumps(offer.params["reply_markup"], ensure_ascii=False)
    cards = await svc.repo.cards.due_cards(ANNA.id, now[0], 10)
    assert [c.text for c in cards] == [args["questions"][1]["question_text"]]
    plan = await svc.repo.cards.due_plan(ANNA.id, now[0], 10)
    assert any("study_cards_due" in step for step in plan), plan
    [wrong_card] = cards
    right_due = (await svc.repo.cards.cards([wrong_card.id - 1]))[wrong_card.id - 1].due
    assert right_due > now[0] + 86400  # the right one: days away

    # Past the cooldown; the tap on the button starts the review.
    now[0] += 60
    variant = _review_variant({"title": "Review", "questions": [args["questions"][1]]})
    oa.queue_function_call("generate_quiz", variant)
    oa.queue_message("You missed this on 2026-05-03, right now.")
    tg.user_presses(ANNA, PRIVATE.id, offer.result["message_id"], learning.REVIEW_DATA)
    review_poll = (await tg.wait_for("sendPoll", count=3))[2]
    # The model got the due card (question, answer, explanation), not the right one.
    request = oa.writer_requests[2].json
    text = json.dumps(request["input"], ensure_ascii=False)
    assert args["questions"][1]["question_text"] in text
    assert args["questions"][0]["question_text"] not in text
    assert review_poll.params["question"].endswith(variant["questions"][0]["question_text"])

    now[0] += 5
    tg.user_answers_poll(
        ANNA,
        review_poll.result["poll"]["id"],
        [_position(review_poll, choice_text(variant, 0, right_choice(variant, 0)))],
    )

    async def moved() -> bool:
        card = (await svc.repo.cards.cards([wrong_card.id]))[wrong_card.id]
        return card.right_count == 1 and card.due > now[0] + 3600

    await eventually(moved, what="the reviewed card's due date to move")
    # The cards are rated before the submission goes out: wait for the feedback.
    await tg.wait_for("sendMessage", predicate=lambda c: "right now" in c.params.get("text", ""))
    # The submission told the model how the card went last time.
    submission = oa.writer_requests[-1].json["input"][0]["output"]
    assert json.loads(submission)["questions"][0]["last_time"] == {
        "date": "2026-05-03",
        "correct": False,
    }
    assert await svc.repo.cards.due_cards(ANNA.id, now[0], 10) == []
    # Recording is idempotent: a re-run rates nothing twice.
    quiz_id = (await svc.repo.quizzes.quizzes_in_state(QuizState.DONE))[-1].id
    assert await study_cards(bot).record_quiz(quiz_id) is False

    # Nothing due now: /review says when, and offers the weakest topic.
    tg.user_sends(PRIVATE, ANNA, "/review")
    [nothing] = await tg.wait_for(
        "sendMessage", predicate=lambda c: "Nothing is due" in c.params.get("text", "")
    )
    assert learning.WEAKEST_DATA in json.dumps(nothing.params["reply_markup"])


async def test_a_word_for_word_repeat_is_rejected_and_corrected_once(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    # Without streaming, an invalid quiz is corrected once (streamed questions are dropped).
    async with make_bot(OPENAI_STREAM="false") as bot:
        svc = bot.services
        now = [T0]
        svc.clock = lambda: now[0]
        args = await _one_question_quiz(tg, oa, right=False)
        await tg.wait_for("sendMessage", predicate=lambda c: "reply_markup" in c.params)

        now[0] += 60
        oa.queue_function_call("generate_quiz", args)  # the old question, word for word
        fixed = _review_variant(args)
        oa.queue_function_call("generate_quiz", fixed)
        tg.user_sends(PRIVATE, ANNA, "/review")
        [_, second] = await tg.wait_for("sendPoll", count=2)
        assert second.params["question"].endswith(fixed["questions"][0]["question_text"])
        # The last writing turn (the solves, issue 19, are requests of their own).
        writes = [r for r in oa.requests_to("/responses") if r not in oa.solve_requests]
        correction = json.dumps(writes[-1].json["input"])
        assert "word for word" in correction


async def test_stats_sends_a_png_and_forgetme_removes_the_cards(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    svc = bot.services
    svc.clock = lambda: T0
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Feedback.")
    tg.user_sends(PRIVATE, ANNA, "/quiz 2 cells")
    polls = await tg.wait_for("sendPoll", count=2)
    await _answer(tg, polls, [_wrong(args, 0), _wrong(args, 1)])
    await tg.wait_for("sendMessage", predicate=lambda c: "reply_markup" in c.params)

    tg.user_sends(PRIVATE, ANNA, "/stats")
    [photo] = await tg.wait_for("sendPhoto")
    png = photo.params["photo"].data
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (800, 450)
    assert "answers: 2 · right: 0%" in photo.result["caption"]
    assert "Due today: 2" in photo.result["caption"]

    done = await forget(tg, PRIVATE, ANNA)
    assert "study cards" in done.params["text"]
    assert await svc.repo.cards.next_due(ANNA.id) is None
    assert (await svc.repo.stats.totals(ANNA.id)).answers == 0


def test_next_reminder_is_the_local_time_in_the_person_s_zone() -> None:
    seoul = parse_zone("Asia/Seoul")
    assert seoul is not None
    # 09:00 UTC is 18:00 in Seoul: 19:00 there is one hour away.
    assert next_reminder(T0, 19 * 60, seoul) == T0 + 3600
    offset = parse_zone("+09:00")
    assert offset is not None and next_reminder(T0, 19 * 60, offset) == T0 + 3600
    # Already past 08:00 in Seoul: tomorrow.
    assert next_reminder(T0, 8 * 60, seoul) == T0 + 14 * 3600
    # New York on the day DST starts (2026-03-08): 19:00 EDT is 23:00 UTC.
    ny = parse_zone("America/New_York")
    assert ny is not None
    start = datetime(2026, 3, 8, 12, 0, tzinfo=UTC).timestamp()
    assert next_reminder(start, 19 * 60, ny) == start + 11 * 3600
    assert parse_zone("Mars/Olympus") is None and parse_zone("+15:00") is None


async def test_reminder_fires_at_local_time_and_is_re_armed_after_a_restart(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    async with make_bot() as bot:
        svc = bot.services
        now = [T0]
        svc.clock = lambda: now[0]
        await _one_question_quiz(tg, oa, right=False)
        await tg.wait_for("sendMessage", predicate=lambda c: "reply_markup" in c.params)

        tg.user_sends(PRIVATE, ANNA, "/remind 25:00")
        await tg.wait_for("sendMessage", predicate=lambda c: "Usage" in c.params["text"])
        # Half a second before 19:00 in Seoul.
        now[0] = T0 + 3600 - 0.5
        tg.user_sends(PRIVATE, ANNA, "/remind 19:00 Asia/Seoul")
        await tg.wait_for("sendMessage", predicate=lambda c: "remind you at" in c.params["text"])
        now[0] = T0 + 3600
        [reminder] = await tg.wait_for(
            "sendMessage", predicate=lambda c: c.params["text"].startswith("⏰")
        )
        assert learning.REVIEW_DATA in json.dumps(reminder.params["reply_markup"])

    async with make_bot() as bot:
        svc = bot.services
        assert svc.timers is not None
        due = await svc.timers.due(f"remind:{ANNA.id}")
        row = await svc.repo.reminders.reminder(ANNA.id)
        assert row is not None and row.zone == "Asia/Seoul" and row.minute == 19 * 60
        seoul = parse_zone("Asia/Seoul")
        assert seoul is not None and due is not None
        expected = next_reminder(svc.clock(), 19 * 60, seoul)
        assert abs(due - expected) < 5


async def test_nothing_due_says_when_in_the_person_s_zone_and_in_words(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    svc = bot.services
    now = [T0]
    svc.clock = lambda: now[0]
    await _one_question_quiz(tg, oa, right=True)
    await tg.wait_for("sendMessage", predicate=lambda c: "Feedback." in c.params["text"])
    due = await svc.repo.cards.next_due(ANNA.id)
    assert due is not None and due > now[0] + 86400

    def nothing_due(count: int) -> Any:
        return tg.wait_for(
            "sendMessage",
            count=count,
            predicate=lambda c: "Nothing is due" in c.params.get("text", ""),
        )

    # No zone set yet: UTC, and said so.
    tg.user_sends(PRIVATE, ANNA, "/review")
    utc = datetime.fromtimestamp(due, UTC)
    [first] = await nothing_due(1)
    assert f"on {utc:%Y-%m-%d} at {utc:%H:%M} (UTC)" in first.params["text"], first.params

    # With a /remind zone, and the day before: "tomorrow", at Seoul's time.
    tg.user_sends(PRIVATE, ANNA, "/remind 19:00 Asia/Seoul")
    await tg.wait_for("sendMessage", predicate=lambda c: "remind you at" in c.params["text"])
    seoul = datetime.fromtimestamp(due, ZoneInfo("Asia/Seoul"))
    now[0] = due - 86400  # Seoul has no DST: the same time, one local day earlier
    tg.user_sends(PRIVATE, ANNA, "/review")
    second = (await nothing_due(2))[1]
    assert f"tomorrow at {seoul:%H:%M} (Asia/Seoul)" in second.params["text"], second.params
    assert "UTC" not in second.params["text"]


def test_due_is_said_as_today_tomorrow_or_a_date() -> None:
    seoul = ZoneInfo("Asia/Seoul")
    # T0 is 18:00 in Seoul on 3 May.
    assert learning.when_due("en", T0 + 3600, T0, seoul) == "today at 19:00"
    assert learning.when_due("en", T0 + 7 * 3600, T0, seoul) == "tomorrow at 01:00"
    assert learning.when_due("en", T0 + 3 * 86400, T0, seoul) == "on 2026-05-06 at 18:00"
    assert learning.when_due("ko", T0 + 7 * 3600, T0, seoul) == "내일 01:00"


async def test_a_user_who_blocked_the_bot_gets_reminders_switched_off(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    svc = bot.services
    now = [T0]
    svc.clock = lambda: now[0]
    await _one_question_quiz(tg, oa, right=False)
    await tg.wait_for("sendMessage", predicate=lambda c: "Feedback." in c.params["text"])

    # A second before 19:00 in Seoul; then Anna blocks the bot.
    now[0] = T0 + 3600 - 1
    tg.user_sends(PRIVATE, ANNA, "/remind 19:00 Asia/Seoul")
    await tg.wait_for("sendMessage", predicate=lambda c: "remind you at" in c.params["text"])
    tg.fail("sendMessage", status=403)
    now[0] = T0 + 3600
    [blocked] = await tg.wait_for("sendMessage", predicate=lambda c: c.status == 403)
    assert blocked.params["text"].startswith("⏰")

    async def switched_off() -> bool:
        row = await svc.repo.reminders.reminder(ANNA.id)
        return row is not None and not row.enabled

    await eventually(switched_off, what="the reminder to be switched off")
    # Not armed again: tomorrow's 19:00 writes to nobody.
    assert svc.timers is not None

    async def disarmed() -> bool:
        assert svc.timers is not None
        return await svc.timers.due(f"remind:{ANNA.id}") is None

    # The fired timer's row goes once its callback has returned.
    await eventually(disarmed, what="the reminder's timer to go")
    assert await svc.repo.reminders.reminders() == []


GROUP = Chat(-1007001, "supergroup", title="Study group")
BO = User(702, "Bo", language_code="en")
CY = User(703, "Cy", language_code="en")


async def _group_quiz(
    tg: FakeTelegram,
    oa: FakeOpenAI,
    bot: RunningBot,
    title: str,
    picks: dict[User, list[bool | None]],
) -> None:
    """Ann starts a quiz in the group; each player answers right/wrong/not at all; Ann stops."""
    n = len(next(iter(picks.values())))
    args = quiz_args(n, title=title)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message(f"Feedback on {title}.")
    before = len(tg.calls_of("sendPoll"))
    tg.user_sends(GROUP, ANNA, f"/quiz {n} {title}")
    polls = (await tg.wait_for("sendPoll", count=before + n))[before:]
    given = 0
    for user, choices in picks.items():
        for i, (poll, right) in enumerate(zip(polls, choices, strict=True)):
            if right is None:
                continue
            text = choice_text(args, i, right_choice(args, i)) if right else _wrong(args, i)
            tg.user_answers_poll(user, poll.result["poll"]["id"], [_position(poll, text)])
            given += 1
    quiz_id = max(q.id for q in await bot.services.repo.quizzes.quizzes_in_state(QuizState.OPEN))

    async def stored() -> bool:
        return await bot.services.repo.answers.answer_count(quiz_id) >= given

    await eventually(stored, what=f"{given} answers stored")
    tg.user_sends(GROUP, ANNA, "/stop")
    await tg.wait_for("sendMessage", predicate=lambda c: f"Feedback on {title}" in c.params["text"])

    async def done() -> bool:
        quiz = await bot.services.repo.quizzes.quiz(quiz_id)
        return quiz is not None and quiz.state == QuizState.DONE

    # The review offer follows the feedback; the chat is free for the next quiz after it.
    await eventually(done, what=f"quiz {title} done")


async def test_group_stats_name_the_week_s_most_active_and_accurate_and_each_quiz(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    svc = bot.services
    # From the real time forward, not T0: Telegram checks a poll's close_date against its
    # own clock, and up to a month ahead is in range.
    start = time.time()
    now = [start]
    svc.clock = lambda: now[0]
    tg.set_member_count(GROUP.id, 10)
    # Eight days before the /stats, outside its week: Cy was perfect then.
    await _group_quiz(tg, oa, bot, "Old", {CY: [True]})
    now[0] = start + 8 * 86400
    await _group_quiz(
        tg, oa, bot, "Cells", {ANNA: [True, True], BO: [False, False], CY: [True, None]}
    )
    now[0] += 60  # past the cooldown
    await _group_quiz(tg, oa, bot, "Genes", {BO: [True], CY: [False]})

    now[0] += 60
    tg.user_sends(GROUP, BO, "/stats")
    [photo] = await tg.wait_for("sendPhoto")
    png = photo.params["photo"].data
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (800, 450)
    assert photo.params["chat_id"] == GROUP.id
    assert photo.result["caption"].splitlines() == [
        "📊 This week in this chat",
        "Most active: Bo (3 answers)",
        "Most accurate: Anna (100%)",
        "• Cells: 60%",
        "• Genes: 50%",
    ]


async def test_review_feedback_gets_each_card_s_last_time_and_is_told_to_compare(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    svc = bot.services
    now = [T0]
    svc.clock = lambda: now[0]
    # Two mistakes on two days: card A on 3 May, card B on 4 May.
    first = quiz_args(1, title="Cells")
    # Another fact: a question of its own, choices of its own.
    second: dict[str, Any] = {"title": "Genes", "questions": [quiz_args(2)["questions"][1]]}
    for day, args in enumerate((first, second)):
        now[0] = T0 + day * 86400
        oa.queue_function_call("generate_quiz", args)
        oa.queue_message(f"Feedback {day}.")
        tg.user_sends(PRIVATE, ANNA, f"/quiz 1 {args['title']}")
        poll = (await tg.wait_for("sendPoll", count=day + 1))[day]
        await _answer(tg, [poll], [_wrong(args, 0)])
        said = f"Feedback {day}."
        await tg.wait_for("sendMessage", predicate=lambda c: said in c.params["text"])  # noqa: B023

        async def over() -> bool:
            # The quiz is closed just after its feedback is posted.
            return await svc.repo.quizzes.live_quiz(PRIVATE.id, 0) is None

        await eventually(over, what="the quiz to be closed")

    # The review: card A's variant repeats it word for word and is left out of the stream;
    # its replacement goes out after card B's. Posted order B, A; the model's order A, B.
    now[0] += 60
    cards = {"title": "Review", "questions": [first["questions"][0], second["questions"][0]]}
    fresh = _review_variant(cards)
    streamed = json.loads(json.dumps(fresh))
    streamed["questions"][0] = first["questions"][0]
    oa.queue_function_call("generate_quiz", streamed)
    oa.queue_function_call("generate_quiz", fresh)  # the correction: the left-out one anew
    oa.queue_message("Compared with last time.")
    tg.user_sends(PRIVATE, ANNA, "/review")
    polls = (await tg.wait_for("sendPoll", count=4))[2:]
    assert polls[0].params["question"].endswith(fresh["questions"][1]["question_text"])
    assert polls[1].params["question"].endswith(fresh["questions"][0]["question_text"])
    for poll, model in zip(polls, (1, 0), strict=True):
        right = choice_text(fresh, model, right_choice(fresh, model))
        tg.user_answers_poll(ANNA, poll.result["poll"]["id"], [_position(poll, right)])
    await tg.wait_for("sendMessage", predicate=lambda c: "Compared" in c.params["text"])

    feedback = oa.writer_requests[-1].json
    [item] = feedback["input"]
    submission = json.loads(item["output"])
    assert submission["review"] is True
    # Each question's last time is its own card's, in the model's numbering.
    last = {q["question_index"]: q["last_time"] for q in submission["questions"]}
    assert last == {
        0: {"date": "2026-05-03", "correct": False},
        1: {"date": "2026-05-04", "correct": False},
    }
    # And the model is told what last_time is for.
    assert "last_time" in feedback["instructions"]
    assert "compare" in feedback["instructions"]
