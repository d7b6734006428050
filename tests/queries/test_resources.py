"""Training participants and budget (queries/resources.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from queries.resources import (
    budget_by_category,
    budget_by_year_and_category,
    budget_total,
    training_participants,
    training_participants_by_kind,
)

TRAINING_SCHEMA = {"date": pl.Date, "kind": pl.String, "language_region": pl.String, "participants": pl.Int64, "year": pl.Int64}


def trainings(*rows: tuple[dt.date, str, str, int, int]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=TRAINING_SCHEMA, orient="row")


# The report (2025): 52 participants, 43 in the Valais romand and 9 in the Haut-Valais.
TRAININGS = trainings(
    (dt.date(2025, 3, 4), "introduction", "valais_romand", 20, 2025),
    (dt.date(2025, 10, 2), "introduction", "haut_valais", 9, 2025),
    (dt.date(2025, 5, 6), "consolidation", "valais_romand", 15, 2025),
    (dt.date(2025, 11, 6), "HES", "valais_romand", 8, 2025),
    # other years: a 2024 session in the 2025 upload, and the 2024 upload
    (dt.date(2024, 12, 1), "introduction", "valais_romand", 30, 2025),
    (dt.date(2024, 4, 1), "introduction", "haut_valais", 12, 2024),
)


@pytest.mark.parametrize(
    ("year", "filters", "expected"),
    [
        (2025, {}, 52),
        (2025, {"language_regions": ["valais_romand"]}, 43),
        (2025, {"language_regions": ["haut_valais"]}, 9),
        (2025, {"kinds": ["introduction"]}, 29),
        (2024, {}, 12),
        # no upload for the year
        (2023, {}, 0),
    ],
)
def test_training_participants(year, filters, expected):
    assert training_participants(TRAININGS, year, **filters) == expected


def test_training_participants_by_kind():
    result = training_participants_by_kind(TRAININGS, 2025)
    expected = pl.DataFrame(
        [
            ("consolidation", 1, 15, 0, 15),
            ("HES", 1, 8, 0, 8),
            ("introduction", 2, 20, 9, 29),
            ("total", 4, 43, 9, 52),
        ],
        schema={"kind": pl.String, "sessions": pl.Int64, "valais_romand": pl.Int64, "haut_valais": pl.Int64, "total": pl.Int64},
        orient="row",
    )
    assert_frame_equal(result, expected)


def test_training_participants_by_kind_for_one_language_region():
    result = training_participants_by_kind(TRAININGS, 2025, language_regions=["haut_valais"])
    expected = pl.DataFrame(
        [("introduction", 1, 9, 9), ("total", 1, 9, 9)],
        schema={"kind": pl.String, "sessions": pl.Int64, "haut_valais": pl.Int64, "total": pl.Int64},
        orient="row",
    )
    assert_frame_equal(result, expected)


def test_training_participants_by_kind_of_an_empty_year():
    result = training_participants_by_kind(trainings(), 2025)
    expected = pl.DataFrame(
        [("total", 0, 0, 0, 0)],
        schema={"kind": pl.String, "sessions": pl.Int64, "valais_romand": pl.Int64, "haut_valais": pl.Int64, "total": pl.Int64},
        orient="row",
    )
    assert_frame_equal(result, expected)


# --- budget -------------------------------------------------------------------------------

BUDGET_SCHEMA = {"year": pl.Int64, "category": pl.String, "amount_chf": pl.Decimal(14, 2), "upload_year": pl.Int64}
MONEY = pl.Decimal(38, 2)


def budget(*rows: tuple[int, str, str, int]) -> pl.DataFrame:
    return pl.DataFrame(
        [(year, category, Decimal(amount), upload_year) for year, category, amount, upload_year in rows],
        schema=BUDGET_SCHEMA,
        orient="row",
    )


# The report: Frs. 434'206.70 in 2024 and Frs. 416'406.90 in 2025 (the split is made up).
BUDGET = budget(
    (2024, "salaries", "380000.00", 2024),
    (2024, "training", "54206.70", 2024),
    (2025, "salaries", "360000.00", 2025),
    (2025, "journées régionales", "40000.00", 2025),
    (2025, "training", "16406.90", 2025),
    # a 2024 line repeated in the 2025 upload does not change 2024
    (2024, "training", "1.00", 2025),
)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2025, Decimal("416406.90")),
        (2024, Decimal("434206.70")),
        # no budget sent: not available, not 0
        (2023, None),
    ],
)
def test_budget_total(year, expected):
    assert budget_total(BUDGET, year) == expected


def test_budget_by_category():
    result = budget_by_category(BUDGET, 2025)
    expected = pl.DataFrame(
        {
            "category": ["salaries", "journées régionales", "training", "total"],
            "amount_chf": [Decimal("360000.00"), Decimal("40000.00"), Decimal("16406.90"), Decimal("416406.90")],
            "share": [360000 / 416406.9, 40000 / 416406.9, 16406.9 / 416406.9, 1.0],
        },
        schema={"category": pl.String, "amount_chf": MONEY, "share": pl.Float64},
    )
    assert_frame_equal(result, expected)


def test_budget_by_category_of_a_year_without_budget():
    result = budget_by_category(BUDGET, 2023)
    expected = pl.DataFrame(
        {"category": ["total"], "amount_chf": [None], "share": [None]},
        schema={"category": pl.String, "amount_chf": MONEY, "share": pl.Float64},
    )
    assert_frame_equal(result, expected)


def test_budget_by_year_and_category():
    result = budget_by_year_and_category(BUDGET, years=[2023, 2024, 2025])
    expected = pl.DataFrame(
        [
            (2023, "total", None),
            (2024, "salaries", Decimal("380000.00")),
            (2024, "training", Decimal("54206.70")),
            (2024, "total", Decimal("434206.70")),
            (2025, "salaries", Decimal("360000.00")),
            (2025, "journées régionales", Decimal("40000.00")),
            (2025, "training", Decimal("16406.90")),
            (2025, "total", Decimal("416406.90")),
        ],
        schema={"year": pl.Int64, "category": pl.String, "amount_chf": MONEY},
        orient="row",
    )
    assert_frame_equal(result, expected)


def test_budget_by_year_and_category_shows_only_the_years_asked():
    result = budget_by_year_and_category(BUDGET, years=[2024]).get_column("year").unique().to_list()
    assert result == [2024]
