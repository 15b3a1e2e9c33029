"""A request to start a quiz: who asks, where, and for what. Built once where the request
arrives (a command, a button, a review, a waiting quiz, a library quiz, an imported file) and
passed as one value through the start checks to the quiz's row."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from quiz.states import QuizMode
from services.errors import UserFacingError
from storage.conversation import PendingQuiz


@dataclass(frozen=True, slots=True)
class QuizCommand:
    """A parsed `/quiz [N] topic…`: how many questions (None: the default), about what."""

    requested: int | None
    topic: str


@dataclass(frozen=True, slots=True)
class StartRequest:
    chat_id: int
    chat_type: str
    thread_id: int | None
    user_id: int
    # The message that asked (a command, the message of a tapped button).
    message_id: int
    lang: str
    # Identifies the request, so that a re-delivered update is a no-op: the command
    # message unless a tap or a deep link says otherwise.
    key: str
    # What to write; a library quiz or an imported file brings its own questions.
    command: QuizCommand = field(default_factory=lambda: QuizCommand(None, ""))
    # How it is played (/live); None: the chat's default (/mode).
    mode: QuizMode | None = None

    @classmethod
    def of_pending(cls, pending: PendingQuiz) -> StartRequest:
        """A /quiz that waited for the chat's documents, as it was asked."""
        return cls(
            chat_id=pending.chat_id,
            chat_type=pending.chat_type,
            thread_id=pending.thread_id or None,
            user_id=pending.user_id,
            message_id=pending.message_id,
            lang=pending.lang,
            key=pending.request_key,
            command=QuizCommand(pending.requested, pending.topic),
        )

    def pending(self, now: float) -> PendingQuiz:
        """This request, stored to wait for the chat's documents."""
        return PendingQuiz(
            chat_id=self.chat_id,
            thread_id=self.thread_id or 0,
            chat_type=self.chat_type,
            user_id=self.user_id,
            message_id=self.message_id,
            lang=self.lang,
            requested=self.command.requested,
            topic=self.command.topic,
            request_key=self.key,
            created_at=now,
        )

    def refusal(self, key: str, **values: Any) -> UserFacingError:
        """The message that refuses this request, in its chat, topic and language."""
        return UserFacingError(
            key, chat_id=self.chat_id, lang=self.lang, thread_id=self.thread_id, **values
        )


class QuizStarter(Protocol):
    """What starts a quiz (services/quiz/starting.QuizOpening), as a handler reaches it."""

    async def start(self, req: StartRequest) -> None: ...
