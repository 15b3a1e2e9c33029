"""The composition root of the features that follow the quiz lifecycle: which feature listens
to which stage (services/events.py), and what runs when a durable timer is due
(services/timers.py). bot.py's post_init calls `wire` once, with the one presenter the
process shows chats through and the function that runs a task beside the updates (the
Application's create_task)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from services import chat_settings, documents, reminders
from services.context import Services, install_opening
from services.errors import UserFacingError
from services.events import AnswersRecorded
from services.offers import Offers
from services.presenter import Presenter
from services.quiz import answers, closing, common, deadlines, live
from services.quiz.common import DEADLINE, LIVE_STEP
from services.quiz.generation import QuizWriter
from services.quiz.posting import QuizPosting
from services.quiz.starting import QuizOpening
from services.quiz.streaming import StreamParts
from services.quiz.telegram_presenter import TelegramPresenter
from services.quiz.verify import QuizChecks
from services.quotas import QuotaLimits, StartQuotas
from services.study_cards import StudyCards
from services.timers import Callback
from storage.documents import DocumentRow

Spawn = Callable[[Coroutine[Any, Any, None]], object]


def wire(svc: Services, ui: TelegramPresenter, spawn: Spawn, bot_data: dict[Any, Any]) -> None:
    async def live_moves_on(event: AnswersRecorded) -> None:
        # Inside the answer writer: only a (cached) read per quiz of the batch; checking
        # whether everyone answered, and posting the next question, run as tasks of their
        # own, so one chat's game never holds up another chat's answers.
        for quiz_id, index in dict.fromkeys((a.quiz_id, a.index) for a in event.answers):
            quiz = await svc.repo.quizzes.quiz(quiz_id)
            if quiz is not None and quiz.is_live:
                spawn(live.answered(ui, svc, quiz, index))

    svc.events.subscribe(AnswersRecorded, live_moves_on)
    # The way every feature will go: a small object built here with exactly the stores,
    # presenter, clock and settings it uses, which subscribes itself to its stages.
    repo = svc.repo
    StudyCards(
        cards=repo.cards,
        quizzes=repo.quizzes,
        questions=repo.questions,
        answers=repo.answers,
        ui=ui,
        # Looked up at each call: tests move the services' clock.
        clock=lambda: svc.clock(),
        max_questions=svc.settings.max_questions,
    ).subscribe(svc.events)

    if svc.timers is not None:
        timers = svc.timers
        timers.on(DEADLINE, _told(ui, lambda key: deadlines.deadline_reached(ui, svc, key)))
        timers.on(LIVE_STEP, _told(ui, lambda key: live.step(ui, svc, key)))
        timers.on(reminders.REMINDER, _told(ui, lambda key: reminders.remind(ui, svc, key)))
    opening = build_opening(svc, ui)
    install_opening(bot_data, opening.opening, opening.offers)


def _told(ui: TelegramPresenter, callback: Callback) -> Callback:
    """A timer's callback whose user-facing error (the feedback failed: try again) is told
    to the chat, as the error handler tells a handler's; the timer is then done. Anything
    else makes the timer try again later (services/timers.py)."""

    async def run(key: int) -> None:
        try:
            await callback(key)
        except UserFacingError as exc:
            await ui.error(exc)

    return run


@dataclass(frozen=True, slots=True)
class OpeningFeatures:
    """The quiz's way in: the start (with its checks), the writing, the posting."""

    opening: QuizOpening
    quotas: StartQuotas
    writer: QuizWriter
    posting: QuizPosting
    checks: QuizChecks
    offers: Offers


def build_opening(svc: Services, ui: Presenter) -> OpeningFeatures:
    repo, settings = svc.repo, svc.settings

    def clock() -> float:
        # Looked up at each call: tests move the services' clock.
        return svc.clock()

    posting = QuizPosting(
        quizzes=repo.quizzes,
        questions=repo.questions,
        ui=ui,
        clock=clock,
        group_rules=lambda quiz: deadlines.set_group_rules(ui, svc, quiz),
        live_advance=lambda quiz_id: live.advance(ui, svc, quiz_id),
    )
    checks = QuizChecks(
        engine=svc.engine, quizzes=repo.quizzes, rng=svc.rng, enabled=settings.quiz_verify
    )
    writer = _quiz_writer(svc, ui, posting, checks, clock)
    quotas = StartQuotas(
        usage=repo.usage,
        quizzes=repo.quizzes,
        ui=ui,
        chat_settings=lambda chat_id: chat_settings.effective(svc, chat_id),
        clock=clock,
        limits=QuotaLimits.of(settings),
    )
    opening = QuizOpening(
        quizzes=repo.quizzes,
        documents=repo.documents,
        memory=repo.chat_memory,
        ui=ui,
        quotas=quotas,
        writer=writer,
        chat_settings=lambda chat_id: chat_settings.effective(svc, chat_id),
        documents_arriving=lambda chat_id: bool(svc.adding_documents.get(chat_id)),
        chat_documents=lambda chat_id: _chat_documents(svc, chat_id),
        clock=clock,
        default_questions=settings.default_questions,
        max_questions=settings.max_questions,
        vector_store_id=settings.vector_store_id,
    )
    offers = Offers(memory=repo.chat_memory, clock=clock)
    return OpeningFeatures(opening, quotas, writer, posting, checks, offers)


async def _chat_documents(svc: Services, chat_id: int) -> list[DocumentRow]:
    """The chat's documents, their indexing state asked again where it was unknown."""
    return await documents.refresh(svc, await documents.chat_documents(svc, chat_id))


def _quiz_writer(
    svc: Services,
    ui: Presenter,
    posting: QuizPosting,
    checks: QuizChecks,
    clock: Callable[[], float],
) -> QuizWriter:
    """The writing of a quiz, whole or streamed (each question posted as it comes)."""
    repo = svc.repo
    streams = StreamParts(
        ui=ui,
        quizzes=repo.quizzes,
        questions=repo.questions,
        engine=svc.engine,
        posting=posting,
        events=svc.events,
        writing=svc.writing,
        locks=svc.locks,
        all_done=lambda quiz: answers.all_done(svc, quiz),
        finish=lambda quiz_id, status: closing.finish_quiz(ui, svc, quiz_id, status),
        clock=clock,
        rng=svc.rng,
    )
    return QuizWriter(
        quizzes=repo.quizzes,
        engine=svc.engine,
        ui=ui,
        posting=posting,
        checks=checks,
        streams=streams,
        writing=svc.writing,
        events=svc.events,
        model_request=lambda quiz: common.model_request(svc, quiz),
        write_lease=lambda quiz_id: common.write_lease(svc, quiz_id),
        clock=clock,
        rng=svc.rng,
        stream=svc.settings.openai_stream,
    )
