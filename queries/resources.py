"""Formations et moyens: participants in CII trainings, and the CII's structural budget.

Inputs are the loaded ``trainings`` dataset (upload's reporting year in ``year``) and
``budget`` dataset (its own ``year``, the upload's in ``upload_year``; ``amount_chf`` is
Decimal). Amounts stay Decimal from end to end: francs and centimes are never floats.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import polars as pl

from dashboard.datasets import TRAININGS
from queries.filters import (
    TOTAL,
    filter_rows,
    ordered_values,
    reporting_years,
    rows_of_each_year,
    rows_of_year,
    share,
    upload_year_column,
)

LANGUAGE_REGIONS = tuple(TRAININGS.column("language_region").choices)
"""``valais_romand``, ``haut_valais``, in the report's order."""

MONEY = pl.Decimal(38, 2)
"""The type of every amount returned (polars sums Decimal(14, 2) amounts to Decimal(38, 2))."""


def _trainings(
    trainings: pl.DataFrame,
    year: int,
    *,
    language_regions: Iterable[str] | None,
    kinds: Iterable[str] | None,
) -> pl.DataFrame:
    """Training sessions held in `year` (uploads of `year`), after the filters."""
    return filter_rows(rows_of_year(trainings, year, "date"), language_region=language_regions, kind=kinds)


def training_participants(
    trainings: pl.DataFrame,
    year: int,
    *,
    language_regions: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
) -> int:
    """Participants in the CII trainings held in `year`.

    Sums ``participants`` over the ``trainings`` sessions dated in Y (the report's "52
    participants aux formations CII Valais organisées dans le Valais romand (43) et dans le
    Haut-Valais (9)").

    Examples
    --------
    >>> import datetime as dt
    >>> trainings = pl.DataFrame(
    ...     {
    ...         "date": [dt.date(2025, 3, 4), dt.date(2025, 10, 2), dt.date(2024, 11, 5)],
    ...         "language_region": ["valais_romand", "haut_valais", "valais_romand"],
    ...         "participants": [43, 9, 30],
    ...         "year": [2025, 2025, 2025],
    ...     }
    ... )
    >>> training_participants(trainings, 2025), training_participants(trainings, 2025, language_regions=["haut_valais"])
    (52, 9)

    The 2024 session in the 2025 file is not a 2025 training.
    """
    rows = _trainings(trainings, year, language_regions=language_regions, kinds=kinds)
    return int(rows.get_column("participants").sum())


def training_participants_by_kind(
    trainings: pl.DataFrame,
    year: int,
    *,
    language_regions: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Participants in the CII trainings held in `year`, by kind of training and language region.

    Returns
    -------
    pl.DataFrame
        One row per kind of training held in Y (kinds are free text, sorted by name regardless
        of case), then ``total``. Columns ``kind``, ``sessions``, one column of participants
        per language region (``valais_romand``, ``haut_valais``, or those selected) and
        ``total`` participants, all Int64.

    Examples
    --------
    >>> import datetime as dt
    >>> trainings = pl.DataFrame(
    ...     {
    ...         "date": [dt.date(2025, 3, 4), dt.date(2025, 10, 2), dt.date(2025, 6, 5)],
    ...         "kind": ["introduction", "introduction", "consolidation"],
    ...         "language_region": ["valais_romand", "haut_valais", "valais_romand"],
    ...         "participants": [25, 9, 18],
    ...         "year": [2025, 2025, 2025],
    ...     }
    ... )
    >>> training_participants_by_kind(trainings, 2025).rows()
    [('consolidation', 1, 18, 0, 18), ('introduction', 2, 25, 9, 34), ('total', 3, 43, 9, 52)]

    The introduction was held in both language regions: 25 + 9 participants in two sessions.
    """
    shown = ordered_values(language_regions, LANGUAGE_REGIONS)
    rows = _trainings(trainings, year, language_regions=shown, kinds=None)
    counts = [
        pl.len().cast(pl.Int64).alias("sessions"),
        *(
            pl.col("participants").filter(pl.col("language_region") == region).sum().cast(pl.Int64).alias(region)
            for region in shown
        ),
        pl.col("participants").sum().cast(pl.Int64).alias(TOTAL),
    ]
    per_kind = rows.group_by("kind").agg(counts).cast({"kind": pl.String}).sort(pl.col("kind").str.to_lowercase(), "kind")
    total = rows.select(pl.lit(TOTAL).alias("kind"), *counts)
    return pl.concat([per_kind, total])


def _budget(budget: pl.DataFrame, year: int) -> pl.DataFrame:
    """Budget lines for `year` in the uploads of `year`."""
    return rows_of_year(budget, year, "year")


def budget_total(budget: pl.DataFrame, year: int) -> Decimal | None:
    """Structural costs allocated to the CII in `year` (CHF); None if no budget was sent.

    Sums ``amount_chf`` over the ``budget`` lines of Y (the report's "Frs. 416'406.90 ont été
    alloués à la CII Valais (frais structurels)").

    Examples
    --------
    >>> from decimal import Decimal
    >>> budget = pl.DataFrame(
    ...     {
    ...         "year": [2025, 2025],
    ...         "category": ["salaries", "training"],
    ...         "amount_chf": [Decimal("400000.00"), Decimal("16406.90")],
    ...         "upload_year": [2025, 2025],
    ...     },
    ...     schema_overrides={"amount_chf": pl.Decimal(14, 2)},
    ... )
    >>> budget_total(budget, 2025)
    Decimal('416406.90')
    >>> budget_total(budget, 2024) is None
    True
    """
    rows = _budget(budget, year)
    if rows.is_empty():
        return None
    return rows.select(pl.col("amount_chf").sum()).item()


def budget_by_category(budget: pl.DataFrame, year: int) -> pl.DataFrame:
    """Structural costs of `year` by category, with their shares and total.

    Returns
    -------
    pl.DataFrame
        One row per category (largest amount first, then by name), then ``total``. Columns
        ``category``, ``amount_chf`` (Decimal(38, 2); null total when no budget was sent) and
        ``share`` of the total (Float64).

    Examples
    --------
    >>> from decimal import Decimal
    >>> budget = pl.DataFrame(
    ...     {
    ...         "year": [2025, 2025],
    ...         "category": ["training", "salaries"],
    ...         "amount_chf": [Decimal("100.00"), Decimal("300.00")],
    ...         "upload_year": [2025, 2025],
    ...     },
    ...     schema_overrides={"amount_chf": pl.Decimal(14, 2)},
    ... )
    >>> budget_by_category(budget, 2025).rows()
    [('salaries', Decimal('300.00'), 0.75), ('training', Decimal('100.00'), 0.25), ('total', Decimal('400.00'), 1.0)]

    Salaries come first as the larger line: 300 of 400 francs.
    """
    rows = _budget(budget, year)
    per_category = (
        rows.group_by("category")
        .agg(pl.col("amount_chf").sum().cast(MONEY))
        .cast({"category": pl.String})
        .sort(["amount_chf", "category"], descending=[True, False])
    )
    total_amount = budget_total(budget, year)
    total = pl.DataFrame({"category": [TOTAL], "amount_chf": [total_amount]}, schema=per_category.schema)
    amount = pl.col("amount_chf").cast(pl.Float64)
    total_value = pl.lit(None if total_amount is None else float(total_amount), pl.Float64)
    return pl.concat([per_category, total]).with_columns(share(amount, total_value).alias("share"))


def budget_by_year_and_category(budget: pl.DataFrame, years: Iterable[int] | None = None) -> pl.DataFrame:
    """Structural costs per year and category, with each year's total.

    Each year is computed as :func:`budget_by_category` computes it alone: the budget lines of
    Y in the uploads of Y.

    Parameters
    ----------
    budget
        The loaded ``budget`` dataset with the uploads of every year.
    years
        The years to show; None shows every year that has an upload.

    Returns
    -------
    pl.DataFrame
        Columns ``year`` (Int64), ``category`` and ``amount_chf`` (Decimal(38, 2)). For each
        year (ascending) its categories (largest first) then its ``total`` row; a year without
        budget has only its total row, with a null amount (missing, not zero).

    Examples
    --------
    >>> from decimal import Decimal
    >>> budget = pl.DataFrame(
    ...     {
    ...         "year": [2024, 2025, 2025],
    ...         "category": ["salaries", "salaries", "training"],
    ...         "amount_chf": [Decimal("434206.70"), Decimal("400000.00"), Decimal("16406.90")],
    ...         "upload_year": [2024, 2025, 2025],
    ...     },
    ...     schema_overrides={"amount_chf": pl.Decimal(14, 2)},
    ... )
    >>> budget_by_year_and_category(budget).filter(pl.col("category") == "total").rows()
    [(2024, 'total', Decimal('434206.70')), (2025, 'total', Decimal('416406.90'))]

    The 2025 total adds its two lines, exactly, in Decimal: 400'000.00 + 16'406.90.
    """
    rows = rows_of_each_year(budget, "year").with_columns(pl.col(upload_year_column(budget)).cast(pl.Int64).alias("_year"))
    per_category = (
        rows.group_by("_year", "category")
        .agg(pl.col("amount_chf").sum().cast(MONEY))
        .select(pl.col("_year").alias("year"), pl.col("category").cast(pl.String), "amount_chf")
    )
    per_year = rows.group_by("_year").agg(pl.col("amount_chf").sum().cast(MONEY)).rename({"_year": "year"})
    totals = (
        reporting_years(budget, years)
        .join(per_year, on="year", how="left", maintain_order="left")
        .select("year", pl.lit(TOTAL).alias("category"), "amount_chf")
    )
    shown = per_category.join(totals.select("year"), on="year", how="semi")
    # The total goes after its year's categories: sort on a rank that puts it last.
    return (
        pl.concat([shown, totals])
        .with_columns((pl.col("category") == TOTAL).alias("_is_total"))
        .sort(["year", "_is_total", "amount_chf", "category"], descending=[False, False, True, False])
        .drop("_is_total")
    )
