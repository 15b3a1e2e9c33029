"""Typed, frozen configuration read once from the environment (and `.env`), with
pydantic-settings: each field's alias is its variable, and a bad value stops the bot with one
line naming the variable."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from telegram.constants import FileSizeLimit, PollLimit

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
# DOCUMENT_SEARCH: OpenAI's vector stores, or the bot's own index (services/local_library.py).
DocumentSearch = Literal["auto", "openai", "local"]
# The Responses API's reasoning.effort and text.verbosity values (specs/openai-openapi.json).
ReasoningSetting = Literal["off", "none", "minimal", "low", "medium", "high", "xhigh", "max"]
Verbosity = Literal["low", "medium", "high"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
# OpenAI's limit for one uploaded file.
OPENAI_FILE_LIMIT = 512 * 1024 * 1024
_DAY = 24 * 3600


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it and never contains secrets."""


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _ids(value: Any) -> Any:
    """A comma-separated list of Telegram ids (groups are negative); empty means none."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


Lower = BeforeValidator(_lower)
Ids = Annotated[frozenset[int], NoDecode, BeforeValidator(_ids)]
Seconds = Annotated[float, Field(gt=0)]
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _secret_token(token: SecretStr) -> SecretStr:
    if not _SECRET_TOKEN.fullmatch(token.get_secret_value()):
        raise ValueError("must be 1-256 of A-Z, a-z, 0-9, _ and -")
    return token


# What setWebhook accepts as secret_token.
SecretToken = Annotated[SecretStr, AfterValidator(_secret_token)]


def _postgres_url(url: SecretStr) -> SecretStr:
    # The message never holds the value: it may hold a password.
    if urlsplit(url.get_secret_value()).scheme not in ("postgresql", "postgres"):
        raise ValueError("must be a postgresql:// URL")
    return url


# DATABASE_URL: a secret (it may hold the password), never shown in logs or messages.
PostgresURL = Annotated[SecretStr, AfterValidator(_postgres_url)]


def _https(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError("must be an https:// URL (Telegram requires TLS)")
    return url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        frozen=True,
        case_sensitive=True,
        # An empty variable is the same as an unset one, as in .env.example.
        env_ignore_empty=True,
        str_strip_whitespace=True,
        extra="ignore",
        # The real environment wins over the file.
        env_file=".env",
    )

    telegram_token: SecretStr = Field(alias="TELEGRAM_BOT_TOKEN", min_length=1)
    openai_api_key: SecretStr = Field(alias="OPENAI_API_KEY", min_length=1)
    openai_base_url: str | None = Field(None, alias="OPENAI_BASE_URL")
    telegram_api_base_url: str = Field(DEFAULT_TELEGRAM_API, alias="TELEGRAM_API_BASE_URL")
    database_path: Path = Field(DEFAULT_DATABASE, alias="DATABASE_PATH")
    # PostgreSQL (postgresql://user:password@host/db) instead of the SQLite file when set.
    database_url: PostgresURL | None = Field(None, alias="DATABASE_URL")
    # Connections each process keeps to PostgreSQL at most.
    database_pool_size: int = Field(10, alias="DATABASE_POOL_SIZE", ge=1, le=1000)
    openai_model: str = Field(DEFAULT_MODEL, alias="OPENAI_MODEL")
    vector_store_id: str | None = Field(None, alias="VECTOR_STORE_ID")
    quiz_style: Annotated[Literal["poll", "keyboard"], Lower] = Field("poll", alias="QUIZ_STYLE")
    max_questions: int = Field(10, alias="QUIZ_MAX_QUESTIONS", ge=1, le=50)
    default_questions: int = Field(5, alias="QUIZ_DEFAULT_QUESTIONS", ge=1, le=50)
    quiz_time_limit: int = Field(300, alias="QUIZ_TIME_LIMIT", ge=MIN_TIME_LIMIT, le=MAX_TIME_LIMIT)
    # Seconds each question of a live game is open (/seconds overrides it per chat).
    quiz_live_seconds: int = Field(
        30, alias="QUIZ_LIVE_SECONDS", ge=MIN_LIVE_SECONDS, le=MAX_LIVE_SECONDS
    )
    # Failed submissions of a quiz's answers before it is closed without feedback (the chat
    # or topic is then free for a new quiz).
    quiz_submit_attempts: int = Field(3, alias="QUIZ_SUBMIT_ATTEMPTS", ge=1, le=20)
    openai_timeout: Seconds = Field(60.0, alias="OPENAI_TIMEOUT")
    openai_max_retries: int = Field(2, alias="OPENAI_MAX_RETRIES", ge=0, le=10)
    # Stream the quiz so the first question goes out while the rest is being written.
    openai_stream: bool = Field(True, alias="OPENAI_STREAM")
    # Where a quiz's context lives: "conversation" (the server's Conversations API),
    # "stateless" (the bot's database, for servers with only /v1/responses) or "auto".
    openai_state: Annotated[OpenAIState, Lower] = Field("auto", alias="OPENAI_STATE")
    # reasoning.effort: None sends "low" to reasoning models only, "off" never sends it.
    openai_reasoning_effort: Annotated[ReasoningSetting | None, Lower] = Field(
        None, alias="OPENAI_REASONING_EFFORT"
    )
    # text.verbosity of the answers; None leaves the model's default.
    openai_verbosity: Annotated[Verbosity | None, Lower] = Field(None, alias="OPENAI_VERBOSITY")
    # Check every answer key with an independent solve, and the quiz's language and
    # repeats, before a question is posted.
    quiz_verify: bool = Field(True, alias="QUIZ_VERIFY")
    log_level: Annotated[LogLevel, BeforeValidator(lambda v: v.upper())] = Field(
        "INFO", alias="LOG_LEVEL"
    )
    # Webhook mode when set (an https URL Telegram posts updates to); long polling otherwise.
    webhook_url: Annotated[str, AfterValidator(_https)] | None = Field(None, alias="WEBHOOK_URL")
    webhook_listen: str = Field("127.0.0.1", alias="WEBHOOK_LISTEN")
    webhook_port: int = Field(8080, alias="WEBHOOK_PORT", ge=1, le=65535)
    webhook_secret_token: SecretToken | None = Field(None, alias="WEBHOOK_SECRET_TOKEN")
    document_max_bytes: int = Field(
        CLOUD_DOWNLOAD_LIMIT, alias="DOCUMENT_MAX_BYTES", ge=1, le=OPENAI_FILE_LIMIT
    )
    vector_store_expiry_days: int = Field(30, alias="VECTOR_STORE_EXPIRY_DAYS", ge=1, le=365)
    document_index_timeout: Seconds = Field(300.0, alias="DOCUMENT_INDEX_TIMEOUT")
    # Where documents are searched: "openai" (Files and vector stores), "local" (text taken
    # out and indexed here, in SQLite) or "auto" (OpenAI's where the server has them).
    document_search: Annotated[DocumentSearch, Lower] = Field("auto", alias="DOCUMENT_SEARCH")
    # Access: empty lists leave the bot open to everyone; operators may run /usage.
    allowed_chat_ids: Ids = Field(frozenset(), alias="ALLOWED_CHAT_IDS")
    allowed_user_ids: Ids = Field(frozenset(), alias="ALLOWED_USER_IDS")
    admin_user_ids: Ids = Field(frozenset(), alias="ADMIN_USER_IDS")
    # Cost control, per UTC day; 0 turns a limit off.
    quiz_cooldown: int = Field(30, alias="QUIZ_COOLDOWN_SECONDS", ge=0, le=_DAY)
    user_quizzes_per_day: int = Field(20, alias="USER_QUIZZES_PER_DAY", ge=0, le=10**6)
    chat_quizzes_per_day: int = Field(50, alias="CHAT_QUIZZES_PER_DAY", ge=0, le=10**6)
    user_tokens_per_day: int = Field(200_000, alias="USER_TOKENS_PER_DAY", ge=0, le=10**12)
    chat_tokens_per_day: int = Field(500_000, alias="CHAT_TOKENS_PER_DAY", ge=0, le=10**12)
    daily_token_budget: int = Field(5_000_000, alias="DAILY_TOKEN_BUDGET", ge=0, le=10**12)
    # Command floods: a bucket per person and per chat (the burst), refilled at so many per
    # minute (0 turns it off); the same info reply goes to a group at most once this often.
    user_command_burst: int = Field(6, alias="USER_COMMAND_BURST", ge=1, le=1000)
    user_commands_per_minute: int = Field(12, alias="USER_COMMANDS_PER_MINUTE", ge=0, le=10**6)
    chat_command_burst: int = Field(20, alias="CHAT_COMMAND_BURST", ge=1, le=1000)
    chat_commands_per_minute: int = Field(20, alias="CHAT_COMMANDS_PER_MINUTE", ge=0, le=10**6)
    info_reply_seconds: int = Field(30, alias="INFO_REPLY_SECONDS", ge=0, le=3600)
    # Quizzes one person may have being written or open at once (across all chats).
    user_running_quizzes: int = Field(3, alias="USER_RUNNING_QUIZZES", ge=0, le=1000)
    # Documents per UTC day (0 turns a limit off), and the most one chat's library holds.
    user_documents_per_day: int = Field(20, alias="USER_DOCUMENTS_PER_DAY", ge=0, le=10**6)
    chat_documents_per_day: int = Field(50, alias="CHAT_DOCUMENTS_PER_DAY", ge=0, le=10**6)
    user_document_bytes_per_day: int = Field(
        200_000_000, alias="USER_DOCUMENT_BYTES_PER_DAY", ge=0, le=10**13
    )
    chat_document_bytes_per_day: int = Field(
        500_000_000, alias="CHAT_DOCUMENT_BYTES_PER_DAY", ge=0, le=10**13
    )
    chat_max_documents: int = Field(100, alias="CHAT_MAX_DOCUMENTS", ge=0, le=10_000)
    # Documents downloaded and uploaded at once: in the whole process, and for one person.
    document_transfers: int = Field(4, alias="DOCUMENT_TRANSFERS", ge=1, le=100)
    user_document_transfers: int = Field(1, alias="USER_DOCUMENT_TRANSFERS", ge=1, le=100)

    @field_validator("telegram_api_base_url")
    @classmethod
    def _no_trailing_slash(cls, url: str) -> str:
        return url.rstrip("/")

    @field_validator("default_questions")
    @classmethod
    def _within_max(cls, default: int, info: ValidationInfo) -> int:
        # The default follows the cap rather than refuse a smaller QUIZ_MAX_QUESTIONS.
        return min(default, int(info.data.get("max_questions", default)))

    @model_validator(mode="after")
    def _webhook_has_secret(self) -> Settings:
        if self.webhook_url is not None and self.webhook_secret_token is None:
            raise ConfigError("WEBHOOK_SECRET_TOKEN is not set (required with WEBHOOK_URL)")
        return self

    @property
    def document_limit(self) -> int:
        """The largest document accepted: the cap, and the cloud Bot API's download limit."""
        if self.telegram_api_base_url == DEFAULT_TELEGRAM_API:
            return min(self.document_max_bytes, CLOUD_DOWNLOAD_LIMIT)
        return self.document_max_bytes

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings from the process environment, or from `env` alone (tests)."""
        try:
            if env is None:
                return cls()
            return _Given.model_validate({k: v for k, v in env.items() if v.strip()})
        except ValidationError as exc:
            raise ConfigError(_one_line(exc)) from None


class _Given(Settings):
    """Settings from a given mapping alone: nothing of the process environment or .env."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)

    def __repr_name__(self) -> str:
        return "Settings"


def _one_line(exc: ValidationError) -> str:
    """The first problem, naming its variable; never the value (it may be a secret)."""
    error = exc.errors(include_input=False, include_url=False)[0]
    name = str(error["loc"][0]) if error["loc"] else ""
    if error["type"] == "missing":
        return f"{name} is not set (see .env.example)"
    if isinstance(error.get("ctx", {}).get("error"), ConfigError):
        return str(error["ctx"]["error"])
    reason = error["msg"].removeprefix("Value error, ")
    return f"{name}: {reason[:1].lower()}{reason[1:]}" if name else reason
