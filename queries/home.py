"""Shaping for the first two screens: the year in brief (Accueil) and the overlaps (Chevauchements).

Pure functions on top of the indicator queries, so that the pages stay a list of calls:

- the summary table of every year with data (:func:`brief_series`), the year against the
  comparison year read off it (:func:`brief_of_year`), its comparison with the published report
  (:func:`compared_with_report`, :func:`unreproduced`), the report's own contradictions
  (:func:`youth_consistency`) and the freshness of the uploads (:func:`data_freshness`);
- the overlap of every year with data, each computed once (:func:`overlap_by_year`), the
  institutions' shares over the years (:func:`share_trend`), what a click on the heatmap or on
  the UpSet chart selects (:func:`cell_institutions`, :func:`combination_of`) and a
  combination's persons per region (:func:`combination_by_region`).

A figure whose dataset has no upload for a year is null, never 0: "nothing was sent" is not
"nothing happened".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import polars as pl

from dashboard.datasets import DATASETS, REGIONS
from queries import situations, youth
from queries.filters import ordered_values, rows_of_year, upload_year_column
from queries.overlap import INSTITUTION_ORDER, OverlapResult, overlap_summary
from queries.summary import SUMMARY_SCHEMA, with_published, year_in_brief

INDICATOR_DATASETS = {
    "situations_announced": "situations",
    "simultaneous_persons": "followups",
    "simultaneous_share_total": "followups",
    "simultaneous_share": "followups",
    "training_participants": "trainings",
    "budget_chf": "budget",
}
"""The dataset each figure of :func:`queries.summary.year_in_brief` is computed from."""

SERIES_SCHEMA = {
    "indicator": pl.String,
    "dimensions": pl.String,
    "unit": pl.String,
    "year": pl.Int64,
    "value": pl.Float64,
    "numerator": pl.Int64,
    "denominator": pl.Int64,
}


def upload_years(frame: pl.DataFrame) -> list[int]:
    """The reporting years with an upload in a loaded dataset, ascending.

    >>> upload_years(pl.DataFrame({"year": [2025, 2024, 2025]}))
    [2024, 2025]
    """
    return sorted(frame.get_column(upload_year_column(frame)).unique().to_list())


def brief_series(
    frames: Mapping[str, pl.DataFrame],
    years: Iterable[int] | None = None,
    *,
    regions: Iterable[str] | None = None,
) -> pl.DataFrame:
    """The summary table of the report for every year: one row per figure and year.

    Each year is :func:`queries.summary.year_in_brief` of that year alone, so its overlap is
    computed once; the KPI cards read their sparkline off it and :func:`brief_of_year` the
    year against the comparison year.

    Parameters
    ----------
    frames
        The loaded ``situations``, ``followups``, ``trainings`` and ``budget`` datasets.
    years
        The years to compute; None: every year with an upload of one of these datasets.
    regions
        Keep only these regions (None: all); trainings and budget are canton-wide.

    Returns
    -------
    pl.DataFrame
        :data:`SERIES_SCHEMA`, in the report's order then by year. A figure whose dataset has
        no upload for the year is null (value and counts): not sent is not zero.

    Examples
    --------
    >>> import datetime as dt
    >>> frames = {
    ...     "situations": pl.DataFrame({"year": [2025], "announced_on": [dt.date(2025, 3, 1)],
    ...         "public": ["adult"], "kind": ["complex"], "announcer": ["ORP"],
    ...         "region": ["Sion"]}),
    ...     "followups": pl.DataFrame(schema={"year": pl.Int64, "person_id": pl.Int64,
    ...         "institution": pl.String, "region": pl.String, "start_date": pl.Date,
    ...         "end_date": pl.Date}),
    ...     "trainings": pl.DataFrame(schema={"year": pl.Int64, "date": pl.Date,
    ...         "language_region": pl.String, "kind": pl.String, "participants": pl.Int64}),
    ...     "budget": pl.DataFrame(schema={"upload_year": pl.Int64, "year": pl.Int64,
    ...         "category": pl.String, "amount_chf": pl.Decimal(14, 2)}),
    ... }
    >>> series = brief_series(frames)
    >>> series.filter(indicator="situations_announced", dimensions="")["value"].to_list()
    [1.0]
    >>> series.filter(indicator="simultaneous_persons")["value"].to_list()
    [None]

    Only situations were sent for 2025: the follow-up figures are missing, not 0.
    """
    needed = sorted(set(INDICATOR_DATASETS.values()))
    available = {name: set(upload_years(frames[name])) for name in needed}
    if years is None:
        years = sorted(set().union(*available.values()))
    parts = []
    for year in years:
        sent = {figure: year in available[name] for figure, name in INDICATOR_DATASETS.items()}
        was_sent = pl.col("indicator").replace_strict(sent, return_dtype=pl.Boolean)
        figures = ("value", "numerator", "denominator")
        table = year_in_brief(frames, year, None, regions=regions)
        parts.append(
            table.with_row_index("position").select(
                "position",
                "indicator",
                "dimensions",
                "unit",
                pl.lit(year, pl.Int64).alias("year"),
                *(pl.when(was_sent).then(pl.col(name)).alias(name) for name in figures),
            )
        )
    if not parts:
        return pl.DataFrame(schema=SERIES_SCHEMA)
    # Every year's table has the same rows in the report's order: keep it, then by year.
    return pl.concat(parts).sort("position", "year").drop("position").cast(SERIES_SCHEMA)


def brief_of_year(series: pl.DataFrame, year: int, previous_year: int | None) -> pl.DataFrame:
    """The summary table of `year` against `previous_year`, read off :func:`brief_series`.

    The same table as ``year_in_brief(frames, year, previous_year)`` (:data:`SUMMARY_SCHEMA`):
    value, previous value, absolute change (for a share, a difference of shares) and relative
    change (null from 0), with the counts behind a share; null where a year has no data.

    Examples
    --------
    >>> series = pl.DataFrame(
    ...     {"indicator": ["persons", "persons"], "dimensions": ["", ""],
    ...      "unit": ["count", "count"], "year": [2024, 2025], "value": [8.0, 6.0],
    ...      "numerator": [None, None], "denominator": [None, None]},
    ...     schema=SERIES_SCHEMA,
    ... )
    >>> brief_of_year(series, 2025, 2024).select("value", "previous", "absolute", "relative").row(0)
    (6.0, 8.0, -2.0, -0.25)
    >>> brief_of_year(series, 2025, 2023).select("value", "previous", "absolute").row(0)
    (6.0, None, None)
    """
    keys = ["indicator", "dimensions"]
    skeleton = series.select(*keys, "unit").unique(keys, maintain_order=True)
    current = series.filter(pl.col("year") == year).select(
        *keys, "value", "numerator", "denominator"
    )
    # A typed literal: no comparison year (None) matches no row, without polars' None warning.
    before = series.filter(pl.col("year") == pl.lit(previous_year, pl.Int64)).select(
        *keys, pl.col("value").alias("previous")
    )
    joined = skeleton.join(current, on=keys, how="left", maintain_order="left").join(
        before, on=keys, how="left", maintain_order="left"
    )
    absolute = pl.col("value") - pl.col("previous")
    return joined.select(
        *keys,
        "unit",
        "value",
        "previous",
        absolute.alias("absolute"),
        pl.when(pl.col("previous") != 0).then(absolute / pl.col("previous")).alias("relative"),
        "numerator",
        "denominator",
    ).cast(SUMMARY_SCHEMA)


def compared_with_report(summary: pl.DataFrame, published: pl.DataFrame, year: int) -> pl.DataFrame:
    """:func:`queries.summary.with_published`, plus ``report_year``: the report giving the figure.

    A report also restates the year before (the 2025 report has a 2024 column), so the 2024
    figures say "Rapport 2025". Compare an unfiltered summary: the report is canton-wide.

    Examples
    --------
    >>> summary = pl.DataFrame({"indicator": ["persons"], "dimensions": [""], "unit": ["count"],
    ...     "value": [6418.0]})
    >>> published = pl.DataFrame({"indicator": ["persons"], "year": [2024], "dimensions": [None],
    ...     "value": [6887.0], "note": [None], "upload_id": [9], "upload_year": [2025]},
    ...     schema_overrides={"dimensions": pl.String, "note": pl.String})
    >>> compared = compared_with_report(summary, published, 2024)
    >>> compared.select("published", "difference", "matches", "report_year").row(0)
    (6887.0, -469.0, False, 2025)
    """
    keys = ["indicator", "dimensions"]
    reports = (
        published.filter(pl.col("year") == year)
        .sort("upload_id")
        .with_columns(pl.col("dimensions").fill_null(""))
        .group_by(keys, maintain_order=True)
        .last()  # the latest upload wins, as in queries.summary.published_figures
        .select(*keys, pl.col(upload_year_column(published)).cast(pl.Int64).alias("report_year"))
    )
    compared = with_published(summary, published, year)
    return compared.join(reports, on=keys, how="left", maintain_order="left")


def unreproduced(compared: pl.DataFrame) -> pl.DataFrame:
    """The published figures that the data do not reproduce (at the report's precision).

    A figure the data cannot compute (null value) does not reproduce its published value either.

    >>> compared = pl.DataFrame({"indicator": ["a", "b", "c"], "dimensions": ["", "", ""],
    ...     "unit": ["count"] * 3, "value": [1.0, 2.0, 3.0], "published": [1.0, 5.0, None],
    ...     "difference": [0.0, -3.0, None], "matches": [True, False, None],
    ...     "report_year": [2025, 2025, None]})
    >>> unreproduced(compared)["indicator"].to_list()
    ['b']
    """
    missed = pl.col("published").is_not_null() & ~pl.col("matches").fill_null(False)
    return compared.filter(missed).select(
        "indicator", "dimensions", "unit", "value", "published", "difference", "report_year"
    )


QUALITY_SCHEMA = {"check": pl.String, "value": pl.Int64, "reference": pl.Int64}


def youth_consistency(
    announced: pl.DataFrame,
    t1: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Where the youth figures of the Bureau CII and of the Plateforme T1 disagree in `year`.

    Two checks, each a row only when its two counts differ (and both datasets were sent):

    - ``youth_vs_t1``: youth situations announced to the Bureau CII (``value``; the report's
      section 2, "215", whose footnote 1 says they are *all* the situations signalled to the
      T1) against the situations the T1 received (``reference``; section 5, "727").
    - ``t1_complex``: complex situations announced by T1/SFOP (``value``; section 8, "3")
      against the complex situations the T1 received (``reference``; footnote 6: "the figure
      of 3 does not reflect the reality on the ground").

    Returns
    -------
    pl.DataFrame
        :data:`QUALITY_SCHEMA`: ``check``, ``value``, ``reference``.

    Examples
    --------
    >>> import datetime as dt
    >>> announced = pl.DataFrame({"year": [2025], "announced_on": [dt.date(2025, 2, 1)],
    ...     "public": ["youth"], "kind": ["complex"], "announcer": ["T1/SFOP"], "region": ["Sion"]})
    >>> t1 = pl.DataFrame({"year": [2025] * 3, "received_on": [dt.date(2025, 1, 9)] * 3,
    ...     "kind": ["network", "complex", "network"], "region": ["Sion"] * 3})
    >>> youth_consistency(announced, t1, 2025).rows()
    [('youth_vs_t1', 1, 3)]

    The one complex situation agrees; one youth situation against three received does not.
    """
    if year not in upload_years(announced) or year not in upload_years(t1):
        return pl.DataFrame(schema=QUALITY_SCHEMA)
    regions = None if regions is None else list(regions)
    checks = [
        (
            "youth_vs_t1",
            situations.situations_announced(announced, year, regions=regions, public=["youth"]),
            youth.t1_situations_received(t1, year, regions=regions),
        ),
        (
            "t1_complex",
            situations.situations_announced(
                announced, year, regions=regions, kinds=["complex"], announcers=["T1/SFOP"]
            ),
            youth.t1_situations_received(t1, year, regions=regions, kinds=["complex"]),
        ),
    ]
    rows = [check for check in checks if check[1] != check[2]]
    return pl.DataFrame(rows, schema=QUALITY_SCHEMA, orient="row")


FRESHNESS_SCHEMA = {
    "dataset": pl.String,
    "year": pl.Int64,
    "sources": pl.String,
    "files": pl.Int64,
    "rows": pl.Int64,
    "last_upload": pl.Datetime("us", "UTC"),
    "last_file": pl.String,
}


def data_freshness(uploads: pl.DataFrame) -> pl.DataFrame:
    """The current uploads per dataset and reporting year: who sent them, how much, when last.

    Parameters
    ----------
    uploads
        The upload history (``dashboard.db.store.list_uploads``): ``dataset``, ``source``,
        ``year``, ``file_name``, ``row_count``, ``uploaded_at``, ``status``.

    Returns
    -------
    pl.DataFrame
        :data:`FRESHNESS_SCHEMA`, datasets in the contract's order, newest year first;
        ``sources`` lists the senders (``ORP, CMS``), ``last_file`` is the latest upload's.

    Examples
    --------
    >>> import datetime as dt
    >>> uploads = pl.DataFrame({"dataset": ["followups"] * 3, "source": ["ORP", "CMS", "ORP"],
    ...     "year": [2025, 2025, 2025], "file_name": ["orp.csv", "cms.csv", "old.csv"],
    ...     "row_count": [10, 5, 9], "status": ["current", "current", "superseded"],
    ...     "uploaded_at": [dt.datetime(2026, 1, d, tzinfo=dt.timezone.utc) for d in (2, 3, 1)]})
    >>> data_freshness(uploads).select("sources", "files", "rows", "last_file").row(0)
    ('ORP, CMS', 2, 15, 'cms.csv')
    """
    order = {name: position for position, name in enumerate(DATASETS)}
    current = uploads.filter(pl.col("status") == "current").sort("uploaded_at")
    source_rank = pl.col("source").replace_strict(_SOURCE_ORDER, default=len(_SOURCE_ORDER))
    return (
        current.group_by("dataset", "year")
        .agg(
            pl.col("source").sort_by(source_rank).unique(maintain_order=True).str.join(", ")
            .alias("sources"),
            pl.len().cast(pl.Int64).alias("files"),
            pl.col("row_count").sum().cast(pl.Int64).alias("rows"),
            pl.col("uploaded_at").last().alias("last_upload"),
            pl.col("file_name").last().alias("last_file"),
        )
        .sort(
            pl.col("dataset").replace_strict(order, default=len(order)),
            pl.col("year"),
            descending=[False, True],
        )
        .cast(FRESHNESS_SCHEMA)
    )


_SOURCE_ORDER = {source: rank for rank, source in enumerate((*INSTITUTION_ORDER, "T1", "CII"))}


# --- overlaps ------------------------------------------------------------------------------------


def overlap_by_year(
    episodes: pl.DataFrame,
    years: Iterable[int],
    *,
    regions: Iterable[str] | None = None,
    institutions: Iterable[str] | None = None,
    known: Mapping[int, OverlapResult] | None = None,
) -> dict[int, OverlapResult]:
    """:func:`queries.overlap.overlap_summary` of each year (its own uploads), each computed once.

    `known` holds results already computed with the same filters (they are reused as they
    are), so that a page never computes the same overlap twice in a run.

    >>> import datetime as dt
    >>> episodes = pl.DataFrame({"person_id": [1, 1], "institution": ["ORP", "CMS"],
    ...     "region": ["Sion", "Sion"], "start_date": [dt.date(2025, 1, 1)] * 2,
    ...     "end_date": [None, None], "year": [2025, 2025]}, schema_overrides={"end_date": pl.Date})
    >>> results = overlap_by_year(episodes, [2024, 2025])
    >>> {year: result.total_simultaneous for year, result in results.items()}
    {2024: 0, 2025: 1}
    """
    regions = None if regions is None else list(regions)
    institutions = None if institutions is None else list(institutions)
    results = dict(known or {})
    for year in years:
        if year not in results:
            results[year] = overlap_summary(
                rows_of_year(episodes, year), year, regions=regions, institutions=institutions
            )
    return results


def share_trend(results: Mapping[int, OverlapResult]) -> pl.DataFrame:
    """Each institution's share of beneficiaries followed simultaneously, year by year.

    Returns ``year``, ``institution``, ``value`` (the share, null without beneficiaries), the
    institutions in report order, each by year: the frame ``dashboard.charts.trend_line``
    draws with ``series="institution"``.

    >>> import datetime as dt
    >>> episodes = pl.DataFrame({"person_id": [1, 1, 2], "institution": ["ORP", "CMS", "ORP"],
    ...     "region": ["Sion"] * 3, "start_date": [dt.date(2025, 1, 1)] * 3,
    ...     "end_date": [None, None, None], "year": [2025] * 3},
    ...     schema_overrides={"end_date": pl.Date})
    >>> share_trend(overlap_by_year(episodes, [2025])).rows()
    [(2025, 'ORP', 0.5), (2025, 'CMS', 1.0)]
    """
    schema = {"year": pl.Int64, "institution": pl.String, "value": pl.Float64}
    parts = [
        result.per_institution.select(
            pl.lit(year, pl.Int64).alias("year"), "institution", pl.col("share").alias("value")
        )
        for year, result in results.items()
    ]
    if not parts:
        return pl.DataFrame(schema=schema)
    order = {code: position for position, code in enumerate(INSTITUTION_ORDER)}
    rank = pl.col("institution").replace_strict(order, default=len(order))
    return pl.concat(parts).sort(rank, "year").cast(schema)


def cell_institutions(codes: Sequence[str] | None) -> tuple[str, ...] | None:
    """The institutions a clicked overlap-matrix cell filters on; None for no filter.

    A cell ``[i, j]`` restricts the page to the episodes at i and j. A diagonal cell names a
    single institution, and one institution alone overlaps nothing: it filters nothing.

    >>> cell_institutions(["ORP", "CMS"]), cell_institutions(["ORP", "ORP"])
    (('ORP', 'CMS'), None)
    """
    distinct = tuple(dict.fromkeys(codes or ()))
    return distinct if len(distinct) >= 2 else None


def combination_of(codes: Sequence[str] | None) -> tuple[str, ...] | None:
    """The institutions of a clicked UpSet column (``"ORP+CMS"``); None for anything else.

    A set-size bar (one institution) is not a combination.

    >>> combination_of(["ORP+CMS"]), combination_of(["ORP"]), combination_of(None)
    (('ORP', 'CMS'), None, None)
    """
    if not codes:
        return None
    members = tuple(member for member in str(codes[0]).split("+") if member)
    return members if len(members) >= 2 else None


def combination_by_region(
    episodes: pl.DataFrame,
    year: int,
    combination: Iterable[str],
    *,
    regions: Iterable[str] | None = None,
    institutions: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Persons followed simultaneously by exactly `combination`, per region, in `year`.

    Each region is computed as the region filter computes it: on the episodes of that region
    only (a person followed by the ORP in Sion and the CMS in Sierre overlaps in neither).

    Returns
    -------
    pl.DataFrame
        ``region`` (the selected regions, in :data:`dashboard.datasets.REGIONS` order),
        ``persons`` (with exactly that set of institutions taking part) and ``share`` (of the
        region's persons followed simultaneously; null if there are none).

    Examples
    --------
    >>> import datetime as dt
    >>> episodes = pl.DataFrame({"person_id": [1, 1, 2, 2, 2], "year": [2025] * 5,
    ...     "institution": ["ORP", "CMS", "ORP", "CMS", "OAI"], "region": ["Sion"] * 5,
    ...     "start_date": [dt.date(2025, 1, 1)] * 5, "end_date": [None] * 5},
    ...     schema_overrides={"end_date": pl.Date})
    >>> combination_by_region(episodes, 2025, ["CMS", "ORP"], regions=["Sion", "Sierre"]).rows()
    [('Sierre', 0, None), ('Sion', 1, 0.5)]

    Person 2 has a third institution: not the exact set ORP + CMS.
    """
    wanted = sorted(combination, key=lambda code: INSTITUTION_ORDER.index(code))
    year_episodes = rows_of_year(episodes, year)
    institutions = None if institutions is None else list(institutions)
    exact = pl.col("institutions") == pl.lit(wanted, pl.List(pl.String))
    rows = []
    for region in ordered_values(regions, REGIONS):
        result = overlap_summary(year_episodes, year, regions=[region], institutions=institutions)
        persons = int(result.combinations.filter(exact).get_column("persons").sum())
        simultaneous = result.total_simultaneous
        rows.append((region, persons, persons / simultaneous if simultaneous else None))
    schema = {"region": pl.String, "persons": pl.Int64, "share": pl.Float64}
    return pl.DataFrame(rows, schema=schema, orient="row")
