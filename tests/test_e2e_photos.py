"""Photos of study material: the model reads the picture (sent inline, never as a Telegram
file URL), and the text it writes down becomes one of the chat's documents."""

from __future__ import annotations

import base64
import json
from typing import Any

from fakes import BOT_TOKEN
from fakes.openai_server import FakeOpenAI, message_item
from fakes.telegram_server import BOT_USERNAME, Call, Chat, FakeTelegram, User
from tests.harness import RunningBot, eventually
from tests.test_e2e_local_documents import no_files_api

ANNA = User(621, "Anna", language_code="en")
PRIVATE = Chat(621, "private")
GROUP = Chat(-100621, "supergroup", title="Study group")
BEN = User(622, "Ben", language_code="en")

PAGE = b"\xff\xd8\xff\xe0" + b"textbook page pixels " * 40
BOARD = b"\xff\xd8\xff\xe0" + b"whiteboard pixels " * 40
PAGE_TEXT = (
    "The Krebs cycle takes place in the mitochondrial matrix.\n"
    "Each turn of the cycle releases two molecules of carbon dioxide."
)
BOARD_TEXT = "Glycolysis splits glucose into two molecules of pyruvate in the cytoplasm."
QUOTE = "The Krebs cycle takes place in the mitochondrial matrix"

KREBS_QUIZ: dict[str, Any] = {
    "title": "The Krebs cycle",
    "questions": [
        {
            "question_text": "Where does the Krebs cycle take place?",
            "choices": ["In the mitochondrial matrix", "In the nucleus", "In the cell wall"],
            "answer_index": 0,
            "explanation": "It runs in the mitochondrial matrix.",
            "source_file": "Photo",
            "source_quote": QUOTE,
        },
        {
            "question_text": "How many CO2 molecules does one turn release?",
            "choices": ["Two", "Five", "None"],
            "answer_index": 0,
            "explanation": "Each turn releases two molecules of carbon dioxide.",
            "source_file": "Photo",
            "source_quote": "releases two molecules of carbon dioxide",
        },
    ],
}


def reads_photos(oa: FakeOpenAI, texts: dict[bytes, str], times: int = 1) -> None:
    """The model's turns that read a photo: the text of the picture it was shown."""

    def read(body: dict[str, Any], _context: list[dict[str, Any]]) -> list[dict[str, Any]]:
        [image] = [p for p in body["input"][0]["content"] if p["type"] == "input_image"]
        data = base64.b64decode(image["image_url"].split(",", 1)[1])
        return [message_item(texts[data])]

    for _ in range(times):
        oa.queue_handler(read)


def image_requests(oa: FakeOpenAI) -> list[dict[str, Any]]:
    return [r.json for r in oa.requests_to("/responses", "POST") if "input_image" in str(r.json)]


async def ready(tg: FakeTelegram, count: int = 1) -> list[Call]:
    return await tg.wait_for(
        "editMessageText", count=count, predicate=lambda c: "is ready" in str(c.params["text"])
    )


async def test_a_photo_is_read_by_the_model_and_grounds_the_next_quiz(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    no_files_api(oa)
    reads_photos(oa, {PAGE: PAGE_TEXT})
    tg.user_sends_photo(PRIVATE, ANNA, PAGE, caption="Krebs cycle")
    [done] = await ready(tg)
    assert "Krebs cycle" in done.params["text"]

    # The largest size went to the model as an inline base64 image; nothing else did.
    assert oa.images == [("image/jpeg", PAGE)]
    [request] = image_requests(oa)
    assert request["store"] is False
    sent = json.dumps(request)
    assert base64.b64encode(PAGE).decode() in sent
    assert "/file/bot" not in sent and BOT_TOKEN not in sent
    [doc] = await bot.services.repo.documents.of_chat(PRIVATE.id)
    assert (doc.file_name, doc.state) == ("Krebs cycle.txt", "ready")

    oa.queue_function_call("generate_quiz", KREBS_QUIZ)
    oa.queue_message("Well done!")
    tg.user_sends(PRIVATE, ANNA, "/quiz 2 the Krebs cycle")
    polls = await tg.wait_for("sendPoll", count=2)
    # The transcription is what the quiz is written from, and what quotes are checked with.
    assert PAGE_TEXT.split("\n")[0] in oa.writer_requests[-1].json["input"][0]["content"]
    descriptions = {p.result["poll"].get("description") for p in polls}
    assert f"📄 Krebs cycle.txt: “{QUOTE}”" in descriptions


async def test_a_caption_quiz_command_starts_the_quiz_at_once(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    no_files_api(oa)
    reads_photos(oa, {PAGE: PAGE_TEXT})
    oa.queue_function_call("generate_quiz", KREBS_QUIZ)
    oa.queue_message("Well done!")
    tg.user_sends_photo(PRIVATE, ANNA, PAGE, caption="/quiz 2")
    polls = await tg.wait_for("sendPoll", count=2)
    [doc] = await bot.services.repo.documents.of_chat(PRIVATE.id)
    # A caption that only asks for a quiz does not name the document.
    assert doc.file_name.startswith("Photo, 20") and doc.file_name.endswith(".txt")
    assert PAGE_TEXT.split("\n")[0] in oa.writer_requests[-1].json["input"][0]["content"]
    assert len(polls) == 2


async def test_an_album_becomes_numbered_pages_and_a_bare_number_starts_the_quiz(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    no_files_api(oa)
    reads_photos(oa, {PAGE: PAGE_TEXT, BOARD: BOARD_TEXT}, times=2)
    oa.queue_function_call("generate_quiz", KREBS_QUIZ)
    oa.queue_message("Well done!")
    tg.user_sends_photo(PRIVATE, ANNA, PAGE, caption="2", media_group_id="al1")
    tg.user_sends_photo(PRIVATE, ANNA, BOARD, media_group_id="al1")
    await tg.wait_for("sendPoll", count=2)
    names = [d.file_name for d in await bot.services.repo.documents.of_chat(PRIVATE.id)]
    assert [n.split(", ", 2)[2] for n in names] == ["page 1.txt", "page 2.txt"]
    assert all(n.startswith("Photo, 20") for n in names)
    # The quiz waited for the whole album: both pages were there to draw on.
    content = oa.writer_requests[-1].json["input"][0]["content"]
    assert BOARD_TEXT in content and PAGE_TEXT.split("\n")[0] in content


async def test_with_openai_search_the_transcription_is_the_uploaded_file(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    reads_photos(oa, {BOARD: BOARD_TEXT})
    tg.user_sends_photo(PRIVATE, ANNA, BOARD)
    await ready(tg)
    [(file_id, stored)] = oa.files.items()
    name = stored.obj["filename"]
    assert name.startswith("Photo, ") and name.endswith(".txt")
    assert oa.file_content(file_id) == BOARD_TEXT.encode()


async def test_a_server_without_image_input_says_so_in_one_sentence(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    oa.image_input_enabled = False
    tg.user_sends_photo(PRIVATE, ANNA, PAGE)
    [told] = await tg.wait_for(
        "editMessageText", predicate=lambda c: "cannot read pictures" in str(c.params["text"])
    )
    assert "try again" not in told.params["text"].lower()
    [doc] = await bot.services.repo.documents.of_chat(PRIVATE.id)
    assert doc.state == "failed"
    assert not oa.files


async def test_group_photos_are_read_only_when_addressed_to_the_bot(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    no_files_api(oa)
    tg.user_sends_photo(GROUP, BEN, BOARD, caption="my cat")
    reads_photos(oa, {PAGE: PAGE_TEXT})
    tg.user_sends_photo(GROUP, ANNA, PAGE, caption=f"@{BOT_USERNAME} chapter 5")
    await ready(tg)
    [doc] = await bot.services.repo.documents.of_chat(GROUP.id)
    assert doc.file_name == "chapter 5.txt"
    assert oa.images == [("image/jpeg", PAGE)]

    async def no_other_request() -> bool:
        return len(image_requests(oa)) == 1

    await eventually(no_other_request, what="only the addressed photo read")


async def test_an_album_is_named_from_the_first_photos_caption(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    no_files_api(oa)
    reads_photos(oa, {PAGE: PAGE_TEXT, BOARD: BOARD_TEXT}, times=2)
    tg.user_sends_photo(PRIVATE, ANNA, PAGE, caption="Lecture 3", media_group_id="al2")
    tg.user_sends_photo(PRIVATE, ANNA, BOARD, media_group_id="al2")
    await ready(tg, count=2)
    names = [d.file_name for d in await bot.services.repo.documents.of_chat(PRIVATE.id)]
    assert names == ["Lecture 3, page 1.txt", "Lecture 3, page 2.txt"]


async def test_a_group_album_addressed_in_its_caption_is_read_whole(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    no_files_api(oa)
    reads_photos(oa, {PAGE: PAGE_TEXT, BOARD: BOARD_TEXT}, times=2)
    caption = f"@{BOT_USERNAME} Lecture 4"
    tg.user_sends_photo(GROUP, ANNA, PAGE, caption=caption, media_group_id="g1")
    tg.user_sends_photo(GROUP, ANNA, BOARD, media_group_id="g1")
    # Another member's album, not addressed: left alone.
    tg.user_sends_photo(GROUP, BEN, BOARD, caption="holiday", media_group_id="g2")
    tg.user_sends_photo(GROUP, BEN, PAGE, media_group_id="g2")
    await ready(tg, count=2)
    names = [d.file_name for d in await bot.services.repo.documents.of_chat(GROUP.id)]
    assert names == ["Lecture 4, page 1.txt", "Lecture 4, page 2.txt"]
    assert len(oa.images) == 2
