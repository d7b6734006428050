"""The report's summary table ("L'année en bref") and its comparison with the published figures.

Every row is one figure of section 2 of the annual report, computed by the indicator queries
for the year and the comparison year. Indicator codes and dimensions are those of the
``published`` dataset (``indicator``, ``dimensions`` as ``key=value``), so a computed figure
and its published counterpart join on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from dashboard.datasets import INSTITUTIONS
from queries import overlap, resources, situations
from queries.compare import Change, Scalar, Share, change
from queries.filters import rows_of_year

SUMMARY_SCHEMA = {
    "indicator": pl.String,
    "dimensions": pl.String,
    "unit": pl.String,  # count | share | chf
    "value": pl.Float64,
    "previous": pl.Float64,
    "absolute": pl.Float64,
    "relative": pl.Float64,
    "numerator": pl.Int64,  # shares only: the counts behind the rate (small-count control)
    "denominator": pl.Int64,
}


@dataclass(frozen=True)
class _Figure:
    indicator: str
    dimensions: str
    unit: str
    current: Scalar
    baseline: Scalar


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _overlap_figures(episodes: pl.DataFrame, year: int, regions: Iterable[str] | None) -> dict[tuple[str, str], Scalar]:
    """Simultaneous follow-ups of one year: total, share of all beneficiaries, per institution."""
    result = overlap.overlap_summary(rows_of_year(episodes, year), year, regions=regions)
    figures: dict[tuple[str, str], Scalar] = {
        ("simultaneous_persons", ""): result.total_simultaneous,
        ("simultaneous_share_total", ""): Share(result.total_simultaneous, result.total_beneficiaries),
    }
    per_institution = {row["institution"]: row for row in result.per_institution.iter_rows(named=True)}
    for institution in INSTITUTIONS:
        row = per_institution.get(institution)
        figures[("simultaneous_share", f"institution={institution}")] = (
            Share(row["simultaneous"], row["beneficiaries"]) if row else None
        )
    return figures


def _figures_of_year(frames: Mapping[str, pl.DataFrame], year: int, regions: Iterable[str] | None) -> dict[tuple[str, str], Scalar]:
    regions = None if regions is None else list(regions)
    announced = frames["situations"]
    trainings = frames["trainings"]
    figures: dict[tuple[str, str], Scalar] = {
        ("situations_announced", ""): situations.situations_announced(announced, year, regions=regions),
        ("situations_announced", "public=adult"): situations.situations_announced(announced, year, regions=regions, public=["adult"]),
        ("situations_announced", "public=youth"): situations.situations_announced(announced, year, regions=regions, public=["youth"]),
    }
    figures |= _overlap_figures(frames["followups"], year, regions)
    figures[("training_participants", "")] = resources.training_participants(trainings, year)
    for language_region in ("valais_romand", "haut_valais"):
        figures[("training_participants", f"language_region={language_region}")] = resources.training_participants(
            trainings, year, language_regions=[language_region]
        )
    # The budget is canton-wide: no region filter applies to it.
    figures[("budget_chf", "")] = resources.budget_total(frames["budget"], year)
    return figures


_UNITS = {
    "situations_announced": "count",
    "simultaneous_persons": "count",
    "simultaneous_share_total": "share",
    "simultaneous_share": "share",
    "training_participants": "count",
    "budget_chf": "chf",
}


def year_in_brief(
    frames: Mapping[str, pl.DataFrame],
    year: int,
    previous_year: int | None,
    *,
    regions: Iterable[str] | None = None,
) -> pl.DataFrame:
    """The summary table of the annual report for `year` against `previous_year`.

    Rows, in the report's order: situations announced (all, adults, youth); persons followed
    simultaneously and their share of all beneficiaries; the share of each institution's
    beneficiaries followed simultaneously (DESIGN.md §3); training participants (all, Valais
    romand, Haut-Valais); structural costs in CHF. Each row has the value for the year, for the
    comparison year, the absolute change (for a share: the difference of shares) and the
    relative change, and for shares the counts behind the rate.

    Parameters
    ----------
    frames
        The loaded datasets by name (``situations``, ``followups``, ``trainings``, ``budget``),
        holding the uploads of both years; each query applies the year scope itself.
    year, previous_year
        The year shown and the comparison year (None: no comparison).
    regions
        Keep only these regions (None: all). The budget is canton-wide and ignores it.

    Examples
    --------
    >>> import datetime as dt
    >>> empty = pl.DataFrame(schema={"year": pl.Int64})
    >>> frames = {
    ...     "situations": pl.DataFrame({"year": [2025], "announced_on": [dt.date(2025, 3, 1)],
    ...         "public": ["adult"], "kind": ["complex"], "announcer": ["ORP"], "region": ["Sion"]}),
    ...     "followups": pl.DataFrame({"year": [2025, 2025], "person_id": ["a", "a"],
    ...         "institution": ["ORP", "CMS"], "region": ["Sion", "Sion"],
    ...         "start_date": [dt.date(2025, 1, 1)] * 2, "end_date": [None, None]},
    ...         schema_overrides={"end_date": pl.Date}),
    ...     "trainings": pl.DataFrame(schema={"year": pl.Int64, "date": pl.Date,
    ...         "language_region": pl.String, "kind": pl.String, "participants": pl.Int64}),
    ...     "budget": pl.DataFrame(schema={"upload_year": pl.Int64, "year": pl.Int64,
    ...         "category": pl.String, "amount_chf": pl.Decimal(14, 2)}),
    ... }
    >>> table = year_in_brief(frames, 2025, None)
    >>> table.filter(indicator="simultaneous_share", dimensions="institution=ORP")["value"].item()
    1.0

    One person followed by the ORP and the CMS at once: both institutions' shares are 100 %.
    """
    current = _figures_of_year(frames, year, regions)
    baseline = _figures_of_year(frames, previous_year, regions) if previous_year is not None else {}
    rows = []
    for (indicator, dimensions), value in current.items():
        changed: Change = change(value, baseline.get((indicator, dimensions)))
        rows.append(
            {
                "indicator": indicator,
                "dimensions": dimensions,
                "unit": _UNITS[indicator],
                "value": _float(changed.value),
                "previous": _float(changed.previous),
                "absolute": _float(changed.absolute),
                "relative": changed.relative,
                "numerator": value.numerator if isinstance(value, Share) else None,
                "denominator": value.denominator if isinstance(value, Share) else None,
            }
        )
    return pl.DataFrame(rows, schema=SUMMARY_SCHEMA)


def published_figures(published: pl.DataFrame, year: int) -> pl.DataFrame:
    """The figures a published report gives for `year`: ``indicator``, ``dimensions``, ``published``, ``note``.

    Uses the ``published`` uploads of every report (a later report may restate a year).
    When several uploads give the same figure, the latest upload wins.
    """
    if published.is_empty():
        return pl.DataFrame(schema={"indicator": pl.String, "dimensions": pl.String, "published": pl.Float64, "note": pl.String})
    return (
        published.filter(pl.col("year") == year)
        .sort("upload_id")
        .with_columns(pl.col("dimensions").fill_null(""))
        .group_by("indicator", "dimensions", maintain_order=True)
        .last()
        .select("indicator", "dimensions", pl.col("value").alias("published"), "note")
    )


def with_published(summary: pl.DataFrame, published: pl.DataFrame, year: int) -> pl.DataFrame:
    """Add the published figure of `year` and whether the computed one matches it.

    ``matches`` compares at the report's precision: shares in whole percent, amounts to the
    centime, counts exactly; ``difference`` is computed − published at that precision, null
    where the report gives no figure. The report is canton-wide: compare an unfiltered summary.
    """
    joined = summary.join(
        published_figures(published, year), on=["indicator", "dimensions"], how="left", maintain_order="left"
    )
    at_report_precision = (
        pl.when(pl.col("unit") == "count").then(pl.col("value").round(0)).otherwise(pl.col("value").round(2))
    )
    difference = (at_report_precision - pl.col("published")).round(6)
    return joined.with_columns(difference=difference, matches=difference.abs() < 1e-9)


def money(value: float | None) -> Decimal | None:
    """An amount of the summary as an exact Decimal to the centime (for formatting)."""
    return None if value is None else Decimal(str(round(value, 2))).quantize(Decimal("0.01"))
