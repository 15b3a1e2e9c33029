"""/stats: a PNG chart (services/chart.py, off the event loop) and a short text summary.

`Stats` is built once in the composition root (services/wiring.py) with the two stores it
reads, the chat output it sends the chart through and the clock; handlers reach it as
`context.stats`.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from html import escape

from telegram.constants import MessageLimit

from i18n import tr
from quiz.fitting import fit_lines, shown_length
from services.chart import ChartData, chart_png
from services.chat_messages import ChatMessages
from storage.cards import CardStore
from storage.stats import StatsStore

DAY = 86400.0
HISTORY_DAYS = 30
AHEAD_DAYS = 14
WEEK = 7 * DAY
MAX_QUIZ_LINES = 8


def _day(at: float) -> date:
    return datetime.fromtimestamp(at, UTC).date()


def chart_data(
    answers: Sequence[tuple[float, bool]], due_times: Sequence[float], now: float
) -> ChartData:
    today = _day(now)
    right: Counter[date] = Counter()
    total: Counter[date] = Counter()
    for at, correct in answers:
        total[_day(at)] += 1
        right[_day(at)] += correct
    history = [today - timedelta(days=HISTORY_DAYS - 1 - i) for i in range(HISTORY_DAYS)]
    accuracy = tuple(100.0 * right[d] / total[d] if total[d] else None for d in history)
    due: Counter[int] = Counter()
    for at in due_times:
        due[max(0, (_day(at) - today).days)] += 1
    return ChartData(accuracy, tuple(due[i] for i in range(AHEAD_DAYS)))


def streak(answer_times: Sequence[float], now: float) -> int:
    """Study days in a row, ending today (or yesterday: today may not be over)."""
    days = {_day(at) for at in answer_times}
    day = _day(now)
    if day not in days:
        day -= timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def _pct(right: int, total: int) -> int:
    return round(100 * right / total) if total else 0


def _empty(data: ChartData) -> bool:
    return all(a is None for a in data.accuracy) and not any(data.due)


def _more(lang: str) -> Callable[[int], str]:
    return lambda n: tr(lang, "list_more", n=n)


class Stats:
    def __init__(
        self,
        *,
        stats: StatsStore,
        cards: CardStore,
        ui: ChatMessages,
        clock: Callable[[], float],
    ) -> None:
        self._stats = stats
        self._cards = cards
        self._ui = ui
        self._clock = clock

    async def person_stats(self, user_id: int, lang: str) -> tuple[bytes | None, str]:
        """The chart (None when it would be empty) and its caption."""
        store, cards, now = self._stats, self._cards, self._clock()
        totals = await store.totals(user_id)
        answers = await store.answers_since(user_id, now - HISTORY_DAYS * DAY)
        due_times = await cards.due_times(user_id, now + AHEAD_DAYS * DAY)
        times = await store.answer_times(user_id)
        weakest = await cards.weakest_topics(user_id)
        data = chart_data(answers, due_times, now)
        if totals.answers == 0 and not due_times:
            return None, tr(lang, "stats_nothing")
        png = (
            None
            if _empty(data)
            else await asyncio.to_thread(
                chart_png, data, (tr(lang, "stats_chart_accuracy"), tr(lang, "stats_chart_due"))
            )
        )
        end_of_today = datetime.combine(_day(now) + timedelta(days=1), datetime.min.time(), UTC)
        today_cut = end_of_today.timestamp()
        text = tr(
            lang,
            "stats_person",
            quizzes=totals.quizzes,
            answers=totals.answers,
            accuracy=_pct(totals.correct, totals.answers),
            streak=streak(times, now),
            today=sum(1 for t in due_times if t < today_cut),
            week=sum(1 for t in due_times if t < today_cut + 6 * DAY),
        )
        # Topics are people's words (up to 200 characters each): as many as the caption holds.
        topics = [f"{escape(t)} ({_pct(r, n)}%)" for t, r, n in weakest]
        while topics:
            fuller = text + "\n" + tr(lang, "stats_weakest", topics=", ".join(topics))
            if shown_length(fuller) <= MessageLimit.CAPTION_LENGTH:
                return png, fuller
            topics.pop()
        return png, text

    async def group_stats(self, chat_id: int, lang: str) -> tuple[bytes | None, str]:
        store, now = self._stats, self._clock()
        since = now - WEEK
        members = await store.chat_members_since(chat_id, since)
        quizzes = await store.chat_quizzes_since(chat_id, since)
        lines = [tr(lang, "stats_group_header")]
        if not members:
            lines.append(tr(lang, "stats_group_empty"))
        else:
            active = max(members, key=lambda m: (m.answers, -m.user_id))
            accurate = max(members, key=lambda m: (m.correct / m.answers, m.answers))
            lines.append(tr(lang, "stats_most_active", name=escape(active.name), n=active.answers))
            lines.append(
                tr(
                    lang,
                    "stats_most_accurate",
                    name=escape(accurate.name),
                    pct=_pct(accurate.correct, accurate.answers),
                )
            )
        # The caption has room for a few: the latest quizzes of the week, as many as fit.
        recent = [
            f"• {escape(q.title)}: {_pct(q.correct, q.answers)}%" for q in quizzes[-MAX_QUIZ_LINES:]
        ]
        text = fit_lines(lines, recent, [], MessageLimit.CAPTION_LENGTH, _more(lang))
        # The group chart: the chat's accuracy per day (due cards are personal: none here).
        answers = await store.chat_answers_since(chat_id, now - HISTORY_DAYS * DAY)
        data = chart_data(answers, (), now)
        if _empty(data):
            return None, text
        png = await asyncio.to_thread(
            chart_png, data, (tr(lang, "stats_chart_accuracy"), tr(lang, "stats_chart_due"))
        )
        return png, text

    async def send_stats(
        self,
        *,
        chat_id: int,
        group: bool,
        user_id: int,
        thread_id: int | None,
        lang: str,
    ) -> None:
        if group:
            png, text = await self.group_stats(chat_id, lang)
        else:
            png, text = await self.person_stats(user_id, lang)
        await self._ui.stats(chat_id, thread_id, png, text)
