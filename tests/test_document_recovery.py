"""A document whose process died while it was downloaded or uploaded is never stuck: its
replayed update takes the transfer over (one status message, counted once), a live holder's
is left alone, and one whose update is gone ends `failed` with the chat told once."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path
from typing import Any

from telegram import Bot

from fakes import BOT_TOKEN
from fakes.openai_server import FakeOpenAI
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from quiz.states import DocumentState
from services.context import BotContext
from services.document_holds import DocumentHolds
from services.document_transfer import DocumentSettings, document_limits
from services.leases import Leases
from storage import Repository
from storage.conversation import PendingQuiz
from tests.botprocess import BotProcess
from tests.conftest import BotFactory, pg_rows
from tests.harness import eventually, settings_for

ANN = User(41, "Ann", language_code="en")
PRIVATE = Chat(41, "private")
NOTES = b"Photosynthesis converts light energy into chemical energy.\n"


def db_rows(db: Path | str, sql: str) -> list[tuple[Any, ...]]:
    if isinstance(db, str):
        return pg_rows(db, sql)
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return list(conn.execute(sql))


def statuses(tg: FakeTelegram) -> list[Call]:
    return [c for c in tg.calls_of("sendMessage") if c.ok and "Getting" in c.params["text"]]


async def killed_mid_download(tg: FakeTelegram, proc: BotProcess) -> None:
    """The bot is killed while the fake holds the document's download."""
    tg.delay_next_download(60)
    await proc.start()
    tg.user_sends_document(PRIVATE, ANN, "notes.txt", "text/plain", NOTES)
    await tg.wait_for_download(timeout=20)
    await proc.kill()
    assert db_rows(proc.target, "SELECT state FROM documents") == [("downloading",)]


async def test_a_document_killed_mid_download_is_taken_over_by_its_replayed_update(
    tg: FakeTelegram, proc: BotProcess
) -> None:
    await killed_mid_download(tg, proc)
    await proc.start()

    async def ready() -> bool:
        return db_rows(proc.target, "SELECT state FROM documents") == [("ready",)]

    await eventually(ready, within=30, what="the document ready")
    await tg.wait_for("editMessageText", predicate=lambda c: "is ready" in c.params["text"])
    # The same status message went on to say it is ready: none is left saying "Getting".
    [status] = statuses(tg)
    edits = [
        c
        for c in tg.calls_of("editMessageText")
        if c.ok and c.params["message_id"] == status.result["message_id"]
    ]
    assert edits and "is ready" in edits[-1].params["text"]
    assert len(tg.downloads) == 2
    # Counted once against the day's documents.
    assert db_rows(proc.target, "SELECT COUNT(*) FROM document_quota") == [(1,)]
    assert not [c for c in tg.calls_of("sendMessage") if "restarted" in c.params["text"]]
    await proc.terminate()


async def test_a_document_killed_mid_upload_is_downloaded_and_uploaded_again(
    tg: FakeTelegram, oa: FakeOpenAI, proc: BotProcess
) -> None:
    oa.delay_next(60, path="/files")
    await proc.start()
    tg.user_sends_document(PRIVATE, ANN, "notes.txt", "text/plain", NOTES)
    await oa.wait_for_request("/files", timeout=20)
    assert db_rows(proc.target, "SELECT state FROM documents") == [("uploading",)]
    await proc.kill()
    await proc.start()

    async def ready() -> bool:
        return db_rows(proc.target, "SELECT state FROM documents") == [("ready",)]

    await eventually(ready, within=30, what="the document ready")
    await tg.wait_for("editMessageText", predicate=lambda c: "is ready" in c.params["text"])
    assert len(tg.downloads) == 2 and len(statuses(tg)) == 1
    assert db_rows(proc.target, "SELECT COUNT(*) FROM document_quota") == [(1,)]
    await proc.terminate()


async def test_a_document_a_live_worker_transfers_is_left_to_it(
    tg: FakeTelegram, proc: BotProcess
) -> None:
    await killed_mid_download(tg, proc)
    # The killed process held the transfer's lease; another worker (alive, on another
    # host) has taken it over meanwhile.
    [(doc_id,)] = db_rows(proc.target, "SELECT id FROM documents")
    name = f"document:{doc_id}"
    assert db_rows(proc.target, f"SELECT COUNT(*) FROM leases WHERE name = '{name}'") == [(1,)]
    sql = (
        f"UPDATE leases SET holder = 'elsewhere:7:ab', expires_at = {time.time() + 600}"
        f" WHERE name = '{name}'"
    )
    if isinstance(proc.target, str):
        pg_rows(proc.target, sql + " RETURNING name")
    else:
        with contextlib.closing(sqlite3.connect(proc.target)) as conn, conn:
            conn.execute(sql)
    await proc.start()
    # The replayed update is handled (a re-delivery: nothing done), and recovery has seen
    # the document (its update to replay, or its live holder).
    await eventually(lambda: _logged(proc, "Ignoring a re-delivered"), 20, "the replay")
    await eventually(lambda: _logged(proc, "update is replayed", "a live worker"), 20, "recovery")
    assert db_rows(proc.target, "SELECT state FROM documents") == [("downloading",)]
    assert len(tg.downloads) == 1 and len(statuses(tg)) == 1
    await proc.terminate()


async def _logged(proc: BotProcess, *texts: str) -> bool:
    return any(text in proc.output() for text in texts)


async def test_recovery_fails_a_busy_document_whose_update_is_gone(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory, database: str | None, tmp_path: Path
) -> None:
    # Left by a process that died: a busy document with its status message, whose update
    # is not in the inbox any more, and a /quiz waiting for the chat's documents.
    repo = await (
        Repository.open_postgres(database, 4)
        if database
        else Repository.open(tmp_path / "studyquiz.sqlite3")
    )
    now = time.time()
    try:
        row = await repo.documents.create_document(
            chat_id=PRIVATE.id,
            uploader_id=ANN.id,
            request_key=f"{PRIVATE.id}:9",
            file_name="notes.txt",
            size=len(NOTES),
            now=now,
            limits=document_limits(DocumentSettings.of(settings_for(tg, oa, tmp_path)), now),
            lang="ko",
        )
        assert row is not None
        async with Bot(BOT_TOKEN, base_url=f"{tg.root}/bot") as old:
            status = await old.send_message(PRIVATE.id, "📥 notes.txt…")
        await repo.documents.set_status_message(row.id, status.message_id)
        await repo.chat_memory.add_pending_quiz(
            PendingQuiz(PRIVATE.id, 0, "private", ANN.id, 10, "en", None, "cells", "q:10", now)
        )
    finally:
        await repo.close()

    async with make_bot() as bot:
        # Told once, in the sender's language, on the status message; then the waiting quiz
        # is told why it did not start.
        await tg.wait_for("sendMessage", predicate=lambda c: "restarted" in c.params["text"])
        done = await bot.services.repo.documents.document(row.id)
        assert done is not None and done.state == DocumentState.FAILED
        assert done.error == "interrupted by restart"
        [told] = [c for c in tg.calls_of("editMessageText") if "다시 시작" in c.params["text"]]
        assert told.params["message_id"] == status.message_id and "notes.txt" in told.params["text"]
        assert len(tg.calls_of("sendMessage")) == 2
        # It costs none of the day's documents.
        assert db_rows(
            database or tmp_path / "studyquiz.sqlite3", "SELECT COUNT(*) FROM document_quota"
        ) == [(0,)]
        # A second recovery finds nothing to tell.
        await BotContext(bot.app).recovery.recover()
        assert (
            len([c for c in tg.calls_of("editMessageText") if "다시 시작" in c.params["text"]]) == 1
        )
        assert len(tg.calls_of("sendMessage")) == 2


async def test_one_holder_per_document_across_workers(open_repo: Repository) -> None:
    """Two workers on one database: the second cannot take a document the first holds, and
    can once it is released."""
    first = DocumentHolds(Leases(open_repo.leases, "host-a:1:aa"))
    second = DocumentHolds(Leases(open_repo.leases, "host-b:2:bb"))
    assert await first.acquire(5)
    assert not await second.acquire(5)
    await first.release(5)
    async with second.hold(5) as mine:
        assert mine
        assert not await first.acquire(5)


async def test_without_leases_the_process_itself_holds_its_documents() -> None:
    holds = DocumentHolds(None)
    assert await holds.acquire(1)
    assert not await holds.acquire(1)  # a re-delivery while this process transfers it
    async with holds.hold(2) as mine:
        assert mine
    await holds.release(1)
    assert await holds.acquire(1) and await holds.acquire(2)
