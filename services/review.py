"""/review: a quiz of the person's due study cards written afresh by the model (or, when
nothing is due, when the next card is and which topic is weakest). The "Review my mistakes"
offer after a quiz's feedback is services/study_cards.py's.

`Reviews` is built once in the composition root (services/wiring.py) with what it uses: the
cards' store, the reminders (the person's zone), the chat messages, the clock, one setting,
and the way a quiz starts (`start`, the same path as /quiz)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC
from typing import Protocol

from telegram.constants import ChatType

from i18n import tr
from quiz import reminder_times
from services import learning
from services.reminders import Reminders
from services.start_request import QuizCommand, StartRequest
from storage.cards import CardStore

# Starts a quiz for a request: who may start, cooldown and quotas apply.
StartQuiz = Callable[[StartRequest], Awaitable[None]]


class ReviewMessages(Protocol):
    """What /review shows when it starts no quiz (services/chat_messages.py's ChatMessages)."""

    async def review_in_private(self, chat_id: int, thread_id: int | None, lang: str) -> None: ...

    async def no_cards(self, chat_id: int, lang: str) -> None: ...

    async def nothing_due(
        self, chat_id: int, text: str, lang: str, *, weakest_button: bool
    ) -> None: ...


class Reviews:
    def __init__(
        self,
        *,
        cards: CardStore,
        reminders: Reminders,
        ui: ReviewMessages,
        start: StartQuiz,
        clock: Callable[[], float],
        max_questions: int,
    ) -> None:
        self._cards = cards
        self._reminders = reminders
        self._ui = ui
        self._start = start
        self._clock = clock
        # A review quiz re-tests at most this many cards (MAX_QUESTIONS).
        self._max_questions = max_questions

    async def start(self, req: StartRequest) -> None:
        """A quiz of the person's due cards, written afresh; or why there is none."""
        chat_id, thread_id, user_id, lang = req.chat_id, req.thread_id, req.user_id, req.lang
        if req.chat_type != ChatType.PRIVATE:
            await self._ui.review_in_private(chat_id, thread_id, lang)
            return
        store, now = self._cards, self._clock()
        cards = await store.due_cards(user_id, now, self._max_questions)
        if not cards:
            await self._nothing_due(chat_id, user_id, lang)
            return
        await store.create_review(req.key, user_id, [c.id for c in cards], now)
        # The same path as /quiz: who may start, cooldown and quotas apply to reviews too.
        command = QuizCommand(len(cards), tr(lang, "review_topic"))
        await self._start(replace(req, command=command))

    async def _nothing_due(self, chat_id: int, user_id: int, lang: str) -> None:
        store = self._cards
        upcoming = await store.next_due(user_id)
        if upcoming is None:
            await self._ui.no_cards(chat_id, lang)
            return
        # The person's own clock: the /remind zone if they ever set one, else UTC (and said
        # so).
        row = await self._reminders.reminder(user_id)
        zone = row.zone if row is not None else "UTC"
        tz = reminder_times.parse_zone(zone) or UTC
        when = learning.when_due(lang, upcoming, self._clock(), tz)
        text = tr(lang, "review_nothing_due", when=when, zone=zone)
        weakest = await store.weakest_topics(user_id, 1)
        if weakest:
            text += "\n" + tr(lang, "review_weakest", topic=weakest[0][0])
        await self._ui.nothing_due(chat_id, text, lang, weakest_button=bool(weakest))
