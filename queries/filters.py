"""Row selection shared by the indicator queries: the year scope, the user's filters, and
counting rows per category in the report's order.

Year scope (DESIGN.md §3): the indicators of year Y use the current uploads of year Y only, and
then their own date rule (situations announced in Y, coaching cases closed in Y...). Every
query goes through :func:`rows_of_year` (one year) or :func:`rows_of_each_year` (trends), which
apply both rules together so that neither can be forgotten.

The loader gives every row the reporting year of its upload in ``year``; datasets that have a
``year`` of their own (``protected_persons``, ``budget``, ``published``) get it in
``upload_year`` instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl

TOTAL = "total"
"""Label of the total row or column in the tables (translated by the user interface)."""


def upload_year_column(frame: pl.DataFrame) -> str:
    """The column holding the reporting year of each row's upload.

    >>> upload_year_column(pl.DataFrame({"year": [2024], "upload_year": [2025]}))
    'upload_year'
    >>> upload_year_column(pl.DataFrame({"year": [2025]}))
    'year'
    """
    return "upload_year" if "upload_year" in frame.columns else "year"


def _in_year(frame: pl.DataFrame, date: str, year: int | pl.Expr) -> pl.Expr:
    """`date` (a date column, or an integer year column) falls in `year`."""
    dtype = frame.schema[date]
    if dtype.is_temporal():
        return pl.col(date).dt.year() == year
    if dtype.is_integer():
        return pl.col(date) == year
    raise TypeError(f"column {date!r} is {dtype}, not a date or a year")


def rows_of_year(frame: pl.DataFrame, year: int, date: str | None = None) -> pl.DataFrame:
    """Rows of the uploads of `year` whose `date` falls in `year`.

    Parameters
    ----------
    frame
        A loaded dataset, with the upload's reporting year in ``year`` (or ``upload_year``).
    year
        The reporting year Y.
    date
        The indicator's own date rule: a date column that must fall in Y (``announced_on``,
        ``closed_on``...) or an integer year column that must equal Y; None keeps every row of
        the uploads of Y.

    Examples
    --------
    The 2025 upload repeats a 2024 situation; the 2024 upload is not used for 2025.

    >>> import datetime as dt
    >>> situations = pl.DataFrame(
    ...     {
    ...         "situation_id": ["a", "b", "c"],
    ...         "announced_on": [dt.date(2025, 3, 1), dt.date(2024, 12, 30), dt.date(2025, 1, 2)],
    ...         "year": [2025, 2025, 2024],
    ...     }
    ... )
    >>> rows_of_year(situations, 2025, "announced_on")["situation_id"].to_list()
    ['a']

    Situation ``b`` is in the 2025 file but was announced in 2024; ``c`` comes from the 2024
    upload, which does not count for 2025 even though its date is in 2025.
    """
    kept = frame.filter(pl.col(upload_year_column(frame)) == year)
    if date is None:
        return kept
    return kept.filter(_in_year(frame, date, year))


def rows_of_each_year(frame: pl.DataFrame, date: str) -> pl.DataFrame:
    """Rows whose `date` falls in the reporting year of their own upload (for trends).

    Every year of a trend is then computed as :func:`rows_of_year` would compute it alone.

    >>> import datetime as dt
    >>> cases = pl.DataFrame(
    ...     {
    ...         "closed_on": [dt.date(2024, 5, 1), dt.date(2024, 6, 1), dt.date(2025, 1, 9)],
    ...         "year": [2024, 2025, 2025],
    ...     }
    ... )
    >>> rows_of_each_year(cases, "closed_on")["closed_on"].dt.year().to_list()
    [2024, 2025]

    The second case, closed in 2024 but repeated in the 2025 file, counts for 2024 only once.
    """
    return frame.filter(_in_year(frame, date, pl.col(upload_year_column(frame))))


def reporting_years(frame: pl.DataFrame, years: Iterable[int] | None = None) -> pl.DataFrame:
    """The years of a trend, one row each, as column ``year`` (Int64, ascending).

    `years` if given, else every reporting year that has an upload in `frame`. A trend joins its
    values onto this frame, so that a year with an upload but no matching row shows 0, not a gap.

    >>> reporting_years(pl.DataFrame({"year": [2025, 2024, 2025]}))["year"].to_list()
    [2024, 2025]
    >>> reporting_years(pl.DataFrame({"year": [2025]}), years=[2023, 2025])["year"].to_list()
    [2023, 2025]
    """
    if years is None:
        values = frame.get_column(upload_year_column(frame)).unique().to_list()
    else:
        values = list(years)
    return pl.DataFrame({"year": sorted(set(values))}, schema={"year": pl.Int64})


def filter_rows(frame: pl.DataFrame, **allowed: Iterable[str] | None) -> pl.DataFrame:
    """Rows whose column ``name`` is one of ``allowed[name]``, for every filter given.

    A filter that is None keeps every row; an empty one keeps none (nothing selected). Rows with
    an empty cell in a filtered column are dropped: they belong to no selected value.

    >>> frame = pl.DataFrame({"region": ["Sion", "Sierre", "Sion"], "public": ["adult", "adult", "youth"]})
    >>> filter_rows(frame, region=["Sion"], public=None).height
    2
    >>> filter_rows(frame, region=["Sion"], public=["adult"]).height
    1
    """
    conditions = [pl.col(name).is_in(list(values)) for name, values in allowed.items() if values is not None]
    return frame.filter(*conditions) if conditions else frame


def ordered_values(values: Iterable[str] | None, order: Sequence[str]) -> list[str]:
    """The members of `order` that `values` selects (all when None), in `order`'s order.

    >>> ordered_values(["Sion", "Haut-Valais"], ("Haut-Valais", "Sierre", "Sion"))
    ['Haut-Valais', 'Sion']
    """
    if values is None:
        return list(order)
    selected = set(values)
    return [value for value in order if value in selected]


def counts_by_category(frame: pl.DataFrame, column: str, categories: Sequence[str], name: str = "count") -> pl.DataFrame:
    """Rows of `frame` per value of `column`, one row per category in `categories`' order.

    Categories without rows count 0, so tables keep the report's shape in every year. Values
    outside `categories` (including empty cells) follow in a last row of their own, so that no
    row is silently lost; validation makes them rare.

    >>> frame = pl.DataFrame({"public": ["youth", "youth", "adult"]})
    >>> counts_by_category(frame, "public", ("adult", "youth", "other")).rows()
    [('adult', 1), ('youth', 2), ('other', 0)]
    """
    dtype = frame.schema[column] if column in frame.columns else pl.String
    skeleton = pl.DataFrame({column: list(categories)}, schema={column: dtype})
    counts = frame.group_by(column).agg(pl.len().cast(pl.Int64).alias(name))
    known = skeleton.join(counts, on=column, how="left", maintain_order="left").with_columns(pl.col(name).fill_null(0))
    unknown = counts.filter(~pl.col(column).is_in(list(categories)) | pl.col(column).is_null())
    return pl.concat([known, unknown.sort(column, nulls_last=True)])


def share(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """`numerator / denominator` as a Float64 share in 0..1, null when the denominator is 0."""
    return pl.when(denominator > 0).then(numerator / denominator).otherwise(None).cast(pl.Float64)
