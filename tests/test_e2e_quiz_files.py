"""Quizzes as files (issue 25): a CSV or TSV import, /export, and study cards for Anki."""

from __future__ import annotations

from fakes.openai_server import FakeOpenAI
from fakes.telegram_server import Chat, FakeTelegram, User
from tests.harness import RunningBot
from tests.test_e2e_library import MINSU, owner_makes_quiz

ANNA = User(602, "Anna", language_code="en")
PRIVATE = Chat(ANNA.id)

GOOD = (
    "question,choice1,choice2,choice3,answer,explanation,source\n"
    "Capital of France?,Lyon,Paris,Nice,2,Paris is the capital.,atlas.pdf\n"
    "Largest planet?,Earth,Jupiter,,Jupiter,,\n"
)


def replies(tg: FakeTelegram, chat_id: int) -> list[str]:
    return [
        c.params.get("text", "")
        for c in tg.calls_of("sendMessage")
        if c.params["chat_id"] == chat_id and c.ok
    ]


async def reply_with(tg: FakeTelegram, chat_id: int, needle: str) -> str:
    [found] = await tg.wait_for(
        "sendMessage",
        predicate=lambda c: c.params["chat_id"] == chat_id and needle in c.params["text"],
    )
    return str(found.params["text"])


def tick(bot: RunningBot) -> None:
    """Past the chat's cooldown between two quizzes (an import counts as one)."""
    now = bot.services.clock() + 3600
    bot.services.clock = lambda: now


async def test_a_good_csv_is_imported_checked_and_played(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.user_sends_document(PRIVATE, ANNA, "world_capitals.csv", "text/csv", GOOD.encode())
    done = await reply_with(tg, ANNA.id, "Imported")
    assert "<b>world capitals</b>: 2 questions, #1" in done
    # The keys were checked by one solve; nothing was written.
    assert len(oa.solve_requests) == 1 and not oa.writer_requests

    tick(bot)
    tg.user_sends(PRIVATE, ANNA, "/play 1")
    polls = await tg.wait_for("sendPoll", count=2)
    assert polls[0].params["question"].endswith("Capital of France?")
    texts = [o["text"] for o in polls[0].params["options"]]
    assert polls[0].params["correct_option_ids"] == [texts.index("Paris")]
    assert not oa.writer_requests


async def test_every_bad_row_is_named_and_nothing_is_imported(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    text = (
        "question\tchoice1\tchoice2\tanswer\n"
        "Fine?\tyes\tno\t1\n"
        "Bad key?\tyes\tno\t7\n"
        "Twins?\tsame\tsame\t1\n"
    )
    tg.user_sends_document(PRIVATE, ANNA, "mine.tsv", "text/tab-separated-values", text.encode())
    refused = await reply_with(tg, ANNA.id, "Nothing was imported")
    assert "Row 3:" in refused and "Row 4:" in refused and "Row 2:" not in refused
    assert not oa.solve_requests
    tg.user_sends(PRIVATE, ANNA, "/myquizzes")
    await reply_with(tg, ANNA.id, "library is empty")


async def test_a_planted_wrong_key_is_disputed_by_the_solve(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    oa.solver_picks("Capital of France", "Paris", 0.95)
    wrong = GOOD.replace("Nice,2,", "Nice,1,")  # Lyon
    tg.user_sends_document(PRIVATE, ANNA, "capitals.csv", "text/csv", wrong.encode())
    disputed = await reply_with(tg, ANNA.id, "independent check")
    assert "Row 2: &#x27;Paris&#x27;, not &#x27;Lyon&#x27;" in disputed
    assert "Row 3" not in disputed
    tg.user_sends(PRIVATE, ANNA, "/export")
    await reply_with(tg, ANNA.id, "nothing to export")


async def test_an_export_imports_back_unchanged_and_cards_go_to_anki(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    await owner_makes_quiz(tg, oa)
    tg.user_sends(Chat(MINSU.id), MINSU, "/export")
    [exported] = await tg.wait_for("sendDocument")
    upload = exported.params["document"]
    assert upload.filename.endswith(".csv")
    first = upload.data.decode()
    assert first.startswith("question,choice1,choice2,choice3,choice4,answer,explanation,source")
    assert "수원 화성" in first

    tick(bot)
    tg.user_sends_document(Chat(MINSU.id), MINSU, upload.filename, "text/csv", upload.data)
    await reply_with(tg, MINSU.id, "#2")
    tg.user_sends(Chat(MINSU.id), MINSU, "/export 2")
    [_, again] = await tg.wait_for("sendDocument", count=2)
    assert again.params["document"].data == upload.data

    tg.user_sends(Chat(MINSU.id), MINSU, "/export cards")
    [*_, cards] = await tg.wait_for("sendDocument", count=3)
    notes = cards.params["document"].data.decode().splitlines()
    assert notes[:3] == ["#separator:Comma", "#html:true", "#columns:Front,Back"]
    assert len(notes) == 3 + 3  # one note per question answered


async def test_another_csv_goes_to_the_documents(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.user_sends_document(PRIVATE, ANNA, "people.csv", "text/csv", b"name,email\nA,a@x\n")
    # As before imports existed: the documents' own answer (CSV is not a searchable type).
    answer = await reply_with(tg, ANNA.id, "people.csv")
    assert "not searchable" in answer
    assert not any("Imported" in t for t in replies(tg, ANNA.id))


async def test_an_import_counts_as_a_quiz_towards_the_limits(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    # Flooding imports costs the sender their own quizzes: the cooldown and daily limits.
    tg.user_sends_document(PRIVATE, ANNA, "a.csv", "text/csv", GOOD.encode())
    await reply_with(tg, ANNA.id, "Imported")
    tg.user_sends_document(PRIVATE, ANNA, "b.csv", "text/csv", GOOD.encode())
    await reply_with(tg, ANNA.id, "before starting another quiz")
    assert len(oa.solve_requests) == 1
    assert sum("Imported" in t for t in replies(tg, ANNA.id)) == 1
