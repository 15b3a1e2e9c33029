"""`python bot.py` options: long polling or webhook mode, and `--check`."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
from openai import APIConnectionError, APIError, APIStatusError, AsyncOpenAI, AuthenticationError
from openai.types.responses import FunctionToolParam, ResponseCompletedEvent
from openai.types.responses.response_format_text_json_schema_config_param import (
    ResponseFormatTextJSONSchemaConfigParam,
)
from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from services.inbox import ALLOWED_UPDATES
from settings import Settings
from storage import DATABASE_ERRORS

_PROBE_SCHEMA: dict[str, object] = {
    "type": "object",
    "properties": {"ok": {"type": "boolean"}},
    "required": ["ok"],
    "additionalProperties": False,
}
_PROBE_TOOL: FunctionToolParam = {
    "type": "function",
    "name": "probe",
    "description": "Say that functions work.",
    "parameters": _PROBE_SCHEMA,
    "strict": True,
}
_PROBE_FORMAT: ResponseFormatTextJSONSchemaConfigParam = {
    "type": "json_schema",
    "name": "probe",
    "schema": _PROBE_SCHEMA,
    "strict": True,
}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bot.py",
        description="Run the StudyQuiz Telegram bot: long polling, or webhook mode when "
        "WEBHOOK_URL is set. Settings come from the environment and .env.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="validate the configuration and that both credentials work, then exit "
        "(0 when all is well)",
    )
    parser.add_argument(
        "--offline", action="store_true", help="with --check: skip the network checks"
    )
    return parser.parse_args(argv)


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Arguments for Application.run_webhook (and Updater.start_webhook)."""
    assert settings.webhook_url is not None
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        # Serve the URL's own path, so a reverse proxy can pass requests through unchanged.
        "url_path": urlsplit(settings.webhook_url).path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": (
            None
            if settings.webhook_secret_token is None
            else settings.webhook_secret_token.get_secret_value()
        ),
        "allowed_updates": ALLOWED_UPDATES,
    }


def _writable_parent(path: Path) -> Path | None:
    """The nearest existing folder above `path` if we may create files in it, else None."""
    folder = path.absolute().parent
    while not folder.exists():
        folder = folder.parent
    return folder if os.access(folder, os.W_OK | os.X_OK) else None


async def _check_telegram(settings: Settings) -> str | None:
    bot = Bot(
        settings.telegram_token.get_secret_value(),
        base_url=f"{settings.telegram_api_base_url}/bot",
        base_file_url=f"{settings.telegram_api_base_url}/file/bot",
    )
    try:
        # Initialising the bot is its getMe.
        async with bot:
            me = bot.bot
    except InvalidToken:
        return "TELEGRAM_BOT_TOKEN was refused by Telegram"
    except TelegramError as exc:
        # Error texts can quote the request URL, which holds the token.
        reason = exc.message.replace(settings.telegram_token.get_secret_value(), "***")
        return f"Telegram could not be reached at {settings.telegram_api_base_url}: {reason}"
    print(f"ok  Telegram: the token belongs to @{me.username}")
    return None


async def _check_openai(settings: Settings) -> str | None:
    client = AsyncOpenAI(
        api_key=settings.openai_api_key.get_secret_value(),
        base_url=settings.openai_base_url,
        timeout=settings.openai_timeout,
        max_retries=settings.openai_max_retries,
    )
    try:
        try:
            # The cheapest authenticated call that also proves the model is there for this key.
            await client.models.retrieve(settings.openai_model)
        except AuthenticationError:
            return "OPENAI_API_KEY was refused by OpenAI"
        except APIStatusError as exc:
            if exc.status_code in (403, 404):
                return f"OPENAI_MODEL {settings.openai_model!r} is not available to this key"
            return f"OpenAI answered {exc.status_code} to a models request"
        except APIConnectionError:
            return f"OpenAI could not be reached at {client.base_url}"
        print(f"ok  OpenAI: the key works and {settings.openai_model} is available")
        found = await _server_features(client, settings.openai_model)
    finally:
        await client.close()
    # Informational: the bot adapts to what is missing (OPENAI_STATE, structured output).
    print("    the model server has: " + ", ".join(f"{k} {v}" for k, v in found.items()))
    return None


async def _probe(found: dict[str, str], name: str, attempt: Callable[[], Awaitable[bool]]) -> None:
    try:
        found[name] = "yes" if await attempt() else "no"
    except APIStatusError as exc:
        found[name] = f"no (HTTP {exc.status_code})"
    except APIError as exc:
        found[name] = f"no ({type(exc).__name__})"


async def _conversations(client: AsyncOpenAI) -> bool:
    conversation = await client.conversations.create(metadata={"app": "studyquiz-check"})
    await client.conversations.delete(conversation.id)
    return True


async def _files(client: AsyncOpenAI) -> bool:
    await client.files.list(limit=1)
    return True


async def _vector_stores(client: AsyncOpenAI) -> bool:
    await client.vector_stores.list(limit=1)
    return True


async def _forced_tool(client: AsyncOpenAI, model: str, found: dict[str, str]) -> bool:
    stream = await client.responses.create(
        model=model,
        input="Call the function.",
        tools=[_PROBE_TOOL],
        tool_choice={"type": "function", "name": "probe"},
        max_output_tokens=32,
        store=False,
        stream=True,
    )
    async with stream:
        async for event in stream:
            if isinstance(event, ResponseCompletedEvent):
                found["responses"] = found["streaming"] = "yes"
                return any(i.type == "function_call" for i in event.response.output)
    found["responses"], found["streaming"] = "yes", "no (the stream did not complete)"
    return False


async def _structured(client: AsyncOpenAI, model: str, found: dict[str, str]) -> bool:
    response = await client.responses.create(
        model=model,
        input='Answer {"ok": true}.',
        text={"format": _PROBE_FORMAT},
        max_output_tokens=32,
        store=False,
    )
    found["responses"] = "yes"
    try:
        return isinstance(json.loads(response.output_text), dict)
    except ValueError:
        return False


async def _server_features(client: AsyncOpenAI, model: str) -> dict[str, str]:
    """What the server offers of what the bot uses: free list calls, and two tiny model
    requests (a streamed forced function call, a structured output)."""
    found: dict[str, str] = {}
    await _probe(found, "forced function tool", lambda: _forced_tool(client, model, found))
    await _probe(found, "structured output", lambda: _structured(client, model, found))
    await _probe(found, "conversations", lambda: _conversations(client))
    await _probe(found, "files", lambda: _files(client))
    await _probe(found, "vector stores", lambda: _vector_stores(client))
    order = ("responses", "streaming", "conversations", "forced function tool")
    return {k: found.get(k, "no") for k in order} | found


async def _online_checks(settings: Settings) -> list[str]:
    found = await asyncio.gather(_check_telegram(settings), _check_openai(settings))
    return [problem for problem in found if problem is not None]


_CONNECT_ERRORS: tuple[type[Exception], ...] = (OSError, TimeoutError, *DATABASE_ERRORS)


async def _check_postgres(settings: Settings) -> list[str]:
    """Connect to DATABASE_URL and say which server it is; never print the URL (a secret)."""
    assert settings.database_url is not None
    parts = urlsplit(settings.database_url.get_secret_value())
    where = f"{parts.hostname or 'localhost'}/{parts.path.lstrip('/')}"
    try:
        conn = await asyncio.wait_for(asyncpg.connect(settings.database_url.get_secret_value()), 10)
        try:
            version = await conn.fetchval("SHOW server_version")
        finally:
            await conn.close()
    except _CONNECT_ERRORS as exc:
        return [f"DATABASE_URL: cannot connect to PostgreSQL at {where} ({type(exc).__name__})"]
    print(f"ok  database: PostgreSQL {version} at {where}")
    return []


def check(settings: Settings, *, online: bool) -> int:
    """Print what was checked; 0 when everything passed, 1 otherwise."""
    problems: list[str] = []
    print("ok  configuration: the required variables are set and every value is valid")
    if settings.database_url is not None:
        problems += asyncio.run(_check_postgres(settings))
    elif _writable_parent(settings.database_path) is None:
        problems.append(f"DATABASE_PATH {settings.database_path}: its folder is not writable")
    else:
        print(f"ok  database: SQLite at {settings.database_path}")
    mode = f"webhook at {settings.webhook_url}" if settings.webhook_url else "long polling"
    print(f"ok  mode: {mode}")
    if online:
        problems += asyncio.run(_online_checks(settings))
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    return 1 if problems else 0
