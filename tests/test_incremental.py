"""The streaming parser hands out each question as soon as it is complete."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from fakes.quizdata import quiz_args
from quiz.incremental import IncrementalQuiz


def test_questions_arrive_one_by_one_as_their_braces_close() -> None:
    args = quiz_args(3)
    args["questions"][1]["question_text"] = 'Tricky "quote" with } and ] and \\ inside {'
    text = json.dumps(args, ensure_ascii=False)
    parser = IncrementalQuiz()
    seen: list[tuple[int, dict[str, object]]] = []
    for i, ch in enumerate(text):
        for question in parser.feed(ch):
            seen.append((i, question))
    assert [q for _, q in seen] == args["questions"]
    assert parser.title == "Biology"
    # The first question is out long before the arguments end.
    first_end = text.index("}") + 1
    assert seen[0][0] == first_end - 1 < len(text) // 2


@given(st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=200))
def test_any_chunking_gives_the_same_questions(sizes: list[int]) -> None:
    args = quiz_args(4)
    text = json.dumps(args, ensure_ascii=False)
    parser = IncrementalQuiz()
    got: list[dict[str, object]] = []
    pos = 0
    for size in sizes * (len(text) // max(1, sum(sizes)) + 1):
        if pos >= len(text):
            break
        got += parser.feed(text[pos : pos + size])
        pos += size
    got += parser.feed(text[pos:])
    assert got == args["questions"]
    assert parser.title == "Biology"


def test_garbage_yields_nothing_and_does_not_raise() -> None:
    parser = IncrementalQuiz()
    assert parser.feed('{"title": 5, "questions": [{"a": }, 7, "x"]}') == []
