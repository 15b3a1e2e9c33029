"""Validate requests/responses against the published OpenAI OpenAPI spec.

The spec (``specs/openai-openapi.json``, OpenAPI 3.1) is loaded once per process and
registered whole as a ``referencing`` resource so every ``#/components/...`` $ref
resolves. Two OpenAPI-isms are rewritten before validation because plain Draft 2020-12
would otherwise judge valid payloads wrong:

* ``nullable: true`` (an OpenAPI 3.0 leftover the 3.1 spec still carries in places):
  JSON Schema ignores it, so ``null`` would be rejected. It becomes ``"null"`` in
  ``type`` (or an ``anyOf`` with ``{"type": "null"}`` when there is no ``type``).
* ``oneOf`` + ``discriminator``: OpenAPI picks the branch by the discriminator property,
  so branches may overlap (e.g. ``InputItem`` has both ``EasyInputMessage`` and
  ``Item -> InputMessage``, which both match a typed user message). JSON Schema's
  "exactly one" rule would reject such payloads, so these become ``anyOf``.

Formats (``unixtime``, ``binary``...) are not asserted, like most OpenAPI validators.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parents[1] / "specs" / "openai-openapi.json"
SPEC_URI = "urn:openai-openapi"
API_PREFIX = "/v1"

_HTTP_METHODS = ("get", "post", "put", "patch", "delete")
_MAX_ERRORS = 5


def _rewrite_openapi_isms(node: Any) -> Any:
    """Return a copy of ``node`` with ``nullable`` and discriminated ``oneOf`` normalised."""
    if isinstance(node, list):
        return [_rewrite_openapi_isms(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _rewrite_openapi_isms(v) for k, v in node.items()}
    if out.get("nullable") is True:
        del out["nullable"]
        typ = out.get("type")
        if isinstance(typ, str):
            out["type"] = [typ, "null"]
            if isinstance(out.get("enum"), list) and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        elif isinstance(typ, list):
            if "null" not in typ:
                out["type"] = [*typ, "null"]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    elif out.get("nullable") is False:
        del out["nullable"]
    if isinstance(out.get("discriminator"), dict) and isinstance(out.get("oneOf"), list):
        out["anyOf"] = out.pop("oneOf")
    return out


@functools.cache
def load_spec() -> dict[str, Any]:
    """The normalised spec document (loaded and rewritten once per process)."""
    with SPEC_PATH.open(encoding="utf-8") as fh:
        raw = json.load(fh)
    spec: dict[str, Any] = _rewrite_openapi_isms(raw)
    return spec


@functools.cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = DRAFT202012.create_resource(load_spec())
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
    return registry


@functools.cache
def _validator_for_pointer(pointer: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=_registry())


def schema_names() -> set[str]:
    return set(load_spec()["components"]["schemas"])


def _format_error(err: ValidationError) -> str:
    where = "/".join(str(p) for p in err.absolute_path) or "<root>"
    msg = err.message
    if len(msg) > 300:
        msg = msg[:300] + "..."
    return f"at {where}: {msg}"


def _errors(validator: Draft202012Validator, instance: Any) -> list[str]:
    errors = list(validator.iter_errors(instance))
    out: list[str] = []
    for err in errors[:_MAX_ERRORS]:
        # anyOf failures only say "not valid under any"; best_match digs into the
        # branch that got furthest, which is what a human wants to read.
        deepest = best_match([err]) if err.context else err
        out.append(_format_error(deepest if deepest is not None else err))
    return out


def validate_schema(instance: Any, schema_name: str) -> list[str]:
    """Validate against ``#/components/schemas/<schema_name>``; return problems (empty=ok)."""
    if schema_name not in schema_names():
        raise KeyError(f"no schema {schema_name!r} in the spec")
    return _errors(_validator_for_pointer(f"/components/schemas/{schema_name}"), instance)


def validate_ref(instance: Any, schema: Mapping[str, Any]) -> list[str]:
    """Validate against an inline schema from the spec (may contain ``#/...`` refs)."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#") and len(schema) == 1:
        return _errors(_validator_for_pointer(ref[1:]), instance)
    return _errors(_inline_validator(json.dumps(schema, sort_keys=True)), instance)


@functools.cache
def _inline_validator(schema_json: str) -> Draft202012Validator:
    return Draft202012Validator(_absolutise(json.loads(schema_json)), registry=_registry())


def _absolutise(node: Any) -> Any:
    """Point local ``#/...`` refs of an inline schema at the registered spec resource."""
    if isinstance(node, list):
        return [_absolutise(x) for x in node]
    if isinstance(node, dict):
        return {
            k: (
                f"{SPEC_URI}{v}"
                if k == "$ref" and isinstance(v, str) and v.startswith("#")
                else _absolutise(v)
            )
            for k, v in node.items()
        }
    return node


def schema_ref_name(schema: Mapping[str, Any] | None) -> str | None:
    """``Response`` for ``{"$ref": "#/components/schemas/Response"}``; else None."""
    if not schema:
        return None
    ref = schema.get("$ref")
    prefix = "#/components/schemas/"
    if isinstance(ref, str) and ref.startswith(prefix):
        return ref[len(prefix) :]
    return None


def _deref(node: Any) -> Any:
    """Resolve a (possibly chained) local $ref of a parameter/response object."""
    spec = load_spec()
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 10:
        target: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
        seen += 1
    return node


@dataclass(frozen=True)
class Operation:
    method: str  # upper-case
    template: str  # spec path, e.g. "/conversations/{conversation_id}"
    operation_id: str
    parameters: tuple[dict[str, Any], ...]
    request_content: Mapping[str, Any] = field(default_factory=dict)
    request_required: bool = False
    success_content: Mapping[str, Any] = field(default_factory=dict)

    def request_schema(self, content_type: str) -> dict[str, Any] | None:
        entry = self.request_content.get(content_type)
        return entry.get("schema") if isinstance(entry, dict) else None

    def success_schema(self, content_type: str = "application/json") -> dict[str, Any] | None:
        entry = self.success_content.get(content_type)
        return entry.get("schema") if isinstance(entry, dict) else None


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    rx = "".join(f"(?P<{p[1:-1]}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{rx}$")


@functools.cache
def _operations() -> tuple[tuple[re.Pattern[str], Operation], ...]:
    ops: list[tuple[re.Pattern[str], Operation]] = []
    for template, item in load_spec()["paths"].items():
        shared = [_deref(p) for p in item.get("parameters", [])]
        for method in _HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            params = {(p["in"], p["name"]): p for p in shared}
            for p in op.get("parameters") or []:
                p = _deref(p)
                params[(p["in"], p["name"])] = p
            body = _deref(op.get("requestBody")) or {}
            success: Mapping[str, Any] = {}
            for code in ("200", "201", "202"):
                resp = _deref((op.get("responses") or {}).get(code))
                if isinstance(resp, dict):
                    success = resp.get("content") or {}
                    break
            ops.append(
                (
                    _template_regex(template),
                    Operation(
                        method=method.upper(),
                        template=template,
                        operation_id=str(op.get("operationId", "")),
                        parameters=tuple(params.values()),
                        request_content=body.get("content") or {},
                        request_required=bool(body.get("required", False)),
                        success_content=success,
                    ),
                )
            )
    # Literal templates first so "/vector_stores/search"-like paths beat "{id}" captures.
    ops.sort(key=lambda po: po[1].template.count("{"))
    return tuple(ops)


def find_operation(method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
    """Match an HTTP path (with or without the ``/v1`` prefix) to a spec operation."""
    if path.startswith(API_PREFIX + "/"):
        path = path[len(API_PREFIX) :]
    method = method.upper()
    for rx, op in _operations():
        if op.method != method:
            continue
        m = rx.match(path)
        if m:
            return op, m.groupdict()
    return None


def _coerce_query_value(raw: str, schema: Mapping[str, Any]) -> Any:
    typ = schema.get("type")
    if typ == "integer":
        try:
            return int(raw)
        except ValueError:
            return raw
    if typ == "number":
        try:
            return float(raw)
        except ValueError:
            return raw
    if typ == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    return raw


def validate_query(op: Operation, query: Iterable[tuple[str, str]]) -> list[str]:
    """Check query parameters: declared, required present, values schema-valid.

    Arrays may arrive as ``include=a&include=b`` or ``include[]=a`` (the SDK's
    bracket style); both are accepted.
    """
    declared = {p["name"]: p for p in op.parameters if p.get("in") == "query"}
    values: dict[str, list[str]] = {}
    for key, value in query:
        name = key[:-2] if key.endswith("[]") else key
        values.setdefault(name, []).append(value)
    problems: list[str] = []
    for name, raw_values in values.items():
        param = declared.get(name)
        if param is None:
            problems.append(f"undeclared query parameter {name!r}")
            continue
        schema = _deref(param.get("schema") or {})
        if schema.get("type") == "array":
            item_schema = _deref(schema.get("items") or {})
            instance: Any = [_coerce_query_value(v, item_schema) for v in raw_values]
        else:
            if len(raw_values) > 1:
                problems.append(f"query parameter {name!r} repeated")
            instance = _coerce_query_value(raw_values[-1], schema)
        problems += [f"query {name}: {e}" for e in validate_ref(instance, schema)]
    for name, param in declared.items():
        if param.get("required") and name not in values:
            problems.append(f"missing required query parameter {name!r}")
    return problems
