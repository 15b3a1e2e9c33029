"""The states a quiz and a document go through, as stored in SQLite.

Each value is the exact string in the database (and, for `SubmissionStatus`, in the
`function_call_output` the model reads), so these enums are also a contract with old rows.
"""

from __future__ import annotations

from enum import StrEnum


class QuizState(StrEnum):
    """generating → open → submitting → done; failed or cancelled on the way."""

    GENERATING = "generating"
    OPEN = "open"
    SUBMITTING = "submitting"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


# A chat topic has at most one quiz in these states (a partial unique index enforces it).
LIVE_STATES: tuple[QuizState, ...] = (
    QuizState.GENERATING,
    QuizState.OPEN,
    QuizState.SUBMITTING,
)


class SubmissionStatus(StrEnum):
    """Why a quiz closed; the model is told it with the answers."""

    COMPLETED = "completed"
    STOPPED = "stopped"
    TIMED_OUT = "timed_out"


class QuizMode(StrEnum):
    """How a quiz is played: every question at once, or a live game one question at a time."""

    ALL = "all"
    LIVE = "live"


class DocumentState(StrEnum):
    """downloading → uploading → processing → ready, or failed."""

    DOWNLOADING = "downloading"
    UPLOADING = "uploading"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


# Still being fetched or sent: deleting one now would race the upload.
BUSY_DOCUMENT_STATES: tuple[DocumentState, ...] = (
    DocumentState.DOWNLOADING,
    DocumentState.UPLOADING,
)
