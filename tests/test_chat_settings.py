"""A chat's effective settings: its own choice, else the configured default."""

from __future__ import annotations

from quiz.states import QuizMode
from services.chat_settings import ChatSettings, EffectiveSettings
from storage import Repository
from storage.chats import ADMINS, ANYONE


def chat_settings(repo: Repository) -> ChatSettings:
    # Not the bot's defaults (poll, 300 s, 30 s): a default must come from here.
    return ChatSettings(chats=repo.chats, style="keyboard", time_limit=90, live_seconds=20)


async def test_a_chat_that_chose_nothing_gets_the_defaults(open_repo: Repository) -> None:
    assert await chat_settings(open_repo).effective(1) == EffectiveSettings(
        style="keyboard", time_limit=90, lang=None, starters=ANYONE, live_seconds=20
    )


async def test_each_choice_overrides_only_its_own_default(open_repo: Repository) -> None:
    chosen = chat_settings(open_repo)
    await chosen.set_style(1, "poll")
    await chosen.set_lang(1, "ko")
    assert await chosen.effective(1) == EffectiveSettings(
        style="poll", time_limit=90, lang="ko", starters=ANYONE, live_seconds=20
    )
    await chosen.set_time_limit(1, 60)
    await chosen.set_starters(1, ADMINS)
    await chosen.set_mode(1, QuizMode.LIVE)
    await chosen.set_live_seconds(1, 45)
    await chosen.set_exam(1, True)
    now = await chosen.effective(1)
    assert (now.time_limit, now.starters, now.mode, now.live_seconds, now.exam) == (
        60,
        ADMINS,
        QuizMode.LIVE,
        45,
        True,
    )
    # Another chat's choices are its own.
    assert (await chosen.effective(2)).style == "keyboard"


async def test_a_language_no_longer_shipped_falls_back_to_the_users(open_repo: Repository) -> None:
    await open_repo.chats.set_chat_lang(1, "xx")
    assert (await chat_settings(open_repo).effective(1)).lang is None
