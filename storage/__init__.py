"""Async SQLite stores, one per aggregate, over one connection: the only place that knows SQL."""

from storage.documents import DocumentRow
from storage.errors import DATABASE_ERRORS, INTEGRITY_ERRORS
from storage.questions import StoredQuestion
from storage.quizzes import QuizAlreadyOpenError, QuizRow
from storage.repository import Repository

__all__ = [
    "DATABASE_ERRORS",
    "INTEGRITY_ERRORS",
    "DocumentRow",
    "QuizAlreadyOpenError",
    "QuizRow",
    "Repository",
    "StoredQuestion",
]
