"""The feedback as it is written: a private chat sees it grow as a draft (Bot API 9.3+).

A draft is an ephemeral preview; the formatted feedback is still sent as messages at the end.
Telegram documents no draft rate of its own, and drafts are requests like any other (flood
control applies), so the draft follows at a calm pace: the first text at once, then at most
one update per DRAFT_INTERVAL seconds and only with DRAFT_MIN_NEW_CHARS more characters.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from telegram.constants import MessageLimit

from quiz.feedback import html_to_plain, to_html_chunks
from services.quiz.presenter import Presenter
from storage import QuizRow

log = logging.getLogger(__name__)

DRAFT_INTERVAL = 1.0
DRAFT_MIN_NEW_CHARS = 40
# A citation marker still being written (【4:0†no…) is noise in a draft.
_OPEN_MARKER = re.compile(r"【[^】]*$")
_MARKER = re.compile(r"【[^】]*】")


def draft_text(markdown: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> str:
    """The feedback so far as plain text (a draft is never parsed, so no entity can break);
    past `limit`, the latest part, from a word on."""
    text = _MARKER.sub("", _OPEN_MARKER.sub("", markdown))
    # Bold or code still open at the end would show as raw ** until it closes.
    for mark in ("**", "__", "`", "*"):
        if text.count(mark) % 2:
            at = text.rfind(mark)
            text = text[:at] + text[at + len(mark) :]
    plain = "\n\n".join(html_to_plain(c) for c in to_html_chunks(text)).strip()
    if len(plain) <= limit:
        return plain
    tail = plain[-(limit - 1) :]
    space = tail.find(" ")
    return "…" + (tail[space + 1 :] if 0 <= space < len(tail) // 2 else tail)


class FeedbackDraft:
    """A TextSink for the engine: shows the growing feedback as the quiz's draft."""

    def __init__(
        self, ui: Presenter, quiz: QuizRow, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ui = ui
        self._quiz = quiz
        self._clock = clock
        self._shown = ""
        self._at: float | None = None
        self.refused = False
        self.sent = 0

    async def __call__(self, text: str) -> None:
        if self.refused:
            return
        now = self._clock()
        if self._at is not None and (
            now - self._at < DRAFT_INTERVAL or len(text) - len(self._shown) < DRAFT_MIN_NEW_CHARS
        ):
            return
        shown = draft_text(text)
        if not shown or shown == self._shown:
            return
        # The quiz id is non-zero and one feedback's drafts share it (Telegram animates them).
        if not await self._ui.draft(self._quiz, self._quiz.id, shown):
            self.refused = True
            log.info("Quiz %s: drafts refused; the feedback comes whole", self._quiz.id)
            return
        self._shown, self._at = text, now
        self.sent += 1
