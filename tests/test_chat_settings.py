"""A chat's effective settings: its own choice, else the configured default."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from services import chat_settings
from services.context import Services
from settings import Settings
from storage import Repository
from storage.chats import ADMINS, ANYONE
from tests.lifecycle import ScriptedEngine


@pytest.fixture
async def svc() -> AsyncIterator[Services]:
    repo = await Repository.open(":memory:")
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": "t",
            "OPENAI_API_KEY": "k",
            "QUIZ_STYLE": "keyboard",
            "QUIZ_TIME_LIMIT": "90",
        }
    )
    yield Services(settings, repo, ScriptedEngine({}))
    await repo.close()


async def test_a_chat_that_chose_nothing_gets_the_defaults(svc: Services) -> None:
    assert await chat_settings.effective(svc, 1) == chat_settings.ChatSettings(
        style="keyboard", time_limit=90, lang=None, starters=ANYONE
    )


async def test_each_choice_overrides_only_its_own_default(svc: Services) -> None:
    await svc.repo.chats.set_chat_style(1, "poll")
    await svc.repo.chats.set_chat_lang(1, "ko")
    assert await chat_settings.effective(svc, 1) == chat_settings.ChatSettings(
        style="poll", time_limit=90, lang="ko", starters=ANYONE
    )
    await svc.repo.chats.set_chat_time_limit(1, 60)
    await svc.repo.chats.set_starters(1, ADMINS)
    chosen = await chat_settings.effective(svc, 1)
    assert (chosen.time_limit, chosen.starters) == (60, ADMINS)


async def test_a_language_no_longer_shipped_falls_back_to_the_users(svc: Services) -> None:
    await svc.repo.chats.set_chat_lang(1, "xx")
    assert (await chat_settings.effective(svc, 1)).lang is None
