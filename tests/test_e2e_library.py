"""The library (issue 25): quizzes kept, played again, shared by link, with a board."""

from __future__ import annotations

import json
import re
from typing import Any

from fakes.openai_server import FakeOpenAI
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from i18n import tr
from quiz import callbacks
from quiz.states import QuizMode
from services.context import BotContext
from services.library import BOARD, OPEN, REVOKE, SHARE, TOGGLE
from storage.chats import ADMINS
from tests.conftest import BotFactory
from tests.harness import RunningBot, eventually
from tests.test_e2e_core import SUWON_QUIZ

MINSU = User(501, "민수", username="minsu", language_code="ko")
ANNA = User(502, "Anna", language_code="en")
BORIS = User(503, "Boris", language_code="en")
GROUP = Chat(-100777, "supergroup", title="Study group")

FEEDBACK = "Feedback on the answers above."
LISTED = callbacks.library_data(OPEN, MINSU.id, 1)
LINK = re.compile(r"https://t\.me/\S+\?start=[\w-]+")


def choice_texts(poll: Call) -> list[str]:
    return [o["text"] for o in poll.params["options"]]


def right_position(poll: Call, quiz: dict[str, Any]) -> int:
    """Where the bot shows the key of the quiz's question this poll asks."""
    q = next(q for q in quiz["questions"] if q["question_text"] in poll.params["question"])
    right = q["choices"][q["answer_index"]].split(". ", 1)[1]
    return choice_texts(poll).index(right)


async def answer_all(
    tg: FakeTelegram, user: User, chat_id: int, quiz: dict[str, Any], right: int, skip: int = 0
) -> None:
    """`user` answers the polls in `chat_id` after the first `skip`: the first `right` ones
    right, the rest wrong."""
    size = len(quiz["questions"])
    polls = await tg.wait_for(
        "sendPoll", count=skip + size, predicate=lambda c: c.params["chat_id"] == chat_id
    )
    for n, poll in enumerate(polls[skip : skip + size]):
        key = right_position(poll, quiz)
        pick = key if n < right else (key + 1) % len(choice_texts(poll))
        tg.user_answers_poll(user, poll.result["poll"]["id"], [pick])


def texts_in(tg: FakeTelegram, chat_id: int) -> list[str]:
    return [
        c.params.get("text", "")
        for c in tg.calls_of("sendMessage")
        if c.params["chat_id"] == chat_id and c.ok
    ]


async def owner_makes_quiz(tg: FakeTelegram, oa: FakeOpenAI) -> Call:
    """민수 takes a written quiz; returns the feedback message with its Share button."""
    oa.queue_function_call("generate_quiz", SUWON_QUIZ)
    oa.queue_message(FEEDBACK)
    tg.user_sends(Chat(MINSU.id), MINSU, "/quiz 3 수원도시기본계획")
    await answer_all(tg, MINSU, MINSU.id, SUWON_QUIZ, right=3)
    share = callbacks.library_data(SHARE, MINSU.id, 1)
    [saved] = await tg.wait_for("sendMessage", predicate=lambda c: share in str(c.params))
    assert FEEDBACK in saved.params["text"]
    return saved


async def share_link(tg: FakeTelegram, saved: Call) -> str:
    data = callbacks.library_data(SHARE, MINSU.id, 1)
    tg.user_presses(MINSU, MINSU.id, saved.result["message_id"], data)
    [shared] = await tg.wait_for("sendMessage", predicate=lambda c: "?start=" in c.params["text"])
    found = LINK.search(shared.params["text"])
    assert found is not None
    buttons = [b for row in shared.params["reply_markup"]["inline_keyboard"] for b in row]
    assert found.group() in [b.get("url") for b in buttons]
    return found.group()


async def test_a_shared_link_plays_the_same_questions_without_writing_them(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    saved = await owner_makes_quiz(tg, oa)
    link = await share_link(tg, saved)
    payload = link.rsplit("=", 1)[1]
    assert len(payload) <= 64 and re.fullmatch(r"[A-Za-z0-9_-]+", payload)
    written = len(oa.written_quizzes)
    requests = len(oa.writer_requests)
    usage = bot.services.repo.usage
    owners = await usage.tokens_since(0, user_id=MINSU.id)

    oa.queue_message("Anna: one right, two wrong.")
    tg.user_opens_link(ANNA, link)
    polls = await tg.wait_for(
        "sendPoll", count=3, predicate=lambda c: c.params["chat_id"] == ANNA.id
    )
    asked = {p.params["question"].split(". ", 1)[1] for p in polls}
    assert asked == {q["question_text"] for q in SUWON_QUIZ["questions"]}
    await answer_all(tg, ANNA, ANNA.id, SUWON_QUIZ, right=1)
    await tg.wait_for("sendMessage", predicate=lambda c: "Anna: one right" in c.params["text"])

    # No second quiz written, and no solve: one request only, Anna's feedback.
    assert len(oa.written_quizzes) == written
    [submit] = oa.writer_requests[requests:]
    [output] = [i for i in submit.json["input"] if i.get("type") == "function_call_output"]
    conversation = oa.conversations[submit.json["conversation"]]
    [call] = [i for i in conversation if i.get("type") == "function_call"]
    assert call["call_id"] == output["call_id"]
    assert json.loads(call["arguments"])["questions"][1]["answer_index"] == 3
    answers = json.loads(output["output"])
    [taker] = answers["participants"]
    assert taker["name"] == ANNA.first_name and taker["score"] == 1
    # 민수's answers are not Anna's business, nor the model's in her feedback.
    assert MINSU.first_name not in [p["name"] for p in answers["participants"]]
    # The tokens of Anna's feedback count against Anna, none against 민수.
    assert await usage.tokens_since(0, user_id=ANNA.id) > 0
    assert await usage.tokens_since(0, user_id=MINSU.id) == owners


async def test_a_stateless_server_gets_the_stored_call_with_the_answers(
    tg: FakeTelegram, oa: FakeOpenAI, make_bot: BotFactory
) -> None:
    # Stateless: the server keeps nothing, so the call travels with the answers.
    async with make_bot(OPENAI_STATE="stateless"):
        saved = await owner_makes_quiz(tg, oa)
        link = await share_link(tg, saved)
        requests = len(oa.writer_requests)
        oa.queue_message("Anna's feedback")
        tg.user_opens_link(ANNA, link)
        await answer_all(tg, ANNA, ANNA.id, SUWON_QUIZ, right=2)
        await tg.wait_for("sendMessage", predicate=lambda c: "Anna's feedback" in c.params["text"])
    [submit] = oa.writer_requests[requests:]
    items = submit.json["input"]
    assert submit.json["store"] is False and "conversation" not in submit.json
    assert [i.get("type", "message") for i in items] == [
        "message",
        "function_call",
        "function_call_output",
    ]
    assert items[1]["call_id"] == items[2]["call_id"]
    assert json.loads(items[2]["output"])["participants"][0]["score"] == 2


async def test_a_revoked_link_is_refused(tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot) -> None:
    saved = await owner_makes_quiz(tg, oa)
    link = await share_link(tg, saved)
    tg.user_sends(Chat(MINSU.id), MINSU, "/myquizzes")
    [listing] = await tg.wait_for("sendMessage", predicate=lambda c: LISTED in str(c.params))
    tg.user_presses(
        MINSU, MINSU.id, listing.result["message_id"], callbacks.library_data(OPEN, MINSU.id, 1)
    )
    await tg.wait_for("editMessageText", predicate=lambda c: "⛔" in str(c.params))
    tg.user_presses(
        MINSU, MINSU.id, listing.result["message_id"], callbacks.library_data(REVOKE, MINSU.id, 1)
    )
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"].startswith("#1"))

    tg.user_opens_link(ANNA, link)
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["chat_id"] == ANNA.id)
    assert any("더 이상" in t or "no longer" in t for t in texts_in(tg, ANNA.id))
    assert not [c for c in tg.calls_of("sendPoll") if c.params["chat_id"] == ANNA.id]


async def test_someone_else_cannot_use_the_owners_buttons(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    saved = await owner_makes_quiz(tg, oa)
    # A forged tap (a modified client) with 민수's data, from Anna.
    data = callbacks.library_data(SHARE, MINSU.id, 1)
    tg.user_presses(ANNA, MINSU.id, saved.result["message_id"], data, forged=True)
    [refused] = await tg.wait_for("answerCallbackQuery")
    assert "someone else" in refused.params.get("text", "")
    assert not [c for c in tg.calls_of("sendMessage") if "?start=" in c.params["text"]]


async def test_the_board_shows_best_tries_to_takers_when_the_owner_allows(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    saved = await owner_makes_quiz(tg, oa)
    link = await share_link(tg, saved)
    message_id = saved.result["message_id"]
    # Off by default: Anna gets her feedback and no board.
    oa.queue_message("Anna's first feedback")
    tg.user_opens_link(ANNA, link)
    await answer_all(tg, ANNA, ANNA.id, SUWON_QUIZ, right=1)
    await tg.wait_for("sendMessage", predicate=lambda c: "first feedback" in c.params["text"])
    assert not [t for t in texts_in(tg, ANNA.id) if "🏆" in t]

    tg.user_sends(Chat(MINSU.id), MINSU, "/myquizzes")
    [listing] = await tg.wait_for("sendMessage", predicate=lambda c: LISTED in str(c.params))
    message_id = listing.result["message_id"]
    toggle = callbacks.library_data(TOGGLE, MINSU.id, 1)
    tg.user_presses(MINSU, MINSU.id, message_id, callbacks.library_data(OPEN, MINSU.id, 1))
    await tg.wait_for("editMessageText", predicate=lambda c: toggle in str(c.params))
    tg.user_presses(MINSU, MINSU.id, message_id, toggle)
    await tg.wait_for("editMessageText", predicate=lambda c: "순위표를 보여" in c.params["text"])

    # Anna tries again (after the cooldown), and Boris once.
    bot.services.clock = lambda: 10**10
    oa.queue_message("Anna's second feedback")
    tg.user_opens_link(ANNA, link)
    await answer_all(tg, ANNA, ANNA.id, SUWON_QUIZ, right=3, skip=3)
    [board] = await tg.wait_for(
        "sendMessage",
        predicate=lambda c: c.params["chat_id"] == ANNA.id and "🏆" in c.params["text"],
    )
    assert "Anna — 3/3" in board.params["text"]
    assert "민수" not in board.params["text"]

    tg.user_presses(MINSU, MINSU.id, message_id, callbacks.library_data(BOARD, MINSU.id, 1))

    async def owner_sees() -> bool:
        return any("Anna — 3/3" in t for t in texts_in(tg, MINSU.id))

    await eventually(owner_sees, what="the owner's board")


async def test_a_startgroup_link_plays_the_quiz_in_a_group(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    saved = await owner_makes_quiz(tg, oa)
    link = await share_link(tg, saved)
    group_link = link.replace("?start=", "?startgroup=")
    tg.set_member_count(GROUP.id, 3)  # the bot and two players
    oa.queue_message("The group's feedback.")
    tg.user_opens_link(BORIS, group_link, GROUP)
    polls = await tg.wait_for(
        "sendPoll", count=3, predicate=lambda c: c.params["chat_id"] == GROUP.id
    )
    for poll in polls:
        key = right_position(poll, SUWON_QUIZ)
        tg.user_answers_poll(BORIS, poll.result["poll"]["id"], [key])
        tg.user_answers_poll(ANNA, poll.result["poll"]["id"], [(key + 1) % 4])
    await tg.wait_for("sendMessage", predicate=lambda c: "group's feedback" in c.params["text"])
    output = json.loads(oa.writer_requests[-1].json["input"][0]["output"])
    scores = {p["name"]: p["score"] for p in output["participants"]}
    assert scores == {BORIS.first_name: 3, ANNA.first_name: 0}
    # The group's leaderboard, and no new quiz written.
    assert any("Boris" in t for t in texts_in(tg, GROUP.id))
    assert len(oa.written_quizzes) == 1


async def test_play_in_a_group_follows_its_mode_and_who_may_start(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    await owner_makes_quiz(tg, oa)
    chosen = BotContext(bot.app).chat_settings
    await chosen.set_mode(GROUP.id, QuizMode.LIVE)
    await chosen.set_starters(GROUP.id, ADMINS)
    tg.set_admins(GROUP.id, {BORIS.id})
    # 민수 is no admin there: refused like a /quiz.
    tg.user_sends(GROUP, MINSU, "/play 1")
    refusal = tr("ko", "starters_admins_only")
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == refusal)
    assert not [c for c in tg.calls_of("sendPoll") if c.params["chat_id"] == GROUP.id]

    tg.set_admins(GROUP.id, {BORIS.id, MINSU.id})
    tg.user_sends(GROUP, MINSU, "/play 1")
    [first] = await tg.wait_for("sendPoll", predicate=lambda c: c.params["chat_id"] == GROUP.id)
    # A live game: one question at a time, with Telegram's countdown.
    assert first.params.get("open_period") == bot.settings.quiz_live_seconds
    # Someone else's number is their own library's, not 민수's.
    tg.user_sends(Chat(BORIS.id), BORIS, "/play 1")
    await tg.wait_for(
        "sendMessage",
        predicate=lambda c: c.params["chat_id"] == BORIS.id and "no quiz 1" in c.params["text"],
    )


async def test_inline_search_lists_only_ones_own_quizzes_as_cards_with_the_link(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.inline_mode = True
    await owner_makes_quiz(tg, oa)
    tg.user_inline_query(MINSU, "수원 기본")
    [answer] = await tg.wait_for("answerInlineQuery")
    [result] = answer.params["results"]
    assert result["type"] == "article" and result["title"] == "수원도시기본계획"
    assert "3문제" in result["input_message_content"]["message_text"]
    [[button]] = result["reply_markup"]["inline_keyboard"]
    assert answer.params["is_personal"] is True

    # The card's button is the share link: it plays the same questions.
    tg.user_opens_link(ANNA, button["url"])
    await tg.wait_for("sendPoll", count=3, predicate=lambda c: c.params["chat_id"] == ANNA.id)

    tg.user_inline_query(MINSU, "photosynthesis")
    tg.user_inline_query(ANNA, "수원")
    [_, none, others] = await tg.wait_for("answerInlineQuery", count=3)
    assert none.params["results"] == [] and others.params["results"] == []


async def test_help_describes_the_library_and_inline_mode(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.user_sends(Chat(ANNA.id), ANNA, "/help")
    [help_text] = await tg.wait_for("sendMessage")
    text = help_text.params["text"]
    assert "/myquizzes" in text and "@StudyQuizBot" in text and "choice1" in text


async def test_forgetme_deletes_the_library_and_revokes_its_links(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    saved = await owner_makes_quiz(tg, oa)
    link = await share_link(tg, saved)
    tg.user_sends(Chat(MINSU.id), MINSU, "/forgetme")
    [ask] = await tg.wait_for(
        "sendMessage", predicate=lambda c: c.params["text"] == tr("ko", "forgetme_confirm")
    )
    tg.user_presses(MINSU, MINSU.id, ask.result["message_id"], f"forget:yes:{MINSU.id}")
    await tg.wait_for("editMessageText", predicate=lambda c: c.params["chat_id"] == MINSU.id)
    tg.user_sends(Chat(MINSU.id), MINSU, "/myquizzes")
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["text"] == tr("ko", "lib_empty"))
    tg.user_opens_link(ANNA, link)
    await tg.wait_for("sendMessage", predicate=lambda c: c.params["chat_id"] == ANNA.id)
    assert texts_in(tg, ANNA.id) == [tr("en", "lib_link_dead")]
