"""What the quiz lifecycle shows in a chat, and the two facts it asks of it.

The lifecycle decides *what* happens (which question goes out, when a quiz closes, what the
results are); a Presenter turns that into messages. TelegramPresenter
(services/quiz/telegram_presenter.py) is the real one; tests record the calls instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from storage import QuizRow, StoredQuestion


@dataclass(frozen=True, slots=True)
class Posted:
    """Where a question went: its message, its poll (native polls only), and the
    close_date Telegram took for the poll (None: the bot stops it)."""

    message_id: int
    poll_id: str | None = None
    close_date: int | None = None


class Presenter(Protocol):
    def typing(self, quiz: QuizRow) -> AbstractAsyncContextManager[None]:
        """Show "typing…" in the quiz's chat while the block runs."""
        ...

    async def status(self, quiz: QuizRow, html: str) -> int:
        """Post the "writing…" status message; returns its id (it becomes the header)."""
        ...

    async def header(
        self, quiz: QuizRow, html: str, *, status_message_id: int | None, finish_button: bool
    ) -> None:
        """Turn the status message into the quiz's header (or post one if there is none)."""
        ...

    async def update_header(
        self, quiz: QuizRow, html: str, status_message_id: int, finish_button: bool
    ) -> None:
        """Change the header after the fact (a failure to is only logged)."""
        ...

    async def question(
        self, quiz: QuizRow, sq: StoredQuestion, total: int, close_date: int | None
    ) -> Posted:
        """Post one question, as a quiz poll or a message with buttons (`sq.style`); a poll
        ends by itself at `close_date` where Telegram takes it."""
        ...

    async def live_question(
        self, quiz: QuizRow, sq: StoredQuestion, total: int, seconds: int
    ) -> Posted:
        """Post a live game's question: a poll with Telegram's countdown (`open_period`), or
        a message with buttons that says how long it is open (the bot closes it)."""
        ...

    async def standings(self, quiz: QuizRow, html: str, message_id: int | None) -> int:
        """Show a live game's standings: edit its message, or post it (the first time);
        returns the message's id."""
        ...

    async def podium(self, quiz: QuizRow, html: str) -> None:
        """Post a live game's final standings."""
        ...

    async def remove_finish_button(self, quiz: QuizRow) -> None:
        """The group's "Finish quiz" button goes with the quiz."""
        ...

    async def stop_poll(self, quiz: QuizRow, sq: StoredQuestion) -> None:
        """Close a posted poll (one already closed or deleted is no error)."""
        ...

    async def reveal(self, quiz: QuizRow, sq: StoredQuestion, total: int, answered: int) -> None:
        """Show a keyboard question's right answer and remove its buttons."""
        ...

    async def results(self, quiz: QuizRow, html: str) -> None:
        """Post the leaderboard."""
        ...

    async def feedback(
        self, quiz: QuizRow, chunks: Sequence[str], buttons: Sequence[tuple[str, str]] = ()
    ) -> None:
        """Post the model's feedback, each chunk one message (plain text if HTML is refused);
        `buttons` ((label, callback data), one row) go on the last."""
        ...

    async def draft(self, quiz: QuizRow, draft_id: int, text: str) -> bool:
        """Show plain `text` as the private chat's growing draft (a preview that is never
        kept); False when Telegram refuses, and then drafting should stop."""
        ...

    async def notice(self, quiz: QuizRow, key: str, **values: Any) -> None:
        """A plain-text message in the quiz's language."""
        ...

    async def review_offer(
        self, quiz: QuizRow, text: str, button: str, *, in_private: bool
    ) -> None:
        """After the feedback: a button to review one's mistakes (in a group, a link to the
        private chat, where a bot may only write once the person has started it)."""
        ...

    async def member_count(self, chat_id: int) -> int | None:
        """How many members the chat has (the bot included); None when Telegram won't say."""
        ...

    async def is_admin(self, chat_id: int, user_id: int) -> bool:
        """Whether the user administers the chat."""
        ...
