"""Documents searched on our side (DOCUMENT_SEARCH=local, or auto on a server without Files
and vector stores): real PDF, Word and PowerPoint files, read and indexed by the bot, and a
quiz request that carries the chunks it is written from, each with its file and page."""

from __future__ import annotations

import json
import re
from typing import Any

from fakes.openai_server import FakeOpenAI
from fakes.study_files import docx_file, pptx_file, scanned_pdf, text_pdf
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from tests.conftest import BotFactory
from tests.harness import RunningBot, eventually

ANNA = User(611, "Anna", language_code="en")
PRIVATE = Chat(611, "private")

MARKER = "Mitochondria are the powerhouse of the cell and make most of its ATP."
QUOTE = "Mitochondria are the powerhouse of the cell"
# Pages of filler on other subjects, and page 7 with the marker sentence.
PAGES = [
    [f"Chapter {n}: plate tectonics and the rock cycle, part {n}.", "Granite is igneous rock."]
    for n in range(1, 31)
]
PAGES[6] = ["Chapter 7: the cell.", MARKER, "Ribosomes build proteins."]
PDF = text_pdf(PAGES)

CELL_QUIZ: dict[str, Any] = {
    "title": "The cell",
    "questions": [
        {
            "question_text": "Which organelle makes most of a cell's ATP?",
            "choices": ["Mitochondria", "Ribosomes", "The nucleus"],
            "answer_index": 0,
            "explanation": "Mitochondria make most of the cell's ATP.",
            "source_file": "biology.pdf",
            "source_quote": QUOTE,
        },
        {
            "question_text": "What do ribosomes build?",
            "choices": ["Proteins", "Lipids", "Sugars"],
            "answer_index": 0,
            "explanation": "Ribosomes build proteins.",
            "source_file": "biology.pdf",
            "source_quote": "Ribosomes build proteins.",
        },
    ],
}


def no_files_api(oa: FakeOpenAI) -> None:
    """A local model server (llama.cpp, Ollama, vLLM): no /files, no /vector_stores."""
    oa.files_enabled = False
    oa.vector_stores_enabled = False


async def send_ready(tg: FakeTelegram, name: str, mime: str, data: bytes) -> Call:
    tg.user_sends_document(PRIVATE, ANNA, name, mime, data)
    [ready] = await tg.wait_for(
        "editMessageText",
        predicate=lambda c: "is ready" in str(c.params.get("text")) and name in c.params["text"],
    )
    return ready


async def answer_and_get_feedback(tg: FakeTelegram, polls: list[Call]) -> str:
    for poll in polls:
        texts = [o["text"] for o in poll.params["options"]]
        right = "Mitochondria" if "ATP" in poll.params["question"] else "Proteins"
        tg.user_answers_poll(ANNA, poll.result["poll"]["id"], [texts.index(right)])
    [posted] = await tg.wait_for(
        "sendMessage", predicate=lambda c: "Well done" in str(c.params.get("text"))
    )
    return str(posted.params["text"])


async def test_pdf_is_indexed_here_and_its_page_grounds_the_quiz(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    no_files_api(oa)
    await send_ready(tg, "biology.pdf", "application/pdf", PDF)
    [doc] = await bot.services.repo.documents.of_chat(PRIVATE.id)
    assert doc.state == "ready" and doc.openai_file_id is None
    # The server was asked once (its 404 showed it has no such API); nothing was stored there.
    assert not oa.files and not oa.vector_stores

    oa.queue_function_call("generate_quiz", CELL_QUIZ)
    oa.queue_message("Both right. Well done!")
    tg.user_sends(PRIVATE, ANNA, "/quiz 2 mitochondria and the cell")
    polls = await tg.wait_for("sendPoll", count=2)

    body = oa.writer_requests[0].json
    content = body["input"][0]["content"]
    # The chunk holding page 7's marker sentence travels in the request, named with its page.
    assert MARKER in content and "file: biology.pdf, page 7" in content
    assert "<documents>" in content and "file_search" not in json.dumps(body["tools"])
    # The answer-key check reads the same passages.
    assert oa.solve_requests
    for solve in oa.solve_requests:
        assert MARKER in solve.json["input"][0]["content"]

    descriptions = [p.result["poll"].get("description") for p in polls]
    assert f"📄 biology.pdf, p. 7: “{QUOTE}”" in descriptions
    # File names are set in <code> like anything a link could hide in (a name may carry one).
    feedback = re.sub(r"</?code>", "", await answer_and_get_feedback(tg, polls))
    # The sources under the feedback name the file and the page.
    assert QUOTE in feedback and "biology.pdf, p. 7" in feedback


async def test_without_a_topic_the_quiz_draws_on_the_whole_document(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    # Set so: the default (auto) would find out the same on this full server, but only once
    # the first upload has been refused; "local" never sends a file anywhere.
    async with make_bot(DOCUMENT_SEARCH="local"):
        await send_ready(tg, "biology.pdf", "application/pdf", PDF)
        assert not oa.requests_to("/files") and not oa.requests_to("/vector_stores")
        oa.queue_function_call("generate_quiz", CELL_QUIZ)
        oa.queue_message("Well done!")
        tg.user_sends(PRIVATE, ANNA, "/quiz 2")
        await tg.wait_for("sendPoll", count=2)
    content = oa.writer_requests[0].json["input"][0]["content"]
    pages = {int(p) for p in _pages_in(content)}
    # Chunks from all over the book, not only its start.
    assert len(pages) >= 5 and max(pages) >= 25 and min(pages) <= 5


def _pages_in(content: str) -> list[str]:
    return [line.rsplit("page ", 1)[1] for line in content.splitlines() if ", page " in line]


async def test_local_search_in_stateless_mode_keeps_the_passages_for_the_feedback(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    no_files_api(oa)
    oa.conversations_enabled = False
    async with make_bot(OPENAI_STATE="stateless"):
        await send_ready(tg, "biology.pdf", "application/pdf", PDF)
        oa.queue_function_call("generate_quiz", CELL_QUIZ)
        oa.queue_message("Well done!")
        tg.user_sends(PRIVATE, ANNA, "/quiz 2 mitochondria")
        polls = await tg.wait_for("sendPoll", count=2)
        await answer_and_get_feedback(tg, polls)
    generate, submit = (r.json for r in oa.writer_requests)
    assert generate["store"] is False
    # The feedback turn carries the first turn, passages and all.
    assert MARKER in submit["input"][0]["content"]


async def test_word_and_powerpoint_files_are_read_here(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    no_files_api(oa)
    docx = docx_file(["Osmosis moves water across a membrane.", "Diffusion needs no energy."])
    pptx = pptx_file([["Slide one: enzymes"], ["Enzymes lower the activation energy."]])
    await send_ready(
        tg,
        "notes.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        docx,
    )
    await send_ready(
        tg,
        "slides.pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        pptx,
    )
    found = await bot.services.repo.chunks.search_chunks(PRIVATE.id, "activation", 3)
    assert [(f.file_name, f.page) for f in found] == [("slides.pptx", 2)]
    found = await bot.services.repo.chunks.search_chunks(PRIVATE.id, "osmosis", 3)
    assert [(f.file_name, f.page) for f in found] == [("notes.docx", None)]

    # Forgetting a document takes its chunks out of the index.
    tg.user_sends(PRIVATE, ANNA, "/forget 1")
    await tg.wait_for("sendMessage", predicate=lambda c: "Removed" in str(c.params.get("text")))
    assert await bot.services.repo.chunks.search_chunks(PRIVATE.id, "osmosis", 3) == []


async def test_a_scanned_pdf_is_refused_with_the_advice_to_send_photos(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    no_files_api(oa)
    tg.user_sends_document(PRIVATE, ANNA, "scan.pdf", "application/pdf", scanned_pdf())
    [told] = await tg.wait_for(
        "editMessageText", predicate=lambda c: "scan" in str(c.params.get("text"))
    )
    assert "photos of the pages" in told.params["text"]
    [doc] = await bot.services.repo.documents.of_chat(PRIVATE.id)
    assert doc.state == "failed" and doc.error == "doc_scanned"


async def test_a_scanned_pdf_is_not_uploaded_to_openai_either(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.user_sends_document(PRIVATE, ANNA, "scan.pdf", "application/pdf", scanned_pdf())
    await tg.wait_for(
        "editMessageText", predicate=lambda c: "photos of the pages" in str(c.params.get("text"))
    )
    assert not oa.requests_to("/files")


async def test_help_says_what_leaves_the_machine(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    async with make_bot(DOCUMENT_SEARCH="local"):
        tg.user_sends(PRIVATE, ANNA, "/help")
        [local] = await tg.wait_for("sendMessage")
    assert "only the passages a quiz is written from go to the model" in local.params["text"]

    async def told_twice() -> bool:
        return len(tg.calls_of("sendMessage")) == 2

    async with make_bot(DOCUMENT_SEARCH="openai"):
        tg.user_sends(PRIVATE, ANNA, "/help")
        await eventually(told_twice, what="the second /help")
    assert "OpenAI's vector stores" in tg.calls_of("sendMessage")[1].params["text"]
