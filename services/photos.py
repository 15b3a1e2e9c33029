"""A photo (or an album) of study material becomes a document of the chat: the model writes
down the text it shows, and that text is added like any document sent as a file (the same
checks, limits and search), named from the caption or "Photo, <date>", with the page number
for an album's photos. A caption `/quiz N [topic]` (or just `N`) starts a quiz on it."""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from engine import EngineError, QuizEngine
from engine.vision import ImageInputUnsupportedError
from i18n import tr
from services.document_intake import IncomingDocument, Transcribe
from services.errors import Fail
from services.quiz.starting import parse_quiz_args
from services.start_request import QuizCommand

log = logging.getLogger(__name__)

# Telegram sends every photo as a JPEG.
PHOTO_TYPE = "image/jpeg"
# A name from a caption is kept short: it shows in every citation.
MAX_NAME = 60
# Albums remembered at once (their name and pages so far); the oldest are forgotten first.
MAX_ALBUMS = 256
# How long a quiz asked for in an album's caption waits for the album's other photos to
# arrive (Telegram sends them as separate messages, right after each other).
ALBUM_GATHER_SECONDS = 1.5

Add = Callable[[IncomingDocument], Awaitable[None]]
Reading = Callable[[int, int | None], Awaitable[None]]

_COMMAND = re.compile(r"^/quiz(?:@\w+)?(?:\s+(?P<args>.*))?$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class IncomingPhoto:
    chat_id: int
    chat_title: str
    thread_id: int | None
    user_id: int
    message_id: int
    lang: str
    file_id: str  # the largest size
    file_size: int | None
    caption: str | None
    media_group_id: str | None
    date: datetime


@dataclass
class _Album:
    name: str | None  # from the caption, which only the first photo has
    pages: int = 0
    adding: int = 0
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)


def quiz_command(caption: str | None, bot_username: str | None) -> QuizCommand | None:
    """`/quiz N [topic]` (or `/quiz@bot …`) or a bare number in a caption; else None."""
    text = _without_mention(caption or "", bot_username)
    if text.isdigit():
        return QuizCommand(int(text), "")
    found = _COMMAND.match(text)
    if found is None:
        return None
    return parse_quiz_args((found["args"] or "").split())


def _without_mention(caption: str, bot_username: str | None) -> str:
    if bot_username:
        caption = re.sub(rf"@{re.escape(bot_username)}\b", " ", caption, flags=re.IGNORECASE)
    return " ".join(caption.split())


def base_name(photo: IncomingPhoto, bot_username: str | None) -> str:
    """The caption (unless it is only a quiz request), or "Photo, <date>"."""
    caption = _without_mention(photo.caption or "", bot_username)
    if caption and quiz_command(caption, None) is None:
        return caption[:MAX_NAME].rstrip()
    return tr(photo.lang, "photo_name", date=photo.date.strftime("%Y-%m-%d"))


class Photos:
    def __init__(self, *, engine: QuizEngine, add: Add, reading: Reading) -> None:
        self._engine = engine
        # Adds the photo's text like any document, then starts the quizzes waiting for it
        # (services.waiting.Waiting.add_document).
        self._add = add
        # Shows "reading…" in a chat (the presenter's `reading`).
        self._reading = reading
        # Albums remembered (their name and pages so far), the oldest forgotten first.
        self._albums: OrderedDict[tuple[int, str], _Album] = OrderedDict()

    def note_album(self, chat_id: int, media_group_id: str) -> None:
        """An album addressed to the bot (its first photo's caption mentions it): the rest of
        its photos, which have no caption, are for the bot too."""
        if (chat_id, media_group_id) not in self._albums:
            self._albums[(chat_id, media_group_id)] = _Album(None)
            while len(self._albums) > MAX_ALBUMS:
                self._albums.popitem(last=False)

    def album_noted(self, chat_id: int, media_group_id: str | None) -> bool:
        return media_group_id is not None and (chat_id, media_group_id) in self._albums

    def _album(self, photo: IncomingPhoto, name: str) -> tuple[_Album | None, str]:
        """The photo's album (None for a single photo) and the photo's name in it."""
        if photo.media_group_id is None:
            return None, name
        key = (photo.chat_id, photo.media_group_id)
        self.note_album(*key)
        album = self._albums[key]
        album.pages += 1
        if album.name is None and photo.caption:
            album.name = name
        return album, tr(photo.lang, "photo_page", name=album.name or name, page=album.pages)

    def _reader(self, photo: IncomingPhoto) -> Transcribe:
        async def read(image: bytes, fail: Fail) -> bytes:
            await self._reading(photo.chat_id, photo.thread_id)
            try:
                read = await self._engine.transcribe(
                    image, PHOTO_TYPE, photo.chat_id, photo.user_id
                )
            except ImageInputUnsupportedError as exc:
                log.warning("The model server takes no image input: %s", exc)
                raise await fail("photo_no_vision", "no image input") from exc
            except EngineError as exc:
                log.warning("Chat %s: a photo could not be read: %s", photo.chat_id, exc)
                raise await fail("photo_failed", type(exc).__name__) from exc
            if not read.text:
                raise await fail("photo_no_text", "no text")
            return read.text.encode()

        return read

    async def add_photo(
        self, photo: IncomingPhoto, bot_username: str | None
    ) -> Callable[[], Awaitable[None]]:
        """Read the photo and add its text to the chat's documents (raises UserFacingError).
        Returns what to await before a quiz on it may start: an album's other photos."""
        album, name = self._album(photo, base_name(photo, bot_username))
        doc = IncomingDocument(
            chat_id=photo.chat_id,
            chat_title=photo.chat_title,
            thread_id=photo.thread_id,
            user_id=photo.user_id,
            message_id=photo.message_id,
            lang=photo.lang,
            file_id=photo.file_id,
            file_name=f"{name}.txt",
            mime_type="text/plain",
            file_size=photo.file_size,
            transcribe=self._reader(photo),
        )
        if album is not None:
            album.adding += 1
        try:
            await self._add(doc)
        finally:
            if album is not None:
                async with album.changed:
                    album.adding -= 1
                    album.changed.notify_all()

        async def rest_of_album() -> None:
            if album is None:
                return
            await asyncio.sleep(ALBUM_GATHER_SECONDS)
            async with album.changed:
                await album.changed.wait_for(lambda: album.adding == 0)

        return rest_of_album
