"""ORP↔CMS transitions and S-permit persons (queries/network.py)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from queries.network import (
    protected_persons,
    protected_persons_by_year,
    regions_without_transitions,
    transition_count,
    transitions_by_region,
)

SCHEMA = {"date": pl.Date, "direction": pl.String, "region": pl.String, "year": pl.Int64}
EMPTY = pl.DataFrame(schema=SCHEMA)
TABLE_SCHEMA = {"region": pl.String, "orp_to_cms": pl.Int64, "cms_to_orp": pl.Int64, "total": pl.Int64}


def transitions(*rows: tuple[str, str, int], date: dt.date = dt.date(2025, 4, 1), year: int = 2025) -> pl.DataFrame:
    """`count` transitions per (direction, region, count) triple, on `date` in the upload of `year`."""
    records = [(date, direction, region, year) for direction, region, count in rows for _ in range(count)]
    return pl.DataFrame(records, schema=SCHEMA, orient="row")


def table(rows: list[tuple[str, int | None, int | None, int | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=TABLE_SCHEMA, orient="row")


# The report (2025): 76 persons from the ORP to the CMS, 85 from the CMS to the ORP; Monthey
# did not record the transitions (footnote 3). The split by region is made up.
REPORT_2025 = pl.concat(
    [
        transitions(
            ("orp_to_cms", "Haut-Valais", 20),
            ("orp_to_cms", "Sierre", 11),
            ("orp_to_cms", "Sion", 30),
            ("orp_to_cms", "Martigny", 15),
            ("cms_to_orp", "Haut-Valais", 25),
            ("cms_to_orp", "Sierre", 20),
            ("cms_to_orp", "Sion", 40),
        ),
        # other years: a 2024 date in the 2025 upload, and the 2024 upload (with Monthey)
        transitions(("orp_to_cms", "Monthey", 3), date=dt.date(2024, 12, 20)),
        transitions(("orp_to_cms", "Monthey", 4), ("cms_to_orp", "Sion", 2), date=dt.date(2024, 3, 1), year=2024),
    ]
)


def test_transitions_by_region_reproduces_the_report_2025():
    result = transitions_by_region(REPORT_2025, 2025)
    expected = table(
        [
            ("Haut-Valais", 20, 25, 45),
            ("Sierre", 11, 20, 31),
            ("Sion", 30, 40, 70),
            # Martigny recorded transitions, none from the CMS: 0, not missing
            ("Martigny", 15, 0, 15),
            # Monthey recorded nothing: missing, never 0
            ("Monthey", None, None, None),
            ("total", 76, 85, 161),
        ]
    )
    assert_frame_equal(result, expected)
    assert regions_without_transitions(REPORT_2025, 2025) == ("Monthey",)


def test_transitions_by_region_uses_the_uploads_of_the_year():
    result = transitions_by_region(REPORT_2025, 2024, regions=["Sion", "Monthey", "Sierre"])
    expected = table([("Sierre", None, None, None), ("Sion", 0, 2, 2), ("Monthey", 4, 0, 4), ("total", 4, 2, 6)])
    assert_frame_equal(result, expected)
    assert regions_without_transitions(REPORT_2025, 2024, regions=["Sion", "Monthey", "Sierre"]) == ("Sierre",)


@pytest.mark.parametrize(
    ("frame", "year", "regions"),
    [
        # no record at all, no upload for the year, no record in the selected region
        (EMPTY, 2025, ["Sion", "Monthey"]),
        (REPORT_2025, 2023, ["Sion", "Monthey"]),
        (REPORT_2025, 2025, ["Monthey"]),
    ],
)
def test_transitions_by_region_without_records_is_missing_not_zero(frame, year, regions):
    result = transitions_by_region(frame, year, regions=regions)
    expected = table([(region, None, None, None) for region in [*regions, "total"]])
    assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, 161),
        ({"directions": ["orp_to_cms"]}, 76),
        ({"directions": ["cms_to_orp"], "regions": ["Martigny"]}, 0),
        # nothing recorded: not available
        ({"regions": ["Monthey"]}, None),
    ],
)
def test_transition_count(filters, expected):
    assert transition_count(REPORT_2025, 2025, **filters) == expected


# --- S-permit persons ---------------------------------------------------------------------

PROTECTED_SCHEMA = {"year": pl.Int64, "region": pl.String, "with_ic": pl.Boolean, "count": pl.Int64, "upload_year": pl.Int64}
TREND_SCHEMA = {"year": pl.Int64, "with_ic": pl.Int64, "without_ic": pl.Int64, "total": pl.Int64}


def protected(*rows: tuple[int, str, bool, int, int]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=PROTECTED_SCHEMA, orient="row")


# The report's table: 77 persons in 2024, 143 in 2025 (2022-2023 come from the published dataset).
PROTECTED = protected(
    (2024, "Sion", True, 30, 2024),
    (2024, "Sion", False, 20, 2024),
    (2024, "Monthey", False, 27, 2024),
    (2025, "Sion", True, 60, 2025),
    (2025, "Sion", False, 40, 2025),
    (2025, "Monthey", True, 43, 2025),
    # a 2024 figure repeated in the 2025 upload does not replace the one sent for 2024
    (2024, "Sion", True, 99, 2025),
)


def test_protected_persons_by_year_reproduces_the_report():
    result = protected_persons_by_year(PROTECTED, years=[2022, 2023, 2024, 2025])
    expected = pl.DataFrame(
        [(2022, None, None, None), (2023, None, None, None), (2024, 30, 47, 77), (2025, 103, 40, 143)],
        schema=TREND_SCHEMA,
        orient="row",
    )
    assert_frame_equal(result, expected)


def test_protected_persons_by_year_with_region_filter():
    result = protected_persons_by_year(PROTECTED, regions=["Monthey"])
    expected = pl.DataFrame([(2024, 0, 27, 27), (2025, 43, 0, 43)], schema=TREND_SCHEMA, orient="row")
    assert_frame_equal(result, expected)


def test_protected_persons_by_year_of_an_empty_frame():
    assert_frame_equal(protected_persons_by_year(protected()), pl.DataFrame(schema=TREND_SCHEMA))


@pytest.mark.parametrize(
    ("year", "filters", "expected"),
    [
        (2025, {}, 143),
        (2025, {"with_ic": True}, 103),
        (2025, {"with_ic": False, "regions": ["Monthey"]}, 0),
        (2024, {}, 77),
        # no figure sent: not available
        (2023, {}, None),
        (2025, {"regions": ["Sierre"]}, None),
    ],
)
def test_protected_persons(year, filters, expected):
    assert protected_persons(PROTECTED, year, **filters) == expected
