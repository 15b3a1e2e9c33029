"""Local document search: a document's text taken out on our side (PDF, Word, PowerPoint,
text, Markdown and HTML), page by page, and cut into overlapping chunks for the index.

The parsers are CPU-bound pure Python: they run in a child process (this module run as
`python -m services.extraction EXT`, the file on stdin, JSON on stdout), so a 300-page PDF
never holds the event loop (or the GIL) that every other chat needs, and one that takes too
long is killed rather than left running.
"""

from __future__ import annotations

import asyncio
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from services.document_types import SUPPORTED_TYPES
from storage.chunks import Chunk

# Pages (or slides) read from one document, and characters kept: what a quiz can draw on
# from a book-sized document, and a bound on the work a hostile file can cause.
MAX_PAGES = 2000
MAX_CHARS = 4_000_000
# A chunk is about a paragraph or two; neighbours overlap so a sentence cut at a chunk's end
# is whole in the next one.
CHUNK_CHARS = 1200
CHUNK_OVERLAP = 200
# A PDF of which most pages give less text than this (a page number at most) is a scan.
MIN_PAGE_CHARS = 3

_OFFICE = (".pdf", ".docx", ".pptx")
# The rest of what the bot accepts is text (.doc is the old binary Word format: not read).
LOCAL_TYPES = tuple(ext for ext in SUPPORTED_TYPES if ext != ".doc")


class ExtractionError(Exception):
    """The text could not be taken out; `key` is the message the person gets."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key = key
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Page:
    number: int | None  # None where the format has no pages (Word, text)
    text: str


def _pdf(data: bytes) -> Iterator[Page]:
    from pypdf import PdfReader  # imported in the child process only

    reader = PdfReader(io.BytesIO(data))
    for number, page in enumerate(reader.pages, start=1):
        if number > MAX_PAGES:
            return
        yield Page(number, page.extract_text() or "")


def _docx(data: bytes) -> Iterator[Page]:
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    yield Page(None, "\n".join(parts))


def _pptx(data: bytes) -> Iterator[Page]:
    from pptx import Presentation

    for number, slide in enumerate(Presentation(io.BytesIO(data)).slides, start=1):
        if number > MAX_PAGES:
            return
        parts = [
            "\n".join(p.text for p in shape.text_frame.paragraphs)
            for shape in slide.shapes
            if shape.has_text_frame
        ]
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            parts.append(slide.notes_slide.notes_text_frame.text)
        yield Page(number, "\n".join(parts))


class _HTMLText(HTMLParser):
    """The text a browser shows, without scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _text(data: bytes, html: bool) -> Iterator[Page]:
    text = data.decode("utf-8", errors="replace")
    if html:
        parser = _HTMLText()
        parser.feed(text)
        text = "".join(parser.parts)
    # A form feed separates pages (as pdftotext writes them, and as a photo album's
    # transcription is stored): then each part is a page.
    pages = text.split("\f")
    if len(pages) == 1:
        yield Page(None, text)
        return
    for number, page in enumerate(pages[:MAX_PAGES], start=1):
        yield Page(number, page)


def extract_pages(ext: str, data: bytes) -> list[Page]:
    """The document's text by page, at most MAX_CHARS of it. Raises ExtractionError."""
    if ext not in LOCAL_TYPES:
        raise ExtractionError("doc_unsupported_here")
    readers = {".pdf": _pdf, ".docx": _docx, ".pptx": _pptx}
    source = readers[ext](data) if ext in readers else _text(data, ext == ".html")
    pages: list[Page] = []
    total = 0
    try:
        for page in source:
            text = page.text[: MAX_CHARS - total]
            pages.append(Page(page.number, text))
            total += len(text)
            if total >= MAX_CHARS:
                break
    except Exception as exc:  # noqa: BLE001 - any parser failure means an unreadable file
        raise ExtractionError("doc_unreadable", f"{type(exc).__name__}: {exc}") from None
    words = sum(len(p.text.split()) for p in pages)
    with_text = sum(len(p.text.strip()) >= MIN_PAGE_CHARS for p in pages)
    if ext == ".pdf" and with_text * 2 < len(pages):
        raise ExtractionError("doc_scanned")
    if not words:
        raise ExtractionError("doc_no_text")
    return pages


def chunk_pages(pages: list[Page]) -> list[Chunk]:
    """Each page cut into chunks of about CHUNK_CHARS at word boundaries, overlapping by
    about CHUNK_OVERLAP; a chunk never spans two pages, so each has one page number."""
    chunks: list[Chunk] = []
    for page in pages:
        words = page.text.split()
        start = 0
        while start < len(words):
            end, size = start, 0
            while end < len(words) and (size == 0 or size + 1 + len(words[end]) <= CHUNK_CHARS):
                size += len(words[end]) + (1 if size else 0)
                end += 1
            chunks.append(Chunk(page.number, " ".join(words[start:end])))
            if end >= len(words):
                break
            back, kept = end, 0
            while back > start + 1 and kept < CHUNK_OVERLAP:
                back -= 1
                kept += len(words[back]) + 1
            start = back
    return chunks


def extract_chunks(ext: str, data: bytes) -> list[Chunk]:
    return chunk_pages(extract_pages(ext, data))


# The child runs this module from the project's folder.
_ROOT = Path(__file__).resolve().parent.parent


async def extract(ext: str, data: bytes, max_seconds: float) -> list[Chunk]:
    """extract_chunks in a child process (`python -m services.extraction`), killed after
    `max_seconds`. Raises ExtractionError."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.extraction",
        ext,
        cwd=_ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(data), max_seconds)
    except TimeoutError:
        raise ExtractionError("doc_extract_timeout") from None
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    try:
        result = json.loads(out)
    except ValueError:
        detail = err.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise ExtractionError("doc_unreadable", detail[0]) from None
    if "error" in result:
        raise ExtractionError(result["error"], result.get("detail", ""))
    return [Chunk(page, text) for page, text in result["chunks"]]


def _main(ext: str) -> None:
    try:
        chunks = extract_chunks(ext, sys.stdin.buffer.read())
    except ExtractionError as exc:
        json.dump({"error": exc.key, "detail": exc.detail}, sys.stdout)
        return
    json.dump({"chunks": [[c.page, c.text] for c in chunks]}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    _main(sys.argv[1])
