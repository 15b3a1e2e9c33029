"""User-facing texts, one catalogue module per language (`en.py`, `ko.py`, …).

Adding a language means adding one module with a complete `TEXTS` dict; English is the
fallback for users whose language has no catalogue.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import Any

DEFAULT_LANGUAGE = "en"


@cache
def catalogues() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for module in pkgutil.iter_modules(__path__):
        texts = getattr(importlib.import_module(f"{__name__}.{module.name}"), "TEXTS", None)
        if isinstance(texts, dict):
            found[module.name] = texts
    return found


def language_for(code: str | None) -> str:
    """Telegram's IETF tag ("ko", "en-US", "pt-br") to one of our catalogues."""
    base = (code or "").split("-")[0].lower()
    return base if base in catalogues() else DEFAULT_LANGUAGE


def tr(lang: str, key: str, **values: Any) -> str:
    texts = catalogues().get(lang) or catalogues()[DEFAULT_LANGUAGE]
    template = texts.get(key) or catalogues()[DEFAULT_LANGUAGE][key]
    return template.format(**values) if values else template
