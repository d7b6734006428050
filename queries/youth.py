"""CII Jeunes: the situations handled by the Plateforme T1 (report section 5).

Input is the loaded ``t1_situations`` dataset (canonical columns and codes of
:mod:`dashboard.datasets`, plus the upload's reporting year in ``year``).
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from dashboard.datasets import T1_SITUATIONS
from queries.filters import (
    TOTAL,
    counts_by_category,
    filter_rows,
    reporting_years,
    rows_of_each_year,
    rows_of_year,
    share,
    upload_year_column,
)

PROVENANCES = tuple(T1_SITUATIONS.column("provenance").choices)
"""Institutional, private, OSP survey, medical network: the rows of the report's first table."""

PROVENANCE_INSTITUTIONS = tuple(T1_SITUATIONS.column("provenance_institution").choices)
"""ORP, CIO/OSP, SFOP, OAI, CMS, OASI, circle 2/3 members: the rows of the report's second table."""


def _received(
    t1: pl.DataFrame, year: int, *, regions: Iterable[str] | None, kinds: Iterable[str] | None
) -> pl.DataFrame:
    """T1 situations received in `year` (uploads of `year`), after the filters."""
    return filter_rows(rows_of_year(t1, year, "received_on"), region=regions, kind=kinds)


def _with_shares_and_total(counts: pl.DataFrame, label: str) -> pl.DataFrame:
    """Append the total row and the share of each row in it (the total's share is 1)."""
    total = counts.select(pl.lit(TOTAL).alias(label), pl.col("situations").sum().cast(pl.Int64))
    table = pl.concat([counts.cast({label: pl.String}), total])
    return table.with_columns(share(pl.col("situations"), pl.lit(total.item(0, "situations"))).alias("share"))


def t1_situations_received(
    t1: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
) -> int:
    """Number of situations received by the Plateforme T1 in `year`.

    Definition (DESIGN.md §3, T1 provenance): ``t1_situations`` with ``received_on`` in Y,
    network and complex ones alike (the report's "727 situations").

    Examples
    --------
    >>> import datetime as dt
    >>> t1 = pl.DataFrame(
    ...     {
    ...         "received_on": [dt.date(2025, 1, 5), dt.date(2025, 8, 9), dt.date(2024, 11, 2)],
    ...         "kind": ["network", "complex", "network"],
    ...         "year": [2025, 2025, 2024],
    ...     }
    ... )
    >>> t1_situations_received(t1, 2025), t1_situations_received(t1, 2025, kinds=["complex"])
    (2, 1)

    The third situation belongs to the 2024 upload.
    """
    return _received(t1, year, regions=regions, kinds=kinds).height


def t1_provenance(
    t1: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
) -> pl.DataFrame:
    """T1 situations received in `year` by provenance, with shares (first table of section 5).

    Definition (DESIGN.md §3): ``t1_situations`` received in Y by ``provenance``.

    Returns
    -------
    pl.DataFrame
        One row per provenance in the report's order (institutional announcements, private
        reports, OSP survey, medical network), then ``total``. Columns ``provenance``,
        ``situations`` (Int64) and ``share`` of the total (Float64 in 0..1, null when the year
        has no situation). Shares are exact: the report rounds them by hand so that they add
        up to 100 % (it prints 83.3 % for 606 / 727 = 83.36 %).

    Examples
    --------
    >>> import datetime as dt
    >>> t1 = pl.DataFrame(
    ...     {
    ...         "received_on": [dt.date(2025, 1, 5), dt.date(2025, 2, 5), dt.date(2025, 3, 5), dt.date(2025, 4, 5)],
    ...         "provenance": ["institutional", "institutional", "institutional", "private"],
    ...         "year": [2025, 2025, 2025, 2025],
    ...     }
    ... )
    >>> t1_provenance(t1, 2025).rows()
    [('institutional', 3, 0.75), ('private', 1, 0.25), ('osp_survey', 0, 0.0), ('medical_network', 0, 0.0), ('total', 4, 1.0)]

    Three of the four situations came from an institution; the provenances nobody used stay at 0.
    """
    rows = _received(t1, year, regions=regions, kinds=kinds)
    counts = counts_by_category(rows, "provenance", PROVENANCES, name="situations")
    return _with_shares_and_total(counts, "provenance")


def t1_institutional_provenance(
    t1: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Institutional T1 situations received in `year` by institution, with shares (second table).

    Definition (DESIGN.md §3): the ``t1_situations`` received in Y whose ``provenance`` is
    institutional, by ``provenance_institution``.

    Returns
    -------
    pl.DataFrame
        One row per institution in the report's order (ORP, CIO/OSP, SFOP, OAI, CMS, OASI,
        members of the 2nd and 3rd circles), a row with a null institution if some
        institutional situations do not name theirs, then ``total``. Columns
        ``provenance_institution``, ``situations`` (Int64) and ``share`` of the institutional
        total (Float64, null when there is none).

    Examples
    --------
    >>> import datetime as dt
    >>> t1 = pl.DataFrame(
    ...     {
    ...         "received_on": [dt.date(2025, 1, 5), dt.date(2025, 2, 5), dt.date(2025, 3, 5)],
    ...         "provenance": ["institutional", "institutional", "private"],
    ...         "provenance_institution": ["ORP", "circle_2_3", None],
    ...         "year": [2025, 2025, 2025],
    ...     }
    ... )
    >>> t1_institutional_provenance(t1, 2025).filter(pl.col("situations") > 0).rows()
    [('ORP', 1, 0.5), ('circle_2_3', 1, 0.5), ('total', 2, 1.0)]

    The private report is not institutional, so it is in neither row nor total.
    """
    rows = _received(t1, year, regions=regions, kinds=kinds).filter(pl.col("provenance") == "institutional")
    counts = counts_by_category(rows, "provenance_institution", PROVENANCE_INSTITUTIONS, name="situations")
    return _with_shares_and_total(counts, "provenance_institution")


def t1_volume(
    t1: pl.DataFrame,
    years: Iterable[int] | None = None,
    *,
    regions: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Situations received by the Plateforme T1, per year (the volume trend).

    Each year counts as :func:`t1_situations_received` would: its own uploads, ``received_on``
    in the year.

    Parameters
    ----------
    t1
        The loaded ``t1_situations`` dataset with the uploads of every year.
    years
        The years to show; None shows every year that has an upload.
    regions, kinds
        Keep only these regions and kinds.

    Returns
    -------
    pl.DataFrame
        Columns ``year`` and ``situations`` (both Int64), one row per year, ascending; a year
        without situations counts 0.

    Examples
    --------
    >>> import datetime as dt
    >>> t1 = pl.DataFrame(
    ...     {
    ...         "received_on": [dt.date(2024, 1, 5), dt.date(2025, 2, 5), dt.date(2025, 3, 5)],
    ...         "year": [2024, 2025, 2025],
    ...     }
    ... )
    >>> t1_volume(t1, years=[2023, 2024, 2025]).rows()
    [(2023, 0), (2024, 1), (2025, 2)]

    2023 was asked for but has no situation, so it shows 0 rather than a gap.
    """
    rows = filter_rows(rows_of_each_year(t1, "received_on"), region=regions, kind=kinds)
    counts = rows.group_by(pl.col(upload_year_column(t1)).cast(pl.Int64).alias("year")).agg(
        pl.len().cast(pl.Int64).alias("situations")
    )
    return (
        reporting_years(t1, years)
        .join(counts, on="year", how="left", maintain_order="left")
        .with_columns(pl.col("situations").fill_null(0))
    )
