"""Telegram handlers, one module per feature, registered in one place and in order."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, TypeHandler

from handlers import (
    access,
    admin,
    buttons,
    documents,
    errors,
    inline,
    language,
    learning,
    library,
    limits,
    live,
    membership,
    newcomers,
    photos,
    poll_answers,
    presence,
    quiz,
    quiz_files,
    start,
)
from services import chat_order, inbox
from settings import Settings


def register(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    # The allow-lists, before any feature sees an update (it settles what it stops itself).
    # With none configured the bot is open, and every update skips the gate's group.
    if access.is_restricted(settings):
        for handler in access.HANDLERS:
            application.add_handler(handler, group=-1)
    features = (
        start,
        language,
        quiz,
        live,
        learning,
        library,
        quiz_files,
        inline,
        admin,
        buttons,
        documents,
        photos,
        membership,
    )
    known = [
        command
        for module in features
        for handler in module.HANDLERS
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    ]
    # Command floods are dropped as their tasks start (handlers/limits.py).
    limits.install(application.bot_data, settings)
    # First, yet they take only what no feature does (texts, unknown commands, their own
    # button prefix), so their place matters only to buttons.answer_button's catch-all.
    # Before them all: every update of a group's quiz burst is a poll answer, and no other
    # handler takes one, so it matches at the first check instead of the 24th.
    first = poll_answers.HANDLERS
    for handler in [*first, *newcomers.handlers(known), *(h for m in features for h in m.HANDLERS)]:
        if handler not in first:
            # A task in its chat's order: no chat waits for another (services/chat_order.py).
            chat_order.arrange(handler)
            limits.guard(handler)
            # Who posts in a group is in it (poll answers show nothing of the kind).
            handler.callback = presence.noting(handler.callback)
        # Every update leaves the inbox when the handler that took it is done.
        handler.callback = inbox.settling(handler.callback)
        application.add_handler(handler)
    # Last in the group, so it only sees what no feature handled.
    application.add_handler(TypeHandler(Update, inbox.settling(presence.noting(inbox.unhandled))))
    application.add_error_handler(errors.error_handler)
