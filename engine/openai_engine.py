"""The QuizEngine on OpenAI's Responses API, one conversation per quiz.

Two ways to keep a quiz's context, chosen per process (OPENAI_STATE):
- conversation: the server keeps it (the Conversations API), each request sends the new items;
- stateless: the bot keeps the items itself (an ItemStore) and every request sends them all
  with `store: false`, for servers that have nothing but /v1/responses (llama.cpp, Ollama,
  vLLM, LM Studio). Such a quiz's conversation id is a local key, "local:<uuid>", so the
  lifecycle stores and hands back ids as before and never sees the difference.

A server that ignores a forced tool_choice gets asked once more for the quiz as structured
output (text.format = the quiz's JSON schema); that quiz's call id starts with "text:" and
its answers go back as the next user turn, as there is no function call to pair them with.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Any, Final, Literal, Protocol

import openai
from openai import AsyncOpenAI, Omit, omit
from openai.types.conversations import Message
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseCreatedEvent,
    ResponseErrorEvent,
    ResponseFailedEvent,
    ResponseFileSearchToolCall,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionToolCall,
    ResponseIncludable,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseOutputMessage,
    ResponseOutputText,
    ResponseTextConfigParam,
    ResponseTextDeltaEvent,
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

State = Literal["auto", "conversation", "stateless"]
STATES: Final = ("auto", "conversation", "stateless")
LOCAL_PREFIX: Final = "local:"
STRUCTURED_PREFIX: Final = "text:"
# What a server without the Conversations API answers to POST /v1/conversations.
NO_CONVERSATIONS: Final = frozenset({404, 405, 501})

Item = dict[str, Any]
Want = Literal["tool", "structured", "text"]

ASK_STRUCTURED = (
    "Write the whole quiz now as one JSON object in the required format (the same fields as "
    "the generate_quiz function), with no other text."
)
ANSWERS_INTRO = "The quiz's results (the generate_quiz output), as JSON:\n"
ASK_FEEDBACK = "Please write the feedback on the answers above now."


class ItemStore(Protocol):
    """Where a stateless quiz's items are kept (storage.items.ItemStore)."""

    async def items(self, key: str) -> list[Item]: ...

    async def append(self, key: str, items: Sequence[Item]) -> None: ...


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


def is_local(conversation_id: str) -> bool:
    return conversation_id.startswith(LOCAL_PREFIX)


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
    def __init__(
        self,
        client: AsyncOpenAI,
        model: str,
        *,
        state: State = "auto",
        items: ItemStore | None = None,
    ) -> None:
        if state != "conversation" and items is None:
            raise ValueError("stateless quizzes need an item store")
        self._client = client
        self._model = model
        self._state: State = state
        self._items = items
        self._deciding = asyncio.Lock()

    @property
    def state(self) -> State:
        """The way context is kept; "auto" until the first quiz has found out."""
        return self._state

    async def aclose(self) -> None:
        await self._client.close()

    def _tools(self, request: QuizRequest, want: Want) -> list[ToolParam]:
        tools: list[ToolParam] = [] if want == "structured" else [generate_quiz_tool()]
        if request.vector_store_ids:
            tools.append(
                {"type": "file_search", "vector_store_ids": list(request.vector_store_ids)}
            )
        return tools

    async def _start(self) -> str:
        """A new conversation, or a local key where the server keeps no state."""
        if self._state == "auto":
            # Only the first quizzes wait here, while the server is being found out.
            async with self._deciding:
                if self._state == "auto":
                    return await self._probe()
        if self._state == "conversation":
            with _api_errors():
                conversation = await self._client.conversations.create(
                    metadata={"app": "studyquiz"}
                )
            return conversation.id
        return f"{LOCAL_PREFIX}{uuid.uuid4().hex}"

    async def _probe(self) -> str:
        """The first conversation, deciding the state for the rest of the process."""
        with _api_errors():
            try:
                conversation = await self._client.conversations.create(
                    metadata={"app": "studyquiz"}
                )
            except openai.APIStatusError as exc:
                if exc.status_code not in NO_CONVERSATIONS:
                    raise
                self._state = "stateless"
                log.warning(
                    "The model server has no Conversations API (HTTP %s): quizzes keep their "
                    "context in the bot's database from now on (OPENAI_STATE)",
                    exc.status_code,
                )
                return f"{LOCAL_PREFIX}{uuid.uuid4().hex}"
        self._state = "conversation"
        log.info("The model server keeps conversations (OPENAI_STATE)")
        return conversation.id

    async def _context(self, conversation_id: str, items: Sequence[Item]) -> list[Item]:
        """What the request's input must hold: the new items, after all earlier ones when
        the server keeps nothing."""
        if not is_local(conversation_id):
            return list(items)
        assert self._items is not None
        return [*await self._items.items(conversation_id), *items]

    async def _keep(self, conversation_id: str, items: Sequence[Item], response: Response) -> None:
        """A stateless turn is kept whole once answered: its input and the output as
        returned (function calls with their call_id, reasoning with its encrypted content)."""
        if is_local(conversation_id):
            assert self._items is not None
            output = [o.model_dump(mode="json", exclude_none=True) for o in response.output]
            await self._items.append(conversation_id, [*items, *output])

    def _params(
        self, conversation_id: str, request: QuizRequest, context: list[Item], want: Want
    ) -> dict[str, Any]:
        tool_choice: response_create_params.ToolChoice | Omit = omit
        if want == "tool":
            tool_choice = {"type": "function", "name": TOOL_NAME}
        elif not request.vector_store_ids:
            # Feedback is text; only file_search (for citations) may still be used.
            tool_choice = "none"
        # The retrieved chunks are what the model's source quotes are checked against.
        include: list[ResponseIncludable] = (
            ["file_search_call.results"] if request.vector_store_ids else []
        )
        local = is_local(conversation_id)
        if local:
            # Without stored state, reasoning can only go on if it travels with the items.
            include.append("reasoning.encrypted_content")
        return {
            "model": self._model,
            "conversation": omit if local else conversation_id,
            "store": False if local else omit,
            "instructions": instructions_for(request.group),
            "tools": self._tools(request, want),
            "input": context,
            "parallel_tool_calls": False,
            "tool_choice": tool_choice,
            "include": include or omit,
            "text": quiz_format() if want == "structured" else omit,
        }

    async def _create(
        self, conversation_id: str, request: QuizRequest, items: list[Item], *, want: Want
    ) -> Response:
        context = await self._context(conversation_id, items)
        params = self._params(conversation_id, request, context, want)
        with _api_errors():
            response: Response = await self._client.responses.create(**params)
        await self._keep(conversation_id, items, response)
        return response

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

    @staticmethod
    def _structured_call(
        conversation_id: str, response: Response, earlier: tuple[RetrievedChunk, ...] = ()
    ) -> ToolCall:
        text = response.output_text.strip()
        if not text:
            raise NoToolCallError(f"response {response.id} wrote no quiz")
        return ToolCall(
            conversation_id,
            f"{STRUCTURED_PREFIX}{response.id}",
            text,
            earlier + retrieved_chunks(response),
            tokens_used(response),
        )

    async def _quiz(
        self,
        conversation_id: str,
        request: QuizRequest,
        items: list[Item],
        on_question: QuestionSink | None,
        earlier: tuple[RetrievedChunk, ...] = (),
        tokens: int = 0,
    ) -> ToolCall:
        """The quiz as a forced tool call, or (where the server ignored the force and the
        model wrote text) asked for once more as structured output."""
        if on_question is None:
            response = await self._create(conversation_id, request, items, want="tool")
        else:
            response = await self._stream(conversation_id, request, items, on_question, "tool")
        try:
            call = self._tool_call(conversation_id, response, earlier)
            return replace(call, tokens=call.tokens + tokens)
        except NoToolCallError:
            log.warning(
                "The model answered without calling %s (the server may ignore a forced "
                "tool_choice): asking for the quiz as structured output",
                TOOL_NAME,
            )
        ask: list[Item] = [{"role": "user", "content": ASK_STRUCTURED}]
        return await self._structured(
            conversation_id,
            request,
            ask,
            on_question,
            earlier + retrieved_chunks(response),
            tokens + tokens_used(response),
        )

    async def _structured(
        self,
        conversation_id: str,
        request: QuizRequest,
        items: list[Item],
        on_question: QuestionSink | None,
        earlier: tuple[RetrievedChunk, ...],
        tokens: int,
    ) -> ToolCall:
        if on_question is None:
            response = await self._create(conversation_id, request, items, want="structured")
        else:
            response = await self._stream(
                conversation_id, request, items, on_question, "structured"
            )
        call = self._structured_call(conversation_id, response, earlier)
        return replace(call, tokens=call.tokens + tokens)

    async def generate(
        self, request: QuizRequest, on_question: QuestionSink | None = None
    ) -> ToolCall:
        conversation_id = await self._start()
        text = quiz_request_text(
            request.topic, request.num_questions, bool(request.vector_store_ids)
        )
        return await self._quiz(
            conversation_id, request, [{"role": "user", "content": text}], on_question
        )

    async def _stream(
        self,
        conversation_id: str,
        request: QuizRequest,
        items: list[Item],
        on_question: QuestionSink,
        want: Want,
    ) -> Response:
        """The same request, streamed: questions go out as their JSON objects complete
        (in the tool call's arguments, or in the text when it is structured output)."""
        parser = IncrementalQuiz()
        retrieved: tuple[RetrievedChunk, ...] = ()
        call_id = ""
        context = await self._context(conversation_id, items)
        params = self._params(conversation_id, request, context, want)
        with _api_errors():
            stream = await self._client.responses.create(**params, stream=True)
            async with stream:
                async for event in stream:
                    delta: str | None = None
                    if isinstance(event, ResponseOutputItemDoneEvent) and isinstance(
                        event.item, ResponseFileSearchToolCall
                    ):
                        retrieved += _chunks(event.item)
                    elif isinstance(event, ResponseOutputItemAddedEvent) and isinstance(
                        event.item, ResponseFunctionToolCall
                    ):
                        call_id = event.item.call_id
                    elif isinstance(event, ResponseFunctionCallArgumentsDeltaEvent) or (
                        isinstance(event, ResponseTextDeltaEvent) and want == "structured"
                    ):
                        delta = event.delta
                    elif isinstance(event, ResponseCompletedEvent):
                        await self._keep(conversation_id, items, event.response)
                        return event.response
                    elif isinstance(event, ResponseFailedEvent | ResponseErrorEvent):
                        raise EngineUnavailableError(f"stream failed: {event.type}")
                    elif isinstance(event, ResponseCreatedEvent) and want == "structured":
                        # response.created: the structured quiz's call id is its response's.
                        call_id = f"{STRUCTURED_PREFIX}{event.response.id}"
                    if delta is None:
                        continue
                    first = parser.emitted
                    for offset, raw in enumerate(parser.feed(delta)):
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
        raise EngineUnavailableError("the stream ended before the response was complete")

    async def correct(
        self, call: ToolCall, problems: Sequence[str], request: QuizRequest
    ) -> ToolCall:
        complaint = {"error": "The quiz was not accepted.", "problems": list(problems)}
        if call.call_id.startswith(STRUCTURED_PREFIX):
            complaint["instruction"] = "Write the whole corrected quiz again as JSON."
            text = json.dumps(complaint, ensure_ascii=False)
            # A corrected quiz may quote what the first turn's search found.
            return await self._structured(
                call.conversation_id,
                request,
                [{"role": "user", "content": text}],
                None,
                call.retrieved,
                0,
            )
        complaint["instruction"] = "Call generate_quiz again with the whole corrected quiz."
        output = json.dumps(complaint, ensure_ascii=False)
        return await self._quiz(
            call.conversation_id,
            request,
            [{"type": "function_call_output", "call_id": call.call_id, "output": output}],
            None,
            call.retrieved,
        )

    @staticmethod
    def _answers(call: ToolCall, output: str) -> Item:
        """The answers as the function's output, or as a user turn after a structured quiz."""
        if call.call_id.startswith(STRUCTURED_PREFIX):
            return {"role": "user", "content": ANSWERS_INTRO + output}
        return {"type": "function_call_output", "call_id": call.call_id, "output": output}

    async def resume_feedback(self, call: ToolCall, request: QuizRequest) -> Feedback | None:
        submitted = False
        answer: list[ResponseOutputText] = []
        structured = call.call_id.startswith(STRUCTURED_PREFIX)
        if is_local(call.conversation_id):
            assert self._items is not None
            for raw in await self._items.items(call.conversation_id):
                if _is_answers(raw, call.call_id, structured):
                    submitted, answer = True, []
                elif submitted and raw.get("type") == "message" and raw.get("role") == "assistant":
                    answer.extend(
                        ResponseOutputText.model_validate(c)
                        for c in raw.get("content") or []
                        if c.get("type") == "output_text"
                    )
        else:
            with _api_errors():
                async for item in self._client.conversations.items.list(
                    call.conversation_id, order="asc", limit=100
                ):
                    if _is_answers(item.model_dump(), call.call_id, structured):
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
            [{"role": "user", "content": ASK_FEEDBACK}],
            want="text",
        )
        return feedback_from(response)

    async def submit(self, call: ToolCall, output: str, request: QuizRequest) -> Feedback:
        response = await self._create(
            call.conversation_id, request, [self._answers(call, output)], want="text"
        )
        return feedback_from(response)


def _is_answers(item: Item, call_id: str, structured: bool) -> bool:
    """Whether a stored item is the answers to the quiz `call_id`."""
    if not structured:
        return item.get("type") == "function_call_output" and item.get("call_id") == call_id
    if item.get("role") != "user":
        return False
    content = item.get("content")
    if isinstance(content, str):
        return content.startswith(ANSWERS_INTRO)
    return any(
        isinstance(part, dict) and str(part.get("text", "")).startswith(ANSWERS_INTRO)
        for part in content or []
    )


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
