"""Checking the model's source quotes against what file_search actually retrieved.

A quote is only shown as a citation when it appears, word for word (whitespace normalised),
in a chunk the search returned; otherwise it is kept in storage, flagged, and never shown.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from html import escape

from quiz.feedback import plain_links
from quiz.model import Question, Quiz

# Models often wrap a quote in quotation marks or mark a cut with an ellipsis; neither is
# part of the document's text.
_WRAPPERS = "\"'\u201c\u201d\u2018\u2019«»「」『』…. "
# Shorter than this, a "quote" matches almost any text and proves nothing.
MIN_QUOTE_CHARS = 8


@dataclass(frozen=True, slots=True)
class RetrievedChunk:
    filename: str
    text: str
    # Where the bot indexed the document itself (local search), the page the chunk is on.
    page: int | None = None

    @property
    def cited_name(self) -> str:
        """The name a citation shows: the file, and the page when known."""
        if self.page is None or not self.filename:
            return self.filename
        return f"{self.filename}, p. {self.page}"


def normalise(text: str) -> str:
    """NFKC (full-width forms, ligatures) and every run of whitespace as one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _core(quote: str) -> str:
    return normalise(quote).strip(_WRAPPERS)


def find_source(
    quote: str, source_file: str | None, chunks: Sequence[RetrievedChunk]
) -> RetrievedChunk | None:
    """The retrieved chunk containing the quote, preferring one from the named file."""
    core = _core(quote)
    if len(core) < MIN_QUOTE_CHARS:
        return None
    found = [c for c in chunks if core in normalise(c.text)]
    for chunk in found:
        if source_file and chunk.filename == source_file:
            return chunk
    return found[0] if found else None


def verify_quotes(quiz: Quiz, chunks: Sequence[RetrievedChunk]) -> Quiz:
    """Mark every question's quote verified or not; a found quote names the file it came from.

    Questions without a quote stay unchecked (None)."""
    questions = []
    for q in quiz.questions:
        if q.source_quote is None:
            questions.append(replace(q, quote_verified=None))
            continue
        chunk = find_source(q.source_quote, q.source_file, chunks)
        if chunk is None:
            questions.append(replace(q, quote_verified=False))
        else:
            # The model sometimes names the wrong file for a right quote; the search knows.
            questions.append(
                replace(q, quote_verified=True, source_file=chunk.cited_name or q.source_file)
            )
    return replace(quiz, questions=tuple(questions))


def trim(text: str, limit: int) -> str:
    """Cut at a word boundary with an ellipsis; '' when nothing meaningful fits."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    if limit < 2:
        return ""
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def shown_source(question: Question) -> tuple[str, str] | None:
    """(file name, quote) when the question has a verified source to show."""
    if question.quote_verified and question.source_quote:
        return question.source_file or "", question.source_quote
    return None


def source_html(question: Question, limit: int) -> str:
    """The verified source as Telegram HTML, at most `limit` characters once parsed (the
    file name in italics, the quote cut at a word boundary only if it must be); '' if none."""
    source = shown_source(question)
    if source is None:
        return ""
    filename, quote = source
    # 📄 is two UTF-16 code units, and Telegram counts those.
    head = f"📄 {filename}: " if filename else "📄 "
    room = limit - len(head) - 1 - 2
    if room < MIN_QUOTE_CHARS:
        return ""
    short = trim(quote, room)
    if not short:
        return ""
    name = f"<i>{escape(filename)}</i>: " if filename else ""
    return f"📄 {name}“{escape(short)}”"


# A feedback quote line is kept short: the whole quote is in the document.
MAX_FEEDBACK_QUOTE = 300


def quotes_html(questions: Sequence[Question], header: str) -> str:
    """Telegram HTML listing each question's verified source, or '' when there are none."""
    lines = []
    for number, q in enumerate(questions, start=1):
        source = shown_source(q)
        if source is None:
            continue
        filename, quote = source
        where = f" — <i>{escape(filename)}</i>" if filename else ""
        lines.append(f"{number}. “{escape(trim(quote, MAX_FEEDBACK_QUOTE))}”{where}")
    if not lines:
        return ""
    # A document's words are not ours either: no link in them becomes clickable.
    return plain_links(f"<b>{escape(header)}</b>\n" + "\n".join(lines))


def append_block(chunks: Sequence[str], block: str, limit: int) -> list[str]:
    """Add an HTML block to the last message when it fits there, else as a message of its own."""
    out = list(chunks)
    if not block:
        return out
    if out and len(out[-1]) + 2 + len(block) <= limit:
        out[-1] = f"{out[-1]}\n\n{block}"
        return out
    # Lines are short (quotes are trimmed), so whole lines always fit in a message.
    current = ""
    for line in block.split("\n"):
        if current and len(current) + 1 + len(line) > limit:
            out.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    out.append(current)
    return out
