"""The content of the home screen's KPI cards and tables, from the summary of the year.

Plain functions (no Streamlit): the page passes each :class:`KpiCard` field to ``st.metric``.

**Colour semantics.** A change is only "good" or "bad" where the CII's aim says so: more people
trained is good (:data:`HIGHER_IS_BETTER`). Every other figure is a change, not a success: more
situations announced can mean better detection or more hardship, more persons followed
simultaneously is more coordination work, not a result, and the budget is an allocation. Those
deltas are grey (``delta_color="off"``).

**Why the colour and the arrow are explicit.** ``st.metric`` reads the direction of a text delta
from a leading ``-``; the Swiss formatter writes the typographic minus (``−469``), which Streamlit
would take for an increase. The cards therefore pass ``delta_arrow`` and a named colour computed
here from the sign of the change as displayed (a change that rounds to 0 has no arrow).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

import polars as pl

from dashboard.charts import label as code_label
from dashboard.charts import unit_label
from dashboard.exports import ColumnFormat
from dashboard.formatting import Language, datetime_column, format_change, format_chf, format_count, format_percent
from dashboard.i18n import t
from queries.summary import money

HIGHER_IS_BETTER = frozenset({"training_participants"})
"""Indicators whose increase is good news (green); every other change is neutral (grey)."""

GROUPS = {
    "situations_announced": "situations",
    "simultaneous_persons": "overlaps",
    "simultaneous_share_total": "overlaps",
    "simultaneous_share": "shares",
    "training_participants": "trainings",
    "budget_chf": "budget",
}
"""The row of cards each indicator of the summary belongs to: one row each, under a heading
(``pages_main.kpi_group_<group>``). The shares' row names the institutions only, its heading
says what they are a share of: five full labels do not fit five narrow cards."""

# What a count counts, for the table's unit column.
_COUNTED = {
    "situations_announced": "situations",
    "simultaneous_persons": "persons",
    "training_participants": "participants",
}

DeltaColour = Literal["off", "green", "red"]
DeltaArrow = Literal["up", "down", "off"]


@dataclass(frozen=True)
class KpiCard:
    """One figure of the summary as a card: ``st.metric`` arguments and the report badge."""

    indicator: str
    dimensions: str
    group: str
    label: str
    value: str
    delta: str | None
    delta_color: DeltaColour
    delta_arrow: DeltaArrow
    delta_description: str | None
    chart_data: tuple[float, ...]
    help: str
    badge: str | None = None
    badge_colour: Literal["green", "orange"] | None = None


@dataclass(frozen=True, eq=False)  # eq=False: DataFrames do not compare with ==
class BriefTable:
    """The summary as a table: text as shown on screen, numbers for the downloads."""

    title: str
    shown: pl.DataFrame
    export: pl.DataFrame
    formats: Mapping[str, ColumnFormat] = field(default_factory=dict)


def indicator_label(indicator: str, dimensions: str, lang: Language = "fr") -> str:
    """The label of a figure of the summary (``simultaneous_share``, ``institution=ORP``).

    >>> indicator_label("situations_announced", "public=adult")
    'dont adultes'
    >>> indicator_label("budget_chf", "", "de")
    'Zugewiesene Strukturkosten der IIZ Wallis'
    """
    key = f"pages_main.kpi.{indicator}" + (f".{dimensions}" if dimensions else "")
    return t(key, lang)


def card_label(indicator: str, dimensions: str, lang: Language = "fr") -> str:
    """The label on a card: the institution alone in the shares' row, else :func:`indicator_label`.

    >>> card_label("simultaneous_share", "institution=ORP", "de")
    'RAV'
    >>> card_label("simultaneous_persons", "")
    'Personnes suivies simultanément'
    """
    if indicator == "simultaneous_share":
        return code_label("institution", dimensions.removeprefix("institution="), lang)
    return indicator_label(indicator, dimensions, lang)


def format_figure(value: float | None, unit: str, lang: Language = "fr") -> str:
    """A figure of the summary in the report's format; ``…`` when missing.

    >>> format_figure(6418.0, "count"), format_figure(0.24, "share"), format_figure(416406.9, "chf")
    ("6'418", '24 %', "Frs. 416'406.90")
    """
    if unit == "share":
        return format_percent(value, lang=lang)
    if unit == "chf":
        return format_chf(money(value), lang=lang)
    return format_count(None if value is None else round(value), lang)


def _absolute_text(absolute: float | None, unit: str, lang: Language) -> str:
    if unit == "share":
        return format_change(absolute, "points", lang=lang)
    if unit == "chf":
        return format_change(money(absolute), "chf", lang=lang)
    return format_change(absolute, "count", lang=lang)


def format_delta(
    absolute: float | None, relative: float | None, unit: str, lang: Language = "fr"
) -> str | None:
    """The change as a card shows it; None when it cannot be computed.

    Counts and amounts: absolute and relative change. Shares: the change in percentage points
    only (28 % → 24 % is −4 points; a relative "−14 %" beside a share is read as points).

    >>> format_delta(-469.0, -0.0681, "count"), format_delta(-0.04, -0.1429, "share")
    ('−469 (−7 %)', '−4 pp')
    >>> format_delta(-17799.8, -0.041, "chf", "de"), format_delta(5.0, None, "count")
    ("CHF −17'799.80 (−4 %)", '+5')
    """
    if absolute is None:
        return None
    text = _absolute_text(absolute, unit, lang)
    if unit != "share" and relative is not None:
        text += f" ({format_change(relative, 'percent', lang=lang)})"
    return text


def _displayed_sign(absolute: float, unit: str) -> int:
    """The sign of the change once rounded as displayed (whole points, counts, centimes)."""
    scale, places = {"share": (100, 0), "chf": (1, 2)}.get(unit, (1, 0))
    step = Decimal(1).scaleb(-places)
    rounded = (Decimal(str(absolute)) * scale).quantize(step, rounding=ROUND_HALF_UP)
    return (rounded > 0) - (rounded < 0)


def delta_style(
    indicator: str, absolute: float | None, unit: str
) -> tuple[DeltaColour, DeltaArrow]:
    """The colour and arrow of a change (see the module docstring).

    >>> delta_style("simultaneous_persons", -469.0, "count")
    ('off', 'down')
    >>> delta_style("training_participants", -3.0, "count")
    ('red', 'down')
    >>> delta_style("simultaneous_share", 0.004, "share")  # +0.4 points shows "0 pp"
    ('off', 'off')
    """
    if absolute is None:
        return "off", "off"
    sign = _displayed_sign(absolute, unit)
    arrow: DeltaArrow = {1: "up", -1: "down", 0: "off"}[sign]
    if sign == 0 or indicator not in HIGHER_IS_BETTER:
        return "off", arrow
    return ("green" if sign > 0 else "red"), arrow


def report_badge(
    row: Mapping[str, Any], lang: Language = "fr"
) -> tuple[str, Literal["green", "orange"]] | None:
    """"✓ Rapport 2025", or the published figure and the difference; None if none is published.

    `row` is a row of :func:`queries.home.compared_with_report` (``unit``, ``value``,
    ``published``, ``difference``, ``matches``, ``report_year``).

    >>> row = {"unit": "count", "value": 6184.0, "published": 6418.0, "difference": -234.0,
    ...        "matches": False, "report_year": 2025}
    >>> report_badge(row)
    ("Rapport 2025 : 6'418 (écart −234)", 'orange')
    >>> report_badge({**row, "value": 6418.0, "difference": 0.0, "matches": True}, "de")
    ('✓ Bericht 2025', 'green')
    """
    if row.get("published") is None:
        return None
    if row.get("matches"):
        return t("pages_main.kpi_badge_match", lang, report=row["report_year"]), "green"
    unit, difference = row["unit"], row.get("difference")
    text = t(
        "pages_main.kpi_badge_differs",
        lang,
        report=row["report_year"],
        published=format_figure(row["published"], unit, lang),
        difference=_absolute_text(difference, unit, lang),
    )
    return text, "orange"


def _help(values: Sequence[tuple[int, Any]], row: Mapping[str, Any], lang: Language) -> str:
    """The tooltip: the full label, the series in words (a sparkline is opaque to screen
    readers) and a share's counts."""
    parts = [indicator_label(row["indicator"], row["dimensions"], lang) + "."]
    known = [(year, value) for year, value in values if value is not None]
    if known:
        unit = row["unit"]
        points = [
            t("pages_main.kpi_help_point", lang, year=year, value=format_figure(value, unit, lang))
            for year, value in known
        ]
        series = t("charts.list_separator", lang).join(points)
        parts.append(t("pages_main.kpi_help_series", lang, values=series))
    if row["unit"] == "share" and row.get("denominator"):
        parts.append(
            t(
                "pages_main.kpi_help_share",
                lang,
                numerator=format_count(row["numerator"], lang),
                denominator=format_count(row["denominator"], lang),
            )
        )
    return " ".join(parts)


def kpi_cards(
    brief: pl.DataFrame,
    series: pl.DataFrame,
    lang: Language = "fr",
    *,
    year: int,
    previous_year: int | None,
    compared: pl.DataFrame | None = None,
) -> list[KpiCard]:
    """One card per figure of the summary, in the report's order.

    Parameters
    ----------
    brief
        :func:`queries.home.brief_of_year` (or :func:`queries.summary.year_in_brief`).
    series
        :func:`queries.home.brief_series`: the sparkline of each card, the years with a value
        up to `year` (a 2024 card does not end on 2025).
    lang
        ``fr`` or ``de``.
    year, previous_year
        The year shown and the comparison year (None: no comparison, no delta).
    compared
        :func:`queries.home.compared_with_report` of the brief: adds the report badge. None
        when a region filter is on (the report is canton-wide).

    Examples
    --------
    >>> brief = pl.DataFrame({"indicator": ["simultaneous_persons"], "dimensions": [""],
    ...     "unit": ["count"], "value": [6418.0], "previous": [6887.0], "absolute": [-469.0],
    ...     "relative": [-0.0681], "numerator": [None], "denominator": [None]})
    >>> series = pl.DataFrame({"indicator": ["simultaneous_persons"] * 2, "dimensions": [""] * 2,
    ...     "year": [2024, 2025], "value": [6887.0, 6418.0]})
    >>> card = kpi_cards(brief, series, year=2025, previous_year=2024)[0]
    >>> card.label, card.value, card.delta, card.delta_color, card.delta_arrow, card.chart_data
    ('Personnes suivies simultanément', "6'418", '−469 (−7 %)', 'off', 'down', (6887.0, 6418.0))
    """
    badges: dict[tuple[str, str], Mapping[str, Any]] = {}
    if compared is not None:
        badges = {
            (row["indicator"], row["dimensions"]): row
            for row in compared.iter_rows(named=True)
        }
    cards = []
    for row in brief.iter_rows(named=True):
        indicator, dimensions, unit = row["indicator"], row["dimensions"], row["unit"]
        points = series.filter(
            (pl.col("indicator") == indicator)
            & (pl.col("dimensions") == dimensions)
            & (pl.col("year") <= year)
        ).sort("year")
        values = list(points.select("year", "value").iter_rows())
        known = tuple(float(value) for _, value in values if value is not None)
        delta = None
        if previous_year is not None:
            delta = format_delta(row["absolute"], row["relative"], unit, lang)
        colour, arrow = delta_style(indicator, row["absolute"] if delta else None, unit)
        if previous_year is None:
            description = None
        elif delta is None:
            missing = format_figure(None, unit, lang)
            description = t(
                "pages_main.kpi_no_previous", lang, previous_year=previous_year, missing=missing
            )
        else:
            description = t("pages_main.kpi_compared_to", lang, previous_year=previous_year)
        published = badges.get((indicator, dimensions))
        badge = report_badge(published, lang) if published else None
        cards.append(
            KpiCard(
                indicator=indicator,
                dimensions=dimensions,
                group=GROUPS.get(indicator, "other"),
                label=card_label(indicator, dimensions, lang),
                value=format_figure(row["value"], unit, lang),
                delta=delta,
                delta_color=colour,
                delta_arrow=arrow,
                delta_description=description,
                chart_data=known if len(known) >= 2 else (),
                help=_help(values, row, lang),
                badge=badge[0] if badge else None,
                badge_colour=badge[1] if badge else None,
            )
        )
    return cards


def card_rows(cards: Sequence[KpiCard], lang: Language = "fr") -> list[tuple[str, list[KpiCard]]]:
    """The cards in rows with their headings, one row per :data:`GROUPS` value, in the cards' order.

    >>> cards = [KpiCard("a", "", "shares", "", "", None, "off", "off", None, (), ""),
    ...          KpiCard("b", "", "budget", "", "", None, "off", "off", None, (), ""),
    ...          KpiCard("c", "", "shares", "", "", None, "off", "off", None, (), "")]
    >>> [(heading, [card.indicator for card in row]) for heading, row in card_rows(cards)]
    [('Part des bénéficiaires suivis simultanément, par dispositif', ['a', 'c']), ('Moyens', ['b'])]
    """
    rows: dict[str, list[KpiCard]] = {}
    for card in cards:
        rows.setdefault(card.group, []).append(card)
    return [(t(f"pages_main.kpi_group_{group}", lang), row) for group, row in rows.items()]


def brief_table(
    brief: pl.DataFrame,
    lang: Language = "fr",
    *,
    year: int,
    previous_year: int | None,
    compared: pl.DataFrame | None = None,
) -> BriefTable:
    """The summary as a table: one row per figure, the year, the comparison year, the changes.

    The export holds numbers (shares in percent, their change in points, the relative change as
    a 0..1 share) with a unit column; the shown table holds the same as formatted text. With
    `compared`, both add the published figure and the difference.

    >>> brief = pl.DataFrame({"indicator": ["simultaneous_share"],
    ...     "dimensions": ["institution=ORP"], "unit": ["share"], "value": [0.24],
    ...     "previous": [0.28], "absolute": [-0.04], "relative": [-0.142857],
    ...     "numerator": [5520], "denominator": [23000]})
    >>> table = brief_table(brief, year=2025, previous_year=2024)
    >>> table.shown.row(0)
    ('Part des bénéficiaires des ORP suivis simultanément', '24 %', '28 %', '−4 pp')
    >>> table.export.row(0)
    ('Part des bénéficiaires des ORP suivis simultanément', 'Part (%)', 24.0, 28.0, -4.0, -0.142857)
    """
    header = {
        "indicator": t("pages_main.table_indicator", lang),
        "unit": t("pages_main.table_unit", lang),
        "value": str(year),
        "previous": str(previous_year),
        "absolute": t("pages_main.table_change", lang),
        "relative": t("pages_main.table_relative_change", lang),
        "published": t("pages_main.table_published", lang),
        "difference": t("pages_main.table_difference", lang),
    }
    rows = brief.to_dicts()
    if compared is not None:
        rows = compared.to_dicts()
    comparing = previous_year is not None
    with_report = compared is not None

    def number(value: float | None, unit: str) -> float | None:
        # Shares in percent (points for their change); rounding drops the float noise of * 100.
        return None if value is None else round(value * 100, 9) if unit == "share" else value

    shown: dict[str, list[Any]] = {header["indicator"]: [], header["value"]: []}
    export: dict[str, list[Any]] = {
        name: [] for name in (header["indicator"], header["unit"], header["value"])
    }
    if comparing:
        for name in ("previous", "absolute"):
            shown[header[name]] = []
        for name in ("previous", "absolute", "relative"):
            export[header[name]] = []
    if with_report:
        shown[header["published"]] = []
        export[header["published"]] = []
        export[header["difference"]] = []
    for row in rows:
        unit = row["unit"]
        name = indicator_label(row["indicator"], row["dimensions"], lang)
        shown[header["indicator"]].append(name)
        shown[header["value"]].append(format_figure(row["value"], unit, lang))
        export[header["indicator"]].append(name)
        counted = _COUNTED.get(row["indicator"], unit if unit != "count" else "persons")
        export[header["unit"]].append(unit_label(counted, lang))
        export[header["value"]].append(number(row["value"], unit))
        if comparing:
            shown[header["previous"]].append(format_figure(row["previous"], unit, lang))
            change = format_delta(row["absolute"], row["relative"], unit, lang)
            shown[header["absolute"]].append(change or format_figure(None, unit, lang))
            export[header["previous"]].append(number(row["previous"], unit))
            export[header["absolute"]].append(number(row["absolute"], unit))
            export[header["relative"]].append(row["relative"])
        if with_report:
            badge = report_badge(row, lang)
            shown[header["published"]].append(badge[0] if badge else "")
            export[header["published"]].append(number(row.get("published"), unit))
            export[header["difference"]].append(number(row.get("difference"), unit))
    numbers = ("value", "previous", "absolute", "published", "difference")
    numeric = [header[name] for name in numbers if header[name] in export]
    floats = {*numeric, header["relative"]}
    schema = {name: pl.Float64 if name in floats else pl.String for name in export}
    export_frame = pl.DataFrame(export, schema=schema)
    formats: dict[str, ColumnFormat] = {name: "number" for name in numeric}
    if comparing:
        formats[header["relative"]] = "percent"
    title = (
        t("pages_main.table_title", lang, year=year, previous_year=previous_year)
        if comparing
        else t("pages_main.table_title_single", lang, year=year)
    )
    shown_frame = pl.DataFrame(shown, schema=dict.fromkeys(shown, pl.String))
    return BriefTable(title, shown_frame, export_frame, formats)


def freshness_table(freshness: pl.DataFrame, lang: Language = "fr") -> pl.DataFrame:
    """:func:`queries.home.data_freshness` with translated headers and dataset names, Swiss dates.

    The upload time is shown in Swiss local time (``dd.mm.yyyy hh:mm``).

    >>> import datetime as dt
    >>> freshness = pl.DataFrame({"dataset": ["followups"], "year": [2025], "sources": ["ORP"],
    ...     "files": [1], "rows": [23597], "last_file": ["orp.parquet"],
    ...     "last_upload": [dt.datetime(2026, 1, 5, 8, 30, tzinfo=dt.timezone.utc)]})
    >>> freshness_table(freshness).row(0)
    ('Suivis', '2025', 'ORP', 1, "23'597", '05.01.2026 09:30', 'orp.parquet')
    """
    codes = freshness.get_column("dataset").unique().to_list()
    names = {code: t(f"pages_main.dataset.{code}", lang) for code in codes}
    rows = [format_count(value, lang) for value in freshness.get_column("rows").to_list()]
    return freshness.select(
        pl.col("dataset")
        .replace_strict(names, return_dtype=pl.String)
        .alias(t("pages_main.freshness_dataset", lang)),
        pl.col("year").cast(pl.String).alias(t("pages_main.freshness_year", lang)),
        pl.col("sources").alias(t("pages_main.freshness_sources", lang)),
        pl.col("files").alias(t("pages_main.freshness_files", lang)),
        pl.Series(t("pages_main.freshness_rows", lang), rows, dtype=pl.String),
        datetime_column("last_upload", lang).alias(t("pages_main.freshness_last_upload", lang)),
        pl.col("last_file").alias(t("pages_main.freshness_last_file", lang)),
    )


def quality_warnings(
    checks: pl.DataFrame, missed: pl.DataFrame | None, lang: Language = "fr", *, year: int
) -> list[str]:
    """The data-quality warnings of the year, as sentences.

    Parameters
    ----------
    checks
        :func:`queries.home.youth_consistency`: the report's own contradictions, computed.
    missed
        :func:`queries.home.unreproduced`: published figures the data do not reproduce (None
        with a region filter: the report is canton-wide).

    >>> checks = pl.DataFrame({"check": ["youth_vs_t1"], "value": [215], "reference": [727]})
    >>> print(quality_warnings(checks, None, year=2025)[0][:62])
    2025 — situations jeunes annoncées au bureau CII : 215 ; situa
    """
    sentences = [
        t(
            f"pages_main.quality_{check['check']}",
            lang,
            year=year,
            value=format_count(check["value"], lang),
            reference=format_count(check["reference"], lang),
        )
        for check in checks.iter_rows(named=True)
    ]
    for row in (missed if missed is not None else pl.DataFrame()).iter_rows(named=True):
        badge = report_badge({**row, "matches": False}, lang)
        sentences.append(
            t(
                "pages_main.quality_unreproduced",
                lang,
                label=indicator_label(row["indicator"], row["dimensions"], lang),
                value=format_figure(row["value"], row["unit"], lang),
                report=badge[0] if badge else "",
            )
        )
    return sentences
