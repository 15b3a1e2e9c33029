"""Who may take part in a quiz: a private quiz's starter; in a group, its members.

A quiz poll can be forwarded anywhere, and Telegram sends the bot every vote on every copy,
without saying where it was cast. So a vote (or a tap) counts only from someone in the
quiz's chat: in a private chat the starter, in a group whoever `getChatMember` calls a
member. The verdict is kept per chat and person for `TTL` (bounded): a burst of answers
from people already seen, and a group's next quiz, cost no request, and each newcomer's one
request runs on its own, so it holds up no one else's answer. A message someone posts in
the group, or their joining, proves them a member without asking; their leaving drops the
verdict, and an admin bot's `chat_member` updates set it. A bot that is no admin hears of
nobody leaving but through the service message, which a big supergroup may hide: someone
who left quietly counts for up to `TTL` more. Nothing from anyone else counts (their answers
are kept apart while they are asked about, services/quiz/unconfirmed.py, then dropped), so
they are on no leaderboard, complete nothing and never reach the model.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Bot, ChatMember, ChatMemberRestricted
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest

from storage import QuizRow

log = logging.getLogger(__name__)

Spawn = Callable[[Coroutine[Any, Any, bool]], "asyncio.Future[bool]"]

_MEMBERS = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER)


class Participants:
    """The verdicts of one process, by (chat, user)."""

    # People remembered; the oldest are forgotten first (and asked again if they answer).
    SIZE = 16_384
    REQUESTS = 8
    # Seconds a verdict is trusted (Telegram can't be asked about a whole group at once).
    TTL = 600.0

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        # (chat, user) -> (verdict, trusted until, by `clock`)
        self._verdicts: dict[tuple[int, int], tuple[bool, float]] = {}
        # Requests under way: an answer arriving meanwhile waits for the same one.
        self._asking: dict[tuple[int, int], asyncio.Future[bool]] = {}
        # Requests at once: a burst of newcomers reuses a few kept-alive connections instead
        # of opening one each (a new connection costs far more CPU than the request).
        self._slots = asyncio.Semaphore(self.REQUESTS)
        # Answers waiting for their sender's verdict, by quiz: a close waits for them.
        self._checking: dict[int, set[asyncio.Future[Any]]] = {}
        # (quiz, user) -> the request and the write of its verdict that a person's answers
        # held meanwhile share (services/quiz/unconfirmed.py).
        self.deciding: dict[tuple[int, int], tuple[asyncio.Future[bool], asyncio.Future[Any]]] = {}

    def track(self, quiz_id: int, check: asyncio.Future[Any]) -> None:
        """An answer whose sender is being asked about; done once it was submitted or not."""
        checks = self._checking.setdefault(quiz_id, set())
        checks.add(check)

        def done(_: asyncio.Future[Any]) -> None:
            checks.discard(check)
            if not checks and self._checking.get(quiz_id) is checks:
                del self._checking[quiz_id]

        check.add_done_callback(done)

    async def settled(self, quiz_id: int) -> None:
        """Once the answers to `quiz_id` that wait for a verdict have been handed on (a vote
        cast before /stop counts). Callers bound the wait (asyncio.timeout)."""
        checks = set(self._checking.get(quiz_id, ()))
        current = asyncio.current_task()
        if current is not None:
            checks.discard(current)
        if checks:
            await asyncio.wait(checks)

    def known(self, quiz: QuizRow, user_id: int) -> bool | None:
        """Whether `user_id` counts in `quiz`, when that needs no request; else None."""
        if quiz.chat_type == ChatType.PRIVATE:
            return user_id == quiz.starter_id
        if user_id == quiz.starter_id:
            return True
        found = self._verdicts.get((quiz.chat_id, user_id))
        if found is None or found[1] <= self._clock():
            return None
        return found[0]

    def note(self, chat_id: int, user_id: int, member: bool, at: float) -> None:
        """What Telegram showed at `at` (a message posted, a join): no need to ask."""
        until = at + self.TTL
        if until > self._clock():
            self._remember((chat_id, user_id), member, until)

    def forget(self, chat_id: int, user_id: int) -> None:
        """They left (or their status changed): asked again at their next answer."""
        self._verdicts.pop((chat_id, user_id), None)

    async def counts(self, bot: Bot, quiz: QuizRow, user_id: int) -> bool:
        """Whether `user_id` counts in `quiz`, asking Telegram the first time."""
        verdict = self.known(quiz, user_id)
        if verdict is not None:
            return verdict
        # Shielded: one waiter given up (its update cancelled) does not cancel the others'.
        return await asyncio.shield(self.asking(bot, quiz, user_id))

    def asking(
        self, bot: Bot, quiz: QuizRow, user_id: int, spawn: Spawn = asyncio.ensure_future
    ) -> asyncio.Future[bool]:
        """Telegram's verdict on someone `known` knows nothing of: one request, shared by
        every answer that arrives meanwhile. `spawn` runs the request (the application's
        create_task, so that a shutdown waits for it)."""
        key = (quiz.chat_id, user_id)
        asking = self._asking.get(key)
        if asking is None:
            asking = spawn(self._ask(bot, quiz.chat_id, user_id))
            self._asking[key] = asking
            asking.add_done_callback(lambda done: self._settle(key, done))
        return asking

    async def _ask(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        async with self._slots:
            return await _is_member(bot, chat_id, user_id)

    def _settle(self, key: tuple[int, int], done: asyncio.Future[bool]) -> None:
        self._asking.pop(key, None)
        if done.cancelled() or done.exception() is not None:
            return  # not remembered: asked again at the next answer
        self._remember(key, done.result(), self._clock() + self.TTL)

    def _remember(self, key: tuple[int, int], member: bool, until: float) -> None:
        self._verdicts.pop(key, None)  # to the end: the oldest verdict goes first
        self._verdicts[key] = (member, until)
        if len(self._verdicts) > self.SIZE:
            del self._verdicts[next(iter(self._verdicts))]


async def _is_member(bot: Bot, chat_id: int, user_id: int) -> bool:
    try:
        member = await bot.get_chat_member(chat_id, user_id)
    except BadRequest as exc:
        # Telegram knows no such participant of the chat.
        log.info("Chat %s: user %s is no participant: %s", chat_id, user_id, exc.message)
        return False
    return is_in(member)


def is_in(member: ChatMember) -> bool:
    """Whether Telegram's `member` is in the chat (a restricted member may be)."""
    if isinstance(member, ChatMemberRestricted):
        return member.is_member
    return member.status in _MEMBERS
