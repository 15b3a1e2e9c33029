"""Scores and the `function_call_output` sent back to the model (a contract)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from quiz.model import Answer, Quiz
from quiz.states import SubmissionStatus


@dataclass(frozen=True, slots=True)
class Scored:
    """One answer's time (from our send to our receipt) and the points it won."""

    seconds: float
    points: int
    right: bool


@dataclass(frozen=True, slots=True)
class Standing:
    user_id: int
    name: str
    score: int
    answered: int
    seconds: float


def build_submission(
    quiz: Quiz,
    status: SubmissionStatus,
    answers: Iterable[Answer],
    names: Mapping[int, str],
    live: Mapping[tuple[int, int], Scored] | None = None,
) -> dict[str, Any]:
    """The answers as the model gets them: 0-based indices in the model's own order.

    `live`: a live game's quiz.live.Scored by (user, question); each answer then also carries
    its `seconds` (from our send to our receipt) and `points`, and each participant the
    `points` total (optional fields: an `all` quiz sends exactly what it always did)."""
    by_user: dict[int, list[Answer]] = {}
    for a in sorted(answers, key=lambda a: (a.user_id, a.question_index)):
        by_user.setdefault(a.user_id, []).append(a)

    participants: list[dict[str, Any]] = []
    for user_id, user_answers in by_user.items():
        rows: list[dict[str, Any]] = []
        for a in user_answers:
            q = quiz.questions[a.question_index]
            rows.append(
                {
                    "question_index": a.question_index,
                    "choice_index": a.choice_index,
                    "choice_text": q.choices[a.choice_index],
                    "correct": a.choice_index == q.answer_index,
                }
            )
            if live is not None:
                scored = live.get((user_id, a.question_index))
                rows[-1]["seconds"] = None if scored is None else scored.seconds
                rows[-1]["points"] = 0 if scored is None else scored.points
        participant: dict[str, Any] = {
            "user_id": user_id,
            "name": names.get(user_id, "?"),
            "score": sum(1 for r in rows if r["correct"]),
            "answers": rows,
        }
        if live is not None:
            participant["points"] = sum(r["points"] for r in rows)
        participants.append(participant)
    participants.sort(key=lambda p: (-p.get("points", 0), -p["score"], p["user_id"]))

    questions = []
    for i, q in enumerate(quiz.questions):
        chosen = [a.choice_index for u in by_user.values() for a in u if a.question_index == i]
        questions.append(
            {
                "question_index": i,
                "correct_index": q.answer_index,
                "answered": len(chosen),
                "correct_count": sum(1 for c in chosen if c == q.answer_index),
            }
        )
    return {"status": status, "participants": participants, "questions": questions}


def in_model_order(submission: dict[str, Any], model_index: Sequence[int]) -> dict[str, Any]:
    """Question indices as the model numbered them (they differ from ours only when a
    streamed question was left out)."""
    if list(model_index) == list(range(len(model_index))):
        return submission
    for participant in submission["participants"]:
        for answer in participant["answers"]:
            answer["question_index"] = model_index[answer["question_index"]]
    for question in submission["questions"]:
        question["question_index"] = model_index[question["question_index"]]
    return submission


def submission_json(submission: Mapping[str, Any]) -> str:
    return json.dumps(submission, ensure_ascii=False, separators=(",", ":"))


def standings(
    quiz: Quiz, answers: Iterable[Answer], names: Mapping[int, str], started_at: float
) -> list[Standing]:
    """Leaderboard order: score, then less time taken (until the last answer)."""
    acc: dict[int, tuple[int, int, float]] = {}
    for a in answers:
        score, count, last = acc.get(a.user_id, (0, 0, started_at))
        right = a.choice_index == quiz.questions[a.question_index].answer_index
        acc[a.user_id] = (score + right, count + 1, max(last, a.answered_at))
    table = [
        Standing(uid, names.get(uid, "?"), score, count, max(0.0, last - started_at))
        for uid, (score, count, last) in acc.items()
    ]
    table.sort(key=lambda s: (-s.score, s.seconds, s.user_id))
    return table
