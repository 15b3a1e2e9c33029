"""A scripted, spec-validated fake of the OpenAI HTTP API (Responses + Conversations + Files).

Usage::

    async with FakeOpenAI() as oa:
        oa.queue_function_call("generate_quiz", {"questions": [...]})
        client = AsyncOpenAI(api_key="sk-test", base_url=oa.base_url)
        ...
        assert oa.violations == []

Every request is checked against ``specs/openai-openapi.json`` (operation exists, query
parameters, JSON/multipart body, bearer auth) and so is every body the fake sends back
(including each SSE event), so a fake that drifts from the real API fails loudly instead
of letting the bot pass against something OpenAI would never send.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import inspect
import json
import re
import secrets
import socket
import string
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web
from multidict import CIMultiDict

from fakes import openapi_validate as oav

JSON = dict[str, Any]
Handler = Callable[[JSON, list[JSON]], "list[JSON] | Awaitable[list[JSON]]"]

_ALNUM = string.ascii_letters + string.digits
# The smallest max_output_tokens the Responses API takes (CreateResponse in the spec).
MIN_OUTPUT_TOKENS = 16


def _hex_id(prefix: str) -> str:
    return prefix + secrets.token_hex(24)


def _alnum_id(prefix: str, n: int) -> str:
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(n))


def _error_body(
    message: str,
    *,
    type_: str = "invalid_request_error",
    param: str | None = None,
    code: str | None = None,
) -> JSON:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


class ApiError(Exception):
    """Raised inside a route handler to answer with an OpenAI-shaped error."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        type_: str = "invalid_request_error",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = _error_body(message, type_=type_, param=param, code=code)


# ---------------------------------------------------------------------------
# Helpers that build output items; also handy inside ``queue_handler`` callbacks.
# ---------------------------------------------------------------------------


def function_call_item(
    name: str, arguments: str | Mapping[str, Any], call_id: str | None = None
) -> JSON:
    args = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return {
        "type": "function_call",
        "id": _hex_id("fc_"),
        "call_id": call_id or _alnum_id("call_", 24),
        "name": name,
        "arguments": args,
        "status": "completed",
    }


def message_item(text: str, annotations: list[JSON] | None = None) -> JSON:
    anns = []
    for ann in annotations or []:
        full = {"type": "file_citation", "index": len(text), **ann}
        if full["type"] == "file_citation":
            full.setdefault("filename", "")
        anns.append(full)
    return {
        "type": "message",
        "id": _hex_id("msg_"),
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": anns, "logprobs": []}],
    }


def file_search_item(queries: list[str], results: list[JSON] | None) -> JSON:
    return {
        "type": "file_search_call",
        "id": _hex_id("fs_"),
        "status": "completed",
        "queries": queries,
        "results": results,
    }


def _normalise_output_item(item: Mapping[str, Any]) -> JSON:
    """Fill ids/statuses a test's handler left out, so handlers can stay terse."""
    typ = item.get("type")
    if typ == "function_call":
        base = function_call_item(
            str(item["name"]), item.get("arguments", "{}"), item.get("call_id")
        )
        return {**base, **{k: v for k, v in item.items() if k != "arguments"}}
    if typ == "message" and "content" not in item:
        return message_item(str(item.get("text", "")), item.get("annotations"))
    if typ == "message":
        base = message_item("")
        content = [
            {"annotations": [], "logprobs": [], **part}
            if part.get("type") == "output_text"
            else dict(part)
            for part in item["content"]
        ]
        return {**base, **dict(item), "content": content}
    if typ == "file_search_call":
        return {**file_search_item([], None), **dict(item)}
    return dict(item)


@dataclass
class Req:
    """One request as the fake received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: CIMultiDict[str]  # case-insensitive, as HTTP headers are
    json: Any = None
    form: dict[str, Any] | None = None
    time: float = field(default_factory=time.monotonic)
    query_items: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Fault:
    status: int
    times: int
    headers: dict[str, str]
    body: Any
    path: str | None


@dataclass
class _StoredFile:
    obj: JSON
    content: bytes


@dataclass
class _VsFile:
    obj: JSON
    polls: int = 0


@dataclass
class _Turn:
    prefix: list[JSON]  # scripted file_search calls emitted before the main output
    handler: Handler


class FakeOpenAI:
    """In-process fake of api.openai.com/v1 for the endpoints StudyQuiz uses."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.requests: list[Req] = []
        self.conversations: dict[str, list[JSON]] = {}
        self.responses: dict[str, JSON] = {}
        self.files: dict[str, _StoredFile] = {}
        self.vector_stores: dict[str, JSON] = {}
        self.vector_store_files: dict[tuple[str, str], _VsFile] = {}
        # Requests being handled now, and the most at once, per path (e.g. "/v1/files").
        self._in_flight: dict[str, int] = {}
        self.peak_in_flight: dict[str, int] = {}
        # Streaming knobs.
        self.stream_delay: float = 0.0
        self.stream_chunk_size: int = 8
        # How many GETs of a vector-store file answer "in_progress" before it settles.
        self.vector_store_file_polls: int = 1
        # Sent as "openai-poll-after-ms" so SDK polling helpers stay fast in tests.
        self.poll_after_ms: int = 5
        # When set ({"code", "message"}), vector-store files end "failed" with it;
        # per-file overrides keyed by file id or filename.
        self.vector_store_file_error: JSON | None = None
        self.vector_store_file_errors: dict[str, JSON] = {}
        self.base_url = ""
        # When set, requests with any other key get OpenAI's 401.
        self.api_key: str | None = None
        # Models GET /models/{model} answers 404 for (every other id exists).
        self.unavailable_models: set[str] = set()
        self._serve_the_whole_api()
        # Every input_image the model was shown, as (media type, bytes) from its data URL.
        self.images: list[tuple[str, bytes]] = []

        # The independent solve (the bot's answer-key check): requests that offer the solve tool are
        # answered here, not from the queued turns, since they run alongside a quiz's stream.
        # By default the solver agrees with the key of the question as this fake last wrote
        # it; `solver_picks` makes it answer otherwise.
        self.solver_overrides: list[tuple[str, str, float]] = []
        self.written_quizzes: list[JSON] = []
        # Every response created, stored or not (`responses` holds only the stored ones).
        self.created: list[JSON] = []

        self._conv_meta: dict[str, JSON] = {}
        self._response_context: dict[str, list[JSON]] = {}
        self._turns: list[_Turn] = []
        self._pending_prefix: list[JSON] = []
        self._faults: list[_Fault] = []
        self._delays: list[tuple[float, str | None]] = []
        self._drop_after: int | None = None
        # Conversations with a response still streaming (see conversation_locked).
        self._busy_conversations: set[str] = set()
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self._request_seen = asyncio.Condition()

    def _serve_the_whole_api(self) -> None:
        """Every switch on (off for the knobs that break things): the real API. Tests turn
        them to play a server that implements only part of it."""
        # Switches for servers that implement only part of the API, as llama.cpp's
        # llama-server, Ollama, LM Studio and vLLM do: each off means what they answer.
        # Off: every /conversations route is 404 (no Conversations API at all).
        self.conversations_enabled = True
        # Off: a request with previous_response_id is refused (400 naming the parameter).
        self.previous_response_id_enabled = True
        # Off: an object tool_choice (a named function) is ignored, and the model answers a
        # turn scripted as a function call in plain Markdown text instead.
        self.named_tool_choice_enabled = True
        # Off: tool_choice "required" is ignored the same way. llama-server refuses the named
        # object ("Wrong type supplied for parameter 'tool_choice'") but forces a call for
        # the string "required"; some servers ignore both.
        self.required_tool_choice_enabled = True
        # Off: `text.format` is not passed on to the model (llama-server drops it), so a
        # turn scripted as a JSON message comes back as an unguided model writes JSON: in a
        # ```json fence, each answer_index as a choice letter ("A" = the first choice).
        self.text_format_enabled = True
        # Off: /files and /vector_stores routes are 404.
        self.files_enabled = True
        self.vector_stores_enabled = True
        # On: `stream: true` is ignored and the whole response comes back as plain JSON.
        self.stream_ignored = False
        # On: every stream is cut (the connection closed) right after its headers, before
        # any event, as a proxy that cannot pass SSE through does.
        self.stream_broken = False
        # On: every response starts with a reasoning item (as reasoning models return), with
        # encrypted_content when include asked for "reasoning.encrypted_content".
        self.reasoning_items = False
        # Off: a request with `reasoning` is refused, 400 naming the parameter, as a server
        # (or a model) without reasoning options does; the same for `text.verbosity`.
        self.reasoning_enabled = True
        self.verbosity_enabled = True
        # Off: a request with an input_image is refused as llama-server refuses it without a
        # vision projector (mmproj): 500, "image input is not supported".
        self.image_input_enabled = True

    # ------------------------------------------------------------------ lifecycle
    async def __aenter__(self) -> FakeOpenAI:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        oav.load_spec()  # parse up front so the first request isn't slowed by it
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        # handler_cancellation: a client that times out and hangs up must not leave a
        # delayed handler running into teardown.
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self.base_url = f"http://127.0.0.1:{port}/v1"

    async def close(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ------------------------------------------------------------------ scripting
    def queue_function_call(
        self, name: str, arguments: str | Mapping[str, Any], call_id: str | None = None
    ) -> str:
        """Script the next response to be one function call; returns its call_id."""
        cid = call_id or _alnum_id("call_", 24)
        self.queue_handler(lambda _b, _c: [function_call_item(name, arguments, cid)])
        return cid

    def queue_message(self, text: str, annotations: list[JSON] | None = None) -> None:
        """Script an assistant message. Annotations default to ``file_citation``."""
        self.queue_handler(lambda _b, _c: [message_item(text, annotations)])

    def queue_file_search(self, results: list[JSON] | None = None) -> None:
        """Prepend a ``file_search_call`` to the next queued turn.

        ``results`` entries are ``{file_id, filename, text, score}``; missing text/filename
        are taken from the stored file. ``None`` searches the request's vector stores.
        Results are only returned when the request asked for
        ``include=["file_search_call.results"]``, as the real API does.
        """
        self._pending_prefix.append({"__results__": results})

    def queue_handler(self, fn: Handler) -> None:
        """``fn(request_body, conversation_items) -> output items`` (may be async)."""
        self._turns.append(_Turn(prefix=self._pending_prefix, handler=fn))
        self._pending_prefix = []

    def solver_picks(self, question: str, choice: str, confidence: float = 0.9) -> None:
        """From now on the solver answers `choice` (its text) to any question whose text
        contains `question`."""
        self.solver_overrides.insert(0, (question, choice, confidence))

    @property
    def solve_requests(self) -> list[Req]:
        return [r for r in self.requests_to("/responses", "POST") if _is_solve(r.json)]

    @property
    def writer_requests(self) -> list[Req]:
        """The POST /responses that write a quiz or its feedback: all but the solves."""
        return [r for r in self.requests_to("/responses", "POST") if not _is_solve(r.json)]

    def _solver(self, body: JSON, context: list[JSON]) -> list[JSON]:
        """Answers a solve request: the override's choice, else the key as written."""
        asked = json.loads(_last_user_text(context) or "{}").get("questions", [])
        answers = []
        for n, q in enumerate(asked, 1):
            choices = [str(c) for c in q.get("choices", [])]
            text = str(q.get("question", ""))
            pick, confidence = self._solver_pick(text, choices)
            answers.append({"number": n, "choice": pick, "confidence": confidence})
        return [function_call_item(SOLVE_TOOL, {"answers": answers}, _alnum_id("call_", 24))]

    def _solver_pick(self, text: str, choices: list[str]) -> tuple[int, float]:
        for needle, choice, confidence in self.solver_overrides:
            if needle in text and choice in choices:
                return choices.index(choice), confidence
        for quiz in reversed(self.written_quizzes):
            for q in quiz.get("questions") or []:
                if isinstance(q, dict) and q.get("question_text", "").strip() == text:
                    key = q["choices"][q["answer_index"]]
                    # The bot strips numbering like "1. " from choices: match the end.
                    for i, c in enumerate(choices):
                        if str(key).endswith(c):
                            return i, 0.95
        return 0, 0.1  # a guess: an unknown question

    @property
    def pending_turns(self) -> int:
        return len(self._turns)

    def fail_next(
        self,
        status: int,
        *,
        times: int = 1,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
        path: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests (optionally only those under ``path``)
        with ``status``; no queued turn is consumed."""
        self._faults.append(_Fault(status, times, dict(headers or {}), body, path))

    def delay_next(self, seconds: float, *, path: str | None = None) -> None:
        """Sleep before handling the next request (to trigger client timeouts)."""
        self._delays.append((seconds, path))

    def drop_stream_after(self, n_events: int) -> None:
        """Cut the connection after ``n_events`` SSE events of the next stream (once)."""
        self._drop_after = n_events

    # ------------------------------------------------------------------ inspection
    def requests_to(self, path_prefix: str, method: str | None = None) -> list[Req]:
        prefix = self._full_path(path_prefix)
        return [
            r
            for r in self.requests
            if r.path.startswith(prefix) and (method is None or r.method == method.upper())
        ]

    async def wait_for_request(
        self,
        path_prefix: str,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109 - bounding the wait is this helper's job
    ) -> list[Req]:
        async def _wait() -> None:
            async with self._request_seen:
                await self._request_seen.wait_for(
                    lambda: len(self.requests_to(path_prefix)) >= count
                )

        try:
            await asyncio.wait_for(_wait(), timeout)
        except TimeoutError:
            got = len(self.requests_to(path_prefix))
            raise AssertionError(
                f"expected {count} request(s) to {path_prefix}, got {got} in {timeout}s"
            ) from None
        return self.requests_to(path_prefix)

    def file_content(self, file_id: str) -> bytes:
        return self.files[file_id].content

    @staticmethod
    def _full_path(path: str) -> str:
        if not path.startswith("/"):
            path = "/" + path
        return path if path.startswith(oav.API_PREFIX) else oav.API_PREFIX + path

    # ------------------------------------------------------------------ plumbing
    def _violation(self, msg: str) -> None:
        self.violations.append(msg)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        """Handle one request, counting how many to its path are handled at once."""
        path = request.path
        self._in_flight[path] = self._in_flight.get(path, 0) + 1
        self.peak_in_flight[path] = max(self.peak_in_flight.get(path, 0), self._in_flight[path])
        try:
            return await self._handle(request)
        finally:
            self._in_flight[path] -= 1

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        request_id = _hex_id("req_")[:36]
        req = await self._record(request)
        label = f"{request.method} {request.path}"
        matched = oav.find_operation(request.method, request.path)
        if matched is None or not request.path.startswith(oav.API_PREFIX + "/"):
            self._violation(f"{label}: no such operation in the OpenAPI spec")
            return self._json(404, _error_body(f"Invalid URL ({label})"), request_id, None)
        op, path_params = matched
        self._check_request(op, req, request, label)
        if self.api_key is not None and (
            request.headers.get("Authorization") != f"Bearer {self.api_key}"
        ):
            body = _error_body("Incorrect API key provided.", code="invalid_api_key")
            return self._json(401, body, request_id, None)

        await self._injected_delay(request.path)
        injected = self._injected_fault(request.path, request_id)
        if injected is not None:
            return injected

        missing = self._switched_off(op.template)
        if missing is not None:
            # What llama-server and similar servers answer for a route they do not have.
            return self._json(404, _error_body(f"{missing}: File Not Found"), request_id, None)

        route = self._routes().get((op.method, op.template))
        if route is None:
            self._violation(f"{label}: {op.operation_id} is in the spec but not faked")
            return self._json(
                501, _error_body(f"{op.operation_id} not implemented by fake"), request_id, None
            )
        try:
            result = await route(request, req, path_params, request_id, op)
        except ApiError as err:
            return self._json(err.status, err.body, request_id, None)
        except Exception as exc:  # noqa: BLE001 - a fake bug must surface in violations
            self._violation(f"{label}: fake crashed: {exc!r}")
            return self._json(
                500, _error_body(f"fake crashed: {exc!r}", type_="server_error"), request_id, None
            )
        if isinstance(result, web.StreamResponse):
            return result
        return self._json(200, result, request_id, op)

    async def _injected_delay(self, path: str) -> None:
        """The first delay queued for this path (see delay_next), taken off the queue."""
        for i, (seconds, prefix) in enumerate(self._delays):
            if prefix is None or path.startswith(self._full_path(prefix)):
                del self._delays[i]
                # Waits on the close event so teardown never blocks on a long delay.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), seconds)
                break

    def _injected_fault(self, path: str, request_id: str) -> web.Response | None:
        """The answer of the first fault queued for this path (see fail_next), if any."""
        for fault in self._faults:
            if fault.path is None or path.startswith(self._full_path(fault.path)):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                body = (
                    fault.body
                    if fault.body is not None
                    else _error_body(
                        f"Injected failure ({fault.status})",
                        type_="server_error" if fault.status >= 500 else "invalid_request_error",
                    )
                )
                headers = {"x-request-id": request_id, **fault.headers}
                return web.json_response(body, status=fault.status, headers=headers)
        return None

    def _switched_off(self, template: str) -> str | None:
        for prefix, enabled in (
            ("/conversations", self.conversations_enabled),
            ("/files", self.files_enabled),
            ("/vector_stores", self.vector_stores_enabled),
        ):
            if not enabled and template.startswith(prefix):
                return prefix
        return None

    async def _record(self, request: web.Request) -> Req:
        body: Any = None
        form: dict[str, Any] | None = None
        if request.content_type == "multipart/form-data":
            form = {}
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                if part.filename is not None:
                    form[part.name] = {
                        "filename": part.filename,
                        "content_type": part.headers.get("Content-Type", ""),
                        "content": await part.read(),
                    }
                else:
                    form[part.name] = await part.text()
        elif request.can_read_body:
            raw = await request.read()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
                self._violation(f"{request.method} {request.path}: body is not JSON")
        req = Req(
            method=request.method,
            path=request.path,
            query=dict(request.query),
            headers=CIMultiDict(request.headers),
            json=body,
            form=form,
            query_items=list(request.query.items()),
        )
        self.requests.append(req)
        async with self._request_seen:
            self._request_seen.notify_all()
        return req

    def _check_request(self, op: oav.Operation, req: Req, request: web.Request, label: str) -> None:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or not auth[len("Bearer ") :].strip():
            self._violation(f"{label}: missing 'Authorization: Bearer ...' header")
        for problem in oav.validate_query(op, req.query_items):
            self._violation(f"{label}: {problem}")
        if not op.request_content:
            if req.json is not None or req.form:
                self._violation(f"{label}: operation takes no body but one was sent")
            return
        ctype = request.content_type
        schema = op.request_schema(ctype)
        if schema is None:
            self._violation(
                f"{label}: content type {ctype!r} not accepted (spec: {sorted(op.request_content)})"
            )
            return
        if ctype == "multipart/form-data":
            instance: Any = _form_instance(req.form or {})
        else:
            instance = req.json
            if instance is None and not op.request_required:
                return
        for problem in oav.validate_ref(instance, schema):
            self._violation(f"{label} request body {problem}")

    def _json(
        self, status: int, body: Any, request_id: str, op: oav.Operation | None
    ) -> web.Response:
        label = f"response of {op.method} {op.template}" if op else "error response"
        if status == 200 and op is not None:
            schema = op.success_schema("application/json")
            if schema is None:
                self._violation(f"{label}: spec declares no JSON success body")
            else:
                for problem in oav.validate_ref(body, schema):
                    self._violation(f"fake {label} {problem}")
        elif status >= 400:
            for problem in oav.validate_schema(body, "ErrorResponse"):
                self._violation(f"fake {label} {problem}")
        headers = {"x-request-id": request_id}
        if op is not None and op.template.startswith("/vector_stores"):
            # The SDK's *_and_poll helpers sleep this long between polls (1 s without it).
            headers["openai-poll-after-ms"] = str(self.poll_after_ms)
        return web.json_response(body, status=status, headers=headers)

    RouteFn = Callable[
        [web.Request, Req, dict[str, str], str, oav.Operation],
        Awaitable["JSON | web.StreamResponse"],
    ]

    def _routes(self) -> dict[tuple[str, str], RouteFn]:
        return {
            ("POST", "/conversations"): self._create_conversation,
            ("GET", "/conversations/{conversation_id}"): self._get_conversation,
            ("DELETE", "/conversations/{conversation_id}"): self._delete_conversation,
            ("GET", "/conversations/{conversation_id}/items"): self._list_items,
            ("POST", "/responses"): self._create_response,
            ("GET", "/responses/{response_id}"): self._get_response,
            ("GET", "/models/{model}"): self._get_model,
            ("POST", "/files"): self._create_file,
            ("GET", "/files"): self._list_files,
            ("GET", "/vector_stores"): self._list_vector_stores,
            ("GET", "/files/{file_id}"): self._get_file,
            ("DELETE", "/files/{file_id}"): self._delete_file,
            ("POST", "/vector_stores"): self._create_vector_store,
            ("GET", "/vector_stores/{vector_store_id}"): self._get_vector_store,
            ("DELETE", "/vector_stores/{vector_store_id}"): self._delete_vector_store,
            ("POST", "/vector_stores/{vector_store_id}/files"): self._create_vs_file,
            ("GET", "/vector_stores/{vector_store_id}/files/{file_id}"): self._get_vs_file,
            ("DELETE", "/vector_stores/{vector_store_id}/files/{file_id}"): self._delete_vs_file,
        }

    # ------------------------------------------------------------------ conversations
    def _conversation(self, conv_id: str, param: str | None = None) -> list[JSON]:
        if conv_id not in self.conversations:
            raise ApiError(404, f"Conversation with id '{conv_id}' not found.", param=param)
        return self.conversations[conv_id]

    def _conv_resource(self, conv_id: str) -> JSON:
        meta = self._conv_meta[conv_id]
        return {
            "id": conv_id,
            "object": "conversation",
            "metadata": meta["metadata"],
            "created_at": meta["created_at"],
        }

    async def _create_conversation(
        self, _r: web.Request, req: Req, _p: dict[str, str], _rid: str, _op: oav.Operation
    ) -> JSON:
        body = req.json if isinstance(req.json, dict) else {}
        conv_id = _hex_id("conv_")
        items = [_to_conversation_item(i) for i in body.get("items") or []]
        self.conversations[conv_id] = items
        self._conv_meta[conv_id] = {
            "metadata": body.get("metadata") or {},
            "created_at": int(time.time()),
        }
        return self._conv_resource(conv_id)

    async def _get_conversation(
        self, _r: web.Request, _req: Req, p: dict[str, str], _rid: str, _op: oav.Operation
    ) -> JSON:
        self._conversation(p["conversation_id"])
        return self._conv_resource(p["conversation_id"])

    async def _delete_conversation(
        self, _r: web.Request, _req: Req, p: dict[str, str], _rid: str, _op: oav.Operation
    ) -> JSON:
        conv_id = p["conversation_id"]
        self._conversation(conv_id)
        del self.conversations[conv_id]
        del self._conv_meta[conv_id]
        return {"id": conv_id, "object": "conversation.deleted", "deleted": True}

    async def _list_items(
        self, _r: web.Request, req: Req, p: dict[str, str], _rid: str, _op: oav.Operation
    ) -> JSON:
        items = list(self._conversation(p["conversation_id"]))
        order = req.query.get("order", "desc")
        if order == "desc":
            items.reverse()
        after = req.query.get("after")
        if after is not None:
            ids = [i["id"] for i in items]
            if after not in ids:
                raise ApiError(400, f"Item with id '{after}' not found.", param="after")
            items = items[ids.index(after) + 1 :]
        try:
            limit = int(req.query.get("limit", "20"))
        except ValueError:
            raise ApiError(400, "Invalid 'limit'", param="limit") from None
        if not 1 <= limit <= 100:
            raise ApiError(400, "Invalid 'limit': must be between 1 and 100.", param="limit")
        page = items[:limit]
        return {
            "object": "list",
            "data": page,
            "has_more": len(items) > limit,
            # Spec requires strings even for an empty page.
            "first_id": page[0]["id"] if page else "",
            "last_id": page[-1]["id"] if page else "",
        }

    # ------------------------------------------------------------------ responses
    async def _create_response(
        self, request: web.Request, req: Req, _p: dict[str, str], request_id: str, op: oav.Operation
    ) -> JSON | web.StreamResponse:
        body: JSON = req.json if isinstance(req.json, dict) else {}
        conv_param = body.get("conversation")
        conv_id = conv_param.get("id") if isinstance(conv_param, dict) else conv_param
        prev_id = body.get("previous_response_id")
        self._check_response_parameters(body, conv_id, prev_id)
        history = self._history(conv_id, prev_id)
        stored = _or_default(body.get("store"), True)
        input_items = self._input_items(body, history, stored)
        context = [*history, *input_items]
        output = await self._model_output(body, context)
        output, cut = _within_budget(output, body.get("max_output_tokens"))
        response = self._response_object(body, output, conv_id, input_items)
        if cut:
            # What the API does when the model reaches max_output_tokens.
            response.update(
                status="incomplete",
                completed_at=None,
                incomplete_details={"reason": "max_output_tokens"},
            )
        self.created.append(response)
        if stored:
            # Only stored responses can be retrieved or continued from.
            self.responses[response["id"]] = response
            self._response_context[response["id"]] = [*context, *output]
        if conv_id is not None:
            # Stored at once (before any streaming) like the server-side state of the real
            # API: a client that loses the stream still finds the turn in the conversation.
            self.conversations[str(conv_id)].extend(
                [*input_items, *(_to_conversation_item(o) for o in output)]
            )
        if body.get("stream") and not self.stream_ignored:
            if conv_id is None:
                return await self._stream(request, response, request_id)
            # In progress until its stream has ended: the conversation is locked meanwhile.
            self._busy_conversations.add(str(conv_id))
            try:
                return await self._stream(request, response, request_id)
            finally:
                self._busy_conversations.discard(str(conv_id))
        return response

    def _check_response_parameters(self, body: JSON, conv_id: Any, prev_id: Any) -> None:
        """Parameters refused before anything is read: by the real API, or by a server
        without the feature (each switch off)."""
        if conv_id is not None and prev_id is not None:
            raise ApiError(
                400,
                "Mutually exclusive parameters: Ensure you are only providing "
                "one of: 'previous_response_id' or 'conversation'.",
                param="conversation",
                code="mutually_exclusive_parameters",
            )
        budget = body.get("max_output_tokens")
        if isinstance(budget, int) and budget < MIN_OUTPUT_TOKENS:
            # What the real API answers (the spec's CreateResponse says "minimum": 16).
            raise ApiError(
                400,
                f"Invalid 'max_output_tokens': integer below minimum value. Expected a value"
                f" >= {MIN_OUTPUT_TOKENS}, but got {budget} instead.",
                param="max_output_tokens",
                code="integer_below_min_value",
            )
        if prev_id is not None and not self.previous_response_id_enabled:
            raise ApiError(
                400,
                "This server does not support 'previous_response_id'.",
                param="previous_response_id",
            )
        if "reasoning" in body and not self.reasoning_enabled:
            raise ApiError(
                400,
                "Unsupported parameter: 'reasoning' is not supported with this model.",
                param="reasoning",
                code="unsupported_parameter",
            )
        if "verbosity" in (body.get("text") or {}) and not self.verbosity_enabled:
            raise ApiError(
                400,
                "Unsupported parameter: 'text.verbosity' is not supported with this model.",
                param="text.verbosity",
                code="unsupported_parameter",
            )

    def _history(self, conv_id: Any, prev_id: Any) -> list[JSON]:
        """The context a response continues: its conversation's, its previous response's,
        or none."""
        if conv_id is not None:
            history: list[JSON] = self._conversation(str(conv_id), param="conversation")
            if str(conv_id) in self._busy_conversations:
                # The real API's answer while a response on the conversation is in progress.
                raise ApiError(
                    400,
                    "Another process is currently operating on this conversation. "
                    "Please retry in a few seconds.",
                    param="conversation",
                    code="conversation_locked",
                )
            return history
        if prev_id is not None:
            if prev_id not in self._response_context:
                raise ApiError(
                    404,
                    f"Previous response with id '{prev_id}' not found.",
                    param="previous_response_id",
                )
            return self._response_context[prev_id]
        return []

    def _input_items(self, body: JSON, history: list[JSON], stored: bool) -> list[JSON]:
        """The request's input as conversation items, refused where it points at what the
        server does not have (an unstored reasoning item, an unknown call)."""
        raw_input = body.get("input")
        if isinstance(raw_input, str):
            raw_input = [{"role": "user", "content": raw_input}]
        self._check_images(raw_input)
        input_items = [_to_conversation_item(i) for i in raw_input or [] if isinstance(i, dict)]

        for item in input_items:
            if item.get("type") == "reasoning" and not stored and not item.get("encrypted_content"):
                # Without store the server kept nothing: a reasoning item must carry itself.
                raise ApiError(
                    404,
                    f"Item with id '{item.get('id')}' not found. Items are not persisted when "
                    "`store` is set to false.",
                    param="input",
                )

        known_calls = {i.get("call_id") for i in history if i.get("type") == "function_call"}
        for item in input_items:
            if item.get("type") == "function_call":
                known_calls.add(item.get("call_id"))
            if (
                item.get("type") == "function_call_output"
                and item.get("call_id") not in known_calls
            ):
                raise ApiError(
                    400,
                    "No tool call found for function call output with call_id "
                    f"{item.get('call_id')}.",
                    param="input",
                )
        return input_items

    async def _model_output(self, body: JSON, context: list[JSON]) -> list[JSON]:
        """The next queued turn (or the solver's), as the server would return its items."""
        if _is_solve(body):
            self._turns.insert(0, _Turn(prefix=[], handler=self._solver))
        if not self._turns:
            self._violation("unexpected /responses call (no queued model turn)")
            raise ApiError(
                500,
                "unexpected /responses call: the test queued no model turn",
                type_="server_error",
            )
        turn = self._turns.pop(0)
        produced = turn.handler(body, context)
        if inspect.isawaitable(produced):
            produced = await produced
        output = self._reasoning_output(body)
        output += [self._file_search_output(spec, body, context) for spec in turn.prefix]
        output += [
            self._text_format_ignored(
                body, self._tool_choice_ignored(body, _normalise_output_item(i))
            )
            for i in produced
        ]
        for item in output:
            if item.get("type") == "function_call" and item.get("name") == "generate_quiz":
                with contextlib.suppress(ValueError):
                    self.written_quizzes.append(json.loads(item["arguments"]))
        return output

    def _check_images(self, raw_input: Any) -> None:
        """input_image parts: a base64 data URL of an image (or an uploaded file's id), and
        never a Telegram file URL, which carries the bot's token."""
        parts = [
            part
            for item in raw_input or []
            if isinstance(item, dict) and isinstance(item.get("content"), list)
            for part in item["content"]
            if isinstance(part, dict) and part.get("type") == "input_image"
        ]
        for part in parts:
            url = part.get("image_url")
            if part.get("file_id") is not None and url is None:
                continue
            if not isinstance(url, str):
                self._violation("input_image: neither image_url nor file_id")
                continue
            if "/file/bot" in url or "api.telegram.org" in url:
                self._violation("input_image: a Telegram file URL (it holds the bot token)")
                continue
            found = _DATA_URL.fullmatch(url)
            if found is None:
                self._violation(f"input_image: not a base64 image data URL: {url[:60]!r}")
                continue
            try:
                data = base64.b64decode(found["data"], validate=True)
            except binascii.Error:
                self._violation("input_image: the data URL's base64 does not decode")
                continue
            self.images.append((found["type"], data))
        if parts and not self.image_input_enabled:
            raise ApiError(
                500,
                "image input is not supported - hint: if this is unexpected, you may need to "
                "provide the mmproj",
                type_="server_error",
            )

    def _reasoning_output(self, body: JSON) -> list[JSON]:
        if not self.reasoning_items:
            return []
        encrypted = "reasoning.encrypted_content" in (body.get("include") or [])
        return [
            {
                "type": "reasoning",
                "id": _hex_id("rs_"),
                "summary": [],
                "encrypted_content": secrets.token_urlsafe(32) if encrypted else None,
            }
        ]

    def _tool_choice_ignored(self, body: JSON, item: JSON) -> JSON:
        """A server that ignores a forced tool_choice: the model writes the call as text."""
        choice = body.get("tool_choice")
        ignored = (isinstance(choice, dict) and not self.named_tool_choice_enabled) or (
            choice == "required" and not self.required_tool_choice_enabled
        )
        if not ignored or item.get("type") != "function_call":
            return item
        try:
            args = json.loads(item["arguments"])
        except ValueError:
            args = {}
        lines = [f"# {args.get('title', 'Quiz')}"] if isinstance(args, dict) else []
        questions = args.get("questions") if isinstance(args, dict) else None
        for n, q in enumerate(questions if isinstance(questions, list) else [], 1):
            if isinstance(q, dict):
                lines.append(f"{n}. {q.get('question_text', '')}")
                lines += [f"   - {c}" for c in q.get("choices") or []]
        return message_item("Here is your quiz:\n\n" + "\n".join(lines))

    def _text_format_ignored(self, body: JSON, item: JSON) -> JSON:
        """A server that drops text.format: the model writes its JSON fenced, keys lettered."""
        fmt = (body.get("text") or {}).get("format") or {}
        if self.text_format_enabled or fmt.get("type") != "json_schema":
            return item
        if item.get("type") != "message":
            return item
        text = "".join(str(c.get("text", "")) for c in item.get("content") or [])
        try:
            quiz = json.loads(text)
        except ValueError:
            return item
        for q in quiz.get("questions") or [] if isinstance(quiz, dict) else []:
            if isinstance(q, dict) and isinstance(q.get("answer_index"), int):
                q["answer_index"] = "ABCDEFGHIJKL"[q["answer_index"]]
        fenced = json.dumps(quiz, ensure_ascii=False, indent=2)
        return message_item(f"```json\n{fenced}\n```")

    def _file_search_output(self, spec: JSON, body: JSON, context: list[JSON]) -> JSON:
        results: list[JSON] | None = spec["__results__"]
        query = _last_user_text(context)
        if results is None:
            results = self._search_vector_stores(body, query)
        filled = []
        for r in results:
            entry = dict(r)
            stored = self.files.get(str(entry.get("file_id", "")))
            if stored is not None:
                entry.setdefault("filename", stored.obj["filename"])
                entry.setdefault("text", stored.content.decode(errors="replace")[:800])
            entry.setdefault("score", 0.9)
            entry.setdefault("attributes", {})
            filled.append(entry)
        wants_results = "file_search_call.results" in (body.get("include") or [])
        return file_search_item([query] if query else [], filled if wants_results else None)

    def _search_vector_stores(self, body: JSON, query: str) -> list[JSON]:
        vs_ids = [
            vid
            for tool in body.get("tools") or []
            if tool.get("type") == "file_search"
            for vid in tool.get("vector_store_ids") or []
        ]
        words = {w.lower() for w in query.split() if len(w) > 3}
        results: list[JSON] = []
        for (vs_id, file_id), vs_file in self.vector_store_files.items():
            if (
                vs_id not in vs_ids
                or vs_file.obj["status"] == "failed"
                or file_id not in self.files
            ):
                continue
            text = self.files[file_id].content.decode(errors="replace")
            for start in range(0, max(len(text), 1), 800):
                chunk = text[start : start + 800]
                hits = sum(1 for w in words if w in chunk.lower())
                results.append(
                    {
                        "file_id": file_id,
                        "text": chunk,
                        "score": round(0.5 + 0.5 * hits / max(len(words), 1), 3),
                    }
                )
        results.sort(key=lambda r: -float(r["score"]))
        return results[:5]

    def _response_object(
        self, body: JSON, output: list[JSON], conv_id: Any, input_items: list[JSON]
    ) -> JSON:
        tools = [
            {"strict": True, **t} if t.get("type") == "function" else dict(t)
            for t in body.get("tools") or []
        ]
        in_tokens = max(1, len(json.dumps(input_items)) // 4)
        out_tokens = max(1, len(json.dumps(output)) // 4)
        now = int(time.time())
        return {
            "id": _hex_id("resp_"),
            "object": "response",
            "created_at": now,
            "status": "completed",
            "completed_at": now,
            "background": False,
            "error": None,
            "incomplete_details": None,
            "instructions": body.get("instructions"),
            "max_output_tokens": body.get("max_output_tokens"),
            "max_tool_calls": body.get("max_tool_calls"),
            "model": body.get("model", "gpt-5"),
            "output": output,
            "parallel_tool_calls": _or_default(body.get("parallel_tool_calls"), True),
            "previous_response_id": body.get("previous_response_id"),
            "conversation": {"id": conv_id} if conv_id is not None else None,
            "reasoning": body.get("reasoning") or {"effort": None, "summary": None},
            "service_tier": "default",
            "store": _or_default(body.get("store"), True),
            "temperature": _or_default(body.get("temperature"), 1.0),
            "text": body.get("text") or {"format": {"type": "text"}, "verbosity": "medium"},
            "tool_choice": body.get("tool_choice") or "auto",
            "tools": tools,
            "top_logprobs": body.get("top_logprobs") or 0,
            "top_p": _or_default(body.get("top_p"), 1.0),
            "truncation": body.get("truncation") or "disabled",
            "usage": {
                "input_tokens": in_tokens,
                "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                "output_tokens": out_tokens,
                "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": in_tokens + out_tokens,
            },
            "metadata": body.get("metadata") or {},
            "prompt_cache_key": body.get("prompt_cache_key"),
            "safety_identifier": body.get("safety_identifier"),
        }

    async def _get_response(
        self, _r: web.Request, _req: Req, p: dict[str, str], _rid: str, _op: oav.Operation
    ) -> JSON:
        resp = self.responses.get(p["response_id"])
        if resp is None:
            raise ApiError(404, f"Response with id '{p['response_id']}' not found.")
        return resp

    # ------------------------------------------------------------------ streaming
    def _stream_events(self, response: JSON) -> list[JSON]:
        """The SSE event sequence the real API sends for ``response``."""
        # The spec types ``usage`` as an object (never null), so a not-yet-finished
        # response omits it rather than sending null.
        in_progress = {k: v for k, v in response.items() if k != "usage"}
        in_progress.update(status="in_progress", output=[], completed_at=None)
        events: list[JSON] = [
            {"type": "response.created", "response": in_progress},
            {"type": "response.in_progress", "response": in_progress},
        ]
        for idx, item in enumerate(response["output"]):
            events += self._item_events(idx, item)
            events.append({"type": "response.output_item.done", "output_index": idx, "item": item})
        final = (
            "response.incomplete" if response["status"] == "incomplete" else "response.completed"
        )
        events.append({"type": final, "response": response})
        for seq, event in enumerate(events):
            event["sequence_number"] = seq
        return events

    def _chunks(self, text: str) -> list[str]:
        size = max(1, self.stream_chunk_size)
        return [text[i : i + size] for i in range(0, len(text), size)] or [""]

    def _item_events(self, idx: int, item: JSON) -> list[JSON]:
        """One output item's events, from its `added` up to (not with) its `done`."""
        typ = item["type"]
        at = {"output_index": idx}
        if typ == "function_call":
            at_item = {"item_id": item["id"], **at}
            return [
                {
                    "type": "response.output_item.added",
                    **at,
                    "item": {**item, "arguments": "", "status": "in_progress"},
                },
                *(
                    {"type": "response.function_call_arguments.delta", **at_item, "delta": piece}
                    for piece in self._chunks(item["arguments"])
                ),
                {
                    "type": "response.function_call_arguments.done",
                    **at_item,
                    "name": item["name"],
                    "arguments": item["arguments"],
                },
            ]
        if typ == "message":
            events: list[JSON] = [
                {
                    "type": "response.output_item.added",
                    **at,
                    "item": {**item, "content": [], "status": "in_progress"},
                }
            ]
            for cidx, part in enumerate(item["content"]):
                if part.get("type") == "output_text":
                    events += self._text_part_events(item["id"], idx, cidx, part)
            return events
        if typ == "file_search_call":
            added = {**item, "status": "in_progress", "results": None}
            return [
                {"type": "response.output_item.added", **at, "item": added},
                *(
                    {"type": f"response.file_search_call.{phase}", **at, "item_id": item["id"]}
                    for phase in ("in_progress", "searching", "completed")
                ),
            ]
        return [{"type": "response.output_item.added", **at, "item": item}]

    def _text_part_events(self, item_id: str, idx: int, cidx: int, part: JSON) -> list[JSON]:
        """An output_text part of a message: added empty, its text in deltas, its
        annotations, then done."""
        at = {"item_id": item_id, "output_index": idx, "content_index": cidx}
        empty = {**part, "text": "", "annotations": []}
        return [
            {"type": "response.content_part.added", **at, "part": empty},
            *(
                {"type": "response.output_text.delta", **at, "delta": piece, "logprobs": []}
                for piece in self._chunks(str(part.get("text", "")))
            ),
            *(
                {
                    "type": "response.output_text.annotation.added",
                    **at,
                    "annotation_index": aidx,
                    "annotation": ann,
                }
                for aidx, ann in enumerate(part.get("annotations") or [])
            ),
            {"type": "response.output_text.done", **at, "text": part["text"], "logprobs": []},
            {"type": "response.content_part.done", **at, "part": part},
        ]

    async def _stream(
        self, request: web.Request, response: JSON, request_id: str
    ) -> web.StreamResponse:
        events = self._stream_events(response)
        for event in events:
            self._check_stream_event(event)
        drop_after, self._drop_after = self._drop_after, None
        if self.stream_broken:
            drop_after = 0
        resp = web.StreamResponse(
            status=200,
            headers={
                "Content-Type": "text/event-stream; charset=utf-8",
                "Cache-Control": "no-cache",
                "x-request-id": request_id,
            },
        )
        await resp.prepare(request)
        try:
            for n, event in enumerate(events):
                if drop_after is not None and n >= drop_after:
                    # Abort the TCP connection so the client sees a truncated chunked body,
                    # like a proxy or network cut mid-stream.
                    if request.transport is not None:
                        request.transport.abort()
                    return resp
                if n and self.stream_delay and event["type"].endswith(".delta"):
                    await asyncio.sleep(self.stream_delay)
                payload = json.dumps(event, separators=(",", ":"))
                await resp.write(f"event: {event['type']}\ndata: {payload}\n\n".encode())
            await resp.write_eof()
        except ConnectionResetError:
            # The client gave up (timeout/close); nothing left to tell it.
            pass
        return resp

    def _check_stream_event(self, event: JSON) -> None:
        schema = _stream_event_schemas().get(event["type"])
        if schema is None:
            self._violation(f"fake SSE event type {event['type']!r} not in ResponseStreamEvent")
            return
        for problem in oav.validate_schema(event, schema):
            self._violation(f"fake SSE {event['type']} ({schema}) {problem}")

    # ------------------------------------------------------------------ files
    def _file(self, file_id: str) -> _StoredFile:
        stored = self.files.get(file_id)
        if stored is None:
            raise ApiError(404, f"No such File object: {file_id}", param="id")
        return stored

    async def _create_file(
        self, _r: web.Request, req: Req, _p: dict[str, str], _rid: str, _op: oav.Operation
    ) -> JSON:
        form = req.form or {}
        upload = form.get("file")
        if not isinstance(upload, dict):
            raise ApiError(400, "Missing required parameter: 'file'.", param="file")
        purpose = form.get("purpose")
        if not purpose:
            raise ApiError(400, "Missing required parameter: 'purpose'.", param="purpose")
        now = int(time.time())
        obj: JSON = {
            "id": _alnum_id("file-", 22),
            "object": "file",
            "bytes": len(upload["content"]),
            "created_at": now,
            "filename": upload["filename"],
            "purpose": purpose,
            "status": "processed",
        }
        seconds = form.get("expires_after[seconds]")
        # The spec types expires_at integer-only, so it is omitted (not null) when unset.
        if seconds is not None and str(seconds).isdigit():
            obj["expires_at"] = now + int(seconds)
        self.files[obj["id"]] = _StoredFile(obj, upload["content"])
        return obj

    @staticmethod
    def _page(objs: list[JSON], query: Mapping[str, str]) -> JSON:
        page = objs[: int(query.get("limit", "20") or 20)]
        return {
            "object": "list",
            "data": page,
            "first_id": page[0]["id"] if page else "",
            "last_id": page[-1]["id"] if page else "",
            "has_more": len(objs) > len(page),
        }

    async def _list_files(
        self, _r: web.Request, req: Req, _p: dict[str, str], _rid: str, _op: oav.Operation
    ) -> JSON:
        return self._page([f.obj for f in self.files.values()], req.query)

    async def _list_vector_stores(
        self, _r: web.Request, req: Req, _p: dict[str, str], _rid: str, _op: oav.Operation
    ) -> JSON:
        return self._page([self._vs_view(v) for v in self.vector_stores], req.query)

    async def _get_model(
        self, _r: web.Request, _req: Req, p: dict[str, str], _rid: str, _op: oav.Operation
    ) -> JSON:
        model = p["model"]
        if model in self.unavailable_models:
            raise ApiError(
                404,
                f"The model `{model}` does not exist or you do not have access to it.",
                code="model_not_found",
            )
        return {"id": model, "object": "model", "created": 1_700_000_000, "owned_by": "system"}

    async def _get_file(
        self, _r: web.Request, _req: Req, p: dict[str, str], _rid: str, _op: oav.Operation
    ) -> JSON:
        return self._file(p["file_id"]).obj

    async def _delete_file(
        self, _r: web.Request, _req: Req, p: dict[str, str], _rid: str, _op: oav.Operation
    ) -> JSON:
        self._file(p["file_id"])
        del self.files[p["file_id"]]
        return {"id": p["file_id"], "object": "file", "deleted": True}

    # ------------------------------------------------------------------ vector stores
    def _vector_store(self, vs_id: str) -> JSON:
        vs = self.vector_stores.get(vs_id)
        if vs is None:
            raise ApiError(404, f"No vector store found with id '{vs_id}'.")
        return vs

    def _vs_view(self, vs_id: str) -> JSON:
        vs = self._vector_store(vs_id)
        counts = {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0}
        usage = 0
        for (vid, _fid), f in self.vector_store_files.items():
            if vid == vs_id:
                counts[f.obj["status"]] += 1
                counts["total"] += 1
                usage += int(f.obj["usage_bytes"])
        status = "in_progress" if counts["in_progress"] else "completed"
        return {**vs, "file_counts": counts, "usage_bytes": usage, "status": status}

    async def _create_vector_store(
        self, _r: web.Request, req: Req, _p: dict[str, str], _rid: str, _op: oav.Operation
    ) -> JSON:
        body: JSON = req.json if isinstance(req.json, dict) else {}
        now = int(time.time())
        vs: JSON = {
            "id": _alnum_id("vs_", 32),
            "object": "vector_store",
            "created_at": now,
            "name": body.get("name") or "",
            "usage_bytes": 0,
            "file_counts": {},
            "status": "completed",
            "expires_at": None,
            "last_active_at": now,
            "metadata": body.get("metadata") or {},
        }
        if isinstance(body.get("expires_after"), dict):
            vs["expires_after"] = body["expires_after"]
            vs["expires_at"] = now + 86400 * int(body["expires_after"].get("days", 1))
        self.vector_stores[vs["id"]] = vs
        for file_id in body.get("file_ids") or []:
            self._attach_file(vs["id"], str(file_id), None)
        return self._vs_view(vs["id"])

    async def _get_vector_store(
        self, _r: web.Request, _req: Req, p: dict[str, str], _rid: str, _op: oav.Operation
    ) -> JSON:
        return self._vs_view(p["vector_store_id"])

    async def _delete_vector_store(
        self, _r: web.Request, _req: Req, p: dict[str, str], _rid: str, _op: oav.Operation
    ) -> JSON:
        vs_id = p["vector_store_id"]
        self._vector_store(vs_id)
        del self.vector_stores[vs_id]
        for key in [k for k in self.vector_store_files if k[0] == vs_id]:
            del self.vector_store_files[key]
        return {"id": vs_id, "object": "vector_store.deleted", "deleted": True}

    def _attach_file(self, vs_id: str, file_id: str, attributes: Any) -> JSON:
        stored = self._file(file_id)
        obj: JSON = {
            "id": file_id,
            "object": "vector_store.file",
            "usage_bytes": len(stored.content),
            "created_at": int(time.time()),
            "vector_store_id": vs_id,
            "status": "in_progress",
            "last_error": None,
            "chunking_strategy": {
                "type": "static",
                "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
            },
            "attributes": attributes or {},
        }
        vs_file = _VsFile(obj)
        self.vector_store_files[(vs_id, file_id)] = vs_file
        if self.vector_store_file_polls <= 0:
            self._settle(vs_file)
        return dict(obj)

    def _settle(self, vs_file: _VsFile) -> None:
        file_id = vs_file.obj["id"]
        filename = self.files[file_id].obj["filename"] if file_id in self.files else ""
        error = (
            self.vector_store_file_errors.get(file_id)
            or self.vector_store_file_errors.get(filename)
            or self.vector_store_file_error
        )
        if error is not None:
            vs_file.obj.update(
                status="failed",
                usage_bytes=0,
                last_error={
                    "code": error.get("code", "server_error"),
                    "message": error.get("message", "File processing failed."),
                },
            )
        else:
            vs_file.obj["status"] = "completed"

    async def _create_vs_file(
        self, _r: web.Request, req: Req, p: dict[str, str], _rid: str, _op: oav.Operation
    ) -> JSON:
        body: JSON = req.json if isinstance(req.json, dict) else {}
        self._vector_store(p["vector_store_id"])
        if not body.get("file_id"):
            raise ApiError(400, "Missing required parameter: 'file_id'.", param="file_id")
        return self._attach_file(p["vector_store_id"], str(body["file_id"]), body.get("attributes"))

    def _vs_file(self, p: dict[str, str]) -> _VsFile:
        self._vector_store(p["vector_store_id"])
        vs_file = self.vector_store_files.get((p["vector_store_id"], p["file_id"]))
        if vs_file is None:
            raise ApiError(
                404,
                f"No file found with id '{p['file_id']}' in vector store '{p['vector_store_id']}'.",
            )
        return vs_file

    async def _get_vs_file(
        self, _r: web.Request, _req: Req, p: dict[str, str], _rid: str, _op: oav.Operation
    ) -> JSON:
        vs_file = self._vs_file(p)
        if vs_file.obj["status"] == "in_progress":
            # The first ``vector_store_file_polls`` retrieves still say in_progress.
            vs_file.polls += 1
            if vs_file.polls > self.vector_store_file_polls:
                self._settle(vs_file)
        return dict(vs_file.obj)

    async def _delete_vs_file(
        self, _r: web.Request, _req: Req, p: dict[str, str], _rid: str, _op: oav.Operation
    ) -> JSON:
        self._vs_file(p)
        del self.vector_store_files[(p["vector_store_id"], p["file_id"])]
        return {"id": p["file_id"], "object": "vector_store.file.deleted", "deleted": True}


# ---------------------------------------------------------------------------
# module helpers
# ---------------------------------------------------------------------------


def _or_default(value: Any, default: Any) -> Any:
    """Echo a request field, using the API default when it was omitted or null."""
    return default if value is None else value


def _form_instance(form: Mapping[str, Any]) -> JSON:
    """Turn a parsed multipart form into the JSON shape its spec schema describes.

    File parts become a string (``format: binary``); ``a[b]=1`` fields (the SDK's
    encoding of nested objects) become nested dicts, with digit strings as ints.
    """
    out: JSON = {}
    for key, value in form.items():
        val: Any = "<binary>" if isinstance(value, dict) else value
        if isinstance(val, str) and val.isdigit():
            val = int(val)
        if "[" in key and key.endswith("]"):
            outer, inner = key[:-1].split("[", 1)
            nested = out.setdefault(outer, {})
            if isinstance(nested, dict):
                nested[inner] = val
        else:
            out[key] = val
    return out


def _to_conversation_item(item: Mapping[str, Any]) -> JSON:
    """Give an input/output item the stored shape the conversation API returns."""
    out = dict(item)
    typ = out.get("type")
    if typ is None and "role" in out:
        typ = out["type"] = "message"
    if typ == "message":
        out.setdefault("id", _hex_id("msg_"))
        out.setdefault("status", "completed")
        content = out.get("content")
        role = out.get("role")
        if isinstance(content, str):
            part_type = "output_text" if role == "assistant" else "input_text"
            content = [{"type": part_type, "text": content}]
        out["content"] = [
            {"annotations": [], "logprobs": [], **part}
            if part.get("type") == "output_text"
            else part
            for part in content or []
        ]
    elif typ == "function_call":
        out.setdefault("id", _hex_id("fc_"))
        out.setdefault("status", "completed")
    elif typ == "function_call_output":
        if not out.get("id"):
            out["id"] = _hex_id("fco_")
        if not out.get("status"):
            out["status"] = "completed"
    else:
        out.setdefault("id", _hex_id("item_"))
    return {k: v for k, v in out.items() if v is not None}


SOLVE_TOOL = "solve_quiz"
# What the API takes as an inline image.
_DATA_URL = re.compile(
    r"data:(?P<type>image/(?:png|jpeg|gif|webp));base64,(?P<data>[A-Za-z0-9+/=]+)"
)


def _written(item: JSON) -> str:
    """What the model wrote in an output item (what its output tokens are spent on)."""
    if item.get("type") == "function_call":
        return str(item.get("arguments", ""))
    if item.get("type") == "message":
        return "".join(str(p.get("text", "")) for p in item.get("content") or [])
    return ""


def _within_budget(output: list[JSON], budget: Any) -> tuple[list[JSON], bool]:
    """The output as a model stopped at `budget` output tokens (a token per four characters
    written) has it: the item that reaches the limit cut short (status `incomplete`), none
    after it; and whether it was cut."""
    if not isinstance(budget, int):
        return output, False
    room = budget * 4
    kept: list[JSON] = []
    for item in output:
        written = _written(item)
        if len(written) <= room:
            kept.append(item)
            room -= len(written)
            continue
        if item.get("type") == "function_call":
            kept.append({**item, "arguments": written[:room], "status": "incomplete"})
        elif item.get("type") == "message":
            part = {**item["content"][0], "text": written[:room]}
            kept.append({**item, "status": "incomplete", "content": [part]})
        return kept, True
    return kept, False


def _is_solve(body: Any) -> bool:
    tools = body.get("tools") if isinstance(body, dict) else None
    return any(isinstance(t, dict) and t.get("name") == SOLVE_TOOL for t in tools or [])


def _last_user_text(items: list[JSON]) -> str:
    for item in reversed(items):
        if item.get("type") == "message" and item.get("role") == "user":
            for part in item.get("content") or []:
                if isinstance(part, dict) and part.get("type") == "input_text":
                    return str(part.get("text", ""))
    return ""


_stream_schema_cache: dict[str, str] = {}


def _stream_event_schemas() -> dict[str, str]:
    """Map SSE ``type`` → the ResponseStreamEvent branch schema that defines it, so
    errors name the exact event schema instead of a 58-way anyOf."""
    if not _stream_schema_cache:
        schemas = oav.load_spec()["components"]["schemas"]
        union = schemas["ResponseStreamEvent"]
        for branch in union.get("anyOf") or union.get("oneOf") or []:
            name = oav.schema_ref_name(branch)
            if name is None:
                continue
            enum = schemas[name].get("properties", {}).get("type", {}).get("enum") or []
            for value in enum:
                _stream_schema_cache[value] = name
    return _stream_schema_cache
