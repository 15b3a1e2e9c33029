"""Run the production Application against the fakes, in-process, as `python bot.py` would."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot import build_application
from fakes import BOT_TOKEN, OPENAI_KEY
from fakes.openai_server import FakeOpenAI
from fakes.telegram_server import FakeTelegram
from services.context import Services, installed
from services.logs import silence_http_logs
from settings import Settings


def settings_for(tg: FakeTelegram, oa: FakeOpenAI, db: Path, **env: str) -> Settings:
    return Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
            "OPENAI_API_KEY": OPENAI_KEY,
            "TELEGRAM_API_BASE_URL": tg.root,
            "OPENAI_BASE_URL": oa.base_url,
            "DATABASE_PATH": str(db),
            "OPENAI_TIMEOUT": "5",
            "OPENAI_MAX_RETRIES": "0",
            **env,
        }
    )


@dataclass
class RunningBot:
    app: Application  # type: ignore[type-arg]
    settings: Settings

    @property
    def services(self) -> Services:
        found = installed(self.app.bot_data)
        assert found is not None
        return found


@contextlib.asynccontextmanager
async def running_bot(settings: Settings, **polling: Any) -> AsyncIterator[RunningBot]:
    """The same steps as Application.run_polling, without owning the event loop."""
    silence_http_logs()
    app = build_application(settings)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_polling(
        poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES, **polling
    )
    await app.start()
    try:
        yield RunningBot(app, settings)
    finally:
        await app.updater.stop()
        await app.stop()
        assert app.post_stop is not None
        await app.post_stop(app)
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)


async def eventually(
    check: Callable[[], Awaitable[bool]], within: float = 5.0, what: str = "condition"
) -> None:
    """Wait for state the bot writes after its last visible call."""
    try:
        async with asyncio.timeout(within):
            while not await check():  # noqa: ASYNC110 - the state is in SQLite, no event
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None
