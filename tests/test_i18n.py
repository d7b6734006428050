"""The catalogue is complete in both languages, its placeholders agree, and counts read right
(never "1 situations")."""

import re
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


# A count placed before the noun it counts reads wrong for 1 ("1 situations", "1 Personen"):
# messages put the noun first ("Situationen: {count}") or the count in parentheses. The
# presentation's counts are exempt: suppression is always on there, so none is below 5.
COUNT_PLACEHOLDERS = frozenset(
    {"count", "persons", "total", "previous", "closed", "employment", "rows", "warnings", "checks",
     "reference", "value", "numerator", "simultaneous", "beneficiaries", "youth", "t1", "early",
     "dated", "orp_to_cms", "cms_to_orp", "situations", "institutional"}
)
COUNTED_NOUNS = (
    "personne", "personnes", "situation", "situations", "cas", "bénéficiaires", "lignes", "entrées",
    "prestations", "chiffres", "avertissements", "problèmes", "Person", "Personen", "Situation",
    "Situationen", "Fall", "Fälle", "Zeilen", "Einträge", "Zahlen", "Leistungen", "Warnungen", "Probleme",
)
EXEMPT_DOMAINS = frozenset({"presentation"})
_COUNT_BEFORE_NOUN = re.compile(r"\{(\w+)\} (?:\w+ )?(?:" + "|".join(COUNTED_NOUNS) + r")\b")


def counts_before_nouns(text: str) -> list[str]:
    """The pieces of `text` where a count placeholder stands before what it counts.

    >>> counts_before_nouns("{year}: {count} Situationen ({share} der Situationen)")
    ['{count} Situationen']
    >>> counts_before_nouns("{year} — Situationen: {count} ({share} der Situationen)")
    []
    """
    return [m[0] for m in _COUNT_BEFORE_NOUN.finditer(text) if m[1] in COUNT_PLACEHOLDERS]


@pytest.mark.parametrize("key", sorted(key for key in catalogue() if key.split(".")[0] not in EXEMPT_DOMAINS))
def test_no_count_stands_before_the_noun_it_counts(key):
    found = {lang: counts_before_nouns(catalogue()[key][lang]) for lang in LANGUAGES}
    assert found == {lang: [] for lang in LANGUAGES}


def test_the_count_rule_finds_a_planted_count():
    assert counts_before_nouns("{year} wurden {total} komplexe Situationen gemeldet.") == ["{total} komplexe Situationen"]
    assert counts_before_nouns("En {year}, {closed} cas ont été clos.") == ["{closed} cas"]
    assert counts_before_nouns("{share} des bénéficiaires, {year} situations") == []
