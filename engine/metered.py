"""A QuizEngine that records the tokens each model response used, for quotas and /usage.

Wrapping the engine keeps the quiz lifecycle free of accounting: whatever path talks to the
model (a new quiz, a correction, feedback, recovery after a restart) is counted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from engine.base import (
    Feedback,
    QuestionSink,
    QuizEngine,
    QuizRequest,
    Solve,
    SolveQuestion,
    TextSink,
    ToolCall,
    Transcript,
)
from storage.usage import UsageStore


class MeteredEngine:
    def __init__(self, inner: QuizEngine, store: UsageStore, clock: Callable[[], float]) -> None:
        self._inner = inner
        self._store = store
        self._clock = clock

    async def _record(self, request: QuizRequest, tokens: int) -> None:
        if tokens > 0:
            await self._store.record_usage(request.chat_id, request.user_id, tokens, self._clock())

    async def generate(
        self, request: QuizRequest, on_question: QuestionSink | None = None
    ) -> ToolCall:
        call = await self._inner.generate(request, on_question)
        await self._record(request, call.tokens)
        return call

    async def correct(
        self, call: ToolCall, problems: Sequence[str], request: QuizRequest
    ) -> ToolCall:
        corrected = await self._inner.correct(call, problems, request)
        await self._record(request, corrected.tokens)
        return corrected

    async def submit(
        self, call: ToolCall, output: str, request: QuizRequest, on_text: TextSink | None = None
    ) -> Feedback:
        feedback = await self._inner.submit(call, output, request, on_text)
        await self._record(request, feedback.tokens)
        return feedback

    async def resume_feedback(
        self, call: ToolCall, request: QuizRequest, on_text: TextSink | None = None
    ) -> Feedback | None:
        feedback = await self._inner.resume_feedback(call, request, on_text)
        if feedback is not None:
            await self._record(request, feedback.tokens)
        return feedback

    async def seed(self, items: Sequence[dict[str, Any]]) -> str:
        return await self._inner.seed(items)

    async def solve(self, questions: Sequence[SolveQuestion], request: QuizRequest) -> Solve:
        solved = await self._inner.solve(questions, request)
        await self._record(request, solved.tokens)
        return solved

    async def transcribe(
        self, image: bytes, media_type: str, chat_id: int, user_id: int
    ) -> Transcript:
        read = await self._inner.transcribe(image, media_type, chat_id, user_id)
        if read.tokens > 0:
            await self._store.record_usage(chat_id, user_id, read.tokens, self._clock())
        return read

    async def aclose(self) -> None:
        await self._inner.aclose()
