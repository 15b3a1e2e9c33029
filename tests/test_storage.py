"""The repository on a real SQLite file."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from quiz.model import Question, Quiz
from quiz.states import QuizState, SubmissionStatus
from storage import QuizAlreadyOpenError, Repository
from storage.migrations import MIGRATIONS

QUIZ = Quiz("t", (Question("q0", ("a", "b"), 1, "e"), Question("q1", ("a", "b", "c"), 2, "e")))


@pytest.fixture
async def repo(tmp_path: Path) -> AsyncIterator[Repository]:
    r = await Repository.open(tmp_path / "db" / "quiz.sqlite3")
    yield r
    await r.close()


async def new_quiz(repo: Repository, key: str = "1:1", chat: int = 1) -> int:
    row = await repo.create_quiz(
        chat_id=chat,
        thread_id=0,
        chat_type="private",
        starter_id=7,
        request_key=key,
        topic="t",
        num_questions=2,
        style="poll",
        lang="en",
        now=1.0,
    )
    assert row is not None
    return row.id


async def test_migrations_run_once_and_record_the_version(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    first = await Repository.open(path)
    assert await first.schema_version() == len(MIGRATIONS)
    await first.close()
    again = await Repository.open(path)
    assert await again.schema_version() == len(MIGRATIONS)
    await again.close()


async def test_one_live_quiz_per_chat_and_duplicate_requests(repo: Repository) -> None:
    quiz_id = await new_quiz(repo)
    assert (
        await repo.create_quiz(
            chat_id=1,
            thread_id=0,
            chat_type="private",
            starter_id=7,
            request_key="1:1",
            topic="t",
            num_questions=2,
            style="poll",
            lang="en",
            now=1.0,
        )
        is None
    )
    with pytest.raises(QuizAlreadyOpenError) as info:
        await new_quiz(repo, key="1:2")
    assert info.value.quiz.id == quiz_id
    # Another chat is independent.
    await new_quiz(repo, key="2:1", chat=2)


async def test_answers_are_unique_and_only_while_open(repo: Repository) -> None:
    quiz_id = await new_quiz(repo)
    assert not await repo.record_answer(quiz_id, 0, 7, 1, 2.0)  # still generating
    assert await repo.open_quiz(quiz_id, QUIZ, [(1, 0), (0, 1, 2)], ["poll", "keyboard"], 2.0)
    await repo.set_question_message(quiz_id, 0, 10, "poll-1")
    assert await repo.record_answer(quiz_id, 0, 7, 1, 3.0)
    assert not await repo.record_answer(quiz_id, 0, 7, 0, 4.0)
    found = await repo.question_for_poll("poll-1")
    assert found is not None and found[1].order == (1, 0) and found[1].message_id == 10
    assert [a.choice_index for a in await repo.answers(quiz_id)] == [1]
    assert await repo.begin_submission(quiz_id, SubmissionStatus.STOPPED, 5.0)
    assert not await repo.record_answer(quiz_id, 1, 7, 0, 6.0)


async def test_only_one_closer_wins_a_race(repo: Repository) -> None:
    quiz_id = await new_quiz(repo)
    await repo.open_quiz(quiz_id, QUIZ, [(0, 1), (0, 1, 2)], ["poll", "poll"], 2.0)
    results = await asyncio.gather(
        *(repo.begin_submission(quiz_id, s, 3.0) for s in SubmissionStatus)
    )
    assert sorted(results) == [False, False, True]


async def test_cancelled_quiz_cannot_open(repo: Repository) -> None:
    quiz_id = await new_quiz(repo)
    assert await repo.set_state(quiz_id, QuizState.CANCELLED, only_from=(QuizState.GENERATING,))
    assert not await repo.open_quiz(quiz_id, QUIZ, [(0, 1), (0, 1, 2)], ["poll", "poll"], 2.0)
    assert await repo.questions(quiz_id) == []


async def test_names_follow_the_latest_display_name(repo: Repository) -> None:
    quiz_id = await new_quiz(repo)
    await repo.open_quiz(quiz_id, QUIZ, [(0, 1), (0, 1, 2)], ["poll", "poll"], 2.0)
    await repo.save_user(7, "Old", 1.0)
    await repo.record_answer(quiz_id, 0, 7, 1, 3.0)
    await repo.save_user(7, "New", 2.0)
    assert await repo.participant_names(quiz_id) == {7: "New"}
