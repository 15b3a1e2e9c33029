"""A chat's own settings (/style, /timelimit, /lang, /starters), each None until chosen."""

from __future__ import annotations

from dataclasses import dataclass

from storage.store import Store

# Who may start quizzes in a group.
ANYONE = "anyone"
ADMINS = "admins"
STARTERS = (ANYONE, ADMINS)


@dataclass(frozen=True, slots=True)
class ChatSettingsRow:
    """What the chat chose; None where it never did (services.chat_settings fills defaults)."""

    style: str | None = None
    time_limit: int | None = None
    lang: str | None = None
    starters: str | None = None
    mode: str | None = None
    live_seconds: int | None = None
    exam: bool | None = None


class ChatStore(Store):
    async def chat_settings(self, chat_id: int) -> ChatSettingsRow:
        row = await self._one(
            "SELECT quiz_style, time_limit, lang, starters, quiz_mode, live_seconds, exam"
            " FROM chat_settings WHERE chat_id = ?",
            (chat_id,),
        )
        if row is None:
            return ChatSettingsRow()
        return ChatSettingsRow(
            row["quiz_style"],
            row["time_limit"],
            row["lang"],
            row["starters"],
            row["quiz_mode"],
            row["live_seconds"],
            None if row["exam"] is None else bool(row["exam"]),
        )

    async def set_chat_style(self, chat_id: int, style: str) -> None:
        await self._write(
            "INSERT INTO chat_settings (chat_id, quiz_style) VALUES (?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET quiz_style = excluded.quiz_style",
            (chat_id, style),
        )

    async def set_chat_time_limit(self, chat_id: int, seconds: int | None) -> None:
        await self._write(
            "INSERT INTO chat_settings (chat_id, time_limit) VALUES (?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET time_limit = excluded.time_limit",
            (chat_id, seconds),
        )

    async def set_chat_lang(self, chat_id: int, lang: str | None) -> None:
        """None: follow each user's Telegram language again."""
        await self._write(
            "INSERT INTO chat_settings (chat_id, lang) VALUES (?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET lang = excluded.lang",
            (chat_id, lang),
        )

    async def set_chat_mode(self, chat_id: int, mode: str) -> None:
        await self._write(
            "INSERT INTO chat_settings (chat_id, quiz_mode) VALUES (?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET quiz_mode = excluded.quiz_mode",
            (chat_id, mode),
        )

    async def set_chat_live_seconds(self, chat_id: int, seconds: int) -> None:
        await self._write(
            "INSERT INTO chat_settings (chat_id, live_seconds) VALUES (?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET live_seconds = excluded.live_seconds",
            (chat_id, seconds),
        )

    async def set_chat_exam(self, chat_id: int, on: bool) -> None:
        await self._write(
            "INSERT INTO chat_settings (chat_id, exam) VALUES (?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET exam = excluded.exam",
            (chat_id, int(on)),
        )

    async def set_starters(self, chat_id: int, starters: str) -> None:
        await self._write(
            "INSERT INTO chat_settings (chat_id, starters) VALUES (?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET starters = excluded.starters",
            (chat_id, starters),
        )
