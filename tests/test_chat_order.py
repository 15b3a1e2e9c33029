"""Per-chat turns: chats don't wait for each other, one chat keeps its order."""

from __future__ import annotations

import asyncio

import pytest

from services.chat_order import ChatLines


async def test_a_chat_takes_turns_and_other_chats_do_not_wait() -> None:
    lines = ChatLines()
    reply_sent, quiz_written = asyncio.Event(), asyncio.Event()
    log: list[str] = []

    async def step(chat: int, name: str, hold: bool, until: asyncio.Event | None = None) -> None:
        async with lines.turn(chat, hold=hold):
            log.append(f"{name} start")
            if until is not None:
                await until.wait()
            log.append(f"{name} end")

    reply = asyncio.create_task(step(1, "reply", True, reply_sent))
    quiz = asyncio.create_task(step(1, "quiz", False, quiz_written))
    after = asyncio.create_task(step(1, "after", True))
    other = asyncio.create_task(step(2, "other", True))
    await asyncio.sleep(0.01)
    # The other chat ran; this chat's later updates wait for the slow reply.
    assert log == ["reply start", "other start", "other end"]
    reply_sent.set()
    await after
    # The quiz started after the reply, and does not hold up the update after it.
    assert log[3:] == ["reply end", "quiz start", "after start", "after end"]
    # Nothing holds or waits for chat 1 now: its line is gone while the quiz is written.
    assert len(lines) == 0
    quiz_written.set()
    await asyncio.gather(reply, quiz, other)
    assert len(lines) == 0


async def test_a_cancelled_waiter_leaves_no_line_behind() -> None:
    lines = ChatLines()
    release = asyncio.Event()

    async def hold() -> None:
        async with lines.turn(1, hold=True):
            await release.wait()

    async def queued() -> None:
        async with lines.turn(1, hold=True):
            pass

    first = asyncio.create_task(hold())
    waiting = asyncio.create_task(queued())
    await asyncio.sleep(0.01)
    waiting.cancel()
    release.set()
    await first
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert len(lines) == 0
