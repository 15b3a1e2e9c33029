"""The QuizEngine on OpenAI's Responses API, one thread of context per quiz.

The stages live in their own modules: where the context is kept (engine.state), the one
request builder (engine.api), one turn with the model (engine.turns: refused options dropped,
a broken stream asked again), reading a stream (engine.streaming), the structured-output
fallback for servers that ignore a forced tool_choice (engine.fallback) and what is taken
out of a finished response (engine.results).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from openai import AsyncOpenAI
from openai.types.responses import ResponseOutputText

from engine.api import (
    Item,
    Options,
    refused_option,
)
from engine.base import (
    EngineRejectedError,
    Feedback,
    NoToolCallError,
    QuestionSink,
    QuizRequest,
    Solve,
    SolveQuestion,
    TextSink,
    ToolCall,
    Transcript,
)
from engine.fallback import (
    ASK_STRUCTURED,
    answers_item,
    correction_text,
    is_answers,
    is_structured,
    structured_call,
)
from engine.prompts import quiz_request_text
from engine.results import feedback_from, feedback_of, retrieved_chunks, tokens_used, tool_call
from engine.state import ItemStore, State, Thread, Threads
from engine.streaming import QuestionReader, Reader, TextReader
from engine.turns import Turns
from engine.verify import solve
from engine.vision import transcribe
from quiz.grounding import RetrievedChunk
from quiz.schema import TOOL_NAME

log = logging.getLogger(__name__)

ASK_FEEDBACK = "Please write the feedback on the answers above now."
# How a quiz is asked for, in the order they are tried.
Ask = Literal["tool", "required", "structured"]
_ASKS: tuple[Ask, ...] = ("tool", "required", "structured")
# After a turn answered in text where the call was asked for.
ASK_CALL = f"Call {TOOL_NAME} now, with the whole quiz as its arguments."


class OpenAIEngine:
    def __init__(
        self,
        client: AsyncOpenAI,
        model: str,
        *,
        state: State = "auto",
        items: ItemStore | None = None,
        stream: bool = True,
        options: Options = Options(),  # noqa: B008 - frozen, so one shared default is safe
    ) -> None:
        self._client = client
        # Whether the feedback is streamed (the quiz is, when generate gets a sink).
        self._stream = stream
        self._model = model
        self._threads = Threads(client, state, items)
        self._turns = Turns(client, model, options)
        # How a quiz is asked for, found out by the first quiz whose forced call was answered
        # in text: later quizzes ask the way that worked at once (on a CPU an ignored request
        # costs minutes).
        self._ask: Ask = "tool"

    @property
    def state(self) -> State:
        """The way context is kept; "auto" until the first quiz has found out."""
        return self._threads.state

    async def aclose(self) -> None:
        await self._client.close()

    async def seed(self, items: Sequence[Item]) -> str:
        return (await self._threads.create(items)).id

    async def solve(self, questions: Sequence[SolveQuestion], request: QuizRequest) -> Solve:
        """One-shot and unstored, the same whether quizzes keep state or not. With
        the same reasoning effort as the writer (a solve is a short call), and dropped like
        it where the server refuses it."""
        try:
            effort = self._turns.options.reasoning_effort
            return await solve(self._client, self._model, questions, request, effort)
        except EngineRejectedError as exc:
            if refused_option(exc) != "reasoning":
                raise
            self._turns.drop("reasoning")
            return await solve(self._client, self._model, questions, request, None)

    async def transcribe(
        self, image: bytes, media_type: str, chat_id: int, user_id: int
    ) -> Transcript:
        return await transcribe(
            self._client, self._model, image, media_type, self._turns.options.reasoning_effort
        )

    async def _quiz(
        self,
        thread: Thread,
        request: QuizRequest,
        items: list[Item],
        on_question: QuestionSink | None,
        earlier: tuple[RetrievedChunk, ...] = (),
        tokens: int = 0,
    ) -> ToolCall:
        """The quiz as a tool call forced by name, else (a server that refuses the named
        choice, as llama-server does) by "required", else (the model wrote text both times)
        asked for once more as structured output."""
        ask = self._ask
        while ask != "structured":
            reader = (
                None
                if on_question is None
                else QuestionReader(thread.id, False, on_question, earlier)
            )
            response = await self._turns.send(thread, request, items, ask, reader)
            try:
                call = tool_call(thread.id, response, earlier)
                return replace(call, tokens=call.tokens + tokens)
            except NoToolCallError:
                pass
            earlier, tokens = earlier + retrieved_chunks(response), tokens + tokens_used(response)
            ask = "required" if ask == "tool" else "structured"
            self._learn(ask)
            items = [{"role": "user", "content": ASK_CALL}] if ask == "required" else []
        ask_json: list[Item] = [*items, {"role": "user", "content": ASK_STRUCTURED}]
        return await self._structured(thread, request, ask_json, on_question, earlier, tokens)

    def _learn(self, ask: Ask) -> None:
        """From now on quizzes are asked for as `ask`: said once at WARNING, then at INFO
        (a quiz that was already on its way may find out again)."""
        if _ASKS.index(ask) <= _ASKS.index(self._ask):
            log.info("The model answered without calling %s: asking %s", TOOL_NAME, ask)
            return
        self._ask = ask
        if ask == "required":
            log.warning(
                "The model answered without calling %s: the model server ignores a named "
                "tool_choice, so quizzes force the call with tool_choice 'required' from now on",
                TOOL_NAME,
            )
            return
        log.warning(
            "The model answered without calling %s: the model server ignores a forced "
            "tool_choice, so quizzes are asked for as structured output from now on",
            TOOL_NAME,
        )

    async def _structured(
        self,
        thread: Thread,
        request: QuizRequest,
        items: list[Item],
        on_question: QuestionSink | None,
        earlier: tuple[RetrievedChunk, ...],
        tokens: int,
    ) -> ToolCall:
        reader = (
            None if on_question is None else QuestionReader(thread.id, True, on_question, earlier)
        )
        response = await self._turns.send(thread, request, items, "structured", reader)
        call = structured_call(thread.id, response, earlier)
        return replace(call, tokens=call.tokens + tokens)

    async def generate(
        self, request: QuizRequest, on_question: QuestionSink | None = None
    ) -> ToolCall:
        thread = await self._threads.create()
        text = quiz_request_text(
            request.topic,
            request.num_questions,
            bool(request.vector_store_ids),
            request.review_of,
            request.language,
            request.passages,
        )
        items: list[Item] = [{"role": "user", "content": text}]
        return await self._quiz(thread, request, items, on_question, request.passages)

    async def correct(
        self, call: ToolCall, problems: Sequence[str], request: QuizRequest
    ) -> ToolCall:
        thread = self._threads.open(call.conversation_id)
        if is_structured(call.call_id):
            text = correction_text(list(problems))
            # A corrected quiz may quote what the first turn's search found.
            return await self._structured(
                thread, request, [{"role": "user", "content": text}], None, call.retrieved, 0
            )
        complaint = {"error": "The quiz was not accepted.", "problems": list(problems)}
        complaint["instruction"] = "Call generate_quiz again with the whole corrected quiz."
        output = json.dumps(complaint, ensure_ascii=False)
        return await self._quiz(
            thread,
            request,
            [{"type": "function_call_output", "call_id": call.call_id, "output": output}],
            None,
            call.retrieved,
        )

    def _feedback_reader(self, on_text: TextSink | None) -> Reader | None:
        return TextReader(on_text) if self._stream else None

    async def resume_feedback(
        self, call: ToolCall, request: QuizRequest, on_text: TextSink | None = None
    ) -> Feedback | None:
        thread = self._threads.open(call.conversation_id)
        submitted = False
        answer: list[ResponseOutputText] = []
        async for item in thread.items():
            if is_answers(item, call.call_id):
                submitted, answer = True, []
            elif submitted and item.get("type") == "message" and item.get("role") == "assistant":
                answer.extend(
                    ResponseOutputText.model_validate(c)
                    for c in item.get("content") or []
                    if c.get("type") == "output_text"
                )
        if not submitted:
            return None
        if answer:
            return feedback_of(answer)
        # The answers arrived but the model's reply was lost with the old process.
        ask: list[Item] = [{"role": "user", "content": ASK_FEEDBACK}]
        reader = self._feedback_reader(on_text)
        return feedback_from(await self._turns.send(thread, request, ask, "text", reader))

    async def submit(
        self, call: ToolCall, output: str, request: QuizRequest, on_text: TextSink | None = None
    ) -> Feedback:
        thread = self._threads.open(call.conversation_id)
        items = [answers_item(call, output)]
        reader = self._feedback_reader(on_text)
        return feedback_from(await self._turns.send(thread, request, items, "text", reader))
