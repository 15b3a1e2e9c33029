"""Questions you can trust (issue 19), through the real Application and the fakes: every key
is solved independently before its question is posted, the topic's language is kept, and
repeats are replaced."""

from __future__ import annotations

import copy
import json
import logging
from typing import Any

import pytest

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from quiz.verification import Verdict
from tests.conftest import BotFactory
from tests.harness import RunningBot, eventually
from tools.local_model import VerifyFigures

ANN = User(901, "Ann", username="ann", language_code="en")
ANN_CHAT = Chat(901, "private")
MINSU = User(902, "민수", username="minsu", language_code="ko")
MINSU_CHAT = Chat(902, "private")


def correct_text(poll: Call) -> str:
    p = poll.params
    return str(p["options"][p["correct_option_ids"][0]]["text"])


def with_key(args: dict[str, Any], question: int, key: int) -> dict[str, Any]:
    changed = copy.deepcopy(args)
    changed["questions"][question]["answer_index"] = key
    return changed


async def test_a_planted_wrong_key_is_corrected_before_it_is_posted(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    wrong = quiz_args(3)  # question 2's key is "Q2 choice 2": the solver says choice 4
    oa.solver_picks("Question 2:", "Q2 choice 4")
    oa.queue_function_call("generate_quiz", wrong)
    oa.queue_function_call("generate_quiz", with_key(wrong, 1, 3))

    tg.user_sends(ANN_CHAT, ANN, "/quiz 3 cell biology")
    polls = await tg.wait_for("sendPoll", count=3)

    # Streamed: the replacement comes after the questions already posted.
    assert [correct_text(p) for p in polls] == ["Q1 choice 1", "Q3 choice 3", "Q2 choice 4"]
    assert polls[2].params["question"].startswith("3/3. Question 2:")
    [_, correction] = [r for r in oa.requests_to("/responses") if r not in oa.solve_requests]
    output = json.loads(correction.json["input"][0]["output"])
    assert any("independent check" in p and "Q2 choice 4" in p for p in output["problems"])
    # Three first checks, then the replacement's.
    assert len(oa.solve_requests) == 4


async def test_a_key_still_disputed_is_left_out_and_the_chat_told(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    wrong = quiz_args(3)
    oa.solver_picks("Question 2:", "Q2 choice 4")
    oa.queue_function_call("generate_quiz", wrong)
    oa.queue_function_call("generate_quiz", wrong)  # the writer insists

    tg.user_sends(ANN_CHAT, ANN, "/quiz 3 cell biology")
    [note] = await tg.wait_for(
        "sendMessage", predicate=lambda c: "could not be confirmed" in c.params["text"]
    )
    assert note.params["text"] == "1 question was left out: its answer could not be confirmed."
    polls = tg.calls_of("sendPoll")
    assert len(polls) == 2
    assert all("Question 2" not in p.params["question"] for p in polls)

    async def two_questions() -> bool:
        quiz = await bot.services.repo.quizzes.quiz(1)
        return quiz is not None and quiz.num_questions == 2

    await eventually(two_questions, what="the quiz to count two questions")


async def test_agreement_passes_untouched_and_the_solve_sees_no_key(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)

    tg.user_sends(ANN_CHAT, ANN, "/quiz 2 cell biology")
    polls = await tg.wait_for("sendPoll", count=2)
    assert [correct_text(p) for p in polls] == ["Q1 choice 1", "Q2 choice 2"]
    # No correction: one writing turn, and one solve per streamed question.
    assert len(oa.requests_to("/responses")) == 1 + len(oa.solve_requests)
    assert len(oa.solve_requests) == 2
    for solve in oa.solve_requests:
        body = solve.json
        assert body["store"] is False and "conversation" not in body
        assert body["tool_choice"] == {"type": "function", "name": "solve_quiz"}
        text = json.dumps(body["input"], ensure_ascii=False)
        assert "answer_index" not in text and "explanation" not in text
        assert "is right for question" not in text  # the explanations' wording
        [asked] = json.loads(body["input"][0]["content"])["questions"]
        # The choices in the order the poll shows them.
        [poll] = [p for p in polls if asked["question"] in p.params["question"]]
        assert asked["choices"] == [o["text"] for o in poll.params["options"]]


async def test_quiz_verify_off_sends_no_solve(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    async with make_bot(QUIZ_VERIFY="off"):
        oa.solver_picks("Question 2:", "Q2 choice 4")  # would dispute, if asked
        oa.queue_function_call("generate_quiz", quiz_args(2))
        tg.user_sends(ANN_CHAT, ANN, "/quiz 2 cell biology")
        polls = await tg.wait_for("sendPoll", count=2)
        assert [correct_text(p) for p in polls] == ["Q1 choice 1", "Q2 choice 2"]
        assert oa.solve_requests == []


KOREAN: dict[str, Any] = {
    "title": "광합성",
    "questions": [
        {
            "question_text": "광합성에서 식물이 내보내는 기체는 무엇인가요?",
            "choices": ["산소", "질소", "수소", "헬륨"],
            "answer_index": 0,
            "explanation": "광합성은 물을 분해해 산소를 내보냅니다.",
            "source_file": None,
            "source_quote": None,
        },
        {
            "question_text": "광합성이 일어나는 세포 소기관은 어디인가요?",
            "choices": ["미토콘드리아", "엽록체", "리보솜", "핵"],
            "answer_index": 1,
            "explanation": "엽록체의 엽록소가 빛을 흡수합니다.",
            "source_file": None,
            "source_quote": None,
        },
    ],
}


async def test_a_korean_topic_with_an_english_quiz_is_corrected_once(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    # Not streamed: the whole quiz is checked and corrected in one turn.
    async with make_bot(OPENAI_STREAM="false"):
        english: dict[str, Any] = {
            "title": "Photosynthesis",
            "questions": [
                {**q, "question_text": t}
                for q, t in zip(
                    KOREAN["questions"],
                    [
                        "Which gas do plants release during photosynthesis?",
                        "In which organelle of the cell does photosynthesis take place?",
                    ],
                    strict=True,
                )
            ],
        }
        english["questions"][0]["choices"] = ["Oxygen", "Nitrogen", "Hydrogen", "Helium"]
        english["questions"][1]["choices"] = ["Mitochondria", "Chloroplast", "Ribosome", "Nucleus"]
        oa.queue_function_call("generate_quiz", english)
        oa.queue_function_call("generate_quiz", KOREAN)

        tg.user_sends(MINSU_CHAT, MINSU, "/quiz 2 광합성")
        polls = await tg.wait_for("sendPoll", count=2)
        assert "광합성" in polls[0].params["question"]
        writes = [r for r in oa.requests_to("/responses") if r not in oa.solve_requests]
        assert len(writes) == 2  # corrected once
        problems = json.loads(writes[1].json["input"][0]["output"])["problems"]
        assert len(problems) == 2 and all("not in Korean" in p for p in problems)
        # The instructions name the language too.
        assert "Korean" in writes[0].json["input"][0]["content"]


async def test_a_near_duplicate_is_replaced(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    args = quiz_args(3)
    repeat = copy.deepcopy(args["questions"][0])
    repeat["question_text"] = "Question 1: which statement about the cell part 1 is true?"
    args["questions"][2] = repeat
    replaced = quiz_args(3)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_function_call("generate_quiz", replaced)

    tg.user_sends(ANN_CHAT, ANN, "/quiz 3 cell biology")
    polls = await tg.wait_for("sendPoll", count=3)
    assert [correct_text(p) for p in polls] == ["Q1 choice 1", "Q2 choice 2", "Q3 choice 3"]
    writes = [r for r in oa.requests_to("/responses") if r not in oa.solve_requests]
    problems = json.loads(writes[1].json["input"][0]["output"])["problems"]
    assert problems == [
        "questions[2] asks the same as questions[0]: replace it with a question on a different fact"
    ]


async def test_the_solves_tokens_are_metered(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    oa.queue_function_call("generate_quiz", quiz_args(2))
    tg.user_sends(ANN_CHAT, ANN, "/quiz 2 cell biology")
    await tg.wait_for("sendPoll", count=2)
    solved = sum(int(r["usage"]["total_tokens"]) for r in oa.created if _solves(r))
    written = sum(int(r["usage"]["total_tokens"]) for r in oa.created if not _solves(r))
    assert solved > 0
    store = bot.services.repo.usage

    async def recorded() -> bool:
        return await store.tokens_since(0, user_id=ANN.id) == solved + written

    await eventually(recorded, what="the solve's tokens counted")


def _solves(response: dict[str, Any]) -> bool:
    return any(t.get("name") == "solve_quiz" for t in response["tools"])


async def test_help_tells_of_the_checks_only_while_they_run(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    async with make_bot():
        tg.user_sends(ANN_CHAT, ANN, "/help")
        [on] = await tg.wait_for("sendMessage")
        assert "without seeing its answer key" in on.params["text"]
    async with make_bot(QUIZ_VERIFY="off"):
        tg.user_sends(ANN_CHAT, ANN, "/help")
        [_, off] = await tg.wait_for("sendMessage", count=2)
        assert "How StudyQuiz works" in off.params["text"]
        assert "without seeing its answer key" not in off.params["text"]


async def test_the_checks_decisions_are_logged_as_the_local_model_tool_counts_them(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    wrong = quiz_args(3)
    oa.solver_picks("Question 2:", "Q2 choice 4")
    oa.queue_function_call("generate_quiz", wrong)
    oa.queue_function_call("generate_quiz", with_key(wrong, 1, 3))

    tg.user_sends(ANN_CHAT, ANN, "/quiz 3 cell biology")
    await tg.wait_for("sendPoll", count=3)

    figures = VerifyFigures.of(caplog.records)
    assert figures.verdicts == {
        0: [Verdict.CONFIRMED],
        1: [Verdict.DISPUTED, Verdict.CONFIRMED],
        2: [Verdict.CONFIRMED],
    }
    assert figures.corrected(1)
    assert [s.questions for s in figures.solves] == [1, 1, 1, 1]
    solved = sum(int(r["usage"]["total_tokens"]) for r in oa.created if _solves(r))
    assert figures.tokens == solved > 0
    assert "question 2: disputed → confirmed: corrected" in figures.lines()
