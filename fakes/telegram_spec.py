"""Load the published Telegram Bot API spec and validate values against it.

The spec is the machine-readable dump from PaulSonOfLars/telegram-bot-api-spec. Everything the
fake server accepts or returns goes through :class:`Spec` so the fake cannot silently drift from
the real API: a field the real server does not know, a missing required field or a value of the
wrong type becomes a human-readable problem string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).resolve().parents[1] / "specs" / "telegram-bot-api.json"

_PRIMITIVES = frozenset({"Integer", "Float", "String", "Boolean", "True"})
_ARRAY_PREFIX = "Array of "
# Subtypes are distinguished by a constant field ("status" of ChatMember*, "type" of
# BotCommandScope*, ...). The spec only states the constant in prose, so we parse it; without it
# a ChatMemberMember payload would also "match" ChatMemberLeft.
_CONSTANT_RE = re.compile(r"(?:always|must be) [\"“]?([a-z_]+)[\"”]?\s*$")
_INT_RE = re.compile(r"-?\d+")


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request; it is what the spec calls ``InputFile``."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool
    constant: str | None = None


@dataclass(frozen=True)
class ObjectSpec:
    name: str
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)
    subtypes: tuple[str, ...] = ()


@dataclass(frozen=True)
class MethodSpec:
    name: str
    fields: Mapping[str, FieldSpec]
    returns: tuple[str, ...]


def _fields(raw: Iterable[Mapping[str, Any]]) -> dict[str, FieldSpec]:
    out: dict[str, FieldSpec] = {}
    for f in raw:
        constant = None
        if f["required"] and f["types"] == ["String"]:
            m = _CONSTANT_RE.search(str(f.get("description", "")))
            constant = m.group(1) if m else None
        out[f["name"]] = FieldSpec(f["name"], tuple(f["types"]), bool(f["required"]), constant)
    return out


class Spec:
    """Validator over the Bot API spec. All ``check_*`` methods return a list of problems."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.version: str = str(raw.get("version", "?"))
        self.methods: dict[str, MethodSpec] = {
            name: MethodSpec(name, _fields(m.get("fields", [])), tuple(m["returns"]))
            for name, m in raw["methods"].items()
        }
        self.types: dict[str, ObjectSpec] = {
            name: ObjectSpec(name, _fields(t.get("fields", [])), tuple(t.get("subtypes", [])))
            for name, t in raw["types"].items()
        }

    # -- decoding ---------------------------------------------------------------------------

    def decode_form_value(self, raw: str | UploadedFile, types: Sequence[str] | None) -> Any:
        """Decode one form/query parameter the way Telegram does.

        PTB (and most clients) send strings verbatim and JSON-encode everything else, so the
        spec types decide how a string is read. A value that fits none of the types is returned
        unchanged so the type check reports it instead of the decoder hiding it.
        """
        if isinstance(raw, UploadedFile):
            return raw
        if types is None:
            try:
                return json.loads(raw)
            except ValueError:
                return raw
        # Prefer the non-String interpretation: chat_id "123" is the integer 123.
        for t in sorted(types, key=lambda t: t == "String"):
            if t == "String":
                return raw
            if t == "Integer":
                if _INT_RE.fullmatch(raw):
                    return int(raw)
            elif t == "Float":
                try:
                    return float(raw)
                except ValueError:
                    pass
            elif t in ("Boolean", "True"):
                if raw in ("true", "false"):
                    return raw == "true"
            elif t == "InputFile":
                if raw.startswith("attach://"):
                    return raw
            else:
                try:
                    return json.loads(raw)
                except ValueError:
                    pass
        return raw

    # -- checking ---------------------------------------------------------------------------

    def check_params(self, method: str, params: Mapping[str, Any]) -> list[str]:
        m = self.methods.get(method)
        if m is None:
            return [f"{method}: unknown method (not in Bot API spec {self.version})"]
        problems: list[str] = []
        for name in params:
            if name not in m.fields:
                problems.append(f"{method}: unknown parameter {name!r}")
        for f in m.fields.values():
            if f.name not in params:
                if f.required:
                    problems.append(f"{method}: missing required parameter {f.name!r}")
                continue
            problems += self.check_value(params[f.name], f.types, f"{method}.{f.name}")
        return problems

    def check_result(self, method: str, result: Any) -> list[str]:
        m = self.methods[method]
        return self.check_value(result, m.returns, f"{method}() result")

    def check_value(self, value: Any, types: Sequence[str], path: str) -> list[str]:
        """Problems if ``value`` matches none of ``types`` (reports the closest candidate)."""
        best: list[str] | None = None
        for t in types:
            problems = self._check_one(value, t, path)
            if not problems:
                return []
            if best is None or len(problems) < len(best):
                best = problems
        if len(types) > 1 and best is not None:
            return [f"{path}: {_short(value)} matches none of {list(types)}; closest: {best[0]}"]
        return best or []

    def check_object(self, value: Any, type_name: str, path: str | None = None) -> list[str]:
        return self._check_one(value, type_name, path or type_name)

    def _check_one(self, value: Any, t: str, path: str) -> list[str]:
        if t.startswith(_ARRAY_PREFIX):
            if not isinstance(value, list):
                return [f"{path}: expected {t}, got {_short(value)}"]
            inner = t[len(_ARRAY_PREFIX) :]
            problems: list[str] = []
            for i, item in enumerate(value):
                problems += self._check_one(item, inner, f"{path}[{i}]")
            return problems
        if t in _PRIMITIVES:
            return [] if _primitive_ok(value, t) else [f"{path}: expected {t}, got {_short(value)}"]
        if t == "InputFile":
            ok = isinstance(value, UploadedFile) or (
                isinstance(value, str) and value.startswith("attach://")
            )
            return [] if ok else [f"{path}: expected InputFile upload, got {_short(value)}"]
        spec = self.types.get(t)
        if spec is None:
            return [f"{path}: spec has no type {t!r}"]
        if spec.subtypes:
            candidates = [self._check_one(value, sub, f"{path}<{sub}>") for sub in spec.subtypes]
            if any(not c for c in candidates):
                return []
            closest = min(candidates, key=len)
            return [f"{path}: matches no subtype of {t}; closest: {closest[0]}"]
        if not isinstance(value, dict):
            return [f"{path}: expected {t} object, got {_short(value)}"]
        problems = []
        for key in value:
            if key not in spec.fields:
                problems.append(f"{path}: unknown field {key!r} for {t}")
        for f in spec.fields.values():
            if f.name not in value:
                if f.required:
                    problems.append(f"{path}: missing required field {f.name!r} of {t}")
                continue
            sub = value[f.name]
            problems += self.check_value(sub, f.types, f"{path}.{f.name}")
            if f.constant is not None and sub != f.constant:
                problems.append(f"{path}.{f.name}: {t} requires {f.constant!r}, got {sub!r}")
        return problems


def _primitive_ok(value: Any, t: str) -> bool:
    if t == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if t == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if t == "String":
        return isinstance(value, str)
    if t == "Boolean":
        return isinstance(value, bool)
    return value is True  # "True"


def _short(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:60]}{'…' if len(text) > 60 else ''}"


@cache
def load_spec(path: Path = SPEC_PATH) -> Spec:
    with path.open(encoding="utf-8") as fh:
        return Spec(json.load(fh))
