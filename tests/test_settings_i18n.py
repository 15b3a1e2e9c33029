"""Settings fail fast and name what is missing; every language has every text."""

from __future__ import annotations

import string

import pytest

from i18n import catalogues, language_for, tr
from settings import ConfigError, Settings

BASE = {"TELEGRAM_BOT_TOKEN": "123:abc", "OPENAI_API_KEY": "sk-secret"}


@pytest.mark.parametrize("missing", ["TELEGRAM_BOT_TOKEN", "OPENAI_API_KEY"])
def test_missing_secret_is_named(missing: str) -> None:
    env = {k: v for k, v in BASE.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        Settings.from_env(env)


def test_defaults_and_overrides() -> None:
    s = Settings.from_env(BASE)
    assert s.telegram_api_base_url == "https://api.telegram.org"
    assert s.default_questions == 5
    s = Settings.from_env(
        {**BASE, "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/", "QUIZ_STYLE": "keyboard"}
    )
    assert s.telegram_api_base_url == "http://127.0.0.1:9"
    assert s.quiz_style == "keyboard"


def test_bad_values_are_refused() -> None:
    with pytest.raises(ConfigError, match="QUIZ_STYLE"):
        Settings.from_env({**BASE, "QUIZ_STYLE": "carousel"})
    with pytest.raises(ConfigError, match="QUIZ_MAX_QUESTIONS"):
        Settings.from_env({**BASE, "QUIZ_MAX_QUESTIONS": "many"})


def test_repr_hides_secrets() -> None:
    text = repr(Settings.from_env(BASE))
    assert "sk-secret" not in text and "123:abc" not in text


def test_every_catalogue_has_every_key() -> None:
    langs = catalogues()
    assert {"en", "ko"} <= set(langs)
    for lang, texts in langs.items():
        assert set(texts) == set(langs["en"]), lang


def test_language_choice() -> None:
    assert language_for("ko") == "ko"
    assert language_for("en-US") == "en"
    assert language_for("xx") == "en"
    assert language_for(None) == "en"
    assert "퀴즈" in tr("ko", "no_quiz")


def test_catalogues_agree_on_placeholders() -> None:
    # A translation that drops or renames a {placeholder} fails only when that text is sent.
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    english = catalogues()["en"]
    for lang, texts in catalogues().items():
        for key, text in texts.items():
            assert fields(text) == fields(english[key]), (lang, key)
