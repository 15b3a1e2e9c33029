"""The fleet's three ingest figures, side by side in one run: the ingest burst (every member
answers every question of one group quiz, all queued at once) on 1 process with SQLite,
1 process with PostgreSQL and 2 workers with PostgreSQL.

All three are fed by webhooks from the fake Bot API (round-robin over the workers' ports, as
a load balancer would), so the database and the number of workers are the only differences.
The PostgreSQL server is started here with fsync on, like a real deployment; its own CPU is
counted apart from the workers'.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from bench.fleet_setup import database, free_port, listening, pg_counter, server_cpu, sqlite_count
from bench.proc import BenchTelegram, Child, child, child_env, percentile
from bench.report import Row, mark
from bench.scenarios import FEEDBACK, SMOKE, Sizes, _member, _poll_index
from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import Call, Chat, User
from tools import pg_server

HOOK_URL = "https://studyquiz.example.com/telegram/hook"
# Label, on PostgreSQL, workers.
SETUPS = (
    ("1 process, SQLite", False, 1),
    ("1 process, PostgreSQL", True, 1),
    ("2 workers, PostgreSQL", True, 2),
)
GROUP_ID = -1_001_000_000_024
# An answer as the workers note its commit: (quiz id, question index, user id).
Key = tuple[Any, ...]


@dataclass
class FleetRun:
    label: str
    expected: int
    stored: int = 0
    seconds: float = float("nan")
    bot_cpu_seconds: float = float("nan")
    server_cpu_seconds: float | None = None
    latencies: list[float] = field(default_factory=list)
    finished: bool = False
    error: str | None = None

    @property
    def complete(self) -> bool:
        return self.error is None and self.stored == self.expected

    def per_second(self) -> float:
        return self.stored / self.seconds if self.seconds > 0 else float("nan")

    def cpu_ms(self, seconds: float | None) -> float:
        return float("nan") if seconds is None else seconds * 1000 / max(1, self.stored)


async def _burst_run(
    run: FleetRun, sizes: Sizes, workdir: Path, workers: int, database_url: str | None
) -> None:
    """The ingest workload through `workers` webhook workers; fills `run`."""
    members = [_member(i) for i in range(sizes.members)]
    db = workdir / f"fleet-{uuid.uuid4().hex[:8]}.sqlite3"
    ports = [free_port() for _ in range(workers)]
    async with BenchTelegram() as tg, FakeOpenAI() as oa, contextlib.AsyncExitStack() as stack:
        group = Chat(GROUP_ID, "supergroup", title="Bench fleet")
        tg.set_member_count(group.id, sizes.members + 1)
        oa.queue_function_call("generate_quiz", quiz_args(sizes.questions, title="Bench"))
        oa.queue_message(FEEDBACK)
        tg.route_webhook([f"http://127.0.0.1:{p}/telegram/hook" for p in ports])
        base = {"QUIZ_MAX_QUESTIONS": str(max(sizes.questions, 1)), "BENCH_EXPECT": "0"}
        base |= {"WEBHOOK_URL": HOOK_URL, "WEBHOOK_SECRET_TOKEN": "bench-secret"}
        if database_url is not None:
            base["DATABASE_URL"] = database_url
        bots = [
            await stack.enter_async_context(_worker(tg, oa, db, workdir, port, name, base))
            for port, name in _worker_names(ports, workers)
        ]
        tg.user_sends(group, members[0], f"/quiz {sizes.questions} cell biology")
        polls = await tg.wait_for("sendPoll", count=sizes.questions, timeout=60)
        await asyncio.sleep(0.5)
        update_of = _queue_burst(tg, members, polls)
        t0, cpu0 = time.monotonic(), sum(b.cpu_seconds() for b in bots)
        if database_url is not None:
            count, close = await pg_counter(database_url)
            stack.push_async_callback(close)
        else:

            async def count() -> int:
                return await asyncio.to_thread(sqlite_count, db)

        deadline = t0 + 60 + run.expected / 50
        # The count is in another process (or server): no event to wait for.
        while (stored := await count()) < run.expected and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        run.stored = stored
        run.bot_cpu_seconds = sum(b.cpu_seconds() for b in bots) - cpu0
        with contextlib.suppress(AssertionError):
            await tg.wait_for("sendMessage", predicate=lambda c: "Well done" in str(c.params))
            run.finished = True
        first_sent = tg.webhook.first_sent()
    # The workers are stopped (SIGTERM) now, and wrote every commit time they noted.
    _read_commits(run, bots, t0, first_sent, update_of)
    violations = [*tg.violations, *oa.violations]
    if violations:
        raise RuntimeError("spec violations: " + "; ".join(violations[:3]))


def _queue_burst(tg: BenchTelegram, members: list[User], polls: list[Call]) -> dict[Key, int]:
    """Every member answers every poll, all queued at once (no await); each answer's
    update id by the (quiz, question, user) the workers note its commit under."""
    update_of: dict[Key, int] = {}
    for member in members:
        for poll in polls:
            index = _poll_index(poll)
            choice = (member.id + index) % len(poll.params["options"])
            update_of[(1, index, member.id)] = tg.user_answers_poll(
                member, poll.result["poll"]["id"], [choice]
            )
    return update_of


def _worker_names(ports: list[int], workers: int) -> list[tuple[int, str]]:
    return [(p, f"fleet-{workers}-{i}-{uuid.uuid4().hex[:6]}") for i, p in enumerate(ports)]


@contextlib.asynccontextmanager
async def _worker(
    tg: BenchTelegram,
    oa: FakeOpenAI,
    db: Path,
    workdir: Path,
    port: int,
    name: str,
    base: dict[str, str],
) -> AsyncIterator[Child]:
    """A webhook worker on `port`, once it serves."""
    env = child_env(tg, oa, db, WEBHOOK_PORT=str(port), **base)
    async with child("studyquiz", env, workdir, name) as bot:
        await listening(port, bot)
        yield bot


def _read_commits(
    run: FleetRun,
    bots: list[Child],
    t0: float,
    first_sent: dict[int, float],
    update_of: dict[Key, int],
) -> None:
    """The commit times the stopped workers wrote: when the last answer was in, and each
    answer's latency from its first delivery."""
    records = [r for b in bots for r in json.loads(b.out.read_text())["records"]]
    done = [float(r[-1]) for r in records]
    run.seconds = max(done) - t0 if done else float("nan")
    run.latencies = [
        float(r[-1]) - first_sent[update_of[key]]
        for r in records
        if (key := tuple(r[:-1])) in update_of and update_of[key] in first_sent
    ]


async def fleet(
    sizes: Sizes,
    workdir: Path,
    server_url: str | None = None,
    setups: tuple[tuple[str, bool, int], ...] = SETUPS,
) -> list[FleetRun]:
    """The setups, in one run. Without `server_url`, a durable PostgreSQL server is started
    for them (and its CPU measured)."""
    expected = sizes.members * sizes.questions
    runs = [FleetRun(label, expected) for label, _, _ in setups]
    # Under /tmp itself: the server runs as another user (see tools/pg_server.py).
    folder = Path(tempfile.gettempdir()) / f"studyquiz-bench-pg-{uuid.uuid4().hex}"
    try:
        if server_url is None and any(on_pg for _, on_pg, _ in setups):
            server_url = await asyncio.to_thread(pg_server.start, folder, durable=True)
            measured = True
        else:
            measured = False
        for run, (_, on_pg, workers) in zip(runs, setups, strict=True):
            try:
                if not on_pg or server_url is None:
                    await _burst_run(run, sizes, workdir, workers, None)
                    continue
                async with database(server_url, f"bench_{uuid.uuid4().hex[:10]}") as url:
                    before = server_cpu(folder) if measured else None
                    await _burst_run(run, sizes, workdir, workers, url)
                    if before is not None:
                        run.server_cpu_seconds = server_cpu(folder) - before
            except (RuntimeError, OSError, AssertionError, asyncpg.PostgresError) as exc:
                run.error = str(exc).splitlines()[0][:120]
    except (RuntimeError, OSError) as exc:  # no PostgreSQL server on this machine
        for run, (_, on_pg, _) in zip(runs, setups, strict=True):
            if on_pg:
                run.error = run.error or f"no PostgreSQL server: {exc}"
    finally:
        await asyncio.to_thread(pg_server.stop, folder)
    return runs


def fleet_rows(runs: list[FleetRun]) -> list[Row]:
    expected = runs[0].expected
    rows: list[Row] = [
        (
            f"Fleet: ingest burst of {expected} answers via webhooks",
            " ; ".join(r.label for r in runs),
            "",
            "",
        )
    ]

    def line(name: str, cell: Callable[[FleetRun], str], target: str = "", ok: str = "") -> None:
        rows.append((f"   {name}", " ; ".join(cell(r) for r in runs), target, ok))

    def guard(fn: Callable[[FleetRun], str]) -> Callable[[FleetRun], str]:
        return lambda r: fn(r) if r.error is None else f"failed: {r.error}"

    line(
        "answers committed",
        guard(lambda r: f"{r.stored}/{r.expected}"),
        "all",
        mark(all(r.complete for r in runs)),
    )
    line("push -> all committed", guard(lambda r: f"{r.seconds:.2f} s"))
    line("answers per second", guard(lambda r: f"{r.per_second():,.0f}"))
    line("workers' CPU per answer", guard(lambda r: f"{r.cpu_ms(r.bot_cpu_seconds):.3f} ms"))
    line(
        "PostgreSQL server's CPU per answer",
        guard(
            lambda r: (
                "-" if r.server_cpu_seconds is None else f"{r.cpu_ms(r.server_cpu_seconds):.3f} ms"
            )
        ),
    )
    line(
        "latency delivery -> commit p50/p99",
        guard(
            lambda r: (
                f"{percentile(r.latencies, 50) * 1000:,.0f} / "
                f"{percentile(r.latencies, 99) * 1000:,.0f} ms"
            )
        ),
    )
    line("quiz closed itself, feedback posted", guard(lambda r: "yes" if r.finished else "no"))
    return rows


async def fleet_part(workdir: Path, smoke: bool) -> list[Row]:
    return fleet_rows(await fleet(SMOKE if smoke else Sizes(), workdir))
