"""A photo of study material read by the model: the text it shows, written down.

The picture goes inline, as a base64 data URL. Never a Telegram file URL: that holds the bot
token. One short, unstored request per photo, the same in conversation and stateless mode.
"""

from __future__ import annotations

import base64

import openai
from openai import AsyncOpenAI, omit
from openai.types.shared_params import ReasoningEffort

from engine.api import api_errors
from engine.base import EngineError, Transcript
from engine.results import tokens_used

TRANSCRIBE_INSTRUCTIONS = """\
You read study material from a photo: a textbook page, a whiteboard, a slide or handwritten
notes. Write down all the text it shows, word for word and in its own language, in reading
order; keep headings, lists and formulas as plain text. Where a diagram or table carries
content, describe it in one line in square brackets. Do not add, explain or summarise.
If the picture shows no readable text, answer exactly NO_TEXT."""
# The model's answer for a picture without text.
NO_TEXT = "NO_TEXT"


class ImageInputUnsupportedError(EngineError):
    """The server or model takes no image input (a text-only model, no vision projector)."""


def data_url(image: bytes, media_type: str) -> str:
    return f"data:{media_type};base64,{base64.b64encode(image).decode('ascii')}"


def _no_image_input(cause: BaseException | None) -> bool:
    """What text-only servers answer: llama-server 500 "image input is not supported",
    vLLM 400 "... is not a multimodal model", OpenAI 400 "image_url is only supported by
    certain models"."""
    if not isinstance(cause, openai.APIStatusError) or cause.status_code == 429:
        return False
    message = cause.message.lower()
    return any(word in message for word in ("image", "multimodal", "vision"))


async def transcribe(
    client: AsyncOpenAI,
    model: str,
    image: bytes,
    media_type: str,
    effort: ReasoningEffort | None = None,
) -> Transcript:
    """The text in the picture; raises ImageInputUnsupportedError or EngineError."""
    try:
        with api_errors():
            response = await client.responses.create(
                model=model,
                store=False,
                instructions=TRANSCRIBE_INSTRUCTIONS,
                input=[
                    {
                        "role": "user",
                        "content": [
                            {"type": "input_text", "text": "Write down the text in this photo."},
                            {
                                "type": "input_image",
                                "image_url": data_url(image, media_type),
                                "detail": "high",
                            },
                        ],
                    }
                ],
                reasoning=omit if effort is None else {"effort": effort},
            )
    except EngineError as exc:
        if _no_image_input(exc.__cause__):
            raise ImageInputUnsupportedError(str(exc)) from exc
        raise
    text = response.output_text.strip()
    return Transcript("" if text.strip(" .\"'`") == NO_TEXT else text, tokens_used(response))
