"""Domain failures that end as a message to the user, rendered in one place (the presenter's
`error`): by handlers.errors for handlers, and by background work (a quiz waiting for
documents) itself."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any, Protocol

log = logging.getLogger(__name__)


class UserFacingError(Exception):
    """Tell the user `key` (an i18n key) in `chat_id`, editing `edit_message_id` if given."""

    def __init__(
        self,
        key: str,
        *,
        chat_id: int,
        lang: str,
        thread_id: int | None = None,
        edit_message_id: int | None = None,
        retry_quiz_id: int | None = None,
        **values: Any,
    ) -> None:
        super().__init__(key)
        self.key = key
        self.chat_id = chat_id
        self.lang = lang
        self.thread_id = thread_id
        self.edit_message_id = edit_message_id
        self.retry_quiz_id = retry_quiz_id
        self.values = values


class Fail(Protocol):
    """How a step of longer work (adding a document) gives up: `raise await fail(text,
    error, **values)` marks the work failed, releases what it held (a document's
    reservation), logs `error` and returns the person's message (`text`, an i18n key, with
    `values`)."""

    def __call__(self, text: str, error: str, **values: Any) -> Awaitable[UserFacingError]: ...
