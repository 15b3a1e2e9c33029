"""For servers that ignore a forced tool_choice: the quiz asked for once more as structured
output (text.format = the quiz's JSON schema, see engine.api.quiz_format).

Such a quiz's call id starts with "text:" and its answers go back as the next user turn, as
there is no function call to pair them with.
"""

from __future__ import annotations

from typing import Final

from openai.types.responses import Response

from engine.api import Item
from engine.base import NoToolCallError, ToolCall
from engine.results import retrieved_chunks, tokens_used
from quiz.grounding import RetrievedChunk

STRUCTURED_PREFIX: Final = "text:"
ASK_STRUCTURED = (
    "Write the whole quiz now as one JSON object in the required format (the same fields as "
    "the generate_quiz function), with no other text."
)
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
        text,
        earlier + retrieved_chunks(response),
        tokens_used(response),
    )


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
