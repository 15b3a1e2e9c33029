"""What access control keeps (see migration 6), and /forgetme."""

from __future__ import annotations

from storage.database import Database


class SecurityStore:
    def __init__(self, db: Database) -> None:
        self._db = db

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
        """Delete a user's answers and stored name; returns how many answers went.

        The ids on quizzes they started and on token usage stay: they carry no personal
        content, and quotas must not be reset by forgetting."""
        # Overwrite what is deleted instead of leaving it in free pages of the file.
        async with self._db.transaction():
            await self._db.write("PRAGMA secure_delete = ON")
            answers = await self._db.write("DELETE FROM answers WHERE user_id = ?", (user_id,))
            await self._db.write("DELETE FROM users WHERE user_id = ?", (user_id,))
        return answers
