"""The document reservations in SQLite: per chat as well as per person, the real size after
the download, and release when nothing reached OpenAI."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from storage import Repository
from storage.usage import DocumentLimits, LimitReachedError
from tests.conftest import DATABASES, chosen_database

DAY = 86_400.0
LIMITS = DocumentLimits(
    since=DAY,
    user_per_day=3,
    chat_per_day=4,
    user_bytes_per_day=1000,
    chat_bytes_per_day=1500,
    library=10,
)


@pytest.fixture(params=DATABASES)
def database(request: pytest.FixtureRequest) -> str | None:
    """Every test of this module that uses the repository runs on both databases."""
    return chosen_database(request)


@pytest.fixture
def repo(open_repo: Repository) -> Repository:
    return open_repo


async def add(repo: Repository, key: str, user: int, size: int = 10, chat: int = -5) -> None:
    await repo.documents.create_document(
        chat_id=chat,
        uploader_id=user,
        request_key=key,
        file_name=f"{key}.txt",
        size=size,
        now=DAY + 60,
        limits=LIMITS,
    )


async def test_a_chats_members_together_reach_the_chat_limit(repo: Repository) -> None:
    for i, user in enumerate((1, 1, 2, 3)):
        await add(repo, f"k{i}", user)
    with pytest.raises(LimitReachedError) as caught:
        await add(repo, "k4", 4)
    assert (caught.value.key, caught.value.limit) == ("doc_limit_chat_documents", 4)
    assert len(await repo.documents.of_chat(-5)) == 4


async def test_concurrent_reservations_never_pass_the_limit(repo: Repository) -> None:
    results = await asyncio.gather(
        *(add(repo, f"k{i}", 1, chat=-6 - i) for i in range(10)), return_exceptions=True
    )
    assert sum(r is None for r in results) == 3
    assert all(isinstance(r, LimitReachedError) for r in results if r is not None)


async def test_the_real_size_is_checked_and_a_release_frees_the_reservation(
    repo: Repository,
) -> None:
    # Announced as 10 bytes; the download says 990: together with 100 more, over 1000.
    await add(repo, "a", 1, size=100)
    await add(repo, "b", 1, size=10)
    with pytest.raises(LimitReachedError) as caught:
        await repo.documents.settle_document_size("b", 990, LIMITS)
    assert caught.value.key == "doc_limit_user_bytes"
    await repo.documents.settle_document_size("b", 900, LIMITS)
    with pytest.raises(LimitReachedError):
        await add(repo, "c", 1, size=1)
    await repo.documents.release_document("b")
    await add(repo, "c", 1, size=1)


async def test_yesterdays_reservations_do_not_count(repo: Repository) -> None:
    for i in range(3):
        await add(repo, f"k{i}", 1, chat=-7 - i)
    with pytest.raises(LimitReachedError):
        await add(repo, "k3", 1, chat=-20)
    row = await repo.documents.create_document(
        chat_id=-20,
        uploader_id=1,
        request_key="k3",
        file_name="k3.txt",
        size=10,
        now=2 * DAY + 60,
        limits=replace(LIMITS, since=2 * DAY),
    )
    assert row is not None
