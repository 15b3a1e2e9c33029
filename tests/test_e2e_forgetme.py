"""/forgetme forgets everything that holds the person, after they alone confirm, and a
group's /forgetme is answered in private (through a link), not in front of the group."""

from __future__ import annotations

import contextlib
import json
import sqlite3

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from i18n import tr
from tests.harness import RunningBot, eventually
from tests.test_e2e_pending_quiz import NOTES, indexing, slow_indexing

EVE = User(7_422_001, "Evelyn", language_code="en")
MAX = User(7_422_002, "Max", language_code="en")
EVE_CHAT = Chat(EVE.id, "private")
GROUP = Chat(-1002242, "supergroup", title="Study group")


async def forget(tg: FakeTelegram, chat: Chat, user: User) -> Call:
    """`user` sends /forgetme in private and confirms; the edit that says it is done."""
    tg.user_sends(chat, user, "/forgetme")
    [ask] = await tg.wait_for(
        "sendMessage", predicate=lambda c: c.params["text"] == tr("en", "forgetme_confirm")
    )
    tg.user_presses(user, chat.id, ask.result["message_id"], f"forget:yes:{user.id}")
    [done] = await tg.wait_for(
        "editMessageText", predicate=lambda c: "deleted your name" in c.params["text"]
    )
    return done


def rows_naming(bot: RunningBot, *values: object) -> list[str]:
    """Every row of every table in which one of `values` appears (a column or in a text),
    read straight from the file, past the bot's own storage code."""
    found = []
    with contextlib.closing(sqlite3.connect(bot.settings.database_path)) as db:
        tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        for (table,) in tables:
            for row in db.execute(f"SELECT * FROM {table}"):
                text = json.dumps([str(v) for v in row], ensure_ascii=False)
                found += [f"{table}: {text[:150]}" for v in values if str(v) in text]
    return found


async def test_forgetme_asks_first_and_then_forgets_every_table_that_holds_the_person(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    svc = bot.services
    # A server without the Conversations API: the bot keeps each quiz's items, answers too.
    oa.conversations_enabled = False
    tg.set_member_count(GROUP.id, 3)
    oa.queue_function_call("generate_quiz", quiz_args(1, title="Stars"))
    oa.queue_message("Well done, Evelyn and Max!")
    tg.user_sends(GROUP, EVE, "/quiz 1 my favourite stars")
    [poll] = await tg.wait_for("sendPoll")
    tg.user_answers_poll(EVE, poll.result["poll"]["id"], [0])
    tg.user_answers_poll(MAX, poll.result["poll"]["id"], [1])
    await tg.wait_for("sendMessage", predicate=lambda c: "Evelyn and Max" in c.params["text"])

    async def done() -> bool:
        quiz = await svc.repo.quizzes.quiz(1)
        return quiz is not None and quiz.state == "done"

    await eventually(done)
    # In private: a text offered as a topic, a document, and a quiz waiting for it.
    tg.user_sends(EVE_CHAT, EVE, "evelyns secret garden")
    await tg.wait_for("sendMessage", predicate=lambda c: "reply_markup" in c.params)
    # Still indexing when the test ends: the quiz waits all along.
    slow_indexing(oa, 15)
    tg.user_sends_document(EVE_CHAT, EVE, "notes.txt", "text/plain", NOTES)
    await tg.wait_for("editMessageText", predicate=indexing)
    tg.user_sends(EVE_CHAT, EVE, "/quiz 2")
    await tg.wait_for("sendMessage", predicate=lambda c: "starts by itself" in c.params["text"])
    assert rows_naming(bot, EVE.id, "Evelyn")

    # In the group: a link to the private chat, and nothing is deleted yet.
    tg.user_sends(GROUP, EVE, "/forgetme")
    [link] = await tg.wait_for(
        "sendMessage", predicate=lambda c: c.params["text"] == tr("en", "forgetme_in_private")
    )
    [[button]] = link.params["reply_markup"]["inline_keyboard"]
    assert button["url"].endswith("?start=forgetme")
    assert not any("forgetme_confirm" in str(c.params) for c in tg.calls)

    # The link sends /start forgetme: the question, with a button only Evelyn can confirm.
    tg.user_sends(EVE_CHAT, EVE, "/start forgetme")
    [ask] = await tg.wait_for(
        "sendMessage", predicate=lambda c: c.params["text"] == tr("en", "forgetme_confirm")
    )
    ask_id = ask.result["message_id"]
    tg.user_presses(MAX, EVE_CHAT.id, ask_id, f"forget:yes:{EVE.id}")
    tg.user_presses(EVE, EVE_CHAT.id, ask_id, f"forget:yes:{MAX.id}", forged=True)
    await tg.wait_for("answerCallbackQuery", count=2)
    toasts = [c.params.get("text") for c in tg.calls_of("answerCallbackQuery")]
    # Max's tap on her button, and her forged tap for Max: neither forgets anyone.
    assert toasts == [tr("en", "forgetme_not_yours"), tr("en", "invalid_button")]
    assert await svc.repo.answers.answer_count(1, user_id=EVE.id) == 1
    assert await svc.repo.answers.answer_count(1, user_id=MAX.id) == 1

    tg.user_presses(EVE, EVE_CHAT.id, ask_id, f"forget:yes:{EVE.id}")
    [finished] = await tg.wait_for(
        "editMessageText", predicate=lambda c: "deleted your name" in c.params["text"]
    )
    assert finished.params["message_id"] == ask_id
    # Nothing names her or carries her id but what quotas need (usage, and the quizzes she
    # started by id only) and her private chat's documents, kept until she removes them with
    # /forget, as she is told. (The inbox holds updates still being handled, such as her
    # document's, and deletes each as it settles.) Her library entries stay as deleted
    # tombstones with no title or link, the starter's id as on the quizzes they stand for,
    # so that the quizzes are not filed again. Today's document reservations stay like the
    # token usage (forgetting resets no quota); older ones are swept at the next document.
    kept: tuple[str, ...] = ("usage:", "quizzes:", "documents:", "chat_libraries:", "inbox:")
    kept += ("library:", "document_quota:")
    left = rows_naming(bot, EVE.id, "Evelyn")
    assert all(r.startswith(kept) for r in left), "\n".join(left)
    assert not [r for r in left if "Evelyn" in r and not r.startswith("inbox:")], left
    tombstones = [r for r in left if r.startswith("library:")]
    assert all(
        json.loads(r.removeprefix("library: ").split("]")[0] + "]")[4] == "1" for r in tombstones
    )
    started = await svc.repo.quizzes.quiz(1)
    assert started is not None and started.topic == ""
    [doc] = await svc.repo.documents.of_chat(EVE_CHAT.id)
    assert doc.uploader_id == 0
    # Max is not forgotten.
    assert await svc.repo.answers.answer_count(1, user_id=MAX.id) == 1
    assert await svc.repo.answers.participant_names(1) == {MAX.id: "Max"}


async def test_keep_my_data_keeps_it(tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot) -> None:
    tg.user_sends(EVE_CHAT, EVE, "evelyns secret garden")
    await tg.wait_for("sendMessage", predicate=lambda c: "reply_markup" in c.params)
    tg.user_sends(EVE_CHAT, EVE, "/forgetme")
    [ask] = await tg.wait_for(
        "sendMessage", predicate=lambda c: c.params["text"] == tr("en", "forgetme_confirm")
    )
    tg.user_presses(EVE, EVE_CHAT.id, ask.result["message_id"], f"forget:no:{EVE.id}")
    [kept] = await tg.wait_for("editMessageText")
    assert kept.params["text"] == tr("en", "forgetme_kept")
    assert rows_naming(bot, "evelyns secret garden")
