"""What the bot keeps between one message and the next (see migration 8): a /quiz waiting
for documents, plain texts offered as quiz topics, and the groups it introduced itself in.

Every write but one is one statement, atomic on its own; offering a topic prunes old offers
in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.store import Store

# An offer's button is for the conversation at hand; the text (personal data) goes after this.
OFFER_RETENTION = 24 * 3600


@dataclass(frozen=True, slots=True)
class PendingQuiz:
    chat_id: int
    thread_id: int
    chat_type: str
    user_id: int
    message_id: int
    lang: str
    requested: int | None
    topic: str
    request_key: str
    created_at: float


_PENDING_COLUMNS = (
    "chat_id, thread_id, chat_type, user_id, message_id, lang, requested, topic, request_key,"
    " created_at"
)


class ChatMemoryStore(Store):
    """A chat's short memory (this module's docstring): not the model's conversations."""

    # a /quiz waiting for the chat's documents

    async def add_pending_quiz(self, pending: PendingQuiz) -> PendingQuiz | None:
        """Store the request unless this topic has one waiting already; returns the one that
        was waiting (which is `pending` itself for a re-delivered request), else None."""
        added = await self._db.one(
            f"INSERT INTO pending_quizzes ({_PENDING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?) ON CONFLICT (chat_id, thread_id) DO NOTHING RETURNING chat_id",
            (
                pending.chat_id,
                pending.thread_id,
                pending.chat_type,
                pending.user_id,
                pending.message_id,
                pending.lang,
                pending.requested,
                pending.topic,
                pending.request_key,
                pending.created_at,
            ),
        )
        if added is not None:
            return None
        return await self.pending_quiz(pending.chat_id, pending.thread_id)

    async def take_pending_quizzes(self, chat_id: int | None = None) -> list[PendingQuiz]:
        """Remove and return the chat's waiting requests (every chat's when None): whoever
        takes one is the only one to start or answer it."""
        where, params = ("WHERE chat_id = ?", (chat_id,)) if chat_id is not None else ("", ())
        rows = await self._db.all(
            f"DELETE FROM pending_quizzes {where} RETURNING {_PENDING_COLUMNS}", params
        )
        return sorted((PendingQuiz(*r) for r in rows), key=lambda p: p.created_at)

    async def pending_quiz(self, chat_id: int, thread_id: int) -> PendingQuiz | None:
        row = await self._db.one(
            f"SELECT {_PENDING_COLUMNS} FROM pending_quizzes WHERE chat_id = ? AND thread_id = ?",
            (chat_id, thread_id),
        )
        return None if row is None else PendingQuiz(*row)

    async def take_pending_quiz(self, chat_id: int, thread_id: int) -> bool:
        """Remove one topic's waiting request; False when someone else took it first."""
        return (
            await self._db.write(
                "DELETE FROM pending_quizzes WHERE chat_id = ? AND thread_id = ?",
                (chat_id, thread_id),
            )
            == 1
        )

    # plain text offered as a quiz topic

    async def offer_topic(
        self, chat_id: int, request_key: str, topic: str, now: float
    ) -> int | None:
        """The offer's id; None when this message was offered before (a re-delivery)."""
        async with self._db.transaction():
            await self._db.write(
                "DELETE FROM topic_offers WHERE created_at < ?", (now - OFFER_RETENTION,)
            )
            return await self._db.insert(
                "INSERT INTO topic_offers (chat_id, request_key, topic, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (request_key) DO NOTHING",
                (chat_id, request_key, topic, now),
            )

    async def offered_topic(self, offer_id: int, chat_id: int) -> str | None:
        row = await self._db.one(
            "SELECT topic FROM topic_offers WHERE id = ? AND chat_id = ?", (offer_id, chat_id)
        )
        return None if row is None else str(row[0])

    # introductions in groups

    async def introduce(self, chat_id: int, now: float) -> bool:
        """True the first time since the bot joined the chat."""
        return (
            await self._db.write(
                "INSERT INTO introductions (chat_id, at) VALUES (?, ?)"
                " ON CONFLICT (chat_id) DO NOTHING",
                (chat_id, now),
            )
            == 1
        )

    async def forget_introduction(self, chat_id: int) -> None:
        """The bot left: when it is added again, it introduces itself again."""
        await self._db.write("DELETE FROM introductions WHERE chat_id = ?", (chat_id,))
