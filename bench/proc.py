"""The parent's side: the fakes, the bot in a child process, and what is measured from outside."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fakes import BOT_TOKEN, OPENAI_KEY
from fakes.openai_server import FakeOpenAI
from fakes.telegram_server import FakeTelegram, JSONDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class BenchTelegram(FakeTelegram):
    """The tests' fake Bot API, noting when each update was first served by getUpdates."""

    def __init__(self) -> None:
        super().__init__()
        self.served_at: dict[int, float] = {}
        self.polling_started = asyncio.Event()
        serve = self._handlers["getUpdates"]

        async def get_updates(params: JSONDict) -> Any:
            self.polling_started.set()
            result = await serve(params)
            now = time.monotonic()
            for update in result:
                self.served_at.setdefault(update["update_id"], now)
            return result

        self._handlers["getUpdates"] = get_updates

    async def __aenter__(self) -> BenchTelegram:
        await self.start()
        return self


def child_env(tg: FakeTelegram, oa: FakeOpenAI | None, db: Path, **extra: str) -> dict[str, str]:
    env = {
        # Only what the bot needs: no proxies, no developer settings.
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO_ROOT),
        "PTB_TIMEDELTA": "1",
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "OPENAI_API_KEY": OPENAI_KEY,
        "TELEGRAM_API_BASE_URL": tg.root,
        "OPENAI_BASE_URL": oa.base_url if oa else "http://127.0.0.1:9/v1",
        "DATABASE_PATH": str(db),
        "OPENAI_MAX_RETRIES": "0",
        "LOG_LEVEL": "WARNING",
    }
    # The defaults a user gets, but answer-key checks may be switched off from outside
    # (QUIZ_VERIFY=off python -m bench) to see what their language model costs in memory.
    if "QUIZ_VERIFY" in os.environ:
        env["QUIZ_VERIFY"] = os.environ["QUIZ_VERIFY"]
    # `--profile`'s profiler: pyinstrument, or cProfile (BENCH_PROFILER=cprofile) for the
    # per-call costs pyinstrument's sampling hides.
    if "BENCH_PROFILER" in os.environ:
        env["BENCH_PROFILER"] = os.environ["BENCH_PROFILER"]
    env.update(extra)
    return env


@dataclass
class Child:
    """A bot process; its memory is read from /proc, its notes from BENCH_OUT."""

    process: asyncio.subprocess.Process
    out: Path
    log: Path
    rss_samples: list[int] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.process.pid

    def status_kib(self, key: str) -> int:
        """VmRSS (now) or VmHWM (peak since start) in KiB."""
        try:
            text = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return 0
        for line in text.splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
        return 0

    def cpu_seconds(self) -> float:
        """User + system CPU time the bot has used so far: unlike wall time, barely moved by
        whatever else runs on the machine."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        # utime and stime are fields 14 and 15 of proc(5); the split starts at field 3.
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def sample_rss(self, every: float = 0.05) -> None:
        while self.process.returncode is None:
            self.rss_samples.append(self.status_kib("VmRSS"))
            await asyncio.sleep(every)

    async def report(self, within: float) -> dict[str, Any]:
        """Wait for the child's notes (written once every expected answer arrived)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.out.exists():
                data: dict[str, Any] = json.loads(self.out.read_text())
                if data["complete"]:
                    return data
            if self.process.returncode is not None:
                break
            await asyncio.sleep(0.02)
        raise RuntimeError(
            f"the bot did not report every answer within {within:.0f}s; log:\n{self.tail()}"
        )

    def tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"


@contextlib.asynccontextmanager
async def child(
    mode: str, env: Mapping[str, str], workdir: Path, name: str
) -> AsyncIterator[Child]:
    """Run `python -m bench.child MODE`; SIGTERM (a clean run_polling shutdown) on exit."""
    out = workdir / f"{name}.json"
    log = workdir / f"{name}.log"
    out.unlink(missing_ok=True)
    with log.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.child",
            mode,
            env={**env, "BENCH_OUT": str(out)},
            cwd=REPO_ROOT,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
        )
    running = Child(process, out, log)
    sampler = asyncio.create_task(running.sample_rss())
    try:
        yield running
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await process.wait()
        sampler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampler


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile; enough for a few thousand samples."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]
