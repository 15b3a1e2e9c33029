"""Photos sent to the bot: study material, read by the model and added to the chat's
documents; a caption `/quiz N [topic]` (or just `N`) starts a quiz on it."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import MessageHandler, filters

from handlers.common import lang_of, start_quiz_here, thread_of
from handlers.documents import _addressed_to_bot
from services.context import BotContext
from services.photos import IncomingPhoto, quiz_command


async def photo_received(update: Update, context: BotContext) -> None:
    """In private, and in groups when the caption mentions the bot or it replies to it."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None or not message.photo:
        return
    bot = context.bot
    album = message.media_group_id
    if chat.type != ChatType.PRIVATE:
        # Before any await: the album's next photos (no caption) may be on their way.
        if _addressed_to_bot(message, bot.id, bot.username):
            if album is not None:
                context.photos.note_album(chat.id, album)
        elif not context.photos.album_noted(chat.id, album):
            return
    lang = await lang_of(update, context)
    largest = message.photo[-1]
    photo = IncomingPhoto(
        chat_id=chat.id,
        chat_title=chat.title or chat.full_name or str(chat.id),
        thread_id=thread_of(message),
        user_id=user.id,
        message_id=message.message_id,
        lang=lang,
        file_id=largest.file_id,
        file_size=largest.file_size,
        caption=message.caption,
        media_group_id=album,
        date=message.date,
    )
    # Raises (and the error handler tells the person) when the photo cannot be used.
    rest_of_album = await context.photos.add_photo(photo, bot.username)
    command = quiz_command(message.caption, bot.username)
    if command is not None:
        await rest_of_album()
        await start_quiz_here(context, message, chat, user, lang, command)


HANDLERS = [
    # Reading a photo takes a model call: never hold up other chats.
    MessageHandler(filters.PHOTO, photo_received, block=False),
]
