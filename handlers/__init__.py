"""Telegram handlers, one module per feature, registered in one place and in order."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, TypeHandler

from handlers import buttons, documents, errors, membership, poll_answers, quiz, start
from services import inbox


def register(application: Application) -> None:  # type: ignore[type-arg]
    for module in (start, quiz, poll_answers, buttons, documents, membership):
        for handler in module.HANDLERS:
            # Every update leaves the inbox when the handler that took it is done.
            handler.callback = inbox.settling(handler.callback)
            application.add_handler(handler)
    # Last in the group, so it only sees what no feature handled.
    application.add_handler(TypeHandler(Update, inbox.settling(inbox.unhandled)))
    application.add_error_handler(errors.error_handler)
