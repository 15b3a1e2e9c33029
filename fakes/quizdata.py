"""Quizzes the fake model writes in tests."""

from __future__ import annotations

from typing import Any


def quiz_args(n: int, *, title: str = "Biology", long_index: int | None = None) -> dict[str, Any]:
    """n questions; the right answer of question i is choice `i % 4`, texts are unique."""
    questions = []
    for i in range(n):
        text = f"Question {i + 1}: which statement about cell part {i + 1} is true?"
        if i == long_index:
            text = text + " " + "Context sentence. " * 20
        questions.append(
            {
                "question_text": text,
                "choices": [f"Q{i + 1} choice {c + 1}" for c in range(4)],
                "answer_index": i % 4,
                "explanation": f"Choice {i % 4 + 1} is right for question {i + 1}.",
                "source_file": None,
                "source_quote": None,
            }
        )
    return {"title": title, "questions": questions}


def choice_text(args: dict[str, Any], question: int, choice: int) -> str:
    return str(args["questions"][question]["choices"][choice])


def right_choice(args: dict[str, Any], question: int) -> int:
    return int(args["questions"][question]["answer_index"])


def korean_quiz_args(n: int, *, title: str = "생물") -> dict[str, Any]:
    """quiz_args in Korean, for chats and topics in Korean: the bot holds a quiz to the
    topic's language (or the chat's, for a document quiz) and sends English back (the
    answer-key checks must notice)."""
    questions = []
    for i in range(n):
        questions.append(
            {
                "question_text": f"질문 {i + 1}: 세포 소기관 {i + 1}에 대한 설명으로 옳은 것은?",
                "choices": [f"{i + 1}번 문제의 보기 {c + 1}" for c in range(4)],
                "answer_index": i % 4,
                "explanation": f"{i + 1}번 문제는 보기 {i % 4 + 1}이 맞습니다.",
                "source_file": None,
                "source_quote": None,
            }
        )
    return {"title": title, "questions": questions}
