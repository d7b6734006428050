"""A scalar indicator in two years and its change (queries/compare.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from queries.coaching import reinsertion_rate
from queries.compare import Change, Share, change, compare
from queries.network import transition_count
from queries.resources import budget_total
from queries.situations import situations_announced


@pytest.mark.parametrize(
    ("current", "baseline", "expected"),
    [
        # counts
        (6418, 6887, Change(6418, 6887, -469, -469 / 6887, 6418, 6887)),
        (302, 302, Change(302, 302, 0, 0.0, 302, 302)),
        # amounts stay Decimal; the relative change is a float
        (
            Decimal("416406.90"),
            Decimal("434206.70"),
            Change(
                Decimal("416406.90"),
                Decimal("434206.70"),
                Decimal("-17799.80"),
                -17799.8 / 434206.7,
                Decimal("416406.90"),
                Decimal("434206.70"),
            ),
        ),
        # shares change by their difference (points), the counts stay available
        (Share(1, 4), Share(1, 2), Change(0.25, 0.5, -0.25, -0.5, Share(1, 4), Share(1, 2))),
        # undefined: a relative change from 0, a missing year, a share of nothing
        (5, 0, Change(5, 0, 5, None, 5, 0)),
        (None, 77, Change(None, 77, None, None, None, 77)),
        (Share(3, 10), Share(0, 0), Change(0.3, None, None, None, Share(3, 10), Share(0, 0))),
    ],
)
def test_change(current, baseline, expected):
    assert change(current, baseline) == expected


def test_change_refuses_a_table():
    with pytest.raises(TypeError, match="DataFrame"):
        change(pl.DataFrame({"a": [1]}), 1)  # type: ignore[arg-type]


SITUATIONS = pl.DataFrame(
    {
        "announced_on": [dt.date(2024, 3, 1), dt.date(2024, 4, 1), dt.date(2025, 3, 1)],
        "public": ["adult", "youth", "youth"],
        "region": ["Sion", "Sion", "Sion"],
        "year": [2024, 2024, 2025],
    }
)
CASES = pl.DataFrame(
    {
        "closed_on": [dt.date(2024, 3, 1), dt.date(2024, 4, 1), dt.date(2025, 3, 1), dt.date(2025, 5, 1), dt.date(2025, 6, 1)],
        "outcome": ["employment", "employment", "employment", "training", "dropped_out"],
        "region": ["Sion", "Sierre", "Sion", "Sion", "Sion"],
        "modality": ["tandem"] * 5,
        "year": [2024, 2024, 2025, 2025, 2025],
    }
)
BUDGET = pl.DataFrame(
    {
        "year": [2024, 2025],
        "category": ["all", "all"],
        "amount_chf": [Decimal("434206.70"), Decimal("416406.90")],
        "upload_year": [2024, 2025],
    },
    schema_overrides={"amount_chf": pl.Decimal(14, 2)},
)
TRANSITIONS = pl.DataFrame(
    {"date": [dt.date(2025, 1, 9)], "direction": ["orp_to_cms"], "region": ["Sion"], "year": [2025]}
)


@pytest.mark.parametrize(
    ("indicator", "frame", "filters", "expected"),
    [
        # a count, with and without a filter applied to both years
        (situations_announced, SITUATIONS, {}, Change(1, 2, -1, -0.5, 1, 2)),
        (situations_announced, SITUATIONS, {"public": ["youth"]}, Change(1, 1, 0, 0.0, 1, 1)),
        # a rate
        (reinsertion_rate, CASES, {}, Change(1 / 3, 1.0, 1 / 3 - 1, (1 / 3 - 1) / 1.0, Share(1, 3), Share(2, 2))),
        (reinsertion_rate, CASES, {"regions": ["Sierre"]}, Change(None, 1.0, None, None, Share(0, 0), Share(1, 1))),
        # an amount
        (
            budget_total,
            BUDGET,
            {},
            Change(
                Decimal("416406.90"),
                Decimal("434206.70"),
                Decimal("-17799.80"),
                -17799.8 / 434206.7,
                Decimal("416406.90"),
                Decimal("434206.70"),
            ),
        ),
        # a figure that was not recorded in the comparison year
        (transition_count, TRANSITIONS, {}, Change(1, None, None, None, 1, None)),
    ],
)
def test_compare(indicator, frame, filters, expected):
    assert compare(indicator, frame, 2025, 2024, **filters) == expected
