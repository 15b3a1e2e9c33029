"""Doubles for lifecycle unit tests: a Presenter that records, an engine that follows a script.

They stand at the lifecycle's two ports (what it shows, what it asks the model), so its rules
run against a real in-memory SQLite without any server."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot

from engine import QuizRequest, ToolCall
from engine.base import (
    Feedback,
    QuestionSink,
    Solve,
    Solved,
    SolveQuestion,
    StreamedQuestion,
    TextSink,
    Transcript,
)
from services.context import Services
from services.quiz.presenter import Posted
from services.quiz.telegram_presenter import TelegramPresenter
from services.wiring import Features, compose
from storage import QuizRow, StoredQuestion


@dataclass
class RecordingPresenter:
    """Records every call as (method, details); message ids count up from 100."""

    members: int | None = None
    admins: set[int] = field(default_factory=set)
    calls: list[tuple[str, Any]] = field(default_factory=list)
    drafts_accepted: bool = True
    _next_id: int = 100

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id

    def named(self, method: str) -> list[Any]:
        return [details for name, details in self.calls if name == method]

    def typing(self, quiz: QuizRow) -> AbstractAsyncContextManager[None]:
        @asynccontextmanager
        async def typing() -> AsyncIterator[None]:
            self.calls.append(("typing", quiz.id))
            yield

        return typing()

    async def status(self, quiz: QuizRow, html: str) -> int:
        self.calls.append(("status", html))
        return self._id()

    async def header(
        self, quiz: QuizRow, html: str, *, status_message_id: int | None, finish_button: bool
    ) -> None:
        self.calls.append(("header", (html, status_message_id, finish_button)))

    async def update_header(
        self, quiz: QuizRow, html: str, status_message_id: int, finish_button: bool
    ) -> None:
        self.calls.append(("update_header", (html, finish_button)))

    async def question(
        self, quiz: QuizRow, sq: StoredQuestion, total: int, close_date: int | None
    ) -> Posted:
        self.calls.append(("question", (sq.index, total, close_date)))
        poll = sq.style == "poll"
        return Posted(self._id(), f"poll-{quiz.id}-{sq.index}" if poll else None, close_date)

    async def live_question(
        self, quiz: QuizRow, sq: StoredQuestion, total: int, seconds: int
    ) -> Posted:
        self.calls.append(("live_question", (sq.index, total, seconds)))
        poll = sq.style == "poll"
        return Posted(self._id(), f"poll-{quiz.id}-{sq.index}" if poll else None, None)

    async def standings(self, quiz: QuizRow, html: str, message_id: int | None) -> int:
        self.calls.append(("standings", (html, message_id)))
        return message_id or self._id()

    async def podium(self, quiz: QuizRow, html: str) -> None:
        self.calls.append(("podium", html))

    async def remove_finish_button(self, quiz: QuizRow) -> None:
        self.calls.append(("remove_finish_button", quiz.id))

    async def stop_poll(self, quiz: QuizRow, sq: StoredQuestion) -> None:
        self.calls.append(("stop_poll", sq.index))

    async def reveal(self, quiz: QuizRow, sq: StoredQuestion, total: int, answered: int) -> None:
        self.calls.append(("reveal", (sq.index, answered)))

    async def results(self, quiz: QuizRow, html: str) -> None:
        self.calls.append(("results", html))

    async def feedback(
        self, quiz: QuizRow, chunks: Sequence[str], buttons: Sequence[tuple[str, str]] = ()
    ) -> None:
        self.calls.append(("feedback", list(chunks)))

    async def draft(self, quiz: QuizRow, draft_id: int, text: str) -> bool:
        self.calls.append(("draft", (draft_id, text)))
        return self.drafts_accepted

    async def notice(self, quiz: QuizRow, key: str, **values: Any) -> None:
        self.calls.append(("notice", (key, values)))

    async def review_offer(
        self, quiz: QuizRow, text: str, button: str, *, in_private: bool
    ) -> None:
        self.calls.append(("review_offer", (text, in_private)))

    async def member_count(self, chat_id: int) -> int | None:
        return self.members

    async def is_admin(self, chat_id: int, user_id: int) -> bool:
        return user_id in self.admins


@dataclass
class ScriptedEngine:
    """Writes `args` (a generate_quiz call), streaming each question when asked to; the raw
    questions in `stream` replace them while streaming (to stream a malformed one), and a
    correction writes `corrected` (default: `args` again)."""

    args: dict[str, Any]
    stream: list[dict[str, Any]] | None = None
    corrected: dict[str, Any] | None = None
    feedback_text: str = "Well done."
    submitted: list[str] = field(default_factory=list)

    async def generate(
        self, request: QuizRequest, on_question: QuestionSink | None = None
    ) -> ToolCall:
        if on_question is not None:
            for index, raw in enumerate(self.stream or self.args["questions"]):
                await on_question(
                    StreamedQuestion("conv", "call", self.args["title"], index, raw, ())
                )
        return ToolCall("conv", "call", json.dumps(self.args))

    async def correct(
        self, call: ToolCall, problems: Sequence[str], request: QuizRequest
    ) -> ToolCall:
        return ToolCall("conv", "call-2", json.dumps(self.corrected or self.args))

    async def submit(
        self, call: ToolCall, output: str, request: QuizRequest, on_text: TextSink | None = None
    ) -> Feedback:
        self.submitted.append(output)
        if on_text is not None:
            # As a stream would: the text so far, a few characters more each time.
            for end in range(1, len(self.feedback_text) + 1, 7):
                await on_text(self.feedback_text[:end])
            await on_text(self.feedback_text)
        return Feedback(self.feedback_text)

    async def resume_feedback(
        self, call: ToolCall, request: QuizRequest, on_text: TextSink | None = None
    ) -> Feedback | None:
        return None

    async def seed(self, items: Sequence[dict[str, Any]]) -> str:
        return "conv-seeded"

    async def solve(self, questions: Sequence[SolveQuestion], request: QuizRequest) -> Solve:
        """Agrees with every key it wrote: issue 19's checks pass."""
        keys: dict[str, str] = {}
        for written in (self.args, self.corrected or {}):
            for q in written.get("questions", []):
                with contextlib.suppress(KeyError, IndexError, TypeError):
                    keys[str(q["question_text"]).strip()] = str(q["choices"][q["answer_index"]])
        answers = []
        for asked in questions:
            key = keys.get(asked.text)
            choice = next((i for i, c in enumerate(asked.choices) if key and key.endswith(c)), None)
            answers.append(None if choice is None else Solved(choice, 0.95))
        return Solve(tuple(answers))

    async def transcribe(
        self, image: bytes, media_type: str, chat_id: int, user_id: int
    ) -> Transcript:
        raise AssertionError("no photos in these tests")

    async def aclose(self) -> None:
        return None


def features(svc: Services, ui: RecordingPresenter) -> Features:
    """Every feature as the composition root builds it, the quiz stages showing chats
    through `ui`. The other features' own messages would go to a bot no test here runs
    (none of these tests sends one: an unreachable server would fail the test)."""
    return compose(svc, TelegramPresenter(Bot("1:unused")), stages_ui=ui)
