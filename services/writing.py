"""Which quizzes' model calls are still streaming: a close waits for that, because the call's
output may only follow the finished call (the Responses API rejects a `function_call_output`
for a call it has not finished)."""

from __future__ import annotations

import asyncio
import contextlib

from storage.quizzes import QuizStore

# How often a close looks whether another worker's model call has ended.
WRITING_POLL = 0.25


class ModelWriting:
    def __init__(self, quizzes: QuizStore, *, limit: float, shared: bool = False) -> None:
        self._quizzes = quizzes
        # A model call's own time limit, retries included: a worker that died writing
        # leaves the flag to recovery, so nobody waits longer than this for it.
        self._limit = limit
        # Webhook workers share the database: the call may stream on another worker
        # (set when the process joins the fleet, services/fleet.py).
        self.shared = shared
        self._events: dict[int, asyncio.Event] = {}

    def start(self, quiz_id: int) -> None:
        self._events.setdefault(quiz_id, asyncio.Event())

    def end(self, quiz_id: int) -> None:
        ended = self._events.pop(quiz_id, None)
        if ended is not None:
            ended.set()

    def is_writing(self, quiz_id: int) -> bool:
        """Whether this process is streaming the quiz's model call now."""
        return quiz_id in self._events

    async def ended(self, quiz_id: int) -> None:
        """Once the model has finished writing the quiz (at once if it is not writing)."""
        ended = self._events.get(quiz_id)
        if ended is not None:
            await ended.wait()
        elif self.shared:
            await self._written_elsewhere(quiz_id)

    async def _written_elsewhere(self, quiz_id: int) -> None:
        """Another worker may be streaming the quiz: its row says so until the call is
        stored (finish_writing)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._limit):
                # Polled: the other worker's event is out of reach (an Event cannot help).
                while True:
                    quiz = await self._quizzes.quiz(quiz_id)
                    if quiz is None or not quiz.writing:
                        return
                    await asyncio.sleep(WRITING_POLL)
