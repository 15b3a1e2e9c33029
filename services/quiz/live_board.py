"""A live game's scores as the chat sees them: the standings after each question, the podium
at the end, and the points the model is told."""

from __future__ import annotations

from i18n import tr
from quiz import live
from quiz.live import SentQuestion
from quiz.model import Answer, Quiz
from quiz.scoring import Scored
from services.quiz.presenter import Presenter
from storage import QuizRow, StoredQuestion
from storage.answers import AnswerStore
from storage.questions import QuestionStore
from storage.quizzes import QuizStore


def sent_questions(quiz: QuizRow, stored: list[StoredQuestion]) -> list[SentQuestion]:
    period = float(quiz.live_seconds or 0)
    return [SentQuestion(sq.index, sq.sent_at, period) for sq in stored if sq.sent_at is not None]


class LiveBoard:
    def __init__(
        self,
        *,
        quizzes: QuizStore,
        questions: QuestionStore,
        answers: AnswerStore,
        ui: Presenter,
    ) -> None:
        self._quizzes = quizzes
        self._questions = questions
        self._answers = answers
        self._ui = ui

    async def _facts(
        self, quiz: QuizRow
    ) -> tuple[Quiz, list[SentQuestion], list[Answer], dict[int, str]]:
        parsed, stored = await self._questions.load_quiz(quiz.id, quiz.title)
        return (
            parsed,
            sent_questions(quiz, stored),
            await self._answers.of_quiz(quiz.id),
            await self._answers.participant_names(quiz.id),
        )

    async def scored(self, quiz: QuizRow) -> dict[tuple[int, int], Scored]:
        """Each answer's seconds and points, for the model's function_call_output."""
        parsed, sent, answers, _ = await self._facts(quiz)
        return live.score(parsed, sent, answers)

    async def show_standings(self, quiz: QuizRow) -> None:
        """Edit the game's one standings message (the first question's end posts it)."""
        parsed, sent, answers, names = await self._facts(quiz)
        html = live.standings_html(
            tr(quiz.lang, "live_standings", k=len(sent), n=max(len(parsed.questions), 1)),
            live.moves(parsed, sent, answers, names),
            no_answers=tr(quiz.lang, "no_answers"),
        )
        message_id = await self._ui.standings(quiz, html, quiz.standings_message_id)
        if message_id != quiz.standings_message_id:
            await self._quizzes.set_standings_message(quiz.id, message_id)

    async def post_podium(self, quiz: QuizRow) -> None:
        parsed, sent, answers, names = await self._facts(quiz)
        board = live.table(live.score(parsed, sent, answers), names)
        html = live.podium_html(
            tr(quiz.lang, "results_header", title=parsed.title),
            board,
            len(parsed.questions),
            no_answers=tr(quiz.lang, "no_answers"),
            more=tr(quiz.lang, "more_players"),
        )
        await self._ui.podium(quiz, html)
