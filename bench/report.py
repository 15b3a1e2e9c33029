"""What the table's rows are made of, shared by the parts that live in their own modules."""

from __future__ import annotations

# Figure, result, target, ok/MISSED.
Row = tuple[str, str, str, str]


# The bot's peak resident size, in every part that measures it.
RSS_TARGET_MIB = 150.0


def mib(kib: int) -> float:
    return kib / 1024


def mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"
