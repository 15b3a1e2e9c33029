"""The group leaderboard, computed by the bot (never by the model)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from quiz.scoring import Standing

MEDALS = ("🥇", "🥈", "🥉")
_BAR = 8
# One message must hold the board whatever the names: at most this many rows, names cut.
MAX_ROWS = 20
MAX_NAME = 40


def clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


def short_name(name: str) -> str:
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"


def bar(part: int, whole: int, width: int = _BAR) -> str:
    filled = round(width * part / whole) if whole else 0
    return "▰" * filled + "▱" * (width - filled)


def leaderboard_html(
    header: str,
    table: Sequence[Standing],
    questions: int,
    per_question: Sequence[tuple[int, int]],
    *,
    no_answers: str,
    more: str = "+{n}",
) -> str:
    """`per_question` is (right, answered) per question; names are escaped for HTML."""
    lines = [f"<b>{escape(header)}</b>", ""]
    if not table:
        lines.append(escape(no_answers))
    rank = 0
    previous: tuple[int, float] | None = None
    for i, s in enumerate(table):
        if previous != (s.score, s.seconds):
            rank = i + 1
            previous = (s.score, s.seconds)
        if i == MAX_ROWS:
            lines.append(escape(more.format(n=len(table) - MAX_ROWS)))
            break
        badge = MEDALS[rank - 1] if rank <= len(MEDALS) else f"{rank}."
        name = escape(short_name(s.name))
        lines.append(f"{badge} {name} — <b>{s.score}/{questions}</b> · {clock(s.seconds)}")
    if per_question:
        lines.append("")
        for i, (right, answered) in enumerate(per_question):
            lines.append(f"<code>{i + 1:>2} {bar(right, answered)}</code> {right}/{answered}")
    return "\n".join(lines)
