"""Reading a streamed response: what the lifecycle gets while the model is still writing.

Questions go out as their JSON objects complete (in the tool call's arguments, or in the
text when the quiz is structured output); the feedback goes out as its text grows. A
streamed response also times out per read rather than as a whole, so a slow (CPU) server
writing a long answer is not cut off while it is still sending.
"""

from __future__ import annotations

from typing import Protocol

from openai import AsyncOpenAI
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseCreatedEvent,
    ResponseErrorEvent,
    ResponseFailedEvent,
    ResponseFileSearchToolCall,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionToolCall,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseStreamEvent,
    ResponseTextDeltaEvent,
)

from engine.api import CreateArgs, api_errors
from engine.base import EngineUnavailableError, QuestionSink, StreamedQuestion, TextSink
from engine.fallback import STRUCTURED_PREFIX
from engine.results import PART_SEPARATOR, chunks
from quiz.grounding import RetrievedChunk
from quiz.incremental import IncrementalQuiz


class Reader(Protocol):
    """Gets each event of one streamed response, before the stream is read further."""

    async def event(self, event: ResponseStreamEvent) -> None: ...


class QuestionReader:
    def __init__(self, conversation_id: str, structured: bool, sink: QuestionSink) -> None:
        self._conversation_id = conversation_id
        self._structured = structured
        self._sink = sink
        self._parser = IncrementalQuiz()
        self._retrieved: tuple[RetrievedChunk, ...] = ()
        self._call_id = ""

    async def event(self, event: ResponseStreamEvent) -> None:
        delta: str | None = None
        if isinstance(event, ResponseOutputItemDoneEvent) and isinstance(
            event.item, ResponseFileSearchToolCall
        ):
            self._retrieved += chunks(event.item)
        elif isinstance(event, ResponseOutputItemAddedEvent) and isinstance(
            event.item, ResponseFunctionToolCall
        ):
            self._call_id = event.item.call_id
        elif isinstance(event, ResponseFunctionCallArgumentsDeltaEvent) or (
            isinstance(event, ResponseTextDeltaEvent) and self._structured
        ):
            delta = event.delta
        elif isinstance(event, ResponseCreatedEvent) and self._structured:
            # response.created: the structured quiz's call id is its response's.
            self._call_id = f"{STRUCTURED_PREFIX}{event.response.id}"
        if delta is None:
            return
        parser = self._parser
        first = parser.emitted
        for offset, raw in enumerate(parser.feed(delta)):
            await self._sink(
                StreamedQuestion(
                    self._conversation_id,
                    self._call_id,
                    parser.title,
                    first + offset,
                    raw,
                    self._retrieved,
                )
            )


class TextReader:
    """The feedback's text so far, at each delta (joined like engine.results.feedback_of)."""

    def __init__(self, sink: TextSink | None) -> None:
        self._sink = sink
        self._text = ""
        self._part: tuple[int, int] | None = None

    async def event(self, event: ResponseStreamEvent) -> None:
        if not isinstance(event, ResponseTextDeltaEvent):
            return
        part = (event.output_index, event.content_index)
        if self._part is not None and part != self._part:
            self._text += PART_SEPARATOR
        self._part = part
        self._text += event.delta
        if self._sink is not None and event.delta:
            await self._sink(self._text)


class Streaming:
    def __init__(self, client: AsyncOpenAI) -> None:
        self._client = client

    async def response(self, args: CreateArgs, reader: Reader) -> Response:
        """The request streamed, each event handed to `reader`; the finished response."""
        with api_errors():
            stream = await self._client.responses.create(**args, stream=True)
            async with stream:
                async for event in stream:
                    if isinstance(event, ResponseCompletedEvent):
                        return event.response
                    if isinstance(event, ResponseFailedEvent | ResponseErrorEvent):
                        raise EngineUnavailableError(f"stream failed: {event.type}")
                    await reader.event(event)
        raise EngineUnavailableError("the stream ended before the response was complete")
