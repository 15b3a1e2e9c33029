"""Quote verification, source display within Telegram's limits, document types and limits."""

from __future__ import annotations

from telegram.constants import FileSizeLimit, MessageLimit, PollLimit

from fakes.telegram_server import parse_html, utf16_len
from quiz.grounding import (
    RetrievedChunk,
    append_block,
    quotes_html,
    source_html,
    verify_quotes,
)
from quiz.model import Question, Quiz
from services.document_types import human_size, supported_extension, upload_name
from settings import Settings

CHUNKS = (
    RetrievedChunk("bio.pdf", "The  mitochondria is\nthe powerhouse of the cell. It makes ATP."),
    RetrievedChunk("chem.md", "Water boils at 100 °C at sea level."),
)


def _q(
    quote: str | None, source: str | None = "bio.pdf", explanation: str = "Because."
) -> Question:
    return Question("q?", ("a", "b"), 0, explanation, source, quote)


def _verified(*questions: Question) -> tuple[Question, ...]:
    return verify_quotes(Quiz("t", questions), CHUNKS).questions


def test_quote_found_with_different_whitespace_and_wrapping_quotes() -> None:
    [q] = _verified(_q("“The mitochondria is the  powerhouse of the cell…”"))
    assert q.quote_verified is True


def test_quote_not_in_any_chunk_is_flagged_and_kept() -> None:
    [q] = _verified(_q("The nucleus is the powerhouse of the cell"))
    assert q.quote_verified is False
    assert q.source_quote == "The nucleus is the powerhouse of the cell"
    assert source_html(q, PollLimit.MAX_DESCRIPTION_CHARACTERS) == ""
    assert quotes_html([q], "Quotes") == ""


def test_no_quote_is_unchecked_and_tiny_quotes_prove_nothing() -> None:
    none, tiny = _verified(_q(None, None), _q("the"))
    assert none.quote_verified is None
    assert tiny.quote_verified is False


def test_right_quote_with_wrong_file_names_the_file_it_came_from() -> None:
    [q] = _verified(_q("Water boils at 100 °C", source="bio.pdf"))
    assert (q.quote_verified, q.source_file) == (True, "chem.md")


def test_source_fits_in_a_poll_description_whole_or_cut_at_a_word() -> None:
    long_quote = "It makes ATP & <heat>. " * 20
    chunks = (RetrievedChunk("b<i>o.pdf", long_quote),)
    [q] = verify_quotes(Quiz("t", (_q(long_quote.strip()),)), chunks).questions
    shown = source_html(q, PollLimit.MAX_DESCRIPTION_CHARACTERS)
    text, _ = parse_html(shown)
    assert len(text) > PollLimit.MAX_EXPLANATION_LENGTH
    assert text == f"📄 b<i>o.pdf: “{long_quote.strip()}”"
    # Where it must be cut: at a word, with an ellipsis, within the limit once parsed.
    short, _ = parse_html(source_html(q, 120))
    assert utf16_len(short) <= 120 and short.endswith("…”")
    kept = short.removeprefix("📄 b<i>o.pdf: “").removesuffix("…”")
    assert long_quote.startswith(kept) and long_quote[len(kept)] in " ."


def test_quotes_block_escapes_html_and_splits_to_fit() -> None:
    chunks = (RetrievedChunk("a<b>.txt", "x < y & z is true here"),)
    [q] = verify_quotes(Quiz("t", (_q("x < y & z is true", "a<b>.txt"),)), chunks).questions
    block = quotes_html([q], "Quotes")
    assert "x &lt; y &amp; z is true" in block and "a&lt;b&gt;.txt" in block
    assert append_block(["hi"], block, 100) == [f"hi\n\n{block}"]
    lines = "\n".join(f"line {i} " + "w" * 50 for i in range(200))
    parts = append_block(["x" * 4000], lines, MessageLimit.MAX_TEXT_LENGTH)
    assert parts[0] == "x" * 4000
    assert all(len(p) <= MessageLimit.MAX_TEXT_LENGTH for p in parts)
    assert "\n".join(parts[1:]) == lines


def test_document_types_by_name_then_mime() -> None:
    assert supported_extension("Notes.PDF", "application/octet-stream") == ".pdf"
    assert supported_extension("page.htm", None) == ".html"
    assert supported_extension("slides.pptx", None) == ".pptx"
    assert supported_extension(None, "text/markdown") == ".md"
    assert supported_extension("photo.jpg", "image/jpeg") is None
    assert supported_extension("archive.zip", "text/plain") is None
    assert upload_name(None, ".md") == "document.md"
    assert upload_name("page.htm", ".html") == "page.htm.html"
    assert human_size(2048) == "2.0 KB" and human_size(12) == "12 B"


def test_document_limit_respects_the_cloud_download_limit() -> None:
    base = {"TELEGRAM_BOT_TOKEN": "1:a", "OPENAI_API_KEY": "sk-x"}
    cloud = Settings.from_env({**base, "DOCUMENT_MAX_BYTES": str(100 * 1024 * 1024)})
    assert cloud.document_limit == FileSizeLimit.FILESIZE_DOWNLOAD
    local = Settings.from_env(
        {
            **base,
            "DOCUMENT_MAX_BYTES": str(100 * 1024 * 1024),
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081",
        }
    )
    assert local.document_limit == 100 * 1024 * 1024
    assert Settings.from_env(base).vector_store_expiry_days == 30
