"""The bot process of a benchmark: `python -m bench.child studyquiz|bare`.

The benchmark's fakes live in the parent process, so this process's RSS is the bot's alone
and the bot gets a core of its own, as it would against the real Bot API.

* `studyquiz` runs the production `Application` (`bot.build_application`) with
  `run_polling`, as `python bot.py` does, configured from the environment. The only
  addition is a wrapper around `AnswerStore.store_answers` that notes when each stored
  answer's batch has committed (the method commits before it returns).
* `bare` runs a python-telegram-bot `Application` with one `PollAnswerHandler` that only
  notes the time: the framework's own cost, the ceiling for the first figure. It asks for
  the same update types as ours (`ALLOWED_UPDATES`: all but `poll`).

Both write their notes as JSON to `BENCH_OUT` once `BENCH_EXPECT` answers have arrived (and
again on shutdown), so the parent knows when the burst is over without polling the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, PollAnswerHandler

from services.inbox import ALLOWED_UPDATES

# One entry per answer: [key..., monotonic seconds]. CLOCK_MONOTONIC is system-wide on
# Linux, so the parent can compare these with the times its fake served the updates.
RECORDS: list[list[Any]] = []
# The process's CPU seconds (user + system, as /proc/PID/stat counts them) when the last
# expected answer was recorded: what happens after (a quiz closing) is not the ingest's.
CPU_AT_LAST: list[float] = []
EXPECTED = int(os.environ.get("BENCH_EXPECT", "0"))


def _cpu_now() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _note_cpu(expected: int) -> None:
    if not CPU_AT_LAST and expected and len(RECORDS) >= expected:
        CPU_AT_LAST.append(_cpu_now())


def _write(out: Path, expected: int) -> None:
    payload = {
        "records": RECORDS,
        "complete": len(RECORDS) >= expected,
        "cpu_at_last": CPU_AT_LAST[0] if CPU_AT_LAST else None,
        # Peak RSS of this process, in KiB on Linux.
        "ru_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload))
    tmp.replace(out)  # atomic: the parent never reads half a file


async def _report_when_done(out: Path, expected: int) -> None:
    # Cheap next to the work measured: one length check every 20 ms.
    while len(RECORDS) < expected:  # noqa: ASYNC110 - RECORDS is a plain list, no event
        await asyncio.sleep(0.02)
    _write(out, expected)


def _with_reporter(
    app: Application,  # type: ignore[type-arg]
    out: Path,
    expected: int,
) -> None:
    """Start the reporter after the app's own post_init; write a final report at shutdown."""
    inner_init = app.post_init
    inner_shutdown = app.post_shutdown
    tasks: set[asyncio.Task[None]] = set()

    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        if inner_init is not None:
            await inner_init(application)
        if expected > 0:
            tasks.add(asyncio.get_running_loop().create_task(_report_when_done(out, expected)))

    async def post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
        for task in tasks:
            task.cancel()
        if inner_shutdown is not None:
            await inner_shutdown(application)
        _write(out, expected)

    app.post_init = post_init
    app.post_shutdown = post_shutdown


def _note_commits() -> None:
    """Record the commit time of every answer the bot stores, without touching its code."""
    from storage.answers import AnswerStore, NewAnswer, Stored, Verdict

    original: Callable[..., Awaitable[Stored]] = AnswerStore.store_answers

    async def store_answers(
        self: AnswerStore, answers: Sequence[NewAnswer], verdicts: Sequence[Verdict] = ()
    ) -> Stored:
        result = await original(self, answers, verdicts)
        now = time.monotonic()
        # Durable, counted or (newcomers') still waiting unconfirmed for their verdict.
        RECORDS.extend([*key, now] for key in result.keys)
        _note_cpu(EXPECTED)
        return result

    AnswerStore.store_answers = store_answers  # type: ignore[method-assign]


def studyquiz_app() -> Application:  # type: ignore[type-arg]
    from bot import build_application
    from services.logs import setup_logging
    from settings import Settings

    # From the environment the bench set alone: a developer's .env must not leak in.
    settings = Settings.from_env(os.environ)
    setup_logging(settings.log_level)
    _note_commits()
    return build_application(settings)


async def _noop_answer(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    answer = update.poll_answer
    if answer is not None and answer.user is not None:
        RECORDS.append([answer.poll_id, answer.user.id, time.monotonic()])
        _note_cpu(EXPECTED)


def bare_app() -> Application:  # type: ignore[type-arg]
    root = os.environ["TELEGRAM_API_BASE_URL"]
    app = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .build()
    )
    app.add_handler(PollAnswerHandler(_noop_answer))
    return app


def _run_webhook(app: Application) -> None:  # type: ignore[type-arg]
    """Webhook mode, as bot.main runs it when WEBHOOK_URL is set (the fleet part)."""
    import cli
    from settings import Settings

    app.run_webhook(**cli.webhook_options(Settings.from_env(os.environ)))


def _save_profile(profiler: Any, to: Path, cprofile: bool) -> None:
    with contextlib.suppress(OSError):
        if not cprofile:
            profiler.stop()
            to.write_text(profiler.output_text(unicode=True, show_all=False))
            return
        import io
        import pstats

        profiler.disable()
        profiler.dump_stats(to.with_suffix(".pstats"))
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(60)
        to.write_text(text.getvalue())


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in ("studyquiz", "bare"):
        print("usage: python -m bench.child studyquiz|bare", file=sys.stderr)
        return 2
    # As bot.py does: opt in now rather than get a warning on every RetryAfter.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    app = studyquiz_app() if argv[0] == "studyquiz" else bare_app()
    _with_reporter(app, Path(os.environ["BENCH_OUT"]), int(os.environ.get("BENCH_EXPECT", "0")))
    profile_to = os.environ.get("BENCH_PROFILE", "")
    profiler: Any = None
    cprofile = os.environ.get("BENCH_PROFILER") == "cprofile"
    if profile_to and cprofile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    elif profile_to:
        # Optional: `pip install pyinstrument` (requirements-dev.txt pins it).
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001, async_mode="disabled")
        profiler.start()
    try:
        # The same call as bot.main, for both: the bare bot is not asked to fetch what ours
        # does not. SIGTERM from the parent ends it cleanly.
        if argv[0] == "studyquiz" and os.environ.get("WEBHOOK_URL"):
            _run_webhook(app)
        else:
            app.run_polling(allowed_updates=ALLOWED_UPDATES)
    finally:
        if profiler is not None:
            _save_profile(profiler, Path(profile_to), cprofile)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
