"""The whole loop in a private chat, through real HTTP to both fakes.

This is the original notebook's case: `/quiz 3 수원도시기본계획`, three Korean questions
with four numbered choices, answered 2, 4, 1 (two right, one wrong).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from fakes.openai_server import FakeOpenAI
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from tests.conftest import DATABASES
from tests.harness import RunningBot, eventually

MINSU = User(501, "민수", username="minsu", language_code="ko")
PRIVATE = Chat(501, "private")

SUWON_QUIZ: dict[str, Any] = {
    "title": "수원도시기본계획",
    "questions": [
        {
            "question_text": "2040 수원도시기본계획의 목표 연도는?",
            "choices": ["1. 2030년", "2. 2040년", "3. 2050년", "4. 2035년"],
            "answer_index": 1,
            "explanation": "계획의 이름처럼 목표 연도는 2040년입니다.",
            "source_file": None,
            "source_quote": None,
        },
        {
            "question_text": "수원의 대표적인 세계문화유산은?",
            "choices": ["1. 경복궁", "2. 불국사", "3. 해인사", "4. 수원 화성"],
            "answer_index": 3,
            "explanation": "수원 화성은 1997년 유네스코 세계문화유산에 등재되었습니다.",
            "source_file": None,
            "source_quote": None,
        },
        {
            "question_text": "수원시가 속한 광역자치단체는?",
            "choices": ["1. 서울특별시", "2. 인천광역시", "3. 경기도", "4. 충청남도"],
            "answer_index": 2,
            "explanation": "수원시는 경기도의 도청 소재지입니다.",
            "source_file": None,
            "source_quote": None,
        },
    ],
}

FEEDBACK = (
    "**1번** 정답: 2040년 — 맞았습니다.\n\n"
    "**2번** 정답: 수원 화성 — 맞았습니다.\n\n"
    "**3번** 정답: 경기도. 민수님은 서울특별시를 골랐습니다. 수원은 경기도청 소재지입니다.\n\n"
    "잘했어요!"
)


def position_of(poll_call: Call, choice_text: str) -> int:
    """Where the bot displayed a choice (it shuffles them)."""
    texts = [o["text"] for o in poll_call.params["options"]]
    return texts.index(choice_text)


@pytest.mark.parametrize("database", DATABASES, indirect=True)
async def test_seed_case_end_to_end(tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot) -> None:
    call_id = oa.queue_function_call("generate_quiz", SUWON_QUIZ)
    oa.queue_message(FEEDBACK)

    tg.user_sends(PRIVATE, MINSU, "/quiz 3 수원도시기본계획")
    polls = await tg.wait_for("sendPoll", count=3)

    # The request the model got: our tool, forced, and the topic as data.
    # The writer's request (each question's solve, issue 19, is a request of its own).
    [first] = oa.writer_requests
    body = first.json
    assert body["tools"][0]["name"] == "generate_quiz" and body["tools"][0]["strict"] is True
    assert body["tool_choice"] == {"type": "function", "name": "generate_quiz"}
    assert "수원도시기본계획" in body["input"][0]["content"]
    assert body["conversation"] == next(iter(oa.conversations))

    for poll, question in zip(polls, SUWON_QUIZ["questions"], strict=True):
        p = poll.params
        assert p["type"] == "quiz" and p["is_anonymous"] is False
        assert question["question_text"] in p["question"]
        texts = [o["text"] for o in p["options"]]
        # Numbering is stripped; the bot shows clean choices in a shuffled order.
        assert sorted(texts) == sorted(c.split(". ", 1)[1] for c in question["choices"])
        right = question["choices"][question["answer_index"]].split(". ", 1)[1]
        assert p["correct_option_ids"] == [texts.index(right)]
        assert p["explanation"] == question["explanation"]

    # The user answers 2, 4, 1 (the numbers as the model wrote them).
    for poll, number in zip(polls, (2, 4, 1), strict=True):
        q = SUWON_QUIZ["questions"][polls.index(poll)]
        text = q["choices"][number - 1].split(". ", 1)[1]
        poll_id = poll.result["poll"]["id"]
        tg.user_answers_poll(MINSU, poll_id, [position_of(poll, text)])

    feedback = await tg.wait_for(
        "sendMessage", predicate=lambda c: "맞았습니다" in c.params.get("text", "")
    )
    assert "<b>1번</b>" in feedback[0].params["text"]

    submit = oa.writer_requests[1].json
    [item] = submit["input"]
    assert item["type"] == "function_call_output" and item["call_id"] == call_id
    assert json.loads(item["output"]) == {
        "status": "completed",
        "participants": [
            {
                "participant": "P1",
                "name": "민수",
                "score": 2,
                "answers": [
                    {
                        "question_index": 0,
                        "choice_index": 1,
                        "choice_text": "2040년",
                        "correct": True,
                    },
                    {
                        "question_index": 1,
                        "choice_index": 3,
                        "choice_text": "수원 화성",
                        "correct": True,
                    },
                    {
                        "question_index": 2,
                        "choice_index": 0,
                        "choice_text": "서울특별시",
                        "correct": False,
                    },
                ],
            }
        ],
        "questions": [
            {"question_index": 0, "correct_index": 1, "answered": 1, "correct_count": 1},
            {"question_index": 1, "correct_index": 3, "answered": 1, "correct_count": 1},
            {"question_index": 2, "correct_index": 2, "answered": 1, "correct_count": 0},
        ],
    }
    repo = bot.services.repo

    async def done() -> bool:
        quiz = await repo.quizzes.quiz(1)
        return quiz is not None and quiz.state == "done"

    await eventually(done, what="the quiz to be done")
    # Korean user, Korean bot texts.
    assert any("문제를 만드는 중" in c.params.get("text", "") for c in tg.calls_of("sendMessage"))
