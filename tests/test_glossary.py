"""The glossary (dashboard/glossary.py + glossary.toml): complete in both languages, searchable."""

from __future__ import annotations

import doctest
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard import glossary
from dashboard.glossary import Entry, Text

# Section 10 of the 2025 report: its ten definitions and its 52 abbreviations (SPPPEA in the
# report's table is its SPPEA, as the report's own text spells it).
DEFINITIONS = (
    "Assessment", "Bureau CII", "CM CII", "Chargé cantonal CII", "CDC", "CII 2ème cercle",
    "Commission droit", "COPIL", "Coaching ORP-CMS", "TRO",
)
ABBREVIATIONS = (
    "AC", "AI", "AIS", "AP/R", "AS", "BACR", "BIP", "CCPP", "CDTEA", "CDC", "CII", "CIO", "CMCII",
    "CMS", "COCIILA", "COPIL", "DEF", "DSSC", "LACI", "LIPDA", "LPD", "EPCL", "LIAS", "LEMC", "MMT",
    "OAI", "OASI", "OCPS", "OES", "OSAMA", "OPE", "ORP", "OSP", "PAI", "PPP", "REMC", "SAPEM", "SAS",
    "SCAI", "SCI", "SCJ", "SE", "SFOP", "SHE", "SICT", "SMR", "SPPA", "SPPEA", "SPPHA", "SUVA", "TM",
    "TRO",
)

ENTRIES = glossary.entries()


def codes(entries, kind=None):
    return [entry.code for entry in entries if kind is None or entry.kind == kind]


def test_the_doctests_hold():
    assert doctest.testmod(glossary).failed == 0


def test_the_glossary_holds_every_definition_and_abbreviation_of_the_report():
    assert tuple(codes(ENTRIES, "definition")) == DEFINITIONS
    assert tuple(codes(ENTRIES, "abbreviation")) == ABBREVIATIONS


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: f"{entry.kind}:{entry.code}")
def test_every_entry_is_written_in_french_and_german(entry):
    for text in (entry.fr, entry.de):
        assert text.term.strip() and text.text.strip()
    # Proper names and shared acronyms may read the same; the explanation never does.
    assert entry.fr.text != entry.de.text
    if entry.kind == "definition":
        assert len(entry.de.text) > 40, "a definition is translated in full"


def test_proper_names_are_marked_as_such():
    assert {entry.code for entry in ENTRIES if entry.proper_name} == {"COCIILA", "EPCL", "SUVA"}


def test_a_file_with_an_entry_missing_its_german_text_is_refused(tmp_path: Path):
    path = tmp_path / "glossary.toml"
    path.write_text('[[abbreviations]]\ncode = "AC"\nfr = { term = "AC", text = "Assurance-chômage" }\n', encoding="utf-8")
    with pytest.raises(ValueError, match="'AC'.*de"):
        glossary.load(path)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # the report's TRO, in each language, whatever the case and the accents
        ("table ronde", "fr", ["TRO", "TRO"]),
        ("TABLE RONDE", "fr", ["TRO", "TRO"]),
        ("Runder Tisch", "de", ["TRO", "TRO"]),
        ("runder tisch", "de", ["TRO", "TRO"]),
        # accents ignored both ways
        ("reseau medical", "fr", []),
        ("medico social", "fr", ["CMS"]),
        ("médico-social", "fr", ["CMS"]),
        ("ETABLISSEMENT PENITENTIAIRE", "fr", ["CII 2ème cercle", "EPCL"]),
        # a French acronym finds the German entry too, and the other way round
        ("ORP", "de", ["Coaching ORP-CMS", "ORP"]),
        ("RAV", "fr", ["Coaching ORP-CMS", "ORP"]),
        # words match the start of a word: "tab" is in "table", "onde" is not a word start
        ("tab ron", "fr", ["TRO", "TRO"]),
        ("onde", "fr", []),
        # nothing matches
        ("zzz", "fr", []),
    ],
)
def test_search(text, lang, expected):
    assert codes(glossary.search(ENTRIES, text, lang)) == expected


def test_an_empty_search_keeps_every_entry_in_order():
    assert glossary.search(ENTRIES, "  ", "fr") == ENTRIES


def test_matches_in_the_chosen_language_come_first():
    entries = (
        Entry("abbreviation", "X", Text("X", "Arbeit und Brot"), Text("X", "travail"), False),
        Entry("abbreviation", "Y", Text("Y", "travail"), Text("Y", "Arbeit"), False),
    )
    assert codes(glossary.search(entries, "travail", "fr")) == ["Y", "X"]
    assert codes(glossary.search(entries, "travail", "de")) == ["X", "Y"]


def test_the_abbreviation_table_keeps_the_french_acronym_beside_the_german_one():
    chosen = [entry for entry in ENTRIES if entry.code in ("ORP", "AS", "SUVA")]
    expected_de = pl.DataFrame(
        {
            "Abkürzung": ["AS", "RAV (frz. ORP)", "Suva (frz. SUVA)"],
            "Bedeutung": ["Sozialhilfe", "Regionales Arbeitsvermittlungszentrum", "Schweizerische Unfallversicherungsanstalt (Eigenname)"],
        }
    )
    expected_fr = pl.DataFrame(
        {
            "Abréviation": ["AS", "ORP", "SUVA"],
            "Signification": ["Aide sociale", "Office régional de placement", "Caisse nationale suisse d'assurance en cas d'accidents (nom propre)"],
        }
    )
    assert_frame_equal(glossary.abbreviation_table(chosen, "de"), expected_de)
    assert_frame_equal(glossary.abbreviation_table(chosen, "fr"), expected_fr)


def test_normalize_drops_accents_case_and_punctuation():
    assert glossary.normalize("Coordination des CII latines — « COCIILA »") == "coordination des cii latines cociila"
