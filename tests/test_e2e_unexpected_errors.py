"""An error no handler expected: the person hears once that something went wrong on our
side (never what), and the log keeps the traceback."""

from __future__ import annotations

import logging

import pytest

from fakes.telegram_server import Chat, FakeTelegram, User
from i18n import tr
from tests.conftest import BotFactory

ANN = User(81, "Ann", language_code="en")
PRIVATE = Chat(81, "private")
GROUP = Chat(-100810, "supergroup", title="Errors")
# A Telegram refusal our code does not expect (a translation with a broken tag would do it).
BROKEN = "can't parse entities: Can't find end tag corresponding to start tag \"b\""


def texts(tg: FakeTelegram, chat_id: int) -> list[str]:
    return [
        str(c.params["text"])
        for c in tg.calls_of("sendMessage")
        if c.ok and c.params.get("chat_id") == chat_id
    ]


async def test_a_failing_command_gets_the_internal_error_once(
    tg: FakeTelegram, make_bot: BotFactory, caplog: pytest.LogCaptureFixture
) -> None:
    async with make_bot():
        tg.fail("sendMessage", description=BROKEN)
        tg.user_sends(PRIVATE, ANN, "/help")
        await tg.wait_for(
            "sendMessage", predicate=lambda c: c.params["text"] == tr("en", "internal_error")
        )
        # Nothing else is on its way: the error is reported once.
        tg.user_sends(PRIVATE, ANN, "/style")
        await tg.wait_for("sendMessage", predicate=lambda c: "poll" in c.params["text"])
    assert texts(tg, PRIVATE.id).count(tr("en", "internal_error")) == 1
    assert not any("parse entities" in t or "Traceback" in t for t in texts(tg, PRIVATE.id))
    [logged] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert logged.exc_info is not None
    tg.rejections.clear()
    tg.violations[:] = [v for v in tg.violations if "parse entities" not in v]


async def test_a_failing_button_answers_the_tap_with_the_internal_error(
    tg: FakeTelegram, make_bot: BotFactory, caplog: pytest.LogCaptureFixture
) -> None:
    async with make_bot():
        tg.user_sends(GROUP, ANN, "/lang")
        [picker] = await tg.wait_for("sendMessage")
        # Who may change a group's language is asked of Telegram, which fails unexpectedly.
        tg.fail("getChatMember", description="PARTICIPANT_ID_INVALID")
        tg.user_presses(ANN, GROUP.id, picker.result["message_id"], "lang:ko")
        [answer] = await tg.wait_for("answerCallbackQuery")
    assert answer.ok and answer.params["text"] == tr("en", "internal_error")
    assert tr("en", "internal_error") not in texts(tg, GROUP.id)
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1
    tg.rejections.clear()
    tg.violations[:] = [v for v in tg.violations if "PARTICIPANT_ID_INVALID" not in v]
