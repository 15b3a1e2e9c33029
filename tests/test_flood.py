"""The bookkeeping behind the command limits: token buckets and recent info replies."""

from __future__ import annotations

import pytest

from services.flood import CommandLimiter, RecentReplies, Verdict
from settings import ConfigError, Settings

DEFAULTS = Settings.from_env({"TELEGRAM_BOT_TOKEN": "t", "OPENAI_API_KEY": "k"})


def limiter() -> CommandLimiter:
    s = DEFAULTS
    return CommandLimiter(
        s.user_command_burst,
        s.user_commands_per_minute,
        s.chat_command_burst,
        s.chat_commands_per_minute,
    )


def test_a_burst_then_one_notice_then_silence_until_the_bucket_refills() -> None:
    limits = limiter()
    burst = DEFAULTS.user_command_burst
    verdicts = [limits.admit(1, -5, 0.0).verdict for _ in range(burst + 5)]
    assert verdicts == [Verdict.RUN] * burst + [Verdict.NOTICE] + [Verdict.DROP] * 4
    wait = limits.admit(1, -5, 0.0).wait
    assert wait == pytest.approx(60 / DEFAULTS.user_commands_per_minute)
    # Once a token is back the command runs, and the next flood is told again.
    assert limits.admit(1, -5, wait).verdict is Verdict.RUN
    assert limits.admit(1, -5, wait).verdict is Verdict.NOTICE


def test_the_chat_bucket_limits_many_people_and_tells_the_chat_once() -> None:
    limits = limiter()
    people = range(100, 100 + DEFAULTS.chat_command_burst)
    assert all(limits.admit(p, -5, 0.0).verdict is Verdict.RUN for p in people)
    first = limits.admit(1, -5, 0.0)
    assert (first.verdict, first.scope) == (Verdict.NOTICE, "chat")
    assert limits.admit(2, -5, 0.0).verdict is Verdict.DROP
    # Another chat has its own bucket.
    assert limits.admit(3, -6, 0.0).verdict is Verdict.RUN


def test_zero_per_minute_turns_a_bucket_off() -> None:
    limits = CommandLimiter(1, 0, 1, 0)
    assert all(limits.admit(1, -5, 0.0).verdict is Verdict.RUN for _ in range(100))


def test_idle_buckets_are_forgotten() -> None:
    limits = limiter()
    for user in range(1000):
        limits.admit(user, user, 0.0)
    assert len(limits.users) == 1000
    # An hour later every bucket is full again: new ones sweep them away as the table grows.
    for user in range(5000, 5100):
        limits.admit(user, user, 3600.0)
    assert len(limits.users) <= 100 and len(limits.chats) <= 100


def test_an_info_reply_is_skipped_while_recent_unless_something_happened() -> None:
    replies = RecentReplies(30)
    assert replies.first(-5, "help", 0.0)
    assert not replies.first(-5, "help", 10.0)
    assert replies.first(-6, "help", 10.0)
    assert replies.first(-5, "docs", 10.0)
    assert replies.first(-5, "help", 31.0)
    replies.forget(-5)
    assert replies.first(-5, "help", 32.0)
    assert RecentReplies(0).first(-5, "help", 0.0) and RecentReplies(0).first(-5, "help", 0.0)


def test_expired_info_replies_are_forgotten() -> None:
    replies = RecentReplies(30)
    for chat in range(1000):
        replies.first(chat, "help", 0.0)
    for chat in range(5000, 5100):
        replies.first(chat, "help", 100.0)
    assert len(replies) <= 100


def test_the_limits_are_settings() -> None:
    base = {"TELEGRAM_BOT_TOKEN": "t", "OPENAI_API_KEY": "k"}
    s = Settings.from_env({**base, "USER_COMMANDS_PER_MINUTE": "0", "INFO_REPLY_SECONDS": "5"})
    assert (s.user_commands_per_minute, s.info_reply_seconds) == (0, 5)
    assert Settings.from_env(base).chat_command_burst == DEFAULTS.chat_command_burst
    with pytest.raises(ConfigError, match="USER_COMMAND_BURST"):
        Settings.from_env({**base, "USER_COMMAND_BURST": "0"})
