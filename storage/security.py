"""What access control keeps (see migration 6), and /forgetme."""

from __future__ import annotations

from storage.store import Store


class SecurityStore(Store):
    # access

    async def note_refusal(self, chat_id: int, now: float) -> bool:
        """Remember that `chat_id` was told it may not use the bot; False if it already was."""
        first = await self._db.write(
            "INSERT INTO access_refusals (chat_id, at) VALUES (?, ?)"
            " ON CONFLICT (chat_id) DO NOTHING",
            (chat_id, now),
        )
        return first == 1

    # privacy

    async def forget_user(self, user_id: int) -> int:
        """Delete or redact everything that holds a person; returns how many answers went.

        Kept: the ids on quizzes they started and on token usage (no personal content, and
        quotas must not be reset by forgetting), and quizzes still running (their answers go
        now; what the model is sent about them later holds no name: see users). The topics
        they asked for are QuizStore.redact_topics_of's (it keeps the quiz cache true)."""
        them = (user_id, user_id)
        # The quizzes they answered or started that are over.
        ended = (
            "SELECT id FROM quizzes WHERE state IN ('done', 'failed', 'cancelled') AND id IN"
            " (SELECT quiz_id FROM answers WHERE user_id = ? UNION"
            " SELECT id FROM quizzes WHERE starter_id = ?)"
        )
        # Overwrite what is deleted instead of leaving it in free pages of the file.
        async with self._db.transaction():
            if self._db.dialect == "sqlite":
                await self._db.write("PRAGMA secure_delete = ON")
            # The model's feedback names them, and the items a stateless quiz keeps hold it
            # and the answers; both were only kept to post the feedback once.
            await self._db.write(f"DELETE FROM feedback WHERE quiz_id IN ({ended})", them)
            await self._db.write(
                "DELETE FROM quiz_items WHERE conversation_key IN (SELECT conversation_id"
                f" FROM quizzes WHERE id IN ({ended}))",
                them,
            )
            answers = await self._db.write("DELETE FROM answers WHERE user_id = ?", (user_id,))
            await self._db.write("DELETE FROM unconfirmed_answers WHERE user_id = ?", (user_id,))
            await self._db.write("DELETE FROM users WHERE user_id = ?", (user_id,))
            await self._db.write("DELETE FROM pending_quizzes WHERE user_id = ?", (user_id,))
            # Offers, settings and refusals of their private chat (its id is theirs).
            for table in ("topic_offers", "chat_settings", "access_refusals"):
                await self._db.write(f"DELETE FROM {table} WHERE chat_id = ?", (user_id,))
            # A document stays the chat's; it no longer says who added it (0: nobody).
            await self._db.write(
                "UPDATE documents SET uploader_id = 0 WHERE uploader_id = ?", (user_id,)
            )
        return answers
