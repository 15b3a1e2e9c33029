"""The documents slice's objects built as the composition root builds them (services/wiring.py):
real stores over the test database, and the other slices they call (the start checks, a
chat's settings, starting and posting a quiz) as the plain functions they are given."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

from fakes.quizdata import quiz_args
from quiz import csv_format
from quiz.states import DocumentState
from quiz.validation import parse_quiz
from services.chat_settings import EffectiveSettings
from services.document_intake import IncomingDocument
from services.document_transfer import DocumentSettings
from services.documents import Documents
from services.errors import UserFacingError
from services.keyed_locks import KeyedLocks
from services.library import Library
from services.library_board import LibraryBoard
from services.photos import MAX_ALBUMS, IncomingPhoto, Photos
from services.quiz_files import QuizFiles
from services.start_request import QuizCommand, StartRequest
from services.waiting import WaitingQuizzes
from settings import Settings
from storage import QuizRow, Repository
from storage.conversation import PendingQuiz
from tests.lifecycle import ScriptedEngine

CHAT, OWNER, TAKER = 5, 1, 2
NOW = 1_000_000.0
# The defaults a user gets.
SETTINGS = Settings.from_env({"TELEGRAM_BOT_TOKEN": "t", "OPENAI_API_KEY": "k"})


def documents(repo: Repository) -> Documents:
    # No OpenAI library: these documents are all on this side (nothing to ask OpenAI about).
    return Documents(
        documents=repo.documents,
        library=None,
        locks=KeyedLocks(),
        clock=lambda: NOW,
        values=DocumentSettings.of(SETTINGS),
    )


def pending(message_id: int) -> PendingQuiz:
    return PendingQuiz(CHAT, 0, "private", OWNER, message_id, "en", 3, "", f"w{message_id}", NOW)


async def test_a_waiting_quiz_starts_once_the_chat_has_a_ready_document(
    open_repo: Repository,
) -> None:
    started: list[StartRequest] = []
    told: list[UserFacingError] = []

    async def start(req: StartRequest) -> None:
        started.append(req)

    async def tell(error: UserFacingError) -> None:
        told.append(error)

    quizzes = WaitingQuizzes(
        documents=documents(open_repo),
        memory=open_repo.chat_memory,
        tell=tell,
        start=start,
        index_timeout=SETTINGS.document_index_timeout,
    )
    await open_repo.chat_memory.add_pending_quiz(pending(7))
    await quizzes.start_waiting(CHAT)
    assert (started, [e.key for e in told]) == ([], ["doc_quiz_no_document"])

    await open_repo.chat_memory.add_pending_quiz(pending(8))
    await quizzes.start_waiting(CHAT, restarted=True)
    assert told[-1].key == "doc_quiz_interrupted"

    doc = await open_repo.documents.create_document(
        chat_id=CHAT, uploader_id=OWNER, request_key="5:1", file_name="a.txt", size=9, now=NOW
    )
    assert doc is not None
    await open_repo.documents.update_document(doc.id, DocumentState.READY)
    await open_repo.chat_memory.add_pending_quiz(pending(9))
    await quizzes.start_waiting(CHAT)
    assert [(r.key, r.command) for r in started] == [("w9", QuizCommand(3, ""))]
    assert len(told) == 2
    # Taken: nothing waits any more.
    await quizzes.start_waiting(None)
    assert len(started) == 1


def request(user_id: int, key: str) -> StartRequest:
    return StartRequest(
        chat_id=CHAT,
        chat_type="private",
        thread_id=None,
        user_id=user_id,
        message_id=1,
        lang="en",
        key=key,
    )


class OtherSlices:
    """What the library and quiz files are given of the other slices, recording the calls."""

    def __init__(self) -> None:
        self.checked: list[str] = []
        self.opened: list[QuizRow] = []

    async def check_start(self, req: StartRequest) -> None:
        self.checked.append(req.key)

    async def chosen(self, chat_id: int) -> EffectiveSettings:
        return EffectiveSettings(style="keyboard", time_limit=60, lang=None, starters="anyone")

    async def open_and_post(self, quiz: QuizRow, parsed: object) -> None:
        self.opened.append(quiz)


def quiz_files(repo: Repository, engine: ScriptedEngine, other: OtherSlices) -> QuizFiles:
    return QuizFiles(
        library=repo.library,
        questions=repo.questions,
        engine=engine,
        check_start=other.check_start,
        chat_settings=other.chosen,
        rng=random.Random(1),
        clock=lambda: NOW,
        max_questions=SETTINGS.max_questions,
        verify=SETTINGS.quiz_verify,
    )


def library(repo: Repository, engine: ScriptedEngine, other: OtherSlices) -> Library:
    return Library(
        library=repo.library,
        questions=repo.questions,
        quizzes=repo.quizzes,
        engine=engine,
        board=LibraryBoard(library=repo.library),
        check_start=other.check_start,
        chat_settings=other.chosen,
        open_and_post=other.open_and_post,
        clock=lambda: NOW,
    )


async def test_an_imported_quiz_is_checked_kept_shared_and_played_again(
    open_repo: Repository,
) -> None:
    args = quiz_args(3, title="Cells")
    engine, other = ScriptedEngine(args), OtherSlices()
    files, kept = quiz_files(open_repo, engine, other), library(open_repo, engine, other)
    text = csv_format.quiz_csv(parse_quiz(json.dumps(args), SETTINGS.max_questions))
    imported = await files.import_quiz(request(OWNER, "5:i"), text=text, file_name="Cells.csv")
    assert (imported.number, imported.problems, other.checked) == (1, (), ["5:i"])

    entry = await kept.newest(OWNER)
    assert entry is not None and entry.number == 1
    token = await kept.share(entry)
    again = await kept.entry(OWNER, 1)
    assert again is not None and await kept.share(again) == token
    assert (await kept.shared(token)) == again

    await kept.play(again, request(TAKER, "5:p"), shared=True)
    assert other.checked == ["5:i", "5:p"]
    played = [(q.starter_id, q.style, q.num_questions) for q in other.opened]
    assert played == [(TAKER, "keyboard", 3)]

    await kept.revoke(again)
    assert await kept.shared(token) is None
    name, data = await files.export_quiz(again)
    assert (name, data.decode()) == ("Cells.csv", text)


def photo(message_id: int, caption: str | None, album: str | None) -> IncomingPhoto:
    return IncomingPhoto(
        chat_id=CHAT,
        chat_title="Biology",
        thread_id=None,
        user_id=OWNER,
        message_id=message_id,
        lang="en",
        file_id=f"photo-{message_id}",
        file_size=1000,
        caption=caption,
        media_group_id=album,
        date=datetime(2026, 1, 2, tzinfo=UTC),
    )


async def test_an_albums_photos_are_its_captions_pages_and_albums_are_the_objects_own() -> None:
    added: list[IncomingDocument] = []

    async def add(doc: IncomingDocument) -> None:
        added.append(doc)

    async def reading(chat_id: int, thread_id: int | None) -> None:
        raise AssertionError("nothing is read here: `add` does not download")

    def photos() -> Photos:
        return Photos(engine=ScriptedEngine(quiz_args(1)), add=add, reading=reading)

    ours = photos()
    await ours.add_photo(photo(1, "Cells @studyquizbot", "g"), "studyquizbot")
    await ours.add_photo(photo(2, None, "g"), "studyquizbot")
    await ours.add_photo(photo(3, None, None), "studyquizbot")
    assert [d.file_name for d in added] == [
        "Cells, page 1.txt",
        "Cells, page 2.txt",
        "Photo, 2026-01-02.txt",
    ]
    assert all(d.transcribe is not None for d in added)
    assert ours.album_noted(CHAT, "g") and not photos().album_noted(CHAT, "g")
    for n in range(MAX_ALBUMS):
        ours.note_album(CHAT, f"later-{n}")
    assert not ours.album_noted(CHAT, "g") and ours.album_noted(CHAT, "later-0")
