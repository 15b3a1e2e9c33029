"""Study cards follow the quiz lifecycle: every answer becomes a card, FSRS says when it is
due again, a review quiz's submission says how each card went last time, and the feedback
is followed by the "Review my mistakes" offer.

`StudyCards` is built once in the composition root (services/wiring.py) with exactly what it
uses — four stores, the presenter, the clock and one setting — and subscribes itself to the
stages it follows (services/events.py). No `Services`: what it may touch is its constructor.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from telegram.constants import ChatType

from i18n import tr
from quiz import spacing
from quiz.model import Answer
from services.events import AnswersSubmitted, EventBus, FeedbackPosted, SubmissionBuilt
from services.learning import day_label
from services.presenter import Presenter
from storage import QuizRow, StoredQuestion
from storage.answers import AnswerStore
from storage.cards import CardRow, CardStore, NewCard, RatedCard
from storage.questions import QuestionStore
from storage.quizzes import QuizStore

log = logging.getLogger(__name__)

# The FSRS card id inside a card's state: a card's own row id is not known before it is
# inserted, and the id in the FSRS state is only a label.
_CARD_LABEL = 1000


class StudyCards:
    def __init__(
        self,
        *,
        cards: CardStore,
        quizzes: QuizStore,
        questions: QuestionStore,
        answers: AnswerStore,
        ui: Presenter,
        clock: Callable[[], float],
        max_questions: int,
    ) -> None:
        self._cards = cards
        self._quizzes = quizzes
        self._questions = questions
        self._answers = answers
        self._ui = ui
        self._clock = clock
        # A review quiz is at most this long (MAX_QUESTIONS): the offer counts no more.
        self._max_questions = max_questions

    def subscribe(self, events: EventBus) -> None:
        events.subscribe(SubmissionBuilt, self._annotate)
        events.subscribe(AnswersSubmitted, self._record)
        events.subscribe(FeedbackPosted, self._offer_review)

    async def _annotate(self, event: SubmissionBuilt) -> None:
        # Only a review quiz's submission changes (one query for any other quiz).
        await self.annotate_submission(event.quiz, event.submission)

    async def _record(self, event: AnswersSubmitted) -> None:
        # After the submission, before the feedback (or the failure) is posted: off the path
        # to the model, and done by the time the person sees it. Idempotent (per quiz).
        await self.record_quiz(event.quiz.id)

    async def _offer_review(self, event: FeedbackPosted) -> None:
        await self.offer_review(event.quiz)

    async def record_quiz(self, quiz_id: int) -> bool:
        """Turn a closed quiz's answers into cards and ratings, in one transaction; a second
        call for the same quiz writes nothing (False)."""
        quiz = await self._quizzes.quiz(quiz_id)
        if quiz is None:
            return False
        _, stored = await self._questions.load_quiz(quiz_id, quiz.title)
        by_index = {sq.index: sq for sq in stored}
        review_ids = await self._cards.review_ids_of_quiz(quiz_id)
        existing = await self._cards.cards(review_ids)
        new: list[NewCard] = []
        rated: list[RatedCard] = []
        for a in await self._answers.of_quiz(quiz_id):
            sq = by_index.get(a.question_index)
            if sq is None:
                continue
            correct = a.choice_index == sq.question.answer_index
            if review_ids:
                # Each variant re-tests the card the model got at its (model) index.
                card_id = review_ids[sq.model_index] if sq.model_index < len(review_ids) else None
                card = existing.get(card_id) if card_id is not None else None
                if card is not None and card.user_id == a.user_id:
                    rated.append(_rated(card, quiz, a, correct))
                continue
            new.append(_new_card(quiz, sq, a, correct))
        return await self._cards.record(quiz_id, new, rated)

    async def annotate_submission(
        self, quiz: QuizRow, submission: dict[str, Any]
    ) -> dict[str, Any]:
        """A review quiz's submission says, per question, how its card went last time, so
        the feedback can compare ("you missed this on 3 May, right now")."""
        ids = await self._cards.review_ids_of_quiz(quiz.id)
        if not ids:
            return submission
        last = await self._cards.last_results(ids, quiz.id)
        for q in submission["questions"]:
            i = q["question_index"]
            if i < len(ids) and ids[i] in last:
                at, correct = last[ids[i]]
                q["last_time"] = {"date": day_label(at), "correct": correct}
        submission["review"] = True
        return submission

    async def offer_review(self, quiz: QuizRow) -> None:
        """After the feedback: a "Review my mistakes (N)" button for whoever got one wrong."""
        parsed, _ = await self._questions.load_quiz(quiz.id, quiz.title)
        wrong = {
            a.user_id
            for a in await self._answers.of_quiz(quiz.id)
            if a.question_index < len(parsed.questions)
            and a.choice_index != parsed.questions[a.question_index].answer_index
        }
        if not wrong:
            return
        if quiz.chat_type != ChatType.PRIVATE:
            text = tr(quiz.lang, "review_offer_group", n=len(wrong))
            button = tr(quiz.lang, "review_button_group")
            await self._ui.review_offer(quiz, text, button, in_private=False)
            return
        due = await self._cards.due_count(quiz.starter_id, self._clock())
        if due == 0:
            return
        n = min(due, self._max_questions)
        text, button = tr(quiz.lang, "review_offer", n=n), tr(quiz.lang, "review_button", n=n)
        await self._ui.review_offer(quiz, text, button, in_private=True)


def _rated(card: CardRow, quiz: QuizRow, a: Answer, correct: bool) -> RatedCard:
    """A review quiz's answer: the card it re-tests, rated again."""
    r = spacing.review(card.fsrs, correct, a.answered_at, card.id)
    return RatedCard(
        card.id,
        a.user_id,
        quiz.chat_id,
        a.answered_at,
        correct,
        r.state_json,
        r.due,
        r.rating,
        r.log_json,
    )


def _new_card(quiz: QuizRow, sq: StoredQuestion, a: Answer, correct: bool) -> NewCard:
    """Any other quiz's answer: a new card for the person who gave it, rated once."""
    q = sq.question
    r = spacing.review(None, correct, a.answered_at, quiz.id * _CARD_LABEL + sq.index)
    return NewCard(
        user_id=a.user_id,
        chat_id=quiz.chat_id,
        quiz_id=quiz.id,
        question_idx=sq.index,
        topic=quiz.topic or quiz.title or "",
        text=q.text,
        choices=q.choices,
        answer_index=q.answer_index,
        explanation=q.explanation,
        source_file=q.source_file if q.quote_verified else None,
        # Only a quote found in the documents is kept as the card's source.
        source_quote=q.source_quote if q.quote_verified else None,
        at=a.answered_at,
        correct=correct,
        fsrs=r.state_json,
        due=r.due,
        rating=r.rating,
        log=r.log_json,
    )
