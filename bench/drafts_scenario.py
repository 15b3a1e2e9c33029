"""The feedback drafts' figures: the fake model streams a 1,200-character feedback over 12 s; in a
private chat the bot shows it growing as a draft (sendMessageDraft), in a group (no drafts,
as everywhere before drafts existed) the feedback appears only when all of it is
written. Measured from `/stop` (a two-question quiz, one question answered): the first
visible draft, its delay after the model's first text delta, drafts per second, and the
final message in both chats.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

from bench.proc import BenchTelegram, child, child_env
from bench.report import Row, mark
from fakes.openai_server import FakeOpenAI, message_item
from fakes.quizdata import quiz_args
from fakes.telegram_server import Call, Chat, JSONDict, User

FIRST_DRAFT_TARGET = 1.0
MARKER = "Feedback of the drafts benchmark."


def feedback_text(length: int) -> str:
    """Markdown feedback of about `length` characters, bold included (a draft is plain)."""
    text = f"**{MARKER}** "
    i = 0
    while len(text) < length:
        i += 1
        text += f"Point {i}: the thylakoid membrane holds photosystems I and II. "
    return text[:length]


@dataclass(frozen=True)
class DraftSizes:
    chars: int = 1200
    seconds: float = 12.0
    chunk: int = 10  # characters per delta: 120 deltas for 1,200 characters


SMOKE_DRAFTS = DraftSizes(chars=300, seconds=1.5)


@dataclass
class ChatRun:
    first_delta: float  # after /stop, estimated as in ttfq: request + one delta's delay
    drafts: list[float]  # after /stop
    final: float  # /stop -> the feedback's sendMessage
    draft_lengths: list[int]

    @property
    def first_draft(self) -> float:
        return self.drafts[0] if self.drafts else float("nan")

    @property
    def per_second(self) -> float:
        if len(self.drafts) < 2:
            return float("nan")
        return (len(self.drafts) - 1) / (self.drafts[-1] - self.drafts[0])


@dataclass
class DraftsResult:
    sizes: DraftSizes
    private: ChatRun
    group: ChatRun


def _feedback_message(c: Call) -> bool:
    return c.ok and c.method == "sendMessage" and MARKER in str(c.params.get("text", ""))


async def _run(workdir: Path, sizes: DraftSizes, chat: Chat, user: User) -> ChatRun:
    name = "drafts-" + chat.type
    db = workdir / f"{name}.sqlite3"
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    text = feedback_text(sizes.chars)
    deltas = -(-len(text) // sizes.chunk)
    delay = sizes.seconds / deltas
    requested: list[float] = []

    async def model(body: JSONDict, _items: list[JSONDict]) -> list[JSONDict]:
        requested.append(time.monotonic())
        if not body.get("stream"):
            # The model writes at its pace either way: unstreamed, all of it comes at the end.
            await asyncio.sleep(sizes.seconds)
        return [message_item(text)]

    async with BenchTelegram() as tg, FakeOpenAI() as oa:
        if chat.type != "private":
            tg.set_member_count(chat.id, 30)  # the quiz stays open until /stop
        oa.queue_function_call("generate_quiz", quiz_args(2, title="Drafts"))
        oa.queue_handler(model)
        env = child_env(tg, oa, db, QUIZ_MAX_QUESTIONS="2", OPENAI_STREAM="true")
        async with child("studyquiz", env, workdir, name) as bot:
            await asyncio.wait_for(tg.polling_started.wait(), 30)
            tg.user_sends(chat, user, "/quiz 2 photosynthesis")
            try:
                polls = await tg.wait_for("sendPoll", count=2, timeout=60)
                # Only the feedback is written slowly, not the quiz.
                oa.stream_chunk_size, oa.stream_delay = sizes.chunk, delay
                tg.user_answers_poll(user, polls[0].result["poll"]["id"], [0])
                await asyncio.sleep(1.0)  # the answer is stored
                t0 = time.monotonic()
                tg.user_sends(chat, user, "/stop")
                [final] = await tg.wait_for(
                    "sendMessage", predicate=_feedback_message, timeout=sizes.seconds + 60
                )
            except AssertionError as exc:
                raise RuntimeError(f"{exc}\nbot log:\n{bot.tail()}") from None
        drafts = [c for c in tg.calls_of("sendMessageDraft") if c.ok]
        violations = [*tg.violations, *oa.violations]
    if violations:
        raise RuntimeError(f"spec violations in the {name} run:\n" + "\n".join(violations[:5]))
    return ChatRun(
        first_delta=requested[0] + delay - t0,
        drafts=[d.time - t0 for d in drafts],
        final=final.time - t0,
        draft_lengths=[len(str(d.params["text"])) for d in drafts],
    )


async def drafts(workdir: Path, sizes: DraftSizes | None = None) -> DraftsResult:
    sizes = sizes or DraftSizes()
    user = User(16_016, "Drafter", language_code="en")
    private = await _run(workdir, sizes, Chat(user.id, "private"), user)
    group = await _run(
        workdir, sizes, Chat(-1_001_000_000_016, "supergroup", title="Drafts group"), user
    )
    return DraftsResult(sizes, private, group)


def drafts_rows(r: DraftsResult) -> list[Row]:
    p, g, s = r.private, r.group, r.sizes
    return [
        (
            f"8. Feedback drafts: {s.chars:,} characters streamed over {s.seconds:g} s",
            "private chat (drafts) vs group (no drafts: the whole text, as before)",
            "",
            "",
        ),
        (
            "   first text delta -> first draft",
            f"{p.first_draft - p.first_delta:.2f} s ({p.first_draft:.2f} s after /stop)",
            f"<= {FIRST_DRAFT_TARGET:.0f} s",
            mark(p.first_draft - p.first_delta <= FIRST_DRAFT_TARGET),
        ),
        (
            "   drafts sent, per second",
            f"{len(p.drafts)}, {p.per_second:.2f}/s"
            f" (last one {max(p.draft_lengths, default=0)} characters)",
            "<= 1/s",
            mark(bool(p.drafts) and not p.per_second > 1.05),
        ),
        (
            "   /stop -> final message: private / group",
            f"{p.final:.2f} s / {g.final:.2f} s",
            "",
            "",
        ),
        (
            "   /stop -> first text the person sees: private / group",
            f"{p.first_draft:.2f} s / {g.final:.2f} s ({len(g.drafts)} drafts in the group)",
            "",
            "",
        ),
    ]


async def drafts_part(workdir: Path, smoke: bool) -> list[Row]:
    return drafts_rows(await drafts(workdir, SMOKE_DRAFTS if smoke else None))
