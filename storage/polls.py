"""A question with the quiz it belongs to: what every poll answer and button tap looks up."""

from __future__ import annotations

from storage.questions import QuestionStore, StoredQuestion
from storage.quizzes import QuizRow, QuizStore

# Posted questions remembered by poll id: all those of 400 open 10-question quizzes.
POLL_CACHE_SIZE = 4096


class PollLookup:
    """Reads through the quiz and question stores (no SQL of its own), so the quiz always
    comes as the quiz store has it committed."""

    def __init__(self, quizzes: QuizStore, questions: QuestionStore) -> None:
        self._quizzes = quizzes
        self._questions = questions
        # poll id -> (quiz id, question), oldest first; see question_for_poll.
        self._polls: dict[str, tuple[int, StoredQuestion]] = {}

    async def question_for_poll(self, poll_id: str) -> tuple[QuizRow, StoredQuestion] | None:
        """The quiz (as committed: see QuizStore.quiz) and the question a poll of ours asks."""
        found = self._polls.get(poll_id)
        if found is None:
            found = await self._questions.of_poll(poll_id)
            if found is None:
                return None
            # A question with its poll id is posted and never changes again, so every answer
            # to it after the first is spared this query and the JSON decoding.
            self._polls[poll_id] = found
            if len(self._polls) > POLL_CACHE_SIZE:
                del self._polls[next(iter(self._polls))]
        quiz = await self._quizzes.quiz(found[0])
        return None if quiz is None else (quiz, found[1])

    async def question(self, quiz_id: int, index: int) -> tuple[QuizRow, StoredQuestion] | None:
        quiz = await self._quizzes.quiz(quiz_id)
        if quiz is None:
            return None
        found = [q for q in await self._questions.of_quiz(quiz_id) if q.index == index]
        return (quiz, found[0]) if found else None
