"""Posting: the quiz's header (with a group's rules) and every question not yet sent."""

from __future__ import annotations

from html import escape

from telegram.constants import PollLimit

from i18n import tr
from quiz.results import clock
from services.context import Services
from services.quiz import deadlines
from services.quiz.common import is_group
from services.quiz.presenter import Presenter
from storage import QuizRow


async def announce(
    ui: Presenter,
    svc: Services,
    quiz: QuizRow,
    title: str,
    n: int,
    status_message_id: int | None,
) -> None:
    """Turn the "writing…" status into the quiz's header (with the group's rules)."""
    ready = tr(quiz.lang, "quiz_ready", title=escape(title), n=n)
    group = is_group(quiz)
    if group:
        deadline = await deadlines.set_group_rules(ui, svc, quiz)
        ready += "\n" + tr(quiz.lang, "group_rules", time=clock(deadline - svc.clock()))
    await ui.header(quiz, ready, status_message_id=status_message_id, finish_button=group)


def poll_close_date(svc: Services, quiz: QuizRow) -> int | None:
    """Telegram's own countdown, where the remaining time is within what it accepts."""
    if quiz.deadline is None:
        return None
    remaining = quiz.deadline - svc.clock()
    if PollLimit.MIN_OPEN_PERIOD <= remaining <= PollLimit.MAX_OPEN_PERIOD:
        return int(quiz.deadline)
    return None


async def post_questions(ui: Presenter, svc: Services, quiz_id: int) -> None:
    """Send every question not sent yet; each message id is stored before the next send."""
    quiz = await svc.repo.quiz(quiz_id)
    if quiz is None or not quiz.is_open:
        return
    stored = await svc.repo.questions(quiz_id)
    # While streaming, fewer are stored than the quiz will have.
    total = max(len(stored), quiz.num_questions)
    close_date = poll_close_date(svc, quiz)
    for sq in stored:
        if sq.message_id is not None:
            continue
        posted = await ui.question(quiz, sq, total, close_date)
        await svc.repo.set_question_message(quiz_id, sq.index, posted.message_id, posted.poll_id)
