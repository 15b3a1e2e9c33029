"""The process's log format: one line per event, and no library logging the bot token."""

from __future__ import annotations

import logging


def silence_http_logs() -> None:
    # Their request lines contain the bot token in the URL.
    for noisy in ("httpx", "httpx2", "httpcore", "httpcore2"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


class OneLineFormatter(logging.Formatter):
    """One line per event, so logs grep and ship well; tracebacks still follow on their own."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return super().formatMessage(record).replace("\r", "\\r").replace("\n", "\\n")


def setup_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(handlers=[handler], level=level, force=True)
    silence_http_logs()
