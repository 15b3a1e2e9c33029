"""Chats don't wait for each other; one chat's updates keep their order.

Every handler but the poll answers' runs as a task of its own (PTB's block=False), so a reply
held by Telegram's flood limits (a group's 1 message/s and 20/min) holds up nothing but its
own chat. Within a chat the tasks take turns in arrival order: a handler that used to block
holds its chat's turn until it is done (/style, then /quiz, still quiz in the new style); a
long one that never blocked (a quiz being written) waits for the updates before it, then lets
the next ones go (/stop must not wait for the quiz it stops).

Poll answers carry no chat and stay inline: a group's burst of them is the hot path (see
services/quiz/answer_batch.py), a task each would cost more than handling one does, and they
never wait for a chat's replies. Other updates without a chat run at once.

Why not PTB's `concurrent_updates` with a per-chat BaseUpdateProcessor: it makes a task of
every update, poll answers included, and its `process_update` (final) takes a concurrency slot
before our per-chat wait, so a flooding chat's queued updates would hold the slots of others.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler

from services.context import BotContext

Callback = Callable[[Update, BotContext], Coroutine[Any, Any, Any]]

# Marks a callback already arranged (handlers are module objects; each application built in
# one process registers them again).
_MARK = "in_chat_order"


class _Line:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class ChatLines:
    """A lock per chat with an update running or waiting; dropped as soon as it has none.
    One per application, built in the composition root (services/wiring.py)."""

    def __init__(self) -> None:
        self._lines: dict[int, _Line] = {}

    def __len__(self) -> int:
        return len(self._lines)

    @contextlib.asynccontextmanager
    async def turn(self, chat_id: int, *, hold: bool) -> AsyncIterator[None]:
        """Wait for the chat's earlier updates (asyncio.Lock wakes waiters first come, first
        served); with `hold`, the later ones wait for the body too."""
        line = self._lines.get(chat_id)
        if line is None:
            line = self._lines[chat_id] = _Line()
        line.users += 1
        try:
            async with line.lock:
                if hold:
                    yield
                    return
        finally:
            line.users -= 1
            if not line.users:
                del self._lines[chat_id]
        # Not holding: the chat's line may go while the body runs.
        yield


def in_chat_order(callback: Callback, *, hold: bool) -> Callback:
    @functools.wraps(callback)
    async def run(update: Update, context: BotContext) -> Any:
        chat = update.effective_chat
        if chat is None:
            return await callback(update, context)
        # The application's own lines (built in services/wiring.py): the handlers are module
        # objects that every application built in one process registers.
        async with context.chat_lines.turn(chat.id, hold=hold):
            return await callback(update, context)

    setattr(run, _MARK, True)
    return run


def arrange(handler: BaseHandler[Any, Any, Any]) -> None:
    """Make `handler` run as a task in its chat's order (see the module's docstring)."""
    if getattr(handler.callback, _MARK, False):
        return
    handler.callback = in_chat_order(handler.callback, hold=bool(handler.block))
    handler.block = False
