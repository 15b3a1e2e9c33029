"""The QuizEngine on OpenAI's Responses API, one conversation per quiz."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

import openai
from openai import AsyncOpenAI, Omit, omit
from openai.types.conversations import Message
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseErrorEvent,
    ResponseFailedEvent,
    ResponseFileSearchToolCall,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionToolCall,
    ResponseFunctionToolCallOutputItem,
    ResponseIncludable,
    ResponseInputParam,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseOutputMessage,
    ResponseOutputText,
    ToolParam,
    response_create_params,
)

from engine.base import (
    EngineRejectedError,
    EngineUnavailableError,
    Feedback,
    NoToolCallError,
    QuestionSink,
    QuizRequest,
    StreamedQuestion,
    ToolCall,
)
from engine.prompts import instructions_for, quiz_request_text
from quiz.feedback import Citation
from quiz.grounding import RetrievedChunk
from quiz.incremental import IncrementalQuiz
from quiz.schema import TOOL_NAME, generate_quiz_tool

log = logging.getLogger(__name__)


@contextlib.contextmanager
def _api_errors() -> Iterator[None]:
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


class OpenAIEngine:
    def __init__(self, client: AsyncOpenAI, model: str) -> None:
        self._client = client
        self._model = model

    async def aclose(self) -> None:
        await self._client.close()

    def _tools(self, request: QuizRequest) -> list[ToolParam]:
        tools: list[ToolParam] = [generate_quiz_tool()]
        if request.vector_store_ids:
            tools.append(
                {"type": "file_search", "vector_store_ids": list(request.vector_store_ids)}
            )
        return tools

    async def _create(
        self,
        conversation_id: str,
        request: QuizRequest,
        items: ResponseInputParam,
        *,
        want_tool: bool,
    ) -> Response:
        tool_choice: response_create_params.ToolChoice | Omit = omit
        if want_tool:
            tool_choice = {"type": "function", "name": TOOL_NAME}
        elif not request.vector_store_ids:
            # Feedback is text; only file_search (for citations) may still be used.
            tool_choice = "none"
        # The retrieved chunks are what the model's source quotes are checked against.
        include: list[ResponseIncludable] | Omit = (
            ["file_search_call.results"] if request.vector_store_ids else omit
        )
        with _api_errors():
            return await self._client.responses.create(
                model=self._model,
                conversation=conversation_id,
                instructions=instructions_for(request.group),
                tools=self._tools(request),
                input=items,
                parallel_tool_calls=False,
                tool_choice=tool_choice,
                include=include,
            )

    @staticmethod
    def _tool_call(
        conversation_id: str, response: Response, earlier: tuple[RetrievedChunk, ...] = ()
    ) -> ToolCall:
        retrieved = earlier + retrieved_chunks(response)
        for item in response.output:
            if isinstance(item, ResponseFunctionToolCall) and item.name == TOOL_NAME:
                return ToolCall(
                    conversation_id, item.call_id, item.arguments, retrieved, tokens_used(response)
                )
        raise NoToolCallError(f"response {response.id} has no {TOOL_NAME} call")

    async def generate(
        self, request: QuizRequest, on_question: QuestionSink | None = None
    ) -> ToolCall:
        with _api_errors():
            conversation = await self._client.conversations.create(metadata={"app": "studyquiz"})
        text = quiz_request_text(
            request.topic, request.num_questions, bool(request.vector_store_ids), request.review_of
        )
        items: ResponseInputParam = [{"role": "user", "content": text}]
        if on_question is None:
            response = await self._create(conversation.id, request, items, want_tool=True)
        else:
            response = await self._stream(conversation.id, request, items, on_question)
        return self._tool_call(conversation.id, response)

    async def _stream(
        self,
        conversation_id: str,
        request: QuizRequest,
        items: ResponseInputParam,
        on_question: QuestionSink,
    ) -> Response:
        """The same request, streamed: questions go out as their JSON objects complete."""
        parser = IncrementalQuiz()
        retrieved: tuple[RetrievedChunk, ...] = ()
        call_id = ""
        with _api_errors():
            stream = await self._client.responses.create(
                model=self._model,
                conversation=conversation_id,
                instructions=instructions_for(request.group),
                tools=self._tools(request),
                input=items,
                parallel_tool_calls=False,
                tool_choice={"type": "function", "name": TOOL_NAME},
                include=["file_search_call.results"] if request.vector_store_ids else omit,
                stream=True,
            )
            async with stream:
                async for event in stream:
                    if isinstance(event, ResponseOutputItemDoneEvent) and isinstance(
                        event.item, ResponseFileSearchToolCall
                    ):
                        retrieved += _chunks(event.item)
                    elif isinstance(event, ResponseOutputItemAddedEvent) and isinstance(
                        event.item, ResponseFunctionToolCall
                    ):
                        call_id = event.item.call_id
                    elif isinstance(event, ResponseFunctionCallArgumentsDeltaEvent):
                        first = parser.emitted
                        for offset, raw in enumerate(parser.feed(event.delta)):
                            await on_question(
                                StreamedQuestion(
                                    conversation_id,
                                    call_id,
                                    parser.title,
                                    first + offset,
                                    raw,
                                    retrieved,
                                )
                            )
                    elif isinstance(event, ResponseCompletedEvent):
                        return event.response
                    elif isinstance(event, ResponseFailedEvent | ResponseErrorEvent):
                        raise EngineUnavailableError(f"stream failed: {event.type}")
        raise EngineUnavailableError("the stream ended before the response was complete")

    async def correct(
        self, call: ToolCall, problems: Sequence[str], request: QuizRequest
    ) -> ToolCall:
        output = json.dumps(
            {
                "error": "The quiz was not accepted.",
                "problems": list(problems),
                "instruction": "Call generate_quiz again with the whole corrected quiz.",
            },
            ensure_ascii=False,
        )
        response = await self._create(
            call.conversation_id,
            request,
            [{"type": "function_call_output", "call_id": call.call_id, "output": output}],
            want_tool=True,
        )
        # A corrected quiz may quote what the first turn's search found.
        return self._tool_call(call.conversation_id, response, call.retrieved)

    async def resume_feedback(self, call: ToolCall, request: QuizRequest) -> Feedback | None:
        submitted = False
        answer: list[ResponseOutputText] = []
        with _api_errors():
            async for item in self._client.conversations.items.list(
                call.conversation_id, order="asc", limit=100
            ):
                if isinstance(item, ResponseFunctionToolCallOutputItem) and (
                    item.call_id == call.call_id
                ):
                    submitted, answer = True, []
                elif submitted and isinstance(item, Message) and item.role == "assistant":
                    answer.extend(c for c in item.content if isinstance(c, ResponseOutputText))
        if not submitted:
            return None
        if answer:
            return _feedback(answer)
        # The answers arrived but the model's reply was lost with the old process.
        response = await self._create(
            call.conversation_id,
            request,
            [{"role": "user", "content": "Please write the feedback on the answers above now."}],
            want_tool=False,
        )
        return feedback_from(response)

    async def submit(self, call: ToolCall, output: str, request: QuizRequest) -> Feedback:
        response = await self._create(
            call.conversation_id,
            request,
            [{"type": "function_call_output", "call_id": call.call_id, "output": output}],
            want_tool=False,
        )
        return feedback_from(response)


def retrieved_chunks(response: Response) -> tuple[RetrievedChunk, ...]:
    """The texts file_search returned (present only when include asked for them)."""
    return tuple(
        chunk
        for item in response.output
        if isinstance(item, ResponseFileSearchToolCall)
        for chunk in _chunks(item)
    )


def _chunks(item: ResponseFileSearchToolCall) -> tuple[RetrievedChunk, ...]:
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
    return replace(_feedback_of(response), tokens=tokens_used(response))


def _feedback_of(response: Response) -> Feedback:
    return _feedback(
        content
        for item in response.output
        if isinstance(item, ResponseOutputMessage)
        for content in item.content
        if isinstance(content, ResponseOutputText)
    )


def _feedback(contents: Iterable[ResponseOutputText]) -> Feedback:
    """The texts joined, with file citations re-based onto the joined text."""
    parts: list[str] = []
    citations: list[Citation] = []
    offset = 0
    for content in contents:
        if parts:
            parts.append("\n\n")
            offset += 2
        parts.append(content.text)
        citations.extend(
            Citation(offset + a.index, a.filename)
            for a in content.annotations
            if a.type == "file_citation"
        )
        offset += len(content.text)
    return Feedback("".join(parts), tuple(citations))
