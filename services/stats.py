"""/stats: a PNG chart (services/chart.py, off the event loop) and a short text summary."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from html import escape

from telegram import Bot
from telegram.constants import ParseMode

from i18n import tr
from services.chart import ChartData, chart_png
from services.context import Services

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


async def person_stats(svc: Services, user_id: int, lang: str) -> tuple[bytes, str]:
    store, cards, now = svc.repo.stats, svc.repo.cards, svc.clock()
    totals = await store.totals(user_id)
    answers = await store.answers_since(user_id, now - HISTORY_DAYS * DAY)
    due_times = await cards.due_times(user_id, now + AHEAD_DAYS * DAY)
    times = await store.answer_times(user_id)
    weakest = await cards.weakest_topics(user_id)
    data = chart_data(answers, due_times, now)
    png = await asyncio.to_thread(
        chart_png, data, (tr(lang, "stats_chart_accuracy"), tr(lang, "stats_chart_due"))
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
    if weakest:
        text += "\n" + tr(
            lang,
            "stats_weakest",
            topics=", ".join(f"{escape(t)} ({_pct(r, n)}%)" for t, r, n in weakest),
        )
    return png, text


async def group_stats(svc: Services, chat_id: int, lang: str) -> tuple[bytes, str]:
    store, now = svc.repo.stats, svc.clock()
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
        # The caption has room for a few: the latest quizzes of the week.
        for q in quizzes[-MAX_QUIZ_LINES:]:
            lines.append(f"• {escape(q.title)}: {_pct(q.correct, q.answers)}%")
    # The group chart: the chat's accuracy per day (due cards are personal: none here).
    answers = await store.chat_answers_since(chat_id, now - HISTORY_DAYS * DAY)
    data = chart_data(answers, (), now)
    png = await asyncio.to_thread(
        chart_png, data, (tr(lang, "stats_chart_accuracy"), tr(lang, "stats_chart_due"))
    )
    return png, "\n".join(lines)


async def send_stats(
    bot: Bot,
    svc: Services,
    *,
    chat_id: int,
    group: bool,
    user_id: int,
    thread_id: int | None,
    lang: str,
) -> None:
    if group:
        png, text = await group_stats(svc, chat_id, lang)
    else:
        png, text = await person_stats(svc, user_id, lang)
    # The text goes along as the caption: notifications and screen readers get it.
    await bot.send_photo(
        chat_id,
        png,
        caption=text,
        parse_mode=ParseMode.HTML,
        message_thread_id=thread_id,
        filename="stats.png",
    )
