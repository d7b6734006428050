"""The translation catalogue: every user-facing sentence, in French and German.

Messages live in ``dashboard/locales/<domain>.toml``, one table per key with ``fr`` and ``de``
side by side, so that a missing translation is visible in review and caught by a test::

    [validation.missing_column]
    fr = "Colonne obligatoire « {column} » absente."
    de = "Pflichtspalte «{column}» fehlt."

Keys are ``<domain>.<name>``; the domain is the file name. Placeholders use ``str.format``.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

LANGUAGES = ("fr", "de")
DEFAULT_LANGUAGE = "fr"
_LOCALES = Path(__file__).with_name("locales")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """All messages: ``{key: {"fr": ..., "de": ...}}``, read once per process."""
    messages: dict[str, dict[str, str]] = {}
    for path in sorted(_LOCALES.glob("*.toml")):
        with path.open("rb") as handle:
            for name, texts in tomllib.load(handle).get(path.stem, {}).items():
                messages[f"{path.stem}.{name}"] = texts
    return messages


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The message ``key`` in ``lang``, with ``params`` filled in.

    An unknown language falls back to French; an unknown key raises ``KeyError`` (a typo must
    fail a test, not show a raw key to a user).
    """
    texts = catalogue()[key]
    text = texts.get(lang) or texts[DEFAULT_LANGUAGE]
    return text.format(**params) if params else text


class TranslatedError(Exception):
    """An error whose text is a catalogue message: ``message(lang)`` in French or German.

    Raised with the message key and its parameters, ``StoreError("store.unknown_upload",
    upload_id=7)``; ``str(error)`` is the French text (logs, the command line's default).
    """

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message(DEFAULT_LANGUAGE)
