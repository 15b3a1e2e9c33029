"""Streamed questions checked while the stream goes on (services/quiz/verify.py's checks, one
task per question), each posted in its order once it passes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from quiz.model import Question
from services.quiz.verify import Checked, Verifier

Post = Callable[[Checked], Awaitable[None]]


class StreamChecks:
    """Streamed questions: a task per question checks it while the stream goes on; each
    posts after its own check and after the question before it, so the order stays."""

    def __init__(self, verifier: Verifier, post: Post) -> None:
        self.verifier = verifier
        self._post = post
        self._last: asyncio.Task[None] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.rejected: list[Checked] = []

    @property
    def submitted(self) -> bool:
        return bool(self._tasks)

    def submit(self, index: int, question: Question) -> None:
        previous = self._last
        task = asyncio.create_task(self._run(index, question, previous))
        self._tasks.append(task)
        self._last = task

    async def _run(
        self, index: int, question: Question, previous: asyncio.Task[None] | None
    ) -> None:
        [checked] = await self.verifier.check([(index, question)])
        if previous is not None:
            await asyncio.shield(previous)
        if checked.problems:
            self.rejected.append(checked)
        else:
            await self._post(checked)

    async def wait(self) -> list[Checked]:
        """After the stream: every check done (and its question posted); the rejected."""
        if self._tasks:
            await asyncio.gather(*self._tasks)
        return sorted(self.rejected, key=lambda c: c.index)

    def cancel(self) -> None:
        for task in self._tasks:
            task.cancel()
