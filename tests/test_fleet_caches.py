"""What one worker remembers must not hide what another wrote: quiz rows are read afresh on
a shared database, and a close waits for a model call streaming in another worker. Two
Repository connections to one database file stand for two workers; the database's dialect
is what selects the shared behaviour."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from quiz.states import QuizState
from storage import Repository
from tests.harness import RunningBot


@pytest.fixture
async def two_workers(tmp_path: Path) -> AsyncIterator[tuple[Repository, Repository]]:
    path = tmp_path / "shared.sqlite3"
    first, second = await Repository.open(path), await Repository.open(path)
    yield first, second
    await first.close()
    await second.close()


async def new_quiz(repo: Repository, key: str) -> int:
    quiz = await repo.quizzes.create_quiz(
        chat_id=-100,
        thread_id=0,
        chat_type="supergroup",
        starter_id=1,
        request_key=key,
        topic="cells",
        num_questions=3,
        style="poll",
        lang="en",
        now=0.0,
    )
    assert quiz is not None
    return quiz.id


async def test_a_quiz_another_worker_changed_is_read_as_it_is_now(
    two_workers: tuple[Repository, Repository],
) -> None:
    writer, reader = two_workers
    quiz_id = await new_quiz(writer, "a")
    assert (await reader.quizzes.quiz(quiz_id)).state == QuizState.GENERATING  # type: ignore[union-attr]
    await writer.quizzes.set_state(quiz_id, QuizState.CANCELLED)
    # One process on SQLite remembers the row: nobody else writes it.
    assert (await reader.quizzes.quiz(quiz_id)).state == QuizState.GENERATING  # type: ignore[union-attr]
    # As if it were PostgreSQL: the read goes to the database.
    reader._db.dialect = "postgresql"  # type: ignore[misc]
    assert (await reader.quizzes.quiz(quiz_id)).state == QuizState.CANCELLED  # type: ignore[union-attr]


async def test_a_close_waits_for_the_model_writing_in_another_worker(
    bot: RunningBot, tmp_path: Path
) -> None:
    svc = bot.services
    other = await Repository.open(svc.settings.database_path)
    try:
        quiz_id = await new_quiz(other, "b")
        # Another worker's stream has posted the first questions and is still writing.
        assert await other.quizzes.open_writing(quiz_id, "Cells", 0.0)
        # This worker's own calls are no help: the call streams elsewhere.
        assert not svc.writing.is_writing(quiz_id)
        svc.writing.shared = True  # as a fleet worker (services/fleet.py)
        waiting = asyncio.create_task(svc.writing.ended(quiz_id))
        await asyncio.sleep(1.0)
        assert not waiting.done()
        await other.quizzes.finish_writing(quiz_id)
        async with asyncio.timeout(5):
            await waiting
    finally:
        await other.close()
