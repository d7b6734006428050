"""Coaching ORP-CMS: cases, outcomes, reinsertion rate, durations (queries/coaching.py)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from queries.coaching import (
    case_durations,
    coaching_activity,
    coaching_cases_closed,
    coaching_cases_opened,
    coaching_outcomes,
    reinsertion_rate,
    reinsertion_rate_trend,
)
from queries.compare import Share

SCHEMA = {
    "case_id": pl.String,
    "region": pl.String,
    "modality": pl.String,
    "started_on": pl.Date,
    "closed_on": pl.Date,
    "outcome": pl.String,
    "year": pl.Int64,
}
DEFAULTS = {
    "region": "Sion",
    "modality": "tandem",
    "started_on": dt.date(2025, 2, 1),
    "closed_on": dt.date(2025, 10, 1),
    "outcome": "employment",
    "year": 2025,
}
EMPTY = pl.DataFrame(schema=SCHEMA)


def cases(*rows: dict) -> pl.DataFrame:
    records = [{"case_id": f"c{i}", **DEFAULTS, **row} for i, row in enumerate(rows)]
    return pl.DataFrame(records, schema=SCHEMA)


def still_open(**values: object) -> dict:
    return {"closed_on": None, "outcome": None, **values}


TYPICAL = cases(
    {"region": "Sion", "outcome": "employment"},
    {"region": "Sion", "outcome": "training", "modality": "intensive"},
    {"region": "Monthey", "outcome": "dropped_out", "started_on": dt.date(2024, 9, 1)},
    {"region": "Monthey", "outcome": None},  # closed without a recorded outcome
    still_open(region="Sierre"),
    # not 2025: closed in 2026 (a late extract), and the 2024 upload
    {"closed_on": dt.date(2026, 1, 15)},
    {"year": 2024, "started_on": dt.date(2024, 1, 1), "closed_on": dt.date(2024, 6, 1)},
)


@pytest.mark.parametrize(
    ("filters", "opened", "closed", "rate"),
    [
        # the whole canton: 4 cases closed in 2025 (one without outcome), 1 in employment
        ({}, 5, 4, Share(1, 4)),
        # region and modality filters
        ({"regions": ["Sion"]}, 3, 2, Share(1, 2)),
        ({"regions": ["Monthey"]}, 1, 2, Share(0, 2)),
        ({"modalities": ["intensive"]}, 1, 1, Share(0, 1)),
        ({"regions": ["Haut-Valais"]}, 0, 0, Share(0, 0)),
    ],
)
def test_cases_opened_closed_and_reinsertion_rate(filters, opened, closed, rate):
    assert coaching_cases_opened(TYPICAL, 2025, **filters) == opened
    assert coaching_cases_closed(TYPICAL, 2025, **filters) == closed
    assert reinsertion_rate(TYPICAL, 2025, **filters) == rate


def test_reinsertion_rate_of_an_empty_frame_has_no_value():
    result = reinsertion_rate(EMPTY, 2025)
    assert result == Share(0, 0)
    assert result.value is None


def test_reinsertion_rate_uses_the_uploads_of_the_year_only():
    # The 2025 file repeats a case closed in 2024 with another outcome: 2024 keeps its own.
    frame = cases(
        {"year": 2024, "closed_on": dt.date(2024, 5, 1), "outcome": "employment"},
        {"year": 2025, "closed_on": dt.date(2024, 5, 1), "outcome": "dropped_out"},
    )
    assert reinsertion_rate(frame, 2024) == Share(1, 1)
    assert reinsertion_rate(frame, 2025) == Share(0, 0)


def test_coaching_outcomes():
    result = coaching_outcomes(TYPICAL, 2025)
    expected = pl.DataFrame(
        {
            "outcome": ["employment", "training", "no_reinsertion", "dropped_out", None, "total"],
            "cases": [1, 1, 0, 1, 1, 4],
            "share": [0.25, 0.25, 0.0, 0.25, 0.25, 1.0],
        },
        schema={"outcome": pl.String, "cases": pl.Int64, "share": pl.Float64},
    )
    assert_frame_equal(result, expected)


def test_coaching_outcomes_of_an_empty_year():
    result = coaching_outcomes(EMPTY, 2025)
    expected = pl.DataFrame(
        {
            "outcome": ["employment", "training", "no_reinsertion", "dropped_out", "total"],
            "cases": [0, 0, 0, 0, 0],
            "share": [None] * 5,
        },
        schema={"outcome": pl.String, "cases": pl.Int64, "share": pl.Float64},
    )
    assert_frame_equal(result, expected)


ACTIVITY_SCHEMA = {"opened": pl.Int64, "closed": pl.Int64, "employment": pl.Int64, "reinsertion_rate": pl.Float64}


def activity(keys: dict[str, list[str]], rows: list[tuple[int, int, int, float | None]]) -> pl.DataFrame:
    counts = pl.DataFrame(rows, schema=ACTIVITY_SCHEMA, orient="row")
    return pl.concat([pl.DataFrame(keys, schema={key: pl.String for key in keys}), counts], how="horizontal")


@pytest.mark.parametrize(
    ("by", "filters", "expected"),
    [
        # by region: every region in the report's order, 0 where nothing happened
        (
            ["region"],
            {},
            activity(
                {"region": ["Haut-Valais", "Sierre", "Sion", "Martigny", "Monthey", "total"]},
                [(0, 0, 0, None), (1, 0, 0, None), (3, 2, 1, 0.5), (0, 0, 0, None), (1, 2, 0, 0.0), (5, 4, 1, 0.25)],
            ),
        ),
        # by modality, with a region filter
        (
            ["modality"],
            {"regions": ["Sion"]},
            activity({"modality": ["tandem", "intensive", "total"]}, [(2, 1, 1, 1.0), (1, 1, 0, 0.0), (3, 2, 1, 0.5)]),
        ),
        # by region and modality, two regions selected
        (
            ["region", "modality"],
            {"regions": ["Monthey", "Sion"]},
            activity(
                {
                    "region": ["Sion", "Sion", "Monthey", "Monthey", "total"],
                    "modality": ["tandem", "intensive", "tandem", "intensive", "total"],
                },
                [(2, 1, 1, 1.0), (1, 1, 0, 0.0), (1, 2, 0, 0.0), (0, 0, 0, None), (4, 4, 1, 0.25)],
            ),
        ),
        # the canton only
        ([], {}, activity({}, [(5, 4, 1, 0.25)])),
    ],
)
def test_coaching_activity(by, filters, expected):
    assert_frame_equal(coaching_activity(TYPICAL, 2025, by=by, **filters), expected)


def test_coaching_activity_of_an_empty_year():
    result = coaching_activity(EMPTY, 2025, by=["modality"])
    expected = activity({"modality": ["tandem", "intensive", "total"]}, [(0, 0, 0, None)] * 3)
    assert_frame_equal(result, expected)


def test_coaching_activity_rejects_an_unknown_dimension():
    with pytest.raises(ValueError, match="announcer"):
        coaching_activity(TYPICAL, 2025, by=["announcer"])  # type: ignore[list-item]


def test_reinsertion_rate_trend():
    # The report: 33 % in 2025, 19 points less than in 2024 (52 %).
    frame = cases(
        *[{"year": 2024, "closed_on": dt.date(2024, 6, 1), "outcome": "employment"}] * 13,
        *[{"year": 2024, "closed_on": dt.date(2024, 6, 1), "outcome": "no_reinsertion"}] * 12,
        *[{"year": 2025, "outcome": "employment"}] * 11,
        *[{"year": 2025, "outcome": "dropped_out"}] * 22,
        still_open(year=2025),
    )
    result = reinsertion_rate_trend(frame, years=[2023, 2024, 2025])
    expected = pl.DataFrame(
        {"year": [2023, 2024, 2025], "closed": [0, 25, 33], "employment": [0, 13, 11], "reinsertion_rate": [None, 0.52, 1 / 3]},
        schema={"year": pl.Int64, "closed": pl.Int64, "employment": pl.Int64, "reinsertion_rate": pl.Float64},
    )
    assert_frame_equal(result, expected)


def test_reinsertion_rate_trend_matches_the_rate_of_each_year():
    result = reinsertion_rate_trend(TYPICAL, regions=["Sion", "Monthey"])
    for year, closed, employment in result.select("year", "closed", "employment").iter_rows():
        assert reinsertion_rate(TYPICAL, year, regions=["Sion", "Monthey"]) == Share(employment, closed)


def test_case_durations():
    frame = cases(
        {"started_on": dt.date(2025, 1, 1), "closed_on": dt.date(2025, 1, 31)},
        {"started_on": dt.date(2024, 1, 1), "closed_on": dt.date(2025, 1, 1)},
        {"started_on": dt.date(2025, 3, 1), "closed_on": dt.date(2025, 3, 1), "modality": "intensive"},
        still_open(),
    )
    result = case_durations(frame, 2025)
    expected = pl.DataFrame(
        {
            "modality": ["tandem", "intensive", "total"],
            "cases": [2, 1, 3],
            "mean_days": [198.0, 0.0, 132.0],
            "median_days": [198.0, 0.0, 30.0],
            "min_days": [30, 0, 0],
            "max_days": [366, 0, 366],
        },
        schema={
            "modality": pl.String,
            "cases": pl.Int64,
            "mean_days": pl.Float64,
            "median_days": pl.Float64,
            "min_days": pl.Int64,
            "max_days": pl.Int64,
        },
    )
    assert_frame_equal(result, expected)


def test_case_durations_of_an_empty_year_have_no_statistics():
    result = case_durations(EMPTY, 2025, modalities=["intensive"])
    expected = pl.DataFrame(
        {
            "modality": ["intensive", "total"],
            "cases": [0, 0],
            "mean_days": [None, None],
            "median_days": [None, None],
            "min_days": [None, None],
            "max_days": [None, None],
        },
        schema={
            "modality": pl.String,
            "cases": pl.Int64,
            "mean_days": pl.Float64,
            "median_days": pl.Float64,
            "min_days": pl.Int64,
            "max_days": pl.Int64,
        },
    )
    assert_frame_equal(result, expected)
