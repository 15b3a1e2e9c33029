"""`python bot.py` as a real child process, for tests that kill it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from fakes import BOT_TOKEN, OPENAI_KEY
from fakes.openai_server import FakeOpenAI
from fakes.telegram_server import FakeTelegram

ROOT = Path(__file__).resolve().parents[1]


class BotProcess:
    def __init__(self, tg: FakeTelegram, oa: FakeOpenAI, db: Path, log: Path, **env: str) -> None:
        self.tg, self.oa, self.db, self.log = tg, oa, db, log
        self.env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
            "OPENAI_API_KEY": OPENAI_KEY,
            "TELEGRAM_API_BASE_URL": tg.root,
            "OPENAI_BASE_URL": oa.base_url,
            "DATABASE_PATH": str(db),
            "OPENAI_TIMEOUT": "10",
            "OPENAI_MAX_RETRIES": "0",
            "LOG_LEVEL": "INFO",
            **env,
        }
        self.proc: asyncio.subprocess.Process | None = None
        # Where its data is: PostgreSQL's URL when given one, else the SQLite file.
        self.target: Path | str = env.get("DATABASE_URL") or db

    async def start(self, *, ready: bool = True) -> None:
        """Start and wait until it polls Telegram (so it is handling updates); `ready=False`:
        don't wait (webhook mode, where the caller knows what to wait for)."""
        polls = len(self.tg.calls_of("getUpdates"))
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "bot.py", cwd=ROOT, env=self.env, stdout=out, stderr=out
            )
        if ready:
            await self.tg.wait_for("getUpdates", count=polls + 1, timeout=20)

    async def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a power cut or an OOM kill."""
        assert self.proc is not None
        self.proc.kill()
        await self.proc.wait()
        self.proc = None

    async def reap(self) -> None:
        """Wait for a process something else killed."""
        assert self.proc is not None
        await asyncio.wait_for(self.proc.wait(), 20)
        self.proc = None

    async def terminate(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.proc.wait(), 30)
        self.proc = None
        return code

    async def restart(self) -> None:
        await self.kill()
        await self.start()

    def output(self) -> str:
        return self.log.read_text(errors="replace")
