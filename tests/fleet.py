"""Several real `python bot.py` workers in webhook mode on one database, fed by the fake
Telegram round-robin over their ports as a load balancer would (issue 24's deployment)."""

from __future__ import annotations

import asyncio
import secrets
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg

from fakes.openai_server import FakeOpenAI
from fakes.telegram_server import FakeTelegram
from tests.botprocess import BotProcess

# Public and https, as Telegram requires; the fake maps it to the workers' local ports.
HOOK_URL = "https://studyquiz.example.com/telegram/hook"
HOOK_PATH = urlsplit(HOOK_URL).path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def listening(port: int, proc: BotProcess, within: float = 30.0) -> None:
    """Wait until the worker's webhook server accepts connections (it calls setWebhook
    first, then starts serving)."""
    async with asyncio.timeout(within):
        while True:
            assert proc.proc is not None and proc.proc.returncode is None, proc.output()
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.05)
                continue
            writer.close()
            await writer.wait_closed()
            return


class Fleet:
    """`workers` bot processes sharing `database_url` (PostgreSQL), or, with None, one SQLite
    file (only meaningful with one worker: for comparisons)."""

    def __init__(
        self,
        tg: FakeTelegram,
        oa: FakeOpenAI,
        folder: Path,
        database_url: str | None,
        workers: int = 2,
        **env: str,
    ) -> None:
        self.tg, self.database_url = tg, database_url
        self.secret = secrets.token_urlsafe(16)
        self.ports = [free_port() for _ in range(workers)]
        common = {"WEBHOOK_URL": HOOK_URL, "WEBHOOK_LISTEN": "127.0.0.1"}
        common["WEBHOOK_SECRET_TOKEN"] = self.secret
        if database_url is not None:
            common["DATABASE_URL"] = database_url
        self.workers = [
            BotProcess(
                tg,
                oa,
                folder / "studyquiz.sqlite3",
                folder / f"worker{i}.log",
                **{**common, "WEBHOOK_PORT": str(port), **env},
            )
            for i, port in enumerate(self.ports)
        ]
        tg.route_webhook([f"http://127.0.0.1:{port}{HOOK_PATH}" for port in self.ports])

    async def start(self) -> None:
        """One after the other, as a rolling deployment starts them; each is serving before
        the next starts."""
        for worker, port in zip(self.workers, self.ports, strict=True):
            await self.start_worker(worker, port)

    async def start_worker(self, worker: BotProcess, port: int) -> None:
        await worker.start(ready=False)
        await listening(port, worker)

    async def kill(self, index: int) -> None:
        """SIGKILL one worker: its port then refuses connections, and the fake's load
        balancing passes its deliveries to the others."""
        await self.workers[index].kill()

    async def stop(self) -> None:
        for worker in self.workers:
            if worker.proc is not None:
                await worker.terminate()

    @property
    def alive(self) -> list[BotProcess]:
        return [w for w in self.workers if w.proc is not None]

    def output(self) -> str:
        return "\n".join(
            f"--- worker {i}\n{w.output()}" for i, w in enumerate(self.workers) if w.log.exists()
        )

    async def rows(self, sql: str, *args: Any) -> Sequence[asyncpg.Record]:
        """Read the shared database (PostgreSQL's own placeholders: $1, $2 …)."""
        assert self.database_url is not None
        conn = await asyncpg.connect(self.database_url)
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()

    async def value(self, sql: str, *args: Any) -> Any:
        [row] = await self.rows(sql, *args)
        return row[0]
