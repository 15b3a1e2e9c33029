"""Keep Telegram's "typing…" visible while a long step (the model writing) runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import TelegramError

log = logging.getLogger(__name__)

# Telegram shows a chat action for 5 seconds (or until the bot's next message).
TYPING_EVERY = 4.0


async def _repeat(
    bot: Bot, chat_id: int, thread_id: int | None, action: ChatAction, every: float
) -> None:
    while True:
        try:
            await bot.send_chat_action(chat_id, action, message_thread_id=thread_id)
        except TelegramError as exc:
            # Cosmetic: the work it decorates goes on without it.
            log.info("Chat action in chat %s not sent: %s", chat_id, exc)
        await asyncio.sleep(every)


@contextlib.asynccontextmanager
async def keep_typing(
    bot: Bot,
    chat_id: int,
    thread_id: int | None = None,
    *,
    action: ChatAction = ChatAction.TYPING,
    every: float = TYPING_EVERY,
) -> AsyncIterator[None]:
    """Send `action` now and every `every` seconds until the block ends."""
    task = asyncio.create_task(_repeat(bot, chat_id, thread_id, action, every))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
