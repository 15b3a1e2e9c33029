"""What a local-model run logs: the requests that reached the model server, the bot's own
records, and what the answer-key checks decided (read back from those records)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from quiz.verification import SOLVED, VERDICT, Judged, SolveCall, Verdict


class ModelRequests(logging.Handler):
    """httpx's request lines to the model server: which endpoints the bot used, and how
    they answered (the bot silences httpx because Telegram's lines hold the token)."""

    def __init__(self, port: int) -> None:
        super().__init__(logging.INFO)
        self.port = f":{port}/"
        self.lines: list[tuple[float, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if self.port in message:
            self.lines.append((time.monotonic(), message.removeprefix("HTTP Request: ")))


class BotLog(logging.Handler):
    """The bot's own warnings and errors: the engine's fallbacks are logged as warnings."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(("httpx", "httpcore")):
            self.records.append(record)


# The verdicts under which a question goes out (its key stands).
PASSED = (Verdict.CONFIRMED, Verdict.GUESS, Verdict.UNANSWERED)


@dataclass
class VerifyFigures:
    """What the answer-key checks decided in one run, read from the bot's log records."""

    solves: list[SolveCall] = field(default_factory=list)
    # Every verdict per question (the model's index), in order: the first check, then the
    # check of its replacement, if one was asked for.
    verdicts: dict[int, list[Verdict]] = field(default_factory=dict)

    @classmethod
    def of(cls, records: Sequence[logging.LogRecord]) -> VerifyFigures:
        figures = cls()
        for record in records:
            solve = getattr(record, SOLVED, None)
            if isinstance(solve, SolveCall):
                figures.solves.append(solve)
            judged = getattr(record, VERDICT, None)
            if isinstance(judged, Judged):
                figures.verdicts.setdefault(judged.index, []).append(judged.verdict)
        return figures

    def first(self, verdict: Verdict) -> list[int]:
        """The questions whose first check gave `verdict`."""
        return sorted(i for i, v in self.verdicts.items() if v[0] == verdict)

    def corrected(self, index: int) -> bool:
        """A rejected question's replacement passed its own check."""
        return len(self.verdicts[index]) > 1 and self.verdicts[index][-1] in PASSED

    @property
    def tokens(self) -> int:
        return sum(s.tokens for s in self.solves)

    def lines(self) -> list[str]:
        solved = sum(s.questions for s in self.solves)
        failed = sum(s.failed for s in self.solves)
        out = [
            f"solve calls: {len(self.solves)} ({solved} question(s) in all, {failed} failed),"
            f" {self.tokens} tokens",
            f"first checks of {len(self.verdicts)} question(s): "
            + ", ".join(f"{len(self.first(v))} {v}" for v in Verdict),
        ]
        for index in sorted(self.verdicts):
            verdicts = self.verdicts[index]
            if verdicts[0] in PASSED:
                continue
            fate = "corrected" if self.corrected(index) else "left out"
            out.append(
                f"question {index + 1}: {' → '.join(verdicts)}: {fate}"
                + ("" if len(verdicts) > 1 else " (no replacement checked)")
            )
        return out
