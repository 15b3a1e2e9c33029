"""What the engine takes out of a finished response: the quiz call, the feedback, the
chunks file_search retrieved and the tokens used."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from openai.types.responses import (
    Response,
    ResponseFileSearchToolCall,
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseOutputText,
)

from engine.base import Feedback, NoToolCallError, ToolCall
from quiz.feedback import Citation
from quiz.grounding import RetrievedChunk
from quiz.schema import TOOL_NAME


def tool_call(
    conversation_id: str, response: Response, earlier: tuple[RetrievedChunk, ...] = ()
) -> ToolCall:
    retrieved = earlier + retrieved_chunks(response)
    for item in response.output:
        if isinstance(item, ResponseFunctionToolCall) and item.name == TOOL_NAME:
            return ToolCall(
                conversation_id, item.call_id, item.arguments, retrieved, tokens_used(response)
            )
    raise NoToolCallError(f"response {response.id} has no {TOOL_NAME} call")


def retrieved_chunks(response: Response) -> tuple[RetrievedChunk, ...]:
    """The texts file_search returned (present only when include asked for them)."""
    return tuple(
        chunk
        for item in response.output
        if isinstance(item, ResponseFileSearchToolCall)
        for chunk in chunks(item)
    )


def chunks(item: ResponseFileSearchToolCall) -> tuple[RetrievedChunk, ...]:
    return tuple(
        RetrievedChunk(result.filename or "", result.text)
        for result in item.results or ()
        if result.text
    )


def tokens_used(response: Response) -> int:
    """What the response counts against quotas: input plus output tokens."""
    return response.usage.total_tokens if response.usage is not None else 0


def feedback_from(response: Response) -> Feedback:
    """The feedback text with its citations, and the tokens the response used."""
    return replace(
        feedback_of(
            content
            for item in response.output
            if isinstance(item, ResponseOutputMessage)
            for content in item.content
            if isinstance(content, ResponseOutputText)
        ),
        tokens=tokens_used(response),
    )


def feedback_of(contents: Iterable[ResponseOutputText]) -> Feedback:
    """The texts joined, with file citations re-based onto the joined text."""
    parts: list[str] = []
    citations: list[Citation] = []
    offset = 0
    for content in contents:
        if parts:
            parts.append(PART_SEPARATOR)
            offset += len(PART_SEPARATOR)
        parts.append(content.text)
        citations.extend(
            Citation(offset + a.index, a.filename)
            for a in content.annotations
            if a.type == "file_citation"
        )
        offset += len(content.text)
    return Feedback("".join(parts), tuple(citations))


# Between the texts of a response's messages (and of a streamed feedback's parts).
PART_SEPARATOR = "\n\n"
