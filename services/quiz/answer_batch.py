"""Group commit of answers: whatever arrives within a few milliseconds is one transaction.

A burst of answers (one getUpdates batch is up to 100) used to cost each answer its own
BEGIN, INSERT and COMMIT, three hand-offs to the database thread under one lock, so the
answers queued behind each other. Here each answer joins the batch being gathered and
waits for it: the batch is written with one multi-row INSERT, the names with one
`executemany`, and completion is read once per quiz, all in one transaction. Whoever waits
learns its outcome only once the batch has committed, so a button tap is still answered,
and an update still settled, after its answer is durable.

Batches are written one at a time; answers that arrive while one is being written form the
next, which goes as soon as the first has committed, so under load a batch waits for no
timer, and alone an answer waits at most `DELAY`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from services.events import AnswersRecorded, EventBus
from storage import DATABASE_ERRORS, Repository
from storage.answers import NewAnswer, QuizProgress, Stored, Verdict


class AnswerResult(Enum):
    """What the participant is told; each value is an i18n key."""

    SAVED = "answer_saved"
    DUPLICATE = "already_answered"
    CLOSED = "quiz_closed"


Outcome = tuple[AnswerResult, bool]


def is_complete(progress: QuizProgress) -> bool:
    """Private: the player answered everything. Groups: every member but the bot did.
    Never while the model is still writing questions."""
    if progress.writing:
        return False
    if progress.private:
        return progress.starter_answers >= progress.num_questions
    if progress.member_count is None:
        return False
    # getChatMemberCount counts this bot too; other bots in the chat can't be told apart
    # without listing members, which bots can't do, so they are counted as players.
    return progress.finished >= progress.member_count - 1


def outcomes(items: Sequence[NewAnswer | Verdict], stored: Stored) -> list[Outcome]:
    """Each item's result, and True for one item per quiz the batch completed: the last one
    that made an answer count (an answer stored confirmed, or a verdict that confirmed some),
    whose handler then closes the quiz. An unconfirmed answer completes nothing."""
    results: list[AnswerResult] = []
    seen: set[tuple[int, int, int]] = set()
    last_saved: dict[int, int] = {}
    confirmed_by = {(a.quiz_id, a.user_id) for a in stored.confirmed}
    for i, item in enumerate(items):
        quiz = stored.progress.get(item.quiz_id)
        if isinstance(item, Verdict):
            counted = (item.quiz_id, item.user_id) in confirmed_by
            results.append(AnswerResult.SAVED if counted else AnswerResult.DUPLICATE)
            if counted:
                last_saved[item.quiz_id] = i
            continue
        if item.key in stored.keys and item.key not in seen:
            results.append(AnswerResult.SAVED)
            if item.confirmed:
                last_saved[item.quiz_id] = i
        elif quiz is None or not quiz.is_open:
            results.append(AnswerResult.CLOSED)
        else:
            # Answered before, or earlier in this very batch (a double tap).
            results.append(AnswerResult.DUPLICATE)
        seen.add(item.key)
    closing = {i for quiz_id, i in last_saved.items() if is_complete(stored.progress[quiz_id])}
    return [(result, i in closing) for i, result in enumerate(results)]


@dataclass(slots=True)
class _Waiting:
    item: NewAnswer | Verdict
    done: asyncio.Future[Outcome]


class AnswerWriter:
    # A batch goes once no answer came for this long (a burst is handled an update at a
    # time: one batch per getUpdates batch, not one per DELAY)...
    DELAY = 0.002
    # ...or after this long at most.
    LONGEST = 0.02
    # A batch this big goes at once (and bigger ones are split).
    MAX = 500

    def __init__(self, repo: Repository, events: EventBus | None = None) -> None:
        self._repo = repo
        # AnswersRecorded goes here once per committed batch; None: nobody follows answers.
        self._events = events
        self._pending: list[_Waiting] = []
        self._full = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def record(self, item: NewAnswer | Verdict) -> Outcome:
        """Store the answer (or verdict) with the others arriving now; its outcome once
        committed."""
        return await self.submit(item)

    def submit(self, item: NewAnswer | Verdict) -> asyncio.Future[Outcome]:
        """Queue the answer (or a verdict on someone's unconfirmed answers); the future
        resolves once its batch has committed."""
        loop = asyncio.get_running_loop()
        waiting = _Waiting(item, loop.create_future())
        self._pending.append(waiting)
        if len(self._pending) >= self.MAX:
            self._full.set()
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._run())
        return waiting.done

    async def _run(self) -> None:
        while self._pending:
            await self._gather()
            batch, self._pending = self._pending[: self.MAX], self._pending[self.MAX :]
            if len(self._pending) < self.MAX:
                self._full.clear()
            await self._write(batch)

    async def _gather(self) -> None:
        """Wait while answers keep coming (a burst being handled), until none came for
        `DELAY`, for at most `LONGEST`, or until the batch is full."""
        loop = asyncio.get_running_loop()
        until = loop.time() + self.LONGEST
        while not self._full.is_set():
            seen = len(self._pending)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._full.wait(), self.DELAY)
            if len(self._pending) == seen or loop.time() >= until:
                return

    async def _write(self, batch: list[_Waiting]) -> None:
        items = [w.item for w in batch]
        answers = [i for i in items if isinstance(i, NewAnswer)]
        verdicts = [i for i in items if isinstance(i, Verdict)]
        try:
            stored = await self._repo.answers.store_answers(answers, verdicts)
        except DATABASE_ERRORS as exc:
            # Each waiting handler fails as its own write used to (the error handler
            # reports it, and the update is settled).
            self._fail(batch, exc)
            return
        except BaseException as exc:
            # Cancelled, or a bug: nobody is left waiting forever.
            self._fail(batch, exc)
            raise
        results = outcomes(items, stored)
        for w, outcome in zip(batch, results, strict=True):
            # A handler cancelled meanwhile (shutdown) has given up on its future.
            if not w.done.done():
                w.done.set_result(outcome)
        saved = zip(items, results, strict=True)
        counted = [
            i
            for i, (r, _) in saved
            if isinstance(i, NewAnswer) and i.confirmed and r is AnswerResult.SAVED
        ]
        counted += stored.confirmed
        if self._events is not None and counted:
            await self._events.publish(AnswersRecorded(tuple(counted)))

    @staticmethod
    def _fail(batch: list[_Waiting], exc: BaseException) -> None:
        for w in batch:
            if w.done.done():
                continue
            if isinstance(exc, Exception):
                w.done.set_exception(exc)
            else:
                w.done.cancel()

    async def flush(self) -> None:
        """Once every answer queued so far has been written (at once inside the writer)."""
        task = self._task
        if task is not None and not task.done() and task is not asyncio.current_task():
            await asyncio.shield(task)

    async def aclose(self) -> None:
        """At shutdown, before the database closes: write what is waiting."""
        if self._task is not None:
            await self._task
            self._task = None
