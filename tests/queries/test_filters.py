"""Year scope, row filters and category counts shared by the queries (queries/filters.py)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from queries.filters import counts_by_category, filter_rows, reporting_years, rows_of_each_year, rows_of_year

# Rows of two uploads (2024, 2025), each with dates in and out of its year.
DATED = pl.DataFrame(
    {
        "id": ["a", "b", "c", "d"],
        "on": [dt.date(2025, 1, 1), dt.date(2024, 12, 31), dt.date(2024, 1, 1), dt.date(2025, 12, 31)],
        "year": [2025, 2025, 2024, 2024],
    }
)
# A dataset with a year of its own: the upload's year is in upload_year.
OWN_YEAR = pl.DataFrame({"id": ["a", "b", "c"], "year": [2025, 2024, 2024], "upload_year": [2025, 2025, 2024]})


@pytest.mark.parametrize(
    ("frame", "year", "date", "expected"),
    [
        # both rules: the upload's year and the row's date
        (DATED, 2025, "on", ["a"]),
        (DATED, 2024, "on", ["c"]),
        # without a date rule: every row of the year's uploads
        (DATED, 2025, None, ["a", "b"]),
        # an integer year column of the dataset's own, beside upload_year
        (OWN_YEAR, 2025, "year", ["a"]),
        (OWN_YEAR, 2024, "year", ["c"]),
        (OWN_YEAR, 2025, None, ["a", "b"]),
        # a year without upload
        (DATED, 2023, "on", []),
    ],
)
def test_rows_of_year(frame, year, date, expected):
    assert rows_of_year(frame, year, date).get_column("id").to_list() == expected


def test_rows_of_year_refuses_a_column_that_is_not_a_date():
    with pytest.raises(TypeError, match="'id'"):
        rows_of_year(DATED, 2025, "id")


@pytest.mark.parametrize(
    ("frame", "date", "expected"),
    [
        (DATED, "on", ["a", "c"]),
        (OWN_YEAR, "year", ["a", "c"]),
    ],
)
def test_rows_of_each_year_keeps_the_rows_dated_in_their_upload_year(frame, date, expected):
    assert rows_of_each_year(frame, date).get_column("id").to_list() == expected


@pytest.mark.parametrize(
    ("frame", "years", "expected"),
    [
        (DATED, None, [2024, 2025]),
        (OWN_YEAR, None, [2024, 2025]),  # the upload years, not the rows' own
        (DATED, [2025, 2022, 2025], [2022, 2025]),
        (DATED.clear(), None, []),
    ],
)
def test_reporting_years(frame, years, expected):
    assert_frame_equal(reporting_years(frame, years), pl.DataFrame({"year": expected}, schema={"year": pl.Int64}))


REGIONAL = pl.DataFrame({"region": ["Sion", "Sierre", None, "Sion"], "public": ["adult", "youth", "adult", "youth"]})


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # None keeps all rows, including those with an empty cell
        ({"region": None}, 4),
        ({}, 4),
        # a selection drops the empty cells; an empty selection keeps nothing
        ({"region": ["Sion", "Sierre"]}, 3),
        ({"region": []}, 0),
        # several filters together
        ({"region": ["Sion"], "public": ["youth"]}, 1),
    ],
)
def test_filter_rows(filters, expected):
    assert filter_rows(REGIONAL, **filters).height == expected


def test_counts_by_category_keeps_every_category_in_order_and_unknown_values_last():
    frame = pl.DataFrame({"kind": ["b", "x", None, "b", "a"]})
    result = counts_by_category(frame, "kind", ("a", "b", "c"))
    expected = pl.DataFrame(
        {"kind": ["a", "b", "c", "x", None], "count": [1, 2, 0, 1, 1]}, schema={"kind": pl.String, "count": pl.Int64}
    )
    assert_frame_equal(result, expected)
