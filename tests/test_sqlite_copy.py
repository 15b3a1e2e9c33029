"""`python bot.py --copy-to-postgres`: an SQLite installation, made by the real bot, copied
into a real PostgreSQL database and read back through the stores; a second run is a no-op, a
non-empty target is refused, a failure halfway leaves the target empty, and every table of
the schema is either copied or excluded with a reason."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import asyncpg
import pytest

from bot import main
from cli import redacted
from fakes import BOT_TOKEN, OPENAI_KEY
from fakes.openai_server import FakeOpenAI
from fakes.quizdata import choice_text, quiz_args, right_choice
from fakes.telegram_server import FakeTelegram
from quiz.states import QuizState
from storage import Repository
from storage.migrations import MIGRATIONS
from storage.sqlite_copy import EXCLUDED, MARKER, source_tables
from tests.conftest import BotFactory, database_url
from tests.harness import eventually
from tests.test_e2e_learning import ANNA, PRIVATE, T0, _answer, _wrong
from tests.test_e2e_local_documents import PDF, no_files_api, send_ready
from tests.test_e2e_local_documents import PRIVATE as DOCUMENT_CHAT


@pytest.fixture
def database() -> None:
    """The bot that makes the installation runs on SQLite, whatever TEST_DATABASE says: the
    copy's source is an SQLite file."""
    return None


@pytest.fixture
async def target(pg_server_url: str) -> AsyncIterator[str]:
    """A fresh database on the test server, empty: the command migrates it itself (unlike
    `pg_url`'s, already migrated). Its URL."""
    name = f"copy_{uuid.uuid4().hex}"
    admin = await asyncpg.connect(pg_server_url)
    try:
        await admin.execute(f"CREATE DATABASE {name}")
        yield database_url(pg_server_url, name)
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


def _env(source: Path, url: str) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "OPENAI_API_KEY": OPENAI_KEY,
        "DATABASE_PATH": str(source),
        "DATABASE_URL": url,
    }


async def _run(source: Path, url: str, *args: str) -> int:
    """The command itself (it runs its own event loop, so off this one)."""
    return await asyncio.to_thread(main, ["--copy-to-postgres", *args], _env(source, url))


def _with_password(url: str) -> str:
    """The same server with a password in the URL (trust authentication ignores it)."""
    scheme, rest = url.split("://", 1)
    user, host = rest.split("@", 1)
    return f"{scheme}://{user}:s3cr3t-pw@{host}"


def _copied_tables(path: Path) -> dict[str, list[str]]:
    """The tables of an SQLite file the copy takes, with their columns."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            name: [r[1] for r in conn.execute(f"PRAGMA table_info({name})")]
            for name in names
            if name not in EXCLUDED and not name.startswith("sqlite_")
        }


def _sqlite_rows(path: Path, table: str, columns: list[str]) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        listed = ", ".join(columns)
        return [tuple(r) for r in conn.execute(f"SELECT {listed} FROM {table} ORDER BY {listed}")]


async def _pg_tables(url: str) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        names = [
            r[0]
            for r in await conn.fetch(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            )
        ]
        return {n: int(await conn.fetchval(f'SELECT count(*) FROM "{n}"')) for n in names}
    finally:
        await conn.close()


async def _small_installation(path: Path) -> None:
    """An installation made with the stores' own methods (quicker than the bot where what it
    holds does not matter): a chat's settings, a quiz, some usage."""
    repo = await Repository.open(path)
    try:
        await repo.chats.set_chat_style(PRIVATE.id, "keyboard")
        await repo.quizzes.create_quiz(
            chat_id=PRIVATE.id,
            thread_id=0,
            chat_type="private",
            starter_id=ANNA.id,
            request_key="701:1",
            topic="cells",
            num_questions=2,
            style="poll",
            lang="en",
            now=T0,
        )
        await repo.usage.record_usage(PRIVATE.id, ANNA.id, 1234, T0)
    finally:
        await repo.close()


async def _build_with_the_bot(tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory) -> int:
    """Through the real bot: a document indexed here (this model server has no Files API),
    a finished quiz (cards, each with its first review), a reminder, a quiz left open with
    one of its two questions answered, and both filed in the library. The open quiz's id."""
    no_files_api(oa)
    async with make_bot() as bot:
        svc = bot.services
        now = [T0]
        svc.clock = lambda: now[0]
        await send_ready(tg, "biology.pdf", "application/pdf", PDF)
        args = quiz_args(1)
        oa.queue_function_call("generate_quiz", args)
        oa.queue_message("Feedback.")
        tg.user_sends(PRIVATE, ANNA, "/quiz 1 cells")
        [poll] = await tg.wait_for("sendPoll")
        await _answer(tg, [poll], [_wrong(args, 0)])
        await tg.wait_for("sendMessage", predicate=lambda c: c.params.get("text") == "Feedback.")
        tg.user_sends(PRIVATE, ANNA, "/remind 19:00 Asia/Seoul")
        await tg.wait_for("sendMessage", predicate=lambda c: "remind you at" in c.params["text"])
        now[0] += 60  # past the cooldown
        second = quiz_args(2)
        oa.queue_function_call("generate_quiz", second)
        tg.user_sends(PRIVATE, ANNA, "/quiz 2 more cells")
        polls = (await tg.wait_for("sendPoll", count=3))[1:]
        await _answer(tg, polls[:1], [choice_text(second, 0, right_choice(second, 0))])
        [open_quiz] = await svc.repo.quizzes.quizzes_in_state(QuizState.OPEN)

        async def answered() -> bool:
            return len(await svc.repo.answers.of_quiz(open_quiz.id)) == 1

        await eventually(answered, what="the open quiz's answer")
        await eventually(
            lambda: _has_cards(svc.repo), what="the finished quiz's card to be recorded"
        )
        # Quizzes are filed in the library when their owner looks at it.
        tg.user_sends(PRIVATE, ANNA, "/myquizzes")

        async def filed() -> bool:
            return await svc.repo.library.entry_of_quiz(open_quiz.id) is not None

        await eventually(filed, what="the library entries")
        return open_quiz.id


async def _has_cards(repo: Repository) -> bool:
    return bool(await repo.cards.due_times(ANNA.id, T0 + 10**9))


async def test_an_installation_made_by_the_bot_is_read_back_through_the_stores(
    tg: FakeTelegram,
    oa: FakeOpenAI,
    make_bot: BotFactory,
    tmp_path: Path,
    target: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    open_id = await _build_with_the_bot(tg, oa, make_bot)
    source = tmp_path / "studyquiz.sqlite3"
    url = _with_password(target)

    assert await _run(source, url) == 0
    printed = capsys.readouterr()
    assert "s3cr3t-pw" not in printed.out + printed.err
    assert "copied" in printed.out

    repo = await Repository.open_postgres(target, 2)
    try:
        quiz = await repo.quizzes.quiz(open_id)
        assert quiz is not None and quiz.state == QuizState.OPEN and quiz.topic == "more cells"
        assert [q.index for q in await repo.questions.of_quiz(open_id)] == [0, 1]
        [answer] = await repo.answers.of_quiz(open_id)
        assert answer.user_id == ANNA.id
        [due] = await repo.cards.due_times(ANNA.id, T0 + 10**9)
        [card] = await repo.cards.due_cards(ANNA.id, due + 1, 10)
        assert card.wrong_count == 1
        [doc] = await repo.documents.of_chat(DOCUMENT_CHAT.id)
        assert doc.file_name == "biology.pdf" and doc.state == "ready"
        assert await repo.chunks.count_chunks(DOCUMENT_CHAT.id) == 30
        reminder = await repo.reminders.reminder(ANNA.id)
        assert reminder is not None and reminder.zone == "Asia/Seoul"
        assert await repo.library.entry_of_quiz(open_id) is not None
        assert await repo.usage.tokens_since(0, user_id=ANNA.id) > 0
        # Ids go on after the copied ones: a new quiz does not collide with them.
        new = await repo.quizzes.create_quiz(
            chat_id=PRIVATE.id,
            thread_id=7,
            chat_type="private",
            starter_id=ANNA.id,
            request_key="copy:new",
            topic="after the copy",
            num_questions=1,
            style="poll",
            lang="en",
            now=T0 + 120,
        )
        assert new is not None and new.id > open_id
    finally:
        await repo.close()
    # Every copied table holds what the SQLite file holds, row for row.
    counts = await _pg_tables(target)
    conn = await asyncpg.connect(target)
    try:
        for name, columns in _copied_tables(source).items():
            listed = ", ".join(columns)
            theirs = [
                tuple(r) for r in await conn.fetch(f"SELECT {listed} FROM {name} ORDER BY {listed}")
            ]
            if name == "quizzes":  # but the new quiz made above
                theirs = [r for r in theirs if r[columns.index("request_key")] != "copy:new"]
            assert theirs == _sqlite_rows(source, name, columns), name
    finally:
        await conn.close()
    assert counts[MARKER] == 1
    assert counts["documents"] and counts["document_chunks"] and counts["review_log"]


async def test_a_second_run_is_a_no_op_and_a_changed_source_is_refused(
    tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "small.sqlite3"
    await _small_installation(source)
    assert await _run(source, target) == 0
    before = await _pg_tables(target)
    capsys.readouterr()

    assert await _run(source, target, str(source)) == 0
    assert "already holds this copy" in capsys.readouterr().out
    assert await _pg_tables(target) == before

    # The source changed since: this copy is no longer the one the target holds.
    repo = await Repository.open(source)
    await repo.usage.record_usage(PRIVATE.id, ANNA.id, 1, T0 + 1)
    await repo.close()
    assert await _run(source, target) == 1
    assert "already holds a copy made" in capsys.readouterr().err
    assert await _pg_tables(target) == before


async def test_a_database_with_rows_is_refused(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = pg_url  # migrated already, as by a worker that started on it
    source = tmp_path / "small.sqlite3"
    await _small_installation(source)
    repo = await Repository.open_postgres(target, 2)
    try:
        await repo.chats.set_chat_style(-100, "poll")
    finally:
        await repo.close()
    before = await _pg_tables(target)

    assert await _run(source, target) == 1
    err = capsys.readouterr().err
    assert "not empty" in err and "chat_settings" in err
    assert await _pg_tables(target) == before


async def test_a_failure_halfway_leaves_the_target_empty(
    tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "broken.sqlite3"
    await _small_installation(source)
    # An answer to a question that does not exist, which SQLite took with its foreign keys
    # off: PostgreSQL refuses it after the quizzes and questions went in.
    with contextlib.closing(sqlite3.connect(source)) as conn, conn:
        conn.execute("INSERT INTO answers VALUES (999, 0, 701, 1, 1.0)")

    assert await _run(source, target) == 1
    assert "undone" in capsys.readouterr().err
    counts = await _pg_tables(target)
    assert counts["quizzes"] == 0 and counts["usage"] == 0 and counts[MARKER] == 0
    assert not any(n for t, n in counts.items() if t != "schema_migrations"), counts


async def test_every_table_is_copied_or_excluded_with_a_reason(
    tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A table PostgreSQL has no counterpart for is neither copied nor left out in silence.
    other = tmp_path / "extra.sqlite3"
    await (await Repository.open(other)).close()
    with contextlib.closing(sqlite3.connect(other)) as conn, conn:
        conn.execute("CREATE TABLE something_new (id INTEGER PRIMARY KEY)")
    assert await _run(other, target) == 1
    assert "something_new has no counterpart" in capsys.readouterr().err

    source = tmp_path / "fresh.sqlite3"
    await (await Repository.open(source)).close()
    async with aiosqlite.connect(source) as lite:
        tables = await source_tables(lite)
    # No stale exclusion, and each says why.
    assert set(EXCLUDED) <= set(tables) and all(EXCLUDED.values())
    assert await _run(source, target) == 0
    copied = {t for t in tables if t not in EXCLUDED}
    assert copied <= set(await _pg_tables(target))
    assert f"in {len(copied)} tables" in capsys.readouterr().out


async def test_a_missing_or_newer_source_is_refused(
    tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await _run(tmp_path / "nothing.sqlite3", target) == 1
    assert "no SQLite database at" in capsys.readouterr().err
    newer = tmp_path / "newer.sqlite3"
    await (await Repository.open(newer)).close()
    with contextlib.closing(sqlite3.connect(newer)) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    assert await _run(newer, target) == 1
    assert "newer than this code's" in capsys.readouterr().err
    # Without DATABASE_URL there is nowhere to copy to.
    env = _env(newer, target)
    del env["DATABASE_URL"]
    assert await asyncio.to_thread(main, ["--copy-to-postgres"], env) == 2


def test_printed_urls_never_hold_the_password() -> None:
    assert redacted("postgresql://bot:pa:ss@db:5432/quiz") == "postgresql://bot:***@db:5432/quiz"
    assert redacted("postgresql:///quiz?host=/run/pg&password=x&user=bot") == (
        "postgresql:///quiz?host=/run/pg&password=***&user=bot"
    )
    assert redacted("postgresql://bot@db/quiz") == "postgresql://bot@db/quiz"
