"""What every slice's builder shares: how a task runs beside the updates, and how a timer's
callback tells its user-facing errors."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from services.chat_messages import ChatMessages
from services.errors import UserFacingError
from services.timers import Callback

Spawn = Callable[[Coroutine[Any, Any, None]], object]


def told(ui: ChatMessages, callback: Callback) -> Callback:
    """A timer's callback whose user-facing error (the feedback failed: try again) is told
    to the chat, as the error handler tells a handler's; the timer is then done. Anything
    else makes the timer try again later (services/timers.py)."""

    async def run(key: int) -> None:
        try:
            await callback(key)
        except UserFacingError as exc:
            await ui.error(exc)

    return run
