"""/review: a quiz of the person's due study cards written afresh by the model (or, when
nothing is due, when the next card is and which topic is weakest). The "Review my mistakes"
offer after a quiz's feedback is services/study_cards.py's."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

from telegram.constants import ChatType

from i18n import tr
from quiz import reminder_times
from services import learning, reminders
from services.context import Services
from services.quiz import starting
from services.quiz.telegram_presenter import TelegramPresenter
from services.start_request import QuizCommand, StartRequest


async def start_review(ui: TelegramPresenter, svc: Services, req: StartRequest) -> None:
    """A quiz of the person's due cards, written afresh; or why there is none."""
    chat_id, thread_id, user_id, lang = req.chat_id, req.thread_id, req.user_id, req.lang
    if req.chat_type != ChatType.PRIVATE:
        await ui.review_in_private(chat_id, thread_id, lang)
        return
    store, now = svc.repo.cards, svc.clock()
    cards = await store.due_cards(user_id, now, svc.settings.max_questions)
    if not cards:
        await _nothing_due(ui, svc, chat_id, user_id, lang)
        return
    await store.create_review(req.key, user_id, [c.id for c in cards], now)
    # The same path as /quiz: who may start, cooldown and quotas apply to reviews too.
    command = QuizCommand(len(cards), tr(lang, "review_topic"))
    await starting.start_quiz(ui, svc, replace(req, command=command))


async def _nothing_due(
    ui: TelegramPresenter, svc: Services, chat_id: int, user_id: int, lang: str
) -> None:
    store = svc.repo.cards
    upcoming = await store.next_due(user_id)
    if upcoming is None:
        await ui.no_cards(chat_id, lang)
        return
    # The person's own clock: the /remind zone if they ever set one, else UTC (and said so).
    row = await reminders.reminder(svc, user_id)
    zone = row.zone if row is not None else "UTC"
    tz = reminder_times.parse_zone(zone) or UTC
    when = learning.when_due(lang, upcoming, svc.clock(), tz)
    text = tr(lang, "review_nothing_due", when=when, zone=zone)
    weakest = await store.weakest_topics(user_id, 1)
    if weakest:
        text += "\n" + tr(lang, "review_weakest", topic=weakest[0][0])
    await ui.nothing_due(chat_id, text, lang, weakest_button=bool(weakest))
