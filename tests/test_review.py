"""/review's `Reviews` as the composition root builds it: real stores over the test's database,
a recording chat, and the quiz start it is given (the requests it passes on)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from services.review import Reviews
from services.start_request import StartRequest
from storage import Repository
from tests.conftest import DATABASES, chosen_database
from tests.test_reminders import (
    ANN,
    MAX_QUESTIONS,
    SEOUL,
    T0,
    Clock,
    RecordingChat,
    add_cards,
    features,
)


@pytest.fixture(params=DATABASES)
def database(request: pytest.FixtureRequest) -> str | None:
    """Every test of this module runs on both databases: their transactions differ."""
    return chosen_database(request)


def request(chat_id: int, chat_type: str = "private") -> StartRequest:
    return StartRequest(
        chat_id=chat_id,
        chat_type=chat_type,
        thread_id=None,
        user_id=ANN,
        message_id=7,
        key=f"{chat_id}:review:7",
        lang="en",
    )


@dataclass
class Starts:
    """The quiz start Reviews is given: as the real one does, it creates the quiz under the
    request's key (that is how the review's cards find their quiz)."""

    repo: Repository
    clock: Clock
    requests: list[StartRequest] = field(default_factory=list)
    quiz_ids: dict[str, int] = field(default_factory=dict)

    async def __call__(self, req: StartRequest) -> None:
        self.requests.append(req)
        quiz = await self.repo.quizzes.create_quiz(
            chat_id=req.chat_id,
            thread_id=0,
            chat_type=req.chat_type,
            starter_id=req.user_id,
            request_key=req.key,
            topic=req.command.topic,
            num_questions=req.command.requested or 0,
            style="poll",
            lang=req.lang,
            now=self.clock(),
        )
        assert quiz is not None
        self.quiz_ids[req.key] = quiz.id


def reviews(repo: Repository, chat: RecordingChat, clock: Clock) -> tuple[Reviews, Starts]:
    started = Starts(repo, clock)
    reminders, _, _ = features(repo, chat, clock)
    built = Reviews(
        cards=repo.cards,
        reminders=reminders,
        ui=chat,
        start=started,
        clock=clock,
        max_questions=MAX_QUESTIONS,
    )
    return built, started


async def test_a_review_quiz_of_the_due_cards_goes_the_way_every_quiz_starts(
    open_repo: Repository,
) -> None:
    chat = RecordingChat()
    review, started = reviews(open_repo, chat, Clock())
    await add_cards(open_repo, ANN, T0 - 60, MAX_QUESTIONS + 2, "cells")
    await review.start(request(ANN))
    [req] = started.requests
    # At most QUIZ_MAX_QUESTIONS cards, each re-tested by the quiz the request starts.
    assert req.command.requested == MAX_QUESTIONS and req.key == f"{ANN}:review:7"
    retested = await open_repo.cards.review_of_quiz(started.quiz_ids[req.key])
    assert [c.text for c in retested] == [f"Question {i}?" for i in range(MAX_QUESTIONS)]
    assert chat.calls == []


async def test_a_review_in_a_group_points_to_the_private_chat(open_repo: Repository) -> None:
    chat = RecordingChat()
    review, started = reviews(open_repo, chat, Clock())
    await add_cards(open_repo, ANN, T0 - 60, 2, "cells")
    await review.start(request(-50, "supergroup"))
    assert started.requests == [] and chat.calls == [("review_in_private", -50)]


async def test_nothing_due_says_when_on_the_person_s_clock_and_offers_the_weakest_topic(
    open_repo: Repository,
) -> None:
    chat, clock = RecordingChat(), Clock()
    review, started = reviews(open_repo, chat, clock)
    await review.start(request(ANN))
    assert chat.calls == [("no_cards", ANN)]
    chat.calls.clear()
    await add_cards(open_repo, ANN, T0 + 3600, 1, "cells")
    await open_repo.reminders.set_reminder(ANN, ANN, 19 * 60, SEOUL, "en")
    await review.start(request(ANN))
    [(name, (text, weakest_button))] = chat.calls
    assert name == "nothing_due" and weakest_button and started.requests == []
    # 10:00 UTC is 19:00 in Seoul, the /remind zone.
    assert "today at 19:00" in text and SEOUL in text and "cells" in text
