"""The quiz's way in: the start (with its quotas), the writing, the checks, the posting."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from services.context import Services
from services.offers import Offers
from services.presenter import Presenter
from services.quiz.generation import QuizWriter
from services.quiz.posting import QuizPosting
from services.quiz.starting import QuizOpening
from services.quiz.streaming import StreamParts
from services.quiz.verify import QuizChecks
from services.quotas import QuotaLimits, StartQuotas
from services.wiring.closing import Chosen, ClosingStages
from services.wiring.common import clock_of
from storage.documents import DocumentRow


@dataclass(frozen=True, slots=True)
class OpeningFeatures:
    """The quiz's way in: the start (with its checks), the writing, the posting."""

    opening: QuizOpening
    quotas: StartQuotas
    writer: QuizWriter
    posting: QuizPosting
    checks: QuizChecks
    offers: Offers


def build_opening(
    svc: Services,
    ui: Presenter,
    *,
    way_out: ClosingStages,
    chat_settings: Chosen,
    documents_arriving: Callable[[int], bool],
    chat_documents: Callable[[int], Awaitable[list[DocumentRow]]],
) -> OpeningFeatures:
    """The way in, handing a quiz to the way out (deadlines, live steps, the close) once it
    is posted."""
    repo, settings, clock = svc.repo, svc.settings, clock_of(svc)
    posting = QuizPosting(
        quizzes=repo.quizzes,
        questions=repo.questions,
        ui=ui,
        clock=clock,
        group_rules=way_out.deadlines.set_group_rules,
        live_advance=way_out.live.advance,
    )
    checks = QuizChecks(
        engine=svc.engine, quizzes=repo.quizzes, rng=svc.rng, enabled=settings.quiz_verify
    )
    writer = _quiz_writer(svc, ui, posting, checks, way_out)
    quotas = StartQuotas(
        usage=repo.usage,
        quizzes=repo.quizzes,
        ui=ui,
        chat_settings=chat_settings,
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
        chat_settings=chat_settings,
        documents_arriving=documents_arriving,
        chat_documents=chat_documents,
        clock=clock,
        default_questions=settings.default_questions,
        max_questions=settings.max_questions,
        vector_store_id=settings.vector_store_id,
    )
    offers = Offers(memory=repo.chat_memory, clock=clock)
    return OpeningFeatures(opening, quotas, writer, posting, checks, offers)


def _quiz_writer(
    svc: Services, ui: Presenter, posting: QuizPosting, checks: QuizChecks, way_out: ClosingStages
) -> QuizWriter:
    """The writing of a quiz, whole or streamed (each question posted as it comes)."""
    repo, clock = svc.repo, clock_of(svc)
    streams = StreamParts(
        ui=ui,
        quizzes=repo.quizzes,
        questions=repo.questions,
        engine=svc.engine,
        posting=posting,
        events=svc.events,
        writing=svc.writing,
        locks=svc.locks,
        all_done=way_out.answers.all_done,
        finish=way_out.closing.finish,
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
        model_request=way_out.requests.of,
        write_lease=way_out.leases.write,
        clock=clock,
        rng=svc.rng,
        stream=svc.settings.openai_stream,
    )
