"""Telegram handlers, one module per feature, registered in one place and in order."""

from __future__ import annotations

from telegram.ext import Application

from handlers import buttons, documents, errors, poll_answers, quiz, start


def register(application: Application) -> None:  # type: ignore[type-arg]
    for module in (start, quiz, poll_answers, buttons, documents):
        application.add_handlers(module.HANDLERS)
    application.add_error_handler(errors.error_handler)
