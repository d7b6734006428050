"""Shaping for the screens Coaching, CII Jeunes, CII complexe, Réseau and Formations et moyens.

The indicator queries compute the figures; these functions put them in the shape a screen shows:
the published figure beside the computed one (the report prints shares at its own precision and
sometimes rounds them by hand), one row of a yearly series, the budget total per year, and what
a click on a table cell selects. Pure polars, no I/O, like every module of ``queries/``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

import polars as pl

from queries import network
from queries.filters import TOTAL, upload_year_column
from queries.summary import published_figures

Unit = Literal["count", "share", "chf"]


def has_year(frame: pl.DataFrame, year: int | None) -> bool:
    """Whether `frame` holds an upload of reporting year `year`.

    A year without an upload has no figure at all, which the screens say, rather than 0.

    >>> frame = pl.DataFrame({"year": [2024, 2025]})
    >>> has_year(frame, 2025), has_year(frame, 2023), has_year(frame, None)
    (True, False, False)
    """
    if year is None or frame.is_empty():
        return False
    return not frame.filter(pl.col(upload_year_column(frame)) == year).is_empty()


def published_figure(
    published: pl.DataFrame, indicator: str, year: int | None, dimensions: str = ""
) -> float | None:
    """The figure a published report gives for `indicator` in `year`; None if it gives none.

    When several uploads give the figure, the latest one wins.

    >>> published = pl.DataFrame({"indicator": ["t1_situations"], "year": [2025],
    ...     "dimensions": [None], "value": [727.0], "note": [None], "upload_id": [1]})
    >>> published_figure(published, "t1_situations", 2025)
    727.0
    >>> published_figure(published, "t1_situations", 2024) is None
    True
    """
    if year is None:
        return None
    rows = published_figures(published, year).filter(
        (pl.col("indicator") == indicator) & (pl.col("dimensions") == dimensions)
    )
    return None if rows.is_empty() else rows.item(0, "published")


def published_decimals(share: float) -> int:
    """Decimals of a published share printed as a percent: 0.833 was 83.3 %, 0.16 was 16 %.

    >>> [published_decimals(share) for share in (0.833, 0.16, 0.003, 1.0)]
    [1, 0, 1, 0]
    """
    percent = (Decimal(repr(share)) * 100).normalize()
    return max(0, -percent.as_tuple().exponent)


def matches_published(
    value: float | Decimal | None, published: float | None, unit: Unit
) -> bool | None:
    """Whether a computed figure equals the published one at the report's precision.

    Counts compare after rounding to a unit, amounts to the centime, and a share at the
    precision the report printed it with (:func:`published_decimals`), halves rounded up as the
    report does. None when either figure is missing.

    >>> matches_published(606 / 727, 0.833, "share"), matches_published(80 / 727, 0.11, "share")
    (False, True)
    >>> matches_published(9 / 27, 0.33, "share"), matches_published(727, 727.0, "count")
    (True, True)
    >>> matches_published(None, 1.0, "count") is None
    True

    The report printed 83.3 % for 606 / 727 = 83.36 %, which rounds to 83.4 %.
    """
    if value is None or published is None:
        return None
    if unit == "share":
        places = published_decimals(published)
        exact, printed = Decimal(repr(float(value))) * 100, Decimal(repr(published)) * 100
    else:
        places = 2 if unit == "chf" else 0
        exact, printed = Decimal(str(value)), Decimal(repr(float(published)))
    step = Decimal(1).scaleb(-places)
    rounded = exact.quantize(step, rounding=ROUND_HALF_UP)
    return rounded == printed.quantize(step, rounding=ROUND_HALF_UP)


def _published_by_code(
    published: pl.DataFrame, indicator: str, year: int, column: str, name: str
) -> pl.DataFrame:
    """Published figures of `indicator` per code of `column` (dimensions ``column=code``)."""
    prefix = f"{column}="
    return (
        published_figures(published, year)
        .filter((pl.col("indicator") == indicator) & pl.col("dimensions").str.starts_with(prefix))
        .select(
            pl.col("dimensions").str.strip_prefix(prefix).alias(column),
            pl.col("published").alias(name),
        )
    )


def _printed_decimals(column: str) -> pl.Expr:
    """Decimals of the shares of `column` once printed as percents (0.833 → 1, 0.16 → 0)."""
    fraction = pl.col(column).cast(pl.String).str.split(".").list.get(1, null_on_oob=True)
    return (fraction.str.len_chars().cast(pl.Int64) - 2).clip(lower_bound=0)


def with_published_shares(
    table: pl.DataFrame,
    published: pl.DataFrame,
    year: int,
    *,
    column: str,
    indicator: str,
) -> pl.DataFrame:
    """A provenance table with the published counts and shares beside the computed ones.

    Parameters
    ----------
    table
        :func:`queries.youth.t1_provenance` or :func:`queries.youth.t1_institutional_provenance`:
        `column` (codes, then ``total``), ``situations`` and ``share``.
    published
        The loaded ``published`` dataset (pass an empty one for a filtered, non-cantonal view).
    year
        The year of the table.
    column
        The code column, also the dimension name in the published data (``provenance``).
    indicator
        The published indicator of the counts (``t1_provenance``); its shares are
        ``<indicator>_share``.

    Returns
    -------
    pl.DataFrame
        `table` and ``published_situations`` (Int64), ``published_share`` (Float64),
        ``share_decimals`` (Int64: how many decimals the report printed) and ``matches``
        (Boolean: count and share equal at the report's precision), null where the report gives
        no figure (the total row, another year).

    Examples
    --------
    >>> table = pl.DataFrame({"provenance": ["institutional", "private", "total"],
    ...     "situations": [606, 121, 727], "share": [606 / 727, 121 / 727, 1.0]})
    >>> published = pl.DataFrame({"indicator": ["t1_provenance_share"] * 2, "year": [2025] * 2,
    ...     "dimensions": ["provenance=institutional", "provenance=private"],
    ...     "value": [0.833, 0.166], "note": [None, None], "upload_id": [1, 1]})
    >>> shown = with_published_shares(table, published, 2025, column="provenance",
    ...     indicator="t1_provenance")
    >>> shown.select("provenance", "published_share", "share_decimals", "matches").rows()
    [('institutional', 0.833, 1, False), ('private', 0.166, 1, True), ('total', None, None, None)]

    606 / 727 is 83.36 %, 83.4 % at the report's precision, where the report printed 83.3 %.
    """
    counts = _published_by_code(published, indicator, year, column, "published_situations")
    shares = _published_by_code(published, f"{indicator}_share", year, column, "published_share")
    scale = pl.lit(10, pl.Int64).pow(pl.col("share_decimals")).cast(pl.Float64) * 100
    # Half-up at the printed precision, compared as integers so that the comparison is exact.
    computed = (pl.col("share") * scale + 0.5).floor().cast(pl.Int64)
    printed = (pl.col("published_share") * scale).round(0).cast(pl.Int64)
    share_known = pl.col("published_share").is_not_null()
    count_known = pl.col("published_situations").is_not_null()
    share_matches = ~share_known | (computed == printed)
    count_matches = ~count_known | (pl.col("situations") == pl.col("published_situations"))
    return (
        table.join(counts, on=column, how="left", maintain_order="left")
        .join(shares, on=column, how="left", maintain_order="left")
        .with_columns(
            pl.col("published_situations").round(0).cast(pl.Int64),
            share_decimals=_printed_decimals("published_share"),
        )
        .with_columns(
            matches=pl.when(share_known | count_known).then(share_matches & count_matches)
        )
    )


def with_published_counts(
    table: pl.DataFrame,
    published: pl.DataFrame,
    year: int,
    *,
    column: str,
    indicator: str,
    value: str,
) -> pl.DataFrame:
    """A count table with the published counts (``column=code`` figures) beside its own.

    Returns
    -------
    pl.DataFrame
        `table` and ``published`` (Int64) and ``matches`` (Boolean), null where the report gives
        no figure (the total row, another year, a filtered view given an empty `published`).

    Examples
    --------
    >>> table = pl.DataFrame({"service": ["tro", "assessment", "total"], "services": [23, 5, 28]})
    >>> published = pl.DataFrame({"indicator": ["services"], "year": [2025],
    ...     "dimensions": ["service=tro"], "value": [23.0], "note": [None], "upload_id": [1]})
    >>> with_published_counts(table, published, 2025, column="service", indicator="services",
    ...     value="services").rows()
    [('tro', 23, 23, True), ('assessment', 5, None, None), ('total', 28, None, None)]
    """
    counts = _published_by_code(published, indicator, year, column, "published")
    return (
        table.join(counts, on=column, how="left", maintain_order="left")
        .with_columns(pl.col("published").round(0).cast(pl.Int64))
        .with_columns(matches=pl.col(value) == pl.col("published"))
    )


def modality_overview(activity: pl.DataFrame, durations: pl.DataFrame) -> pl.DataFrame:
    """Coaching activity and case durations side by side, one row per modality then ``total``.

    Parameters
    ----------
    activity
        :func:`queries.coaching.coaching_activity` with ``by=("modality",)``.
    durations
        :func:`queries.coaching.case_durations` for the same year and filters.

    Examples
    --------
    >>> activity = pl.DataFrame({"modality": ["tandem", "total"], "opened": [2, 2],
    ...     "closed": [1, 1], "employment": [1, 1], "reinsertion_rate": [1.0, 1.0]})
    >>> durations = pl.DataFrame({"modality": ["tandem", "total"], "cases": [1, 1],
    ...     "mean_days": [60.0, 60.0], "median_days": [60.0, 60.0], "min_days": [60, 60],
    ...     "max_days": [60, 60]})
    >>> modality_overview(activity, durations).columns[-2:]
    ['median_days', 'mean_days']
    """
    days = durations.select("modality", "median_days", "mean_days")
    return activity.join(days, on="modality", how="left", maintain_order="left")


def year_row(frame: pl.DataFrame, year: int | None) -> dict[str, Any] | None:
    """The row of `year` of a yearly series (a ``year`` column), as a dict; None if absent.

    >>> year_row(pl.DataFrame({"year": [2024, 2025], "total": [77, 143]}), 2025)
    {'year': 2025, 'total': 143}
    """
    rows = frame.filter(pl.col("year") == year) if year is not None else frame.clear()
    return rows.row(0, named=True) if rows.height else None


def rate_change(
    trend: pl.DataFrame, year: int | None, column: str = "reinsertion_rate"
) -> float | None:
    """The change of a rate from the year before `year` to `year` (a difference of shares).

    >>> trend = pl.DataFrame({"year": [2024, 2025], "reinsertion_rate": [0.52, 0.25]})
    >>> rate_change(trend, 2025), rate_change(trend, 2024)
    (-0.27, None)
    """
    now = year_row(trend, year)
    before = year_row(trend, None if year is None else year - 1)
    if now is None or before is None or now[column] is None or before[column] is None:
        return None
    return round(now[column] - before[column], 12)


def permit_s_series(
    protected: pl.DataFrame, published: pl.DataFrame, *, regions: Iterable[str] | None = None
) -> pl.DataFrame:
    """S-permit persons per year: record-level figures, and the published ones before them.

    The published figures (2022–2023 in the report) are canton-wide: with a region filter the
    series keeps the record-level years only.

    Returns
    -------
    pl.DataFrame
        :func:`queries.network.protected_persons_series`: ``year``, ``with_ic``, ``without_ic``,
        ``total``, ``origin`` (``data`` or ``published``).
    """
    by_year = network.protected_persons_by_year(protected, regions=regions)
    canton = published if regions is None else published.clear()
    return network.protected_persons_series(by_year, canton)


def budget_totals(by_year_and_category: pl.DataFrame) -> pl.DataFrame:
    """The ``total`` row of each year of :func:`queries.resources.budget_by_year_and_category`.

    >>> from decimal import Decimal
    >>> frame = pl.DataFrame({"year": [2025, 2025], "category": ["salaries", "total"],
    ...     "amount_chf": [Decimal("1.00"), Decimal("1.00")]})
    >>> budget_totals(frame).rows()
    [(2025, Decimal('1.00'))]
    """
    return by_year_and_category.filter(pl.col("category") == TOTAL).select("year", "amount_chf")


def zero_categories(frame: pl.DataFrame, category: str, value: str) -> list[str]:
    """The categories whose `value` is 0 (not null), e.g. the services nobody asked for.

    >>> frame = pl.DataFrame({"service": ["tro", "cm_cii", "medical_mandate", "total"],
    ...     "services": [23, 0, 0, 23]})
    >>> zero_categories(frame, "service", "services")
    ['cm_cii', 'medical_mandate']
    """
    zeros = frame.filter((pl.col(category) != TOTAL) & (pl.col(value) == 0))
    return zeros.get_column(category).to_list()


def cell_filter(
    codes: Sequence[str | None] | None, regions: Iterable[str] | None
) -> tuple[list[str] | None, list[str] | None]:
    """What a click on a cell of the region × announcer table selects: (announcers, regions).

    A cell's codes are ``[announcer, region]``, None for a total. The clicked region narrows the
    global region filter; a region outside it selects nothing (an empty list keeps no row).

    >>> cell_filter(["CMS", "Sion"], None)
    (['CMS'], ['Sion'])
    >>> cell_filter([None, "Sion"], ["Sion", "Sierre"])
    (None, ['Sion'])
    >>> cell_filter(["ORP", None], ["Sierre"])
    (['ORP'], ['Sierre'])
    >>> cell_filter(None, ["Sierre"])
    (None, ['Sierre'])
    """
    selected = None if regions is None else list(regions)
    if not codes:
        return None, selected
    announcer, region = ([*codes, None, None])[:2]
    if region is not None:
        selected = [region] if selected is None or region in selected else []
    return ([announcer] if announcer is not None else None), selected
