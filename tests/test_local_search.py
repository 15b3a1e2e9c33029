"""Local document search below the bot: taking the text out of real files, cutting it into
chunks, and the SQLite FTS5 index (BM25) behind the ChunkIndex interface."""

from __future__ import annotations

import pytest

from fakes.study_files import docx_file, pptx_file, scanned_pdf, text_pdf
from quiz.states import DocumentState
from services.extraction import (
    CHUNK_CHARS,
    ExtractionError,
    Page,
    chunk_pages,
    extract,
    extract_pages,
)
from storage import Repository
from storage.chunks import Chunk, match_query
from tests.conftest import DATABASES, chosen_database


@pytest.fixture(params=DATABASES)
def database(request: pytest.FixtureRequest) -> str | None:
    """Every test of this module that uses the repository runs on both databases."""
    return chosen_database(request)


@pytest.fixture
def repo(open_repo: Repository) -> Repository:
    return open_repo


def test_pdf_pages_keep_their_numbers() -> None:
    pages = extract_pages(".pdf", text_pdf([["First page."], ["Second (page) text."]]))
    assert [(p.number, p.text.strip()) for p in pages] == [
        (1, "First page."),
        (2, "Second (page) text."),
    ]


def test_a_scan_without_a_text_layer_is_told_apart() -> None:
    with pytest.raises(ExtractionError) as caught:
        extract_pages(".pdf", scanned_pdf(3))
    assert caught.value.key == "doc_scanned"


def test_word_powerpoint_html_and_text() -> None:
    [word] = extract_pages(".docx", docx_file(["One.", "Two."]))
    assert (word.number, word.text) == (None, "One.\nTwo.")
    slides = extract_pages(".pptx", pptx_file([["Title"], ["Body text"]]))
    assert [(s.number, s.text) for s in slides] == [(1, "Title"), (2, "Body text")]
    [html] = extract_pages(".html", b"<p>Shown</p><script>hidden()</script><style>x</style>")
    assert html.text.split() == ["Shown"]
    assert [p.number for p in extract_pages(".txt", b"page one\fpage two")] == [1, 2]


def test_unreadable_empty_and_old_word_files_each_have_their_reason() -> None:
    for ext, data, key in (
        (".pdf", b"%PDF-1.4 broken", "doc_unreadable"),
        (".txt", b"   \n ", "doc_no_text"),
        (".doc", b"\xd0\xcf\x11\xe0", "doc_unsupported_here"),
    ):
        with pytest.raises(ExtractionError) as caught:
            extract_pages(ext, data)
        assert caught.value.key == key


def test_chunks_overlap_stay_in_size_and_never_span_pages() -> None:
    words = [f"w{i}" for i in range(2000)]
    chunks = chunk_pages([Page(4, " ".join(words)), Page(5, "short page")])
    assert all(len(c.text) <= CHUNK_CHARS for c in chunks)
    assert {c.page for c in chunks[:-1]} == {4} and chunks[-1] == Chunk(5, "short page")
    first, second = chunks[0].text.split(), chunks[1].text.split()
    # The next chunk starts inside the previous one: a sentence cut at the end is whole there.
    assert second[0] in first and first[-1] in second
    # Every word is in some chunk.
    assert {w for c in chunks for w in c.text.split()} >= set(words)


async def test_extraction_runs_in_a_child_process_and_is_stopped_in_time() -> None:
    chunks = await extract(".pdf", text_pdf([["Alpha beta gamma."]]), 60)
    assert chunks == [Chunk(1, "Alpha beta gamma.")]
    big = text_pdf([[f"line {i} of page {n}" for i in range(40)] for n in range(300)])
    with pytest.raises(ExtractionError) as caught:
        await extract(".pdf", big, 0.05)
    assert caught.value.key == "doc_extract_timeout"


def test_a_topic_cannot_be_fts_syntax() -> None:
    assert (
        match_query('cells" OR (x NEAR y) AND -z*')
        == '"cells" OR "or" OR "x" OR "near" OR "y" OR "and" OR "z"'
    )
    assert match_query("?!") is None


async def _document(repo: Repository, chat_id: int, name: str, texts: list[str]) -> int:
    row = await repo.documents.create_document(
        chat_id=chat_id,
        uploader_id=1,
        request_key=f"{chat_id}:{name}",
        file_name=name,
        size=1,
        now=0,
    )
    assert row is not None
    chunks = [Chunk(n, t) for n, t in enumerate(texts, start=1)]
    await repo.chunks.add_chunks(row.id, chat_id, chunks)
    await repo.documents.update_document(row.id, DocumentState.READY)
    return row.id


async def test_search_ranks_by_bm25_within_the_chat_and_ready_documents(repo: Repository) -> None:
    await _document(repo, 1, "a.pdf", ["Granite is rock.", "Enzymes speed up reactions."])
    await _document(repo, 1, "b.pdf", ["Enzymes, enzymes: enzymes everywhere."])
    await _document(repo, 2, "other.pdf", ["Enzymes in another chat."])
    found = await repo.chunks.search_chunks(1, "enzymes", 5)
    assert [(f.file_name, f.page) for f in found] == [("b.pdf", 1), ("a.pdf", 2)]
    failed = await _document(repo, 1, "c.pdf", ["Enzymes in a failed document."])
    await repo.documents.update_document(failed, DocumentState.FAILED, error="x")
    assert len(await repo.chunks.search_chunks(1, "enzymes", 5)) == 2
    assert await repo.chunks.search_chunks(1, "photosynthesis", 5) == []


async def test_spread_covers_the_whole_library_and_forgetting_drops_the_index(
    repo: Repository,
) -> None:
    doc = await _document(repo, 1, "book.pdf", [f"Page {n} topic{n}" for n in range(1, 101)])
    spread = await repo.chunks.spread_chunks(1, 5)
    assert [f.page for f in spread] == [11, 31, 51, 71, 91]
    assert len(await repo.chunks.spread_chunks(1, 500)) == 100
    await repo.documents.delete_document(doc)
    assert await repo.chunks.count_chunks(1) == 0
    assert await repo.chunks.search_chunks(1, "topic7", 5) == []
