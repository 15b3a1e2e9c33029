"""The library's store (storage/library.py) on a real SQLite file."""

from __future__ import annotations

import pytest

from quiz.states import QuizState
from storage import Repository
from tests.conftest import DATABASES, chosen_database
from tests.test_storage import QUIZ, new_quiz

OWNER = 7  # new_quiz's starter


@pytest.fixture(params=DATABASES)
def database(request: pytest.FixtureRequest) -> str | None:
    """Every test of this module that uses the repository runs on both databases."""
    return chosen_database(request)


@pytest.fixture
def repo(open_repo: Repository) -> Repository:
    return open_repo


async def opened_quiz(repo: Repository, key: str) -> int:
    quiz_id = await new_quiz(repo, key)
    assert await repo.quizzes.open_quiz(quiz_id, QUIZ, [(0, 1), (2, 0, 1)], ["poll", "poll"], 2.0)
    await repo.quizzes.set_state(quiz_id, QuizState.DONE)
    return quiz_id


async def test_numbers_are_stable_and_copies_and_unopened_quizzes_are_not_filed(
    repo: Repository,
) -> None:
    first = await opened_quiz(repo, "1:1")
    never_opened = await new_quiz(repo, "1:2")
    await repo.quizzes.set_state(never_opened, QuizState.FAILED)
    copy = await opened_quiz(repo, "1:3")
    await repo.library.add_copy(copy, first, shared=False)
    await repo.library.sync(OWNER)
    third = await opened_quiz(repo, "1:4")
    await repo.library.sync(OWNER)
    await repo.library.sync(OWNER)  # nothing new: nothing changes
    entries, total = await repo.library.page(OWNER, 0, 10)
    assert total == 2
    assert [(e.number, e.quiz_id) for e in entries] == [(2, third), (1, first)]
    # Deleting keeps the numbers: quiz 2 is still 2.
    await repo.library.delete(first)
    await repo.library.sync(OWNER)
    assert await repo.library.entry(OWNER, 1) is None
    entry = await repo.library.entry(OWNER, 2)
    assert entry is not None and entry.quiz_id == third and entry.questions == 2
    assert await repo.library.entry(OWNER + 1, 2) is None


async def test_search_matches_every_word_literally(repo: Repository) -> None:
    quiz_id = await opened_quiz(repo, "1:1")
    await repo.library.sync(OWNER)
    await repo.library.rename(quiz_id, "Cell biology 100%")
    assert [e.quiz_id for e in await repo.library.search(OWNER, ["cell", "100%"], 5)] == [quiz_id]
    assert await repo.library.search(OWNER, ["cell", "physics"], 5) == []
    # LIKE's wildcards are plain characters here.
    assert await repo.library.search(OWNER, ["_"], 5) == []
    assert await repo.library.search(OWNER + 1, ["cell"], 5) == []
