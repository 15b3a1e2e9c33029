"""Where a quiz's context lives between requests: a thread per quiz.

- ConversationThread: the server keeps it (the Conversations API); a request sends only
  the new items.
- LocalThread: the bot keeps the items itself (an ItemStore) and every request sends them
  all with `store: false`, for servers that have nothing but /v1/responses (llama.cpp,
  Ollama, vLLM, LM Studio). Its id is a local key, "local:<uuid>", so the lifecycle stores
  and hands back ids as before and never sees the difference.

Threads (OPENAI_STATE) picks one per process: with "auto" the first quiz finds out.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Final, Literal, Protocol

import openai
from openai import AsyncOpenAI
from openai.types.responses import Response

from engine.api import Item, api_errors

log = logging.getLogger(__name__)

State = Literal["auto", "conversation", "stateless"]
STATES: Final = ("auto", "conversation", "stateless")
LOCAL_PREFIX: Final = "local:"
# What a server without the Conversations API answers to POST /v1/conversations.
NO_CONVERSATIONS: Final = frozenset({404, 405, 501})


class ItemStore(Protocol):
    """Where a stateless quiz's items are kept (storage.items.ItemStore)."""

    async def items(self, key: str) -> list[Item]: ...

    async def append(self, key: str, items: Sequence[Item]) -> None: ...


def is_local(conversation_id: str) -> bool:
    return conversation_id.startswith(LOCAL_PREFIX)


class Thread(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def server_id(self) -> str | None:
        """The conversation to name in a request; None where the server keeps nothing."""
        ...

    async def input(self, new: Sequence[Item]) -> list[Item]:
        """What a request's input must hold for the model to see `new` in context."""
        ...

    async def keep(self, new: Sequence[Item], response: Response) -> None:
        """The turn was answered: remember it where the server does not."""
        ...

    def items(self) -> AsyncIterator[Item]:
        """Every item so far, oldest first, as the API's JSON."""
        ...


class ConversationThread:
    def __init__(self, client: AsyncOpenAI, conversation_id: str) -> None:
        self._client = client
        self.id = self.server_id = conversation_id

    async def input(self, new: Sequence[Item]) -> list[Item]:
        return list(new)

    async def keep(self, new: Sequence[Item], response: Response) -> None:
        """The server stored the turn itself."""

    async def items(self) -> AsyncIterator[Item]:
        with api_errors():
            async for item in self._client.conversations.items.list(
                self.id, order="asc", limit=100
            ):
                yield item.model_dump(mode="json", exclude_none=True)


class LocalThread:
    server_id: None = None

    def __init__(self, store: ItemStore, key: str) -> None:
        self._store = store
        self.id = key

    async def input(self, new: Sequence[Item]) -> list[Item]:
        return [*await self._store.items(self.id), *new]

    async def keep(self, new: Sequence[Item], response: Response) -> None:
        """Kept whole once answered: the input and the output as returned (function calls
        with their call_id, reasoning with its encrypted content)."""
        output = [o.model_dump(mode="json", exclude_none=True) for o in response.output]
        await self._store.append(self.id, [*new, *output])

    async def items(self) -> AsyncIterator[Item]:
        for item in await self._store.items(self.id):
            yield item


class Threads:
    def __init__(self, client: AsyncOpenAI, state: State, store: ItemStore | None) -> None:
        if state != "conversation" and store is None:
            raise ValueError("stateless quizzes need an item store")
        self._client = client
        self._state: State = state
        self._store = store
        self._deciding = asyncio.Lock()

    @property
    def state(self) -> State:
        """The way context is kept; "auto" until the first quiz has found out."""
        return self._state

    def open(self, conversation_id: str) -> Thread:
        """The thread of a quiz started earlier (perhaps by an earlier process)."""
        if is_local(conversation_id):
            assert self._store is not None
            return LocalThread(self._store, conversation_id)
        return ConversationThread(self._client, conversation_id)

    async def create(self, items: Sequence[Item] = ()) -> Thread:
        """A new conversation, or a local key where the server keeps no state; `items` are
        its context from the start (a stored quiz played again)."""
        if self._state == "auto":
            # Only the first quizzes wait here, while the server is being found out.
            async with self._deciding:
                if self._state == "auto":
                    return await self._local(await self._probe(items), items)
        if self._state == "conversation":
            return self.open(await self._new_conversation(items))
        return await self._local(f"{LOCAL_PREFIX}{uuid.uuid4().hex}", items)

    async def _local(self, conversation_id: str, items: Sequence[Item]) -> Thread:
        """The thread; where the bot keeps the items, with `items` stored first."""
        if is_local(conversation_id) and items:
            assert self._store is not None
            await self._store.append(conversation_id, items)
        return self.open(conversation_id)

    def _seeded(self, items: Sequence[Item]) -> dict[str, list[Item]]:
        return {"items": list(items)} if items else {}

    async def _new_conversation(self, items: Sequence[Item] = ()) -> str:
        with api_errors():
            conversation = await self._client.conversations.create(
                metadata={"app": "studyquiz"},
                **self._seeded(items),  # type: ignore[arg-type]
            )
        return conversation.id

    async def _probe(self, items: Sequence[Item] = ()) -> str:
        """The first conversation, deciding the state for the rest of the process."""
        with api_errors():
            try:
                conversation = await self._client.conversations.create(
                    metadata={"app": "studyquiz"},
                    **self._seeded(items),  # type: ignore[arg-type]
                )
            except openai.APIStatusError as exc:
                if exc.status_code not in NO_CONVERSATIONS:
                    raise
                self._state = "stateless"
                log.warning(
                    "The model server has no Conversations API (HTTP %s): quizzes keep their "
                    "context in the bot's database from now on (OPENAI_STATE)",
                    exc.status_code,
                )
                return f"{LOCAL_PREFIX}{uuid.uuid4().hex}"
        self._state = "conversation"
        log.info("The model server keeps conversations (OPENAI_STATE)")
        return conversation.id
