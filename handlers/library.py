"""/myquizzes and its buttons, /play, /rename, and a share link opened with /start."""

from __future__ import annotations

import time
from html import escape

from telegram import (
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
    User,
)
from telegram.constants import ChatType, ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler

from handlers.common import acknowledge, lang_of, start_request
from handlers.quiz_files import send_export
from i18n import tr
from quiz import callbacks
from quiz.validation import clean_title
from services import library
from services.context import BotContext
from services.library import (
    BOARD,
    CONFIRM,
    DELETE,
    EXPORT,
    OPEN,
    PAGE,
    PLAY,
    REVOKE,
    SHARE,
    TOGGLE,
)
from storage.library import LibraryEntry

Markup = InlineKeyboardMarkup


def _button(label: str, action: str, owner_id: int, number: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label, callback_data=callbacks.library_data(action, owner_id, number)
    )


async def page_view(context: BotContext, owner_id: int, page: int, lang: str) -> tuple[str, Markup]:
    size = library.PAGE_SIZE
    entries, total = await context.library.page(owner_id, page)
    if total == 0:
        return tr(lang, "lib_empty"), Markup([])
    pages = (total + size - 1) // size
    rows = [[_button(f"#{e.number} {e.title}"[:60], OPEN, owner_id, e.number)] for e in entries]
    nav = []
    if page > 0:
        nav.append(_button(tr(lang, "lib_prev_button"), PAGE, owner_id, page - 1))
    if page + 1 < pages:
        nav.append(_button(tr(lang, "lib_next_button"), PAGE, owner_id, page + 1))
    if nav:
        rows.append(nav)
    return tr(lang, "lib_header", page=page + 1, pages=pages), Markup(rows)


def entry_view(entry: LibraryEntry, lang: str) -> tuple[str, Markup]:
    owner, n = entry.owner_id, entry.number
    text = tr(
        lang,
        "lib_entry",
        n=entry.questions,
        number=n,
        title=escape(entry.title),
        date=time.strftime("%Y-%m-%d", time.gmtime(entry.created_at)),
        shared=tr(lang, "lib_shared_on" if entry.share_token else "lib_shared_off"),
        board=tr(lang, "lib_board_on" if entry.board else "lib_board_off"),
    )
    board_label = "lib_hide_board_button" if entry.board else "lib_show_board_button"
    rows = [
        [
            _button(tr(lang, "lib_play_button"), PLAY, owner, n),
            _button(tr(lang, "lib_share_short_button"), SHARE, owner, n),
        ],
        [
            _button(tr(lang, "lib_export_button"), EXPORT, owner, n),
            _button(tr(lang, "lib_board_button"), BOARD, owner, n),
        ],
        [_button(tr(lang, board_label), TOGGLE, owner, n)],
    ]
    if entry.share_token:
        rows.append([_button(tr(lang, "lib_revoke_button"), REVOKE, owner, n)])
    rows.append(
        [
            _button(tr(lang, "lib_delete_button"), DELETE, owner, n),
            _button(tr(lang, "lib_back_button"), PAGE, owner, 0),
        ]
    )
    return text, Markup(rows)


async def myquizzes_command(update: Update, context: BotContext) -> None:
    """List the sender's saved quizzes, newest first, with buttons."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = await lang_of(update, context)
    text, markup = await page_view(context, user.id, 0, lang)
    await message.reply_html(text, reply_markup=markup if markup.inline_keyboard else None)


async def share_reply(
    message: Message, context: BotContext, entry: LibraryEntry, lang: str
) -> None:
    """The share link as text and as buttons (private and group)."""
    token = await context.library.share(entry)
    payload = library.share_payload(token)
    name = context.bot.username
    link = f"https://t.me/{name}?start={payload}"
    group_link = f"https://t.me/{name}?startgroup={payload}"
    markup = Markup(
        [
            [InlineKeyboardButton(tr(lang, "lib_take_button"), url=link)],
            [InlineKeyboardButton(tr(lang, "lib_group_button"), url=group_link)],
        ]
    )
    text = tr(
        lang,
        "lib_share_text",
        n=entry.questions,
        title=escape(entry.title),
        link=link,
        group_link=group_link,
    )
    await message.reply_html(
        text, reply_markup=markup, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )


async def _play_here(
    context: BotContext,
    message: Message,
    chat: Chat,
    user: User,
    entry: LibraryEntry,
    lang: str,
    request_key: str,
    *,
    shared: bool,
) -> None:
    request = start_request(message, chat, user, lang, request_key=request_key)
    await context.library.play(entry, request, shared=shared)


async def library_button(update: Update, context: BotContext) -> None:
    """A tap on a library button: only its owner's taps act."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    lang = await lang_of(update, context)
    tap = callbacks.parse_library(query.data or "")
    message = query.message if isinstance(query.message, Message) else None
    if tap is None or message is None:
        await acknowledge(query, tr(lang, "invalid_button"))
        return
    if tap.owner_id != user.id:
        await acknowledge(query, tr(lang, "lib_not_yours"))
        return
    if tap.action == PAGE:
        await acknowledge(query)
        text, markup = await page_view(context, user.id, tap.number, lang)
        await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
        return
    entry = await context.library.entry(user.id, tap.number)
    if entry is None:
        await acknowledge(query, tr(lang, "lib_not_found", number=tap.number))
        return
    await _entry_action(context, query, message, chat, user, entry, tap.action, lang)


async def _entry_action(
    context: BotContext,
    query: CallbackQuery,
    message: Message,
    chat: Chat,
    user: User,
    entry: LibraryEntry,
    action: str,
    lang: str,
) -> None:
    await acknowledge(query)
    if action == PLAY:
        key = f"{chat.id}:tap:{query.id}"
        await _play_here(context, message, chat, user, entry, lang, key, shared=False)
    elif action == SHARE:
        await share_reply(message, context, entry, lang)
    elif action == EXPORT:
        await send_export(message, context, entry, lang)
    elif action == BOARD:
        await message.reply_html(await context.library.board.board_html(entry, lang))
    elif action == DELETE:
        confirm = Markup(
            [[_button(tr(lang, "lib_yes_delete_button"), CONFIRM, user.id, entry.number)]]
        )
        text = tr(lang, "lib_confirm_delete", number=entry.number, title=escape(entry.title))
        await message.reply_html(text, reply_markup=confirm)
    elif action == CONFIRM:
        await context.library.delete(entry)
        await message.edit_text(tr(lang, "lib_deleted", number=entry.number), reply_markup=None)
    elif action in (REVOKE, TOGGLE):
        if action == REVOKE:
            await context.library.revoke(entry)
            await message.reply_text(tr(lang, "lib_revoked", number=entry.number))
        else:
            await context.library.toggle_board(entry)
        changed = await context.library.entry(user.id, entry.number, sync=False)
        if changed is not None:
            text, markup = entry_view(changed, lang)
            await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    else:  # OPEN, and anything unknown shows the entry
        text, markup = entry_view(entry, lang)
        await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


def _number(args: list[str] | None) -> int | None:
    first = (args or [""])[0]
    return int(first) if first.isdigit() and len(first) < 10 else None


async def play_command(update: Update, context: BotContext) -> None:
    """`/play N`: quiz N of the sender's library, in this chat."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    lang = await lang_of(update, context)
    number = _number(context.args)
    if number is None:
        await message.reply_html(tr(lang, "play_usage"))
        return
    entry = await context.library.entry(user.id, number)
    if entry is None:
        await message.reply_html(tr(lang, "lib_not_found", number=number))
        return
    key = f"{chat.id}:{message.message_id}"
    await _play_here(context, message, chat, user, entry, lang, key, shared=False)


async def rename_command(update: Update, context: BotContext) -> None:
    """`/rename N new title`."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = await lang_of(update, context)
    number, title = _number(context.args), clean_title(" ".join((context.args or [])[1:]))
    entry = None
    if number is not None and len(context.args or []) > 1:
        entry = await context.library.entry(user.id, number)
    if entry is None:
        await message.reply_html(tr(lang, "rename_usage"))
        return
    await context.library.rename(entry, title)
    await message.reply_html(tr(lang, "renamed", number=number, title=escape(title)))


async def start_shared(update: Update, context: BotContext, token: str) -> None:
    """/start with a share link's payload (a private chat, or a group via ?startgroup)."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    lang = await lang_of(update, context)
    entry = await context.library.shared(token)
    if entry is None:
        await message.reply_text(tr(lang, "lib_link_dead"))
        return
    key = f"{chat.id}:{message.message_id}"
    # The owner playing their own link is a replay, not a taker on the board.
    shared = user.id != entry.owner_id or chat.type != ChatType.PRIVATE
    await _play_here(context, message, chat, user, entry, lang, key, shared=shared)


HANDLERS = [
    CommandHandler("myquizzes", myquizzes_command),
    # Posting a quiz's questions takes many requests: don't hold up other chats' updates.
    CommandHandler("play", play_command, block=False),
    CommandHandler("rename", rename_command),
    CallbackQueryHandler(library_button, pattern=callbacks.pattern(callbacks.LIBRARY), block=False),
]
