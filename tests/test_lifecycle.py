"""The quiz lifecycle's rules, against a recording presenter and in-memory SQLite (no servers)."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator
from typing import Any

import pytest

from fakes.quizdata import quiz_args
from quiz.states import QuizState, SubmissionStatus
from services.context import Services
from services.events import AnswersRecorded
from services.quiz.answers import AnswerResult
from services.start_request import QuizCommand, StartRequest
from services.wiring.closing import ClosingStages
from settings import Settings
from storage import QuizRow, Repository
from tests.lifecycle import RecordingPresenter, ScriptedEngine, features

PRIVATE, GROUP = 10, -20
ANN, BOB, CY = 1, 2, 3
NOW = 1_000_000.0


def settings(**env: str) -> Settings:
    return Settings.from_env({"TELEGRAM_BOT_TOKEN": "t", "OPENAI_API_KEY": "k", **env})


@pytest.fixture
async def repo() -> AsyncIterator[Repository]:
    repo = await Repository.open(":memory:")
    yield repo
    await repo.close()


def services(repo: Repository, engine: ScriptedEngine, **env: str) -> Services:
    return Services(settings(**env), repo, engine, clock=lambda: NOW, rng=random.Random(1))


def stages(svc: Services, ui: RecordingPresenter | None = None) -> ClosingStages:
    """The closing stages as services/wiring builds them, over a recording presenter."""
    return features(svc, ui or RecordingPresenter()).way_out


async def start(
    ui: RecordingPresenter, svc: Services, chat_id: int, n: int, *, user: int = ANN
) -> QuizRow:
    await features(svc, ui).way_in.opening.start(
        StartRequest(
            chat_id=chat_id,
            chat_type="private" if chat_id > 0 else "supergroup",
            thread_id=None,
            user_id=user,
            message_id=1,
            key=f"{chat_id}:1",
            lang="en",
            command=QuizCommand(n, "cells"),
        ),
    )
    [quiz] = await svc.repo.quizzes.quizzes_in_state(QuizState.OPEN)
    return quiz


async def answer_all(svc: Services, quiz: QuizRow, user: int) -> list[tuple[AnswerResult, bool]]:
    out = []
    for sq in await svc.repo.questions.of_quiz(quiz.id):
        current = await svc.repo.quizzes.quiz(quiz.id)
        assert current is not None
        out.append(
            await stages(svc).answers.record(
                current, sq, user_id=user, user_name=f"user {user}", position=0
            )
        )
    return out


async def test_a_private_quiz_completes_with_its_players_last_answer(repo: Repository) -> None:
    ui, engine = RecordingPresenter(), ScriptedEngine(quiz_args(3))
    svc = services(repo, engine, OPENAI_STREAM="false")
    quiz = await start(ui, svc, PRIVATE, 3)
    assert [q[0] for q in ui.named("question")] == [0, 1, 2]
    [(_, status_id, finish_button)] = ui.named("header")
    assert status_id is not None and not finish_button

    results = await answer_all(svc, quiz, ANN)
    assert results == [
        (AnswerResult.SAVED, False),
        (AnswerResult.SAVED, False),
        (AnswerResult.SAVED, True),
    ]
    assert await stages(svc, ui).closing.finish(quiz.id, SubmissionStatus.COMPLETED)
    # Every poll of a completed private quiz is answered: stopping them would be noise.
    assert ui.named("stop_poll") == [] and ui.named("results") == []
    assert ui.named("feedback") == [["Well done."]]
    done = await repo.quizzes.quiz(quiz.id)
    assert done is not None and done.state == QuizState.DONE


async def test_a_second_answer_to_a_question_is_a_duplicate(repo: Repository) -> None:
    ui, engine = RecordingPresenter(), ScriptedEngine(quiz_args(2))
    svc = services(repo, engine, OPENAI_STREAM="false")
    quiz = await start(ui, svc, PRIVATE, 2)
    [first, _] = await repo.questions.of_quiz(quiz.id)
    kwargs: dict[str, Any] = {"user_id": ANN, "user_name": "Ann", "position": 1}
    assert await stages(svc).answers.record(quiz, first, **kwargs) == (AnswerResult.SAVED, False)
    assert await stages(svc).answers.record(quiz, first, **kwargs) == (
        AnswerResult.DUPLICATE,
        False,
    )


async def test_a_group_quiz_arms_its_deadline_and_completes_when_all_members_are_done(
    repo: Repository,
) -> None:
    ui, engine = RecordingPresenter(members=3), ScriptedEngine(quiz_args(2))
    svc = services(repo, engine, OPENAI_STREAM="false", QUIZ_TIME_LIMIT="120")
    quiz = await start(ui, svc, GROUP, 2)
    assert quiz.deadline == NOW + 120 and quiz.member_count == 3
    [(header, _, finish_button)] = ui.named("header")
    assert finish_button and "2:00" in header
    # Telegram's own countdown rides along on every poll, as the time is within its range.
    assert [q[2] for q in ui.named("question")] == [int(NOW + 120)] * 2

    # Three members, one of them the bot: the quiz is complete when two have answered all.
    assert (await answer_all(svc, quiz, ANN))[-1] == (AnswerResult.SAVED, False)
    assert (await answer_all(svc, quiz, BOB))[-1] == (AnswerResult.SAVED, True)
    assert await stages(svc, ui).closing.finish(quiz.id, SubmissionStatus.COMPLETED)
    assert ui.named("remove_finish_button") == [quiz.id]
    assert ui.named("stop_poll") == [0, 1]
    assert len(ui.named("results")) == 1


async def test_a_group_without_a_head_count_never_completes_by_answers(repo: Repository) -> None:
    ui, engine = RecordingPresenter(members=None), ScriptedEngine(quiz_args(1))
    svc = services(repo, engine, OPENAI_STREAM="false")
    quiz = await start(ui, svc, GROUP, 1)
    for user in (ANN, BOB, CY):
        assert (await answer_all(svc, quiz, user))[-1] == (AnswerResult.SAVED, False)


async def test_a_malformed_streamed_question_is_replaced_by_a_correction(
    repo: Repository,
) -> None:
    args = quiz_args(3)
    broken = dict(args["questions"][1], answer_index=9)
    stream = [args["questions"][0], broken, args["questions"][2]]
    ui, engine = RecordingPresenter(), ScriptedEngine(args, stream=stream)
    svc = services(repo, engine)
    quiz = await start(ui, svc, PRIVATE, 3)

    # Each question goes out as soon as it is complete; the replacement comes last.
    assert ui.named("question") == [(0, 3, None), (1, 3, None), (2, 3, None)]
    assert ui.named("notice") == []
    stored = await repo.questions.of_quiz(quiz.id)
    assert [sq.model_index for sq in stored] == [0, 2, 1]

    assert (await answer_all(svc, quiz, ANN))[-1] == (AnswerResult.SAVED, True)
    assert await stages(svc, ui).closing.finish(quiz.id, SubmissionStatus.COMPLETED)
    # The model hears about its questions in its own numbering.
    [submitted] = engine.submitted
    indices = [q["question_index"] for q in json.loads(submitted)["questions"]]
    assert indices == [0, 2, 1]


async def test_a_question_not_replaced_either_is_dropped_and_said_so(repo: Repository) -> None:
    args = quiz_args(3)
    broken = dict(args["questions"][1], answer_index=9)
    stream = [args["questions"][0], broken, args["questions"][2]]
    corrected = {"title": args["title"], "questions": stream}
    ui = RecordingPresenter()
    engine = ScriptedEngine(args, stream=stream, corrected=corrected)
    svc = services(repo, engine)
    quiz = await start(ui, svc, PRIVATE, 3)

    assert ui.named("question") == [(0, 3, None), (1, 3, None)]
    assert ui.named("notice") == [("questions_dropped", {"n": 2, "asked": 3})]
    [(header, finish_button)] = ui.named("update_header")
    assert "2" in header and not finish_button
    current = await repo.quizzes.quiz(quiz.id)
    assert current is not None and current.num_questions == 2 and not current.writing
    assert (await answer_all(svc, quiz, ANN))[-1] == (AnswerResult.SAVED, True)


async def test_a_quiz_finishes_once_however_many_close_it(repo: Repository) -> None:
    ui, engine = RecordingPresenter(members=5), ScriptedEngine(quiz_args(1))
    svc = services(repo, engine, OPENAI_STREAM="false")
    quiz = await start(ui, svc, GROUP, 1)
    assert await stages(svc, ui).closing.finish(quiz.id, SubmissionStatus.TIMED_OUT)
    assert not await stages(svc, ui).closing.finish(quiz.id, SubmissionStatus.STOPPED)
    closed = await repo.quizzes.quiz(quiz.id)
    assert closed is not None
    await stages(svc, ui).closing.stop(closed)
    assert len(engine.submitted) == 1 and len(ui.named("feedback")) == 1
    assert json.loads(engine.submitted[0])["status"] == SubmissionStatus.TIMED_OUT
    assert len(ui.named("results")) == 1


async def test_stopping_a_quiz_being_written_cancels_it(repo: Repository) -> None:
    ui, engine = RecordingPresenter(), ScriptedEngine(quiz_args(1))
    svc = services(repo, engine)
    quiz = await repo.quizzes.create_quiz(
        chat_id=PRIVATE,
        thread_id=0,
        chat_type="private",
        starter_id=ANN,
        request_key="k",
        topic="cells",
        num_questions=1,
        style="poll",
        lang="en",
        now=NOW,
    )
    assert quiz is not None
    await stages(svc, ui).closing.stop(quiz)
    assert ui.named("notice") == [("cancelled", {})]
    cancelled = await repo.quizzes.quiz(quiz.id)
    assert cancelled is not None and cancelled.state == QuizState.CANCELLED


async def test_answers_arriving_together_share_one_batch_and_complete_the_quiz_once(
    repo: Repository,
) -> None:
    ui, engine = RecordingPresenter(members=3), ScriptedEngine(quiz_args(2))
    svc = services(repo, engine, OPENAI_STREAM="false")
    quiz = await start(ui, svc, GROUP, 2)
    questions = await repo.questions.of_quiz(quiz.id)
    batches: list[int] = []
    store = repo.answers.store_answers

    async def counted(answers: Any, verdicts: Any = ()) -> Any:
        batches.append(len(answers))
        return await store(answers, verdicts)

    repo.answers.store_answers = counted  # type: ignore[method-assign]
    taps = [(user, sq) for user in (ANN, BOB) for sq in questions] + [(ANN, questions[0])]
    results = await asyncio.gather(
        *(
            stages(svc).answers.record(quiz, sq, user_id=user, user_name=f"user {user}", position=0)
            for user, sq in taps
        )
    )
    assert batches == [5]
    # The last tap repeats Ann's first within the same batch: a duplicate, not stored.
    assert [r for r, _ in results] == [AnswerResult.SAVED] * 4 + [AnswerResult.DUPLICATE]
    # The batch completed the quiz (both players of three members, one the bot): one of its
    # answers says so, so its handler alone closes the quiz.
    assert [complete for _, complete in results] == [False, False, False, True, False]
    assert await repo.answers.answer_count(quiz.id) == 4


async def test_a_batch_of_answers_is_published_once_with_the_answers_it_stored(
    repo: Repository,
) -> None:
    ui, engine = RecordingPresenter(members=3), ScriptedEngine(quiz_args(2))
    svc = services(repo, engine, OPENAI_STREAM="false")
    quiz = await start(ui, svc, GROUP, 2)
    questions = await repo.questions.of_quiz(quiz.id)
    recorded: list[AnswersRecorded] = []

    async def record(event: AnswersRecorded) -> None:
        recorded.append(event)

    svc.events.subscribe(AnswersRecorded, record)
    taps = [(ANN, questions[0]), (BOB, questions[1]), (ANN, questions[0])]
    await asyncio.gather(
        *(
            stages(svc).answers.record(quiz, sq, user_id=user, user_name=f"user {user}", position=0)
            for user, sq in taps
        )
    )
    # One event for the batch, not one per answer; the repeated tap was not stored.
    [event] = recorded
    assert [(a.user_id, a.index) for a in event.answers] == [(ANN, 0), (BOB, 1)]
    # A batch that stores nothing (only a repeat) publishes nothing.
    await stages(svc).answers.record(quiz, questions[1], user_id=BOB, user_name="Bob", position=0)
    assert len(recorded) == 1


async def test_an_answer_to_a_quiz_closed_since_it_was_read_is_refused(repo: Repository) -> None:
    ui, engine = RecordingPresenter(), ScriptedEngine(quiz_args(2))
    svc = services(repo, engine, OPENAI_STREAM="false")
    quiz = await start(ui, svc, PRIVATE, 2)
    [first, _] = await repo.questions.of_quiz(quiz.id)
    assert await repo.quizzes.begin_submission(quiz.id, SubmissionStatus.STOPPED, NOW)
    # `quiz` was read while open: the batch's own check refuses the answer.
    assert await stages(svc).answers.record(
        quiz, first, user_id=ANN, user_name="Ann", position=0
    ) == (AnswerResult.CLOSED, False)
    assert await repo.answers.answer_count(quiz.id) == 0


async def _generating(repo: Repository, chat_id: int, now: float) -> int:
    quiz = await repo.quizzes.create_quiz(
        chat_id=chat_id,
        thread_id=0,
        chat_type="supergroup",
        starter_id=ANN,
        request_key=f"{chat_id}:1",
        topic="cells",
        num_questions=2,
        style="poll",
        lang="en",
        now=now,
    )
    assert quiz is not None
    return quiz.id


async def test_recovery_leaves_alone_a_quiz_started_since_this_process_began(
    repo: Repository,
) -> None:
    ui = RecordingPresenter()
    svc = services(repo, ScriptedEngine(quiz_args(2)))
    # The previous process died writing this one.
    left = await _generating(repo, GROUP, NOW - 60)
    recovery = features(svc, ui).way_out.recovery  # this process starts at NOW
    # A /quiz handled before the recovery job ran: this process writes it.
    mine = await _generating(repo, GROUP - 1, NOW)
    await recovery.recover()
    assert (await repo.quizzes.quiz(left)).state == QuizState.FAILED  # type: ignore[union-attr]
    assert (await repo.quizzes.quiz(mine)).state == QuizState.GENERATING  # type: ignore[union-attr]
    assert ui.named("notice") == [("interrupted", {})]
