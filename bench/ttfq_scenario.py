"""Time to first question: a quiz streamed at a model's speed, first poll against the whole
call."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import Sizes
from bench.proc import BenchTelegram, child, child_env
from bench.report import Row, mark
from fakes.openai_server import FakeOpenAI, function_call_item
from fakes.quizdata import quiz_args
from fakes.telegram_server import Chat, JSONDict, User

# The fake streams this many characters per delta: about one token of English.
CHARS_PER_TOKEN = 4


def long_quiz_args(n: int) -> dict[str, Any]:
    """A quiz of realistic length: about 400 characters (100 tokens) per question, so ten
    questions take the model about 20 s at 50 tokens/s."""
    args = quiz_args(n, title="Photosynthesis")
    for i, q in enumerate(args["questions"]):
        q["question_text"] = f"Q{i + 1}: where do the light-dependent reactions take place?"
        q["choices"] = [f"Q{i + 1}: membrane part {c + 1} of the chloroplast" for c in range(4)]
        q["explanation"] = f"Part {i % 4 + 1}: photosystems I and II sit in the thylakoid membrane."
    return args


def first_question_end(arguments: str) -> int:
    """The offset just past the first question object in the serialised arguments."""
    decoder = json.JSONDecoder()
    start = arguments.index("[", arguments.index('"questions"')) + 1
    while arguments[start] in " \n":
        start += 1
    _, end = decoder.raw_decode(arguments, start)
    return end


@dataclass
class TtfqResult:
    streamed: bool
    stream_seconds: float
    tokens: int
    first_json_at: float
    first_poll_at: float
    last_poll_at: float
    polls: int


async def time_to_first_question(sizes: Sizes, workdir: Path) -> TtfqResult:
    db = workdir / "ttfq.sqlite3"
    n = sizes.ttfq_questions
    arguments = json.dumps(long_quiz_args(n), ensure_ascii=False)
    delay = 1 / sizes.tokens_per_second
    chunks = -(-len(arguments) // CHARS_PER_TOKEN)
    stream_seconds = chunks * delay
    requested_at: list[float] = []
    streamed: list[bool] = []

    async def model(body: JSONDict, _context: list[JSONDict]) -> list[JSONDict]:
        requested_at.append(time.monotonic())
        streamed.append(bool(body.get("stream")))
        if not body.get("stream"):
            # A model writes at the same pace whether or not the client streams: without
            # streaming the whole answer arrives when the last token is written.
            await asyncio.sleep(stream_seconds)
        return [function_call_item("generate_quiz", arguments)]

    user = User(777, "Timer", language_code="en")
    chat = Chat(user.id, "private")
    async with BenchTelegram() as tg, FakeOpenAI() as oa:
        oa.stream_chunk_size = CHARS_PER_TOKEN
        oa.stream_delay = delay
        oa.queue_handler(model)
        env = child_env(
            tg,
            oa,
            db,
            QUIZ_MAX_QUESTIONS=str(n),
            OPENAI_TIMEOUT=str(stream_seconds + 60),
            # The shipped default, named so the figure always measures the streaming path.
            OPENAI_STREAM="true",
        )
        async with child("studyquiz", env, workdir, "ttfq") as bot:
            await asyncio.wait_for(tg.polling_started.wait(), 30)
            t0 = time.monotonic()
            tg.user_sends(chat, user, f"/quiz {n} photosynthesis")
            try:
                polls = await tg.wait_for("sendPoll", count=n, timeout=stream_seconds + 60)
            except AssertionError as exc:
                raise RuntimeError(f"{exc}\nbot log:\n{bot.tail()}") from None
        violations = [*tg.violations, *oa.violations]
    if violations:
        raise RuntimeError("spec violations in the ttfq run:\n" + "\n".join(violations[:5]))
    # Delta k (0-based) leaves the fake about (k + 1) delays after the request arrived.
    first_chunk = (first_question_end(arguments) - 1) // CHARS_PER_TOKEN
    return TtfqResult(
        streamed=streamed[0],
        stream_seconds=stream_seconds,
        tokens=chunks,
        first_json_at=requested_at[0] + (first_chunk + 1) * delay - t0,
        first_poll_at=polls[0].time - t0,
        last_poll_at=polls[-1].time - t0,
        polls=len(polls),
    )


# The first poll goes out this long after its question's JSON is complete, at most.
TTFQ_SLACK = 0.5


def ttfq_rows(r: TtfqResult) -> list[Row]:
    label = (
        "streaming (OPENAI_STREAM=true)"
        if r.streamed
        else "NOT streaming: the first poll waits for the whole quiz"
    )
    target = r.first_json_at + TTFQ_SLACK
    return [
        (
            "2. Time to first question: model",
            f"{r.tokens} tokens in {r.stream_seconds:.1f} s; bot is {label}",
            "",
            "",
        ),
        ("   first question's JSON complete", f"{r.first_json_at:.2f} s after /quiz", "", ""),
        ("   /quiz -> first sendPoll", f"{r.first_poll_at:.2f} s", "", ""),
        (
            "   first question's JSON complete -> first sendPoll",
            f"{r.first_poll_at - r.first_json_at:.2f} s",
            f"<= {TTFQ_SLACK:.2f} s",
            mark(r.first_poll_at <= target),
        ),
        (f"   /quiz -> last sendPoll ({r.polls})", f"{r.last_poll_at:.2f} s", "", ""),
    ]
