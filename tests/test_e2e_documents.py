"""Quizzes on the chat's own documents, end to end through both fakes.

A document sent in chat is downloaded from Telegram, uploaded to OpenAI, attached to the
chat's vector store and reported ready; the next /quiz searches that store and only shows the
source quotes that file_search really returned.
"""

from __future__ import annotations

import json
from typing import Any

from fakes.openai_server import FakeOpenAI, Req
from fakes.telegram_server import BOT_USERNAME, Call, Chat, FakeTelegram, User
from services.document_types import human_size
from tests.conftest import BotFactory
from tests.harness import RunningBot, eventually

ANNA = User(601, "Anna", language_code="en")
PRIVATE = Chat(601, "private")
GROUP = Chat(-100777, "supergroup", title="Bio group")
BEN = User(602, "Ben", language_code="en")
ADMIN = User(603, "Ada", language_code="en")

NOTES = (
    b"Photosynthesis converts light energy into chemical energy.\n"
    b"Chlorophyll   absorbs mostly blue and\nred light, and reflects green light.\n"
    b"The Calvin cycle takes place in the stroma of the chloroplast.\n"
)
REAL_QUOTE = "Chlorophyll absorbs mostly blue and red light"
FAKE_QUOTE = "Photosynthesis happens only at night in desert plants"

DOC_QUIZ: dict[str, Any] = {
    "title": "Photosynthesis notes",
    "questions": [
        {
            "question_text": "Which light does chlorophyll absorb most?",
            "choices": ["Blue and red", "Green", "Infrared"],
            "answer_index": 0,
            "explanation": "Chlorophyll absorbs blue and red light.",
            "source_file": "notes.txt",
            "source_quote": REAL_QUOTE,
        },
        {
            "question_text": "When does photosynthesis happen?",
            "choices": ["In light", "Only at night", "Never"],
            "answer_index": 0,
            "explanation": "It needs light energy.",
            "source_file": "notes.txt",
            "source_quote": FAKE_QUOTE,
        },
    ],
}


def _exact(oa: FakeOpenAI, method: str, path: str) -> list[Req]:
    return [r for r in oa.requests if r.method == method and r.path == f"/v1{path}"]


def _texts(tg: FakeTelegram, method: str) -> list[str]:
    return [str(c.params.get("text", "")) for c in tg.calls_of(method)]


async def _send_ready(tg: FakeTelegram, chat: Chat, user: User, caption: str | None = None) -> Call:
    tg.user_sends_document(chat, user, "notes.txt", "text/plain", NOTES, caption=caption)
    [ready] = await tg.wait_for(
        "editMessageText", predicate=lambda c: "is ready" in str(c.params.get("text"))
    )
    return ready


async def test_document_is_indexed_and_grounds_the_next_quiz(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    ready = await _send_ready(tg, PRIVATE, ANNA)
    assert "notes.txt" in ready.params["text"]
    assert human_size(len(NOTES)) in ready.params["text"]
    # Progress was visible while it worked.
    assert any("Getting" in t for t in _texts(tg, "sendMessage"))
    assert [c.params["action"] for c in tg.calls_of("sendChatAction")][:1] == ["upload_document"]
    assert len(tg.calls_of("getFile")) == 1

    [upload] = _exact(oa, "POST", "/files")
    assert upload.form is not None
    assert upload.form["purpose"] == "assistants"
    assert upload.form["file"]["filename"] == "notes.txt"
    assert upload.form["file"]["content"] == NOTES
    [created] = _exact(oa, "POST", "/vector_stores")
    assert created.json["expires_after"] == {"anchor": "last_active_at", "days": 30}
    assert "Anna" in created.json["name"]
    [store_id] = oa.vector_stores
    [file_id] = oa.files
    [attach] = _exact(oa, "POST", f"/vector_stores/{store_id}/files")
    assert attach.json == {"file_id": file_id}
    # It waited for processing instead of reporting ready at once.
    assert _exact(oa, "GET", f"/vector_stores/{store_id}/files/{file_id}")

    repo = bot.services.repo
    [doc] = await repo.documents.of_chat(PRIVATE.id)
    assert (doc.state, doc.openai_file_id, doc.vector_store_id) == ("ready", file_id, store_id)
    assert await repo.documents.chat_library(PRIVATE.id) == store_id

    # The quiz: file_search over the chat's store, with the retrieved chunks included.
    oa.queue_file_search([{"file_id": file_id, "text": NOTES.decode()}])
    oa.queue_function_call("generate_quiz", DOC_QUIZ)
    feedback = "Question 1: blue and red 【4:0†notes.txt】. Well done!"
    oa.queue_message(
        feedback,
        annotations=[{"file_id": file_id, "filename": "notes.txt", "index": feedback.index("【")}],
    )
    tg.user_sends(PRIVATE, ANNA, "/quiz 2")
    polls = await tg.wait_for("sendPoll", count=2)

    body = oa.writer_requests[0].json
    assert {"type": "file_search", "vector_store_ids": [store_id]} in body["tools"]
    assert body["include"] == ["file_search_call.results"]

    # The explanation keeps the why; the verified source goes into the description.
    assert [p.params["explanation"] for p in polls] == [
        "Chlorophyll absorbs blue and red light.",
        "It needs light energy.",
    ]
    verified = polls[0].result["poll"]["description"]
    assert verified == f"📄 notes.txt: “{REAL_QUOTE}”"
    assert "description" not in polls[1].params
    assert all(p.params["allows_revoting"] is False for p in polls)
    stored = await repo.questions.of_quiz(1)
    assert [sq.question.quote_verified for sq in stored] == [True, False]
    # The unverified quote is kept (flagged), just never shown.
    assert stored[1].question.source_quote == FAKE_QUOTE

    for poll in polls:
        texts = [o["text"] for o in poll.params["options"]]
        right = "Blue and red" if "chlorophyll" in poll.params["question"] else "In light"
        tg.user_answers_poll(ANNA, poll.result["poll"]["id"], [texts.index(right)])
    [posted] = await tg.wait_for(
        "sendMessage", predicate=lambda c: "Well done" in str(c.params.get("text"))
    )
    text = posted.params["text"]
    # file_citation → numbered footnote with the file name; never the raw marker.
    assert "【" not in text and "†" not in text
    assert "[1]" in text and "notes.txt" in text
    assert REAL_QUOTE in text and FAKE_QUOTE not in text
    submit = oa.writer_requests[1].json
    assert json.loads(submit["input"][0]["output"])["status"] == "completed"


async def test_topic_narrows_a_document_quiz(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    await _send_ready(tg, PRIVATE, ANNA)
    oa.queue_function_call("generate_quiz", DOC_QUIZ)
    tg.user_sends(PRIVATE, ANNA, "/quiz 2 the Calvin cycle")
    await tg.wait_for("sendPoll", count=2)
    body = oa.writer_requests[0].json
    assert "the Calvin cycle" in body["input"][0]["content"]
    assert "file_search" in body["input"][0]["content"]
    # No search results came back, so no quote can be shown.
    assert all("description" not in c.params for c in tg.calls_of("sendPoll"))


LONG_NOTES = (
    "The light-dependent reactions happen in the thylakoid membranes, where chlorophyll "
    "captures photons, water is split to release oxygen, and the energy is stored briefly in "
    "ATP and NADPH, which the Calvin cycle in the stroma then spends to fix carbon dioxide."
)


async def test_a_long_verified_quote_appears_whole_in_the_poll_and_when_revealed(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    assert len(LONG_NOTES) > 200
    quiz = json.loads(json.dumps(DOC_QUIZ))
    for q in quiz["questions"]:
        q["source_quote"] = LONG_NOTES
    async with make_bot() as bot:
        tg.user_sends_document(PRIVATE, ANNA, "notes.txt", "text/plain", LONG_NOTES.encode())
        await tg.wait_for(
            "editMessageText", predicate=lambda c: "is ready" in str(c.params.get("text"))
        )
        [file_id] = oa.files
        oa.queue_file_search([{"file_id": file_id, "text": LONG_NOTES}])
        oa.queue_function_call("generate_quiz", quiz)
        oa.queue_message("Fine.")
        tg.user_sends(PRIVATE, ANNA, "/quiz 2")
        polls = await tg.wait_for("sendPoll", count=2)
        for poll in polls:
            assert poll.result["poll"]["description"] == f"📄 notes.txt: “{LONG_NOTES}”"
            assert poll.result["poll"]["description_entities"][0]["type"] == "italic"
        stored = await bot.services.repo.questions.of_quiz(1)
        assert all(sq.question.quote_verified for sq in stored)


async def test_unsupported_and_oversized_documents_are_refused_before_any_upload(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    async with make_bot(DOCUMENT_MAX_BYTES="100"):
        tg.user_sends_document(PRIVATE, ANNA, "setup.exe", "application/octet-stream", b"MZ")
        [refused] = await tg.wait_for(
            "sendMessage", predicate=lambda c: "setup.exe" in str(c.params.get("text"))
        )
        assert "pdf" in refused.params["text"] and "docx" in refused.params["text"]

        tg.user_sends_document(PRIVATE, ANNA, "big.pdf", "application/pdf", b"%PDF" + b"x" * 200)
        [too_big] = await tg.wait_for(
            "sendMessage", predicate=lambda c: "big.pdf" in str(c.params.get("text"))
        )
        assert "too big" in too_big.params["text"] and "100 B" in too_big.params["text"]
    assert not tg.calls_of("getFile")
    assert not oa.requests


async def test_indexing_failure_reports_last_error_and_deletes_the_file(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    oa.vector_store_file_error = {"code": "unsupported_file", "message": "Could not parse it."}
    tg.user_sends_document(PRIVATE, ANNA, "notes.md", "text/markdown", NOTES)
    [failed] = await tg.wait_for(
        "editMessageText", predicate=lambda c: "could not be indexed" in str(c.params.get("text"))
    )
    assert "unsupported_file: Could not parse it." in failed.params["text"]
    assert oa.files == {}
    [doc] = await bot.services.repo.documents.of_chat(PRIVATE.id)
    assert doc.state == "failed" and doc.error == "unsupported_file: Could not parse it."


async def test_forget_removes_the_file_from_the_store_and_openai(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    await _send_ready(tg, PRIVATE, ANNA)
    [store_id] = oa.vector_stores
    [file_id] = oa.files
    tg.user_sends(PRIVATE, ANNA, "/docs")
    [listing] = await tg.wait_for(
        "sendMessage", predicate=lambda c: "documents" in str(c.params.get("text"))
    )
    assert "1. <b>notes.txt</b>" in listing.params["text"] and "ready" in listing.params["text"]

    tg.user_sends(PRIVATE, ANNA, "/forget 1")
    await tg.wait_for("sendMessage", predicate=lambda c: "Removed" in str(c.params.get("text")))
    assert _exact(oa, "DELETE", f"/vector_stores/{store_id}/files/{file_id}")
    assert _exact(oa, "DELETE", f"/files/{file_id}")
    assert oa.files == {} and oa.vector_store_files == {}
    # The last document took the (now empty) store with it.
    assert oa.vector_stores == {}
    assert await bot.services.repo.documents.of_chat(PRIVATE.id) == []
    assert await bot.services.repo.documents.chat_library(PRIVATE.id) is None

    # Without documents or a topic, /quiz asks for a topic again.
    tg.user_sends(PRIVATE, ANNA, "/quiz")
    await tg.wait_for("sendMessage", predicate=lambda c: "Tell me" in str(c.params.get("text")))
    assert not oa.requests_to("/responses")


async def test_group_documents_need_addressing_and_only_uploader_or_admin_remove(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.set_admins(GROUP.id, {ADMIN.id})
    tg.user_sends_document(GROUP, BEN, "chatter.txt", "text/plain", b"not for the bot")
    await _send_ready(tg, GROUP, ANNA, caption=f"for the quiz @{BOT_USERNAME}")
    # The unaddressed document was never fetched.
    assert len(tg.calls_of("getFile")) == 1
    [doc] = await bot.services.repo.documents.of_chat(GROUP.id)
    assert doc.file_name == "notes.txt"

    tg.user_sends(GROUP, BEN, "/forget all")
    await tg.wait_for("sendMessage", predicate=lambda c: "kept" in str(c.params.get("text")))
    assert len(await bot.services.repo.documents.of_chat(GROUP.id)) == 1
    assert len(oa.files) == 1

    tg.user_sends(GROUP, ADMIN, "/forget 1")
    await tg.wait_for("sendMessage", predicate=lambda c: "Removed" in str(c.params.get("text")))
    assert await bot.services.repo.documents.of_chat(GROUP.id) == []
    assert oa.files == {}


async def test_expired_store_is_dropped_and_a_new_one_created(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    await _send_ready(tg, PRIVATE, ANNA)
    [old_store] = oa.vector_stores
    [old_file] = oa.files
    # OpenAI deleted the idle store (files outlive it).
    del oa.vector_stores[old_store]

    async def second_ready() -> bool:
        return len([t for t in _texts(tg, "editMessageText") if "is ready" in t]) == 2

    tg.user_sends_document(PRIVATE, ANNA, "more.txt", "text/plain", NOTES)
    await eventually(second_ready, what="the second document to be ready")
    [new_store] = oa.vector_stores
    assert new_store != old_store and old_file not in oa.files
    docs = await bot.services.repo.documents.of_chat(PRIVATE.id)
    assert [(d.file_name, d.state, d.error) for d in docs] == [
        ("notes.txt", "failed", "expired"),
        ("more.txt", "ready", None),
    ]
