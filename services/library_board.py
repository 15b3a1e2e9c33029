"""What a kept quiz shows beside its feedback: the Share button (a quiz of one's own) or the
board of everyone who took a shared one. Apart from services.library, which starts quizzes,
so that the feedback stage can ask for it without importing the stages before it."""

from __future__ import annotations

from html import escape

from i18n import tr
from quiz import callbacks
from quiz.results import clock
from storage import QuizRow
from storage.library import LibraryEntry, LibraryStore

BOARD_SIZE = 10
# The library buttons' actions (callbacks.library_data).
PAGE, OPEN, PLAY, SHARE, REVOKE, EXPORT, DELETE, CONFIRM, BOARD, TOGGLE = (
    "p",
    "o",
    "y",
    "s",
    "v",
    "e",
    "d",
    "x",
    "b",
    "t",
)


class LibraryBoard:
    def __init__(self, *, library: LibraryStore) -> None:
        self._library = library

    async def board_html(self, entry: LibraryEntry, lang: str) -> str:
        rows = await self._library.board(entry.quiz_id, BOARD_SIZE)
        lines = [tr(lang, "lib_board_header", title=escape(entry.title))]
        if not rows:
            lines.append(tr(lang, "lib_board_empty"))
        for place, row in enumerate(rows, start=1):
            name = escape(row.name or str(row.user_id))
            when = clock(max(0, int(row.seconds)))
            lines.append(f"{place}. {name} — {row.score}/{row.total} · {when}")
        return "\n".join(lines)

    async def feedback_extras(self, quiz: QuizRow) -> tuple[list[str], list[tuple[str, str]]]:
        """What goes with the feedback: for a taker, the board when its owner shows it (one
        more message); for a quiz of one's own, its Share button (on the feedback's last
        message)."""
        library = self._library
        source_id = await library.source_of(quiz.id)
        if source_id is not None:
            source = await library.entry_of_quiz(source_id)
            if source is not None and source.board and source.share_token is not None:
                return [await self.board_html(source, quiz.lang)], []
            return [], []
        await library.sync(quiz.starter_id)
        entry = await library.entry_of_quiz(quiz.id)
        if entry is None:
            return [], []
        data = callbacks.library_data(SHARE, entry.owner_id, entry.number)
        return [], [(tr(quiz.lang, "lib_share_button", number=entry.number), data)]
