"""A chat's effective settings: what it chose, else the bot's defaults — decided here only.

`ChatSettings` is built once in the composition root (services/wiring.py) with the chats'
store and the three defaults it fills in; handlers reach it as `context.chat_settings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from i18n import catalogues
from quiz.states import QuizMode
from storage.chats import ANYONE, ChatStore

if TYPE_CHECKING:
    pass


@dataclass(frozen=True, slots=True)
class EffectiveSettings:
    style: str  # poll or keyboard (QUIZ_STYLE unless /style chose)
    time_limit: int  # seconds a group quiz runs (QUIZ_TIME_LIMIT unless /timelimit chose)
    lang: str | None  # the /lang choice; None: each user's Telegram language
    starters: str  # who may start quizzes in a group (anyone unless /starters chose)
    mode: QuizMode = QuizMode.ALL  # what /quiz plays (all at once unless /mode chose)
    live_seconds: int = 30  # a live game's seconds per question (QUIZ_LIVE_SECONDS, /seconds)
    exam: bool = False  # group polls hide the votes until the quiz ends (off unless /exam on)


class ChatSettings:
    def __init__(self, *, chats: ChatStore, style: str, time_limit: int, live_seconds: int) -> None:
        self._chats = chats
        # The bot's defaults (QUIZ_STYLE, QUIZ_TIME_LIMIT, QUIZ_LIVE_SECONDS).
        self._style = style
        self._time_limit = time_limit
        self._live_seconds = live_seconds

    async def effective(self, chat_id: int) -> EffectiveSettings:
        chosen = await self._chats.chat_settings(chat_id)
        return EffectiveSettings(
            style=chosen.style or self._style,
            time_limit=chosen.time_limit or self._time_limit,
            # A catalogue removed since the choice was stored falls back like an unset one.
            lang=chosen.lang if chosen.lang in catalogues() else None,
            starters=chosen.starters or ANYONE,
            mode=QuizMode(chosen.mode or QuizMode.ALL),
            live_seconds=chosen.live_seconds or self._live_seconds,
            exam=bool(chosen.exam),
        )

    async def set_style(self, chat_id: int, style: str) -> None:
        await self._chats.set_chat_style(chat_id, style)

    async def set_time_limit(self, chat_id: int, seconds: int) -> None:
        await self._chats.set_chat_time_limit(chat_id, seconds)

    async def set_lang(self, chat_id: int, lang: str | None) -> None:
        """None: follow each user's Telegram language again."""
        await self._chats.set_chat_lang(chat_id, lang)

    async def set_mode(self, chat_id: int, mode: QuizMode) -> None:
        await self._chats.set_chat_mode(chat_id, mode)

    async def set_live_seconds(self, chat_id: int, seconds: int) -> None:
        await self._chats.set_chat_live_seconds(chat_id, seconds)

    async def set_exam(self, chat_id: int, on: bool) -> None:
        await self._chats.set_chat_exam(chat_id, on)

    async def set_starters(self, chat_id: int, starters: str) -> None:
        await self._chats.set_starters(chat_id, starters)
