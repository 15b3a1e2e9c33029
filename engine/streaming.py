"""Reading a streamed response: what the lifecycle gets while the model is still writing.

Questions go out as their JSON objects complete (in the tool call's arguments, or in the
text when the quiz is structured output); the feedback goes out as its text grows. A
streamed response also times out per read rather than as a whole, so a slow (CPU) server
writing a long answer is not cut off while it is still sending.

A server that ignores `stream: true` (and answers plain JSON) is taken at its word: that
answer is used, and the process asks without streaming from then on. A stream cut before
its first event (a proxy that cannot pass SSE through) is a StreamBrokenError, which the
engine answers by asking once more unstreamed where that cannot duplicate the turn.
"""

from __future__ import annotations

import json
import logging
from typing import Protocol

import httpx2
import openai
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
    ResponseIncompleteEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseStreamEvent,
    ResponseTextDeltaEvent,
)

from engine.api import CreateArgs, api_errors
from engine.base import EngineUnavailableError, QuestionSink, StreamedQuestion, TextSink
from engine.fallback import STRUCTURED_PREFIX, unguided_question
from engine.results import PART_SEPARATOR, chunks
from quiz.grounding import RetrievedChunk
from quiz.incremental import IncrementalQuiz

log = logging.getLogger(__name__)


class StreamBrokenError(EngineUnavailableError):
    """The connection closed before the stream's first event."""


class Reader(Protocol):
    """Gets each event of one streamed response, before the stream is read further."""

    async def event(self, event: ResponseStreamEvent) -> None: ...


class QuestionReader:
    def __init__(
        self,
        conversation_id: str,
        structured: bool,
        sink: QuestionSink,
        earlier: tuple[RetrievedChunk, ...] = (),
    ) -> None:
        self._conversation_id = conversation_id
        self._structured = structured
        self._sink = sink
        self._parser = IncrementalQuiz()
        # What the quote checks may use besides this response's searches (local passages).
        self._retrieved = earlier
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
            if self._structured:
                raw = unguided_question(raw)
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
        self._ignored = False

    @property
    def usable(self) -> bool:
        """False once the server has shown it ignores `stream: true` (for the process)."""
        return not self._ignored

    async def response(self, args: CreateArgs, reader: Reader) -> Response:
        """The request streamed, each event handed to `reader`; the finished response, or
        StreamBrokenError where it broke before its first event."""
        with api_errors():
            stream = await self._client.responses.create(**args, stream=True)
            async with stream:
                if not _is_event_stream(stream.response):
                    return await self._not_streamed(stream.response)
                seen = False
                try:
                    async for event in stream:
                        seen = True
                        # Incomplete: the model reached max_output_tokens. What it wrote
                        # is kept; the quiz's checks and the feedback take it from there.
                        if isinstance(event, ResponseCompletedEvent | ResponseIncompleteEvent):
                            return event.response
                        if isinstance(event, ResponseFailedEvent | ResponseErrorEvent):
                            raise EngineUnavailableError(f"stream failed: {event.type}")
                        await reader.event(event)
                except openai.APITimeoutError:
                    # A slow server, not a broken stream: asking again would only wait again.
                    raise
                except openai.APIConnectionError as exc:
                    if seen:
                        raise  # cut midway: the turn may be half done, not ours to redo
                    raise StreamBrokenError("the stream broke before its first event") from exc
        raise EngineUnavailableError("the stream ended before the response was complete")

    async def _not_streamed(self, http: httpx2.Response) -> Response:
        if not self._ignored:
            self._ignored = True
            log.warning(
                "The model server ignores stream: true (it answered %s): asking without "
                "streaming from now on (OPENAI_STREAM)",
                http.headers.get("content-type", "no content type"),
            )
        # Built like the SDK builds a plain response: lenient about fields a server adds.
        return Response.construct(**json.loads(await http.aread()))


def _is_event_stream(http: httpx2.Response) -> bool:
    return http.headers.get("content-type", "").startswith("text/event-stream")
