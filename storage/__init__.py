"""Async SQLite repository: the only place that knows SQL."""

from storage.repository import QuizAlreadyOpenError, QuizRow, Repository

__all__ = ["QuizAlreadyOpenError", "QuizRow", "Repository"]
