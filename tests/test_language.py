"""Which language a topic or a question is in (quiz/language.py), on the bot's own cases: Korean
topics with Latin words in them, short topics, questions in another script or language."""

from __future__ import annotations

import pytest

from quiz.language import identify, scripts
from quiz.model import Question
from quiz.verification import language_problem, topic_language


@pytest.mark.parametrize(
    ("topic", "lang"),
    [
        ("광합성", "ko"),
        ("수원도시기본계획", "ko"),
        # A Latin acronym or brand name does not make a Korean topic English.
        ("DNA 복제 과정", "ko"),
        ("Python 프로그래밍", "ko"),
        ("光合成の仕組み", "ja"),
        ("光合作用", "zh"),
        ("the light reactions of photosynthesis", "en"),
        ("basics of machine learning", "en"),
        ("Einstein relativity theory", "en"),
        ("la révolution française", "fr"),
        ("die Photosynthese der Pflanzen", "de"),
        ("quang hợp ở thực vật", "vi"),
        # Too short or too mixed to tell: the quiz is not held to a language.
        ("Genes", None),
        ("cell biology", None),
        ("mitochondria 기능", None),
        ("2 + 2", None),
        # Told, but not a language the bot can name: a short topic's rare guesses are
        # more often wrong (CLD2 says Latin).
        ("Pythagoras theorem", None),
    ],
)
def test_topic_language(topic: str, lang: str | None) -> None:
    assert topic_language(topic, "en") == lang


def test_no_topic_means_the_chats_language() -> None:
    assert topic_language("  ", "ko") == "ko"


def _question(text: str, choices: list[str]) -> Question:
    return Question(text=text, choices=tuple(choices), answer_index=0, explanation="")


ENGLISH = _question(
    "Which gas do plants release during photosynthesis?",
    ["Oxygen", "Nitrogen", "Hydrogen", "Helium"],
)
KOREAN = _question(
    "광합성에서 식물이 내보내는 기체는 무엇인가요?", ["산소", "질소", "수소", "헬륨"]
)
SPANISH = _question(
    "¿Qué gas liberan las plantas durante la fotosíntesis?",
    ["Oxígeno", "Nitrógeno", "Hidrógeno", "Helio"],
)
# A Korean question about English terms: mostly Hangul, so Korean.
KOREAN_ABOUT_HTML = _question(
    "웹 페이지의 구조를 만드는 언어는 무엇인가요?", ["HTML", "CSS", "JSON", "SQL"]
)


@pytest.mark.parametrize(
    ("question", "expected", "wrong"),
    [
        (ENGLISH, "ko", True),  # the e2e case: a Korean topic, English questions
        (KOREAN, "en", True),
        (SPANISH, "en", True),
        (ENGLISH, "en", False),
        (KOREAN, "ko", False),
        (KOREAN_ABOUT_HTML, "ko", False),
        (ENGLISH, None, False),  # the topic did not tell
        (_question("2 + 2 = ?", ["3", "4", "5", "22"]), "ko", False),  # no letters at all
        # Too short for CLD2 to tell, but with no Hangul at all it is not Korean.
        (_question("DNA?", ["A", "T", "G", "C"]), "ko", True),
    ],
)
def test_language_problem(question: Question, expected: str | None, wrong: bool) -> None:
    problem = language_problem(0, question, expected)
    assert (problem is not None) == wrong, problem


def test_a_han_heavy_japanese_text_leaves_room_for_chinese() -> None:
    # Kanji are Han too: a Japanese question is never "not Chinese" by script alone.
    guess = identify("光合成が行われる細胞小器官はどれですか")
    assert guess is not None and guess.lang == "ja"
    assert guess.room_for("zh") > 0.05


def test_cjk_characters_weigh_more_than_latin_letters() -> None:
    found = scripts("DNA 복제")
    assert found.hangul == 4 and found.letters == 7
