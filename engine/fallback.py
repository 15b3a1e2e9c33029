"""For servers that ignore a forced tool_choice: the quiz asked for once more as structured
output (text.format = the quiz's JSON schema, see engine.api.quiz_format).

Such a quiz's call id starts with "text:" and its answers go back as the next user turn, as
there is no function call to pair them with.

A server may drop text.format too (llama-server does), and then nothing but the words of
the ask guide the model: so the ask and the correction show the shape, and the habits of
models writing JSON unguided are undone here, nothing else: a Markdown code fence or a
`<tool_call>` tag around the object; the quiz wrapped in a tool-call envelope of its own
(`{"name", "arguments"}` with the arguments as an object or a JSON string, or
`{"function": {...}}`), even twice, or with its braces doubled as in a template (`{{…}}`);
the string "null" for an optional field, or the field left out; and an
answer_index given as the choice's letter ("B" = the second choice, as a letter has one
meaning). A number in a string stays a problem for validation: "2" may count from 0 or from
1, and a guessed answer key is worse than one more request.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

from openai.types.responses import Response

from engine.api import Item
from engine.base import NoToolCallError, ToolCall
from engine.results import retrieved_chunks, tokens_used
from quiz.grounding import RetrievedChunk
from quiz.schema import generate_quiz_tool

STRUCTURED_PREFIX: Final = "text:"
# The shape, filled in: what a small model copies most reliably.
EXAMPLE: Final = {
    "title": "A short title",
    "questions": [
        {
            "question_text": "The question?",
            "choices": ["first choice", "second choice", "third choice"],
            "answer_index": 0,
            "explanation": "Why the right choice is right.",
            "source_file": None,
            "source_quote": None,
        }
    ],
}
ASK_STRUCTURED = (
    "Write the whole quiz now as one JSON object of exactly this shape, with no other text "
    "(answer_index is the 0-based position of the right choice in choices):\n" + json.dumps(EXAMPLE)
)
_FENCE = re.compile(r"```[A-Za-z]*[ \t]*\n(.*?)\n?```", re.DOTALL)
# Qwen's and Hermes' chat templates write a call as text between these tags.
_TAG = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|$)", re.DOTALL)
# Deep enough for the envelopes seen (a fence around a tag around two envelopes).
_MAX_UNWRAP: Final = 4
# The nullable fields of a question (QuestionArgs): "null" there means null.
_NULLABLE: Final = ("source_file", "source_quote")
_NULL_WORDS: Final = frozenset({"null", "none"})
_LETTERS: Final = "ABCDEFGHIJKL"  # as many as a poll has choices (PollLimit)
ANSWERS_INTRO = "The quiz's results (the generate_quiz output), as JSON:\n"


def is_structured(call_id: str) -> bool:
    return call_id.startswith(STRUCTURED_PREFIX)


def structured_call(
    conversation_id: str, response: Response, earlier: tuple[RetrievedChunk, ...] = ()
) -> ToolCall:
    text = response.output_text.strip()
    if not text:
        raise NoToolCallError(f"response {response.id} wrote no quiz")
    return ToolCall(
        conversation_id,
        f"{STRUCTURED_PREFIX}{response.id}",
        quiz_arguments(text),
        earlier + retrieved_chunks(response),
        tokens_used(response),
    )


def quiz_arguments(text: str) -> str:
    """The model's text as the quiz's JSON: unwrapped, letter keys as positions, "null" as
    null; text that holds no JSON object is left for validation to name the problem."""
    raw = _json_object_in(text, _MAX_UNWRAP)
    if raw is None:
        return text
    raw = _unwrapped(raw)
    questions = raw.get("questions")
    if isinstance(questions, list):
        raw["questions"] = [unguided_question(q) if isinstance(q, dict) else q for q in questions]
    return json.dumps(raw, ensure_ascii=False)


def unguided_question(question: dict[str, Any]) -> dict[str, Any]:
    """A question as an unguided model wrote it, with its habits undone: a letter key made the
    position it names, and "null" in an optional field, or the field left out, made null."""
    fixed = lettered_key(question)
    for field in _NULLABLE:
        value = fixed.get(field)
        if value is None or (isinstance(value, str) and value.strip().lower() in _NULL_WORDS):
            fixed = {**fixed, field: None}
    return fixed


def lettered_key(question: dict[str, Any]) -> dict[str, Any]:
    """A question with its answer_index "A"…"L" made the position it names."""
    key = question.get("answer_index")
    if isinstance(key, str) and len(key.strip()) == 1 and key.strip().upper() in _LETTERS:
        return {**question, "answer_index": _LETTERS.index(key.strip().upper())}
    return question


def _json_object_in(text: str, depth: int) -> dict[str, Any] | None:
    """The JSON object that `text` is, or that its one fence or one tag holds."""
    text = text.strip()
    raw = _json_object(text)
    if raw is None and text.startswith("{{") and text.endswith("}}"):
        raw = _json_object(text[1:-1])
    if raw is not None or depth == 0:
        return raw
    for pattern in (_FENCE, _TAG):
        found = pattern.findall(text)
        # Two fences or two calls: which one is the quiz is not guessed.
        if len(found) == 1:
            raw = _json_object_in(found[0], depth - 1)
            if raw is not None:
                return raw
    return None


def _unwrapped(raw: dict[str, Any]) -> dict[str, Any]:
    """The quiz inside the tool-call envelopes a model wrapped it in, if any."""
    for _ in range(_MAX_UNWRAP):
        if "questions" in raw:
            return raw
        function = raw.get("function")
        envelope: dict[str, Any] = function if isinstance(function, dict) else raw
        arguments = envelope.get("arguments", envelope.get("parameters"))
        if isinstance(arguments, str):
            arguments = _json_object_in(arguments, _MAX_UNWRAP)
        if not isinstance(arguments, dict):
            return raw
        raw = arguments
    return raw


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError:
        return None
    return raw if isinstance(raw, dict) else None


def correction_text(problems: list[str]) -> str:
    """The problems, and the shape asked for (a server that drops text.format showed the
    model none)."""
    complaint = {
        "error": "The quiz was not accepted.",
        "problems": problems,
        "instruction": (
            "Write the whole corrected quiz again as one JSON object that follows the schema, "
            "like the example, with no other text."
        ),
        "schema": dict(generate_quiz_tool()["parameters"] or {}),
        "example": EXAMPLE,
    }
    return json.dumps(complaint, ensure_ascii=False)


def answers_item(call: ToolCall, output: str) -> Item:
    """The answers as the function's output, or as a user turn after a structured quiz."""
    if is_structured(call.call_id):
        return {"role": "user", "content": ANSWERS_INTRO + output}
    return {"type": "function_call_output", "call_id": call.call_id, "output": output}


def is_answers(item: Item, call_id: str) -> bool:
    """Whether a stored item is the answers to the quiz `call_id`."""
    if not is_structured(call_id):
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
