"""What documents may cost: daily limits per person and chat, the library's size, and a
fair bound on transfers, all checked before anything is downloaded or uploaded."""

from __future__ import annotations

from fakes.openai_server import FakeOpenAI
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from tests.conftest import BotFactory
from tests.harness import RunningBot

ANNA = User(701, "Anna", language_code="en")
ANNA_CHAT = Chat(701, "private")
BEN = User(702, "Ben", language_code="en")
BEN_CHAT = Chat(702, "private")


def notes(i: int) -> bytes:
    return f"Lecture {i}: the Calvin cycle takes place in the stroma.\n".encode()


def text_of(call: Call) -> str:
    return str(call.params.get("text", ""))


def uploads(oa: FakeOpenAI) -> list[str]:
    """The uploaded files' names, in the order OpenAI got them."""
    return [str(f.obj["filename"]) for f in oa.files.values()]


async def test_a_burst_of_sixty_documents_uploads_only_the_daily_quota(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    for i in range(60):
        tg.user_sends_document(ANNA_CHAT, ANNA, f"lecture{i}.txt", "text/plain", notes(i))
    # The default USER_DOCUMENTS_PER_DAY is 20.
    refusals = await tg.wait_for(
        "sendMessage",
        count=40,
        predicate=lambda c: "today's limit of 20 documents" in text_of(c),
        timeout=30,
    )
    await tg.wait_for(
        "editMessageText", count=20, predicate=lambda c: "is ready" in text_of(c), timeout=30
    )
    assert len(uploads(oa)) == 20
    # Refused before the download: Telegram was only asked for the twenty.
    assert len(tg.calls_of("getFile")) == 20
    assert all("resets at midnight UTC (in " in text_of(c) for c in refusals)
    assert len(await bot.services.repo.documents.of_chat(ANNA_CHAT.id)) == 20


async def test_a_full_library_refuses_until_a_document_is_removed(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    # Two instead of the default hundred, so the test need not send a hundred documents.
    async with make_bot(CHAT_MAX_DOCUMENTS="2"):
        for i in range(2):
            tg.user_sends_document(ANNA_CHAT, ANNA, f"lecture{i}.txt", "text/plain", notes(i))
            await tg.wait_for(
                "editMessageText", count=i + 1, predicate=lambda c: "is ready" in text_of(c)
            )
        tg.user_sends_document(ANNA_CHAT, ANNA, "lecture2.txt", "text/plain", notes(2))
        [full] = await tg.wait_for(
            "sendMessage", predicate=lambda c: "library is full (2 documents)" in text_of(c)
        )
        assert "/forget N" in text_of(full)
        assert len(tg.calls_of("getFile")) == 2 and len(uploads(oa)) == 2

        tg.user_sends(ANNA_CHAT, ANNA, "/forget 1")
        await tg.wait_for("sendMessage", predicate=lambda c: "Removed" in text_of(c))
        tg.user_sends_document(ANNA_CHAT, ANNA, "lecture3.txt", "text/plain", notes(3))
        await tg.wait_for("editMessageText", count=3, predicate=lambda c: "is ready" in text_of(c))
        assert uploads(oa)[-1] == "lecture3.txt"


async def test_the_daily_bytes_limit_refuses_before_the_download(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    # A kilobyte instead of the default 200 MB, so small test files can reach it.
    async with make_bot(USER_DOCUMENT_BYTES_PER_DAY="1000"):
        tg.user_sends_document(ANNA_CHAT, ANNA, "big.txt", "text/plain", b"x" * 800)
        await tg.wait_for("editMessageText", predicate=lambda c: "is ready" in text_of(c))
        tg.user_sends_document(ANNA_CHAT, ANNA, "more.txt", "text/plain", b"y" * 300)
        [refusal] = await tg.wait_for(
            "sendMessage", predicate=lambda c: "past today's limit of" in text_of(c)
        )
        assert "more.txt" in text_of(refusal) and "resets at midnight UTC" in text_of(refusal)
        assert len(tg.calls_of("getFile")) == 1 and uploads(oa) == ["big.txt"]
        # A smaller one still fits.
        tg.user_sends_document(ANNA_CHAT, ANNA, "small.txt", "text/plain", b"z" * 100)
        await tg.wait_for("editMessageText", count=2, predicate=lambda c: "is ready" in text_of(c))


async def test_one_persons_burst_does_not_hold_up_anothers_upload(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    # Uploads take a moment, so that they would overlap if nothing bounded them.
    for _ in range(7):
        oa.delay_next(0.3, path="/files")
    for i in range(6):
        tg.user_sends_document(ANNA_CHAT, ANNA, f"anna{i}.txt", "text/plain", notes(i))
    tg.user_sends_document(BEN_CHAT, BEN, "ben.txt", "text/plain", notes(99))
    await tg.wait_for(
        "editMessageText", count=7, predicate=lambda c: "is ready" in text_of(c), timeout=30
    )
    # Anna's six go one at a time (USER_DOCUMENT_TRANSFERS=1); Ben's goes alongside.
    assert oa.peak_in_flight["/v1/files"] == 2
    assert "ben.txt" in uploads(oa)[:2]
