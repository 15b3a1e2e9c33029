"""Tests of the fake OpenAI server, driven by the real ``openai`` SDK."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import openai
import pytest
from openai import AsyncOpenAI
from openai.types.conversations import ConversationItem
from openai.types.responses import (
    FunctionToolParam,
    ResponseCompletedEvent,
    ResponseFileSearchToolCall,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseOutputText,
)

from fakes import openapi_validate as oav
from fakes.openai_server import FakeOpenAI

MODEL = "gpt-5-mini"
QUIZ_TOOL: FunctionToolParam = {
    "type": "function",
    "name": "generate_quiz",
    "description": "Create a multiple-choice quiz.",
    "strict": True,
    "parameters": {
        "type": "object",
        "properties": {
            "questions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "question": {"type": "string"},
                        "options": {"type": "array", "items": {"type": "string"}},
                        "correct": {"type": "integer"},
                    },
                    "required": ["question", "options", "correct"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["questions"],
        "additionalProperties": False,
    },
}
QUIZ_ARGS = {"questions": [{"question": "2+2?", "options": ["3", "4"], "correct": 1}]}


def _text(item: ConversationItem) -> str:
    assert item.type == "message"
    part = item.content[0]
    assert part.type == "input_text"
    return part.text


@pytest.fixture
async def oa() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as fake:
        yield fake
        # Tests that provoke violations on purpose clear them after asserting.
        assert fake.violations == []


@pytest.fixture
async def client(oa: FakeOpenAI) -> AsyncIterator[AsyncOpenAI]:
    async with AsyncOpenAI(api_key="sk-test", base_url=oa.base_url, max_retries=0) as c:
        yield c


@pytest.fixture
async def raw(oa: FakeOpenAI) -> AsyncIterator[httpx2.AsyncClient]:
    headers = {"Authorization": "Bearer sk-test"}
    async with httpx2.AsyncClient(base_url=oa.base_url, headers=headers) as c:
        yield c


# --------------------------------------------------------------------------- responses


async def test_function_call_round_trip(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    conv = await client.conversations.create(metadata={"chat_id": "42"})
    assert conv.id.startswith("conv_")
    call_id = oa.queue_function_call("generate_quiz", QUIZ_ARGS)

    first = await client.responses.create(
        model=MODEL,
        conversation=conv.id,
        instructions="You write quizzes.",
        tools=[QUIZ_TOOL],
        input=[{"role": "user", "content": "Quiz me on arithmetic"}],
    )
    assert first.id.startswith("resp_") and first.model == MODEL
    assert first.instructions == "You write quizzes."
    call = first.output[0]
    assert isinstance(call, ResponseFunctionToolCall)
    assert call.id is not None and call.id.startswith("fc_")
    assert call.call_id == call_id and call.name == "generate_quiz"
    assert json.loads(call.arguments) == QUIZ_ARGS
    assert first.usage is not None and first.usage.total_tokens > 0
    assert first.tools[0].type == "function"

    oa.queue_message("Here is your quiz!")
    second = await client.responses.create(
        model=MODEL,
        conversation=conv.id,
        input=[
            {
                "type": "function_call_output",
                "call_id": call.call_id,
                "output": json.dumps({"sent": 1}),
            }
        ],
    )
    assert second.output_text == "Here is your quiz!"
    msg = second.output[0]
    assert isinstance(msg, ResponseOutputMessage) and msg.id.startswith("msg_")

    items = await client.conversations.items.list(conv.id, order="asc")
    assert [i.type for i in items.data] == [
        "message",
        "function_call",
        "function_call_output",
        "message",
    ]
    assert all(i.id for i in items.data)
    assert oa.conversations[conv.id][1]["call_id"] == call_id
    assert (await client.responses.retrieve(second.id)).output_text == "Here is your quiz!"
    body = oa.requests_to("/responses")[0].json
    assert body["conversation"] == conv.id and body["tools"][0]["strict"] is True


async def test_items_pagination_and_order(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    conv = await client.conversations.create(
        items=[{"role": "user", "content": f"m{i}"} for i in range(5)]
    )
    desc = await client.conversations.items.list(conv.id, limit=2)
    assert [_text(i) for i in desc.data] == ["m4", "m3"] and desc.has_more
    last_id = desc.data[-1].id
    assert last_id is not None
    nxt = await client.conversations.items.list(conv.id, limit=2, after=last_id)
    assert [_text(i) for i in nxt.data] == ["m2", "m1"]
    every = [i async for i in client.conversations.items.list(conv.id, limit=2, order="asc")]
    assert len(every) == 5  # the SDK's auto-pagination follows has_more/after
    assert (await client.conversations.retrieve(conv.id)).id == conv.id
    deleted = await client.conversations.delete(conv.id)
    assert deleted.deleted and conv.id not in oa.conversations


async def test_mismatched_call_id_is_400(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    conv = await client.conversations.create()
    oa.queue_message("never sent")
    with pytest.raises(openai.BadRequestError) as info:
        await client.responses.create(
            model=MODEL,
            conversation=conv.id,
            input=[{"type": "function_call_output", "call_id": "call_nope", "output": "{}"}],
        )
    assert "No tool call found" in info.value.message
    assert info.value.type == "invalid_request_error" and info.value.param == "input"
    assert info.value.request_id is not None and info.value.request_id.startswith("req_")
    assert oa.pending_turns == 1  # rejected before the "model" ran


async def test_unknown_conversation_is_404(client: AsyncOpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        await client.responses.create(model=MODEL, conversation="conv_missing", input="hi")
    with pytest.raises(openai.NotFoundError):
        await client.conversations.items.list("conv_missing")


async def test_unqueued_turn_is_500_and_violation(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    with pytest.raises(openai.InternalServerError):
        await client.responses.create(model=MODEL, input="hi")
    assert oa.violations == ["unexpected /responses call (no queued model turn)"]
    oa.violations.clear()


async def test_handler_sees_request_and_history(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    conv = await client.conversations.create()
    seen: list[int] = []

    def echo(body: dict[str, Any], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen.append(len(items))
        return [{"type": "message", "text": f"echo {body['input']}"}]

    oa.queue_handler(echo)
    oa.queue_handler(echo)
    r1 = await client.responses.create(model=MODEL, conversation=conv.id, input="one")
    r2 = await client.responses.create(model=MODEL, conversation=conv.id, input="two")
    assert (r1.output_text, r2.output_text) == ("echo one", "echo two")
    assert seen == [1, 3]  # second turn sees: user, assistant, user


# --------------------------------------------------------------------------- streaming


async def test_stream_function_call(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    oa.stream_chunk_size = 5
    oa.queue_function_call("generate_quiz", QUIZ_ARGS)
    stream = await client.responses.create(
        model=MODEL, input="quiz", tools=[QUIZ_TOOL], stream=True
    )
    events = [e async for e in stream]
    types = [e.type for e in events]
    assert types[:3] == ["response.created", "response.in_progress", "response.output_item.added"]
    assert types[-3:] == [
        "response.function_call_arguments.done",
        "response.output_item.done",
        "response.completed",
    ]
    deltas = [e for e in events if isinstance(e, ResponseFunctionCallArgumentsDeltaEvent)]
    assert len(deltas) > 1 and all(len(d.delta) <= 5 for d in deltas)
    assert json.loads("".join(d.delta for d in deltas)) == QUIZ_ARGS
    assert [e.sequence_number for e in events] == list(range(len(events)))
    done = events[-1]
    assert isinstance(done, ResponseCompletedEvent) and done.response.status == "completed"


async def test_stream_message_with_annotations(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    oa.queue_message(
        "Cells divide.", annotations=[{"file_id": "file-abc", "filename": "bio.pdf", "index": 13}]
    )
    stream = await client.responses.create(model=MODEL, input="hi", stream=True)
    events = [e async for e in stream]
    types = [e.type for e in events]
    for expected in (
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.annotation.added",
        "response.output_text.done",
        "response.content_part.done",
    ):
        assert expected in types
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text == "Cells divide."


async def test_stream_helper_and_delay(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    oa.stream_delay = 0.01
    oa.queue_function_call("generate_quiz", QUIZ_ARGS)
    async with client.responses.stream(model=MODEL, input="quiz", tools=[QUIZ_TOOL]) as stream:
        async for _ in stream:
            pass
        final = await stream.get_final_response()
    assert isinstance(final.output[0], ResponseFunctionToolCall)


async def test_drop_stream_midway(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    oa.drop_stream_after(3)
    oa.queue_function_call("generate_quiz", QUIZ_ARGS)
    oa.queue_message("fine")
    seen: list[str] = []
    stream = await client.responses.create(model=MODEL, input="x", stream=True)
    with pytest.raises(openai.APIConnectionError):  # SDK 3.x wraps mid-stream cuts too
        async for event in stream:
            seen.append(event.type)
    assert len(seen) == 3
    again = await client.responses.create(model=MODEL, input="x", stream=True)
    assert [e.type async for e in again][-1] == "response.completed"  # only dropped once


async def test_stream_ignored_answers_plain_json(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    oa.stream_ignored = True
    oa.queue_message("whole")
    stream = await client.responses.create(model=MODEL, input="x", stream=True)
    async with stream:
        assert stream.response.headers["content-type"].startswith("application/json")
        body = json.loads(await stream.response.aread())
    assert body["object"] == "response" and body["status"] == "completed"
    assert body["output"][0]["content"][0]["text"] == "whole"


async def test_stream_broken_cuts_every_stream_before_any_event(
    oa: FakeOpenAI, client: AsyncOpenAI
) -> None:
    oa.stream_broken = True
    for _ in range(2):
        oa.queue_message("never seen")
        stream = await client.responses.create(model=MODEL, input="x", stream=True)
        seen: list[str] = []
        with pytest.raises(openai.APIConnectionError):
            async for event in stream:
                seen.append(event.type)
        assert seen == []
    oa.queue_message("plain")
    plain = await client.responses.create(model=MODEL, input="x")
    assert plain.output_text == "plain"  # only streams are cut


# --------------------------------------------------------------------------- files


async def test_files_vector_stores_and_file_search(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    oa.vector_store_file_polls = 2
    text = b"Mitochondria are the powerhouse of the cell. " * 40
    f = await client.files.create(file=("bio.txt", text, "text/plain"), purpose="assistants")
    assert f.id.startswith("file-") and f.bytes == len(text)
    assert oa.file_content(f.id) == text
    vs = await client.vector_stores.create(
        name="chat-42", expires_after={"anchor": "last_active_at", "days": 7}
    )
    vs_file = await client.vector_stores.files.create(vector_store_id=vs.id, file_id=f.id)
    statuses = [vs_file.status]
    while statuses[-1] == "in_progress":
        got = await client.vector_stores.files.retrieve(file_id=f.id, vector_store_id=vs.id)
        statuses.append(got.status)
    assert statuses == ["in_progress", "in_progress", "in_progress", "completed"]
    assert (await client.vector_stores.retrieve(vs.id)).file_counts.completed == 1

    oa.queue_file_search()  # None → search the stored file chunks
    oa.queue_message("They make ATP.", annotations=[{"file_id": f.id, "filename": "bio.txt"}])
    resp = await client.responses.create(
        model=MODEL,
        input="What do mitochondria do?",
        tools=[{"type": "file_search", "vector_store_ids": [vs.id]}],
        include=["file_search_call.results"],
    )
    fs, msg = resp.output
    assert isinstance(fs, ResponseFileSearchToolCall) and fs.results
    assert fs.results[0].file_id == f.id and "Mitochondria" in (fs.results[0].text or "")
    assert isinstance(msg, ResponseOutputMessage)
    part = msg.content[0]
    assert isinstance(part, ResponseOutputText)
    citation = part.annotations[0]
    assert citation.type == "file_citation" and citation.file_id == f.id

    oa.queue_file_search([{"file_id": f.id, "score": 0.5}])
    oa.queue_message("no include")
    bare = await client.responses.create(
        model=MODEL, input="again", tools=[{"type": "file_search", "vector_store_ids": [vs.id]}]
    )
    assert isinstance(bare.output[0], ResponseFileSearchToolCall)
    assert bare.output[0].results is None  # results only with include=[...]

    assert (await client.vector_stores.files.delete(file_id=f.id, vector_store_id=vs.id)).deleted
    assert (await client.vector_stores.delete(vs.id)).deleted
    assert (await client.files.retrieve(f.id)).filename == "bio.txt"
    assert (await client.files.delete(f.id)).deleted
    with pytest.raises(openai.NotFoundError):
        await client.files.retrieve(f.id)


async def test_sdk_poll_helpers(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    oa.vector_store_file_polls = 3
    vs = await client.vector_stores.create(name="poll")
    done = await client.vector_stores.files.upload_and_poll(
        vector_store_id=vs.id, file=("a.md", b"# Title\nbody", "text/markdown")
    )
    assert done.status == "completed"
    polls = oa.requests_to(f"/vector_stores/{vs.id}/files/{done.id}", method="GET")
    assert len(polls) == 4
    assert polls[0].headers.get("X-Stainless-Poll-Helper") == "true"


async def test_vector_store_file_failure(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    oa.vector_store_file_polls = 0
    oa.vector_store_file_errors["scan.pdf"] = {"code": "unsupported_file", "message": "no text"}
    f = await client.files.create(
        file=("scan.pdf", b"%PDF-1.4", "application/pdf"), purpose="assistants"
    )
    vs = await client.vector_stores.create(name="x")
    got = await client.vector_stores.files.create(vector_store_id=vs.id, file_id=f.id)
    assert got.status == "failed"
    assert got.last_error is not None and got.last_error.code == "unsupported_file"


# --------------------------------------------------------------------------- faults


async def test_sdk_retries_500_then_succeeds(oa: FakeOpenAI) -> None:
    # The SDK ignores "retry-after: 0" (it only honours 0 < delay <= 120 s) and backs off
    # 0.5 s, 1 s...; "retry-after-ms" keeps retry tests fast.
    oa.fail_next(500, headers={"retry-after-ms": "1"})
    oa.fail_next(429, headers={"retry-after-ms": "1"})
    async with AsyncOpenAI(api_key="sk-test", base_url=oa.base_url, max_retries=2) as c:
        conv = await c.conversations.create()
    assert conv.id in oa.conversations
    reqs = oa.requests_to("/conversations")
    assert [r.headers.get("x-stainless-retry-count") for r in reqs] == ["0", "1", "2"]


async def test_fail_next_400_exposes_body_and_request_id(
    oa: FakeOpenAI, client: AsyncOpenAI
) -> None:
    body = {
        "error": {
            "message": "bad tool",
            "type": "invalid_request_error",
            "param": "tools",
            "code": "invalid_value",
        }
    }
    oa.fail_next(400, body=body, headers={"x-request-id": "req_fixed"}, path="/responses")
    await client.conversations.create()  # other paths are unaffected
    with pytest.raises(openai.BadRequestError) as info:
        await client.responses.create(model=MODEL, input="x")
    assert info.value.request_id == "req_fixed" and info.value.code == "invalid_value"


async def test_delay_triggers_client_timeout(oa: FakeOpenAI) -> None:
    oa.delay_next(5.0)
    async with AsyncOpenAI(
        api_key="sk-test", base_url=oa.base_url, max_retries=0, timeout=0.2
    ) as c:
        with pytest.raises(openai.APITimeoutError):
            await c.conversations.create()


async def test_stalled_stream_times_out(oa: FakeOpenAI) -> None:
    oa.stream_delay = 1.0
    oa.queue_message("slow " * 10)
    async with AsyncOpenAI(
        api_key="sk-test", base_url=oa.base_url, max_retries=0, timeout=0.2
    ) as c:
        stream = await c.responses.create(model=MODEL, input="x", stream=True)
        with pytest.raises(openai.APITimeoutError):
            async for _ in stream:
                pass


async def test_wait_for_request(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    task = asyncio.create_task(client.conversations.create())
    reqs = await oa.wait_for_request("/conversations", timeout=5)
    assert reqs[0].method == "POST"
    await task
    with pytest.raises(AssertionError):
        await oa.wait_for_request("/responses", timeout=0.05)


# --------------------------------------------------------------------------- validation


async def test_malformed_requests_are_violations(oa: FakeOpenAI, raw: httpx2.AsyncClient) -> None:
    oa.queue_message("ok")
    await raw.post(
        "/responses", json={"model": MODEL, "input": 42, "tools": [{"type": "function"}]}
    )
    assert any("POST /v1/responses request body" in v for v in oa.violations)
    oa.violations.clear()

    await raw.post("/vector_stores", json={"name": "x", "bogus": 1})
    assert any("bogus" in v for v in oa.violations)
    oa.violations.clear()

    await raw.get("/conversations/conv_x/items", params={"order": "sideways", "lmit": 3})
    assert any("query order" in v for v in oa.violations)
    assert any("undeclared query parameter 'lmit'" in v for v in oa.violations)
    oa.violations.clear()

    await raw.post("/files", files={"file": ("a.txt", b"x")}, data={"purpose": "nonsense"})
    assert any("POST /v1/files request body at purpose" in v for v in oa.violations)
    oa.violations.clear()

    await raw.post("/assistants/asst_1/nope", json={})
    assert oa.violations == [
        "POST /v1/assistants/asst_1/nope: no such operation in the OpenAPI spec"
    ]
    oa.violations.clear()

    await raw.post("/conversations", json={}, headers={"Authorization": ""})
    assert any("Authorization" in v for v in oa.violations)
    oa.violations.clear()


async def test_malformed_fake_response_is_violation(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    oa.queue_handler(
        lambda _b, _c: [
            {
                "type": "function_call",
                "name": "generate_quiz",
                "arguments": "{}",
                "status": "exploded",
            }
        ]
    )
    await client.responses.create(model=MODEL, input="x")
    assert any(v.startswith("fake response of POST /responses") for v in oa.violations)
    oa.violations.clear()

    bad_citation = {"type": "file_citation", "index": 0}  # no file_id / filename
    oa.queue_handler(
        lambda _b, _c: [
            {
                "type": "message",
                "content": [{"type": "output_text", "text": "x", "annotations": [bad_citation]}],
            }
        ]
    )
    stream = await client.responses.create(model=MODEL, input="x", stream=True)
    async for _ in stream:
        pass
    assert any("fake SSE response.output_text.annotation.added" in v for v in oa.violations)
    assert any("fake SSE response.output_item.done" in v for v in oa.violations)
    oa.violations.clear()


def test_validator_unit() -> None:
    good = {
        "id": "file-1",
        "object": "file",
        "bytes": 1,
        "created_at": 1,
        "filename": "a",
        "purpose": "assistants",
        "status": "processed",
    }
    assert oav.validate_schema(good, "OpenAIFile") == []
    assert oav.validate_schema({**good, "bytes": "1"}, "OpenAIFile")
    # EasyInputMessage and Item/InputMessage overlap: only valid with discriminator → anyOf.
    typed_msg = {
        "type": "message",
        "role": "user",
        "content": [{"type": "input_text", "text": "hi"}],
    }
    assert oav.validate_schema(typed_msg, "InputItem") == []
    rewritten = oav._rewrite_openapi_isms({"type": "integer", "nullable": True})
    assert rewritten == {"type": ["integer", "null"]}
    found = oav.find_operation("GET", "/v1/vector_stores/vs_1/files/file-2")
    assert found is not None
    op, params = found
    assert op.operation_id == "getVectorStoreFile"
    assert params == {"vector_store_id": "vs_1", "file_id": "file-2"}
    assert oav.find_operation("PATCH", "/v1/responses") is None


# --------------------------------------------------------------------------- partial servers


async def test_conversations_switched_off_are_404(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    oa.conversations_enabled = False
    with pytest.raises(openai.NotFoundError):
        await client.conversations.create(metadata={"app": "x"})
    # /responses still works, with the whole context in the input.
    oa.queue_message("fine")
    resp = await client.responses.create(model=MODEL, input="hi", store=False)
    assert resp.output_text == "fine"
    assert oa.requests_to("/responses")[0].json["store"] is False


async def test_previous_response_id_switched_off_is_400(
    oa: FakeOpenAI, client: AsyncOpenAI
) -> None:
    oa.queue_message("first")
    first = await client.responses.create(model=MODEL, input="hi")
    oa.previous_response_id_enabled = False
    with pytest.raises(openai.BadRequestError) as caught:
        await client.responses.create(model=MODEL, input="more", previous_response_id=first.id)
    assert "previous_response_id" in caught.value.message
    assert oa.pending_turns == 0


async def test_unstored_responses_cannot_be_continued(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    oa.queue_message("first")
    first = await client.responses.create(model=MODEL, input="hi", store=False)
    with pytest.raises(openai.NotFoundError):
        await client.responses.retrieve(first.id)
    with pytest.raises(openai.NotFoundError):
        await client.responses.create(model=MODEL, input="more", previous_response_id=first.id)


async def test_ignored_tool_choice_answers_in_text(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    oa.named_tool_choice_enabled = False
    quiz = {"title": "Sums", "questions": [{"question_text": "2+2?", "choices": ["3", "4"]}]}
    oa.queue_function_call("generate_quiz", quiz)
    resp = await client.responses.create(
        model=MODEL,
        input="Quiz me",
        tools=[QUIZ_TOOL],
        tool_choice={"type": "function", "name": "generate_quiz"},
    )
    [message] = resp.output
    assert isinstance(message, ResponseOutputMessage)
    assert "2+2?" in resp.output_text and "# Sums" in resp.output_text
    # Without a named choice the scripted call is made as usual.
    oa.queue_function_call("generate_quiz", quiz)
    resp = await client.responses.create(model=MODEL, input="Quiz me", tools=[QUIZ_TOOL])
    assert isinstance(resp.output[0], ResponseFunctionToolCall)


async def test_required_tool_choice_is_forced_unless_switched_off(
    oa: FakeOpenAI, client: AsyncOpenAI
) -> None:
    """llama-server: the named object is ignored, the string "required" forces the call."""
    oa.named_tool_choice_enabled = False
    quiz = {"title": "Sums", "questions": [{"question_text": "2+2?", "choices": ["3", "4"]}]}
    oa.queue_function_call("generate_quiz", quiz)
    resp = await client.responses.create(
        model=MODEL, input="Quiz me", tools=[QUIZ_TOOL], tool_choice="required"
    )
    assert isinstance(resp.output[0], ResponseFunctionToolCall)
    oa.required_tool_choice_enabled = False
    oa.queue_function_call("generate_quiz", quiz)
    resp = await client.responses.create(
        model=MODEL, input="Quiz me", tools=[QUIZ_TOOL], tool_choice="required"
    )
    assert isinstance(resp.output[0], ResponseOutputMessage) and "2+2?" in resp.output_text


async def test_ignored_text_format_answers_fenced_json_with_letter_keys(
    oa: FakeOpenAI, client: AsyncOpenAI
) -> None:
    oa.text_format_enabled = False
    quiz = {
        "title": "Sums",
        "questions": [{"question_text": "2+2?", "choices": ["3", "4"], "answer_index": 1}],
    }
    fmt: Any = {"format": {"type": "json_schema", "name": "generate_quiz", "schema": {}}}
    oa.queue_message(json.dumps(quiz))
    resp = await client.responses.create(model=MODEL, input="Quiz me", text=fmt)
    text = resp.output_text
    assert text.startswith("```json\n") and text.endswith("\n```")
    fenced = json.loads(text.removeprefix("```json\n").removesuffix("\n```"))
    assert fenced["questions"][0]["answer_index"] == "B"
    # Without a json_schema format the text is the model's as scripted.
    oa.queue_message(json.dumps(quiz))
    plain = await client.responses.create(model=MODEL, input="Quiz me")
    assert json.loads(plain.output_text) == quiz


async def test_files_and_vector_stores_switched_off(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    oa.files_enabled = False
    oa.vector_stores_enabled = False
    with pytest.raises(openai.NotFoundError):
        await client.files.create(file=("a.txt", b"x", "text/plain"), purpose="assistants")
    with pytest.raises(openai.NotFoundError):
        await client.vector_stores.create(name="chat")


async def test_reasoning_items_must_carry_themselves_without_store(
    oa: FakeOpenAI, client: AsyncOpenAI
) -> None:
    oa.reasoning_items = True
    oa.queue_message("plain")
    bare = await client.responses.create(model=MODEL, input="hi", store=False)
    assert bare.output[0].type == "reasoning"
    oa.queue_message("carried")
    kept = await client.responses.create(
        model=MODEL, input="hi", store=False, include=["reasoning.encrypted_content"]
    )
    reasoning = kept.output[0]
    assert reasoning.type == "reasoning" and reasoning.encrypted_content
    follow_up: list[Any] = [
        {"role": "user", "content": "hi"},
        reasoning.model_dump(exclude_none=True),
        {"role": "user", "content": "and?"},
    ]
    oa.queue_message("ok")
    ok = await client.responses.create(model=MODEL, input=follow_up, store=False)
    assert ok.output_text == "ok"
    unusable: list[Any] = [
        {"role": "user", "content": "hi"},
        bare.output[0].model_dump(exclude_none=True),
    ]
    with pytest.raises(openai.NotFoundError):
        await client.responses.create(model=MODEL, input=unusable, store=False)


async def test_reasoning_is_accepted_or_refused_naming_the_parameter(
    oa: FakeOpenAI, client: AsyncOpenAI
) -> None:
    oa.queue_message("fast")
    await client.responses.create(model=MODEL, input="hi", reasoning={"effort": "low"})
    oa.reasoning_enabled = False
    oa.queue_message("never")
    with pytest.raises(openai.BadRequestError) as caught:
        await client.responses.create(model=MODEL, input="hi", reasoning={"effort": "low"})
    assert caught.value.param == "reasoning"
    oa.verbosity_enabled = False
    with pytest.raises(openai.BadRequestError) as caught:
        await client.responses.create(model=MODEL, input="hi", text={"verbosity": "low"})
    assert caught.value.param == "text.verbosity"
    assert (await client.responses.create(model=MODEL, input="hi")).output_text == "never"


async def test_the_solver_agrees_with_the_key_it_wrote_unless_scripted(
    oa: FakeOpenAI, client: AsyncOpenAI
) -> None:
    """Solve requests (issue 19) are answered apart from the queued turns."""
    from engine.base import QuizRequest, SolveQuestion
    from engine.verify import solve
    from fakes.quizdata import quiz_args

    args = quiz_args(2)
    oa.queue_function_call("generate_quiz", args)
    await client.responses.create(model="gpt-5", input="quiz please", store=False)
    shown = [
        SolveQuestion(q["question_text"], tuple(reversed(q["choices"]))) for q in args["questions"]
    ]
    agreed = await solve(client, "gpt-5", shown, QuizRequest("cells", 2))
    # Keys 0 and 1 of four, shown reversed: positions 3 and 2.
    assert [a.choice for a in agreed.answers if a] == [3, 2] and agreed.tokens > 0
    oa.solver_picks("Question 2:", "Q2 choice 4")
    disputed = await solve(client, "gpt-5", shown, QuizRequest("cells", 2))
    assert [a.choice for a in disputed.answers if a] == [3, 0]
    assert oa.pending_turns == 0 and len(oa.solve_requests) == 2


# --------------------------------------------------------------------------- image input

PIXELS = b"\xff\xd8\xff\xe0 a jpeg's first bytes"


def _image_turn(url: str) -> Any:
    return [
        {
            "role": "user",
            "content": [
                {"type": "input_text", "text": "Write down the text."},
                {"type": "input_image", "image_url": url, "detail": "high"},
            ],
        }
    ]


async def test_input_image_data_url_is_decoded_and_kept(
    oa: FakeOpenAI, client: AsyncOpenAI
) -> None:
    oa.queue_message("Page text.")
    url = "data:image/jpeg;base64," + base64.b64encode(PIXELS).decode()
    response = await client.responses.create(model=MODEL, input=_image_turn(url), store=False)
    assert response.output_text == "Page text."
    assert oa.images == [("image/jpeg", PIXELS)]


async def test_a_telegram_file_url_or_a_broken_data_url_is_a_violation(
    oa: FakeOpenAI, client: AsyncOpenAI
) -> None:
    oa.queue_message("x")
    oa.queue_message("y")
    telegram = "https://api.telegram.org/file/bot123:SECRET/photos/file_1.jpg"
    await client.responses.create(model=MODEL, input=_image_turn(telegram), store=False)
    await client.responses.create(
        model=MODEL, input=_image_turn("data:image/jpeg;base64,%%%"), store=False
    )
    assert oa.violations[0] == "input_image: a Telegram file URL (it holds the bot token)"
    assert oa.violations[1].startswith("input_image: not a base64 image data URL")
    oa.violations.clear()


async def test_a_server_without_image_input_refuses_like_llama_server(
    oa: FakeOpenAI, client: AsyncOpenAI
) -> None:
    oa.image_input_enabled = False
    url = "data:image/png;base64," + base64.b64encode(PIXELS).decode()
    with pytest.raises(openai.InternalServerError) as caught:
        await client.responses.create(model=MODEL, input=_image_turn(url), store=False)
    assert "image input is not supported" in caught.value.message
    # Text alone still works.
    oa.queue_message("fine")
    response = await client.responses.create(model=MODEL, input="hi", store=False)
    assert response.output_text == "fine"


async def test_max_output_tokens_is_recorded_and_below_the_minimum_refused(
    oa: FakeOpenAI, client: AsyncOpenAI
) -> None:
    oa.queue_message("short")
    resp = await client.responses.create(model=MODEL, input="hi", max_output_tokens=64)
    assert resp.max_output_tokens == 64
    assert oa.requests_to("/responses", "POST")[-1].json["max_output_tokens"] == 64
    # The spec's CreateResponse says "minimum": 16, as the real API enforces.
    with pytest.raises(openai.BadRequestError):
        await client.responses.create(model=MODEL, input="hi", max_output_tokens=8)
    oa.violations.clear()


async def test_peak_in_flight_counts_requests_handled_at_once(
    oa: FakeOpenAI, client: AsyncOpenAI
) -> None:
    for _ in range(3):
        oa.delay_next(0.2, path="/files")

    async def upload(i: int) -> str:
        created = await client.files.create(file=(f"{i}.txt", b"notes"), purpose="assistants")
        return created.id

    await asyncio.gather(*(upload(i) for i in range(3)))
    await upload(3)
    assert oa.peak_in_flight["/v1/files"] == 3


async def test_output_stops_at_max_output_tokens(oa: FakeOpenAI, client: AsyncOpenAI) -> None:
    long = "word " * 400  # about 500 tokens by the fake's count
    oa.queue_message(long)
    resp = await client.responses.create(model=MODEL, input="hi", max_output_tokens=100)
    assert resp.status == "incomplete"
    assert resp.incomplete_details is not None
    assert resp.incomplete_details.reason == "max_output_tokens"
    assert 0 < len(resp.output_text) < len(long) and long.startswith(resp.output_text)
    oa.queue_message(long)
    stream = await client.responses.create(
        model=MODEL, input="hi", max_output_tokens=100, stream=True
    )
    events = [e async for e in stream]
    assert events[-1].type == "response.incomplete"
    oa.queue_message("short")
    whole = await client.responses.create(model=MODEL, input="hi", max_output_tokens=100)
    assert whole.status == "completed" and whole.output_text == "short"


async def test_a_conversation_is_locked_while_a_response_on_it_streams(
    oa: FakeOpenAI, client: AsyncOpenAI
) -> None:
    conv = await client.conversations.create()
    oa.stream_chunk_size = 5
    oa.stream_delay = 0.01
    oa.queue_function_call("generate_quiz", QUIZ_ARGS)
    oa.queue_message("after the call")
    stream = await client.responses.create(
        model=MODEL, input="quiz", tools=[QUIZ_TOOL], stream=True, conversation=conv.id
    )
    events = aiter(stream)
    await anext(events)
    with pytest.raises(openai.BadRequestError) as locked:
        await client.responses.create(model=MODEL, input="meanwhile", conversation=conv.id)
    assert locked.value.code == "conversation_locked"
    done = [e async for e in events][-1]
    assert isinstance(done, ResponseCompletedEvent)
    call = done.response.output[0]
    assert isinstance(call, ResponseFunctionToolCall)
    # Once the stream has ended, the call's output may follow.
    reply = await client.responses.create(
        model=MODEL,
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": "{}"}],
        conversation=conv.id,
    )
    assert reply.output_text == "after the call"
