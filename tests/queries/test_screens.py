"""Shaping for the screens (queries/screens.py): published figures beside computed ones, rows, clicks."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from queries import screens

PUBLISHED_SCHEMA = {
    "indicator": pl.String,
    "year": pl.Int64,
    "dimensions": pl.String,
    "value": pl.Float64,
    "note": pl.String,
    "upload_id": pl.Int64,
}


def published(*rows: tuple[str, int, str | None, float], upload_id: int = 1) -> pl.DataFrame:
    return pl.DataFrame(
        [(indicator, year, dimensions, value, None, upload_id) for indicator, year, dimensions, value in rows],
        schema=PUBLISHED_SCHEMA,
        orient="row",
    )


# The report's first T1 table, 2025: counts and printed shares.
T1_PROVENANCE = pl.DataFrame(
    {
        "provenance": ["institutional", "private", "osp_survey", "medical_network", "total"],
        "situations": [606, 80, 39, 2, 727],
        "share": [606 / 727, 80 / 727, 39 / 727, 2 / 727, 1.0],
    }
)
T1_PUBLISHED = published(
    ("t1_provenance", 2025, "provenance=institutional", 606.0),
    ("t1_provenance", 2025, "provenance=private", 80.0),
    ("t1_provenance", 2025, "provenance=osp_survey", 39.0),
    ("t1_provenance", 2025, "provenance=medical_network", 2.0),
    ("t1_provenance_share", 2025, "provenance=institutional", 0.833),
    ("t1_provenance_share", 2025, "provenance=private", 0.11),
    ("t1_provenance_share", 2025, "provenance=osp_survey", 0.054),
    ("t1_provenance_share", 2025, "provenance=medical_network", 0.003),
)



def test_with_published_shares_flags_only_the_hand_rounded_share():
    result = screens.with_published_shares(T1_PROVENANCE, T1_PUBLISHED, 2025, column="provenance", indicator="t1_provenance")
    expected = T1_PROVENANCE.with_columns(
        published_situations=pl.Series([606, 80, 39, 2, None], dtype=pl.Int64),
        published_share=pl.Series([0.833, 0.11, 0.054, 0.003, None], dtype=pl.Float64),
        share_decimals=pl.Series([1, 0, 1, 1, None], dtype=pl.Int64),
        # 606 / 727 = 83.36 % prints 83.4 %, the report 83.3 %; 80 / 727 = 11.004 % prints 11 %.
        matches=pl.Series([False, True, True, True, None], dtype=pl.Boolean),
    )
    assert_frame_equal(result, expected)


def test_with_published_shares_a_count_that_differs_does_not_match():
    wrong = published(("t1_provenance", 2025, "provenance=private", 81.0), ("t1_provenance_share", 2025, "provenance=private", 0.11))
    result = screens.with_published_shares(T1_PROVENANCE, wrong, 2025, column="provenance", indicator="t1_provenance")
    assert result.get_column("matches").to_list() == [None, False, None, None, None]


def test_with_published_shares_without_figures_for_the_year_adds_null_columns():
    result = screens.with_published_shares(T1_PROVENANCE, T1_PUBLISHED, 2024, column="provenance", indicator="t1_provenance")
    assert result.select("published_situations", "published_share", "share_decimals", "matches").null_count().row(0) == (5, 5, 5, 5)


def test_with_published_shares_takes_the_latest_upload():
    restated = pl.concat([T1_PUBLISHED, published(("t1_provenance_share", 2025, "provenance=institutional", 0.834), upload_id=2)])
    result = screens.with_published_shares(T1_PROVENANCE, restated, 2025, column="provenance", indicator="t1_provenance")
    assert result.row(0, named=True)["published_share"] == 0.834
    assert result.row(0, named=True)["matches"] is True


@pytest.mark.parametrize(
    ("value", "report", "unit", "expected"),
    [
        # shares at the precision the report printed them with
        (606 / 727, 0.833, "share", False),
        (57 / 606, 0.095, "share", False),
        (32 / 606, 0.05, "share", True),  # 5.28 % printed "5 %"
        (391 / 606, 0.645, "share", True),
        (22 / 87, 0.25, "share", True),
        (-14 / 75, -0.19, "share", True),  # −18.67 points, printed "19 %"
        # counts exactly, amounts to the centime
        (727, 727.0, "count", True),
        (726, 727.0, "count", False),
        (Decimal("416406.90"), 416406.9, "chf", True),
        (Decimal("416406.91"), 416406.9, "chf", False),
        # nothing to compare
        (None, 0.33, "share", None),
        (0.33, None, "share", None),
    ],
)
def test_matches_published(value, report, unit, expected):
    assert screens.matches_published(value, report, unit) is expected


@pytest.mark.parametrize("code", ["institutional", "private", "osp_survey", "medical_network"])
def test_the_frame_and_the_scalar_comparisons_agree(code):
    frame = screens.with_published_shares(T1_PROVENANCE, T1_PUBLISHED, 2025, column="provenance", indicator="t1_provenance")
    row = frame.filter(pl.col("provenance") == code).row(0, named=True)
    assert row["matches"] is screens.matches_published(row["share"], row["published_share"], "share")


def test_with_published_counts():
    table = pl.DataFrame({"service": ["tro", "cm_cii", "assessment", "total"], "services": [23, 1, 5, 29]})
    report = published(("services", 2025, "service=tro", 23.0), ("services", 2025, "service=cm_cii", 0.0), ("services", 2025, None, 99.0))
    result = screens.with_published_counts(table, report, 2025, column="service", indicator="services", value="services")
    expected = table.with_columns(
        published=pl.Series([23, 0, None, None], dtype=pl.Int64), matches=pl.Series([True, False, None, None], dtype=pl.Boolean)
    )
    assert_frame_equal(result, expected)


def test_published_figure_by_dimensions():
    report = published(("services", 2025, "service=tro", 23.0), ("budget_chf", 2025, None, 416406.9))
    assert screens.published_figure(report, "budget_chf", 2025) == 416406.9
    assert screens.published_figure(report, "services", 2025, "service=tro") == 23.0
    assert screens.published_figure(report, "services", 2025) is None
    assert screens.published_figure(report, "budget_chf", None) is None


def test_modality_overview_joins_durations_in_the_activity_order():
    activity = pl.DataFrame(
        {"modality": ["tandem", "intensive", "total"], "opened": [13, 6, 19], "closed": [17, 10, 27], "employment": [6, 3, 9], "reinsertion_rate": [6 / 17, 0.3, 1 / 3]}
    )
    durations = pl.DataFrame(
        {
            "modality": ["intensive", "tandem", "total"],
            "cases": [10, 17, 27],
            "mean_days": [296.5, 392.0, 356.0],
            "median_days": [264.0, 345.0, 344.0],
            "min_days": [38, 40, 38],
            "max_days": [518, 773, 773],
        }
    )
    expected = activity.with_columns(median_days=pl.Series([345.0, 264.0, 344.0]), mean_days=pl.Series([392.0, 296.5, 356.0]))
    assert_frame_equal(screens.modality_overview(activity, durations), expected)


def test_rate_change_needs_both_years():
    trend = pl.DataFrame({"year": [2024, 2025], "reinsertion_rate": [13 / 25, 9 / 27]})
    assert screens.rate_change(trend, 2025) == pytest.approx(-14 / 75)
    assert screens.rate_change(trend, 2024) is None
    assert screens.rate_change(trend.with_columns(reinsertion_rate=pl.Series([None, 0.3])), 2025) is None


def test_permit_s_series_uses_published_years_only_for_the_canton():
    protected = pl.DataFrame(
        {"year": [2024, 2025, 2025], "region": ["Sion", "Sion", "Monthey"], "with_ic": [True, True, False], "count": [77, 100, 43], "upload_year": [2024, 2025, 2025]}
    )
    report = published(("protected_persons", 2022, None, 38.0), ("protected_persons", 2023, None, 67.0), ("protected_persons", 2025, None, 143.0))
    canton = screens.permit_s_series(protected, report)
    assert canton.select("year", "total", "origin").rows() == [(2022, 38, "published"), (2023, 67, "published"), (2024, 77, "data"), (2025, 143, "data")]
    sion = screens.permit_s_series(protected, report, regions=["Sion"])
    assert sion.select("year", "total", "origin").rows() == [(2024, 77, "data"), (2025, 100, "data")]


def test_budget_totals_keeps_one_row_per_year():
    frame = pl.DataFrame(
        {
            "year": [2024, 2024, 2025, 2025],
            "category": ["a", "total", "a", "total"],
            "amount_chf": [Decimal("434206.70"), Decimal("434206.70"), Decimal("416406.90"), Decimal("416406.90")],
        },
        schema_overrides={"amount_chf": pl.Decimal(38, 2)},
    )
    expected = pl.DataFrame(
        {"year": [2024, 2025], "amount_chf": [Decimal("434206.70"), Decimal("416406.90")]}, schema_overrides={"amount_chf": pl.Decimal(38, 2)}
    )
    assert_frame_equal(screens.budget_totals(frame), expected)


@pytest.mark.parametrize(
    ("codes", "regions", "expected"),
    [
        # a cell: its announcer and its region
        (("CMS", "Sion"), None, (["CMS"], ["Sion"])),
        # totals select no announcer, or no region beyond the global filter
        ((None, "Sion"), None, (None, ["Sion"])),
        (("ORP", None), ["Sierre", "Sion"], (["ORP"], ["Sierre", "Sion"])),
        ((None, None), None, (None, None)),
        # the clicked region narrows the filter; outside it, nothing is left
        (("ORP", "Sion"), ["Sion", "Sierre"], (["ORP"], ["Sion"])),
        (("ORP", "Sion"), ["Sierre"], (["ORP"], [])),
        # no click
        (None, ["Sierre"], (None, ["Sierre"])),
        ((), None, (None, None)),
    ],
)
def test_cell_filter(codes, regions, expected):
    assert screens.cell_filter(codes, regions) == expected


def test_has_year_reads_the_upload_year():
    budget = pl.DataFrame({"year": [2024], "upload_year": [2025]})
    assert screens.has_year(budget, 2025) and not screens.has_year(budget, 2024)
    assert not screens.has_year(budget.clear(), 2025)
