"""English texts. HTML where Telegram shows them with parse_mode=HTML (marked `html`)."""

from __future__ import annotations

from i18n.en import access, chats, games, learning, library, quiz

# A text with a count holds its CLDR plural forms (English: "one", "other"); see i18n.tr.
TEXTS: dict[str, str | dict[str, str]] = {
    **quiz.TEXTS,
    **chats.TEXTS,
    **access.TEXTS,
    **learning.TEXTS,
    **games.TEXTS,
    **library.TEXTS,
}
