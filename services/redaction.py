"""Keep the bot token and the API key out of every log record, whoever writes it.

python-telegram-bot logs its Bot API URLs (`…/bot<token>`) at DEBUG, and an exception's text
may quote a URL. A handler's filter would only protect the handlers we configure, so the
secrets are replaced when a record is created (after the level check: cheap when quiet).
"""

from __future__ import annotations

import logging
from typing import Any

REDACTED = "[REDACTED]"

_secrets: set[str] = set()
# Below this a "secret" would redact ordinary words; real tokens and keys are far longer.
_MIN_LENGTH = 8


def redact(text: str) -> str:
    # Longest first: the token contains its own secret part.
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def _contains_secret(text: str) -> bool:
    return any(secret in text for secret in _secrets)


def redact_in_logs(*secrets: str) -> None:
    """Redact these (and a bot token's part after the colon) in all logging from now on."""
    parts = set(secrets) | {s.split(":", 1)[1] for s in secrets if ":" in s}
    new = {s for s in parts if len(s) >= _MIN_LENGTH}
    if not _secrets and new:
        _install()
    _secrets.update(new)


def _install() -> None:
    make = logging.getLogRecordFactory()
    formatter = logging.Formatter()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            # A malformed logging call: logging reports it when the record is emitted.
            return record
        if _contains_secret(message):
            record.msg, record.args = redact(message), None
        if record.exc_info:
            # Formatters use a pre-set exc_text instead of formatting the exception again.
            text = formatter.formatException(record.exc_info)
            if _contains_secret(text):
                record.exc_text = redact(text)
        if record.stack_info and _contains_secret(record.stack_info):
            record.stack_info = redact(record.stack_info)
        return record

    logging.setLogRecordFactory(factory)
