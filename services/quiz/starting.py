"""Starting a quiz: the command's arguments, the start checks, and the new row."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from i18n import tr
from services import chat_settings, quotas
from services.context import Services
from services.errors import UserFacingError
from services.quiz import generation
from services.quiz.presenter import Presenter
from storage import QuizAlreadyOpenError

log = logging.getLogger(__name__)

MIN_QUESTIONS = 1
MAX_TOPIC_LENGTH = 200


@dataclass(frozen=True, slots=True)
class QuizCommand:
    """A parsed `/quiz [N] topic…`."""

    requested: int | None
    topic: str


def parse_quiz_args(args: Sequence[str]) -> QuizCommand:
    words = list(args)
    requested: int | None = None
    if words and words[0].lstrip("+-").isdigit():
        requested = int(words.pop(0))
    return QuizCommand(requested, " ".join(words).strip()[:MAX_TOPIC_LENGTH])


def clamp_questions(requested: int | None, default: int, maximum: int) -> tuple[int, bool]:
    if requested is None:
        return default, False
    n = max(MIN_QUESTIONS, min(requested, maximum))
    return n, n != requested


async def start_quiz(
    ui: Presenter,
    svc: Services,
    *,
    chat_id: int,
    chat_type: str,
    thread_id: int | None,
    user_id: int,
    message_id: int,
    lang: str,
    command: QuizCommand,
    request_key: str | None = None,
) -> None:
    """Create the quiz, have the model write it, and post the questions.

    `request_key` identifies the request when it is not a command message (a button tap), so
    that a re-delivered update is a no-op.
    """
    key = request_key or f"{chat_id}:{message_id}"
    # Who may start, the cooldown and the daily limits, before anything reaches the model.
    await quotas.check_start(
        ui,
        svc,
        chat_id=chat_id,
        chat_type=chat_type,
        thread_id=thread_id,
        user_id=user_id,
        lang=lang,
        request_key=key,
    )
    settings = svc.settings
    if (
        not command.topic
        and not settings.vector_store_id
        and not await svc.repo.has_ready_documents(chat_id)
    ):
        raise UserFacingError("quiz_usage", chat_id=chat_id, lang=lang, thread_id=thread_id)
    n, clamped = clamp_questions(
        command.requested, settings.default_questions, settings.max_questions
    )
    style = (await chat_settings.effective(svc, chat_id)).style
    try:
        quiz = await svc.repo.create_quiz(
            chat_id=chat_id,
            thread_id=thread_id or 0,
            chat_type=chat_type,
            starter_id=user_id,
            # The command message identifies the request: a re-delivered /quiz is a no-op.
            request_key=key,
            topic=command.topic,
            num_questions=n,
            style=style,
            lang=lang,
            now=svc.clock(),
        )
    except QuizAlreadyOpenError:
        raise UserFacingError(
            "already_open", chat_id=chat_id, lang=lang, thread_id=thread_id
        ) from None
    if quiz is None:
        log.info("Ignoring a re-delivered /quiz in chat %s", chat_id)
        return

    text = tr(lang, "generating", n=n, topic=escape(command.topic or "📄"))
    if clamped:
        text += "\n" + tr(lang, "clamped", low=MIN_QUESTIONS, high=settings.max_questions, n=n)
    status_message_id = await ui.status(quiz, text)
    await svc.repo.set_status_message(quiz.id, status_message_id)
    async with ui.typing(quiz):
        await generation.generate(ui, svc, quiz, status_message_id)
