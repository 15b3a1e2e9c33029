"""Answers: recording one, and whether it completed the quiz."""

from __future__ import annotations

from enum import Enum

from services.context import Services
from services.quiz.common import is_private
from storage import QuizRow, StoredQuestion


class AnswerResult(Enum):
    """What the participant is told; each value is an i18n key."""

    SAVED = "answer_saved"
    DUPLICATE = "already_answered"
    CLOSED = "quiz_closed"


async def record_answer(
    svc: Services,
    quiz: QuizRow,
    sq: StoredQuestion,
    *,
    user_id: int,
    user_name: str,
    position: int,
) -> tuple[AnswerResult, bool]:
    """Store one participant's answer (given as displayed position).

    Returns the outcome and whether the quiz is now complete; the caller acknowledges the
    user first and then calls `closing.finish_quiz`, which waits for the model.
    """
    if not quiz.is_open:
        return AnswerResult.CLOSED, False
    if quiz.is_live and not await _live_open(svc, quiz, sq):
        # Buttons stop counting when the question's time is up, as a poll does by itself.
        return AnswerResult.CLOSED, False
    stored = await svc.repo.store_answer(
        quiz.id, sq.index, user_id, user_name, sq.order[position], svc.clock()
    )
    if stored is None:
        current = await svc.repo.quiz(quiz.id)
        closed = current is None or not current.is_open
        return (AnswerResult.CLOSED if closed else AnswerResult.DUPLICATE), False
    answered, questions = stored
    if quiz.is_live:
        # The game decides when it is over (services.quiz.live.answered).
        return AnswerResult.SAVED, False
    return AnswerResult.SAVED, await _everyone_done(svc, quiz, answered, questions)


async def _live_open(svc: Services, quiz: QuizRow, sq: StoredQuestion) -> bool:
    if sq.live_deadline is None or svc.clock() > sq.live_deadline:
        return False
    return await svc.repo.live_question_open(quiz.id, sq.index)


async def _everyone_done(svc: Services, quiz: QuizRow, answered: int, questions: int) -> bool:
    """Whether this answer, which left its author with `answered` of the quiz's `questions`
    (both counted as it was stored), completed the quiz."""
    # Counted at the write, not taken from `quiz` (read before it): a stream that ended
    # since, with questions left out, has lowered the count.
    if answered < questions:
        return False
    return await all_done(svc, quiz)


async def all_done(svc: Services, quiz: QuizRow) -> bool:
    """Private: the player answered everything. Groups: every member but the bot did.
    Never while the model is still writing questions."""
    # Read again after the caller's write: the stream's end (writing = 0, then this check)
    # and an answer (stored, then this check) then always see each other.
    fresh = await svc.repo.quiz(quiz.id)
    if fresh is None or fresh.writing:
        return False
    quiz = fresh
    if is_private(quiz):
        return await svc.repo.answer_count(quiz.id, user_id=quiz.starter_id) >= quiz.num_questions
    if quiz.member_count is None:
        return False
    # getChatMemberCount counts this bot too; other bots in the chat can't be told apart
    # without listing members, which bots can't do, so they are counted as players.
    return await svc.repo.finished_participants(quiz.id) >= quiz.member_count - 1
