"""What every slice's builder shares: how a task runs beside the updates, how a timer's
callback tells its user-facing errors, the clock, and an object built later than the
objects that call it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Generic, TypeVar

from services.chat_messages import ChatMessages
from services.context import Services
from services.errors import UserFacingError
from services.start_request import StartRequest
from services.timers import Callback

Spawn = Callable[[Coroutine[Any, Any, None]], object]
Start = Callable[[StartRequest], Awaitable[None]]

T = TypeVar("T")


class Later(Generic[T]):
    """An object built after those that call it: the way in and the way out of a quiz call
    each other, so one side gets the other through this, filled before any update runs."""

    def __init__(self) -> None:
        self._value: T | None = None

    def set(self, value: T) -> T:
        self._value = value
        return value

    def get(self) -> T:
        if self._value is None:
            raise RuntimeError("used before the composition root finished")
        return self._value


def clock_of(svc: Services) -> Callable[[], float]:
    """The services' clock, looked up at each call: tests move it."""
    return lambda: svc.clock()


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
