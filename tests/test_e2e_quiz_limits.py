"""Quiz limits that hold under concurrency, and the output cap on every model call."""

from __future__ import annotations

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args, right_choice
from fakes.telegram_server import Chat, FakeTelegram, User
from quiz.states import QuizState
from tests.conftest import BotFactory
from tests.harness import RunningBot, eventually
from tests.test_e2e_core import FEEDBACK, MINSU, PRIVATE, SUWON_QUIZ, position_of
from tests.test_e2e_group import answer

FORUM = Chat(-1007777, "supergroup", title="Forum", is_forum=True)
ANN = User(11, "Ann", language_code="en")
ANN_CHAT = Chat(11, "private")
TOPICS = 12


async def quiz_states(bot: RunningBot) -> list[QuizState]:
    rows = await bot.services.repo.quizzes.quizzes_in_state(QuizState.OPEN)
    rows += await bot.services.repo.quizzes.quizzes_in_state(QuizState.GENERATING)
    return [r.state for r in rows]


async def test_twelve_topics_at_once_get_exactly_the_daily_quota(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    # The limit under test, lowered so that the race has something to race for; the command
    # flood limit raised so that all twelve reach the quota check (it would drop six first).
    async with make_bot(USER_QUIZZES_PER_DAY="3", USER_COMMAND_BURST="12") as bot:
        tg.set_member_count(FORUM.id, 10)
        for _ in range(TOPICS):
            oa.queue_function_call("generate_quiz", quiz_args(1))
        # All twelve in one batch of updates: PTB runs /quiz handlers concurrently.
        for topic in range(TOPICS):
            tg.user_sends(FORUM, ANN, "/quiz 1 cells", message_thread_id=100 + topic)

        def refused(c: object) -> bool:
            return "today's limit of 3 quizzes" in getattr(c, "params", {}).get("text", "")

        # Every message to the group waits its turn (Telegram's one a second per chat), and
        # which three requests win is the database's order: on PostgreSQL the refusals may
        # queue behind the winners' messages.
        refusals = await tg.wait_for(
            "sendMessage", count=TOPICS - 3, predicate=refused, timeout=TOPICS + 10
        )
        await tg.wait_for("sendPoll", count=3)

        async def settled() -> bool:
            return len(await quiz_states(bot)) == 3

        await eventually(settled, what="three quizzes open")
        assert len(oa.writer_requests) == 3
        # Each refusal names the limit and when it resets, in the topic it was asked in.
        assert all("resets at midnight UTC (in " in c.params["text"] for c in refusals)
        assert len({c.params["message_thread_id"] for c in refusals}) == TOPICS - 3


async def test_one_person_has_at_most_the_running_quizzes_cap(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.set_member_count(FORUM.id, 10)
    args = quiz_args(1)
    for topic in range(3):
        oa.queue_function_call("generate_quiz", args)
        tg.user_sends(FORUM, ANN, "/quiz 1 cells", message_thread_id=200 + topic)
        await tg.wait_for("sendPoll", count=topic + 1)
    # The default cap (USER_RUNNING_QUIZZES=3): three group quizzes are open.
    tg.user_sends(FORUM, ANN, "/quiz 1 more", message_thread_id=299)
    [refusal] = await tg.wait_for(
        "sendMessage", predicate=lambda c: "quizzes being written or open" in c.params["text"]
    )
    assert refusal.params["message_thread_id"] == 299
    assert "/stop" in refusal.params["text"]
    assert len(oa.writer_requests) == 3

    # Ending one makes room again.
    oa.queue_message("Feedback.")
    tg.user_sends(FORUM, ANN, "/stop", message_thread_id=200)
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Feedback.")
    oa.queue_function_call("generate_quiz", args)
    tg.user_sends(FORUM, ANN, "/quiz 1 more", message_thread_id=299)
    polls = await tg.wait_for("sendPoll", count=4)
    assert polls[-1].params["message_thread_id"] == 299
    answer(tg, ANN, polls[-1], args, right_choice(args, 0))


async def test_every_model_call_caps_its_output(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    oa.queue_function_call("generate_quiz", SUWON_QUIZ)
    oa.queue_message(FEEDBACK)
    tg.user_sends(PRIVATE, MINSU, "/quiz 3 수원도시기본계획")
    polls = await tg.wait_for("sendPoll", count=3)
    for poll, question in zip(polls, SUWON_QUIZ["questions"], strict=True):
        right = question["choices"][question["answer_index"]].split(". ", 1)[1]
        tg.user_answers_poll(MINSU, poll.result["poll"]["id"], [position_of(poll, right)])
    await tg.wait_for("sendMessage", predicate=lambda c: "맞았습니다" in c.params.get("text", ""))

    requests = oa.requests_to("/responses", "POST")
    # The quiz, each answer-key solve (issue 19) and the feedback.
    assert len(oa.writer_requests) == 2 and oa.solve_requests
    budgets = [r.json["max_output_tokens"] for r in requests]
    assert all(isinstance(b, int) and b >= 16 for b in budgets), budgets
    # Sized from the question count: a longer quiz may write more.
    write, feedback = (r.json["max_output_tokens"] for r in oa.writer_requests)
    assert write > feedback


async def test_feedback_cut_at_its_output_cap_is_still_delivered(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    args = quiz_args(1)
    oa.queue_function_call("generate_quiz", args)
    # Far longer than a one-question quiz's feedback may be: the model stops at the cap.
    oa.queue_message("Well done. " + "And one more thing. " * 2000)
    tg.user_sends(ANN_CHAT, ANN, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll")
    right = args["questions"][0]["choices"][right_choice(args, 0)]
    texts = [o["text"] for o in poll.params["options"]]
    tg.user_answers_poll(ANN, poll.result["poll"]["id"], [texts.index(right)])
    await tg.wait_for(
        "sendMessage", predicate=lambda c: c.params.get("text", "").startswith("Well done.")
    )
    [feedback] = [r for r in oa.created if r["status"] == "incomplete"]
    assert feedback["incomplete_details"] == {"reason": "max_output_tokens"}
