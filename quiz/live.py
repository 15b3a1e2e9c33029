"""A live game's scores: points for speed on a right answer, a bonus for a streak, and the
standings after each question with what changed since the one before."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

from quiz.model import Answer, Quiz
from quiz.results import MAX_ROWS, MEDALS, short_name
from quiz.scoring import Scored

# A right answer scores between MAX_POINTS (at once) and MAX_POINTS / 2 (at the last second),
# as Kahoot does: speed counts, but never more than being right.
MAX_POINTS = 1000
# Each right answer in a row after the first adds this much, up to STREAK_CAP.
STREAK_STEP = 100
STREAK_CAP = 500


@dataclass(frozen=True, slots=True)
class SentQuestion:
    """A question of the game that went out: when, and for how long it was open."""

    index: int
    sent_at: float
    period: float


@dataclass(frozen=True, slots=True)
class LiveStanding:
    user_id: int
    name: str
    points: int
    right: int
    seconds: float  # all of the player's answers' times: the tie-break


@dataclass(frozen=True, slots=True)
class Move:
    """A player's line in the standings after a question: rank now, and the change."""

    standing: LiveStanding
    rank: int  # 1-based
    gained: int  # points won on the last question
    climbed: int  # places up since the question before (negative: down)


def speed_points(elapsed: float, period: float) -> int:
    """`round(1000 * (1 - elapsed / period / 2))`, elapsed held within the period."""
    fraction = min(max(elapsed, 0.0), period) / period if period > 0 else 0.0
    return round(MAX_POINTS * (1 - fraction / 2))


def streak_bonus(streak: int) -> int:
    """The bonus of the `streak`-th right answer in a row (the first earns none)."""
    return min(STREAK_STEP * max(streak - 1, 0), STREAK_CAP)


def score(
    quiz: Quiz, sent: Sequence[SentQuestion], answers: Iterable[Answer]
) -> dict[tuple[int, int], Scored]:
    """Every answer to a sent question, by (user, question): seconds and points. A wrong or
    missing answer scores 0 and breaks the streak; one after the question's time is not
    counted (a tap that raced its close)."""
    by_key = {(a.user_id, a.question_index): a for a in answers}
    users = sorted({user for user, _ in by_key})
    out: dict[tuple[int, int], Scored] = {}
    for user in users:
        streak = 0
        for q in sorted(sent, key=lambda q: q.index):
            a = by_key.get((user, q.index))
            if a is None:
                streak = 0
                continue
            # Scored as reported (to the hundredth): the model's numbers add up.
            elapsed = round(max(0.0, a.answered_at - q.sent_at), 2)
            if elapsed > q.period:
                streak = 0
                continue
            right = a.choice_index == quiz.questions[q.index].answer_index
            streak = streak + 1 if right else 0
            points = speed_points(elapsed, q.period) + streak_bonus(streak) if right else 0
            out[(user, q.index)] = Scored(elapsed, points, right)
    return out


def table(scored: Mapping[tuple[int, int], Scored], names: Mapping[int, str]) -> list[LiveStanding]:
    """The standings: more points first; the same points → less total time first."""
    acc: dict[int, tuple[int, int, float]] = {}
    for (user, _), s in scored.items():
        points, right, seconds = acc.get(user, (0, 0, 0.0))
        acc[user] = (points + s.points, right + s.right, seconds + s.seconds)
    rows = [
        LiveStanding(user, names.get(user, "?"), points, right, round(seconds, 2))
        for user, (points, right, seconds) in acc.items()
    ]
    rows.sort(key=lambda s: (-s.points, s.seconds, s.user_id))
    return rows


def moves(
    quiz: Quiz,
    sent: Sequence[SentQuestion],
    answers: Sequence[Answer],
    names: Mapping[int, str],
) -> list[Move]:
    """The standings after the last sent question, with each player's change since the one
    before it (a newcomer climbs from below everyone)."""
    if not sent:
        return []
    last = max(q.index for q in sent)
    before = table(score(quiz, [q for q in sent if q.index != last], answers), names)
    now_scored = score(quiz, sent, answers)
    now = table(now_scored, names)
    old_rank = {s.user_id: i for i, s in enumerate(before, start=1)}
    out = []
    for rank, s in enumerate(now, start=1):
        gained = now_scored[(s.user_id, last)].points if (s.user_id, last) in now_scored else 0
        climbed = old_rank.get(s.user_id, len(before) + 1) - rank
        out.append(Move(s, rank, gained, climbed))
    return out


# The standings message shows the leaders only: it is edited after every question.
TOP = 5


def _arrow(climbed: int) -> str:
    return f"▲{climbed}" if climbed > 0 else f"▼{-climbed}" if climbed < 0 else "="


def standings_html(header: str, board: Sequence[Move], *, no_answers: str) -> str:
    """The top of the standings after a question: points, points won, places moved."""
    lines = [f"<b>{escape(header)}</b>", ""]
    if not board:
        lines.append(escape(no_answers))
    for move in board[:TOP]:
        s = move.standing
        lines.append(
            f"{move.rank}. {escape(short_name(s.name))} — <b>{s.points}</b>"
            f" (+{move.gained}) {_arrow(move.climbed)}"
        )
    return "\n".join(lines)


def podium_html(
    header: str, board: Sequence[LiveStanding], questions: int, *, no_answers: str, more: str
) -> str:
    """The end of a game: 🥇🥈🥉, then everyone else, in one message (MAX_ROWS at most)."""
    lines = [f"<b>{escape(header)}</b>", ""]
    if not board:
        lines.append(escape(no_answers))
    for i, s in enumerate(board):
        if i == MAX_ROWS:
            lines.append(escape(more.format(n=len(board) - MAX_ROWS)))
            break
        badge = MEDALS[i] if i < len(MEDALS) else f"{i + 1}."
        lines.append(
            f"{badge} {escape(short_name(s.name))} — <b>{s.points}</b>"
            f" · {s.right}/{questions} · {s.seconds:.1f} s"
        )
    return "\n".join(lines)
