"""Lists that must fit one Telegram text or caption: as many lines as fit, then "…and N more"."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

_TAG = re.compile(r"<[^>]+>")


def shown_length(text: str) -> int:
    """How long Telegram counts an HTML text: after parsing, in UTF-16 code units."""
    plain = html.unescape(_TAG.sub("", text))
    return len(plain.encode("utf-16-le")) // 2


def fit_lines(
    head: Sequence[str],
    items: Sequence[str],
    tail: Sequence[str],
    limit: int,
    more: Callable[[int], str],
) -> str:
    """`head`, the first `items` that fit, `more(n)` for the n left out, then `tail`, one per
    line, within `limit`; `head` and `tail` are short texts of ours and always kept."""
    for shown in range(len(items), -1, -1):
        lines = [*head, *items[:shown]]
        if shown < len(items):
            lines.append(more(len(items) - shown))
        text = "\n".join([*lines, *tail])
        if shown_length(text) <= limit:
            return text
    return "\n".join([*head, *tail])
