"""`python bot.py` modes: webhook (the real Application's server), `--check`, log lines."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from telegram.ext import Application

import bot as entry
import cli
from fakes import BOT_TOKEN, OPENAI_KEY
from fakes.openai_server import FakeOpenAI
from fakes.telegram_server import Chat, FakeTelegram, User
from services.context import installed
from services.fleet import FleetLocks
from services.logs import OneLineFormatter
from services.ratelimit import RetryingRateLimiter
from settings import Settings
from tests.harness import settings_for

SECRET = "s3cret_Token-42"
HOOK_URL = "https://studyquiz.example.com/telegram/hook"
EMMA = User(701, "Emma", language_code="en")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def webhook_bot(settings: Settings) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """What Application.run_webhook does, with bot.py's options, without owning the loop."""
    app = entry.build_application(settings)
    await app.initialize()
    assert app.post_init is not None and app.updater is not None
    await app.post_init(app)
    await app.updater.start_webhook(**cli.webhook_options(settings))
    await app.start()
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)


async def test_webhook_accepts_only_the_secret_token(
    tg: FakeTelegram, oa: FakeOpenAI, tmp_path: Path
) -> None:
    port = free_port()
    settings = settings_for(
        tg,
        oa,
        tmp_path / "db.sqlite3",
        WEBHOOK_URL=HOOK_URL,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET_TOKEN=SECRET,
    )
    chat = Chat(EMMA.id, "private")
    async with webhook_bot(settings), httpx.AsyncClient() as http:
        # setWebhook went to (fake) Telegram with the URL and the secret.
        [hook] = tg.calls_of("setWebhook")
        assert hook.params["url"] == HOOK_URL and hook.params["secret_token"] == SECRET
        assert not tg.calls_of("getUpdates")

        tg.user_sends(chat, EMMA, "/help")
        update = tg.pending_updates[-1]
        local = f"http://127.0.0.1:{port}/telegram/hook"

        missing = await http.post(local, json=update)
        wrong = await http.post(
            local, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
        )
        assert (missing.status_code, wrong.status_code) == (403, 403)
        await asyncio.sleep(0.2)
        assert not tg.calls_of("sendMessage"), "an update without the secret was handled"

        right = await http.post(
            local, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
        assert right.status_code == 200
        [reply] = await tg.wait_for("sendMessage")
        assert reply.params["chat_id"] == chat.id and "How StudyQuiz works" in reply.params["text"]


def test_webhook_settings_are_validated() -> None:
    base = {"TELEGRAM_BOT_TOKEN": "1:a", "OPENAI_API_KEY": "sk-a"}
    with pytest.raises(ValueError, match="WEBHOOK_SECRET_TOKEN"):
        Settings.from_env({**base, "WEBHOOK_URL": HOOK_URL})
    with pytest.raises(ValueError, match="https"):
        Settings.from_env({**base, "WEBHOOK_URL": "http://x.example", "WEBHOOK_SECRET_TOKEN": "a"})
    with pytest.raises(ValueError, match="WEBHOOK_SECRET_TOKEN"):
        Settings.from_env(
            {**base, "WEBHOOK_URL": HOOK_URL, "WEBHOOK_SECRET_TOKEN": "no spaces please"}
        )
    with pytest.raises(ValueError, match="WEBHOOK_PORT"):
        Settings.from_env({**base, "WEBHOOK_PORT": "70000"})
    s = Settings.from_env({**base, "WEBHOOK_URL": HOOK_URL, "WEBHOOK_SECRET_TOKEN": SECRET})
    assert cli.webhook_options(s)["url_path"] == "telegram/hook"
    assert SECRET not in repr(s)
    assert Settings.from_env(base).webhook_url is None  # long polling


def test_check_names_a_missing_variable(capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.main(["--check", "--offline"], {"OPENAI_API_KEY": "sk-a"}) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
    assert entry.main(["--check", "--offline"], {"TELEGRAM_BOT_TOKEN": "1:a"}) == 2
    assert "OPENAI_API_KEY" in capsys.readouterr().err


def test_check_offline_passes_a_good_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": "1:a",
        "OPENAI_API_KEY": "sk-a",
        "DATABASE_PATH": str(tmp_path / "new" / "db.sqlite3"),
    }
    assert entry.main(["--check", "--offline"], env) == 0
    out = capsys.readouterr()
    assert "long polling" in out.out and out.err == ""
    assert not (tmp_path / "new").exists(), "--check must not create anything"


def online_env(tg: FakeTelegram, oa: FakeOpenAI, tmp_path: Path, **env: str) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "OPENAI_API_KEY": OPENAI_KEY,
        "TELEGRAM_API_BASE_URL": tg.root,
        "OPENAI_BASE_URL": oa.base_url,
        "DATABASE_PATH": str(tmp_path / "db.sqlite3"),
        "OPENAI_MAX_RETRIES": "0",
        **env,
    }


async def test_check_online_reports_each_bad_credential(
    oa: FakeOpenAI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    oa.api_key = OPENAI_KEY
    async with FakeTelegram(token=BOT_TOKEN) as tg:

        async def run(**env: str) -> tuple[int, str, str]:
            # main() runs its own event loop, as `python bot.py --check` does.
            code = await asyncio.to_thread(
                entry.main, ["--check"], online_env(tg, oa, tmp_path, **env)
            )
            out = capsys.readouterr()
            return code, out.out, out.err

        def probes() -> None:
            # The two tiny model requests --check makes: a forced call, a structured answer.
            oa.queue_function_call("probe", {"ok": True})
            oa.queue_message('{"ok": true}')

        probes()
        code, out, err = await run()
        assert code == 0, err
        assert "@StudyQuizBot" in out and "gpt-" in out
        assert (
            "the model server has: responses yes, streaming yes, conversations yes, "
            "forced function tool yes, structured output yes, files yes, vector stores yes"
        ) in out
        assert not oa.conversations, "the probe conversation is deleted"

        # A llama-server-like server: the bot still starts, and --check says what is missing.
        oa.conversations_enabled = oa.files_enabled = oa.vector_stores_enabled = False
        oa.named_tool_choice_enabled = False
        probes()
        code, out, err = await run()
        assert code == 0, err
        assert "conversations no (HTTP 404)" in out and "forced function tool no," in out
        assert "files no (HTTP 404)" in out and "vector stores no (HTTP 404)" in out
        assert "structured output yes" in out
        oa.conversations_enabled = oa.files_enabled = oa.vector_stores_enabled = True
        oa.named_tool_choice_enabled = True

        probes()
        code, out, err = await run(TELEGRAM_BOT_TOKEN="999:wrong-token")
        assert code == 1 and "TELEGRAM_BOT_TOKEN was refused" in err
        assert "wrong-token" not in out + err

        code, out, err = await run(OPENAI_API_KEY="sk-wrong-key")
        assert code == 1 and "OPENAI_API_KEY was refused" in err
        assert "sk-wrong-key" not in out + err

        oa.unavailable_models.add("gpt-nope")
        code, _, err = await run(OPENAI_MODEL="gpt-nope")
        assert code == 1 and "OPENAI_MODEL 'gpt-nope'" in err
        assert [r.path for r in oa.requests_to("/models")][-1] == "/v1/models/gpt-nope"
        assert tg.violations == []


def test_log_lines_are_one_per_event() -> None:
    formatter = OneLineFormatter("%(levelname)s %(name)s: %(message)s")
    record = logging.LogRecord(
        "studyquiz", logging.WARNING, __file__, 1, "a\nb %s", ("c\r\nd",), None
    )
    assert formatter.format(record) == "WARNING studyquiz: a\\nb c\\r\\nd"
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    lines = formatter.format(record).splitlines()
    assert lines[0] == "WARNING studyquiz: a\\nb c\\r\\nd"
    assert lines[-1] == "ValueError: boom"


async def test_every_webhook_worker_may_set_the_webhook_at_start(
    tg: FakeTelegram, oa: FakeOpenAI, tmp_path: Path
) -> None:
    """Workers behind a load balancer all call setWebhook as they start (and restart, one
    at a time): the same call each time, which never drops what Telegram holds for them."""

    def worker(n: int) -> Settings:
        return settings_for(
            tg,
            oa,
            tmp_path / f"worker{n}.sqlite3",
            WEBHOOK_URL=HOOK_URL,
            WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_PORT=str(free_port()),
            WEBHOOK_SECRET_TOKEN=SECRET,
        )

    async with webhook_bot(worker(1)):
        tg.user_sends(Chat(EMMA.id, "private"), EMMA, "/help")
        async with webhook_bot(worker(2)):
            pass
    async with webhook_bot(worker(1)):
        pass
    hooks = [c.params for c in tg.calls_of("setWebhook")]
    assert len(hooks) == 3 and all(h == hooks[0] for h in hooks)
    assert not hooks[0].get("drop_pending_updates")
    assert [u["message"]["text"] for u in tg.pending_updates] == ["/help"]


async def test_webhook_workers_on_postgresql_join_the_fleet(
    tg: FakeTelegram, oa: FakeOpenAI, tmp_path: Path, pg_url: str
) -> None:
    """WEBHOOK_URL with DATABASE_URL: the locks and the flood limits are the database's."""
    settings = settings_for(
        tg,
        oa,
        tmp_path / "db.sqlite3",
        WEBHOOK_URL=HOOK_URL,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(free_port()),
        WEBHOOK_SECRET_TOKEN=SECRET,
        DATABASE_URL=pg_url,
    )
    async with webhook_bot(settings) as app:
        services = installed(app.bot_data)
        assert services is not None and services.fleet
        assert isinstance(services.locks, FleetLocks)
        assert isinstance(services.live_locks, FleetLocks)
        limiter = app.bot.rate_limiter
        assert isinstance(limiter, RetryingRateLimiter) and limiter.shared is not None
        assert limiter.shared.slots is not None
        async with services.locks.hold(1), services.live_locks.hold(1):
            pass
        async with services.library_locks.hold(-5):
            pass


def test_check_reports_postgresql_and_never_its_password(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The test server trusts local connections: the password is there to be kept secret.
    url = pg_url.replace("://studyquiz@", "://studyquiz:sekrit-pw@")
    env = {"TELEGRAM_BOT_TOKEN": "1:a", "OPENAI_API_KEY": "sk-a", "DATABASE_URL": url}
    assert entry.main(["--check", "--offline"], env) == 0
    out = capsys.readouterr()
    assert "ok  database: PostgreSQL " in out.out, out.out
    # Nowhere to connect to: one line naming the variable, still without the password.
    env["DATABASE_URL"] = "postgresql://studyquiz:sekrit-pw@127.0.0.1:1/nothing"
    assert entry.main(["--check", "--offline"], env) == 1
    out = capsys.readouterr()
    assert "FAIL DATABASE_URL: cannot connect to PostgreSQL at 127.0.0.1/nothing" in out.err
    assert "sekrit-pw" not in out.out + out.err
