"""The model's feedback as Telegram messages: Markdown → Telegram HTML, citations as footnotes."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from chatgpt_md_converter import split_html_for_telegram, telegram_format
from telegram.constants import MessageLimit

# File-search citation markers as models print them inline, e.g. 【4:0†source】.
_RAW_MARKER = re.compile(r"【[^】]*】")
_FOOTNOTE = re.compile(r"\[\d+\]")
_TAG = re.compile(r"<[^>]+>")
_ANCHOR = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.DOTALL)
_TAG_SPLIT = re.compile(r"(<[^>]+>)")
# What Telegram would make clickable in plain text: a URL with a scheme, or a host name.
_LINKISH = re.compile(
    r"\b[a-z][a-z0-9+.-]*://[^\s<]+|\bwww\.[^\s<]+|\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b(?:/[^\s<]*)?",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}'\""


@dataclass(frozen=True, slots=True)
class Citation:
    index: int
    filename: str


def with_footnotes(text: str, citations: Sequence[Citation], sources_label: str) -> str:
    """Insert [n] where each citation points, and list the files at the end."""
    numbers: dict[str, int] = {}
    for c in sorted(citations, key=lambda c: c.index):
        numbers.setdefault(c.filename, len(numbers) + 1)
    out = text
    # From the end, so earlier indices stay valid while inserting.
    for c in sorted(citations, key=lambda c: c.index, reverse=True):
        at = max(0, min(c.index, len(out)))
        out = f"{out[:at]}[{numbers[c.filename]}]{out[at:]}"
    # A citation may point into a raw marker: keep its footnote, drop the marker.
    out = _RAW_MARKER.sub(lambda m: "".join(_FOOTNOTE.findall(m.group())), out)
    if numbers:
        lines = [f"[{n}] {name}" for name, n in numbers.items()]
        out = f"{out.rstrip()}\n\n**{sources_label}**\n" + "\n".join(lines)
    return out


def _as_code(match: re.Match[str]) -> str:
    link = match.group().rstrip(_TRAILING)
    return f"<code>{link}</code>{match.group()[len(link) :]}"


def plain_links(html_text: str) -> str:
    """The model's links as words that are no links: a name, topic or document can carry a
    link into its text. `[label](url)` becomes `label (url)`, and every URL or host name is
    set in <code>, where Telegram finds no link (code holds no other entity)."""

    def anchor(match: re.Match[str]) -> str:
        url, label = match.group(1), match.group(2)
        return url if _TAG.sub("", label) == url else f"{label} ({url})"

    out: list[str] = []
    in_code = 0
    for part in _TAG_SPLIT.split(_ANCHOR.sub(anchor, html_text)):
        if part.startswith("<"):
            name = part.strip("</>").split(maxsplit=1)[0].lower() if part.strip("</>") else ""
            if name in ("code", "pre"):
                in_code += -1 if part.startswith("</") else 1
            out.append(part)
        else:
            out.append(part if in_code else _LINKISH.sub(_as_code, part))
    return "".join(out)


def to_html_chunks(markdown: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Telegram-safe HTML without links, split on paragraph boundaries to fit one message
    each."""
    converted = plain_links(telegram_format(markdown))
    return [c for c in split_html_for_telegram(converted, True, limit) if c.strip()]


def html_to_plain(chunk: str) -> str:
    """The fallback when Telegram still refuses our entities: the same words, no markup."""
    return html.unescape(_TAG.sub("", chunk))
