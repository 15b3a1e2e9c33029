"""A group quiz's close: the model gets the answers as soon as the polls are stopped, while
the results message waits for the chat's pace; the feedback still comes after the results."""

from __future__ import annotations

from fakes.openai_server import FakeOpenAI
from fakes.quizdata import quiz_args, right_choice
from fakes.telegram_server import Chat, FakeTelegram, User
from tests.harness import RunningBot
from tests.test_e2e_group import answer, submission

ANN = User(81, "Ann", language_code="en")
GROUP = Chat(-1008181, "supergroup", title="Quick stop")


async def test_the_model_starts_while_the_results_wait_for_the_chats_pace(
    tg: FakeTelegram, oa: FakeOpenAI, bot: RunningBot
) -> None:
    tg.set_member_count(GROUP.id, 10)
    args = quiz_args(1)
    oa.queue_function_call("generate_quiz", args)
    oa.queue_message("Group feedback.")
    tg.user_sends(GROUP, ANN, "/quiz 1 cells")
    [poll] = await tg.wait_for("sendPoll")
    answer(tg, ANN, poll, args, right_choice(args, 0))
    # Right after the poll: the results, a message, must wait a second for the group's pace.
    tg.user_sends(GROUP, ANN, "/stop")
    [feedback] = await tg.wait_for(
        "sendMessage", predicate=lambda c: c.params["text"] == "Group feedback."
    )
    [results] = [c for c in tg.calls_of("sendMessage") if "Results" in c.params["text"]]
    assert [p["name"] for p in submission(oa)["participants"]] == ["Ann"]
    submitted = oa.writer_requests[-1].time
    assert poll.time + 1 < results.time  # held by the pace
    assert submitted < results.time < feedback.time
