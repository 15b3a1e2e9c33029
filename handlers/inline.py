"""Inline mode: `@bot words` in any chat lists the sender's saved quizzes that match; the
chosen one is posted as a card with a Take this quiz button (its share link)."""

from __future__ import annotations

from html import escape

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import InlineQueryLimit, ParseMode
from telegram.ext import InlineQueryHandler

from handlers.common import lang_of
from i18n import tr
from services.context import BotContext
from services.library import share_payload

# Few enough that listing them (each gets its share link) stays a deliberate act.
MAX_RESULTS = min(10, int(InlineQueryLimit.RESULTS))
# Results are the sender's own: cached for them alone, and not for long (links change).
CACHE_SECONDS = 10


async def inline_query(update: Update, context: BotContext) -> None:
    query, user = update.inline_query, update.effective_user
    if query is None or user is None:
        return
    lang = await lang_of(update, context)
    words = query.query.split()[:5]
    entries = await context.library.search(user.id, words, MAX_RESULTS)
    results = []
    for entry in entries:
        token = await context.library.share(entry)
        link = f"https://t.me/{context.bot.username}?start={share_payload(token)}"
        card = tr(lang, "inline_card", n=entry.questions, title=escape(entry.title))
        results.append(
            InlineQueryResultArticle(
                id=f"{entry.owner_id}:{entry.number}",
                title=entry.title,
                description=tr(lang, "inline_description", n=entry.questions),
                input_message_content=InputTextMessageContent(card, parse_mode=ParseMode.HTML),
                reply_markup=InlineKeyboardMarkup(
                    [[InlineKeyboardButton(tr(lang, "lib_take_button"), url=link)]]
                ),
            )
        )
    await query.answer(results, cache_time=CACHE_SECONDS, is_personal=True)


HANDLERS = [InlineQueryHandler(inline_query)]
