"""/quiz sent while the chat's document is still being indexed waits for it: one quiz starts
by itself when the document is ready, or the person is told why not (timeout, failure,
restart)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from i18n import tr
from tests.botprocess import BotProcess
from tests.conftest import BotFactory
from tests.harness import RunningBot, eventually

DORA = User(95, "Dora", language_code="en")
PRIVATE = Chat(95, "private")
NOTES = b"Mitochondria make ATP.\nRibosomes make proteins.\n"


def indexing(c: Call) -> bool:
    return "Indexing" in str(c.params.get("text"))


def said(tg: FakeTelegram, key: str, **values: int) -> int:
    text = tr("en", key, **values)
    return sum(
        c.params.get("text") == text
        for c in tg.calls
        if c.ok and c.method in ("sendMessage", "editMessageText")
    )


def slow_indexing(oa: FakeOpenAI, seconds: float) -> None:
    """The vector store answers "in_progress" for about `seconds`."""
    oa.poll_after_ms = 50
    oa.vector_store_file_polls = int(seconds * 1000 / oa.poll_after_ms)


async def test_quiz_waits_for_the_document_and_starts_once(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    slow_indexing(oa, 2)
    oa.queue_function_call("generate_quiz", quiz_args(2))
    tg.user_sends_document(PRIVATE, DORA, "cells.txt", "text/plain", NOTES)
    await tg.wait_for("editMessageText", predicate=indexing)
    tg.user_sends(PRIVATE, DORA, "/quiz 2")
    await tg.wait_for("sendMessage", predicate=lambda c: "starts by itself" in c.params["text"])
    tg.user_sends(PRIVATE, DORA, "/quiz 2")
    await tg.wait_for("sendMessage", predicate=lambda c: "already waiting" in c.params["text"])
    assert not oa.requests_to("/responses")

    await tg.wait_for("sendPoll", count=2, timeout=10)
    [ready] = [c for c in tg.calls_of("editMessageText") if "is ready" in c.params["text"]]
    assert tg.calls.index(ready) < tg.calls.index(tg.calls_of("sendPoll")[0])
    [request] = oa.writer_requests
    [store] = oa.vector_stores
    assert {"type": "file_search", "vector_store_ids": [store]} in request.json["tools"]

    async def opened() -> bool:
        quiz = await bot.services.repo.quizzes.quiz(1)
        return quiz is not None and quiz.state == "open"

    await eventually(opened)
    assert await bot.services.repo.quizzes.quiz(2) is None
    assert said(tg, "doc_quiz_waiting") == 1 and said(tg, "doc_quiz_already_waiting") == 1


async def test_quiz_gives_up_after_the_index_timeout(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    slow_indexing(oa, 30)
    async with make_bot(DOCUMENT_INDEX_TIMEOUT="2") as bot:
        tg.user_sends_document(PRIVATE, DORA, "cells.txt", "text/plain", NOTES)
        await tg.wait_for("editMessageText", predicate=indexing)
        tg.user_sends(PRIVATE, DORA, "/quiz 2")
        await tg.wait_for(
            "sendMessage",
            predicate=lambda c: c.params["text"] == tr("en", "doc_quiz_not_ready", seconds=2),
            timeout=10,
        )
        assert await bot.services.repo.quizzes.quiz(1) is None
        assert not oa.requests_to("/responses")


@pytest.fixture
async def proc(tg: FakeTelegram, oa: FakeOpenAI, tmp_path: Path) -> AsyncIterator[BotProcess]:
    bot = BotProcess(tg, oa, tmp_path / "db.sqlite3", tmp_path / "bot.log")
    yield bot
    if bot.proc is not None:
        await bot.kill()
    assert "Traceback" not in bot.output(), bot.output()


async def _killed_while_a_quiz_waits(tg: FakeTelegram, oa: FakeOpenAI, proc: BotProcess) -> None:
    await proc.start()
    tg.user_sends_document(PRIVATE, DORA, "cells.txt", "text/plain", NOTES)
    await tg.wait_for("editMessageText", predicate=indexing)
    tg.user_sends(PRIVATE, DORA, "/quiz 2")
    await tg.wait_for("sendMessage", predicate=lambda c: "starts by itself" in c.params["text"])
    # "Indexing" is said before the file is attached to the store; killed before that, the
    # store never had it. Under load that window is wide enough to hit.
    await eventually(lambda: _attached(oa), what="the file to be attached to the store")
    await proc.kill()


async def _attached(oa: FakeOpenAI) -> bool:
    return bool(oa.vector_store_files)


async def test_a_waiting_quiz_resumes_after_a_crash(
    tg: FakeTelegram, oa: FakeOpenAI, proc: BotProcess
) -> None:
    slow_indexing(oa, 30)
    await _killed_while_a_quiz_waits(tg, oa, proc)
    # OpenAI finished indexing while the bot was down.
    oa.vector_store_file_polls = 0
    oa.queue_function_call("generate_quiz", quiz_args(2))
    await proc.start()
    await tg.wait_for("sendPoll", count=2, timeout=15)
    assert len(oa.writer_requests) == 1


async def test_a_waiting_quiz_is_told_when_the_restart_finds_no_document(
    tg: FakeTelegram, oa: FakeOpenAI, proc: BotProcess
) -> None:
    slow_indexing(oa, 60)
    await _killed_while_a_quiz_waits(tg, oa, proc)
    await proc.start()
    await tg.wait_for(
        "sendMessage",
        predicate=lambda c: c.params["text"] == tr("en", "doc_quiz_interrupted"),
        timeout=15,
    )
    assert not oa.requests_to("/responses")
