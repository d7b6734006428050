"""CII réseau: ORP↔CMS transitions and persons with S permit registered at the ORP.

Inputs are the loaded ``transitions`` and ``protected_persons`` datasets (canonical columns and
codes of :mod:`dashboard.datasets`). ``transitions`` carries the upload's reporting year in
``year``; ``protected_persons`` has a ``year`` of its own and the upload's in ``upload_year``.

Missing is not zero: a region that recorded no transition in a year did not record them (the
report's footnote: "La région de Monthey (ORP et CMS) n'a pas répertorié les transitions"), so
its counts are null, never 0. The same holds for a year without S-permit figures.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from dashboard.datasets import REGIONS, TRANSITIONS
from queries.filters import (
    TOTAL,
    filter_rows,
    ordered_values,
    reporting_years,
    rows_of_each_year,
    rows_of_year,
    upload_year_column,
)

DIRECTIONS = tuple(TRANSITIONS.column("direction").choices)
"""``orp_to_cms``, ``cms_to_orp``."""


def _transitions(transitions: pl.DataFrame, year: int, regions: Iterable[str] | None) -> pl.DataFrame:
    """Transitions dated in `year` (uploads of `year`), in the selected regions."""
    return filter_rows(rows_of_year(transitions, year, "date"), region=regions)


def transition_count(
    transitions: pl.DataFrame,
    year: int,
    *,
    directions: Iterable[str] | None = None,
    regions: Iterable[str] | None = None,
) -> int | None:
    """Number of persons handed over between ORP and CMS in `year`; None if nothing was recorded.

    Counts the ``transitions`` dated in Y in the given directions, over the regions that
    recorded transitions in Y. When no selected region recorded any transition (in any
    direction) the figure is not available: None, not 0.

    Examples
    --------
    >>> import datetime as dt
    >>> transitions = pl.DataFrame(
    ...     {
    ...         "date": [dt.date(2025, 2, 1), dt.date(2025, 5, 1), dt.date(2025, 8, 1)],
    ...         "direction": ["orp_to_cms", "orp_to_cms", "cms_to_orp"],
    ...         "region": ["Sion", "Sion", "Sierre"],
    ...         "year": [2025, 2025, 2025],
    ...     }
    ... )
    >>> transition_count(transitions, 2025, directions=["orp_to_cms"])
    2
    >>> transition_count(transitions, 2025, directions=["cms_to_orp"], regions=["Sion"])
    0
    >>> transition_count(transitions, 2025, regions=["Monthey"]) is None
    True

    Sion recorded transitions, none from the CMS; Monthey recorded nothing at all.
    """
    rows = _transitions(transitions, year, regions)
    if rows.is_empty():
        return None
    return filter_rows(rows, direction=directions).height


def transitions_by_region(
    transitions: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
) -> pl.DataFrame:
    """ORP↔CMS transitions in `year`, by region and direction.

    The report: "76 personnes ont été signalées par les ORP aux CMS et 85 par les CMS aux ORP",
    with the footnote that Monthey did not record the transitions.

    Parameters
    ----------
    transitions
        The loaded ``transitions`` dataset.
    year
        The reporting year Y.
    regions
        The regions to show (all five when None), in the report's order.

    Returns
    -------
    pl.DataFrame
        One row per region, then ``total``. Columns ``region``, ``orp_to_cms``,
        ``cms_to_orp`` and ``total`` (both directions), all Int64. A region without any
        transition record in Y is null in every column (not recorded); a region that recorded
        transitions in one direction only has 0 in the other. The total row adds up the
        regions that recorded transitions, and is null if none did.

    Examples
    --------
    >>> import datetime as dt
    >>> transitions = pl.DataFrame(
    ...     {
    ...         "date": [dt.date(2025, 2, 1), dt.date(2025, 5, 1), dt.date(2025, 8, 1)],
    ...         "direction": ["orp_to_cms", "orp_to_cms", "cms_to_orp"],
    ...         "region": ["Sion", "Sion", "Sierre"],
    ...         "year": [2025, 2025, 2025],
    ...     }
    ... )
    >>> transitions_by_region(transitions, 2025, regions=["Sierre", "Sion", "Monthey"]).rows()
    [('Sierre', 0, 1, 1), ('Sion', 2, 0, 2), ('Monthey', None, None, None), ('total', 2, 1, 3)]

    Monthey sent no record, so its counts are missing rather than zero.
    """
    shown = ordered_values(regions, REGIONS)
    rows = _transitions(transitions, year, shown)
    per_direction = [(pl.col("direction") == direction).sum().cast(pl.Int64).alias(direction) for direction in DIRECTIONS]
    skeleton = pl.DataFrame({"region": shown}, schema={"region": pl.String})
    # A region is in the group-by result only if it has records: the left join leaves the others null.
    per_region = skeleton.join(
        rows.group_by("region").agg(per_direction).cast({"region": pl.String}), on="region", how="left", maintain_order="left"
    )
    if rows.is_empty():
        total = pl.DataFrame({"region": [TOTAL]}).with_columns(pl.lit(None, pl.Int64).alias(d) for d in DIRECTIONS)
    else:
        total = rows.select(pl.lit(TOTAL).alias("region"), *per_direction)
    # `+` (unlike sum_horizontal) keeps the total null for a region that recorded nothing.
    both = pl.col(DIRECTIONS[0]) + pl.col(DIRECTIONS[1])
    return pl.concat([per_region, total]).with_columns(both.alias(TOTAL))


def regions_without_transitions(
    transitions: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
) -> tuple[str, ...]:
    """The regions that recorded no ORP↔CMS transition in `year` (for the footnote), in order.

    >>> import datetime as dt
    >>> transitions = pl.DataFrame(
    ...     {"date": [dt.date(2025, 2, 1)], "direction": ["orp_to_cms"], "region": ["Sion"], "year": [2025]}
    ... )
    >>> regions_without_transitions(transitions, 2025, regions=["Sion", "Monthey"])
    ('Monthey',)
    """
    recorded = set(_transitions(transitions, year, regions).get_column("region").to_list())
    return tuple(region for region in ordered_values(regions, REGIONS) if region not in recorded)


def protected_persons(
    protected: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
    with_ic: bool | None = None,
) -> int | None:
    """Persons with S permit registered at the ORP in `year`; None if no figure was sent.

    Sums ``count`` over the ``protected_persons`` rows of the uploads of Y whose own ``year``
    is Y (with and without entitlement to unemployment benefit, unless `with_ic` selects one).

    Examples
    --------
    >>> protected = pl.DataFrame(
    ...     {
    ...         "year": [2025, 2025, 2024],
    ...         "region": ["Sion", "Sion", "Sion"],
    ...         "with_ic": [True, False, True],
    ...         "count": [12, 30, 9],
    ...         "upload_year": [2025, 2025, 2025],
    ...     }
    ... )
    >>> protected_persons(protected, 2025), protected_persons(protected, 2025, with_ic=False)
    (42, 30)
    >>> protected_persons(protected, 2024) is None
    True

    The 2024 row came in the 2025 upload: the 2024 figure is the one sent for 2024, here none.
    """
    rows = filter_rows(rows_of_year(protected, year, "year"), region=regions)
    if rows.is_empty():
        return None
    if with_ic is not None:
        rows = rows.filter(pl.col("with_ic") == with_ic)
    return int(rows.get_column("count").sum())


def protected_persons_by_year(
    protected: pl.DataFrame,
    years: Iterable[int] | None = None,
    *,
    regions: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Persons with S permit registered at the ORP, per year, with and without IC.

    The report's table "Personnes à protéger inscrites dans les ORP (avec droit et sans droit
    aux IC)". Each year is computed as :func:`protected_persons` computes it alone. Years
    before the record-level data (2022–2023 in the report) come from the ``published``
    dataset, not from here.

    Parameters
    ----------
    protected
        The loaded ``protected_persons`` dataset with the uploads of every year.
    years
        The years to show; None shows every year that has an upload.
    regions
        Keep only these regions.

    Returns
    -------
    pl.DataFrame
        Columns ``year``, ``with_ic``, ``without_ic`` and ``total`` (all Int64), one row per
        year, ascending; null counts for a year without any figure (missing, not zero).

    Examples
    --------
    >>> protected = pl.DataFrame(
    ...     {
    ...         "year": [2024, 2025, 2025],
    ...         "region": ["Sion", "Sion", "Sion"],
    ...         "with_ic": [True, True, False],
    ...         "count": [77, 100, 43],
    ...         "upload_year": [2024, 2025, 2025],
    ...     }
    ... )
    >>> protected_persons_by_year(protected, years=[2023, 2024, 2025]).rows()
    [(2023, None, None, None), (2024, 77, 0, 77), (2025, 100, 43, 143)]

    No figure was sent for 2023, so its counts are missing; 2024 had only persons with IC.
    """
    rows = filter_rows(rows_of_each_year(protected, "year"), region=regions)
    per_year = rows.group_by(pl.col(upload_year_column(protected)).cast(pl.Int64).alias("year")).agg(
        pl.col("count").filter(pl.col("with_ic")).sum().cast(pl.Int64).alias("with_ic"),
        pl.col("count").filter(~pl.col("with_ic")).sum().cast(pl.Int64).alias("without_ic"),
        pl.col("count").sum().cast(pl.Int64).alias(TOTAL),
    )
    return reporting_years(protected, years).join(per_year, on="year", how="left", maintain_order="left")


def protected_persons_series(by_year: pl.DataFrame, published: pl.DataFrame) -> pl.DataFrame:
    """S-permit persons per year, record-level figures first, published ones for earlier years.

    The report's series starts in 2022 (permit S) but record-level data start later: a year
    without a computed ``total`` takes the canton-wide ``protected_persons`` figure of the
    ``published`` dataset. Column ``origin`` says which: ``data`` or ``published``.

    Parameters
    ----------
    by_year
        The result of :func:`protected_persons_by_year`.
    published
        The loaded ``published`` dataset (``indicator``, ``year``, ``dimensions``, ``value``).

    Examples
    --------
    >>> by_year = pl.DataFrame({"year": [2024], "with_ic": [50], "without_ic": [27], "total": [77]})
    >>> published = pl.DataFrame({"indicator": ["protected_persons"] * 2, "year": [2022, 2024],
    ...     "dimensions": [None, None], "value": [38.0, 70.0]})
    >>> protected_persons_series(by_year, published).select("year", "total", "origin").rows()
    [(2022, 38, 'published'), (2024, 77, 'data')]

    2024 has record-level data, which wins over the published figure.
    """
    computed = by_year.filter(pl.col(TOTAL).is_not_null()).with_columns(origin=pl.lit("data"))
    reported = (
        published.filter(
            (pl.col("indicator") == "protected_persons")
            & (pl.col("dimensions").fill_null("") == "")
            & ~pl.col("year").is_in(computed["year"].implode())
        )
        .group_by(pl.col("year").cast(pl.Int64))
        .agg(pl.col("value").last().round(0).cast(pl.Int64).alias(TOTAL))
        .with_columns(
            with_ic=pl.lit(None, pl.Int64), without_ic=pl.lit(None, pl.Int64), origin=pl.lit("published")
        )
    )
    columns = ["year", "with_ic", "without_ic", TOTAL, "origin"]
    return pl.concat([computed.select(columns), reported.select(columns)]).sort("year")
