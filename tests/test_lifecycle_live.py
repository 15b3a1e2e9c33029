"""A live game's rules against the recording presenter: one question open at a time, the
next when all have answered, the standings in between, the podium at the end."""

from __future__ import annotations

from fakes.quizdata import quiz_args
from quiz.states import QuizMode, QuizState
from services.quiz import answers
from services.start_request import QuizCommand, StartRequest
from storage import Repository
from tests.lifecycle import RecordingPresenter, ScriptedEngine, features
from tests.test_lifecycle import ANN, BOB, GROUP, repo, services, stages

__all__ = ["repo"]


async def test_a_live_game_posts_one_question_at_a_time(repo: Repository) -> None:
    ui, engine = RecordingPresenter(members=3), ScriptedEngine(quiz_args(2))
    svc = services(repo, engine, QUIZ_LIVE_SECONDS="20")
    await features(svc, ui).way_in.opening.start(
        StartRequest(
            chat_id=GROUP,
            chat_type="supergroup",
            thread_id=None,
            user_id=ANN,
            message_id=1,
            key=f"{GROUP}:1",
            lang="en",
            command=QuizCommand(2, "cells"),
            mode=QuizMode.LIVE,
        ),
    )
    [quiz] = await svc.repo.quizzes.quizzes_in_state(QuizState.OPEN)
    assert quiz.is_live and quiz.live_seconds == 20 and quiz.deadline is None
    # Streamed: the second question was written while the first is open, and waits.
    assert ui.named("live_question") == [(0, 2, 20)]
    assert not ui.named("question")

    for index in range(2):
        for user in (ANN, BOB):
            fresh = await svc.repo.quizzes.quiz(quiz.id)
            found = await svc.repo.polls.question(quiz.id, index)
            assert fresh is not None and found is not None
            result, complete = await stages(svc).answers.record(
                fresh, found[1], user_id=user, user_name=f"u{user}", position=0
            )
            assert result == answers.AnswerResult.SAVED and not complete
            await stages(svc, ui).live.answered(fresh, found[1].index)
        if index == 0:
            # Closed, the standings, then the next: in that order.
            names = [name for name, _ in ui.calls]
            assert names[-3:] == ["stop_poll", "standings", "live_question"]
    order = [name for name, _ in ui.calls if name in ("stop_poll", "podium", "feedback")]
    assert order == ["stop_poll", "stop_poll", "podium", "feedback"]
    assert len(ui.named("standings")) == 1 and len(engine.submitted) == 1
    assert '"points"' in engine.submitted[0] and '"seconds"' in engine.submitted[0]
    # An answer after the game moved on does not count.
    closed = await svc.repo.polls.question(quiz.id, 0)
    assert closed is not None and closed[1].live_closed
