"""English: reviews, reminders and /stats."""

from __future__ import annotations

TEXTS: dict[str, str | dict[str, str]] = {
    "cmd_review": "Review my due cards, written afresh",
    "cmd_stats": "My learning at a glance (chart)",
    "cmd_remind": "Daily review reminder: /remind 19:00 [zone]",
    "review_topic": "review",
    "review_button": "🔁 Review my mistakes ({n})",
    "review_button_group": "🔁 Review my mistakes",
    "review_offer": {
        "one": "{n} card is due for review: your mistakes come back as new questions.",
        "other": "{n} cards are due for review: your mistakes come back as new questions.",
    },
    "review_offer_group": "{n} of you missed something. Review your mistakes with me in private: the same facts, asked afresh.",
    "review_in_private": "Reviews are personal: tap the button to open your review in a private chat with me.",
    "review_no_cards": "Every question you answer becomes a study card: your mistakes come back as fresh questions, spaced in time. You have no cards yet: start with <code>/quiz 5 topic</code>.",
    "review_nothing_due": "Nothing is due right now. Your next card is due {when} ({zone}).",
    "due_today": "today at {time}",
    "due_tomorrow": "tomorrow at {time}",
    "due_on": "on {date} at {time}",
    "review_weakest": "Meanwhile, a fresh quiz on your weakest topic: {topic}?",
    "weakest_button": "📝 Quiz my weakest topic",
    "reminder": {
        "one": "⏰ {n} card is due for review today.",
        "other": "⏰ {n} cards are due for review today.",
    },
    "remind_usage": "Usage: <code>/remind 19:00 [zone]</code>, zone as a name (<code>Asia/Seoul</code>) or an offset (<code>+09:00</code>); <code>/remind off</code> stops the reminders. At most one a day, only when cards are due.",
    "remind_set": "I'll remind you at {time} ({zone}) on days when cards are due.",
    "remind_off": "Reminders are off.",
    "remind_private": "Reminders are personal: send /remind to me in a private chat.",
    "stats_chart_accuracy": "Accuracy, last 30 days (%)",
    "stats_chart_due": "Cards due, next 14 days",
    "stats_person": "📊 Quizzes: {quizzes} · answers: {answers} · right: {accuracy}%. Study-day streak: {streak}. Due today: {today}, this week: {week}.",
    "stats_weakest": "Weakest topics: {topics}",
    "stats_group_header": "📊 This week in this chat",
    "list_more": {"one": "…and {n} more", "other": "…and {n} more"},
    "stats_nothing": "📊 Nothing to show yet: answer a /quiz and your accuracy and the cards coming due appear here.",
    "stats_group_empty": "No answers this week yet.",
    "stats_most_active": "Most active: {name} ({n} answers)",
    "stats_most_accurate": "Most accurate: {name} ({pct}%)",
}
