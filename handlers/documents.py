"""Documents sent to the bot, /docs and /forget."""

from __future__ import annotations

from html import escape

from telegram import Message, Update
from telegram.constants import ChatType, MessageLimit, ParseMode
from telegram.ext import CommandHandler, MessageHandler, filters

from handlers.common import lang_of, thread_of
from i18n import tr
from quiz.fitting import fit_lines
from quiz.states import DocumentState
from services import document_types
from services.context import BotContext
from services.document_intake import IncomingDocument
from services.documents import BUSY_STATES
from services.permissions import removable_documents

_STATE_ICONS = {
    DocumentState.READY: "✅",
    DocumentState.PROCESSING: "⏳",
    DocumentState.DOWNLOADING: "⏳",
    DocumentState.UPLOADING: "⏳",
    DocumentState.FAILED: "❌",
}


def _addressed_to_bot(message: Message, bot_id: int, bot_username: str | None) -> bool:
    """In groups a document is for the bot when its caption mentions it or it replies to it.

    That is also exactly what a bot in privacy mode receives, so behaviour does not depend
    on how the bot was set up."""
    caption = (message.caption or "").lower()
    if bot_username and f"@{bot_username.lower()}" in caption:
        return True
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot_id)


async def document_received(update: Update, context: BotContext) -> None:
    """Add a document to this chat's library (in groups: when addressed to the bot)."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None or message.document is None:
        return
    if chat.type != ChatType.PRIVATE and not _addressed_to_bot(
        message, context.bot.id, context.bot.username
    ):
        return
    document = message.document
    await context.waiting.add_document(
        IncomingDocument(
            chat_id=chat.id,
            chat_title=chat.title or chat.full_name or str(chat.id),
            thread_id=thread_of(message),
            user_id=user.id,
            message_id=message.message_id,
            lang=await lang_of(update, context),
            file_id=document.file_id,
            file_name=document.file_name,
            mime_type=document.mime_type,
            file_size=document.file_size,
        ),
    )


async def docs_command(update: Update, context: BotContext) -> None:
    """List this chat's documents and where each stands."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    lang = await lang_of(update, context)
    docs = await context.documents.refreshed(chat.id)
    if not docs:
        key = "doc_no_search" if context.documents.no_search() else "docs_empty"
        await message.reply_text(
            tr(lang, key, types=document_types.supported_list()), parse_mode=ParseMode.HTML
        )
        return
    lines = []
    for number, doc in enumerate(docs, start=1):
        state = tr(lang, f"doc_state_{doc.state}")
        if doc.state == DocumentState.FAILED and doc.error:
            state += f": {escape(doc.error)}"
        lines.append(
            f"{number}. <b>{escape(doc.file_name)}</b> — {document_types.human_size(doc.size)}"
            f" — {_STATE_ICONS.get(doc.state, '')} {state}"
        )
    text = fit_lines(
        [tr(lang, "docs_header"), ""],
        lines,
        ["", tr(lang, "docs_footer")],
        MessageLimit.MAX_TEXT_LENGTH,
        lambda n: tr(lang, "list_more", n=n),
    )
    await message.reply_text(text, parse_mode=ParseMode.HTML)


async def forget_command(update: Update, context: BotContext) -> None:
    """Remove a document (`/forget N`) or all of them (`/forget all`) from this chat."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    lang = await lang_of(update, context)
    docs = await context.documents.chat_documents(chat.id)
    arg = (context.args or [""])[0].lower()
    if arg == "all":
        targets = docs
    elif arg.isdecimal() and 1 <= int(arg) <= len(docs):
        targets = [docs[int(arg) - 1]]
    else:
        await message.reply_text(tr(lang, "forget_usage"), parse_mode=ParseMode.HTML)
        return
    if not targets:
        await message.reply_text(
            tr(lang, "docs_empty", types=document_types.supported_list()), parse_mode=ParseMode.HTML
        )
        return
    busy = [d for d in targets if d.state in BUSY_STATES]
    targets = [d for d in targets if d.state not in BUSY_STATES]
    allowed = await removable_documents(context.bot, chat.id, chat.type, user.id, targets)
    kept = len(targets) - len(allowed)
    lines = []
    if allowed:
        await context.documents.remove_documents(chat.id, allowed)
        names = ", ".join(f"<b>{escape(d.file_name)}</b>" for d in allowed)
        lines.append(tr(lang, "forget_done", names=names))
    if kept:
        lines.append(tr(lang, "forget_not_allowed", n=kept))
    if busy:
        lines.append(tr(lang, "doc_busy", names=", ".join(escape(d.file_name) for d in busy)))
    await message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML)


HANDLERS = [
    # Downloading, uploading and indexing take seconds to minutes: never hold up other chats.
    MessageHandler(filters.Document.ALL, document_received, block=False),
    CommandHandler("docs", docs_command, block=False),
    CommandHandler("forget", forget_command, block=False),
]
