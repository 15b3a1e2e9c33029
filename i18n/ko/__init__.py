"""한국어 텍스트. 키는 en과 같아야 합니다 (테스트가 확인합니다)."""

from __future__ import annotations

from i18n.ko import access, chats, games, learning, library, quiz

# 수를 세는 텍스트는 CLDR 복수형을 가집니다. 한국어에는 "other" 하나뿐입니다 (i18n.tr 참고).
TEXTS: dict[str, str | dict[str, str]] = {
    **quiz.TEXTS,
    **chats.TEXTS,
    **access.TEXTS,
    **learning.TEXTS,
    **games.TEXTS,
    **library.TEXTS,
}
