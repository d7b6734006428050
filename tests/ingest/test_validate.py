"""Validation turns a raw table into the canonical frame, or into located, explained problems.

Every case is a tiny table (a header and a few rows) that goes through validation three ways: as
the raw frame the reader returns, and as a CSV and an XLSX file read by ``read_table``, so that
row numbers and values are those a user sees in Excel.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Callable, Sequence
from decimal import Decimal

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.datasets import DATASETS, Column
from dashboard.i18n import t
from dashboard.ingest.read import read_table
from dashboard.ingest.report import MAX_LISTED_PROBLEMS, ValidationReport
from dashboard.ingest.validate import validate

Table = tuple[Sequence[str], Sequence[Sequence[str | None]]]  # header, rows; None = empty cell


def _pseudonym(n: int) -> str:
    return hashlib.sha256(str(n).encode()).hexdigest()


P1, P2, P3 = _pseudonym(1), _pseudonym(2), _pseudonym(3)
FOLLOWUP_HEADER = ("person_id", "institution", "region", "start_date", "end_date")


def _episode(person=P1, institution="ORP", region="Sion", start="01.02.2025", end="30.06.2025"):
    return (person, institution, region, start, end)


# --- the same table as a frame, a CSV file and an XLSX file ----------------------------------


def _as_frame(table: Table, tmp_path=None) -> pl.DataFrame:
    header, rows = table
    schema = dict.fromkeys(header, pl.String)
    return pl.DataFrame([list(r) for r in rows], schema=schema, orient="row")


def _validate(table: Table, dataset="followups", *, source="CII", year=2025):
    return validate(_as_frame(table), dataset, source=source, year=year)


def _as_csv(table: Table, tmp_path) -> pl.DataFrame:
    # As Excel exports it in Switzerland: semicolons, Windows-1252 ("CSV"), or UTF-8 with a byte
    # order mark ("CSV UTF-8") when the text needs it (ORP→CMS).
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=";")
    writer.writerow(table[0])
    writer.writerows(["" if cell is None else cell for cell in row] for row in table[1])
    try:
        data = text.getvalue().encode("cp1252")
    except UnicodeEncodeError:
        data = text.getvalue().encode("utf-8-sig")
    return read_table(data, file_name="table.csv").frame


def _as_xlsx(table: Table, tmp_path) -> pl.DataFrame:
    path = tmp_path / "table.xlsx"
    _as_frame(table, tmp_path).write_excel(path, autofit=False)
    return read_table(path).frame


@pytest.fixture(params=[_as_frame, _as_csv, _as_xlsx], ids=["frame", "csv", "xlsx"])
def to_raw(request, tmp_path) -> Callable[[Table], pl.DataFrame]:
    return lambda table: request.param(table, tmp_path)


def _located(problems) -> list[tuple[str, int | None, str | None, str | None]]:
    return [(p.code, p.row, p.column, p.value) for p in problems]


def _assert_messages_name_the_problem(report: ValidationReport) -> None:
    """Each message exists in French and German and names the row, the column and the value."""
    for p in [*report.errors, *report.warnings]:
        fr, de = p.message("fr"), p.message("de")
        assert fr.strip() and de.strip() and fr != de, p
        for part in (p.row, p.column, p.value):
            if part is not None:
                assert str(part) in fr and str(part) in de, (part, fr, de)


# --- one problem per case -----------------------------------------------------------------
# (dataset, source, table, expected errors, expected warnings), each problem as
# (code, row as in Excel, column as in the file, value as in the file).

CASES = {
    # errors: the file is refused
    "missing column": (
        "followups",
        "CII",
        (("person_id", "institution", "region", "end_date"), [(P1, "ORP", "Sion", "30.06.2025")]),
        [("validation.missing_column", None, "start_date", None)],
        [],
    ),
    "unknown institution": (
        "followups",
        "CII",
        (FOLLOWUP_HEADER, [_episode(), _episode(P2, institution="Caritas")]),
        [("validation.bad_choice", 3, "institution", "Caritas")],
        [],
    ),
    "bad date": (
        "followups",
        "CII",
        (FOLLOWUP_HEADER, [_episode(), _episode(P2, start="31.02.2025")]),
        [("validation.bad_value", 3, "start_date", "31.02.2025")],
        [],
    ),
    "end before start": (
        "followups",
        "CII",
        (FOLLOWUP_HEADER, [_episode(start="01.06.2025", end="01.02.2025")]),
        [("validation.date_order", 2, "end_date", "01.02.2025")],
        [],
    ),
    "duplicate key": (
        "followups",
        "CII",
        (FOLLOWUP_HEADER, [_episode(), _episode(P2), _episode(end=None)]),
        [
            (
                "validation.duplicate_key",
                4,
                "person_id, institution, start_date",
                f"{P1} | ORP | 01.02.2025",
            )
        ],
        [],
    ),
    "raw AVS number": (
        "followups",
        "CII",
        (FOLLOWUP_HEADER, [_episode(), _episode(person="756.1234.5678.97")]),
        [("privacy.raw_avs", 3, "person_id", "756.****.****.97")],
        [],
    ),
    "name column": (
        "followups",
        "CII",
        ((*FOLLOWUP_HEADER, "Nom"), [(*_episode(), "Dupont")]),
        [("privacy.name_column", None, "Nom", None)],
        [],
    ),
    "bad pseudonym": (
        "followups",
        "CII",
        (FOLLOWUP_HEADER, [_episode(person="12345")]),
        [("validation.bad_pseudonym", 2, "person_id", "12345")],
        [],
    ),
    "empty required cell": (
        "followups",
        "CII",
        (FOLLOWUP_HEADER, [_episode(), _episode(P2, region=None)]),
        [("validation.empty_cell", 3, "region", None)],
        [],
    ),
    "count below minimum": (
        "protected_persons",
        "ORP",
        (("year", "region", "with_ic", "count"), [("2025", "Sion", "oui", "-3")]),
        [("validation.too_small", 2, "count", "-3")],
        [],
    ),
    "year above maximum": (
        "budget",
        "CII",
        (("year", "category", "amount_chf"), [("2025", "Loyer", "1000"), ("2205", "Locaux", "50")]),
        [("validation.too_large", 3, "year", "2205")],
        [("validation.outside_year", None, "year", None)],
    ),
    "wrong source for the dataset": (
        "followups",
        "T1",
        (FOLLOWUP_HEADER, [_episode()]),
        [("validation.wrong_source", None, None, "T1")],
        [],
    ),
    "another institution's followups from a partner": (
        "followups",
        "ORP",
        (FOLLOWUP_HEADER, [_episode(), _episode(P2, institution="SMZ")]),
        [("validation.foreign_institution", 3, "institution", "SMZ")],
        [],
    ),
    # warnings: the file is accepted
    "unknown extra column": (
        "followups",
        "CII",
        ((*FOLLOWUP_HEADER, "Remarque"), [(*_episode(), "rappel")]),
        [],
        [("validation.unknown_columns", None, None, None)],
    ),
    "rows outside the year": (
        "followups",
        "CII",
        (FOLLOWUP_HEADER, [_episode(), _episode(P2, start="01.02.2024", end="30.06.2024")]),
        [],
        [("validation.outside_year", None, "start_date, end_date", None)],
    ),
}


@pytest.mark.parametrize(
    ("dataset", "source", "table", "errors", "warnings"), CASES.values(), ids=CASES.keys()
)
def test_each_problem_is_located_and_explained(to_raw, dataset, source, table, errors, warnings):
    result = validate(to_raw(table), dataset, source=source, year=2025)

    assert _located(result.report.errors) == errors
    assert _located(result.report.warnings) == warnings
    assert (result.frame is None) == bool(errors)
    _assert_messages_name_the_problem(result.report)


def test_messages_give_what_was_expected():
    table = (FOLLOWUP_HEADER, [_episode(region="Valais central", start="2025-13-01")])
    (region, start) = _validate(table).report.errors

    assert "Haut-Valais, Sierre, Sion, Martigny, Monthey" in region.message("fr")
    assert t("read.expected_date", "fr") in start.message("fr")
    assert t("read.expected_date", "de") in start.message("de")


def test_allowed_choices_show_codes_with_their_french_spelling():
    header = ("situation_id", "announced_on", "public", "kind", "announcer", "region")
    table = (header, [("S1", "03.03.2025", "senior", "complexe", "ORP", "Sion")])
    (p,) = _validate(table, "situations").report.errors

    assert p.code == "validation.bad_choice"
    assert "adult (adulte), youth (jeune)" in p.message("fr")
    assert "adult (adulte), youth (jeune)" in p.message("de")


def test_extra_columns_are_named_in_the_warning_and_never_stored():
    table = ((*FOLLOWUP_HEADER, "Remarque", "Dossier"), [(*_episode(), "rappel", "D-12")])
    result = _validate(table)

    (warning,) = result.report.warnings
    assert "Remarque, Dossier" in warning.message("fr") and "ignorée(s)" in warning.message("fr")
    assert result.frame.columns == list(DATASETS["followups"].column_names)


def test_outside_the_year_warning_counts_rows_and_names_the_first():
    rows = [_episode(_pseudonym(i), start="01.02.2023", end="28.02.2023") for i in range(12)]
    (warning,) = _validate((FOLLOWUP_HEADER, [_episode(), *rows])).report.warnings

    first_ten = "3, 4, 5, 6, 7, 8, 9, 10, 11, 12, …"
    assert dict(warning.params) == {"count": 12, "year": 2025, "rows": first_ten}


@pytest.mark.parametrize(
    ("start", "end", "warned"),
    [
        ("01.02.2025", "30.06.2025", False),  # inside
        ("01.10.2024", "31.03.2026", False),  # spans the whole year
        ("01.10.2024", "01.01.2025", False),  # ends on the first day
        ("31.12.2025", None, False),  # opens on the last day, still open
        ("01.01.2020", None, False),  # open since long before
        ("01.02.2024", "31.12.2024", True),  # ends the day before
        ("01.01.2026", None, True),  # starts the day after
    ],
)
def test_an_episode_belongs_to_the_year_when_it_intersects_it(start, end, warned):
    result = _validate((FOLLOWUP_HEADER, [_episode(start=start, end=end)]))

    assert result.report.ok
    expected = ["validation.outside_year"] if warned else []
    assert [p.code for p in result.report.warnings] == expected


@pytest.mark.parametrize(
    ("dataset", "table", "warned_rows"),
    [
        # one date column: its year
        (
            "transitions",
            (
                ("date", "direction", "region"),
                [("31.12.2025", "ORP→CMS", "Sion"), ("01.01.2026", "CMS→ORP", "Sion")],
            ),
            "3",
        ),
        # a year column: equal to the reporting year
        (
            "budget",
            (("year", "category", "amount_chf"), [("2024", "Gaz", "50"), ("2025", "Gaz", "50")]),
            "2",
        ),
    ],
)
def test_period_of_a_date_or_a_year_column(dataset, table, warned_rows):
    result = _validate(table, dataset)

    assert result.report.ok
    assert [dict(p.params)["rows"] for p in result.report.warnings] == [warned_rows]


# --- the upload itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dataset", "source", "year", "errors"),
    [
        ("suivis", "CII", 2025, [("validation.unknown_dataset", None, None, "suivis")]),
        ("followups", "CII", 1999, [("validation.bad_year", None, None, "1999")]),
        ("followups", "CII", 2101, [("validation.bad_year", None, None, "2101")]),
        ("budget", "ORP", 2025, [("validation.wrong_source", None, None, "ORP")]),
    ],
)
def test_dataset_source_and_year_are_checked(dataset, source, year, errors):
    table = (FOLLOWUP_HEADER, [_episode()])
    if dataset == "budget":
        table = (("year", "category", "amount_chf"), [("2025", "Loyer", "1000")])
    report = _validate(table, dataset, source=source, year=year).report

    assert _located(report.errors) == errors
    _assert_messages_name_the_problem(report)


def test_wrong_source_names_who_may_send_it():
    table = (("year", "category", "amount_chf"), [("2025", "Loyer", "1000")])
    (p,) = _validate(table, "budget", source="ORP").report.errors

    assert "CII" in p.message("fr") and "CII" in p.message("de")


def test_privacy_problems_refuse_the_file_before_anything_is_echoed():
    table = (FOLLOWUP_HEADER, [_episode(person="756.1234.5678.97", start="hier")])
    report = _validate(table).report

    assert [p.code for p in report.errors] == ["privacy.raw_avs"]
    assert not any("756.1234" in line for line in report.lines("fr") + report.lines("de"))


# --- headers ---------------------------------------------------------------------------------

ALIAS_ROWS = [
    (P1.upper(), "rav", "Sitten", "1.2.2025", None),
    (P2, "IV-Stelle", "oberwallis", "2025-03-15", "31.12.2025"),
    (P3, "centre médico-social", "MONTHEY", "15.01.2025", "15.01.2025"),
]
ALIAS_EXPECTED = pl.DataFrame(
    {
        "person_id": [P1, P2, P3],
        "institution": ["ORP", "OAI", "CMS"],
        "region": ["Sion", "Haut-Valais", "Monthey"],
        "start_date": [dt.date(2025, 2, 1), dt.date(2025, 3, 15), dt.date(2025, 1, 15)],
        "end_date": [None, dt.date(2025, 12, 31), dt.date(2025, 1, 15)],
    },
    schema={
        "person_id": pl.String,
        "institution": pl.String,
        "region": pl.String,
        "start_date": pl.Date,
        "end_date": pl.Date,
    },
)


@pytest.mark.parametrize(
    "header",
    [
        ("Pseudonyme", "Dispositif", "Région", "Date de DÉBUT", "date de fin"),  # French, accents
        ("Personen-ID", "EINRICHTUNG", "region", "Beginndatum", "Enddatum"),  # German, case
        ("person", "Institution", "REGION", "Start-Date", "end"),  # English
        ("id personne ", "stelle", "RÉGION CII", "debut du suivi", "FIN DU SUIVI"),  # no accents
    ],
)
def test_header_aliases_map_to_the_canonical_frame(to_raw, header):
    result = validate(to_raw((header, ALIAS_ROWS)), "followups", source="CII", year=2025)

    assert result.report.errors == [] and result.report.warnings == []
    assert_frame_equal(result.frame, ALIAS_EXPECTED)


def test_two_columns_for_the_same_data_are_refused():
    report = _validate(((*FOLLOWUP_HEADER, "Date de début"), [(*_episode(), "01.02.2025")])).report

    assert _located(report.errors) == [("validation.duplicate_column", None, "start_date", None)]
    assert "start_date, Date de début" in report.errors[0].message("fr")


def test_missing_column_lists_the_accepted_spellings():
    header = ("person_id", "institution", "start_date", "end_date")
    (p,) = _validate((header, [(P1, "ORP", "01.02.2025", None)])).report.errors

    assert "region, région, Region, région CII" in p.message("de")


def test_untitled_empty_columns_from_the_spreadsheet_pass_silently():
    result = _validate(((*FOLLOWUP_HEADER, ""), [(*_episode(), None)]))

    assert result.report.errors == [] and result.report.warnings == []


# --- followups and the sender ------------------------------------------------------------------


def test_a_partner_may_leave_out_the_institution_column():
    header = ("person_id", "region", "start_date", "end_date")
    rows = [(P1, "Sion", "01.02.2025", None), (P2, "Sierre", "01.03.2025", "31.03.2025")]
    result = _validate((header, rows), source="OAI")

    expected = pl.DataFrame(
        {
            "person_id": [P1, P2],
            "institution": ["OAI", "OAI"],
            "region": ["Sion", "Sierre"],
            "start_date": [dt.date(2025, 2, 1), dt.date(2025, 3, 1)],
            "end_date": [None, dt.date(2025, 3, 31)],
        },
        schema=ALIAS_EXPECTED.schema,
    )
    assert result.report.errors == []
    assert_frame_equal(result.frame, expected)


def test_the_bureau_combined_extract_must_name_the_institution():
    header = ("person_id", "region", "start_date", "end_date")
    report = _validate((header, [(P1, "Sion", "01.02.2025", None)]), source="CII").report

    expected = [("validation.institution_required", None, "institution", None)]
    assert _located(report.errors) == expected


def test_the_same_episode_at_two_institutions_is_not_a_duplicate():
    assert _validate((FOLLOWUP_HEADER, [_episode(), _episode(institution="CMS")])).report.ok


def test_a_key_with_an_empty_optional_part_still_repeats():
    header = ("indicator", "year", "dimensions", "value")
    rows = [("beneficiaries", "2025", None, "1200"), ("beneficiaries", "2025", None, "1250")]
    (p,) = _validate((header, rows), "published").report.errors

    key = "indicator, year, dimensions"
    assert _located([p]) == [("validation.duplicate_key", 3, key, "beneficiaries | 2025 | ")]
    assert dict(p.params)["first_row"] == 2
    assert "ligne 2" in p.message("fr") and "Zeile 2" in p.message("de")


# --- rows ------------------------------------------------------------------------------------


def test_empty_rows_are_dropped_but_rows_keep_their_file_numbers(to_raw):
    empty = (None,) * 5
    table = (FOLLOWUP_HEADER, [_episode(), empty, _episode(P2, start="1er mars"), empty, empty])
    result = validate(to_raw(table), "followups", source="CII", year=2025)

    assert _located(result.report.errors) == [("validation.bad_value", 4, "start_date", "1er mars")]


def test_trailing_empty_rows_are_not_data():
    empty = (None,) * 5
    result = _validate((FOLLOWUP_HEADER, [_episode(), _episode(P2), empty, empty]))

    assert result.report.ok and result.frame.height == 2


def test_a_file_without_data_rows_is_refused():
    report = _validate((FOLLOWUP_HEADER, [(None,) * 5])).report

    assert [p.code for p in report.errors] == ["validation.no_rows"]


def test_only_the_first_50_problems_are_listed_and_the_rest_counted():
    rows = [_episode(_pseudonym(i), start="bientôt") for i in range(120)]
    report = _validate((FOLLOWUP_HEADER, rows)).report

    assert report.error_count == 120
    assert [p.row for p in report.errors[:MAX_LISTED_PROBLEMS]] == list(range(2, 52))
    for lang in ("fr", "de"):
        lines = report.lines(lang)
        assert len(lines) == 51
        assert lines[-1] == t("validation.more_problems", lang, count=70)
    assert report.lines("fr")[-1].endswith(" : 70.")


def test_problems_are_listed_in_file_order_across_checks():
    rows = [_episode(_pseudonym(i), start="bientôt") for i in range(60)]
    rows[1] = _episode(_pseudonym(1), region="Genève", start="bientôt")
    rows[59] = _episode(_pseudonym(59), region=None)
    report = _validate((FOLLOWUP_HEADER, rows)).report

    listed = [(p.row, p.column) for p in report.errors]
    assert listed[:4] == [(2, "start_date"), (3, "region"), (3, "start_date"), (4, "start_date")]
    assert len(listed) == MAX_LISTED_PROBLEMS and report.error_count == 61


# --- every dataset ---------------------------------------------------------------------------

CANONICAL_DTYPE = {
    "text": pl.String,
    "pseudonym": pl.String,
    "choice": pl.String,
    "date": pl.Date,
    "integer": pl.Int64,
    "year": pl.Int64,
    "number": pl.Float64,
    "money": pl.Decimal(14, 2),
    "boolean": pl.Boolean,
}


def _cell(column: Column) -> tuple[str, object]:
    """A valid cell of the column as a partner might write it, and its canonical value."""
    if column.kind == "choice":
        code, spellings = next(iter(column.choices.items()))
        return (spellings[0] if spellings else code).upper(), code
    return {
        "text": ("Texte libre", "Texte libre"),
        "pseudonym": (P1.upper(), P1),
        "date": ("15.06.2025", dt.date(2025, 6, 15)),
        "integer": ("1'234", 1234),
        "year": ("2025", 2025),
        "number": ("12,5", 12.5),
        "money": ("Frs. 434'206.70", Decimal("434206.70")),
        "boolean": ("oui", True),
    }[column.kind]


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_dataset_validates_into_its_canonical_frame(to_raw, name):
    columns = DATASETS[name].columns
    cells = [_cell(c) for c in columns]
    raw = to_raw(([c.name for c in columns], [[text for text, _ in cells]]))
    result = validate(raw, name, source="CII", year=2025)

    schema = {c.name: CANONICAL_DTYPE[c.kind] for c in columns}
    expected = pl.DataFrame([[value for _, value in cells]], schema=schema, orient="row")
    assert result.report.errors == [] and result.report.warnings == []
    assert_frame_equal(result.frame, expected)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_optional_columns_absent_from_the_file_are_null(name):
    columns = [c for c in DATASETS[name].columns if c.required]
    table = ([c.name for c in columns], [[_cell(c)[0] for c in columns]])
    source = "ORP" if name == "followups" else "CII"  # the institution is then the sender
    result = _validate(table, name, source=source)

    assert result.report.errors == []
    absent = [c for c in DATASETS[name].columns if not c.required and c.name != "institution"]
    assert_frame_equal(
        result.frame.select(c.name for c in absent),
        pl.DataFrame(schema={c.name: CANONICAL_DTYPE[c.kind] for c in absent}).clear(1),
    )


def test_each_repeat_names_the_first_row_of_its_key():
    rows = [_episode(), _episode(P2), _episode(), _episode(P2, end=None), _episode(region="Sierre")]
    errors = _validate((FOLLOWUP_HEADER, rows)).report.errors

    assert [(p.code, p.row, dict(p.params)["first_row"]) for p in errors] == [
        ("validation.duplicate_key", 4, 2),
        ("validation.duplicate_key", 5, 3),
        ("validation.duplicate_key", 6, 2),
    ]


def test_rows_with_an_unreadable_key_are_reported_as_such_not_as_duplicates():
    rows = [_episode(start="bientôt"), _episode(start="bientôt")]
    errors = _validate((FOLLOWUP_HEADER, rows)).report.errors

    expected = [("validation.bad_value", 2), ("validation.bad_value", 3)]
    assert [(p.code, p.row) for p in errors] == expected


def test_typed_excel_cells_validate_like_their_text(xlsx_file):
    # Real date, number and boolean cells, as a partner's workbook holds them.
    path = xlsx_file(
        [
            ("year", "region", "with_ic", "count"),
            (2025, "Oberwallis", True, 12),
            (2025.0, "Sion", False, 1234),
        ]
    )
    persons = validate(read_table(path).frame, "protected_persons", source="ORP", year=2025)
    path = xlsx_file(
        [
            FOLLOWUP_HEADER,
            (P1, "ORP", "Sion", dt.date(2025, 2, 1), dt.datetime(2025, 6, 30)),
            (P2, "CMS", "Sierre", 45658, None),  # an Excel serial day number: 2025-01-01
        ]
    )
    followups = validate(read_table(path).frame, "followups", source="CII", year=2025)

    assert_frame_equal(
        persons.frame,
        pl.DataFrame(
            {
                "year": [2025, 2025],
                "region": ["Haut-Valais", "Sion"],
                "with_ic": [True, False],
                "count": [12, 1234],
            }
        ),
    )
    assert_frame_equal(
        followups.frame,
        pl.DataFrame(
            {
                "person_id": [P1, P2],
                "institution": ["ORP", "CMS"],
                "region": ["Sion", "Sierre"],
                "start_date": [dt.date(2025, 2, 1), dt.date(2025, 1, 1)],
                "end_date": [dt.date(2025, 6, 30), None],
            },
            schema=ALIAS_EXPECTED.schema,
        ),
    )


def test_a_null_character_is_refused_naming_its_column():
    # PostgreSQL cannot store it: refuse it here with a sentence, not later with a driver error.
    raw = pl.DataFrame({"Jahr": ["2025"], "Kategorie": ["Loy\x00er"], "Betrag": ["1'000.00"]})
    result = validate(raw, "budget", source="CII", year=2025)
    assert result.frame is None
    assert [(p.code, p.column) for p in result.report.errors] == [("validation.null_character", "Kategorie")]
    assert "Kategorie" in result.report.errors[0].message("de")
