"""Odd input gets a reply, never an exception: numbers Python reads its own way, zone names
that are folders or too long, lists longer than a message or caption, and no data at all.
And a finished quiz leaves no lock behind in the process."""

from __future__ import annotations

import time

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import Chat, FakeTelegram, User
from i18n import tr
from quiz.fitting import shown_length
from quiz.states import DocumentState
from tests.harness import RunningBot, eventually
from tests.test_e2e_learning import ANNA, BO, GROUP, _group_quiz
from tests.test_e2e_pending_quiz import NOTES, indexing, slow_indexing

OLA = User(2212, "Ola", language_code="en")
PRIVATE = Chat(OLA.id, "private")


async def test_superscript_two_is_part_of_the_topic_not_a_count(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    default = bot.settings.default_questions
    oa.queue_function_call("generate_quiz", quiz_args(default))
    tg.user_sends(PRIVATE, OLA, "/quiz ² x")
    await tg.wait_for("sendPoll", count=default)
    [request] = oa.writer_requests
    assert "² x" in str(request.json["input"])


async def test_a_huge_count_waiting_for_a_document_is_clamped_not_an_overflow(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    slow_indexing(oa, 1)
    most = bot.settings.max_questions
    oa.queue_function_call("generate_quiz", quiz_args(most))
    tg.user_sends_document(PRIVATE, OLA, "cells.txt", "text/plain", NOTES)
    await tg.wait_for("editMessageText", predicate=indexing)
    # Beyond a SQLite INTEGER, and the waiting quiz keeps what was asked for.
    tg.user_sends(PRIVATE, OLA, "/quiz 99999999999999999999999")
    await tg.wait_for("sendMessage", predicate=lambda c: "starts by itself" in c.params["text"])
    await tg.wait_for("sendPoll", count=most, timeout=10)
    assert any(f"so this one has {most}" in str(c.params.get("text")) for c in tg.calls)


async def test_remind_with_a_folder_or_an_overlong_zone_explains_usage(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    for zone in ("America", "x" * 300):
        before = len(tg.calls_of("sendMessage"))
        tg.user_sends(PRIVATE, OLA, f"/remind 19:00 {zone}")
        calls = await tg.wait_for("sendMessage", count=before + 1)
        assert calls[before].params["text"] == tr("en", "remind_usage")
    assert await bot.services.repo.reminders.reminder(OLA.id) is None


async def test_stats_without_data_is_a_sentence_not_an_empty_chart(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    tg.user_sends(PRIVATE, OLA, "/stats")
    [reply] = await tg.wait_for("sendMessage")
    assert reply.params["text"] == tr("en", "stats_nothing")
    tg.user_sends(GROUP, OLA, "/stats")
    [_, group] = await tg.wait_for("sendMessage", count=2)
    assert group.params["text"].splitlines() == [
        tr("en", "stats_group_header"),
        tr("en", "stats_group_empty"),
    ]
    assert tg.calls_of("sendPhoto") == []


async def test_group_stats_caption_keeps_to_telegram_s_limit(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    svc = bot.services
    now = [time.time()]
    svc.clock = lambda: now[0]
    tg.set_member_count(GROUP.id, 10)
    # Six quizzes with titles as long as a title may be: more than a caption holds.
    for n in range(6):
        await _group_quiz(tg, oa, bot, f"{n} " + "long title " * 30, {BO: [True]})
        now[0] += 60  # past the cooldown
    tg.user_sends(GROUP, ANNA, "/stats")
    [photo] = await tg.wait_for("sendPhoto")
    caption = photo.params["caption"]
    assert shown_length(caption) <= 1024
    lines = caption.splitlines()
    assert lines[-1].startswith("…and ") and lines[-1].endswith(" more")
    assert lines[3].startswith("• ")


async def test_docs_longer_than_a_message_lists_what_fits(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    repo = bot.services.repo
    for n in range(30):
        doc = await repo.documents.create_document(
            chat_id=PRIVATE.id,
            uploader_id=OLA.id,
            request_key=f"{PRIVATE.id}:{n}",
            file_name=f"{n:02d} " + "a very long file name " * 10 + ".txt",
            size=1000,
            now=time.time(),
        )
        assert doc is not None
        await repo.documents.update_document(doc.id, DocumentState.READY)
    tg.user_sends(PRIVATE, OLA, "/docs")
    [listing] = await tg.wait_for("sendMessage")
    text = listing.result["text"]
    assert text.startswith("📚")
    assert "01 a very long" in text
    assert "…and " in text and text.endswith(
        tr("en", "docs_footer").replace("<code>", "").replace("</code>", "")
    )


async def test_finished_quizzes_and_documents_leave_no_lock_behind(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    svc = bot.services
    oa.queue_function_call("generate_quiz", quiz_args(1))
    oa.queue_message("Feedback.")
    tg.user_sends(PRIVATE, OLA, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll")
    tg.user_answers_poll(OLA, poll.result["poll"]["id"], [0])
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == "Feedback.")
    tg.user_sends_document(PRIVATE, OLA, "cells.txt", "text/plain", NOTES)
    await tg.wait_for("editMessageText", predicate=lambda c: "is ready" in c.params["text"])

    async def done() -> bool:
        quiz = await svc.repo.quizzes.quiz(1)
        return quiz is not None and quiz.state == "done"

    await eventually(done)
    assert len(svc.locks) == len(svc.live_locks) == len(svc.library_locks) == 0
