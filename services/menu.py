"""The `/` command menu Telegram shows, per chat kind and per language, from the catalogues."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from telegram.error import TelegramError

from i18n import DEFAULT_LANGUAGE, catalogues, tr

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HelpFacts:
    """The settings /help states: the quiz lengths, and whether answer keys are checked."""

    default_questions: int
    max_questions: int
    quiz_verify: bool


# Each command's description is the catalogue's `cmd_<command>`.
PRIVATE_COMMANDS = (
    "quiz",
    "live",
    "review",
    "stats",
    "myquizzes",
    "play",
    "export",
    "remind",
    "stop",
    "style",
    "lang",
    "help",
    "forgetme",
)
GROUP_COMMANDS = (
    "quiz",
    "live",
    "review",
    "stats",
    "play",
    "stop",
    "style",
    "timelimit",
    "exam",
    "mode",
    "seconds",
    "starters",
    "lang",
    "help",
    "forgetme",
)


def commands(lang: str, names: tuple[str, ...]) -> list[BotCommand]:
    return [BotCommand(name, tr(lang, f"cmd_{name}")) for name in names]


async def publish_commands(bot: Bot) -> None:
    """setMyCommands for private chats and groups, once per catalogue.

    The default catalogue's menu is set without a language code, so users whose language has
    no catalogue get it too.
    """
    scopes = (
        (BotCommandScopeAllPrivateChats(), PRIVATE_COMMANDS),
        (BotCommandScopeAllGroupChats(), GROUP_COMMANDS),
    )
    try:
        for lang in sorted(catalogues()):
            code = None if lang == DEFAULT_LANGUAGE else lang
            for scope, names in scopes:
                await bot.set_my_commands(commands(lang, names), scope=scope, language_code=code)
    except TelegramError as exc:
        # The menu is a convenience: the bot works without it, so don't stop the start.
        log.warning("Command menu not published: %s", exc)
