"""The quiz repository. Every method commits before returning, so whatever a handler
acknowledges to a user is already durable; a method that writes several statements does it
in one transaction (see storage/database.py)."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from quiz.model import Answer, Question, Quiz
from storage.cards import CardStore
from storage.conversation import ConversationStore
from storage.database import Database
from storage.inbox import Inbox
from storage.items import ItemStore
from storage.migrations import MIGRATIONS
from storage.security import SecurityStore

LIVE_STATES = ("generating", "open", "submitting")
# Posted questions remembered by poll id: all those of 400 open 10-question quizzes.
POLL_CACHE_SIZE = 4096


class QuizAlreadyOpenError(Exception):
    """This chat topic already has a live quiz."""

    def __init__(self, quiz: QuizRow) -> None:
        super().__init__(f"quiz {quiz.id} is {quiz.state}")
        self.quiz = quiz


@dataclass(frozen=True, slots=True)
class QuizRow:
    id: int
    chat_id: int
    thread_id: int
    chat_type: str
    starter_id: int
    topic: str
    num_questions: int
    style: str
    lang: str
    state: str
    status: str | None
    conversation_id: str | None
    call_id: str | None
    title: str | None
    status_message_id: int | None
    created_at: float
    opened_at: float | None
    deadline: float | None
    member_count: int | None
    writing: bool

    @property
    def is_open(self) -> bool:
        return self.state == "open"


@dataclass(frozen=True, slots=True)
class StoredQuestion:
    index: int
    question: Question
    order: tuple[int, ...]
    style: str
    message_id: int | None
    poll_id: str | None
    # The question's index in the model's own call (differs when one was left out).
    model_index: int
    # When Telegram closes the poll by itself (its close_date); None: the bot stops it.
    close_date: int | None = None


_QUIZ_COLUMNS = (
    "id, chat_id, thread_id, chat_type, starter_id, topic, num_questions, style, lang, state,"
    " status,"
    " conversation_id, call_id, title, status_message_id, created_at, opened_at, deadline,"
    " member_count, writing"
)


@dataclass(frozen=True, slots=True)
class DocumentRow:
    id: int
    chat_id: int
    uploader_id: int
    file_name: str
    size: int
    openai_file_id: str | None
    vector_store_id: str | None
    state: str
    error: str | None
    created_at: float


_DOC_COLUMNS = (
    "id, chat_id, uploader_id, file_name, size, openai_file_id, vector_store_id, state, error,"
    " created_at"
)


def _quiz(row: sqlite3.Row | None) -> QuizRow | None:
    return None if row is None else QuizRow(*row)


_QUESTION_COLUMNS = (
    "idx, text, choices, answer_index, explanation, source_file, source_quote, display_order,"
    " style, message_id, poll_id, quote_verified, COALESCE(model_index, idx), close_date"
)


def _question(r: Sequence[Any]) -> StoredQuestion:
    return StoredQuestion(
        index=r[0],
        question=Question(
            r[1],
            tuple(json.loads(r[2])),
            r[3],
            r[4],
            r[5],
            r[6],
            None if r[11] is None else bool(r[11]),
        ),
        order=tuple(json.loads(r[7])),
        style=r[8],
        message_id=r[9],
        poll_id=r[10],
        model_index=r[12],
        close_date=r[13],
    )


def _owner_only(path: Path) -> None:
    """Names, answers and user ids: make the database readable by the bot's user alone,
    before SQLite opens it (its -wal and -shm files copy the database's mode)."""
    folder = path.parent
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        # A folder that already exists may be shared (the working directory): only ours.
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
            folder.chmod(0o700)  # whatever the umask
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    # Whatever the umask, and for files from before: read-write for the owner only.
    for existing in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        with contextlib.suppress(FileNotFoundError):
            existing.chmod(0o600)


class Repository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._db = Database(conn)
        # The stores share the connection and its one unit of work.
        self.security = SecurityStore(self._db)
        self.inbox = Inbox(self._db)
        self.items = ItemStore(self._db)
        self.cards = CardStore(self._db)
        self.conversation = ConversationStore(self._db)
        # poll id -> (quiz id, question), oldest first; see question_for_poll.
        self._polls: dict[str, tuple[int, StoredQuestion]] = {}

    @classmethod
    async def open(cls, path: Path | str) -> Repository:
        if str(path) != ":memory:":
            _owner_only(Path(path))
        # Autocommit: transactions are only the explicit ones of Database.transaction.
        db = await aiosqlite.connect(path, isolation_level=None)
        try:
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA foreign_keys=ON")
            await db.execute("PRAGMA synchronous=NORMAL")
            await cls._migrate(db)
        except BaseException:
            await db.close()
            raise
        return cls(db)

    @staticmethod
    async def _migrate(db: aiosqlite.Connection) -> None:
        async with db.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        version = int(row[0]) if row else 0
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # executescript commits first; BEGIN … COMMIT keeps each step all-or-nothing.
            await db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")

    async def schema_version(self) -> int:
        row = await self._one("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def close(self) -> None:
        await self._db.conn.close()

    def transaction(self) -> contextlib.AbstractAsyncContextManager[None]:
        """`async with repo.transaction():` — the repository's (and its stores') writes in
        the block are one unit: all committed at its end, none if it raises."""
        return self._db.transaction()

    async def _one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        return await self._db.one(sql, params)

    async def _all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return await self._db.all(sql, params)

    # The queries every answer makes: one round trip to the database thread.
    _fetch = _all

    async def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        return await self._db.write(sql, params)

    # users and chats

    async def save_user(self, user_id: int, name: str, now: float) -> None:
        await self._write(
            "INSERT INTO users (user_id, name, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET name = excluded.name,"
            " updated_at = excluded.updated_at WHERE users.name != excluded.name",
            (user_id, name, now),
        )

    async def chat_style(self, chat_id: int) -> str | None:
        row = await self._one("SELECT quiz_style FROM chat_settings WHERE chat_id = ?", (chat_id,))
        return None if row is None else row[0]

    async def set_chat_style(self, chat_id: int, style: str) -> None:
        await self._write(
            "INSERT INTO chat_settings (chat_id, quiz_style) VALUES (?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET quiz_style = excluded.quiz_style",
            (chat_id, style),
        )

    async def chat_time_limit(self, chat_id: int) -> int | None:
        row = await self._one("SELECT time_limit FROM chat_settings WHERE chat_id = ?", (chat_id,))
        return None if row is None else row[0]

    async def set_chat_time_limit(self, chat_id: int, seconds: int | None) -> None:
        await self._write(
            "INSERT INTO chat_settings (chat_id, time_limit) VALUES (?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET time_limit = excluded.time_limit",
            (chat_id, seconds),
        )

    async def chat_lang(self, chat_id: int) -> str | None:
        """The chat's /lang choice; None when it follows each user's Telegram language."""
        row = await self._one("SELECT lang FROM chat_settings WHERE chat_id = ?", (chat_id,))
        return None if row is None else row[0]

    async def set_chat_lang(self, chat_id: int, lang: str | None) -> None:
        await self._write(
            "INSERT INTO chat_settings (chat_id, lang) VALUES (?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET lang = excluded.lang",
            (chat_id, lang),
        )

    # quizzes

    async def create_quiz(
        self,
        *,
        chat_id: int,
        thread_id: int,
        chat_type: str,
        starter_id: int,
        request_key: str,
        topic: str,
        num_questions: int,
        style: str,
        lang: str,
        now: float,
    ) -> QuizRow | None:
        """A new quiz in state `generating`; None when this request was seen before."""
        try:
            quiz_id = await self._db.insert(
                "INSERT INTO quizzes (chat_id, thread_id, chat_type, starter_id, request_key,"
                " topic, num_questions, style, lang, state, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'generating', ?)",
                (
                    chat_id,
                    thread_id,
                    chat_type,
                    starter_id,
                    request_key,
                    topic,
                    num_questions,
                    style,
                    lang,
                    now,
                ),
            )
        except sqlite3.IntegrityError:
            # A single statement in autocommit mode: the failed INSERT undid itself.
            if await self._one("SELECT 1 FROM quizzes WHERE request_key = ?", (request_key,)):
                return None
            live = await self.live_quiz(chat_id, thread_id)
            if live is None:
                raise
            raise QuizAlreadyOpenError(live) from None
        assert quiz_id is not None
        return await self.quiz(quiz_id)

    async def quiz(self, quiz_id: int) -> QuizRow | None:
        # One round trip to the database thread (execute, fetch and close at once): every
        # answer reads its quiz.
        rows = await self._fetch(f"SELECT {_QUIZ_COLUMNS} FROM quizzes WHERE id = ?", (quiz_id,))
        return QuizRow(*rows[0]) if rows else None

    async def live_quiz(self, chat_id: int, thread_id: int) -> QuizRow | None:
        return _quiz(
            await self._one(
                f"SELECT {_QUIZ_COLUMNS} FROM quizzes WHERE chat_id = ? AND thread_id = ?"
                " AND state IN (?, ?, ?)",
                (chat_id, thread_id, *LIVE_STATES),
            )
        )

    async def quizzes_in_state(self, state: str) -> list[QuizRow]:
        rows = await self._all(
            f"SELECT {_QUIZ_COLUMNS} FROM quizzes WHERE state = ? ORDER BY id", (state,)
        )
        return [QuizRow(*r) for r in rows]

    async def set_conversation(self, quiz_id: int, conversation_id: str) -> None:
        await self._write(
            "UPDATE quizzes SET conversation_id = ? WHERE id = ?", (conversation_id, quiz_id)
        )

    async def set_call(self, quiz_id: int, call_id: str) -> None:
        await self._write("UPDATE quizzes SET call_id = ? WHERE id = ?", (call_id, quiz_id))

    async def set_status_message(self, quiz_id: int, message_id: int | None) -> None:
        await self._write(
            "UPDATE quizzes SET status_message_id = ? WHERE id = ?", (message_id, quiz_id)
        )

    async def open_quiz(
        self,
        quiz_id: int,
        quiz: Quiz,
        orders: Sequence[Sequence[int]],
        styles: Sequence[str],
        now: float,
    ) -> bool:
        """Store the validated questions and open the quiz, in one transaction.

        False when the quiz is no longer being generated (cancelled meanwhile)."""
        async with self.transaction():
            changed = await self._write(
                "UPDATE quizzes SET state = 'open', title = ?, opened_at = ?, num_questions = ?"
                " WHERE id = ? AND state = 'generating'",
                (quiz.title, now, len(quiz.questions), quiz_id),
            )
            if changed != 1:
                return False
            await self._db.write_many(
                "INSERT INTO questions (quiz_id, idx, text, choices, answer_index, explanation,"
                " source_file, source_quote, display_order, style, quote_verified)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        quiz_id,
                        i,
                        q.text,
                        json.dumps(q.choices, ensure_ascii=False),
                        q.answer_index,
                        q.explanation,
                        q.source_file,
                        q.source_quote,
                        json.dumps(list(order)),
                        style,
                        None if q.quote_verified is None else int(q.quote_verified),
                    )
                    for i, (q, order, style) in enumerate(
                        zip(quiz.questions, orders, styles, strict=True)
                    )
                ],
            )
        return True

    async def set_closing_rules(
        self, quiz_id: int, deadline: float | None, member_count: int | None
    ) -> None:
        await self._write(
            "UPDATE quizzes SET deadline = ?, member_count = ? WHERE id = ?",
            (deadline, member_count, quiz_id),
        )

    async def finished_participants(self, quiz_id: int) -> int:
        """How many people have answered every question of the quiz."""
        row = await self._one(
            "SELECT COUNT(*) FROM (SELECT user_id FROM answers WHERE quiz_id = ?"
            " GROUP BY user_id HAVING COUNT(*) >= (SELECT COUNT(*) FROM questions"
            " WHERE quiz_id = ?))",
            (quiz_id, quiz_id),
        )
        return int(row[0]) if row else 0

    async def questions(self, quiz_id: int) -> list[StoredQuestion]:
        rows = await self._all(
            f"SELECT {_QUESTION_COLUMNS} FROM questions WHERE quiz_id = ? ORDER BY idx",
            (quiz_id,),
        )
        return [_question(r) for r in rows]

    async def load_quiz(self, quiz_id: int, title: str | None) -> tuple[Quiz, list[StoredQuestion]]:
        stored = await self.questions(quiz_id)
        return Quiz(title or "", tuple(s.question for s in stored)), stored

    async def set_question_message(
        self,
        quiz_id: int,
        index: int,
        message_id: int,
        poll_id: str | None,
        close_date: int | None = None,
    ) -> None:
        await self._write(
            "UPDATE questions SET message_id = ?, poll_id = ?, close_date = ?"
            " WHERE quiz_id = ? AND idx = ?",
            (message_id, poll_id, close_date, quiz_id, index),
        )

    async def question_for_poll(self, poll_id: str) -> tuple[QuizRow, StoredQuestion] | None:
        """The quiz (read afresh: its state changes) and the question a poll of ours asks."""
        found = self._polls.get(poll_id)
        if found is None:
            rows = await self._fetch(
                f"SELECT quiz_id, {_QUESTION_COLUMNS} FROM questions WHERE poll_id = ?",
                (poll_id,),
            )
            if not rows:
                return None
            found = (int(rows[0][0]), _question(rows[0][1:]))
            # A question with its poll id is posted and never changes again, so every answer
            # to it after the first is spared this query and the JSON decoding.
            self._polls[poll_id] = found
            if len(self._polls) > POLL_CACHE_SIZE:
                del self._polls[next(iter(self._polls))]
        quiz = await self.quiz(found[0])
        return None if quiz is None else (quiz, found[1])

    async def question(self, quiz_id: int, index: int) -> tuple[QuizRow, StoredQuestion] | None:
        quiz = await self.quiz(quiz_id)
        if quiz is None:
            return None
        found = [q for q in await self.questions(quiz_id) if q.index == index]
        return (quiz, found[0]) if found else None

    async def record_answer(
        self, quiz_id: int, index: int, user_id: int, choice_index: int, now: float
    ) -> bool:
        """Store a first answer; False if this user had already answered (re-delivery too)."""
        inserted = await self._write(
            "INSERT INTO answers (quiz_id, question_idx, user_id, choice_index, answered_at)"
            " SELECT ?, ?, ?, ?, ? WHERE EXISTS"
            " (SELECT 1 FROM quizzes WHERE id = ? AND state = 'open')"
            " ON CONFLICT DO NOTHING",
            (quiz_id, index, user_id, choice_index, now, quiz_id),
        )
        return inserted > 0

    async def store_answer(
        self, quiz_id: int, index: int, user_id: int, name: str, choice_index: int, now: float
    ) -> tuple[int, int] | None:
        """Store a first answer and its author's name in one transaction.

        None when it was not stored (answered before, re-delivery, or the quiz is not open);
        else how many of the quiz's questions the author has now answered, and how many the
        quiz has, both as of this write.
        """
        # What the usual answer (stored, name unchanged, quiz not finished) needs comes back
        # with the insert: the two counts (a few index lookups) and the stored name.
        async with self.transaction():
            rows = await self._fetch(
                "INSERT INTO answers (quiz_id, question_idx, user_id, choice_index, answered_at)"
                " SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS"
                " (SELECT 1 FROM quizzes WHERE id = ?1 AND state = 'open')"
                " ON CONFLICT DO NOTHING"
                " RETURNING (SELECT COUNT(*) FROM answers a WHERE a.quiz_id = ?1 AND a.user_id = ?3"
                " AND a.question_idx IN (SELECT q.idx FROM questions q WHERE q.quiz_id = ?1)),"
                " (SELECT COUNT(*) FROM questions q WHERE q.quiz_id = ?1),"
                " (SELECT u.name FROM users u WHERE u.user_id = ?3)",
                (quiz_id, index, user_id, choice_index, now),
            )
            if not rows or rows[0][2] != name:
                await self._fetch(
                    "INSERT INTO users (user_id, name, updated_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (user_id) DO UPDATE SET name = excluded.name,"
                    " updated_at = excluded.updated_at WHERE users.name != excluded.name",
                    (user_id, name, now),
                )
        return (int(rows[0][0]), int(rows[0][1])) if rows else None

    async def answers(self, quiz_id: int) -> list[Answer]:
        rows = await self._all(
            "SELECT user_id, question_idx, choice_index, answered_at FROM answers"
            " WHERE quiz_id = ? ORDER BY answered_at, user_id",
            (quiz_id,),
        )
        return [Answer(*r) for r in rows]

    async def answer_count(
        self, quiz_id: int, *, user_id: int | None = None, index: int | None = None
    ) -> int:
        row = await self._one(
            "SELECT COUNT(*) FROM answers WHERE quiz_id = ?"
            " AND (? IS NULL OR user_id = ?) AND (? IS NULL OR question_idx = ?)",
            (quiz_id, user_id, user_id, index, index),
        )
        return int(row[0]) if row else 0

    async def participant_names(self, quiz_id: int) -> dict[int, str]:
        rows = await self._all(
            "SELECT DISTINCT a.user_id, COALESCE(u.name, '?') FROM answers a"
            " LEFT JOIN users u ON u.user_id = a.user_id WHERE a.quiz_id = ?",
            (quiz_id,),
        )
        return {r[0]: r[1] for r in rows}

    async def begin_submission(self, quiz_id: int, status: str, now: float) -> bool:
        """open → submitting; exactly one caller wins however many race to close a quiz."""
        changed = await self._write(
            "UPDATE quizzes SET state = 'submitting', status = ?, closed_at = ?"
            " WHERE id = ? AND state = 'open'",
            (status, now, quiz_id),
        )
        return changed == 1

    async def save_feedback(
        self, quiz_id: int, text: str, citations: Sequence[tuple[int, str]]
    ) -> None:
        await self._write(
            "INSERT INTO feedback (quiz_id, text, citations) VALUES (?, ?, ?)"
            " ON CONFLICT (quiz_id) DO NOTHING",
            (quiz_id, text, json.dumps(list(citations), ensure_ascii=False)),
        )

    async def feedback(self, quiz_id: int) -> tuple[str, list[tuple[int, str]], bool] | None:
        row = await self._one(
            "SELECT text, citations, posted FROM feedback WHERE quiz_id = ?", (quiz_id,)
        )
        if row is None:
            return None
        return row[0], [(int(i), str(f)) for i, f in json.loads(row[1])], bool(row[2])

    async def mark_feedback_posted(self, quiz_id: int) -> None:
        await self._write("UPDATE feedback SET posted = 1 WHERE quiz_id = ?", (quiz_id,))

    async def set_state(
        self,
        quiz_id: int,
        state: str,
        *,
        error: str | None = None,
        only_from: Sequence[str] = LIVE_STATES,
    ) -> bool:
        placeholders = ", ".join("?" for _ in only_from)
        changed = await self._write(
            f"UPDATE quizzes SET state = ?, error = COALESCE(?, error),"
            f" closed_at = COALESCE(closed_at, strftime('%s','now'))"
            f" WHERE id = ? AND state IN ({placeholders})",
            (state, error, quiz_id, *only_from),
        )
        return changed == 1

    # documents

    async def chat_library(self, chat_id: int) -> str | None:
        """The chat's vector store id, if it has one."""
        row = await self._one(
            "SELECT vector_store_id FROM chat_libraries WHERE chat_id = ?", (chat_id,)
        )
        return None if row is None else str(row[0])

    async def set_chat_library(self, chat_id: int, vector_store_id: str, now: float) -> None:
        await self._write(
            "INSERT INTO chat_libraries (chat_id, vector_store_id, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET vector_store_id = excluded.vector_store_id,"
            " created_at = excluded.created_at",
            (chat_id, vector_store_id, now),
        )

    async def drop_chat_library(self, chat_id: int) -> None:
        await self._write("DELETE FROM chat_libraries WHERE chat_id = ?", (chat_id,))

    async def create_document(
        self,
        *,
        chat_id: int,
        uploader_id: int,
        request_key: str,
        file_name: str,
        size: int,
        now: float,
    ) -> DocumentRow | None:
        """A new document in state `downloading`; None when this message was seen before."""
        doc_id = await self._db.insert(
            "INSERT INTO documents (chat_id, uploader_id, request_key, file_name, size, state,"
            " created_at) VALUES (?, ?, ?, ?, ?, 'downloading', ?)"
            " ON CONFLICT (request_key) DO NOTHING",
            (chat_id, uploader_id, request_key, file_name, size, now),
        )
        return None if doc_id is None else await self.document(doc_id)

    async def document(self, doc_id: int) -> DocumentRow | None:
        row = await self._one(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,))
        return None if row is None else DocumentRow(*row)

    async def documents(self, chat_id: int) -> list[DocumentRow]:
        """The chat's documents, oldest first (the numbering /docs and /forget use)."""
        rows = await self._all(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE chat_id = ? ORDER BY id", (chat_id,)
        )
        return [DocumentRow(*r) for r in rows]

    async def has_ready_documents(self, chat_id: int) -> bool:
        row = await self._one(
            "SELECT 1 FROM documents WHERE chat_id = ? AND state = 'ready' LIMIT 1", (chat_id,)
        )
        return row is not None

    async def update_document(
        self,
        doc_id: int,
        state: str,
        *,
        size: int | None = None,
        openai_file_id: str | None = None,
        vector_store_id: str | None = None,
        error: str | None = None,
    ) -> None:
        await self._write(
            "UPDATE documents SET state = ?, size = COALESCE(?, size),"
            " openai_file_id = COALESCE(?, openai_file_id),"
            " vector_store_id = COALESCE(?, vector_store_id), error = ? WHERE id = ?",
            (state, size, openai_file_id, vector_store_id, error, doc_id),
        )

    async def delete_document(self, doc_id: int) -> None:
        await self._write("DELETE FROM documents WHERE id = ?", (doc_id,))

    async def cancel_live_quizzes(self, chat_id: int, reason: str) -> int:
        """The chat is gone for us (bot removed or blocked): nothing there can finish."""
        return await self._write(
            "UPDATE quizzes SET state = 'cancelled', error = ?,"
            " closed_at = COALESCE(closed_at, strftime('%s','now'))"
            " WHERE chat_id = ? AND state IN (?, ?, ?)",
            (reason, chat_id, *LIVE_STATES),
        )

    async def open_writing(self, quiz_id: int, title: str, now: float) -> bool:
        """Open a quiz whose questions are still being written (streamed); see add_question."""
        changed = await self._write(
            "UPDATE quizzes SET state = 'open', writing = 1, title = ?, opened_at = ?"
            " WHERE id = ? AND state = 'generating'",
            (title, now, quiz_id),
        )
        return changed == 1

    async def add_question(
        self,
        quiz_id: int,
        index: int,
        question: Question,
        order: Sequence[int],
        style: str,
        model_index: int,
    ) -> None:
        await self._write(
            "INSERT INTO questions (quiz_id, idx, text, choices, answer_index, explanation,"
            " source_file, source_quote, quote_verified, display_order, style, model_index)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
            (
                quiz_id,
                index,
                question.text,
                json.dumps(question.choices, ensure_ascii=False),
                question.answer_index,
                question.explanation,
                question.source_file,
                question.source_quote,
                None if question.quote_verified is None else int(question.quote_verified),
                json.dumps(list(order)),
                style,
                model_index,
            ),
        )

    async def finish_writing(self, quiz_id: int) -> None:
        """All questions are in: the quiz may now complete, with as many as were kept."""
        await self._write(
            "UPDATE quizzes SET writing = 0,"
            " num_questions = (SELECT COUNT(*) FROM questions WHERE quiz_id = ?) WHERE id = ?",
            (quiz_id, quiz_id),
        )
