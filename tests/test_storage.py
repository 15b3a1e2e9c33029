"""The repository on a real SQLite file."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sqlite3
import sys
from pathlib import Path

import asyncpg
import pytest

from quiz.model import Question, Quiz
from quiz.states import QuizState, SubmissionStatus
from storage import QuizAlreadyOpenError, Repository
from storage.migrations import MIGRATIONS
from tests.conftest import DATABASES, chosen_database

QUIZ = Quiz("t", (Question("q0", ("a", "b"), 1, "e"), Question("q1", ("a", "b", "c"), 2, "e")))


@pytest.fixture(params=DATABASES)
def database(request: pytest.FixtureRequest) -> str | None:
    """Every test of this module that uses the repository runs on both databases."""
    return chosen_database(request)


@pytest.fixture
def repo(open_repo: Repository) -> Repository:
    return open_repo


async def new_quiz(repo: Repository, key: str = "1:1", chat: int = 1) -> int:
    row = await repo.quizzes.create_quiz(
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
        await repo.quizzes.create_quiz(
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
    assert await repo.answers.store_answer(quiz_id, 0, 7, "Ann", 1, 2.0) is None  # still generating
    assert await repo.quizzes.open_quiz(
        quiz_id, QUIZ, [(1, 0), (0, 1, 2)], ["poll", "keyboard"], 2.0
    )
    await repo.questions.set_question_message(quiz_id, 0, 10, "poll-1")
    assert await repo.answers.store_answer(quiz_id, 0, 7, "Ann", 1, 3.0) == (1, 2)
    assert await repo.answers.store_answer(quiz_id, 0, 7, "Ann", 0, 4.0) is None
    found = await repo.polls.question_for_poll("poll-1")
    assert found is not None and found[1].order == (1, 0) and found[1].message_id == 10
    assert [a.choice_index for a in await repo.answers.of_quiz(quiz_id)] == [1]
    assert await repo.quizzes.begin_submission(quiz_id, SubmissionStatus.STOPPED, 5.0)
    assert await repo.answers.store_answer(quiz_id, 1, 7, "Ann", 0, 6.0) is None


async def test_only_one_closer_wins_a_race(repo: Repository) -> None:
    quiz_id = await new_quiz(repo)
    await repo.quizzes.open_quiz(quiz_id, QUIZ, [(0, 1), (0, 1, 2)], ["poll", "poll"], 2.0)
    results = await asyncio.gather(
        *(repo.quizzes.begin_submission(quiz_id, s, 3.0) for s in SubmissionStatus)
    )
    assert sorted(results) == [False, False, True]


async def test_cancelled_quiz_cannot_open(repo: Repository) -> None:
    quiz_id = await new_quiz(repo)
    assert await repo.quizzes.set_state(
        quiz_id, QuizState.CANCELLED, only_from=(QuizState.GENERATING,)
    )
    assert not await repo.quizzes.open_quiz(
        quiz_id, QUIZ, [(0, 1), (0, 1, 2)], ["poll", "poll"], 2.0
    )
    assert await repo.questions.of_quiz(quiz_id) == []


async def test_names_follow_the_latest_display_name(repo: Repository) -> None:
    quiz_id = await new_quiz(repo)
    await repo.quizzes.open_quiz(quiz_id, QUIZ, [(0, 1), (0, 1, 2)], ["poll", "poll"], 2.0)
    await repo.answers.store_answer(quiz_id, 0, 7, "Old", 1, 3.0)
    await repo.answers.store_answer(quiz_id, 1, 7, "New", 0, 4.0)
    assert await repo.answers.participant_names(quiz_id) == {7: "New"}
    # A name stored once is kept by answers that bring the same name.
    await repo.answers.store_answer(quiz_id, 0, 8, "Bo", 0, 5.0)
    await repo.answers.store_answer(quiz_id, 1, 8, "Bo", 0, 6.0)
    assert await repo.answers.participant_names(quiz_id) == {7: "New", 8: "Bo"}


# One transaction is one unit: no other task's statements run inside it.


def committed(path: Path, sql: str) -> list[tuple[object, ...]]:
    """What another connection (another process, or this one after a crash) can read."""
    with contextlib.closing(sqlite3.connect(path)) as other:
        return list(other.execute(sql).fetchall())


async def committed_in(database: str | None, tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    """`committed` on the test's database (SQLite's file, or PostgreSQL's URL)."""
    if database is None:
        return committed(tmp_path / "db" / "quiz.sqlite3", sql)
    other = await asyncpg.connect(database)
    try:
        return [tuple(r) for r in await other.fetch(sql)]
    finally:
        await other.close()


async def test_a_write_waits_for_an_open_transaction(
    repo: Repository, database: str | None, tmp_path: Path
) -> None:
    inside, release = asyncio.Event(), asyncio.Event()

    async def two_statements() -> None:
        async with repo.transaction():
            await repo.chats.set_chat_style(1, "keyboard")
            inside.set()
            await release.wait()
            await repo.chats.set_chat_time_limit(1, 60)

    first = asyncio.create_task(two_statements())
    await asyncio.wait_for(inside.wait(), 5)
    # Another task writes (and commits) while the transaction is between its statements.
    other = asyncio.create_task(repo.chats.set_chat_lang(2, "ko"))
    await asyncio.sleep(0.05)
    assert not other.done(), "a write ran inside another task's transaction"
    assert await committed_in(database, tmp_path, "SELECT chat_id FROM chat_settings") == []
    release.set()
    await asyncio.gather(first, other)
    assert await committed_in(
        database,
        tmp_path,
        "SELECT chat_id, quiz_style, time_limit, lang FROM chat_settings ORDER BY chat_id",
    ) == [
        (1, "keyboard", 60, None),
        (2, None, None, "ko"),
    ]


async def test_an_exception_inside_a_transaction_writes_nothing_of_it(
    repo: Repository, database: str | None, tmp_path: Path
) -> None:
    inside = asyncio.Event()

    async def fails_halfway() -> None:
        async with repo.transaction():
            await repo.chats.set_chat_style(1, "keyboard")
            inside.set()
            await asyncio.sleep(0.05)
            raise LookupError("between the statements")

    failing = asyncio.create_task(fails_halfway())
    await asyncio.wait_for(inside.wait(), 5)
    other = asyncio.create_task(repo.chats.set_chat_lang(2, "ko"))
    with pytest.raises(LookupError):
        await failing
    await other
    # The rollback undid the failed transaction only, not the other task's write.
    assert (await repo.chats.chat_settings(1)).style is None
    assert (await repo.chats.chat_settings(2)).lang == "ko"
    assert await committed_in(database, tmp_path, "SELECT chat_id FROM chat_settings") == [(2,)]


async def test_a_failed_open_quiz_is_not_committed_by_the_next_write(repo: Repository) -> None:
    quiz_id = await new_quiz(repo)
    # One order too few: the questions cannot be stored after the quiz row was updated.
    with pytest.raises(ValueError, match="zip"):
        await repo.quizzes.open_quiz(quiz_id, QUIZ, [(0, 1)], ["poll", "poll"], 2.0)
    await repo.chats.set_chat_style(7, "poll")  # any other task's write commits
    quiz = await repo.quizzes.quiz(quiz_id)
    assert quiz is not None and quiz.state == "generating"
    assert await repo.questions.of_quiz(quiz_id) == []


CRASH_SCRIPT = """
import asyncio, sys
from storage import Repository

async def main() -> None:
    repo = await Repository.open(sys.argv[1])
    async with repo.transaction():
        await repo.chats.set_chat_style(1, "keyboard")
        await repo.chats.set_chat_time_limit(1, 60)
        print("inside", flush=True)
        await asyncio.sleep(60)

asyncio.run(main())
"""


async def test_a_crash_inside_a_transaction_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "quiz.sqlite3"
    await (await Repository.open(path)).close()
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CRASH_SCRIPT,
        str(path),
        stdout=asyncio.subprocess.PIPE,
        cwd=Path(__file__).parent.parent,
    )
    assert child.stdout is not None
    try:
        assert await asyncio.wait_for(child.stdout.readline(), 20) == b"inside\n"
    finally:
        child.send_signal(signal.SIGKILL)
        await child.wait()
    again = await Repository.open(path)
    try:
        assert (await again.chats.chat_settings(1)).style is None
        assert (await again.chats.chat_settings(1)).time_limit is None
    finally:
        await again.close()


async def test_store_answer_stores_once_and_counts(repo: Repository) -> None:
    quiz_id = await new_quiz(repo)
    assert await repo.answers.store_answer(quiz_id, 0, 7, "Ann", 1, 2.0) is None  # not open yet
    assert await repo.quizzes.open_quiz(quiz_id, QUIZ, [(1, 0), (0, 1, 2)], ["poll", "poll"], 2.0)
    assert await repo.answers.store_answer(quiz_id, 0, 7, "Ann", 1, 3.0) == (1, 2)
    # A second answer to the same question (or the same one re-delivered) is refused.
    assert await repo.answers.store_answer(quiz_id, 0, 7, "Ann", 0, 4.0) is None
    assert await repo.answers.store_answer(quiz_id, 0, 8, "Bob", 0, 4.0) == (1, 2)
    assert await repo.answers.store_answer(quiz_id, 1, 7, "Ann B.", 2, 5.0) == (2, 2)
    assert [
        (a.user_id, a.question_index, a.choice_index) for a in await repo.answers.of_quiz(quiz_id)
    ] == [
        (7, 0, 1),
        (8, 0, 0),
        (7, 1, 2),
    ]
    assert await repo.answers.participant_names(quiz_id) == {7: "Ann B.", 8: "Bob"}
    assert await repo.quizzes.begin_submission(quiz_id, SubmissionStatus.STOPPED, 6.0)
    assert await repo.answers.store_answer(quiz_id, 1, 8, "Bob", 0, 7.0) is None
    assert await repo.answers.answer_count(quiz_id) == 3


async def test_a_quiz_read_from_memory_shows_every_write(repo: Repository) -> None:
    quiz_id = await new_quiz(repo)
    first = await repo.quizzes.quiz(quiz_id)
    assert first is not None
    if repo.dialect == "sqlite":  # PostgreSQL's workers share it: read afresh every time
        assert await repo.quizzes.quiz(quiz_id) is first  # remembered
    await repo.quizzes.open_quiz(quiz_id, QUIZ, [(0, 1), (0, 1, 2)], ["poll", "poll"], 2.0)
    opened = await repo.quizzes.quiz(quiz_id)
    assert opened is not None and opened.state == QuizState.OPEN
    await repo.quizzes.set_closing_rules(quiz_id, 60.0, 5)
    ruled = await repo.quizzes.quiz(quiz_id)
    assert ruled is not None and (ruled.deadline, ruled.member_count) == (60.0, 5)
    assert await repo.quizzes.cancel_live_quizzes(1, "gone") == 1
    cancelled = await repo.quizzes.quiz(quiz_id)
    assert cancelled is not None and cancelled.state == QuizState.CANCELLED


async def test_a_quiz_read_during_a_write_is_not_remembered(repo: Repository) -> None:
    quiz_id = await new_quiz(repo)
    await repo.quizzes.open_quiz(quiz_id, QUIZ, [(0, 1), (0, 1, 2)], ["poll", "poll"], 2.0)
    # The read is queued before the write and resolved first: what it read is already old.
    read = asyncio.create_task(repo.quizzes.quiz(quiz_id))
    await asyncio.sleep(0)
    await repo.quizzes.begin_submission(quiz_id, SubmissionStatus.STOPPED, 3.0)
    await read
    now = await repo.quizzes.quiz(quiz_id)
    assert now is not None and now.state == QuizState.SUBMITTING
