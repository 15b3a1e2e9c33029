"""Cost control: the tokens each response used, and the quizzes that count towards limits."""

from __future__ import annotations

from dataclasses import dataclass

from quiz.states import LIVE_STATES
from storage.database import SQLDatabase
from storage.store import Store

# Token usage older than this is deleted: quotas only look at the current UTC day and the
# operator's /usage at today, so a month is plenty for spotting a trend.
USAGE_RETENTION = 31 * 24 * 3600

# A quiz that failed before it opened (the model or the bot failed) costs the user neither a
# cooldown nor one of the day's quizzes; its tokens are metered in `usage` all the same.
COUNTS = "NOT (state = 'failed' AND opened_at IS NULL)"


class LimitReachedError(Exception):
    """A reservation was refused: `key` names the limit (an i18n key), `limit` its value."""

    def __init__(self, key: str, limit: int) -> None:
        super().__init__(f"{key} ({limit})")
        self.key = key
        self.limit = limit


@dataclass(frozen=True, slots=True)
class StartLimits:
    """What a new quiz is checked against in the transaction that creates it; 0: no limit."""

    since: float  # the start of the current UTC day
    user_per_day: int
    chat_per_day: int
    # Quizzes one person may have generating, open or being submitted at once.
    user_running: int


@dataclass(frozen=True, slots=True)
class DocumentLimits:
    """What a new document is checked against in the transaction that reserves it; 0: none."""

    since: float  # the start of the current UTC day
    user_per_day: int
    chat_per_day: int
    user_bytes_per_day: int
    chat_bytes_per_day: int
    # Documents one chat's library may hold at once.
    library: int


async def check_start(
    db: SQLDatabase, limits: StartLimits, chat_id: int, thread_id: int, starter_id: int, key: str
) -> None:
    """Inside the transaction that creates a quiz: LimitReachedError when it would break one
    of `limits`. A re-delivered request and a topic with a live quiz are left to the INSERT,
    which refuses them for what they are."""
    live = ", ".join("?" for _ in LIVE_STATES)
    if await db.one(
        f"SELECT 1 FROM quizzes WHERE request_key = ? OR (chat_id = ? AND thread_id = ?"
        f" AND state IN ({live}))",
        (key, chat_id, thread_id, *LIVE_STATES),
    ):
        return
    # The daily limits first: their message says when they reset.
    checks = (
        (
            "limit_user_quizzes",
            limits.user_per_day,
            f"SELECT COUNT(*) FROM quizzes WHERE starter_id = ? AND created_at >= ? AND {COUNTS}",
            (starter_id, limits.since),
        ),
        (
            "limit_chat_quizzes",
            limits.chat_per_day,
            f"SELECT COUNT(*) FROM quizzes WHERE chat_id = ? AND created_at >= ? AND {COUNTS}",
            (chat_id, limits.since),
        ),
        (
            "limit_user_running",
            limits.user_running,
            f"SELECT COUNT(*) FROM quizzes WHERE starter_id = ? AND state IN ({live})",
            (starter_id, *LIVE_STATES),
        ),
    )
    for name, limit, sql, params in checks:
        row = await db.one(sql, params) if limit else None
        if row is not None and int(row[0]) >= limit:
            raise LimitReachedError(name, limit)


@dataclass(frozen=True, slots=True)
class UsageReport:
    quizzes: int
    tokens: int
    top_chats: list[tuple[int, int]]  # (chat_id, tokens), most first
    top_users: list[tuple[int, str | None, int]]  # (user_id, stored name, tokens)


class UsageStore(Store):
    async def _scalar(self, sql: str, params: tuple[object, ...]) -> int:
        row = await self._db.one(sql, params)
        return int(row[0] or 0) if row else 0

    # token usage

    async def record_usage(
        self, chat_id: int | None, user_id: int | None, tokens: int, now: float
    ) -> None:
        async with self._db.transaction():
            await self._db.write(
                "INSERT INTO usage (at, chat_id, user_id, tokens) VALUES (?, ?, ?, ?)",
                (now, chat_id, user_id, tokens),
            )
            await self._db.write("DELETE FROM usage WHERE at < ?", (now - USAGE_RETENTION,))

    async def tokens_since(
        self, since: float, *, chat_id: int | None = None, user_id: int | None = None
    ) -> int:
        """Tokens used since `since`, by one chat, one user, or (neither given) everyone."""
        return await self._scalar(
            "SELECT SUM(tokens) FROM usage WHERE at >= ?"
            " AND (CAST(? AS BIGINT) IS NULL OR chat_id = ?)"
            " AND (CAST(? AS BIGINT) IS NULL OR user_id = ?)",
            (since, chat_id, chat_id, user_id, user_id),
        )

    async def quizzes_since(
        self, since: float, *, chat_id: int | None = None, user_id: int | None = None
    ) -> int:
        """Quizzes created since `since` that count towards the daily limits: not those that
        never opened because the model or the bot failed (their tokens still count)."""
        return await self._scalar(
            f"SELECT COUNT(*) FROM quizzes WHERE created_at >= ? AND {COUNTS}"
            " AND (CAST(? AS BIGINT) IS NULL OR chat_id = ?)"
            " AND (CAST(? AS BIGINT) IS NULL OR starter_id = ?)",
            (since, chat_id, chat_id, user_id, user_id),
        )

    async def seen_request(self, request_key: str) -> bool:
        """Whether a quiz was already created for this request (a re-delivered update)."""
        return bool(
            await self._scalar("SELECT COUNT(*) FROM quizzes WHERE request_key = ?", (request_key,))
        )

    async def last_quiz_at(self, chat_id: int, thread_id: int) -> float | None:
        """When the last counted quiz of this chat topic (0: no topic) was started: the
        cooldown belongs to the topic, as the one-live-quiz rule does."""
        row = await self._db.one(
            f"SELECT MAX(created_at) FROM quizzes WHERE chat_id = ? AND thread_id = ? AND {COUNTS}",
            (chat_id, thread_id),
        )
        return None if row is None or row[0] is None else float(row[0])

    async def report(self, since: float, top: int = 5) -> UsageReport:
        rows = await self._db.all(
            "SELECT chat_id, SUM(tokens) AS t FROM usage WHERE at >= ? AND chat_id IS NOT NULL"
            " GROUP BY chat_id ORDER BY t DESC LIMIT ?",
            (since, top),
        )
        chats = [(int(r[0]), int(r[1])) for r in rows]
        rows = await self._db.all(
            "SELECT g.user_id, u.name, g.t FROM (SELECT user_id, SUM(tokens) AS t FROM usage"
            " WHERE at >= ? AND user_id IS NOT NULL GROUP BY user_id) g"
            " LEFT JOIN users u ON u.user_id = g.user_id ORDER BY g.t DESC LIMIT ?",
            (since, top),
        )
        users = [(int(r[0]), r[1], int(r[2])) for r in rows]
        return UsageReport(
            quizzes=await self.quizzes_since(since),
            tokens=await self.tokens_since(since),
            top_chats=chats,
            top_users=users,
        )
