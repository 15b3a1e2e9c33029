"""The Responses API request the engine sends, built in one place, and its errors."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

import openai
from openai import Omit, omit
from openai.types.responses import (
    ResponseIncludable,
    ResponseInputParam,
    ResponseTextConfigParam,
    ToolParam,
    response_create_params,
)
from openai.types.shared_params import Reasoning, ReasoningEffort

from engine.base import EngineRejectedError, EngineUnavailableError, QuizRequest
from engine.prompts import instructions_for
from quiz.schema import TOOL_NAME, generate_quiz_tool

log = logging.getLogger(__name__)

Item = dict[str, Any]
# What the turn asks for: the generate_quiz call forced by name ("tool") or by "required"
# (llama-server refuses the named object but takes the string), the quiz as structured
# output, or the feedback text.
Want = Literal["tool", "required", "structured", "text"]


class CreateArgs(TypedDict):
    """The arguments of responses.create, streamed or not (mypy checks them at the call)."""

    model: str
    conversation: str | Omit
    store: bool | Omit
    instructions: str
    tools: list[ToolParam]
    input: ResponseInputParam
    parallel_tool_calls: bool
    tool_choice: response_create_params.ToolChoice | Omit
    include: list[ResponseIncludable] | Omit
    text: ResponseTextConfigParam | Omit
    reasoning: Reasoning | Omit
    max_output_tokens: int


@dataclass(frozen=True, slots=True)
class Options:
    """Optional knobs of a request; None: not sent."""

    reasoning_effort: ReasoningEffort | None = None
    verbosity: Literal["low", "medium", "high"] | None = None


# max_output_tokens counts reasoning tokens too: room for a low-effort turn's reasoning,
# then per question its text, four choices, explanation and source quote (or, for feedback,
# a few lines on it). A normal quiz never reaches it; a runaway answer stops there instead
# of billing without end.
REASONING_ALLOWANCE = 4_000
_TOKENS_PER_QUESTION: dict[Want, int] = {
    "tool": 800,
    "required": 800,
    "structured": 800,
    "text": 300,
}
# The answer-key solve only picks a choice and a confidence per question.
SOLVE_TOKENS_PER_QUESTION = 100


def output_budget(want: Want, questions: int) -> int:
    """The max_output_tokens of one turn about `questions` questions."""
    return REASONING_ALLOWANCE + _TOKENS_PER_QUESTION[want] * max(1, questions)


def solve_budget(questions: int) -> int:
    return REASONING_ALLOWANCE + SOLVE_TOKENS_PER_QUESTION * max(1, questions)


def quiz_format() -> ResponseTextConfigParam:
    """Structured output with the generate_quiz schema (llama.cpp enforces it by grammar)."""
    tool = generate_quiz_tool()
    return {
        "format": {
            "type": "json_schema",
            "name": TOOL_NAME,
            "schema": dict(tool["parameters"] or {}),
            "strict": True,
        }
    }


def create_args(
    model: str,
    request: QuizRequest,
    context: list[Item],
    want: Want,
    *,
    conversation_id: str | None,
    options: Options = Options(),
) -> CreateArgs:
    """`conversation_id` None: the server keeps nothing, `context` is every item so far."""
    tools: list[ToolParam] = [] if want == "structured" else [generate_quiz_tool()]
    if request.vector_store_ids:
        tools.append({"type": "file_search", "vector_store_ids": list(request.vector_store_ids)})
    tool_choice: response_create_params.ToolChoice | Omit = omit
    if want == "tool":
        tool_choice = {"type": "function", "name": TOOL_NAME}
    elif want == "required":
        tool_choice = "required"
    elif not request.vector_store_ids:
        # Feedback is text; only file_search (for citations) may still be used.
        tool_choice = "none"
    # The retrieved chunks are what the model's source quotes are checked against.
    include: list[ResponseIncludable] = (
        ["file_search_call.results"] if request.vector_store_ids else []
    )
    if conversation_id is None:
        # Without stored state, reasoning can only go on if it travels with the items.
        include.append("reasoning.encrypted_content")
    text: ResponseTextConfigParam = quiz_format() if want == "structured" else {}
    if options.verbosity is not None:
        text["verbosity"] = options.verbosity
    return {
        "model": model,
        "conversation": omit if conversation_id is None else conversation_id,
        "store": False if conversation_id is None else omit,
        "instructions": instructions_for(request.group, review=bool(request.review_of)),
        "tools": tools,
        # The items are the API's own shapes, kept as JSON (stored or just built).
        "input": context,  # type: ignore[typeddict-item]
        "parallel_tool_calls": False,
        "tool_choice": tool_choice,
        "include": include or omit,
        "text": text or omit,
        "reasoning": (
            omit if options.reasoning_effort is None else {"effort": options.reasoning_effort}
        ),
        "max_output_tokens": output_budget(want, len(request.review_of) or request.num_questions),
    }


# Reasoning models (gpt-5 and the o-series, per the spec's Reasoning object) get the default
# effort; others only when OPENAI_REASONING_EFFORT says so.
_REASONING_MODEL = re.compile(r"^(gpt-5|o\d)")
# A quick quiz needs little deliberation, and every reasoning model takes "low" (not all
# take "minimal" or "none"): the first question comes sooner.
DEFAULT_EFFORT: ReasoningEffort = "low"


def options_for(model: str, effort: str | None, verbosity: str | None) -> Options:
    """The settings as request options: `effort` None is the default for reasoning models."""
    chosen: str | None = effort
    if effort is None:
        chosen = DEFAULT_EFFORT if _REASONING_MODEL.match(model) else None
    elif effort == "off":
        chosen = None
    return Options(
        reasoning_effort=chosen,  # type: ignore[arg-type]  # checked against the spec's enum
        verbosity=verbosity,  # type: ignore[arg-type]
    )


def refused_option(exc: BaseException) -> str | None:
    """ "reasoning" or "verbosity" when a 400 names that option (the server or model lacks it)."""
    cause = exc.__cause__
    if not isinstance(cause, openai.BadRequestError):
        return None
    named = f"{cause.param or ''} {cause.message}".lower()
    return next((o for o in ("reasoning", "verbosity") if o in named), None)


@contextlib.contextmanager
def api_errors() -> Iterator[None]:
    """The SDK's errors (after its own retries) as the engine's: transient or refused."""
    try:
        yield
    except (openai.APITimeoutError, openai.APIConnectionError) as exc:
        raise EngineUnavailableError(type(exc).__name__) from exc
    except (openai.RateLimitError, openai.InternalServerError) as exc:
        raise EngineUnavailableError(f"HTTP {exc.status_code}") from exc
    except openai.APIStatusError as exc:
        log.warning(
            "OpenAI refused a request: HTTP %s, request id %s", exc.status_code, exc.request_id
        )
        raise EngineRejectedError(f"HTTP {exc.status_code}", exc.request_id) from exc
