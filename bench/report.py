"""What the table's rows are made of, shared by the parts that live in their own modules."""

from __future__ import annotations

# Figure, result, target, ok/MISSED.
Row = tuple[str, str, str, str]


def mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"
