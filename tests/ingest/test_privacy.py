"""The privacy guard refuses raw AVS numbers and name columns, and never echoes an AVS number."""

import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.datasets import DATASETS
from dashboard.ingest.privacy import AVS_PATTERN, first_avs, is_name_column, mask_avs, privacy_problems
from dashboard.ingest.report import problem

PSEUDONYM_WITH_DIGIT_RUNS = "a7561234567897b" + "0" * 49  # 64 hex digits


def _avs_with_check_digit(body9: str) -> str:
    """756 + 9 digits + the EAN-13 check digit, computed independently of the code under test."""
    digits = "756" + body9
    total = sum(int(d) * (1, 3)[i % 2] for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


@pytest.mark.parametrize(
    ("cell", "flagged"),
    [
        # raw AVS numbers, every usual spelling
        ("756.1234.5678.97", True),
        ("756 1234 5678 97", True),
        ("7561234567897", True),
        ("756-1234-5678-97", True),
        ("756\u00a01234\u00a05678\u00a097", True),  # no-break spaces from Excel formats
        ("756.1234.5678.90", True),  # wrong check digit: still an AVS number, still refused
        # inside a longer text
        ("AVS: 756.1234.5678.97, merci", True),
        ("(7561234567897)", True),
        ("voir 756 1234 5678 97\n", True),
        ("ancien n° 756.1234.5678.97/2", True),
        # pseudonyms: hex contains digit runs, but never between non-alphanumeric boundaries
        (PSEUDONYM_WITH_DIGIT_RUNS, False),
        ("7561234567897" + "f" * 51, False),
        ("f" * 51 + "7561234567897", False),
        ("x7561234567897", False),
        ("7561234567897x", False),
        # other numbers
        ("1234567890123", False),  # 13 digits not starting with 756
        ("756123456789", False),  # 756 + 9 digits
        ("75612345678970", False),  # 756 + 11 digits
        ("756.1234.5678.9", False),
        ("027 606 73 20", False),  # phone numbers
        ("+41 27 606 73 20", False),
        ("15.03.2025", False),
        ("Frs. 1'234.50", False),
        ("Sion", False),
        ("", False),
        (None, False),
    ],
)
def test_raw_avs_cells(cell, flagged):
    frame = pl.DataFrame({"note": [cell]}, schema={"note": pl.String})
    result = [p.code for p in privacy_problems(frame)]
    assert result == (["privacy.raw_avs"] if flagged else [])


@pytest.mark.parametrize(
    ("header", "flagged"),
    [
        # French
        ("nom", True),
        ("NOM", True),
        ("Noms", True),
        ("prénom", True),
        ("Prénoms", True),
        ("nom de famille", True),
        ("nom complet", True),
        ("Nom du bénéficiaire", True),
        ("nom_prenom", True),
        ("NomPrenom", True),
        # German
        ("Name", True),
        ("Vorname", True),
        ("Nachname", True),
        ("Familienname", True),
        ("Vorname Klient", True),
        ("Klientenname", True),
        ("Namensänderung", True),  # may hold the former name: over-cautious on purpose
        # English
        ("surname", True),
        ("first name", True),
        ("firstname", True),
        ("First_Name", True),
        ("last name", True),
        ("LastName", True),
        ("given name", True),
        ("full name", True),
        ("institution name", True),  # any name word is enough
        # not names
        ("nombre", False),
        ("nombre de participants", False),
        ("numéro", False),
        ("Nummer", False),
        ("nomination", False),
        ("Unternehmen", False),
        ("Übernahme", False),
        ("person_id", False),
        ("No AVS", False),
        ("", False),
    ],
)
def test_name_headers(header, flagged):
    assert is_name_column(header) is flagged


def test_no_dataset_column_or_alias_is_a_name_column():
    headers = {
        spelling
        for dataset in DATASETS.values()
        for column in dataset.columns
        for spelling in (column.name, *column.aliases)
    }
    result = sorted(h for h in headers if is_name_column(h))
    assert result == []


def test_one_problem_per_column_with_first_row_count_and_masked_example():
    frame = pl.DataFrame(
        {
            "person_id": [PSEUDONYM_WITH_DIGIT_RUNS] * 4,
            "Nom": ["Muller", "Meier", "Rey", "Zen"],
            "AVS": [None, None, "756.1234.5678.97", "756 9217 0769 85"],
            "note": ["ok", "tel 7561234567897", "ok", "756.9217.0769.85 bis"],
            "Vorname": [None, None, None, None],
        },
        schema_overrides={"Vorname": pl.String},
    )
    result = privacy_problems(frame)
    expected = [
        problem("privacy.name_column", column="Nom"),
        problem("privacy.name_column", column="Vorname"),
        problem("privacy.raw_avs", row=4, column="AVS", value="756.****.****.97", count=2),
        problem("privacy.raw_avs", row=3, column="note", value="756********97", count=2),
    ]
    assert result == expected


def test_avs_stored_as_numbers_is_caught():
    frame = pl.DataFrame({"avs": [7561234567897, None]})
    result = privacy_problems(frame)
    assert result == [problem("privacy.raw_avs", row=2, column="avs", value="756********97", count=1)]


def test_empty_and_nested_frames_pass():
    assert privacy_problems(pl.DataFrame(schema={"note": pl.String})) == []
    nested = pl.DataFrame({"ids": [["7561234567897"]]})  # not scanned: readers give no lists
    assert privacy_problems(nested) == []


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_messages_name_the_column_and_never_the_full_avs(lang):
    frame = pl.DataFrame({"Client AVS": ["x", "756.1234.5678.97"], "Prénom": ["a", "b"]})
    messages = [p.message(lang) for p in privacy_problems(frame)]
    assert len(messages) == 2
    assert all(("Client AVS" in m) != ("Prénom" in m) for m in messages)
    avs_message = next(m for m in messages if "Client AVS" in m)
    assert "756.****.****.97" in avs_message
    assert "cii pseudonymize" in avs_message
    assert {"fr": "ligne 3", "de": "Zeile 3"}[lang] in avs_message
    for message in messages:
        assert "1234" not in message and "5678" not in message


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("756.1234.5678.97", "756.****.****.97"),
        ("756 1234 5678 97", "756 **** **** 97"),
        ("7561234567897", "756********97"),
        ("756.12x4", "***.****"),  # too short to keep any digit
    ],
)
def test_mask_avs(text, masked):
    assert mask_avs(text) == masked


def test_first_avs_returns_the_number_as_written():
    assert first_avs("n° 756 1234 5678 97, tel 027 606 73 20") == "756 1234 5678 97"
    assert first_avs(PSEUDONYM_WITH_DIGIT_RUNS) is None


def test_pattern_is_the_same_in_python_and_polars():
    cells = ["756.1234.5678.97", "a7561234567897b", "x 756 1234 5678 97 y", "756123456789"]
    result = pl.Series(cells).str.contains(AVS_PATTERN).to_list()
    expected = [re.search(AVS_PATTERN, c) is not None for c in cells]
    assert result == expected == [True, False, True, False]


_HEX64 = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)


# No deadline: polars calls on a shared 2-core machine are fast but not steady.
@settings(deadline=None)
@given(st.lists(_HEX64, min_size=1, max_size=20))
def test_random_pseudonyms_are_never_flagged(pseudonyms):
    frame = pl.DataFrame({"person_id": pseudonyms, "upper": [p.upper() for p in pseudonyms]})
    assert privacy_problems(frame) == []


_BOUNDARIES = st.sampled_from([" ", ",", ";", ":", "(", ")", "/", "\n", "\t", "é", "—", "'", '"'])


@settings(deadline=None)
@given(
    body=st.text(alphabet="0123456789", min_size=9, max_size=9),
    spelling=st.sampled_from(["dots", "spaces", "plain"]),
    before=st.one_of(st.just(""), st.tuples(st.text(), _BOUNDARIES).map("".join)),
    after=st.one_of(st.just(""), st.tuples(_BOUNDARIES, st.text()).map("".join)),
)
def test_any_valid_avs_in_any_spelling_is_flagged(body, spelling, before, after):
    avs = _avs_with_check_digit(body)
    written = {
        "dots": f"{avs[:3]}.{avs[3:7]}.{avs[7:11]}.{avs[11:]}",
        "spaces": f"{avs[:3]} {avs[3:7]} {avs[7:11]} {avs[11:]}",
        "plain": avs,
    }[spelling]
    frame = pl.DataFrame({"comment": ["nothing here", before + written + after]})
    result = privacy_problems(frame)
    assert [(p.code, p.column) for p in result] == [("privacy.raw_avs", "comment")]
    assert avs not in str(result) and written not in str(result)
