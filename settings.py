"""Typed, frozen configuration read once from the environment (and `.env`)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from telegram.constants import FileSizeLimit, PollLimit

from quiz.render import POLL, STYLES

DEFAULT_TELEGRAM_API = "https://api.telegram.org"
DEFAULT_MODEL = "gpt-5.4-mini"
DEFAULT_DATABASE = Path("data") / "studyquiz.sqlite3"
# Group quizzes close after this many seconds; polls show the countdown (close_date), which
# Telegram accepts from 5 seconds on.
MIN_TIME_LIMIT = int(PollLimit.MIN_OPEN_PERIOD)
MAX_TIME_LIMIT = 7 * 24 * 3600
# A live game's seconds per question (/seconds): long enough to read a question, and within
# the open_period Telegram takes for a poll's countdown.
MIN_LIVE_SECONDS = 10
MAX_LIVE_SECONDS = min(300, int(PollLimit.MAX_OPEN_PERIOD))
# What the cloud Bot API lets bots download; a self-hosted server (local mode) has no such cap.
CLOUD_DOWNLOAD_LIMIT = int(FileSizeLimit.FILESIZE_DOWNLOAD)
# OPENAI_STATE: where a quiz's context is kept (see engine/state.py).
OpenAIState = Literal["auto", "conversation", "stateless"]
OPENAI_STATES: tuple[OpenAIState, ...] = ("auto", "conversation", "stateless")
# The Responses API's reasoning.effort and text.verbosity values (specs/openai-openapi.json).
REASONING_EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
VERBOSITIES = ("low", "medium", "high")
# OpenAI's limit for one uploaded file.
OPENAI_FILE_LIMIT = 512 * 1024 * 1024


# What setWebhook accepts as secret_token.
_SECRET_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it and never contains secrets."""


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false")


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive")
    return value


def _ids(env: Mapping[str, str], name: str) -> frozenset[int]:
    """A comma-separated list of Telegram ids (groups are negative); empty means none."""
    parts = [p.strip() for p in env.get(name, "").split(",") if p.strip()]
    try:
        return frozenset(int(p) for p in parts)
    except ValueError:
        raise ConfigError(f"{name} must be comma-separated numeric Telegram ids") from None


@dataclass(frozen=True, slots=True)
class Settings:
    telegram_token: str
    openai_api_key: str
    openai_base_url: str | None = None
    telegram_api_base_url: str = DEFAULT_TELEGRAM_API
    database_path: Path = DEFAULT_DATABASE
    openai_model: str = DEFAULT_MODEL
    vector_store_id: str | None = None
    quiz_style: str = POLL
    default_questions: int = 5
    max_questions: int = 10
    quiz_time_limit: int = 300
    # Seconds each question of a live game is open (/seconds overrides it per chat).
    quiz_live_seconds: int = 30
    openai_timeout: float = 60.0
    openai_max_retries: int = 2
    # Stream the quiz so the first question goes out while the rest is being written.
    openai_stream: bool = True
    # Where a quiz's context lives: "conversation" (the server's Conversations API),
    # "stateless" (the bot's database, for servers with only /v1/responses) or "auto".
    openai_state: OpenAIState = "auto"
    # reasoning.effort: None sends "low" to reasoning models only, "off" never sends it.
    openai_reasoning_effort: str | None = None
    # text.verbosity of the answers; None leaves the model's default.
    openai_verbosity: str | None = None
    # Check every answer key with an independent solve, and the quiz's language and
    # repeats, before a question is posted (issue 19).
    quiz_verify: bool = True
    log_level: str = "INFO"
    # Webhook mode when set (an https URL Telegram posts updates to); long polling otherwise.
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8080
    webhook_secret_token: str | None = None
    document_max_bytes: int = CLOUD_DOWNLOAD_LIMIT
    vector_store_expiry_days: int = 30
    document_index_timeout: float = 300.0
    # Access: empty lists leave the bot open to everyone; operators may run /usage.
    allowed_chat_ids: frozenset[int] = frozenset()
    allowed_user_ids: frozenset[int] = frozenset()
    admin_user_ids: frozenset[int] = frozenset()
    # Cost control, per UTC day; 0 turns a limit off.
    quiz_cooldown: int = 30
    user_quizzes_per_day: int = 20
    chat_quizzes_per_day: int = 50
    user_tokens_per_day: int = 200_000
    chat_tokens_per_day: int = 500_000
    daily_token_budget: int = 5_000_000
    # Command floods (handlers/limits.py): token buckets per person and per chat, refilled
    # per minute (0 turns one off); the same info reply (/help…) to a group once per interval.
    user_command_burst: int = 6
    user_commands_per_minute: int = 12
    chat_command_burst: int = 20
    chat_commands_per_minute: int = 20
    info_reply_seconds: int = 30

    @property
    def document_limit(self) -> int:
        """The largest document accepted: the cap, and the cloud Bot API's download limit."""
        if self.telegram_api_base_url == DEFAULT_TELEGRAM_API:
            return min(self.document_max_bytes, CLOUD_DOWNLOAD_LIMIT)
        return self.document_max_bytes

    def __repr__(self) -> str:
        # Keep secrets out of tracebacks and debug logs that print the settings.
        return (
            f"Settings(telegram_api_base_url={self.telegram_api_base_url!r}, "
            f"openai_base_url={self.openai_base_url!r}, database_path={self.database_path!r}, "
            f"openai_model={self.openai_model!r}, quiz_style={self.quiz_style!r}, "
            f"webhook_url={self.webhook_url!r})"
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        for required in ("TELEGRAM_BOT_TOKEN", "OPENAI_API_KEY"):
            if not env.get(required, "").strip():
                raise ConfigError(f"{required} is not set (see .env.example)")
        style = env.get("QUIZ_STYLE", "").strip().lower() or POLL
        if style not in STYLES:
            raise ConfigError(f"QUIZ_STYLE must be one of: {', '.join(STYLES)}")
        max_questions = _int(env, "QUIZ_MAX_QUESTIONS", 10, 1, 50)
        raw_state = env.get("OPENAI_STATE", "").strip().lower() or "auto"
        state = next((s for s in OPENAI_STATES if s == raw_state), None)
        if state is None:
            raise ConfigError(f"OPENAI_STATE must be one of: {', '.join(OPENAI_STATES)}")
        effort = env.get("OPENAI_REASONING_EFFORT", "").strip().lower() or None
        if effort not in (None, "off", *REASONING_EFFORTS):
            raise ConfigError(
                f"OPENAI_REASONING_EFFORT must be off or one of: {', '.join(REASONING_EFFORTS)}"
            )
        verbosity = env.get("OPENAI_VERBOSITY", "").strip().lower() or None
        if verbosity not in (None, *VERBOSITIES):
            raise ConfigError(f"OPENAI_VERBOSITY must be one of: {', '.join(VERBOSITIES)}")
        level = env.get("LOG_LEVEL", "").strip().upper() or "INFO"
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ConfigError("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        webhook_url = env.get("WEBHOOK_URL", "").strip() or None
        secret = env.get("WEBHOOK_SECRET_TOKEN", "").strip() or None
        if webhook_url is not None:
            parts = urlsplit(webhook_url)
            if parts.scheme != "https" or not parts.hostname:
                raise ConfigError("WEBHOOK_URL must be an https:// URL (Telegram requires TLS)")
            if secret is None:
                raise ConfigError("WEBHOOK_SECRET_TOKEN is not set (required with WEBHOOK_URL)")
        if secret is not None and not _SECRET_TOKEN_RE.fullmatch(secret):
            raise ConfigError("WEBHOOK_SECRET_TOKEN must be 1-256 of A-Z, a-z, 0-9, _ and -")
        return cls(
            telegram_token=env["TELEGRAM_BOT_TOKEN"].strip(),
            openai_api_key=env["OPENAI_API_KEY"].strip(),
            openai_base_url=env.get("OPENAI_BASE_URL", "").strip() or None,
            telegram_api_base_url=(
                env.get("TELEGRAM_API_BASE_URL", "").strip().rstrip("/") or DEFAULT_TELEGRAM_API
            ),
            database_path=Path(env.get("DATABASE_PATH", "").strip() or DEFAULT_DATABASE),
            openai_model=env.get("OPENAI_MODEL", "").strip() or DEFAULT_MODEL,
            vector_store_id=env.get("VECTOR_STORE_ID", "").strip() or None,
            quiz_style=style,
            default_questions=min(_int(env, "QUIZ_DEFAULT_QUESTIONS", 5, 1, 50), max_questions),
            max_questions=max_questions,
            quiz_time_limit=_int(env, "QUIZ_TIME_LIMIT", 300, MIN_TIME_LIMIT, MAX_TIME_LIMIT),
            quiz_live_seconds=_int(
                env, "QUIZ_LIVE_SECONDS", 30, MIN_LIVE_SECONDS, MAX_LIVE_SECONDS
            ),
            openai_timeout=_float(env, "OPENAI_TIMEOUT", 60.0),
            openai_max_retries=_int(env, "OPENAI_MAX_RETRIES", 2, 0, 10),
            openai_stream=_bool(env, "OPENAI_STREAM", True),
            openai_state=state,
            openai_reasoning_effort=effort,
            openai_verbosity=verbosity,
            quiz_verify=_bool(env, "QUIZ_VERIFY", True),
            log_level=level,
            webhook_url=webhook_url,
            webhook_listen=env.get("WEBHOOK_LISTEN", "").strip() or "127.0.0.1",
            webhook_port=_int(env, "WEBHOOK_PORT", 8080, 1, 65535),
            webhook_secret_token=secret,
            document_max_bytes=_int(
                env, "DOCUMENT_MAX_BYTES", CLOUD_DOWNLOAD_LIMIT, 1, OPENAI_FILE_LIMIT
            ),
            vector_store_expiry_days=_int(env, "VECTOR_STORE_EXPIRY_DAYS", 30, 1, 365),
            document_index_timeout=_float(env, "DOCUMENT_INDEX_TIMEOUT", 300.0),
            allowed_chat_ids=_ids(env, "ALLOWED_CHAT_IDS"),
            allowed_user_ids=_ids(env, "ALLOWED_USER_IDS"),
            admin_user_ids=_ids(env, "ADMIN_USER_IDS"),
            quiz_cooldown=_int(env, "QUIZ_COOLDOWN_SECONDS", 30, 0, 24 * 3600),
            user_quizzes_per_day=_int(env, "USER_QUIZZES_PER_DAY", 20, 0, 10**6),
            chat_quizzes_per_day=_int(env, "CHAT_QUIZZES_PER_DAY", 50, 0, 10**6),
            user_tokens_per_day=_int(env, "USER_TOKENS_PER_DAY", 200_000, 0, 10**12),
            chat_tokens_per_day=_int(env, "CHAT_TOKENS_PER_DAY", 500_000, 0, 10**12),
            daily_token_budget=_int(env, "DAILY_TOKEN_BUDGET", 5_000_000, 0, 10**12),
            user_command_burst=_int(env, "USER_COMMAND_BURST", 6, 1, 1000),
            user_commands_per_minute=_int(env, "USER_COMMANDS_PER_MINUTE", 12, 0, 10**6),
            chat_command_burst=_int(env, "CHAT_COMMAND_BURST", 20, 1, 1000),
            chat_commands_per_minute=_int(env, "CHAT_COMMANDS_PER_MINUTE", 20, 0, 10**6),
            info_reply_seconds=_int(env, "INFO_REPLY_SECONDS", 30, 0, 3600),
        )
