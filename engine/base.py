"""What the bot needs from a model, and how that can fail."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from quiz.feedback import Citation
from quiz.grounding import RetrievedChunk


@dataclass(frozen=True, slots=True)
class SolveQuestion:
    """A question as the solver sees it: choices in the order they will be shown, no key."""

    text: str
    choices: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Solved:
    choice: int  # into SolveQuestion.choices
    confidence: float


@dataclass(frozen=True, slots=True)
class Solve:
    # One per question asked, in order; None where the solver gave no usable answer.
    answers: tuple[Solved | None, ...]
    tokens: int = 0


@dataclass(frozen=True, slots=True)
class Transcript:
    text: str  # '' when the picture shows no text
    tokens: int = 0


@dataclass(frozen=True, slots=True)
class ReviewCard:
    """A card a review quiz re-tests: the model writes a new question on the same fact."""

    question: str
    answer: str
    explanation: str
    source_quote: str | None = None


@dataclass(frozen=True, slots=True)
class QuizRequest:
    topic: str
    num_questions: int
    vector_store_ids: tuple[str, ...] = ()
    # Feedback then speaks to a group rather than to one person.
    group: bool = False
    # Who the tokens are counted against (quotas); never sent to the model.
    chat_id: int | None = None
    user_id: int | None = None
    # A review quiz: exactly one fresh variant per card, in this order.
    review_of: tuple[ReviewCard, ...] = ()
    # The language the quiz must be in, as an ISO 639-1 code, when known.
    language: str | None = None
    # Local document search: the chunks of the chat's documents the quiz is written from
    # (sent in the request itself, and what its source quotes are checked against).
    passages: tuple[RetrievedChunk, ...] = ()


@dataclass(frozen=True, slots=True)
class ToolCall:
    conversation_id: str
    call_id: str
    arguments: str
    # What file_search returned in the turns that led to this call (for quote checks).
    retrieved: tuple[RetrievedChunk, ...] = ()
    # Tokens the response(s) behind this call used (the API's `usage`).
    tokens: int = 0


@dataclass(frozen=True, slots=True)
class Feedback:
    text: str
    citations: tuple[Citation, ...] = field(default_factory=tuple)
    tokens: int = 0


@dataclass(frozen=True, slots=True)
class StreamedQuestion:
    """One question whose JSON object just completed in the streamed tool call."""

    conversation_id: str
    call_id: str
    title: str | None  # once the model has written it
    index: int  # in the model's call
    raw: dict[str, Any]
    retrieved: tuple[RetrievedChunk, ...]  # what file_search returned before the call


# Awaited before the stream is read further.
QuestionSink = Callable[[StreamedQuestion], Awaitable[None]]
# Gets the feedback's text so far at each streamed delta; awaited like a QuestionSink.
TextSink = Callable[[str], Awaitable[None]]


class EngineError(Exception):
    """The model could not do what was asked; the message is for logs, not users."""


class EngineUnavailableError(EngineError):
    """Timeouts, connection errors, 429/5xx after the SDK's own retries."""


class EngineRejectedError(EngineError):
    """The API refused the request (4xx other than 429)."""

    def __init__(self, message: str, request_id: str | None) -> None:
        super().__init__(f"{message} (request id {request_id})")
        self.request_id = request_id


class NoToolCallError(EngineError):
    """The model answered without calling generate_quiz."""


class QuizEngine(Protocol):
    async def generate(
        self, request: QuizRequest, on_question: QuestionSink | None = None
    ) -> ToolCall:
        """Start a conversation and get the model's generate_quiz call.

        With `on_question`, each question is handed over as soon as the streamed arguments
        contain it whole (the complete call is still returned at the end)."""
        ...

    async def correct(
        self, call: ToolCall, problems: Sequence[str], request: QuizRequest
    ) -> ToolCall:
        """Answer an invalid call with what was wrong and get a corrected call."""
        ...

    async def submit(
        self, call: ToolCall, output: str, request: QuizRequest, on_text: TextSink | None = None
    ) -> Feedback:
        """Hand the answers back as the function's output and get the feedback.

        With `on_text`, the text written so far is handed over at each streamed delta (the
        whole feedback is still returned at the end)."""
        ...

    async def resume_feedback(
        self, call: ToolCall, request: QuizRequest, on_text: TextSink | None = None
    ) -> Feedback | None:
        """After a crash mid-submission: the feedback if the answers already reached the
        model (asking for it if the model never wrote it), None if they never arrived."""
        ...

    async def seed(self, items: Sequence[dict[str, Any]]) -> str:
        """A new thread whose context is `items` (a stored quiz's request and its call, for a
        quiz played again without writing it anew); its conversation id."""
        ...

    async def solve(self, questions: Sequence[SolveQuestion], request: QuizRequest) -> Solve:
        """Answer `questions` (choices as shown, no keys) in a separate one-shot call."""
        ...

    async def transcribe(
        self, image: bytes, media_type: str, chat_id: int, user_id: int
    ) -> Transcript:
        """The text a photo of study material shows (ImageInputUnsupportedError without
        image input); `chat_id` and `user_id` only say whose tokens these are."""
        ...

    async def aclose(self) -> None: ...
