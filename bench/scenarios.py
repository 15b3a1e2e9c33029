"""The four measurements of issue 9, each against fresh fakes and a fresh bot process."""

from __future__ import annotations

import asyncio
import copy
import json
import sqlite3
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.proc import BenchTelegram, Child, child, child_env, percentile
from fakes.openai_server import FakeOpenAI, function_call_item
from fakes.quizdata import quiz_args
from fakes.telegram_server import Call, Chat, JSONDict, User
from quiz.states import QuizState
from quiz.validation import parse_quiz
from storage import Repository

FEEDBACK = "**Well done**, everyone: the feedback of the benchmark quiz."


@dataclass(frozen=True)
class Sizes:
    members: int = 500
    questions: int = 5
    # Ingest runs (ours, then bare) this many times; the table shows medians.
    rounds: int = 3
    ttfq_questions: int = 10
    tokens_per_second: float = 50.0
    open_quizzes: int = 1000
    pacing_questions: int = 10
    pacing_players: int = 3
    # 1.0 = Telegram's real windows (a second, a minute); the smoke run shrinks them.
    pacing_window_scale: float = 1.0


SMOKE = Sizes(
    members=20,
    questions=2,
    rounds=1,
    ttfq_questions=3,
    tokens_per_second=2000.0,
    open_quizzes=20,
    pacing_questions=3,
    pacing_players=2,
    pacing_window_scale=0.05,
)


def _answers_in(db: Path) -> int:
    # A read-only connection of our own: WAL lets it read while the bot writes.
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0])


def _quiz_state(db: Path) -> str | None:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT state FROM quizzes ORDER BY id DESC LIMIT 1").fetchone()
    return None if row is None else str(row[0])


def _fresh(db: Path) -> Path:
    """A path with no database (nor WAL files) left from an earlier round."""
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    return db


def _poll_index(poll: Call) -> int:
    """Which question a sent poll is: the bot numbers them `i/n. …`."""
    return int(str(poll.params["question"]).split("/", 1)[0]) - 1


def _member(i: int) -> User:
    return User(10_000 + i, f"Member{i}", language_code="en")


async def _wait_for_db(db: Path, what: str, check: Any, within: float) -> None:
    deadline = time.monotonic() + within
    while not await asyncio.to_thread(check, db):
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


# ---------------------------------------------------------------------------------------------
# 1. Ingest
# ---------------------------------------------------------------------------------------------


@dataclass
class RunFigures:
    answers: int
    seconds: float
    latencies: list[float]
    peak_rss_kib: int
    idle_rss_kib: int
    cpu_seconds: float

    @property
    def per_second(self) -> float:
        return self.answers / self.seconds if self.seconds > 0 else float("nan")

    @property
    def cpu_ms_per_answer(self) -> float:
        return self.cpu_seconds * 1000 / max(1, self.answers)

    def latency_ms(self, p: float) -> float:
        return percentile(self.latencies, p) * 1000


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class IngestResult:
    expected: int
    stored: list[int]
    ours: list[RunFigures]
    bare: list[RunFigures]
    quiz_finished: bool
    profile: Path | None = None

    @property
    def fractions(self) -> list[float]:
        """Ours over bare, per round: each round runs both back to back, so load that comes
        and goes on a shared machine hits both about alike."""
        return [o.per_second / b.per_second for o, b in zip(self.ours, self.bare, strict=True)]

    @property
    def fraction(self) -> float:
        return _median(self.fractions)

    @property
    def cpu_fraction(self) -> float:
        """Bare CPU per answer over ours: the same ratio, from CPU time instead of wall time."""
        return _median(
            [
                b.cpu_ms_per_answer / o.cpu_ms_per_answer
                for o, b in zip(self.ours, self.bare, strict=True)
            ]
        )

    def median(self, which: str, attr: str) -> float:
        runs = self.ours if which == "ours" else self.bare
        return _median([float(getattr(r, attr)) for r in runs])

    def latency_ms(self, which: str, p: float) -> float:
        runs = self.ours if which == "ours" else self.bare
        return _median([r.latency_ms(p) for r in runs])


def _figures(
    child_report: dict[str, Any],
    t0: float,
    cpu0: float,
    served: dict[int, float],
    update_of: dict[tuple[Any, ...], int],
    bot: Child,
    idle_rss: int,
) -> RunFigures:
    records = child_report["records"]
    done = [float(r[-1]) for r in records]
    latencies = [
        float(r[-1]) - served[update_of[tuple(r[:-1])]]
        for r in records
        if tuple(r[:-1]) in update_of and update_of[tuple(r[:-1])] in served
    ]
    return RunFigures(
        answers=len(records),
        seconds=max(done) - t0 if done else float("nan"),
        latencies=latencies,
        peak_rss_kib=bot.status_kib("VmHWM"),
        idle_rss_kib=idle_rss,
        # Up to the last answer's commit (None if the child never saw them all).
        cpu_seconds=(child_report.get("cpu_at_last") or bot.cpu_seconds()) - cpu0,
    )


@dataclass
class _OursRun:
    figures: RunFigures
    stored: int
    finished: bool
    burst: list[JSONDict]


async def _ingest_ours(sizes: Sizes, workdir: Path, profile: bool) -> _OursRun:
    expected = sizes.members * sizes.questions
    db = _fresh(workdir / "ingest.sqlite3")
    group = Chat(-1_001_000_000_001, "supergroup", title="Bench group")
    members = [_member(i) for i in range(sizes.members)]
    args = quiz_args(sizes.questions, title="Bench")
    async with BenchTelegram() as tg, FakeOpenAI() as oa:
        # Everyone in the group plays (the bot is the extra member), so the last answer
        # completes the quiz as it would in real life; that part is not timed.
        tg.set_member_count(group.id, sizes.members + 1)
        oa.queue_function_call("generate_quiz", args)
        oa.queue_message(FEEDBACK)
        extra = {"QUIZ_MAX_QUESTIONS": str(max(sizes.questions, 1))}
        if profile:
            extra["BENCH_PROFILE"] = str(workdir / "ingest-profile.txt")
        env = child_env(tg, oa, db, BENCH_EXPECT=str(expected), **extra)
        async with child("studyquiz", env, workdir, "ingest-studyquiz") as bot:
            await asyncio.wait_for(tg.polling_started.wait(), 30)
            tg.user_sends(group, members[0], f"/quiz {sizes.questions} cell biology")
            polls = await tg.wait_for("sendPoll", count=sizes.questions, timeout=30)
            await asyncio.sleep(0.5)  # let the bot settle: the idle figure is after posting
            idle = bot.status_kib("VmRSS")
            update_of: dict[tuple[Any, ...], int] = {}
            # No await in this loop: the bot sees the whole burst queued at once.
            for member in members:
                for poll in polls:
                    index = _poll_index(poll)
                    choice = (member.id + index) % len(poll.params["options"])
                    update_id = tg.user_answers_poll(member, poll.result["poll"]["id"], [choice])
                    update_of[(1, index, member.id)] = update_id
            t0, cpu0 = time.monotonic(), bot.cpu_seconds()
            burst = [
                copy.deepcopy({k: v for k, v in u.items() if k != "update_id"})
                for u in tg.pending_updates
                if "poll_answer" in u or "poll" in u
            ]
            report = await bot.report(_ingest_timeout(expected))
            figures = _figures(report, t0, cpu0, tg.served_at, update_of, bot, idle)
            stored = await asyncio.to_thread(_answers_in, db)
            try:
                await tg.wait_for(
                    "sendMessage",
                    predicate=lambda c: "Well done" in c.params.get("text", ""),
                    timeout=30,
                )
                finished = True
            except AssertionError:
                finished = False
        violations = [*tg.violations, *oa.violations]
    if violations:
        raise RuntimeError("spec violations in the ingest run:\n" + "\n".join(violations[:5]))
    return _OursRun(figures, stored, finished, burst)


def _ingest_timeout(expected: int) -> float:
    return 60 + expected / 50  # generous: 50 answers/s would already be a failure


async def _ingest_bare(burst: list[JSONDict], workdir: Path) -> RunFigures:
    """The same updates through python-telegram-bot with a do-nothing PollAnswerHandler."""
    expected = sum("poll_answer" in u for u in burst)
    async with BenchTelegram() as tg:
        env = child_env(tg, None, workdir / "unused.sqlite3", BENCH_EXPECT=str(expected))
        async with child("bare", env, workdir, "ingest-bare") as bot:
            await asyncio.wait_for(tg.polling_started.wait(), 30)
            await asyncio.sleep(0.5)
            idle = bot.status_kib("VmRSS")
            update_of: dict[tuple[Any, ...], int] = {}
            for update in burst:
                update_id = tg.push_update(update, expect_delivery="poll_answer" in update)
                if "poll_answer" in update:
                    answer = update["poll_answer"]
                    update_of[(answer["poll_id"], answer["user"]["id"])] = update_id
            t0, cpu0 = time.monotonic(), bot.cpu_seconds()
            report = await bot.report(_ingest_timeout(expected))
            return _figures(report, t0, cpu0, tg.served_at, update_of, bot, idle)


async def ingest(
    sizes: Sizes,
    workdir: Path,
    *,
    rounds: int = 1,
    profile: bool = False,
) -> IngestResult:
    """Every member answers every question of one group quiz, all updates queued at once;
    then the same updates through a bare python-telegram-bot. `rounds` times, alternating."""
    ours: list[_OursRun] = []
    bare: list[RunFigures] = []
    for _ in range(rounds):
        ours.append(await _ingest_ours(sizes, workdir, profile))
        bare.append(await _ingest_bare(ours[-1].burst, workdir))
    return IngestResult(
        expected=sizes.members * sizes.questions,
        stored=[o.stored for o in ours],
        ours=[o.figures for o in ours],
        bare=bare,
        quiz_finished=all(o.finished for o in ours),
        profile=workdir / "ingest-profile.txt" if profile else None,
    )


# ---------------------------------------------------------------------------------------------
# 2. Time to first question
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# 3. Memory with many open quizzes
# ---------------------------------------------------------------------------------------------


@dataclass
class MemoryResult:
    quizzes: int
    answered: int
    recovered_rss_kib: int
    peak_rss_kib: int
    baseline_rss_kib: int
    seed_seconds: float

    @property
    def per_quiz_kib(self) -> float:
        return (self.peak_rss_kib - self.baseline_rss_kib) / max(1, self.quizzes)


def _seed_poll_id(i: int, index: int) -> str:
    return f"{7_000_000_000 + i * 100 + index}"


async def seed_open_quizzes(db: Path, count: int, questions: int) -> None:
    """`count` open group quizzes, every question posted, through the bot's own Repository."""
    parsed = parse_quiz(json.dumps(quiz_args(questions, title="Seeded")), questions)
    now = time.time()
    repo = await Repository.open(db)
    try:
        for i in range(count):
            row = await repo.quizzes.create_quiz(
                chat_id=-(2_000_000 + i),
                thread_id=0,
                chat_type="group",
                starter_id=20_000 + i,
                request_key=f"seed:{i}",
                topic="seeded topic",
                num_questions=questions,
                style="poll",
                lang="en",
                now=now,
            )
            assert row is not None
            orders = [tuple(range(len(q.choices))) for q in parsed.questions]
            await repo.quizzes.open_quiz(row.id, parsed, orders, ["poll"] * questions, now)
            # Far-off deadline and a head count nobody reaches: they stay open while measured.
            await repo.quizzes.set_closing_rules(row.id, now + 24 * 3600, 100)
            for index in range(questions):
                await repo.questions.set_question_message(
                    row.id, index, message_id=index + 2, poll_id=_seed_poll_id(i, index)
                )
    finally:
        await repo.close()


def _poll_answer(poll_id: str, user: User, option: int) -> JSONDict:
    return {
        "poll_answer": {
            "poll_id": poll_id,
            "user": user.to_api(),
            "option_ids": [option],
            "option_persistent_ids": [f"{poll_id}-{option}"],
        }
    }


async def _idle_rss(workdir: Path) -> int:
    """The bot with an empty database, polling: what every figure here is on top of."""
    async with BenchTelegram() as tg:
        env = child_env(tg, None, workdir / "empty.sqlite3")
        async with child("studyquiz", env, workdir, "memory-empty") as bot:
            await asyncio.wait_for(tg.polling_started.wait(), 30)
            await asyncio.sleep(1.0)
            return bot.status_kib("VmHWM")


async def memory(sizes: Sizes, workdir: Path) -> MemoryResult:
    db = workdir / "memory.sqlite3"
    questions = 5
    started = time.monotonic()
    await seed_open_quizzes(db, sizes.open_quizzes, questions)
    seed_seconds = time.monotonic() - started
    baseline = await _idle_rss(workdir)
    async with BenchTelegram() as tg:
        env = child_env(tg, None, db, BENCH_EXPECT=str(sizes.open_quizzes))
        async with child("studyquiz", env, workdir, "memory") as bot:
            await asyncio.wait_for(tg.polling_started.wait(), 30)
            # Recovery reads every open quiz and arms its deadline; it sends nothing here.
            await asyncio.sleep(2.0)
            recovered = bot.status_kib("VmRSS")
            for i in range(sizes.open_quizzes):
                # One answer in every chat: each quiz is touched by a handler.
                tg.push_update(_poll_answer(_seed_poll_id(i, 0), _member(i), i % 4))
            await bot.report(60 + sizes.open_quizzes / 50)
            answered = await asyncio.to_thread(_answers_in, db)
            peak = bot.status_kib("VmHWM")
        violations = tg.violations
    if violations:
        raise RuntimeError("spec violations in the memory run:\n" + "\n".join(violations[:5]))
    return MemoryResult(
        quizzes=sizes.open_quizzes,
        answered=answered,
        recovered_rss_kib=recovered,
        peak_rss_kib=peak,
        baseline_rss_kib=baseline,
        seed_seconds=seed_seconds,
    )


# ---------------------------------------------------------------------------------------------
# 4. Group pacing under Telegram's flood limits
# ---------------------------------------------------------------------------------------------


@dataclass
class PacingResult:
    questions: int
    messages: int
    calls: int
    seconds: float
    to_last_poll: float
    stop_to_feedback: float
    too_many_requests: int
    stopped_by_command: bool
    methods: dict[str, int] = field(default_factory=dict)


@dataclass
class _PacingRun:
    """The players' side of the pacing quiz, in monotonic seconds."""

    t0: float
    polls: list[Call]
    stopped: bool
    stop_at: float
    feedback: Call


def _answer_every_poll(tg: BenchTelegram, players: list[User], polls: list[Call]) -> None:
    for player in players:
        for poll in polls:
            choice = (player.id + _poll_index(poll)) % len(poll.params["options"])
            tg.user_answers_poll(player, poll.result["poll"]["id"], [choice])


async def _play_pacing(
    tg: BenchTelegram, db: Path, group: Chat, players: list[User], n: int
) -> _PacingRun:
    """Start the quiz, answer it all, /stop it if it is still open, wait for the feedback."""
    starter = players[0]
    t0 = time.monotonic()
    tg.user_sends(group, starter, f"/quiz {n} cell biology")
    polls = await tg.wait_for("sendPoll", count=n, predicate=lambda c: c.ok, timeout=180)
    _answer_every_poll(tg, players, polls)

    def answered(path: Path) -> bool:
        return _answers_in(path) >= n * len(players)

    await _wait_for_db(db, "every answer stored", answered, 60)
    stopped = await asyncio.to_thread(_quiz_state, db) == QuizState.OPEN
    stop_at = time.monotonic()
    if stopped:
        tg.user_sends(group, starter, "/stop")
    feedback = await tg.wait_for(
        "sendMessage",
        predicate=lambda c: c.ok and "Well done" in c.params["text"],
        timeout=180,
    )
    return _PacingRun(t0, polls, stopped, stop_at, feedback[0])


async def group_pacing(sizes: Sizes, workdir: Path) -> PacingResult:
    db = workdir / "pacing.sqlite3"
    n = sizes.pacing_questions
    group = Chat(-1_001_000_000_777, "supergroup", title="Pacing group")
    players = [_member(i) for i in range(sizes.pacing_players)]
    args = quiz_args(n, title="Pacing")
    async with BenchTelegram() as tg, FakeOpenAI() as oa:
        tg.enforce_rate_limits(
            per_group_per_minute=20, per_chat_per_second=1, window_scale=sizes.pacing_window_scale
        )
        # More members than players: the quiz waits for /stop from its starter, whatever
        # the group code decides about quizzes that everyone has answered.
        tg.set_member_count(group.id, sizes.pacing_players + 20)
        oa.queue_function_call("generate_quiz", args)
        oa.queue_message(FEEDBACK)
        env = child_env(tg, oa, db, QUIZ_MAX_QUESTIONS=str(n))
        async with child("studyquiz", env, workdir, "pacing") as bot:
            await asyncio.wait_for(tg.polling_started.wait(), 30)
            try:
                run = await _play_pacing(tg, db, group, players, n)
            except (AssertionError, RuntimeError) as exc:
                raise RuntimeError(f"{exc}\nbot log:\n{bot.tail()}") from None
        ours = [c for c in tg.calls if c.params.get("chat_id") == group.id]
        violations = [*tg.violations, *oa.violations]
    if violations:
        raise RuntimeError("spec violations in the pacing run:\n" + "\n".join(violations[:5]))
    return PacingResult(
        questions=n,
        messages=sum(
            1 for c in ours if c.ok and c.method.startswith("send") and c.method != "sendChatAction"
        ),
        calls=len(ours),
        seconds=run.feedback.time - run.t0,
        to_last_poll=run.polls[-1].time - run.t0,
        stop_to_feedback=run.feedback.time - run.stop_at,
        too_many_requests=tg.too_many_requests,
        stopped_by_command=run.stopped,
        methods=dict(Counter(c.method for c in ours)),
    )
