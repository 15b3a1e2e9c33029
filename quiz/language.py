"""Which language a text is in: its script where the script decides, CLD2 elsewhere.

Hangul, kana and Han characters decide Korean, Japanese and Chinese outright, and they are
what most of the bot's hard cases hinge on (a Korean topic with English questions, a Korean
topic with a Latin acronym in it). Texts mostly in other scripts go to CLD2 (pycld2), Chrome's
Compact Language Detector: its tables are compiled into the wheel and cost about 7 MiB
resident, where py3langid's model held about 75 MiB of arrays. CLD2 says "unknown" rather than
guess on a short text; CLD3 (tried too) was confidently wrong on short English topics
("quantum mechanics for beginners": Bulgarian, 0.97), which would throw out good questions.
"""

from __future__ import annotations

from dataclasses import dataclass

import pycld2

# The languages their script decides, and which characters count for each.
KOREAN, JAPANESE, CHINESE = "ko", "ja", "zh"
SCRIPT_LANGUAGES = frozenset({KOREAN, JAPANESE, CHINESE})
# One Hangul block or Han character writes about what two Latin letters do, so a Korean
# topic with a Latin acronym ("DNA 복제 과정") is still Korean.
CJK_WEIGHT = 2.0
UNKNOWN = "un"


def _is_hangul(cp: int) -> bool:
    return 0xAC00 <= cp <= 0xD7A3 or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F


def _is_kana(cp: int) -> bool:
    return 0x3040 <= cp <= 0x30FF or 0x31F0 <= cp <= 0x31FF or 0xFF66 <= cp <= 0xFF9F


def _is_han(cp: int) -> bool:
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF


@dataclass(frozen=True, slots=True)
class Scripts:
    """The text's letters, weighted: all of them, and those of each deciding script."""

    letters: float
    hangul: float
    kana: float
    han: float

    def share(self, lang: str) -> float:
        """How much of the text is in `lang`'s script (only for SCRIPT_LANGUAGES)."""
        own = {
            KOREAN: self.hangul,
            JAPANESE: self.kana + self.han,
            CHINESE: self.han,
        }[lang]
        return own / self.letters if self.letters else 0.0


def scripts(text: str) -> Scripts:
    letters = hangul = kana = han = 0.0
    for ch in text:
        if not ch.isalpha():
            continue
        cp = ord(ch)
        if _is_hangul(cp):
            hangul += CJK_WEIGHT
        elif _is_kana(cp):
            kana += CJK_WEIGHT
        elif _is_han(cp):
            han += CJK_WEIGHT
        else:
            letters += 1
            continue
        letters += CJK_WEIGHT
    return Scripts(letters, hangul, kana, han)


@dataclass(frozen=True, slots=True)
class Guess:
    lang: str
    confidence: float
    reliable: bool
    scripts: Scripts

    def room_for(self, lang: str) -> float:
        """At most how likely `lang` still is: its script's share of the text for a language
        its script decides, else what the guess leaves over."""
        if lang == self.lang:
            return self.confidence
        if lang in SCRIPT_LANGUAGES:
            return self.scripts.share(lang)
        # An unreliable guess rules nothing out.
        return 1.0 - self.confidence if self.reliable else 1.0


def warm_up() -> None:
    """CLD2's tables are part of its library: nothing to load but the first call's pages."""
    identify("warm up")


def _by_script(found: Scripts) -> tuple[str, float] | None:
    if found.hangul * 2 >= found.letters:
        return KOREAN, found.share(KOREAN)
    if found.kana and (found.kana + found.han) * 2 >= found.letters:
        return JAPANESE, found.share(JAPANESE)
    if found.han * 2 >= found.letters and not found.kana:
        return CHINESE, found.share(CHINESE)
    return None


def identify(text: str) -> Guess | None:
    """The text's most likely language (UNKNOWN when CLD2 cannot tell); None for a text
    without letters."""
    found = scripts(text)
    if not found.letters:
        return None
    decided = _by_script(found)
    if decided is not None:
        return Guess(decided[0], decided[1], True, found)
    try:
        reliable, _, details = pycld2.detect(text)
    except (pycld2.error, UnicodeError):  # e.g. a lone surrogate: then nobody can tell
        return None
    _, code, percent, _ = details[0]
    # CLD2 gives the share of the text in each language found: the best one's stands for
    # its confidence, and what it leaves is all another language can have.
    return Guess(str(code), percent / 100, bool(reliable), found)
