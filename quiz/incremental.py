"""Read `generate_quiz` arguments while they stream in, one finished question at a time.

The model writes `{"title": "...", "questions": [{...}, {...}, ...]}` token by token. This
scanner follows JSON's nesting (strings and escapes included) and hands out each question
object as soon as its closing brace arrives, so it can be posted while the rest is written.
It never fails: text that is not the expected shape just yields nothing, and the complete
arguments are validated as a whole at the end anyway.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass
class IncrementalQuiz:
    title: str | None = None
    _text: str = ""
    _pos: int = 0
    _depth: int = 0
    _in_string: bool = False
    _escaped: bool = False
    _key: str | None = None  # the last top-level key read
    _string_start: int = -1
    _questions_depth: int | None = None  # depth inside the "questions" array
    _object_start: int = -1
    _emitted: int = 0

    def feed(self, chunk: str) -> list[dict[str, Any]]:
        """Add streamed text; return the questions completed by it, in order."""
        self._text += chunk
        done: list[dict[str, Any]] = []
        text = self._text
        while self._pos < len(text):
            ch = text[self._pos]
            if self._in_string:
                if self._escaped:
                    self._escaped = False
                elif ch == "\\":
                    self._escaped = True
                elif ch == '"':
                    self._in_string = False
                    self._string_ended(text)
            elif ch == '"':
                self._in_string = True
                self._string_start = self._pos
            elif ch in "{[":
                self._depth += 1
                if ch == "[" and self._depth == 2 and self._key == "questions":
                    self._questions_depth = 2
                elif ch == "{" and self._questions_depth == 2 and self._depth == 3:
                    self._object_start = self._pos
            elif ch in "}]":
                if ch == "}" and self._questions_depth == 2 and self._depth == 3:
                    question = self._decode(text[self._object_start : self._pos + 1])
                    if question is not None:
                        done.append(question)
                        self._emitted += 1
                if ch == "]" and self._depth == 2:
                    self._questions_depth = None
                self._depth -= 1
            self._pos += 1
        return done

    @property
    def emitted(self) -> int:
        return self._emitted

    def _string_ended(self, text: str) -> None:
        if self._depth != 1:
            return
        value = self._decode(text[self._string_start : self._pos + 1])
        if not isinstance(value, str):
            return
        rest = text[self._pos + 1 :].lstrip()
        if self._key == "title" and self.title is None and not rest.startswith(":"):
            self.title = value
            self._key = None
        else:
            self._key = value

    @staticmethod
    def _decode(fragment: str) -> Any:
        try:
            return json.loads(fragment)
        except json.JSONDecodeError:
            return None
