"""The composition root: every long-lived feature object is built here, once, from the
shared infrastructure in `Services` (stores, engine, timers, locks, clock, settings) and
given exactly what it uses (`compose`); then the features are attached: which one follows
which lifecycle stage (services/events.py), what runs when a durable timer is due
(services/timers.py), and what handlers reach as `context.<name>` (`wire`). bot.py's
post_init calls `wire` once, with the one presenter the process shows chats through and the
function that runs a task beside the updates (the Application's create_task).

One module per slice builds its objects. The way in and the way out of a quiz call each
other: the way out is built first and reaches the way in through `Later`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.context import Services, install_features
from services.menu import HelpFacts
from services.presenter import Presenter
from services.quiz.common import DEADLINE, LIVE_STEP, ModelRequests
from services.quiz.telegram_presenter import TelegramPresenter
from services.quiz.unconfirmed import UnconfirmedAnswers
from services.reminders import REMINDER
from services.study_cards import StudyCards
from services.wiring.admin import AdminFeatures, build_admin
from services.wiring.closing import ClosingStages, closing_stages
from services.wiring.common import Later, Spawn, clock_of, told
from services.wiring.docs import DocsFeatures, build_docs
from services.wiring.learning import StudyFeatures, build_learning
from services.wiring.opening import OpeningFeatures, build_opening

__all__ = ["Features", "compose", "wire"]


@dataclass(frozen=True, slots=True)
class Features:
    study: StudyFeatures
    admin: AdminFeatures
    docs: DocsFeatures
    way_out: ClosingStages
    way_in: OpeningFeatures
    cards: StudyCards
    unconfirmed: UnconfirmedAnswers


def compose(
    svc: Services, ui: TelegramPresenter, *, stages_ui: Presenter | None = None
) -> Features:
    """Every feature object, built once; nothing subscribed or registered yet. The quiz
    stages show chats through `stages_ui` when given (tests record what they show)."""
    way_in: Later[OpeningFeatures] = Later()
    study = build_learning(svc, ui, start=lambda req: way_in.get().opening.start(req))
    admin = build_admin(svc, ui, study.learning)
    docs = build_docs(
        svc,
        ui,
        chat_settings=admin.chat_settings,
        check_start=lambda req: way_in.get().quotas.check_start(req),
        open_and_post=lambda quiz, parsed: way_in.get().writer.open_and_post(quiz, parsed, None),
        start=lambda req: way_in.get().opening.start(req),
    )
    requests = ModelRequests(
        stores=docs.documents.quiz_stores,
        review_of=study.learning.review_request,
        language=lambda quiz: way_in.get().checks.quiz_language(quiz),
        passages=docs.local.passages,
    )
    way_out = closing_stages(
        svc,
        stages_ui or ui,
        chat_settings=admin.chat_settings.effective,
        requests=requests,
        extras=docs.board.feedback_extras,
        post_questions=lambda quiz_id: way_in.get().posting.post_questions(quiz_id),
        start_waiting=lambda: docs.waiting.quizzes.start_waiting(None, restarted=True),
        recover_documents=docs.recovery.recover,
    )
    way_in.set(
        build_opening(
            svc,
            stages_ui or ui,
            way_out=way_out,
            chat_settings=admin.chat_settings.effective,
            documents_arriving=docs.waiting.is_adding,
            chat_documents=docs.documents.refreshed,
        )
    )
    cards = StudyCards(
        cards=svc.repo.cards,
        quizzes=svc.repo.quizzes,
        questions=svc.repo.questions,
        answers=svc.repo.answers,
        ui=ui,
        clock=clock_of(svc),
        max_questions=svc.settings.max_questions,
    )
    unconfirmed = UnconfirmedAnswers(
        answers=svc.repo.answers,
        quizzes=svc.repo.quizzes,
        writer=svc.answer_writer,
        participants=svc.participants,
        bot=ui.bot,
        clock=clock_of(svc),
    )
    return Features(study, admin, docs, way_out, way_in.get(), cards, unconfirmed)


def wire(svc: Services, ui: TelegramPresenter, spawn: Spawn, bot_data: dict[Any, Any]) -> None:
    """Build the features, attach them to the stages and timers, and install what handlers
    reach."""
    f = compose(svc, ui)
    f.cards.subscribe(svc.events)
    f.way_out.live.subscribe(svc.events, spawn)
    if svc.timers is not None:
        svc.timers.on(DEADLINE, told(ui, f.way_out.deadlines.reached))
        svc.timers.on(LIVE_STEP, told(ui, f.way_out.live.step))
        svc.timers.on(REMINDER, told(ui, f.study.reminders.remind))
    _install(svc, f, bot_data)


def _install(svc: Services, f: Features, bot_data: dict[Any, Any]) -> None:
    """What handlers reach as `context.<name>`."""
    out, docs, admin, study = f.way_out, f.docs, f.admin, f.study
    settings = svc.settings
    install_features(
        bot_data,
        participants=svc.participants,
        unconfirmed=f.unconfirmed,
        clock=clock_of(svc),
        help_facts=HelpFacts(
            settings.default_questions, settings.max_questions, settings.quiz_verify
        ),
        opening=f.way_in.opening,
        offers=f.way_in.offers,
        closing=out.closing,
        quiz_lookup=out.lookup,
        quiz_answers=out.answers,
        membership=out.membership,
        recovery=out.recovery,
        documents=docs.documents,
        waiting=docs.waiting,
        photos=docs.photos,
        library=docs.library,
        quiz_files=docs.quiz_files,
        learning=study.learning,
        reviews=study.reviews,
        reminders=study.reminders,
        chat_settings=admin.chat_settings,
        stats=admin.stats,
        security=admin.security,
        chat_lines=admin.chat_lines,
    )
