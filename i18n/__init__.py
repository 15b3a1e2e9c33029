"""User-facing texts, one catalogue per language (`en`, `ko`, …): a package whose `TEXTS`
gathers its parts, one module per feature.

Adding a language means adding one module or package with a complete `TEXTS` dict; English is the
fallback for users whose language has no catalogue. A text with a count is a dict of its
CLDR plural categories (`{"one": …, "other": …}` in English, only `"other"` in Korean):
`tr(lang, key, n=…)` picks the form with that language's CLDR rule (Babel's), never a rule of
ours.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import Any

from babel import Locale

DEFAULT_LANGUAGE = "en"

# A plain template, or a plural one: CLDR category ("zero", "one", "two", "few", "many",
# "other") -> template.
Text = str | dict[str, str]


@cache
def catalogues() -> dict[str, dict[str, Text]]:
    found: dict[str, dict[str, Text]] = {}
    for module in pkgutil.iter_modules(__path__):
        texts = getattr(importlib.import_module(f"{__name__}.{module.name}"), "TEXTS", None)
        if isinstance(texts, dict):
            found[module.name] = texts
    return found


def language_for(code: str | None) -> str:
    """Telegram's IETF tag ("ko", "en-US", "pt-br") to one of our catalogues."""
    base = (code or "").split("-")[0].lower()
    return base if base in catalogues() else DEFAULT_LANGUAGE


@cache
def plural_categories(lang: str) -> frozenset[str]:
    """The plural forms a language's texts need: its CLDR categories, always with "other"."""
    return frozenset(_locale(lang).plural_form.tags) | {"other"}


def plural_category(lang: str, n: int) -> str:
    return str(_locale(lang).plural_form(n))


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def tr(lang: str, key: str, n: int | None = None, **values: Any) -> str:
    """The text `key` in `lang`; `n` is the count a plural text agrees with (and `{n}`)."""
    texts = catalogues().get(lang)
    if texts is None or key not in texts:
        lang, texts = DEFAULT_LANGUAGE, catalogues()[DEFAULT_LANGUAGE]
    template = texts[key]
    if isinstance(template, dict):
        if n is None:
            raise TypeError(f"{key} is a plural text: give its count as n")
        template = template.get(plural_category(lang, n), template["other"])
    if n is not None:
        values["n"] = n
    return template.format(**values) if values else template
