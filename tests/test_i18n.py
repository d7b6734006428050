"""The catalogue is complete in both languages and its placeholders agree."""

import string

import pytest

from dashboard.i18n import LANGUAGES, catalogue, t


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_key_is_translated_with_the_same_placeholders(key):
    texts = catalogue()[key]
    assert set(texts) == set(LANGUAGES), f"{key}: languages {sorted(texts)}"
    assert all(texts[lang].strip() for lang in LANGUAGES), f"{key}: empty text"
    assert texts["fr"] != texts["de"], f"{key}: German identical to French"
    assert _placeholders(texts["fr"]) == _placeholders(texts["de"]), key


def test_unknown_key_fails_loudly_and_unknown_language_falls_back_to_french():
    with pytest.raises(KeyError):
        t("common.no_such_key")
    assert t("common.app_title", "it") == t("common.app_title", "fr")
