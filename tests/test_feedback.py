"""Feedback formatting: Telegram-safe HTML, split to fit, citations as footnotes."""

from __future__ import annotations

from telegram.constants import MessageLimit

from quiz.feedback import Citation, html_to_plain, to_html_chunks, with_footnotes


def test_raw_markers_never_reach_the_user_and_citations_become_footnotes() -> None:
    text = "The plan targets 2040.【4:0†source】 Parks grow."
    out = with_footnotes(text, [Citation(text.index("【"), "plan.pdf")], "Sources")
    assert "【" not in out and "†" not in out
    assert "2040.[1]" in out
    assert out.endswith("**Sources**\n[1] plan.pdf")


def test_same_file_cited_twice_gets_one_number() -> None:
    out = with_footnotes("a b", [Citation(1, "x.pdf"), Citation(3, "x.pdf")], "S")
    assert out.startswith("a[1] b[1]") and out.count("x.pdf") == 1


def test_markdown_becomes_escaped_html() -> None:
    [chunk] = to_html_chunks("**Right**: 1 < 2 & *why*")
    assert chunk == "<b>Right</b>: 1 &lt; 2 &amp; <i>why</i>"
    assert html_to_plain(chunk) == "Right: 1 < 2 & why"


def test_long_feedback_is_split_on_paragraphs() -> None:
    paragraphs = [f"Paragraph {i}: " + "word " * 150 for i in range(12)]
    chunks = to_html_chunks("\n\n".join(paragraphs))
    assert len(chunks) > 1
    assert all(len(c) <= MessageLimit.MAX_TEXT_LENGTH for c in chunks)
    assert all(c.lstrip().startswith("Paragraph") for c in chunks)
