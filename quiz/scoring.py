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


def participant_label(number: int) -> str:
    """The submission's name for the `number`-th person (1-based, by user id) of a quiz."""
    return f"P{number}"


def _answer_rows(
    quiz: Quiz,
    user_id: int,
    answers: Sequence[Answer],
    live: Mapping[tuple[int, int], Scored] | None,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for a in answers:
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
    return rows


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

    # The model gets a label per person, never a Telegram user id: "P1", "P2"… in the order
    # of their ids, so the same quiz gets the same labels every time it is submitted.
    ranked: list[tuple[tuple[int, int, int], dict[str, Any]]] = []
    for number, (user_id, user_answers) in enumerate(by_user.items(), start=1):
        rows = _answer_rows(quiz, user_id, user_answers, live)
        participant: dict[str, Any] = {
            "participant": participant_label(number),
            "name": names.get(user_id, "?"),
            "score": sum(1 for r in rows if r["correct"]),
            "answers": rows,
        }
        if live is not None:
            participant["points"] = sum(r["points"] for r in rows)
        ranked.append(((-participant.get("points", 0), -participant["score"], number), participant))
    participants = [p for _, p in sorted(ranked, key=lambda r: r[0])]

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
