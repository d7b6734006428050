"""Coaching ORP-CMS: cases opened and closed, outcomes, reinsertion rate, durations.

Input is the loaded ``coaching`` dataset (canonical columns and codes of
:mod:`dashboard.datasets`, plus the upload's reporting year in ``year``). A case is *opened* in
Y if ``started_on`` is in Y and *closed* in Y if ``closed_on`` is in Y, in the uploads of Y.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import product
from typing import Literal

import polars as pl

from dashboard.datasets import COACHING, REGIONS
from queries.compare import Share
from queries.filters import (
    TOTAL,
    counts_by_category,
    filter_rows,
    ordered_values,
    reporting_years,
    rows_of_each_year,
    rows_of_year,
    share,
    upload_year_column,
)

MODALITIES = tuple(COACHING.column("modality").choices)
"""``tandem``, ``intensive``."""

OUTCOMES = tuple(COACHING.column("outcome").choices)
"""``employment``, ``training``, ``no_reinsertion``, ``dropped_out``."""

REINSERTED = "employment"
"""The outcome that counts as a reinsertion on the labour market."""

Dimension = Literal["region", "modality"]


def _cases(
    cases: pl.DataFrame,
    year: int,
    date: str,
    *,
    regions: Iterable[str] | None,
    modalities: Iterable[str] | None,
) -> pl.DataFrame:
    """Cases of the uploads of `year` whose `date` is in `year`, after the filters."""
    return filter_rows(rows_of_year(cases, year, date), region=regions, modality=modalities)


def coaching_cases_opened(
    cases: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
    modalities: Iterable[str] | None = None,
) -> int:
    """Number of coaching cases opened in `year` (``started_on`` in Y).

    Examples
    --------
    >>> import datetime as dt
    >>> cases = pl.DataFrame(
    ...     {
    ...         "started_on": [dt.date(2024, 10, 1), dt.date(2025, 3, 1), dt.date(2025, 4, 1)],
    ...         "modality": ["tandem", "tandem", "intensive"],
    ...         "year": [2025, 2025, 2025],
    ...     }
    ... )
    >>> coaching_cases_opened(cases, 2025), coaching_cases_opened(cases, 2025, modalities=["tandem"])
    (2, 1)

    The first case, still followed in 2025, was opened in 2024.
    """
    return _cases(cases, year, "started_on", regions=regions, modalities=modalities).height


def coaching_cases_closed(
    cases: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
    modalities: Iterable[str] | None = None,
) -> int:
    """Number of coaching cases closed in `year` (``closed_on`` in Y, whatever the outcome).

    Examples
    --------
    >>> import datetime as dt
    >>> cases = pl.DataFrame(
    ...     {
    ...         "closed_on": [dt.date(2025, 3, 1), None, dt.date(2026, 1, 8)],
    ...         "year": [2025, 2025, 2025],
    ...     }
    ... )
    >>> coaching_cases_closed(cases, 2025)
    1

    The second case is still open; the third was closed after the year.
    """
    return _cases(cases, year, "closed_on", regions=regions, modalities=modalities).height


def reinsertion_rate(
    cases: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
    modalities: Iterable[str] | None = None,
) -> Share:
    """Reinsertion rate of the coaching ORP-CMS in `year`.

    Definition (DESIGN.md §3): among ``coaching`` cases with ``closed_on`` in Y, the share
    whose outcome is employment. A closed case without outcome counts in the denominator: it
    was closed without a known reinsertion.

    Returns
    -------
    Share
        ``numerator`` the cases closed in Y with outcome employment, ``denominator`` all
        cases closed in Y; ``value`` is None when no case was closed.

    Examples
    --------
    >>> import datetime as dt
    >>> cases = pl.DataFrame(
    ...     {
    ...         "closed_on": [dt.date(2025, 3, 1), dt.date(2025, 6, 1), dt.date(2025, 9, 1)],
    ...         "outcome": ["employment", "training", "dropped_out"],
    ...         "year": [2025, 2025, 2025],
    ...     }
    ... )
    >>> reinsertion_rate(cases, 2025)
    Share(numerator=1, denominator=3)

    Training is a good outcome but not a reinsertion on the labour market, so the rate is 1/3.
    """
    closed = _cases(cases, year, "closed_on", regions=regions, modalities=modalities)
    return Share(closed.filter(pl.col("outcome") == REINSERTED).height, closed.height)


def coaching_outcomes(
    cases: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
    modalities: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Outcomes of the coaching cases closed in `year`, with shares.

    Returns
    -------
    pl.DataFrame
        One row per outcome (employment, training, no reinsertion, dropped out), a row with a
        null outcome if some closed cases have none, then ``total``. Columns ``outcome``,
        ``cases`` (Int64) and ``share`` of the cases closed (Float64, null when none was).
        The share of ``employment`` is the :func:`reinsertion_rate`.

    Examples
    --------
    >>> import datetime as dt
    >>> cases = pl.DataFrame(
    ...     {
    ...         "closed_on": [dt.date(2025, 3, 1), dt.date(2025, 6, 1), dt.date(2025, 9, 1)],
    ...         "outcome": ["employment", "employment", "dropped_out"],
    ...         "year": [2025, 2025, 2025],
    ...     }
    ... )
    >>> coaching_outcomes(cases, 2025).select("outcome", "cases").rows()
    [('employment', 2), ('training', 0), ('no_reinsertion', 0), ('dropped_out', 1), ('total', 3)]

    Two of the three closed cases ended in employment: the reinsertion rate is 2/3.
    """
    closed = _cases(cases, year, "closed_on", regions=regions, modalities=modalities)
    counts = counts_by_category(closed, "outcome", OUTCOMES, name="cases").cast({"outcome": pl.String})
    total = pl.DataFrame({"outcome": [TOTAL], "cases": [closed.height]}, schema=counts.schema)
    return pl.concat([counts, total]).with_columns(share(pl.col("cases"), pl.lit(closed.height)).alias("share"))


def _levels(dimension: Dimension, regions: Iterable[str] | None, modalities: Iterable[str] | None) -> list[str]:
    if dimension == "region":
        return ordered_values(regions, REGIONS)
    if dimension == "modality":
        return ordered_values(modalities, MODALITIES)
    raise ValueError(f"cannot break coaching cases down by {dimension!r}")


def coaching_activity(
    cases: pl.DataFrame,
    year: int,
    *,
    by: Sequence[Dimension] = ("region",),
    regions: Iterable[str] | None = None,
    modalities: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Coaching cases opened and closed in `year` and the reinsertion rate, by region and/or modality.

    Definition (DESIGN.md §3): opened = ``started_on`` in Y; closed = ``closed_on`` in Y;
    reinsertion rate = closed with outcome employment / closed.

    Parameters
    ----------
    cases
        The loaded ``coaching`` dataset.
    year
        The reporting year Y.
    by
        ``("region",)``, ``("modality",)``, both (every region × modality pair) or ``()`` (the
        canton only).
    regions, modalities
        Keep only these regions and modalities (and show only their rows).

    Returns
    -------
    pl.DataFrame
        The `by` columns, then ``opened``, ``closed``, ``employment`` (Int64) and
        ``reinsertion_rate`` (Float64, null when no case was closed). One row per group in the
        report's order (regions Haut-Valais to Monthey, tandem before intensive), 0 for a group
        without cases, then the ``total`` row.

    Examples
    --------
    >>> import datetime as dt
    >>> cases = pl.DataFrame(
    ...     {
    ...         "region": ["Sion", "Sion", "Sierre"],
    ...         "modality": ["tandem", "tandem", "intensive"],
    ...         "started_on": [dt.date(2024, 5, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)],
    ...         "closed_on": [dt.date(2025, 1, 31), dt.date(2025, 11, 30), None],
    ...         "outcome": ["employment", "no_reinsertion", None],
    ...         "year": [2025, 2025, 2025],
    ...     }
    ... )
    >>> coaching_activity(cases, 2025, by=["modality"]).rows()
    [('tandem', 1, 2, 1, 0.5), ('intensive', 1, 0, 0, None), ('total', 2, 2, 1, 0.5)]

    The first tandem case was opened in 2024 but closed in 2025: it counts among the cases
    closed, not opened; the intensive case is still open, so it has no rate yet.
    """
    keys = list(by)
    opened = _cases(cases, year, "started_on", regions=regions, modalities=modalities)
    closed = _cases(cases, year, "closed_on", regions=regions, modalities=modalities)
    opened_counts = [pl.len().cast(pl.Int64).alias("opened")]
    closed_counts = [
        pl.len().cast(pl.Int64).alias("closed"),
        (pl.col("outcome") == REINSERTED).sum().cast(pl.Int64).alias("employment"),
    ]
    counts = ["opened", "closed", "employment"]

    total = pl.concat([opened.select(opened_counts), closed.select(closed_counts)], how="horizontal")
    if keys:
        strings = {key: pl.String for key in keys}
        # Every combination, in the report's order (region first, then modality within it).
        combinations = product(*(_levels(key, regions, modalities) for key in keys))
        skeleton = pl.DataFrame(list(combinations), schema=strings, orient="row")
        groups = (
            skeleton.join(opened.group_by(keys).agg(opened_counts).cast(strings), on=keys, how="left", maintain_order="left")
            .join(closed.group_by(keys).agg(closed_counts).cast(strings), on=keys, how="left", maintain_order="left")
            .with_columns(pl.col(counts).fill_null(0))
        )
        total = pl.concat([pl.DataFrame({key: [TOTAL] for key in keys}), total], how="horizontal")
        total = pl.concat([groups, total])
    return total.with_columns(share(pl.col("employment"), pl.col("closed")).alias("reinsertion_rate"))


def reinsertion_rate_trend(
    cases: pl.DataFrame,
    years: Iterable[int] | None = None,
    *,
    regions: Iterable[str] | None = None,
    modalities: Iterable[str] | None = None,
) -> pl.DataFrame:
    """The reinsertion rate of each year (its trend).

    Each year is computed as :func:`reinsertion_rate` computes it alone: its own uploads,
    ``closed_on`` in the year.

    Parameters
    ----------
    cases
        The loaded ``coaching`` dataset with the uploads of every year.
    years
        The years to show; None shows every year that has an upload.
    regions, modalities
        Keep only these regions and modalities.

    Returns
    -------
    pl.DataFrame
        Columns ``year``, ``closed``, ``employment`` (Int64) and ``reinsertion_rate``
        (Float64, null for a year without closed case), one row per year, ascending.

    Examples
    --------
    >>> import datetime as dt
    >>> cases = pl.DataFrame(
    ...     {
    ...         "closed_on": [dt.date(2024, 3, 1), dt.date(2024, 6, 1), dt.date(2025, 9, 1)],
    ...         "outcome": ["employment", "training", "dropped_out"],
    ...         "year": [2024, 2024, 2025],
    ...     }
    ... )
    >>> reinsertion_rate_trend(cases).rows()
    [(2024, 2, 1, 0.5), (2025, 1, 0, 0.0)]

    One of the two 2024 closures was a job; the only 2025 closure was a dropout.
    """
    closed = filter_rows(rows_of_each_year(cases, "closed_on"), region=regions, modality=modalities)
    per_year = closed.group_by(pl.col(upload_year_column(cases)).cast(pl.Int64).alias("year")).agg(
        pl.len().cast(pl.Int64).alias("closed"),
        (pl.col("outcome") == REINSERTED).sum().cast(pl.Int64).alias("employment"),
    )
    return (
        reporting_years(cases, years)
        .join(per_year, on="year", how="left", maintain_order="left")
        .with_columns(pl.col("closed", "employment").fill_null(0))
        .with_columns(share(pl.col("employment"), pl.col("closed")).alias("reinsertion_rate"))
    )


def case_durations(
    cases: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
    modalities: Iterable[str] | None = None,
) -> pl.DataFrame:
    """How long the coaching cases closed in `year` lasted, by modality.

    The duration of a case is ``closed_on - started_on`` in days (a case closed the day it
    started lasts 0 days).

    Returns
    -------
    pl.DataFrame
        One row per modality (tandem, intensive), then ``total``. Columns ``modality``,
        ``cases`` (Int64), ``mean_days``, ``median_days`` (Float64), ``min_days`` and
        ``max_days`` (Int64); the statistics are null for a modality without closed case.

    Examples
    --------
    >>> import datetime as dt
    >>> cases = pl.DataFrame(
    ...     {
    ...         "modality": ["tandem", "tandem", "intensive"],
    ...         "started_on": [dt.date(2025, 1, 1), dt.date(2024, 7, 1), dt.date(2025, 2, 1)],
    ...         "closed_on": [dt.date(2025, 3, 2), dt.date(2025, 7, 1), dt.date(2025, 2, 11)],
    ...         "year": [2025, 2025, 2025],
    ...     }
    ... )
    >>> case_durations(cases, 2025).rows()
    [('tandem', 2, 212.5, 212.5, 60, 365), ('intensive', 1, 10.0, 10.0, 10, 10), ('total', 3, 145.0, 60.0, 10, 365)]

    The tandem cases lasted 60 and 365 days (the second was opened in 2024).
    """
    closed = _cases(cases, year, "closed_on", regions=regions, modalities=modalities).with_columns(
        (pl.col("closed_on") - pl.col("started_on")).dt.total_days().alias("days")
    )
    statistics = [
        pl.len().cast(pl.Int64).alias("cases"),
        pl.col("days").mean().cast(pl.Float64).alias("mean_days"),
        pl.col("days").median().cast(pl.Float64).alias("median_days"),
        pl.col("days").min().cast(pl.Int64).alias("min_days"),
        pl.col("days").max().cast(pl.Int64).alias("max_days"),
    ]
    skeleton = pl.DataFrame({"modality": ordered_values(modalities, MODALITIES)}, schema={"modality": pl.String})
    per_modality = skeleton.join(
        closed.group_by("modality").agg(statistics).cast({"modality": pl.String}), on="modality", how="left", maintain_order="left"
    ).with_columns(pl.col("cases").fill_null(0))
    total = closed.select(pl.lit(TOTAL).alias("modality"), *statistics)
    return pl.concat([per_modality, total])
