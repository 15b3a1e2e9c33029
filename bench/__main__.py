"""`python -m bench [--smoke] [--only NAME …]`: the first four figures (speed and memory), the
answer-key checks, stats, live games, drafts, the library, /stop and flood
parts, and the big groups and memory with the defaults (burst, big, footprint;
docs/PERFORMANCE.md), printed as a table.

Every part runs the production `Application` in a child process (`bench/child.py`) against
the tests' fake Bot API and OpenAI servers on 127.0.0.1 in this process.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import telegram

from bench.burst_scenario import SMOKE_BURST, BurstSizes, big_group, big_rows, burst, burst_rows
from bench.drafts_scenario import drafts_part
from bench.fleet_scenario import fleet_part
from bench.flood_scenario import flood_part
from bench.footprint_scenario import footprint, footprint_rows
from bench.learning_scenario import stats_part
from bench.library_scenario import library_part
from bench.live_scenario import live_part
from bench.memory_scenario import memory_rows
from bench.pacing_scenario import pacing_rows
from bench.report import RSS_TARGET_MIB, Row, mark, mib
from bench.scenarios import (
    SMOKE,
    IngestResult,
    Sizes,
    group_pacing,
    ingest,
    memory,
    time_to_first_question,
)
from bench.stop_scenario import stop_part
from bench.ttfq_scenario import ttfq_rows
from bench.verify_scenario import verification, verify_rows

# The rows of the parts whose modules hold them are re-exported for the smoke tests.
__all__ = [
    "ingest_rows",
    "main",
    "memory_rows",
    "pacing_rows",
    "table",
    "ttfq_rows",
    "verify_rows",
]

# Parts in modules of their own (issues 14-16): each runs itself and returns its rows.
OWN_PARTS = {
    "stats": stats_part,
    "live": live_part,
    "drafts": drafts_part,
    "library": library_part,  # local document search
    "stop": stop_part,
    "flood": flood_part,
    "fleet": fleet_part,  # 1 process SQLite, 1 process PostgreSQL, 2 workers
}
PARTS = ("ingest", "ttfq", "memory", "pacing", "verify", *OWN_PARTS, "burst", "big", "footprint")
FRACTION_TARGET = 0.7
# The bot's CPU per poll answer (bare PTB's is about 0.05 ms) and its latency.
CPU_PER_ANSWER_TARGET_MS = 0.06
LATENCY_P99_TARGET_MS = 20.0


def _ingest_speed_rows(r: IngestResult) -> list[Row]:
    rounds = f" (median of {len(r.ours)})" if len(r.ours) > 1 else ""
    fractions = ", ".join(f"{f:.2f}" for f in r.fractions)
    return [
        (
            f"   seconds until all committed{rounds}",
            f"{r.median('ours', 'seconds'):.2f} s (bare PTB {r.median('bare', 'seconds'):.2f} s)",
            "",
            "",
        ),
        (
            "   answers per second",
            f"{r.median('ours', 'per_second'):,.0f}"
            f" (bare PTB {r.median('bare', 'per_second'):,.0f})",
            "",
            "",
        ),
        (
            "   fraction of bare PTB (wall time)",
            f"{r.fraction:.2f}" + (f" (rounds: {fractions})" if len(r.ours) > 1 else ""),
            f">= {FRACTION_TARGET}",
            mark(r.fraction >= FRACTION_TARGET),
        ),
    ]


def _ingest_cost_rows(r: IngestResult) -> list[Row]:
    return [
        (
            "   bot CPU per answer",
            f"{r.median('ours', 'cpu_ms_per_answer'):.3f} ms"
            f" (bare PTB {r.median('bare', 'cpu_ms_per_answer'):.3f} ms; ratio"
            f" {r.cpu_fraction:.2f})",
            f"<= {CPU_PER_ANSWER_TARGET_MS} ms",
            mark(r.median("ours", "cpu_ms_per_answer") <= CPU_PER_ANSWER_TARGET_MS),
        ),
        (
            "   latency getUpdates -> commit p50/p99",
            f"{r.latency_ms('ours', 50):,.0f} / {r.latency_ms('ours', 99):,.0f} ms"
            f" (bare PTB {r.latency_ms('bare', 50):,.0f} / {r.latency_ms('bare', 99):,.0f} ms)",
            f"p99 <= {LATENCY_P99_TARGET_MS:.0f} ms",
            mark(r.latency_ms("ours", 99) <= LATENCY_P99_TARGET_MS),
        ),
        (
            "   peak RSS during the burst",
            f"{mib(int(r.median('ours', 'peak_rss_kib'))):.0f} MiB"
            f" (idle {mib(int(r.median('ours', 'idle_rss_kib'))):.0f};"
            f" bare PTB {mib(int(r.median('bare', 'peak_rss_kib'))):.0f})",
            f"< {RSS_TARGET_MIB:.0f} MiB",
            mark(mib(max(o.peak_rss_kib for o in r.ours)) < RSS_TARGET_MIB),
        ),
    ]


def ingest_rows(r: IngestResult) -> list[Row]:
    seen = [o.answers for o in r.ours] + [b.answers for b in r.bare]
    complete = all(n == r.expected for n in [*r.stored, *seen])
    return [
        (
            f"1. Ingest: {r.expected} answers committed",
            f"{min(r.stored)}/{r.expected} in SQLite (bot and bare PTB saw {min(seen)})",
            "all",
            mark(complete),
        ),
        *_ingest_speed_rows(r),
        *_ingest_cost_rows(r),
        (
            "   quiz closed itself, feedback posted",
            "yes" if r.quiz_finished else "no",
            "",
            "",
        ),
    ]


def table(rows: list[Row]) -> str:
    header: Row = ("Figure", "Result", "Target", "")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]

    def line(row: Row) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for text_line in Path("/proc/cpuinfo").read_text().splitlines():
            if text_line.startswith("model name"):
                cpu = text_line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()},"
        f" Python {platform.python_version()}, python-telegram-bot {telegram.__version__}"
    )


async def run(
    sizes: Sizes,
    parts: tuple[str, ...],
    workdir: Path,
    profile: bool,
    smoke: bool = False,
    burst_sizes: BurstSizes | None = None,
) -> list[Row]:
    group = burst_sizes or (SMOKE_BURST if smoke else BurstSizes())
    rows: list[Row] = []
    for part in parts:
        started = time.monotonic()
        print(f"running {part} …", file=sys.stderr, flush=True)
        if part == "ingest":
            result = await ingest(sizes, workdir, rounds=sizes.rounds, profile=profile)
            rows += ingest_rows(result)
            if result.profile is not None:
                print(f"profile of the bot during ingest: {result.profile}", file=sys.stderr)
        elif part == "ttfq":
            rows += ttfq_rows(await time_to_first_question(sizes, workdir))
        elif part == "memory":
            rows += memory_rows(await memory(sizes, workdir))
        elif part == "pacing":
            rows += pacing_rows(await group_pacing(sizes, workdir), sizes.pacing_window_scale)
        elif part == "verify":
            rows += verify_rows(await verification(workdir))
        elif part in OWN_PARTS:
            rows += await OWN_PARTS[part](workdir, smoke)
        elif part == "burst":
            rows += burst_rows(await burst(group, workdir), group)
        elif part == "big":
            rows += big_rows(await big_group(group, workdir), group.big_seconds)
        elif part == "footprint":
            rows += footprint_rows(await footprint(workdir, settle=1.0 if smoke else 20.0))
        print(f"  {part} took {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    return rows


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, a few seconds (CI)")
    parser.add_argument("--only", choices=PARTS, action="append", help="run only these parts")
    parser.add_argument("--members", type=int, help="ingest: group members (500)")
    parser.add_argument("--questions", type=int, help="ingest: questions (5)")
    parser.add_argument("--rounds", type=int, help="ingest: rounds of ours + bare (3)")
    parser.add_argument("--tokens-per-second", type=float, help="ttfq: model speed (50)")
    parser.add_argument("--open-quizzes", type=int, help="memory: open quizzes (1000)")
    parser.add_argument("--window-scale", type=float, help="pacing: shrink flood windows (1.0)")
    parser.add_argument("--big-members", type=int, help="big: group members (10000)")
    parser.add_argument(
        "--big-seconds", type=float, help="big: the window the answers arrive in (60)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="ingest: pyinstrument the bot (needs pyinstrument)"
    )
    parser.add_argument("--keep", type=Path, help="keep databases, logs and profiles here")
    return parser.parse_args(argv)


def sizes_from(ns: argparse.Namespace) -> Sizes:
    sizes = SMOKE if ns.smoke else Sizes()
    overrides = {
        "members": ns.members,
        "questions": ns.questions,
        "rounds": ns.rounds,
        "tokens_per_second": ns.tokens_per_second,
        "open_quizzes": ns.open_quizzes,
        "pacing_window_scale": ns.window_scale,
    }
    return replace(sizes, **{k: v for k, v in overrides.items() if v is not None})


def main(argv: list[str] | None = None) -> int:
    ns = parse_args(sys.argv[1:] if argv is None else argv)
    sizes = sizes_from(ns)
    parts = tuple(ns.only) if ns.only else PARTS
    with tempfile.TemporaryDirectory(prefix="studyquiz-bench-") as tmp:
        workdir = ns.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        group = replace(
            SMOKE_BURST if ns.smoke else BurstSizes(),
            **{
                k: v
                for k, v in {"big_members": ns.big_members, "big_seconds": ns.big_seconds}.items()
                if v is not None
            },
        )
        rows = asyncio.run(run(sizes, parts, workdir, ns.profile, ns.smoke, group))
    print(f"StudyQuiz benchmark{' (smoke sizes)' if ns.smoke else ''} on {machine()}")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
