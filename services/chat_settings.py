"""A chat's effective settings: what it chose, else the bot's defaults — decided here only."""

from __future__ import annotations

from dataclasses import dataclass

from i18n import catalogues
from quiz.states import QuizMode
from services.context import Services
from storage.chats import ANYONE


@dataclass(frozen=True, slots=True)
class ChatSettings:
    style: str  # poll or keyboard (QUIZ_STYLE unless /style chose)
    time_limit: int  # seconds a group quiz runs (QUIZ_TIME_LIMIT unless /timelimit chose)
    lang: str | None  # the /lang choice; None: each user's Telegram language
    starters: str  # who may start quizzes in a group (anyone unless /starters chose)
    mode: QuizMode = QuizMode.ALL  # what /quiz plays (all at once unless /mode chose)
    live_seconds: int = 30  # a live game's seconds per question (QUIZ_LIVE_SECONDS, /seconds)
    exam: bool = False  # group polls hide the votes until the quiz ends (off unless /exam on)


async def effective(svc: Services, chat_id: int) -> ChatSettings:
    chosen = await svc.repo.chats.chat_settings(chat_id)
    return ChatSettings(
        style=chosen.style or svc.settings.quiz_style,
        time_limit=chosen.time_limit or svc.settings.quiz_time_limit,
        # A catalogue removed since the choice was stored falls back like an unset one.
        lang=chosen.lang if chosen.lang in catalogues() else None,
        starters=chosen.starters or ANYONE,
        mode=QuizMode(chosen.mode or QuizMode.ALL),
        live_seconds=chosen.live_seconds or svc.settings.quiz_live_seconds,
        exam=bool(chosen.exam),
    )


async def set_style(svc: Services, chat_id: int, style: str) -> None:
    await svc.repo.chats.set_chat_style(chat_id, style)


async def set_time_limit(svc: Services, chat_id: int, seconds: int) -> None:
    await svc.repo.chats.set_chat_time_limit(chat_id, seconds)


async def set_lang(svc: Services, chat_id: int, lang: str | None) -> None:
    """None: follow each user's Telegram language again."""
    await svc.repo.chats.set_chat_lang(chat_id, lang)


async def set_mode(svc: Services, chat_id: int, mode: QuizMode) -> None:
    await svc.repo.chats.set_chat_mode(chat_id, mode)


async def set_live_seconds(svc: Services, chat_id: int, seconds: int) -> None:
    await svc.repo.chats.set_chat_live_seconds(chat_id, seconds)


async def set_exam(svc: Services, chat_id: int, on: bool) -> None:
    await svc.repo.chats.set_chat_exam(chat_id, on)


async def set_starters(svc: Services, chat_id: int, starters: str) -> None:
    await svc.repo.chats.set_starters(chat_id, starters)
