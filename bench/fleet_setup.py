"""The fleet part's machinery: free ports, a worker that serves, a throwaway database on
the PostgreSQL server, counting committed answers from outside, and the server's CPU."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sqlite3
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bench.proc import Child


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def listening(port: int, worker: Child, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if worker.process.returncode is not None:
            break
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            await writer.wait_closed()
            return
        await asyncio.sleep(0.05)
    raise RuntimeError(f"worker on port {port} never served; log:\n{worker.tail()}")


def _proc_cpu(pid: int, children_too: bool = False) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if children_too:  # cutime + cstime: the exited backends it reaped
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def server_cpu(folder: Path) -> float:
    """The PostgreSQL server's CPU seconds so far: the postmaster and its backends."""
    postmaster = int((folder / "data" / "postmaster.pid").read_text().split()[0])
    total = _proc_cpu(postmaster, children_too=True)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                total += _proc_cpu(int(stat.parent.name))
    return total


async def pg_counter(url: str) -> tuple[Callable[[], Awaitable[int]], Callable[[], Any]]:
    conn = await asyncpg.connect(url)

    async def count() -> int:
        try:
            return int(await conn.fetchval("SELECT COUNT(*) FROM answers"))
        except asyncpg.UndefinedTableError:
            return 0

    return count, conn.close


def sqlite_count(db: Path) -> int:
    if not db.exists():
        return 0
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        try:
            return int(conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


@contextlib.asynccontextmanager
async def database(server: str, name: str) -> Any:
    admin = await asyncpg.connect(server)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        admin = await asyncpg.connect(server)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
