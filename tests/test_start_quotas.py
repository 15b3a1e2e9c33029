"""The start checks and the topic offers as objects of their own, over a real database: what
each is given in its constructor is all it uses."""

from __future__ import annotations

import pytest

from fakes.quizdata import quiz_args
from quiz.states import QuizState
from services.errors import UserFacingError
from services.offers import Offers
from services.quotas import QuotaLimits, StartQuotas
from services.start_request import QuizCommand, StartRequest
from storage import Repository
from storage.chats import ADMINS
from tests.lifecycle import RecordingPresenter, ScriptedEngine, features
from tests.test_lifecycle import ANN, BOB, GROUP, NOW, settings
from tests.test_lifecycle import services as lifecycle_services

CHAT = -30


def request(key: str, user: int = ANN) -> StartRequest:
    return StartRequest(
        chat_id=CHAT,
        chat_type="supergroup",
        thread_id=None,
        user_id=user,
        message_id=1,
        key=key,
        lang="en",
        command=QuizCommand(None, "cells"),
    )


def quotas(repo: Repository, ui: RecordingPresenter, clock: list[float]) -> StartQuotas:
    svc = lifecycle_services(repo, ScriptedEngine(quiz_args(1)))
    return StartQuotas(
        usage=repo.usage,
        quizzes=repo.quizzes,
        ui=ui,
        chat_settings=features(svc, ui).admin.chat_settings.effective,
        clock=lambda: clock[0],
        # The defaults a user gets: a 30 s cooldown, 20 quizzes a day per person, …
        limits=QuotaLimits.of(settings()),
    )


async def started(repo: Repository, key: str, now: float, user: int = ANN) -> None:
    """A quiz of the chat that was played to its end."""
    quiz = await repo.quizzes.create_quiz(
        chat_id=CHAT,
        thread_id=0,
        chat_type="supergroup",
        starter_id=user,
        request_key=key,
        topic="cells",
        num_questions=1,
        style="poll",
        lang="en",
        now=now,
    )
    assert quiz is not None
    await repo.quizzes.set_state(quiz.id, QuizState.DONE)


async def refusal(check: StartQuotas, req: StartRequest) -> UserFacingError:
    with pytest.raises(UserFacingError) as caught:
        await check.check_start(req)
    return caught.value


async def test_the_cooldown_follows_the_clock_it_was_given(open_repo: Repository) -> None:
    clock = [NOW]
    check = quotas(open_repo, RecordingPresenter(), clock)
    await check.check_start(request("a"))
    await started(open_repo, "a", NOW)

    refused = await refusal(check, request("b"))
    assert refused.key == "cooldown" and refused.values["seconds"] == 30
    # The request already seen passes: the quiz flow answers a re-delivered update itself.
    await check.check_start(request("a"))
    clock[0] = NOW + 30
    await check.check_start(request("b"))


async def test_only_admins_start_where_the_chat_says_so(open_repo: Repository) -> None:
    ui = RecordingPresenter(admins={BOB})
    check = quotas(open_repo, ui, [NOW])
    await open_repo.chats.set_starters(CHAT, ADMINS)
    assert (await refusal(check, request("a", ANN))).key == "starters_admins_only"
    await check.check_start(request("b", BOB))


async def test_the_reservation_carries_the_daily_limits_of_the_day(
    open_repo: Repository,
) -> None:
    check = quotas(open_repo, RecordingPresenter(), [NOW])
    limits = check.start_limits(NOW + 5)
    defaults = settings()
    assert limits.since == NOW - NOW % (24 * 3600)
    assert limits.user_per_day == defaults.user_quizzes_per_day
    assert limits.chat_per_day == defaults.chat_quizzes_per_day
    assert limits.user_running == defaults.user_running_quizzes


async def test_an_offer_keeps_its_topic_for_its_own_chat(open_repo: Repository) -> None:
    offers = Offers(memory=open_repo.chat_memory, clock=lambda: NOW)
    offer = await offers.offer_topic(GROUP, f"{GROUP}:7", "mitochondria")
    assert offer is not None
    # A re-delivered message makes no second offer.
    assert await offers.offer_topic(GROUP, f"{GROUP}:7", "mitochondria") is None
    assert await offers.offered_topic(offer, GROUP) == "mitochondria"
    assert await offers.offered_topic(offer, GROUP - 1) is None
