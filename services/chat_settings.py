"""A chat's effective settings: what it chose, else the bot's defaults — decided here only."""

from __future__ import annotations

from dataclasses import dataclass

from i18n import catalogues
from services.context import Services
from storage.chats import ANYONE


@dataclass(frozen=True, slots=True)
class ChatSettings:
    style: str  # poll or keyboard (QUIZ_STYLE unless /style chose)
    time_limit: int  # seconds a group quiz runs (QUIZ_TIME_LIMIT unless /timelimit chose)
    lang: str | None  # the /lang choice; None: each user's Telegram language
    starters: str  # who may start quizzes in a group (anyone unless /starters chose)


async def effective(svc: Services, chat_id: int) -> ChatSettings:
    chosen = await svc.repo.chat_settings(chat_id)
    return ChatSettings(
        style=chosen.style or svc.settings.quiz_style,
        time_limit=chosen.time_limit or svc.settings.quiz_time_limit,
        # A catalogue removed since the choice was stored falls back like an unset one.
        lang=chosen.lang if chosen.lang in catalogues() else None,
        starters=chosen.starters or ANYONE,
    )
