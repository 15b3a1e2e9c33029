"""Local document search: index a 300-page PDF the way the bot does (the text
taken out in a child process, chunked, written to SQLite FTS5) and time the retrieval one
quiz makes. No bot and no fakes: the figures are the library's own."""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench.report import Row, mark
from fakes.study_files import text_pdf
from quiz.states import DocumentState
from services.extraction import extract
from services.local_library import MAX_PASSAGES
from storage import Repository

PAGES = 300
SMOKE_PAGES = 20
# Words a textbook page holds, about 2,500 characters.
LINES_PER_PAGE = 40
INDEX_TARGET_SECONDS = 30.0
RETRIEVAL_TARGET_MS = 50.0
RETRIEVALS = 20
CHAT = -1001

# Run in a child of its own: its peak RSS is the extraction's alone.
_PEAK = """
import resource, sys
from services.extraction import extract_chunks
extract_chunks(".pdf", sys.stdin.buffer.read())
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def book(pages: int) -> bytes:
    topics = ("photosynthesis", "mitochondria", "enzymes", "osmosis", "meiosis", "ecology")
    return text_pdf(
        [
            [
                f"Page {n}, line {i}: {topics[(n + i) % len(topics)]} and the cell cycle,"
                f" as chapter {n // 10 + 1} explains with example {i}."
                for i in range(LINES_PER_PAGE)
            ]
            for n in range(1, pages + 1)
        ]
    )


def _peak_kib(pdf: bytes) -> int:
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", _PEAK], input=pdf, capture_output=True, cwd=root, check=True
    )
    return int(done.stdout.decode().strip())


async def _timed(calls: int, make: Callable[[], Awaitable[object]]) -> float:
    """Median milliseconds of `calls` awaits of make()."""
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        await make()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def library_part(workdir: Path, smoke: bool) -> list[Row]:
    pages = SMOKE_PAGES if smoke else PAGES
    pdf = book(pages)
    path = workdir / "library.sqlite3"
    empty = await _empty_size(workdir / "empty.sqlite3")
    repo = await Repository.open(path)
    try:
        started = time.perf_counter()
        chunks = await extract(".pdf", pdf, 600)
        extracted = time.perf_counter() - started
        row = await repo.documents.create_document(
            chat_id=CHAT,
            uploader_id=1,
            request_key="bench",
            file_name="book.pdf",
            size=len(pdf),
            now=0.0,
        )
        assert row is not None
        await repo.chunks.add_chunks(row.id, CHAT, chunks)
        await repo.documents.update_document(row.id, DocumentState.READY)
        indexed = time.perf_counter() - started
        topic = await _timed(
            RETRIEVALS,
            lambda: repo.chunks.search_chunks(CHAT, "mitochondria enzymes", MAX_PASSAGES),
        )
        spread = await _timed(RETRIEVALS, lambda: repo.chunks.spread_chunks(CHAT, MAX_PASSAGES))
    finally:
        await repo.close()
    # Closed: the write-ahead log is in the database file now.
    size = _size(path) - empty
    peak = await asyncio.to_thread(_peak_kib, pdf)
    return [
        (
            f"Library: index a {pages}-page PDF ({len(pdf) / 2**20:.1f} MB) here",
            f"{indexed:.1f} s ({extracted:.1f} s reading, {len(chunks)} chunks)",
            f"< {INDEX_TARGET_SECONDS:.0f} s",
            mark(indexed < INDEX_TARGET_SECONDS),
        ),
        ("   peak memory of the reading process", f"{peak / 1024:.0f} MiB", "", ""),
        ("   index size on disk (chunks + FTS5)", f"{size / 2**20:.1f} MB", "", ""),
        (
            "   retrieval for one quiz: by topic / spread",
            f"{topic:.1f} ms / {spread:.1f} ms",
            f"< {RETRIEVAL_TARGET_MS:.0f} ms",
            mark(max(topic, spread) < RETRIEVAL_TARGET_MS),
        ),
    ]


async def _empty_size(path: Path) -> int:
    """The size of a database with the schema and nothing in it."""
    await (await Repository.open(path)).close()
    return _size(path)


def _size(path: Path) -> int:
    return path.stat().st_size
