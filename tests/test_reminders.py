"""Reminders, Reviews and Learning as the composition root builds them: real stores and real
durable timers over the test's database, a recording chat, a clock moved by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from telegram.error import Forbidden

from quiz import spacing
from quiz.reminder_times import next_reminder, parse_zone
from services.learning import Learning
from services.reminders import REMINDER, Reminders, timer_name
from services.timers import Timers
from storage import Repository
from storage.cards import NewCard
from tests.conftest import DATABASES, chosen_database

ANN, BOB = 1, 2
# 2026-05-03 09:00 UTC: 18:00 in Seoul.
T0 = datetime(2026, 5, 3, 9, 0, tzinfo=UTC).timestamp()
SEOUL = "Asia/Seoul"
SEVEN_PM = 19 * 60
# QUIZ_MAX_QUESTIONS's default.
MAX_QUESTIONS = 10


@pytest.fixture(params=DATABASES)
def database(request: pytest.FixtureRequest) -> str | None:
    """Every test of this module runs on both databases: their transactions differ."""
    return chosen_database(request)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@dataclass
class RecordingChat:
    """The reminders' and /review's messages, as sent; `blocked` answers as Telegram does
    for a user who blocked the bot."""

    calls: list[tuple[str, Any]] = field(default_factory=list)
    blocked: bool = False

    async def reminder(self, chat_id: int, text: str, button: str) -> None:
        if self.blocked:
            raise Forbidden("Forbidden: bot was blocked by the user")
        self.calls.append(("reminder", (chat_id, text, button)))

    async def review_in_private(self, chat_id: int, thread_id: int | None, lang: str) -> None:
        self.calls.append(("review_in_private", chat_id))

    async def no_cards(self, chat_id: int, lang: str) -> None:
        self.calls.append(("no_cards", chat_id))

    async def nothing_due(
        self, chat_id: int, text: str, lang: str, *, weakest_button: bool
    ) -> None:
        self.calls.append(("nothing_due", (text, weakest_button)))


def features(
    repo: Repository, chat: RecordingChat, clock: Clock
) -> tuple[Reminders, Learning, Timers]:
    timers = Timers(repo.timers, "worker-1", clock)
    reminders = Reminders(
        reminders=repo.reminders,
        cards=repo.cards,
        timers=timers,
        ui=chat,
        clock=clock,
        max_questions=MAX_QUESTIONS,
    )
    return reminders, Learning(cards=repo.cards, reminders=reminders), timers


async def add_cards(repo: Repository, user_id: int, due: float, n: int, topic: str) -> None:
    """`n` wrong answers of one quiz: cards due at `due`."""
    quiz_id = 100 + user_id
    state = spacing.review(None, False, T0 - 86400, 1)
    new = [
        NewCard(
            user_id=user_id,
            chat_id=user_id,
            quiz_id=quiz_id,
            question_idx=i,
            topic=topic,
            text=f"Question {i}?",
            choices=("a", "b"),
            answer_index=0,
            explanation="Because.",
            source_file=None,
            source_quote=None,
            at=T0 - 86400,
            correct=False,
            fsrs=state.state_json,
            due=due,
            rating=state.rating,
            log=state.log_json,
        )
        for i in range(n)
    ]
    assert await repo.cards.record(quiz_id, new, [])


async def test_a_reminder_is_armed_at_the_local_time_and_disabled_with_its_timer(
    open_repo: Repository,
) -> None:
    clock = Clock()
    reminders, _, timers = features(open_repo, RecordingChat(), clock)
    await reminders.set_reminder(ANN, ANN, SEVEN_PM, SEOUL, "en")
    seoul = parse_zone(SEOUL)
    assert seoul is not None
    assert await timers.due(timer_name(ANN)) == next_reminder(T0, SEVEN_PM, seoul) == T0 + 3600
    row = await reminders.reminder(ANN)
    assert row is not None and row.enabled and row.zone == SEOUL
    await reminders.disable_reminder(ANN)
    assert await timers.due(timer_name(ANN)) is None
    row = await reminders.reminder(ANN)
    assert row is not None and not row.enabled


async def test_remind_writes_once_a_day_only_when_cards_are_due_and_arms_the_next(
    open_repo: Repository,
) -> None:
    clock, chat = Clock(), RecordingChat()
    reminders, _, timers = features(open_repo, chat, clock)
    await reminders.set_reminder(ANN, ANN, SEVEN_PM, SEOUL, "en")
    await reminders.set_reminder(BOB, BOB, SEVEN_PM, SEOUL, "en")
    await add_cards(open_repo, ANN, T0, 2, "cells")
    clock.now = T0 + 3600
    await reminders.remind(ANN)
    await reminders.remind(BOB)  # nothing due: no message
    [(chat_id, text, button)] = [details for name, details in chat.calls if name == "reminder"]
    assert chat_id == ANN and "2" in text and "2" in button
    # The next one is tomorrow's, for both.
    assert await timers.due(timer_name(ANN)) == T0 + 3600 + 86400
    assert await timers.due(timer_name(BOB)) == T0 + 3600 + 86400
    # Fired again the same local day (another worker's retry): no second message.
    assert not await reminders.send_reminder(ANN)
    assert len(chat.calls) == 1


async def test_a_user_who_blocked_the_bot_has_reminders_switched_off(
    open_repo: Repository,
) -> None:
    clock, chat = Clock(), RecordingChat(blocked=True)
    reminders, _, _ = features(open_repo, chat, clock)
    await reminders.set_reminder(ANN, ANN, SEVEN_PM, SEOUL, "en")
    await add_cards(open_repo, ANN, T0, 1, "cells")
    clock.now = T0 + 3600
    assert not await reminders.send_reminder(ANN)
    row = await reminders.reminder(ANN)
    assert row is not None and not row.enabled


async def test_at_start_every_stored_reminder_gets_its_timer(open_repo: Repository) -> None:
    clock = Clock()
    reminders, _, timers = features(open_repo, RecordingChat(), clock)
    # Stored by a process without timers (or whose timers were lost).
    await open_repo.reminders.set_reminder(ANN, ANN, SEVEN_PM, SEOUL, "en")
    await open_repo.reminders.set_reminder(BOB, BOB, 8 * 60, "+09:00", "en")
    assert await reminders.arm_reminders() == 2
    assert await timers.due(timer_name(ANN)) == T0 + 3600
    assert await timers.due(timer_name(BOB)) == T0 + 14 * 3600
    # Restored, not moved: a timer still to come stays as it is.
    await timers.arm(timer_name(ANN), REMINDER, ANN, T0 + 60)
    assert await reminders.arm_reminders() == 2
    assert await timers.due(timer_name(ANN)) == T0 + 60


async def test_learning_forgets_a_person_s_cards_and_their_reminder_timer(
    open_repo: Repository,
) -> None:
    reminders, learning, timers = features(open_repo, RecordingChat(), Clock())
    await reminders.set_reminder(ANN, ANN, SEVEN_PM, SEOUL, "en")
    await add_cards(open_repo, ANN, T0, 2, "cells")
    await add_cards(open_repo, BOB, T0, 1, "atoms")
    assert await learning.weakest_topic(ANN) == "cells"
    assert await learning.forget(ANN) >= 2
    assert await timers.due(timer_name(ANN)) is None
    assert await learning.weakest_topic(ANN) is None
    assert await learning.weakest_topic(BOB) == "atoms"
