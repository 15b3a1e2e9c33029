"""The live game's figures: a 10-question live game in a group of 50 players, each answering at a
random moment within 2 s of every poll, under the fake's enforced flood limits (20 messages a
minute per group, 1 a second per chat).

Every player answers every question, so the game moves on early each time: measured are the
gaps from the last answer of a question (the moment the last player taps) to the next poll,
and from the last answer of the game to the podium (the "🏁 Results" message). The questions
get the shortest countdown a chat can set, so a missed early move would show as a 10 s gap.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.proc import BenchTelegram, child, child_env
from bench.report import Row, mark
from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import Call, Chat, User
from settings import MIN_LIVE_SECONDS

GAP_TARGET = 1.5
PER_CHAT_SECONDS = 1.0  # "no more than one message per second" in a chat (Bot API FAQ)
FEEDBACK = "Well played, everyone: the feedback of the live benchmark game."


@dataclass(frozen=True)
class LiveSizes:
    questions: int = 10
    players: int = 50
    answer_within: float = 2.0


SMOKE_LIVE = LiveSizes(questions=3, players=5, answer_within=0.3)


@dataclass
class LiveResult:
    sizes: LiveSizes
    seconds: float  # /live -> podium
    gaps: list[float]  # last answer of question k -> poll k + 1
    # Of each gap, how long the 1 message a second per chat held the poll back at least
    # (the bot's previous message in the group was less than a second before it).
    paced: list[float]
    to_podium: float
    too_many_requests: int
    messages: int
    answers_sent: int
    methods: dict[str, int] = field(default_factory=dict)

    @property
    def worst_gap(self) -> float:
        return max(self.gaps) if self.gaps else float("nan")

    @property
    def worst_beyond_pace(self) -> float:
        """The worst gap less what the per-chat pace forced: the bot's own delay."""
        return max((g - p for g, p in zip(self.gaps, self.paced, strict=True)), default=0.0)


def _players(n: int) -> list[User]:
    return [User(30_000 + i, f"Player{i}", language_code="en") for i in range(n)]


def _is_message(c: Call) -> bool:
    """What Telegram's flood limits count: a message sent (a chat action is none)."""
    return c.ok and c.method.startswith("send") and c.method != "sendChatAction"


def _is_podium(c: Call) -> bool:
    return c.ok and c.method == "sendMessage" and "🏁" in str(c.params.get("text", ""))


async def _answer_all(
    tg: BenchTelegram, poll: Call, players: list[User], rng: random.Random, within: float
) -> float:
    """Every player taps once, at a random moment within `within` s of the poll; returns
    when the last one did (monotonic)."""
    moments = sorted((poll.time + rng.uniform(0.1, within), p) for p in players)
    options = len(poll.params["options"])
    last = poll.time
    for at, player in moments:
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        tg.user_answers_poll(player, poll.result["poll"]["id"], [rng.randrange(options)])
        last = time.monotonic()
    return last


@dataclass
class _Game:
    """The players' side of a game: when /live was sent, when each question was all answered."""

    t0: float
    gaps: list[float] = field(default_factory=list)
    answered_at: list[float] = field(default_factory=list)

    @property
    def last_answer(self) -> float:
        return self.answered_at[-1] if self.answered_at else self.t0


async def _play(
    tg: BenchTelegram, group: Chat, players: list[User], sizes: LiveSizes, rng: random.Random
) -> tuple[_Game, Call]:
    """Start the game, answer every poll, wait for the podium and the feedback."""
    n = sizes.questions
    game = _Game(t0=time.monotonic())
    tg.user_sends(group, players[0], f"/live {n} cell biology")

    def ours(c: Call) -> bool:
        return c.ok and c.params.get("chat_id") == group.id

    for k in range(n):
        polls = await tg.wait_for("sendPoll", count=k + 1, predicate=ours, timeout=120)
        if k:
            game.gaps.append(polls[k].time - game.last_answer)
        game.answered_at.append(await _answer_all(tg, polls[k], players, rng, sizes.answer_within))
    [podium] = await tg.wait_for("sendMessage", predicate=_is_podium, timeout=60)
    await tg.wait_for(
        "sendMessage",
        predicate=lambda c: c.ok and "Well played" in str(c.params.get("text")),
        timeout=60,
    )
    return game, podium


def _paced(sent: list[Call], answered_at: list[float]) -> list[float]:
    """For each poll after the first, how long the per-chat pace held it back at least."""
    polls = [c for c in sent if c.method == "sendPoll"]
    paced: list[float] = []
    for k in range(1, len(polls)):
        before = max(c.time for c in sent if c.time < polls[k].time)
        paced.append(max(0.0, before + PER_CHAT_SECONDS - answered_at[k - 1]))
    return paced


async def live_game(workdir: Path, sizes: LiveSizes | None = None, seed: int = 15) -> LiveResult:
    sizes = sizes or LiveSizes()
    db = workdir / "live.sqlite3"
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    rng = random.Random(seed)
    n = sizes.questions
    group = Chat(-1_001_000_000_015, "supergroup", title="Live bench group")
    players = _players(sizes.players)
    async with BenchTelegram() as tg, FakeOpenAI() as oa:
        tg.enforce_rate_limits(per_group_per_minute=20, per_chat_per_second=1)
        # Everyone plays: the bot is the extra member, so each question is answered by all.
        tg.set_member_count(group.id, sizes.players + 1)
        oa.queue_function_call("generate_quiz", quiz_args(n, title="Live"))
        oa.queue_message(FEEDBACK)
        env = child_env(
            tg,
            oa,
            db,
            QUIZ_MAX_QUESTIONS=str(n),
            QUIZ_LIVE_SECONDS=str(MIN_LIVE_SECONDS),
        )
        async with child("studyquiz", env, workdir, "live") as bot:
            await asyncio.wait_for(tg.polling_started.wait(), 30)
            try:
                game, podium = await _play(tg, group, players, sizes, rng)
            except (AssertionError, ValueError) as exc:
                raise RuntimeError(f"{exc}\nbot log:\n{bot.tail()}") from None
        in_group = [c for c in tg.calls if c.params.get("chat_id") == group.id]
        violations = [*tg.violations, *oa.violations]
        too_many = tg.too_many_requests
        sent = [c for c in in_group if _is_message(c)]
    if violations:
        raise RuntimeError("spec violations in the live run:\n" + "\n".join(violations[:5]))
    return LiveResult(
        sizes=sizes,
        seconds=podium.time - game.t0,
        gaps=game.gaps,
        paced=_paced(sent, game.answered_at),
        to_podium=podium.time - game.last_answer,
        too_many_requests=too_many,
        messages=len(sent),
        answers_sent=n * sizes.players,
        methods=dict(Counter(c.method for c in in_group)),
    )


def live_rows(r: LiveResult) -> list[Row]:
    s = r.sizes
    return [
        (
            f"7. Live game: {s.questions} questions, {s.players} players"
            " (20/min per group, 1/s per chat)",
            f"all answer within {s.answer_within:g} s of each poll;"
            f" {MIN_LIVE_SECONDS} s per question; podium {r.seconds:.1f} s after /live",
            "",
            "",
        ),
        (
            "   all answered -> next poll, median / worst",
            f"{statistics.median(r.gaps):.2f} s / {r.worst_gap:.2f} s" if r.gaps else "-",
            f"< {GAP_TARGET} s, pace permitting",
            mark(r.worst_beyond_pace < GAP_TARGET),
        ),
        (
            "   of which the 1/s per chat pace forced, worst",
            f"{max(r.paced, default=0.0):.2f} s",
            "",
            "",
        ),
        ("   last answer -> podium", f"{r.to_podium:.2f} s", "", ""),
        (
            "   calls in the group",
            ", ".join(f"{m} {c}" for m, c in sorted(r.methods.items())),
            "",
            "",
        ),
        (
            "   429 Too Many Requests",
            f"{r.too_many_requests} ({r.messages} messages sent)",
            "0",
            mark(r.too_many_requests == 0),
        ),
    ]


async def live_part(workdir: Path, smoke: bool) -> list[Row]:
    return live_rows(await live_game(workdir, SMOKE_LIVE if smoke else LiveSizes()))
