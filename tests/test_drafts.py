"""The feedback's draft: its pace, its text, and that groups and refusals get none."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from itertools import pairwise

import pytest

from fakes.quizdata import quiz_args
from quiz.states import QuizState, SubmissionStatus
from services.context import Services
from services.quiz.drafts import DRAFT_INTERVAL, DRAFT_MIN_NEW_CHARS, FeedbackDraft, draft_text
from services.start_request import QuizCommand, StartRequest
from settings import Settings
from storage import QuizRow, Repository
from tests.lifecycle import RecordingPresenter, ScriptedEngine, features

NOW = 1_000_000.0
FEEDBACK = "**Well done** on question 1【4:0†notes.txt】. " + "You knew the cell parts. " * 10


@pytest.fixture
async def repo() -> AsyncIterator[Repository]:
    repo = await Repository.open(":memory:")
    yield repo
    await repo.close()


async def _quiz(ui: RecordingPresenter, repo: Repository, chat_id: int) -> tuple[Services, QuizRow]:
    engine = ScriptedEngine(quiz_args(1), feedback_text=FEEDBACK)
    env = {"TELEGRAM_BOT_TOKEN": "t", "OPENAI_API_KEY": "k", "OPENAI_STREAM": "false"}
    svc = Services(Settings.from_env(env), repo, engine, clock=lambda: NOW, rng=random.Random(1))
    await features(svc, ui).way_in.opening.start(
        StartRequest(
            chat_id=chat_id,
            chat_type="private" if chat_id > 0 else "supergroup",
            thread_id=None,
            user_id=1,
            message_id=1,
            key=f"{chat_id}:1",
            lang="en",
            command=QuizCommand(1, "cells"),
        ),
    )
    [quiz] = await svc.repo.quizzes.quizzes_in_state(QuizState.OPEN)
    return svc, quiz


def test_a_draft_is_plain_text_without_citation_markers() -> None:
    assert draft_text("**Bold** & <i>x</i>【4:0†no") == "Bold & <i>x</i>"
    assert draft_text("a 【4:0†notes.txt】 b") == "a  b"
    assert draft_text("**Good w") == "Good w"
    assert draft_text("**Good** and `co") == "Good and co"
    long = draft_text("word " * 2000, limit=100)
    assert len(long) <= 100 and long.startswith("…word")


async def test_drafts_follow_at_a_calm_pace_growing_in_order(repo: Repository) -> None:
    ui = RecordingPresenter()
    _, quiz = await _quiz(ui, repo, 10)
    now = [0.0]
    draft = FeedbackDraft(ui, quiz, clock=lambda: now[0])
    text = ""
    for word in ("Hello", " there", " and", " more " * 20, " end"):
        text += word
        await draft(text)
        now[0] += DRAFT_INTERVAL / 2
    shown = [t for _, t in ui.named("draft")]
    # The first text at once; then only after the interval and enough new characters.
    assert shown[0] == "Hello"
    assert len(shown) == 2 and len(shown[1]) - len(shown[0]) >= DRAFT_MIN_NEW_CHARS
    assert all(b.startswith(a) for a, b in pairwise(shown))
    assert {i for i, _ in ui.named("draft")} == {quiz.id}


async def test_a_private_feedback_is_drafted_then_posted_whole(repo: Repository) -> None:
    ui = RecordingPresenter()
    svc, quiz = await _quiz(ui, repo, 10)
    assert await features(svc, ui).way_out.closing.finish(quiz.id, SubmissionStatus.STOPPED)
    names = [n for n, _ in ui.calls]
    assert "draft" in names and names.index("draft") < names.index("feedback")
    [chunks] = ui.named("feedback")
    assert chunks[0].startswith("<b>Well done</b>")


async def test_a_group_gets_no_draft(repo: Repository) -> None:
    ui = RecordingPresenter(members=3)
    svc, quiz = await _quiz(ui, repo, -20)
    assert await features(svc, ui).way_out.closing.finish(quiz.id, SubmissionStatus.STOPPED)
    assert ui.named("draft") == [] and len(ui.named("feedback")) == 1


async def test_a_refused_draft_stops_the_drafting(repo: Repository) -> None:
    ui = RecordingPresenter(drafts_accepted=False)
    svc, quiz = await _quiz(ui, repo, 10)
    assert await features(svc, ui).way_out.closing.finish(quiz.id, SubmissionStatus.STOPPED)
    assert len(ui.named("draft")) == 1 and len(ui.named("feedback")) == 1
