"""Every button's callback data: the prefixes, how each is built and how it is parsed.

Telegram hands the data back verbatim from any client, so a parser treats it as untrusted:
anything forged, foreign or from an older version parses to None. Each handler is
registered with `pattern(PREFIX)`, and `UNKNOWN_PATTERN` matches only what no prefix
claims, so the order handlers are registered in does not matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram.constants import InlineKeyboardButtonLimit

ANSWER = "a:"
RETRY = "retry:"
FINISH = "finish:"
MENU = "menu:"
LANG = "lang:"
LEARN = "learn:"
OFFER = "topic:"
FORGET = "forget:"
LIBRARY = "lib:"
# Close a quiz whose feedback keeps failing, without it.
CANCEL = "cancel:"
PREFIXES = (ANSWER, RETRY, FINISH, MENU, LANG, LEARN, OFFER, FORGET, LIBRARY, CANCEL)

# The learning buttons: "Review my mistakes" and "Quiz my weakest topic".
REVIEW_DATA = f"{LEARN}review"
WEAKEST_DATA = f"{LEARN}weak"
# The /start payload of a group's review link (t.me/<bot>?start=review).
DEEP_LINK_REVIEW = "review"
# The /start payload of the link a group's /forgetme answers with (t.me/<bot>?start=forgetme).
DEEP_LINK_FORGET = "forgetme"


def pattern(prefix: str) -> str:
    """The CallbackQueryHandler pattern for one prefix."""
    return f"^{re.escape(prefix)}"


# Data none of our prefixes claims (forged, or from a removed button): refused politely.
UNKNOWN_PATTERN = "^(?!" + "|".join(re.escape(p) for p in PREFIXES) + ")"


def _checked(data: str) -> str:
    # Ids are database integers, so this only fails on a bug; fail loudly rather than let
    # Telegram reject the whole message.
    assert len(data.encode()) <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
    return data


@dataclass(frozen=True, slots=True)
class AnswerTap:
    quiz_id: int
    question_index: int
    position: int


def answer_data(quiz_id: int, question_index: int, position: int) -> str:
    return _checked(f"{ANSWER}{quiz_id}:{question_index}:{position}")


def parse_answer(data: str) -> AnswerTap | None:
    """A tap on a keyboard question's choice at displayed `position`."""
    if not data.startswith(ANSWER):
        return None
    parts = data.removeprefix(ANSWER).split(":")
    if len(parts) != 3:
        return None
    try:
        quiz_id, question_index, position = (int(p) for p in parts)
    except ValueError:
        return None
    if min(quiz_id, question_index, position) < 0:
        return None
    return AnswerTap(quiz_id, question_index, position)


def retry_data(quiz_id: int) -> str:
    return _checked(f"{RETRY}{quiz_id}")


def cancel_data(quiz_id: int) -> str:
    return _checked(f"{CANCEL}{quiz_id}")


def finish_data(quiz_id: int) -> str:
    return _checked(f"{FINISH}{quiz_id}")


def offer_data(offer_id: int) -> str:
    """ "Quiz me on this": the offered text stays in the database, the button has its id."""
    return _checked(f"{OFFER}{offer_id}")


def parse_quiz_id(prefix: str, data: str) -> int | None:
    """The id a retry, cancel, finish or offer button carries (a quiz's; an offer's)."""
    if not data.startswith(prefix):
        return None
    try:
        return int(data.removeprefix(prefix))
    except ValueError:
        return None


def menu_data(action: str) -> str:
    return _checked(f"{MENU}{action}")


def parse_menu(data: str) -> str:
    """The /start menu action (checked against the known ones by the menu itself)."""
    return data.removeprefix(MENU)


def lang_data(code: str) -> str:
    return _checked(f"{LANG}{code}")


def parse_lang(data: str) -> str:
    """The language chosen on the picker (checked against the catalogues by the picker)."""
    return data.removeprefix(LANG)


@dataclass(frozen=True, slots=True)
class ForgetTap:
    confirmed: bool
    user_id: int  # the only person the button is for


def forget_data(user_id: int, *, confirmed: bool) -> str:
    return _checked(f"{FORGET}{'yes' if confirmed else 'no'}:{user_id}")


def parse_forget(data: str) -> ForgetTap | None:
    """/forgetme's "Delete everything" or "Keep my data"."""
    answer, _, user = data.removeprefix(FORGET).partition(":")
    if not data.startswith(FORGET) or answer not in ("yes", "no"):
        return None
    try:
        return ForgetTap(answer == "yes", int(user))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class LibraryTap:
    """A library button: `action` on the owner's quiz `number` (a page number for pages)."""

    action: str
    owner_id: int
    number: int


def library_data(action: str, owner_id: int, number: int) -> str:
    return _checked(f"{LIBRARY}{action}:{owner_id}:{number}")


def parse_library(data: str) -> LibraryTap | None:
    parts = data.removeprefix(LIBRARY).split(":") if data.startswith(LIBRARY) else []
    if len(parts) != 3 or not parts[0].isalpha():
        return None
    try:
        owner_id, number = int(parts[1]), int(parts[2])
    except ValueError:
        return None
    return LibraryTap(parts[0], owner_id, number) if number >= 0 else None
