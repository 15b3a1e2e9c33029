"""StudyQuiz: run the Telegram bot. `python bot.py` (settings from the environment or .env)."""

from __future__ import annotations

import logging
import sys

from dotenv import load_dotenv
from openai import AsyncOpenAI
from telegram import Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

import handlers
from engine import OpenAIEngine
from services.context import Services, install, installed
from services.recovery import recover
from settings import ConfigError, Settings
from storage import Repository

log = logging.getLogger("studyquiz")


def setup_logging(level: str) -> None:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level, force=True
    )
    # Their request lines contain the bot token in the URL.
    for noisy in ("httpx", "httpx2", "httpcore", "httpcore2"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def build_application(settings: Settings) -> Application:  # type: ignore[type-arg]
    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        repo = await Repository.open(settings.database_path)
        client = AsyncOpenAI(
            api_key=settings.openai_api_key,
            base_url=settings.openai_base_url,
            timeout=settings.openai_timeout,
            max_retries=settings.openai_max_retries,
        )
        services = Services(settings, repo, OpenAIEngine(client, settings.openai_model))
        install(application.bot_data, services)
        application.create_task(recover(application.bot, services), name="recover")

    async def post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
        services = installed(application.bot_data)
        if services is not None:
            await services.engine.aclose()
            await services.repo.close()

    application = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(f"{settings.telegram_api_base_url}/bot")
        .base_file_url(f"{settings.telegram_api_base_url}/file/bot")
        # Bursts wait for Telegram's flood limits instead of failing; 429s are retried.
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    handlers.register(application)
    return application


def main() -> int:
    load_dotenv()
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level)
    log.info("Starting StudyQuiz with %r", settings)
    build_application(settings).run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
