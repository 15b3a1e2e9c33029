"""Quizzes as files: /export, and a .csv or .tsv quiz sent to the bot (an import).

A .csv or .tsv document whose first row names the quiz columns is an import; any other
document (another CSV too) goes on to the chat's documents, as before."""

from __future__ import annotations

import logging
from html import escape

from telegram import Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import CommandHandler, MessageHandler, filters

from handlers import documents
from handlers.common import lang_of, start_request
from i18n import tr
from services import quiz_files
from services.chat_messages import TooBigError
from services.context import BotContext
from storage.library import LibraryEntry

log = logging.getLogger(__name__)

# Problems listed in one reply; the rest are counted.
SHOWN_PROBLEMS = 15


async def send_export(
    message: Message, context: BotContext, entry: LibraryEntry, lang: str
) -> None:
    name, data = await context.quiz_files.export_quiz(entry)
    await message.reply_document(
        data,
        filename=name,
        caption=tr(lang, "export_caption", title=escape(entry.title)),
        parse_mode=ParseMode.HTML,
    )


async def export_command(update: Update, context: BotContext) -> None:
    """`/export` the last quiz, `/export N` quiz N, `/export cards` the study cards."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = await lang_of(update, context)
    arg = (context.args or [""])[0].lower()
    if arg == "cards":
        data = await context.quiz_files.export_cards(user.id)
        if data is None:
            await message.reply_text(tr(lang, "export_cards_empty"))
            return
        await message.reply_document(
            data, filename="studyquiz-cards.csv", caption=tr(lang, "export_cards_caption")
        )
        return
    if not arg:
        entry = await context.library.newest(user.id)
        if entry is None:
            await message.reply_text(tr(lang, "export_empty"))
            return
    elif arg.isdigit() and len(arg) < 10:
        entry = await context.library.entry(user.id, int(arg))
        if entry is None:
            await message.reply_html(tr(lang, "lib_not_found", number=int(arg)))
            return
    else:
        await message.reply_html(tr(lang, "export_usage"))
        return
    await send_export(message, context, entry, lang)


async def _read(message: Message, context: BotContext) -> bytes | None:
    document = message.document
    assert document is not None
    if (document.file_size or 0) > quiz_files.MAX_IMPORT_BYTES:
        return None
    try:
        data = await context.presenter.files.download(document.file_id, quiz_files.MAX_IMPORT_BYTES)
    except TooBigError:
        return None
    except TelegramError as exc:
        log.warning("A CSV document could not be downloaded: %s", exc)
        raise
    return data if len(data) <= quiz_files.MAX_IMPORT_BYTES else None


async def csv_received(update: Update, context: BotContext) -> None:
    """A .csv or .tsv: an import when its header names the quiz columns, else a document."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None or message.document is None:
        return
    if chat.type != ChatType.PRIVATE and not documents._addressed_to_bot(
        message, context.bot.id, context.bot.username
    ):
        return
    lang = await lang_of(update, context)
    data = await _read(message, context)
    if data is None:
        await message.reply_text(tr(lang, "import_too_big", kb=quiz_files.MAX_IMPORT_BYTES // 1024))
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    name = message.document.file_name or ""
    if text is None or not quiz_files.is_quiz_file(name, text.partition("\n")[0].rstrip("\r")):
        if text is None and name.lower().endswith((".csv", ".tsv")):
            await message.reply_text(tr(lang, "import_unreadable"))
            return
        await documents.document_received(update, context)
        return
    request = start_request(message, chat, user, lang)
    result = await context.quiz_files.import_quiz(request, text=text, file_name=name)
    await _tell_import(message, lang, result)


async def _tell_import(message: Message, lang: str, result: quiz_files.Imported) -> None:
    if result.problems:
        lines = [
            tr(lang, "import_row", row=p.row, problem=escape(p.problem))
            for p in result.problems[:SHOWN_PROBLEMS]
        ]
        more = len(result.problems) - SHOWN_PROBLEMS
        if more > 0:
            lines.append(tr(lang, "import_more", more=more))
        key = "import_disputed" if result.disputed else "import_bad"
        await message.reply_html(tr(lang, key, problems="\n".join(lines)))
        return
    if result.number is None or result.quiz is None:
        return  # a re-delivered import, answered the first time
    await message.reply_html(
        tr(
            lang,
            "import_done",
            n=len(result.quiz.questions),
            title=escape(result.quiz.title),
            number=result.number,
        )
    )


HANDLERS = [
    # Before handlers.documents' own (it takes every document): imports are read here.
    MessageHandler(
        filters.Document.FileExtension("csv") | filters.Document.FileExtension("tsv"),
        csv_received,
        block=False,
    ),
    CommandHandler("export", export_command),
]
