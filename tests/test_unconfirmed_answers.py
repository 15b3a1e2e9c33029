"""Answers kept unconfirmed until their sender's membership verdict, through the answer
writer on a real database (both): nothing counts them before a member's verdict, which
moves them in once; anyone else's are dropped; a verdict after the close counts nothing."""

from __future__ import annotations

import pytest

from quiz.states import SubmissionStatus
from services.events import AnswersRecorded, EventBus
from services.quiz.answer_batch import AnswerResult, AnswerWriter
from storage import Repository
from storage.answers import NewAnswer, Verdict
from tests.conftest import DATABASES, chosen_database
from tests.test_storage import QUIZ

ANN, BO = 7, 8


@pytest.fixture(params=DATABASES)
def database(request: pytest.FixtureRequest) -> str | None:
    return chosen_database(request)


async def open_group_quiz(repo: Repository, members: int) -> int:
    row = await repo.quizzes.create_quiz(
        chat_id=-1,
        thread_id=0,
        chat_type="supergroup",
        starter_id=ANN,
        request_key="-1:1",
        topic="t",
        num_questions=2,
        style="poll",
        lang="en",
        now=1.0,
    )
    assert row is not None
    assert await repo.quizzes.open_quiz(row.id, QUIZ, [(1, 0), (0, 1, 2)], ["poll", "poll"], 2.0)
    # Complete once everyone but the bot has answered everything.
    await repo.quizzes.set_closing_rules(row.id, None, members)
    return row.id


def answer(quiz_id: int, user: int, index: int, *, confirmed: bool = True) -> NewAnswer:
    return NewAnswer(quiz_id, index, user, f"user {user}", 0, 3.0 + index, confirmed)


async def test_unconfirmed_answers_count_only_once_a_member_verdict_moves_them_in(
    open_repo: Repository,
) -> None:
    repo = open_repo
    quiz_id = await open_group_quiz(repo, 2)
    events = EventBus()
    recorded: list[AnswersRecorded] = []

    async def note(event: AnswersRecorded) -> None:
        recorded.append(event)

    events.subscribe(AnswersRecorded, note)
    writer = AnswerWriter(repo, events)
    held = [await writer.record(answer(quiz_id, BO, i, confirmed=False)) for i in (0, 1)]
    assert held == [(AnswerResult.SAVED, False)] * 2
    # Stored, yet nothing that counts answers sees them.
    assert await repo.answers.answer_count(quiz_id) == 0
    assert await repo.answers.of_quiz(quiz_id) == []
    assert not recorded
    # Delivered again while waiting: kept once.
    assert await writer.record(answer(quiz_id, BO, 0, confirmed=False)) == (
        AnswerResult.DUPLICATE,
        False,
    )
    # The verdict moves both in, and (one member besides the bot) completes the quiz.
    assert await writer.record(Verdict(quiz_id, BO, True)) == (AnswerResult.SAVED, True)
    assert [(a.user_id, a.question_index) for a in await repo.answers.of_quiz(quiz_id)] == [
        (BO, 0),
        (BO, 1),
    ]
    assert [(a.user_id, a.index) for a in recorded[0].answers] == [(BO, 0), (BO, 1)]
    assert (await repo.answers.participant_names(quiz_id)) == {BO: f"user {BO}"}
    # A re-delivery after the verdict is no second answer, and a second verdict no event.
    assert (await writer.record(answer(quiz_id, BO, 1, confirmed=False)))[0] is not (
        AnswerResult.SAVED
    )
    assert await writer.record(Verdict(quiz_id, BO, True)) == (AnswerResult.DUPLICATE, False)
    assert await repo.answers.answer_count(quiz_id) == 2
    assert len(recorded) == 1
    assert await repo.answers.unconfirmed() == []


async def test_an_outsiders_answers_are_dropped_and_a_late_verdict_counts_nothing(
    open_repo: Repository,
) -> None:
    repo = open_repo
    quiz_id = await open_group_quiz(repo, 3)
    writer = AnswerWriter(repo)
    await writer.record(answer(quiz_id, ANN, 0, confirmed=False))
    await writer.record(answer(quiz_id, BO, 0, confirmed=False))
    assert await repo.answers.unconfirmed() == [(quiz_id, ANN), (quiz_id, BO)]
    assert await writer.record(Verdict(quiz_id, ANN, False)) == (AnswerResult.DUPLICATE, False)
    assert await repo.answers.unconfirmed() == [(quiz_id, BO)]
    # The quiz closes before Bo's verdict: his answer no longer counts, and is forgotten.
    assert await repo.quizzes.begin_submission(quiz_id, SubmissionStatus.STOPPED, 5.0)
    assert await writer.record(Verdict(quiz_id, BO, True)) == (AnswerResult.DUPLICATE, False)
    assert await repo.answers.answer_count(quiz_id) == 0
    assert await repo.answers.unconfirmed() == []
