"""Async SQLite repository: the only place that knows SQL."""

from storage.repository import DocumentRow, QuizAlreadyOpenError, QuizRow, Repository

__all__ = ["DocumentRow", "QuizAlreadyOpenError", "QuizRow", "Repository"]
