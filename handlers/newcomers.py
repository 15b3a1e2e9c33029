"""No silence: plain text in a private chat gets a hint and an offer to quiz on it, and a
command the bot does not know gets a hint (in groups only when addressed to this bot)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, MessageEntityType, ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from handlers.common import acknowledge, lang_of, start_quiz_here
from i18n import tr
from quiz import callbacks
from services.context import BotContext
from services.quiz import starting
from services.start_request import QuizCommand

log = logging.getLogger(__name__)


class _UnknownCommand(filters.MessageFilter):
    """A command none of the bot's handlers takes, addressed to this bot: in a private chat
    any, in a group only `/cmd@thisbot` (a bare `/cmd` there may be another bot's)."""

    def __init__(self, known: Iterable[str]) -> None:
        super().__init__(name="UnknownCommand")
        self._known = frozenset(c.lower() for c in known)

    def filter(self, message: Message) -> bool:
        entity = message.entities[0] if message.entities else None
        if entity is None or entity.type != MessageEntityType.BOT_COMMAND or entity.offset != 0:
            return False
        command, _, target = (message.text or "")[1 : entity.length].partition("@")
        username = (message.get_bot().username or "").lower()
        if target and target.lower() != username:
            return False
        if command.lower() in self._known:
            return False
        return message.chat.type == ChatType.PRIVATE or bool(target)


async def plain_text(update: Update, context: BotContext) -> None:
    """Offer a quiz on what a person wrote to the bot in private."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return
    topic = message.text.strip()[: starting.MAX_TOPIC_LENGTH]
    # Callback data holds at most 64 bytes: the text stays here, the button carries its id.
    offer = await context.offers.offer_topic(chat.id, f"{chat.id}:{message.message_id}", topic)
    if offer is None:
        log.info("Ignoring re-delivered plain text in chat %s", chat.id)
        return
    lang = await lang_of(update, context)
    button = InlineKeyboardButton(
        tr(lang, "topic_offer_button"), callback_data=callbacks.offer_data(offer)
    )
    await message.reply_text(
        tr(lang, "plain_text_hint"),
        parse_mode=ParseMode.HTML,
        reply_markup=InlineKeyboardMarkup([[button]]),
        do_quote=False,
    )


async def offer_button(update: Update, context: BotContext) -> None:
    """A tap on "Quiz me on this": a quiz on the offered text, with every start check."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    lang = await lang_of(update, context)
    offer = callbacks.parse_quiz_id(callbacks.OFFER, query.data or "")
    topic = None if offer is None else await context.offers.offered_topic(offer, chat.id)
    message = query.message if isinstance(query.message, Message) else None
    if topic is None or message is None:
        await acknowledge(query, tr(lang, "topic_offer_gone"))
        return
    await acknowledge(query)
    await start_quiz_here(
        context,
        message,
        chat,
        user,
        lang,
        QuizCommand(None, topic),
        # The tap is the request: a replay of it is a no-op, like the sample quiz's.
        request_key=f"{chat.id}:tap:{query.id}",
    )


async def unknown_command(update: Update, context: BotContext) -> None:
    """Point a command the bot does not have to /help."""
    message = update.effective_message
    if message is None or not message.text or not message.entities:
        return
    command = message.text[: message.entities[0].length].partition("@")[0]
    await message.reply_text(
        tr(await lang_of(update, context), "unknown_command", command=escape(command)),
        parse_mode=ParseMode.HTML,
    )


def handlers(known_commands: Iterable[str]) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The handlers, given every command the other modules take (so that their order among
    the other handlers does not matter)."""
    new_messages = filters.UpdateType.MESSAGE
    return [
        MessageHandler(
            new_messages & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, plain_text
        ),
        MessageHandler(new_messages & _UnknownCommand(known_commands), unknown_command),
        # The quiz keeps the model busy for seconds: don't hold up other chats' updates.
        CallbackQueryHandler(offer_button, pattern=callbacks.pattern(callbacks.OFFER), block=False),
    ]
