"""Settings fail fast and name what is missing; every language has every text."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from i18n import catalogues, language_for, plural_categories, tr
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


def test_the_environment_wins_over_dot_env_and_a_given_mapping_reads_neither(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text(
        "TELEGRAM_BOT_TOKEN=1:from-file\nOPENAI_API_KEY=sk-file\nQUIZ_COOLDOWN_SECONDS=7\n"
        "ALLOWED_CHAT_IDS=-100, 5\nQUIZ_VERIFY=\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUIZ_COOLDOWN_SECONDS", "9")
    s = Settings.from_env()
    assert s.telegram_token.get_secret_value() == "1:from-file"
    assert s.quiz_cooldown == 9  # the real environment wins
    assert s.allowed_chat_ids == {-100, 5}
    assert s.quiz_verify is True  # empty is unset: the default
    # Given a mapping (tests, tools), neither the environment nor .env is read.
    assert Settings.from_env(BASE).quiz_cooldown == 30


def test_an_error_names_the_variable_and_never_the_value() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(
            {**BASE, "WEBHOOK_URL": "https://x.example/h", "WEBHOOK_SECRET_TOKEN": "a b"}
        )
    assert str(caught.value).startswith("WEBHOOK_SECRET_TOKEN") and "a b" not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_every_catalogue_has_every_key_and_plural_form() -> None:
    langs = catalogues()
    assert {"en", "ko"} <= set(langs)
    for lang, texts in langs.items():
        assert set(texts) == set(langs["en"]), lang
        for key, text in texts.items():
            # A text is plural in every language or in none; each has the forms its
            # language's CLDR rule can pick, and no others.
            assert isinstance(text, dict) == isinstance(langs["en"][key], dict), (lang, key)
            if isinstance(text, dict):
                assert set(text) == plural_categories(lang), (lang, key)
    assert plural_categories("en") == {"one", "other"}
    assert plural_categories("ko") == {"other"}


@pytest.mark.parametrize(
    ("n", "english"),
    [
        (1, "✍️ Writing 1 question on <b>cells</b>…"),
        (2, "✍️ Writing 2 questions on <b>cells</b>…"),
        (0, "✍️ Writing 0 questions on <b>cells</b>…"),
        (21, "✍️ Writing 21 questions on <b>cells</b>…"),
    ],
)
def test_plural_forms_follow_each_languages_rule(n: int, english: str) -> None:
    assert tr("en", "generating", n=n, topic="cells") == english
    # Korean counts without plural forms: the one form for every number.
    assert tr("ko", "generating", n=n, topic="세포") == f"✍️ <b>세포</b>에 대한 {n}문제를 만드는 중…"
    assert tr("en", "forgetme_done", n=n).startswith(
        f"Done: I deleted your name, your {n} stored answer{'' if n == 1 else 's'},"
    )


def test_no_text_says_s_in_brackets() -> None:
    for lang, texts in catalogues().items():
        for key, text in texts.items():
            forms = text.values() if isinstance(text, dict) else [text]
            assert not any("(s)" in form for form in forms), (lang, key)


def test_a_plural_text_needs_its_count() -> None:
    with pytest.raises(TypeError, match="quiz_ready"):
        tr("en", "quiz_ready", title="t")


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

    def forms(text: str | dict[str, str]) -> list[str]:
        return list(text.values()) if isinstance(text, dict) else [text]

    english = catalogues()["en"]
    wanted = {key: fields(forms(text)[-1]) for key, text in english.items()}
    for lang, texts in catalogues().items():
        for key, text in texts.items():
            for form in forms(text):
                assert fields(form) == wanted[key], (lang, key)
