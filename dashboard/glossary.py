"""The glossary of the report (section 10, "Définitions et abréviations"), in French and German.

The entries live in ``dashboard/glossary.toml`` (French and German side by side, like the
catalogue). :func:`search` finds entries whatever the case and the accents (``reseau`` finds
``réseau``, ``runder tisch`` finds ``Runder Tisch``), in both languages and by acronym, so
that a German reader typing a French acronym (``ORP``) still finds the RAV.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import polars as pl

from dashboard.formatting import Language
from dashboard.i18n import LANGUAGES, t

GLOSSARY = Path(__file__).with_name("glossary.toml")

Kind = Literal["definition", "abbreviation"]


@dataclass(frozen=True)
class Text:
    """A term and its definition (or an acronym and its meaning) in one language."""

    term: str
    text: str


@dataclass(frozen=True)
class Entry:
    """One glossary entry: `code` is the French acronym or term, as the report writes it."""

    kind: Kind
    code: str
    fr: Text
    de: Text
    proper_name: bool = False

    def text_in(self, lang: Language) -> Text:
        return self.de if lang == "de" else self.fr


def _entry(kind: Kind, raw: dict) -> Entry:
    """One entry of the file; refused if a language lacks its term or text."""
    texts = {lang: raw.get(lang) or {} for lang in LANGUAGES}
    missing = [lang for lang, text in texts.items() if not (text.get("term") and text.get("text"))]
    if missing:
        raise ValueError(f"glossary entry {raw.get('code')!r} has no term or text in {missing}")
    proper_name = bool(raw.get("proper_name", False))
    return Entry(kind, raw["code"], Text(**raw["fr"]), Text(**raw["de"]), proper_name)


def load(path: Path = GLOSSARY) -> tuple[Entry, ...]:
    """The entries of a glossary file: definitions, then abbreviations, in the file's order."""
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    return tuple(_entry("definition", item) for item in raw.get("definitions", ())) + tuple(
        _entry("abbreviation", item) for item in raw.get("abbreviations", ())
    )


@cache
def entries() -> tuple[Entry, ...]:
    """The report's glossary, read once per process."""
    return load()


def normalize(text: str) -> str:
    """`text` without accents, case or punctuation, for matching.

    >>> normalize("Réseau médical, CII 2ème cercle"), normalize("Straße l’ÉTAT")
    ('reseau medical cii 2eme cercle', 'strasse l etat')
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(character for character in decomposed if not unicodedata.combining(character))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", bare.casefold()).split())


def _haystack(entry: Entry, languages: Iterable[Language]) -> str:
    parts = [entry.code]
    for lang in languages:
        text = entry.text_in(lang)
        parts += [text.term, text.text]
    return " " + normalize(" ".join(parts)) + " "


def search(items: Sequence[Entry], text: str, lang: Language) -> tuple[Entry, ...]:
    """The entries matching every word of `text`, accents and case ignored; all for an empty text.

    Words match the start of a word of the entry (``tab`` finds "table", ``ronde`` finds
    "ronde", not "coronde"), in its acronym and its term and text in both languages. Entries
    matching in `lang` (or by acronym) come first, then those matching only in the other
    language; each group keeps the glossary's order.

    >>> found = search(entries(), "table ronde", "fr")
    >>> [entry.code for entry in found]
    ['TRO', 'TRO']
    >>> [entry.code for entry in search(entries(), "runder tisch", "de")]
    ['TRO', 'TRO']
    """
    words = normalize(text).split()
    if not words:
        return tuple(items)
    other = [code for code in LANGUAGES if code != lang]
    first, second = [], []
    for entry in items:
        own = _haystack(entry, [lang])
        if all(f" {word}" in own for word in words):
            first.append(entry)
        elif all(f" {word}" in _haystack(entry, [lang, *other]) for word in words):
            second.append(entry)
    return tuple(first + second)


def display_term(entry: Entry, lang: Language) -> str:
    """The term in `lang`; in German, the French acronym beside a German one that differs.

    >>> orp = next(entry for entry in entries() if entry.code == "ORP")
    >>> display_term(orp, "fr"), display_term(orp, "de")
    ('ORP', 'RAV (frz. ORP)')
    """
    term = entry.text_in(lang).term
    if entry.kind == "abbreviation" and term != entry.code:
        return t("pages_more.glossary_french_code", lang, term=term, code=entry.code)
    return term


def _meaning(entry: Entry, lang: Language) -> str:
    """An entry's text, a proper name marked as such."""
    text = entry.text_in(lang).text
    return text + t("pages_more.glossary_proper_name", lang) if entry.proper_name else text


def abbreviation_table(items: Iterable[Entry], lang: Language) -> pl.DataFrame:
    """The abbreviations as a two-column table in `lang` (proper names marked as such).

    >>> abbreviation_table([e for e in entries() if e.code == "SUVA"], "de").rows()
    [('Suva (frz. SUVA)', 'Schweizerische Unfallversicherungsanstalt (Eigenname)')]
    """
    rows = [
        (display_term(entry, lang), _meaning(entry, lang))
        for entry in items
        if entry.kind == "abbreviation"
    ]
    headers = [t("pages_more.glossary_abbreviation", lang), t("pages_more.glossary_meaning", lang)]
    return pl.DataFrame(rows, schema={header: pl.String for header in headers}, orient="row")
