"""The feedback grows as a draft in a private chat, then comes as one formatted message;
a group gets no draft, and a refused draft only means the feedback comes whole."""

from __future__ import annotations

from itertools import pairwise

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import choice_text, quiz_args
from fakes.telegram_server import Call, Chat, FakeTelegram, User
from tests.harness import RunningBot

ANN = User(81, "Ann", language_code="en")
PRIVATE = Chat(81, "private")
GROUP = Chat(-100810, "supergroup", title="Cells")
FEEDBACK = "**Good work.** " + " ".join(f"Point {i} about the cell." for i in range(30))


async def _answer_one(tg: FakeTelegram, oa: FakeOpenAI, chat: Chat) -> None:
    args = quiz_args(1)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message(FEEDBACK)
    tg.user_sends(chat, ANN, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll")
    # The feedback (not the quiz) is written slowly: 8 characters each 40 ms, about 3 s.
    oa.stream_delay = 0.04
    texts = [o["text"] for o in poll.params["options"]]
    tg.user_answers_poll(ANN, poll.result["poll"]["id"], [texts.index(choice_text(args, 0, 0))])


def _feedback(c: Call) -> bool:
    return "Good work." in str(c.params.get("text", ""))


async def test_a_private_feedback_grows_as_a_draft_then_is_posted_formatted(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    await _answer_one(tg, oa, PRIVATE)
    [final] = await tg.wait_for("sendMessage", predicate=_feedback, timeout=15)
    drafts = tg.calls_of("sendMessageDraft")
    assert len(drafts) >= 2
    texts = [d.params["text"] for d in drafts]
    assert all(b.startswith(a) for a, b in pairwise(texts)), texts
    assert len({d.params["draft_id"] for d in drafts}) == 1
    # Plain text, paced: never parsed, never more than about one a second.
    assert all("parse_mode" not in d.params for d in drafts)
    assert all(b.time - a.time > 0.9 for a, b in pairwise(drafts))
    assert max(d.time for d in drafts) < final.time
    # The final message is the whole feedback, formatted, once.
    assert final.params["parse_mode"] == "HTML" and "<b>Good work.</b>" in final.params["text"]
    assert "Point 29 about the cell." in final.params["text"]
    assert len([c for c in tg.calls_of("sendMessage") if _feedback(c)]) == 1


async def test_a_group_gets_no_draft(tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot) -> None:
    tg.set_member_count(GROUP.id, 2)
    await _answer_one(tg, oa, GROUP)
    await tg.wait_for("sendMessage", predicate=_feedback, timeout=15)
    assert tg.calls_of("sendMessageDraft") == []


async def test_a_refused_draft_leaves_the_feedback_whole(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.fail("sendMessageDraft", description="drafts are not available")
    await _answer_one(tg, oa, PRIVATE)
    await tg.wait_for("sendMessage", predicate=_feedback, timeout=15)
    # One refusal, then no more tries for this feedback.
    assert len(tg.calls_of("sendMessageDraft")) == 1
