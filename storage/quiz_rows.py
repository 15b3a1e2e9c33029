"""A quiz's row as the stores hand it out, and how a database row becomes one."""

from __future__ import annotations

from dataclasses import dataclass, fields

from quiz.states import QuizMode, QuizState, SubmissionStatus
from storage.database import Row


class QuizAlreadyOpenError(Exception):
    """This chat topic already has a live quiz."""

    def __init__(self, quiz: QuizRow) -> None:
        super().__init__(f"quiz {quiz.id} is {quiz.state}")
        self.quiz = quiz


@dataclass(frozen=True, slots=True)
class QuizRow:
    id: int
    chat_id: int
    thread_id: int
    chat_type: str
    starter_id: int
    topic: str
    num_questions: int
    style: str
    lang: str
    state: QuizState
    status: SubmissionStatus | None
    conversation_id: str | None
    call_id: str | None
    title: str | None
    status_message_id: int | None
    created_at: float
    opened_at: float | None
    deadline: float | None
    member_count: int | None
    writing: bool
    mode: QuizMode = QuizMode.ALL
    # A live game's seconds per question, taken from the chat when it starts.
    live_seconds: int | None = None
    # The live game's one standings message, edited after each question.
    standings_message_id: int | None = None
    # Exam mode (a group's /exam on when it started): poll results hidden until it closes.
    exam: bool = False

    @property
    def is_open(self) -> bool:
        return self.state == QuizState.OPEN

    @property
    def is_live(self) -> bool:
        return self.mode == QuizMode.LIVE


QUIZ_FIELDS = tuple(f.name for f in fields(QuizRow))
QUIZ_COLUMNS = ", ".join(QUIZ_FIELDS)


def quiz_row(row: Row) -> QuizRow:
    values = {name: row[name] for name in QUIZ_FIELDS}
    # State and status come back as plain strings; the row carries them typed.
    values["state"] = QuizState(values["state"])
    values["status"] = None if values["status"] is None else SubmissionStatus(values["status"])
    values["writing"] = bool(values["writing"])
    values["mode"] = QuizMode(values["mode"])
    values["exam"] = bool(values["exam"])
    return QuizRow(**values)
