"""StudyQuiz: run the Telegram bot. `python bot.py` (settings from the environment or .env)."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
from collections.abc import Coroutine, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from openai import AsyncOpenAI
from telegram.ext import Application, ApplicationBuilder

import cli
import handlers
from engine import OpenAIEngine
from engine.api import options_for
from engine.library import OpenAILibrary
from engine.metered import MeteredEngine
from quiz.states import SubmissionStatus
from quiz.verification import warm_up
from services import fleet
from services.bot_http import AiohttpRequest
from services.context import CONTEXT_TYPES, BotContext, Services, install, installed
from services.inbox import (
    ALLOWED_UPDATES,
    CLAIM_LEASE,
    DurableUpdateQueue,
    InboxBot,
    keep_claims,
    replay,
)
from services.leases import Leases
from services.logs import setup_logging, silence_http_logs
from services.menu import publish_commands
from services.quiz.telegram_presenter import TelegramPresenter
from services.ratelimit import RetryingRateLimiter, SharedPace
from services.redaction import redact_in_logs
from services.timers import Timers
from services.wiring import wire
from services.workers import new_worker_id
from settings import ConfigError, Settings
from storage.repository import open_repository

log = logging.getLogger("studyquiz")

# Long polling is one process's: it holds this lease while it runs (services/leases.py).
POLLING_LEASE = "polling"
# The exit status of a poller refused because another one runs on the database.
EXIT_POLLING_TAKEN = 3


class PollingTaken(Exception):
    """Another live process polls Telegram with this database."""


async def _warm_up_checks(context: BotContext) -> None:
    """Load the language identifier (about half a second) before the first quiz needs it."""
    await asyncio.to_thread(warm_up)


async def _recover(context: BotContext) -> None:
    """Pick up quizzes a previous process left unfinished; then ask about the senders of the
    answers it stored unconfirmed (recovery sees the database as that process left it)."""
    await context.recovery.recover()
    application = context.application
    await context.unconfirmed.decide_left(
        finish=lambda quiz_id: application.create_task(
            context.closing.finish(quiz_id, SubmissionStatus.COMPLETED)
        ),
        spawn=application.create_task,
    )


def _openai_client(settings: Settings) -> AsyncOpenAI:
    return AsyncOpenAI(
        api_key=settings.openai_api_key.get_secret_value(),
        base_url=settings.openai_base_url,
        timeout=settings.openai_timeout,
        max_retries=settings.openai_max_retries,
    )


async def _compose(settings: Settings, application: Application) -> Services:  # type: ignore[type-arg]
    """The composition root: the one place that builds the long-lived objects and installs
    them in the application."""
    repo = await open_repository(
        settings.database_url.get_secret_value() if settings.database_url else None,
        settings.database_path,
        settings.database_pool_size,
    )
    client = _openai_client(settings)
    # This process's identity in the fleet: its timer claims and leases carry it.
    worker = new_worker_id()
    services = Services(
        settings,
        repo,
        OpenAIEngine(
            client,
            settings.openai_model,
            state=settings.openai_state,
            items=repo.items,
            stream=settings.openai_stream,
            options=options_for(
                settings.openai_model,
                settings.openai_reasoning_effort,
                settings.openai_verbosity,
            ),
        ),
        leases=Leases(repo.leases, worker),
        library=OpenAILibrary(client),
    )
    # Due times on the services' clock, looked up at each turn (tests move it).
    services.timers = Timers(repo.timers, worker, lambda: services.clock())
    # Every model response's tokens are counted (quotas, /usage), on the services' clock
    # (looked up at each call: tests move it).
    services.engine = MeteredEngine(services.engine, repo.usage, lambda: services.clock())
    # One presenter for every chat output, and the features that follow the quiz
    # lifecycle's stages.
    # The fleet's locks replace the in-process ones before any feature is given them.
    limiter = application.bot.rate_limiter
    if isinstance(limiter, RetryingRateLimiter) and limiter.shared is not None:
        assert settings.database_url is not None
        application.bot_data[_FLEET] = await fleet.join(
            services, settings.database_url.get_secret_value(), limiter.shared
        )
    presenter = TelegramPresenter(application.bot)
    wire(services, presenter, lambda task: _spawn(application, task), application.bot_data)
    install(application.bot_data, services, presenter)
    return services


def _spawn(application: Application, task: Coroutine[Any, Any, None]) -> None:  # type: ignore[type-arg]
    """Run a feature's work beside the updates; dropped while stopping (the answers written at
    shutdown): what it would do is recovered at the next start, as after a crash."""
    if application.running:
        application.create_task(task)
    else:
        task.close()


_FLEET = "fleet"


def _in_fleet(settings: Settings) -> bool:
    """Webhook workers behind a load balancer share a PostgreSQL database: any of them may
    get any update (long polling stays one process, SQLite is one process's file)."""
    return settings.webhook_url is not None and settings.database_url is not None


async def _start(application: Application, services: Services) -> None:  # type: ignore[type-arg]
    """Take over from the previous process: its updates, its quizzes, its reminders."""
    assert services.leases is not None and services.timers is not None
    await services.leases.reap_dead()
    if services.settings.webhook_url is None:
        await _take_polling_lease(services.leases)
    queue = application.update_queue
    assert isinstance(queue, DurableUpdateQueue)
    queue.repo = services.repo
    queue.shared = _in_fleet(services.settings)
    await replay(application, services.repo)
    assert application.job_queue is not None
    if queue.shared:
        # Renewed well within the lease, so no other worker takes what this one handles.
        application.job_queue.run_repeating(
            keep_claims, CLAIM_LEASE / 3, first=CLAIM_LEASE / 3, name="inbox-claims"
        )
    await publish_commands(application.bot)
    # After start: recovery talks to Telegram and the model like any other job.
    application.job_queue.run_once(_recover, 0, name="recover")
    if services.settings.quiz_verify:  # else the first quiz would wait for the load
        application.job_queue.run_once(_warm_up_checks, 0, name="warm-up-checks")
    # Timers live in the database; a reminder missing one (set by a version of the bot
    # before them, or missed while no process ran) gets its next. (A BotContext reads what
    # wire() installed, typed.)
    await BotContext(application).reminders.arm_reminders()
    await services.timers.start()


async def _take_polling_lease(leases: Leases) -> None:
    """Long polling is one process's: a second one would take half the updates each, and
    Telegram ends one's getUpdates with a conflict."""
    if await leases.acquire(POLLING_LEASE):
        return
    held = await leases.holder(POLLING_LEASE)
    holder, until = ("?", 0.0) if held is None else (held.holder, held.expires_at)
    raise PollingTaken(
        f"Another process polls Telegram with this database: {holder} holds the polling"
        f" lease until {datetime.fromtimestamp(until, UTC):%Y-%m-%d %H:%M:%S} UTC (renewed"
        " while it runs). Stop it, or run several workers with WEBHOOK_URL."
    )


async def _post_stop(application: Application) -> None:  # type: ignore[type-arg]
    """Before the bot's connection closes: the timers' callbacks use it."""
    services = installed(application.bot_data)
    if services is not None and services.timers is not None:
        await services.timers.stop()


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    services = installed(application.bot_data)
    queue = application.update_queue
    if isinstance(queue, DurableUpdateQueue):
        queue.repo = None
    if services is not None:
        if services.timers is not None:
            await services.timers.stop()
        if services.leases is not None:
            await services.leases.close()
        await services.answer_writer.aclose()
        await services.engine.aclose()
        await services.repo.close()
    joined = application.bot_data.pop(_FLEET, None)
    if isinstance(joined, fleet.Fleet):
        await joined.aclose()


def _inbox_bot(settings: Settings, queue: DurableUpdateQueue) -> InboxBot:
    """What ApplicationBuilder would build, as an InboxBot: it writes each getUpdates batch to
    the inbox in one transaction before the batch is confirmed."""
    return InboxBot(
        queue,
        settings.telegram_token.get_secret_value(),
        base_url=f"{settings.telegram_api_base_url}/bot",
        base_file_url=f"{settings.telegram_api_base_url}/file/bot",
        # ApplicationBuilder's pool size (InboxBot makes getUpdates' own connection); aiohttp
        # costs a fifth of httpx's CPU per request (services/bot_http.py).
        request=AiohttpRequest(connection_pool_size=256),
        # Bursts wait for Telegram's flood limits instead of failing; 429s, connection errors
        # and 5xx are retried.
        rate_limiter=RetryingRateLimiter(
            max_retries=3, shared=SharedPace() if _in_fleet(settings) else None
        ),
    )


def build_application(settings: Settings) -> Application:  # type: ignore[type-arg]
    # Before anything can log: PTB logs its API URLs (token included) at DEBUG.
    redact_in_logs(
        settings.telegram_token.get_secret_value(), settings.openai_api_key.get_secret_value()
    )

    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        await _start(application, await _compose(settings, application))
        # What start-up built (modules, the SDKs' models and schemas: most of the heap) lives
        # as long as the process: out of the collector's sight, a full collection no longer
        # walks it, which stalled the loop for 100-200 ms in the middle of a burst.
        gc.freeze()

    queue = DurableUpdateQueue()
    application = (
        ApplicationBuilder()
        .bot(_inbox_bot(settings, queue))
        .update_queue(queue)
        .context_types(CONTEXT_TYPES)
        .post_init(post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
        .build()
    )
    handlers.register(application, settings)
    return application


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """`env` replaces the environment and .env (tests)."""
    args = cli.parse_args(argv)
    # Opt in to PTB's timedelta durations now rather than get a warning on every RetryAfter.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    try:
        settings = Settings.from_env(env)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        silence_http_logs()
        return cli.check(settings, online=not args.offline)
    if args.copy_to_postgres is not None:
        return cli.copy_to_postgres(settings, args.copy_to_postgres)
    setup_logging(settings.log_level)
    log.info("Starting StudyQuiz with %r", settings)
    application = build_application(settings)
    if settings.webhook_url is not None:
        application.run_webhook(**cli.webhook_options(settings))
        return 0
    try:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
    except PollingTaken as exc:
        log.error("%s", exc)
        print(f"Not started: {exc}", file=sys.stderr)
        return EXIT_POLLING_TAKEN
    return 0


if __name__ == "__main__":
    sys.exit(main())
