"""Builders the screens Coaching, CII Jeunes, CII complexe, Réseau and Formations need beyond
:mod:`dashboard.charts`: KPI cards with their published check, report-style tables, grouped
bars, a trend whose published points are told apart, and the notes that go under them.

They follow the conventions of :mod:`dashboard.charts` (Swiss numbers, colour-blind-safe
colours, no font colour, a ChartSpec with title, summary, table, source and footnotes; no
Streamlit) and reuse its axis and layout helpers, private there: they should become public if
this module stays separate.

Tables are drawn as plotly tables so that they go through ``components.chart`` like any chart
(title, summary, footnotes, source, "show as table", CSV/XLSX downloads): the plotly table shows
the report's formatting (``83.4 %``), the ChartSpec's table keeps the plain numbers for export.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import plotly.graph_objects as go
import polars as pl

from dashboard.charts import (
    CATEGORY_COLOURS,
    NEUTRAL,
    ChartEvent,
    ChartSpec,
    Unit,
    _category_axis,
    _change,
    _colour,
    _layout,
    _value_axis,
    column_label,
    format_value,
    label,
    trend_line,
    unit_label,
)
from dashboard.exports import ColumnFormat
from dashboard.formatting import (
    Language,
    format_change,
    format_count,
    format_number,
    format_percent,
)
from dashboard.i18n import t
from queries.compare import Share
from queries.filters import TOTAL
from queries.screens import matches_published, published_decimals, zero_categories

Scalar = int | float | Decimal | Share | None
Arrow = Literal["up", "down", "off"]

_HOVER = "%{hovertext}<extra></extra>"
_HEADER_FILL = "rgba(140,140,140,0.18)"  # readable under light and dark theme text alike
_CELL_FILL = "rgba(0,0,0,0)"
_ROW_PIXELS = 30


def _listed(items: Sequence[str], lang: Language) -> str:
    return t("charts.list_separator", lang).join(items)


# --- KPI cards ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """A KPI card: ``st.metric(label, value, delta, delta_arrow=arrow, help=help)``, then `note`.

    `note` says whether the value matches the published report ("✓ Rapport 2025") or gives the
    published value; None when the report has no such figure.
    """

    label: str
    value: str
    delta: str | None = None
    arrow: Arrow = "off"
    help: str | None = None
    note: str | None = None


def _number(value: Scalar) -> int | float | Decimal | None:
    return value.value if isinstance(value, Share) else value


def format_published(published: float | None, unit: Unit, lang: Language) -> str:
    """A published figure as the report printed it (a share with its own decimals).

    >>> format_published(0.095, "share", "fr"), format_published(0.16, "share", "fr")
    ('9.5 %', '16 %')
    >>> format_published(727.0, "situations", "fr")
    '727'
    """
    if unit == "share" and published is not None:
        return format_percent(published, decimals=published_decimals(published), lang=lang)
    return format_value(published, unit, lang)


def published_note(
    value: Scalar, published: float | None, unit: Unit, lang: Language, *, year: int
) -> str | None:
    """"✓ Rapport 2025" when `value` matches the published figure, else "Rapport 2025 : 83.3 %".

    None when the report gives no figure (`published` None) or nothing was computed.

    >>> published_note(Share(9, 27), 0.33, "share", "fr", year=2025)
    '✓ Rapport 2025'
    >>> published_note(606 / 727, 0.833, "share", "de", year=2025)
    'Bericht 2025: 83.3 %'
    """
    kind = "share" if unit == "share" else "chf" if unit == "chf" else "count"
    matches = matches_published(_number(value), published, kind)
    if matches is None:
        return None
    if matches:
        return t("pages_more.published_match", lang, year=year)
    shown = format_published(published, unit, lang)
    return t("pages_more.published_differs", lang, year=year, value=shown)


def metric(
    name: str,
    current: Scalar,
    previous: Scalar,
    unit: Unit,
    lang: Language,
    *,
    year: int,
    previous_year: int | None = None,
    published: float | None = None,
) -> Metric:
    """A KPI card: the value of `year`, its change since `previous_year`, its published check.

    A :class:`~queries.compare.Share` shows its counts in the card's help ("9 sur 27"). The
    change of a share is in points (``−19 pp``). The arrow follows the sign, given explicitly
    because ``st.metric`` does not read the typographic minus; the pages never colour it: more
    is not "good" (DESIGN.md: a change is a change).

    >>> card = metric("Taux", Share(9, 27), Share(13, 25), "share", "fr", year=2025,
    ...               previous_year=2024, published=0.33)
    >>> card.value, card.delta, card.arrow, card.help, card.note
    ('33 %', '−19 pp par rapport à 2024', 'down', '9 sur 27', '✓ Rapport 2025')
    """
    value, before = _number(current), _number(previous)
    delta, arrow = None, "off"
    if previous_year is not None and value is not None and before is not None:
        change = _change(value, before, unit, lang)
        delta = t("pages_more.metric_delta", lang, change=change, previous_year=previous_year)
        arrow = "up" if value > before else "down" if value < before else "off"
    counts = None
    if isinstance(current, Share):
        counts = t(
            "pages_more.metric_share_counts",
            lang,
            numerator=format_count(current.numerator, lang),
            denominator=format_count(current.denominator, lang),
        )
    note = None if published is None else published_note(current, published, unit, lang, year=year)
    return Metric(name, format_value(value, unit, lang), delta, arrow, counts, note)


# --- notes ----------------------------------------------------------------------------------


def points_note(
    published: float | None, computed: float | None, lang: Language, *, year: int
) -> str | None:
    """The note under a rate's trend: the report writes a change of rate in "%", it means points.

    The 2025 report says the reinsertion rate "a diminué de 19 %": from 52 % to 33 %, i.e. 19
    percentage points, not 19 % of 52 %. None when the report gives no change for `year`.

    >>> print(points_note(-0.19, -14 / 75, "fr", year=2025))  # doctest: +NORMALIZE_WHITESPACE
    Le rapport 2025 donne une variation de « 19 % » par rapport à l'année précédente : ce sont
    des points de pourcentage (−19 pp), pas un pourcentage du taux. Calculé ici : −19 pp.
    """
    if published is None:
        return None
    points = format_number(abs(published) * 100, published_decimals(abs(published) or 1.0), lang)
    return t(
        "pages_more.coaching_points_note",
        lang,
        year=year,
        points=points,
        published=format_change(published, "points", lang=lang),
        computed=format_change(computed, "points", lang=lang),
    )


def youth_quality_note(
    youth: float | None, t1: float | None, lang: Language, *, year: int | None
) -> str | None:
    """The report's two youth figures side by side when they differ (215 announced, 727 at T1).

    >>> print(youth_quality_note(215.0, 727.0, "fr", year=2025)[:60])
    Rapport 2025 : le résumé compte les situations jeunes annonc
    >>> youth_quality_note(727.0, 727.0, "fr", year=2025) is None
    True
    """
    if youth is None or t1 is None or youth == t1:
        return None
    return t(
        "pages_more.youth_quality_note",
        lang,
        year=year,
        youth=format_count(round(youth), lang),
        t1=format_count(round(t1), lang),
    )


def unused_note(
    frame: pl.DataFrame, category: str, value: str, lang: Language, *, year: int
) -> tuple[str, ...]:
    """A note naming the categories at 0 ("no request for CM CII and medical mandates in 2025").

    >>> frame = pl.DataFrame({"service": ["tro", "cm_cii", "total"], "services": [23, 0, 23]})
    >>> unused_note(frame, "service", "services", "fr", year=2025)
    ('Aucune prestation en 2025 pour : Case management CII.',)
    """
    unused = zero_categories(frame, category, value)
    if not unused:
        return ()
    names = ", ".join(label(category, code, lang) for code in unused)
    return (t("pages_more.unused_note", lang, year=year, items=names),)


def published_counts_note(
    checked: pl.DataFrame, category: str, value: str, lang: Language, *, year: int
) -> tuple[str, ...]:
    """The published check of a count table: "✓ Rapport 2025 : TRO, ..." and the differences.

    `checked` is :func:`queries.screens.with_published_counts` of a table whose `category`
    codes have labels of that kind (``service``, ``announcer``); `value` is its count column.

    >>> checked = pl.DataFrame({"service": ["tro", "cm_cii"], "services": [23, 1],
    ...     "published": [23, 0], "matches": [True, False]})
    >>> for note in published_counts_note(checked, "service", "services", "fr", year=2025):
    ...     print(note)
    ✓ Rapport 2025 : TRO (table ronde).
    Rapport 2025, différences : Case management CII 0 (calculé : 1).
    """
    compared = checked.filter(pl.col("matches").is_not_null())
    notes = []
    same = [label(category, code, lang) for code in compared.filter("matches")[category]]
    if same:
        notes.append(t("pages_more.published_counts_match", lang, year=year, items=", ".join(same)))
    differences = [
        t(
            "pages_more.published_count_item",
            lang,
            label=label(category, code, lang),
            published=format_count(report, lang),
            computed=format_count(count, lang),
        )
        for code, count, report in compared.filter(~pl.col("matches"))
        .select(category, value, "published")
        .iter_rows()
    ]
    if differences:
        items = _listed(differences, lang)
        notes.append(t("pages_more.published_counts_differ", lang, year=year, items=items))
    return tuple(notes)


# --- report-style tables --------------------------------------------------------------------


def _no_data(title: str, source: str, lang: Language, footnotes: Sequence[str] = ()) -> ChartSpec:
    summary = t("charts.no_data", lang)
    return ChartSpec(None, title, summary, pl.DataFrame(), source, tuple(footnotes))


def _table_figure(
    headers: Sequence[str],
    columns: Sequence[Sequence[str]],
    aligns: Sequence[str],
    *,
    first: float = 3,
) -> go.Figure:
    """A plotly table of formatted texts, its last (total) row in bold; no font colour set.

    `first` is the width of the first (label) column relative to the others."""
    rows = len(columns[0]) if columns else 0
    cells = [
        [f"<b>{text}</b>" if row == rows - 1 else text for row, text in enumerate(column)]
        for column in columns
    ]
    line = {"color": NEUTRAL, "width": 1}
    figure = go.Figure(
        go.Table(
            header={
                "values": [f"<b>{header}</b>" for header in headers],
                "align": list(aligns),
                "fill": {"color": _HEADER_FILL},
                "line": line,
                "font": {"size": 11},  # long German headers fit a narrow column
            },
            cells={
                "values": cells,
                "align": list(aligns),
                "fill": {"color": _CELL_FILL},
                "line": line,
                "height": _ROW_PIXELS - 4,
            },
            columnwidth=[first] + [1] * (len(headers) - 1),
        )
    )
    _layout(figure, height=_ROW_PIXELS * (rows + 1) + 30)
    return figure


def _report_cells(
    table: pl.DataFrame, names: Sequence[str], lang: Language
) -> tuple[list[str], list[str]]:
    """The "Rapport <year>" column of a provenance table, and the notes on its differences."""
    cells, differences = [], []
    columns = ("situations", "share", "published_situations", "published_share", "matches")
    for name, row in zip(names, table.select(columns).iter_rows(), strict=True):
        count, share, published_count, published_share, matches = row
        if matches is None or matches:
            cells.append("" if matches is None else "✓")
            continue
        printed = ""
        if published_share is not None:
            printed = format_published(published_share, "share", lang)
        if published_count is not None and published_count != count:
            count_text = format_count(published_count, lang)
            printed = f"{count_text} ({printed})" if printed else count_text
        cells.append(printed)
        decimals = 0 if published_share is None else published_decimals(published_share)
        computed = format_percent(share, decimals, lang)
        differences.append(
            t("pages_more.published_item", lang, label=name, published=printed, computed=computed)
        )
    return cells, differences


def provenance_table(
    table: pl.DataFrame,
    lang: Language,
    *,
    year: int,
    column: Literal["provenance", "provenance_institution"],
    source: str | None = None,
    footnotes: Sequence[str] = (),
) -> ChartSpec:
    """One of the two provenance tables of the report's section 5, with the published figures.

    Parameters
    ----------
    table
        :func:`queries.screens.with_published_shares` of :func:`queries.youth.t1_provenance` or
        :func:`queries.youth.t1_institutional_provenance`.
    lang
        ``fr`` or ``de``.
    year
        The year shown.
    column
        ``provenance`` (first table) or ``provenance_institution`` (second table).
    source, footnotes
        Replace the default source line (the Plateforme T1); add notes.

    Returns
    -------
    ChartSpec
        A plotly table: category, count, share with one decimal like the report (``83.4 %``)
        and, when the report gives figures for the year, a column "Rapport <year>": ``✓`` where
        the report agrees at its own precision, else the published figure. A footnote names the
        differences (the report rounds some shares by hand so that they add up to 100 %).
    """
    title = t(f"pages_more.youth_{column}_table_title", lang, year=year)
    source = source or t("charts.source_t1", lang)
    total = table.filter(pl.col(column) == TOTAL).get_column("situations").sum()
    if table.is_empty() or not total:
        return _no_data(title, source, lang, footnotes)
    names = [label(column, code, lang) for code in table.get_column(column).to_list()]
    counts, shares = table.get_column("situations").to_list(), table.get_column("share").to_list()
    count_header, share_header = unit_label("situations", lang), column_label("share", lang)
    headers = [column_label(column, lang), count_header, share_header]
    texts = [
        names,
        [format_count(count, lang) for count in counts],
        [format_percent(share, 1, lang) for share in shares],
    ]
    export = {headers[0]: names, count_header: counts, share_header: shares}
    formats: dict[str, ColumnFormat] = {count_header: "count", share_header: "percent"}
    notes = list(footnotes)
    if table.get_column("matches").is_not_null().any():
        report, differences = _report_cells(table, names, lang)
        headers.append(t("pages_more.published_column", lang, year=year))
        texts.append(report)
        published_header = t("pages_more.published_share_column", lang, year=year)
        export[published_header] = table.get_column("published_share").to_list()
        formats[published_header] = "percent"
        if differences:
            items = _listed(differences, lang)
            notes.insert(0, t("pages_more.published_rounding_note", lang, year=year, items=items))
    figure = _table_figure(headers, texts, ["left", "right", "right", "right"][: len(headers)])

    rows = table.filter(pl.col(column) != TOTAL)
    top = rows.sort("situations", descending=True, maintain_order=True)
    code, count, share = top.select(column, "situations", "share").row(0)
    summary = t(
        "pages_more.youth_table_summary",
        lang,
        label=label(column, code, lang),
        count=format_count(count, lang),
        total=format_count(total, lang),
        share=format_percent(share, 1, lang),
    )
    types = {count_header: pl.Int64, share_header: pl.Float64}
    shown = pl.DataFrame(export, schema_overrides=types)
    return ChartSpec(figure, title, summary, shown, source, tuple(notes), count_header, formats)


_MODALITY_COLUMNS = {
    "opened": ("pages_more.column_opened", "count"),
    "closed": ("pages_more.column_closed", "count"),
    "employment": ("pages_more.column_employment", "count"),
    "reinsertion_rate": ("pages_more.column_rate", "percent"),
    "median_days": ("pages_more.column_median_days", "number"),
    "mean_days": ("pages_more.column_mean_days", "number"),
}


def modality_table(
    overview: pl.DataFrame,
    lang: Language,
    *,
    year: int,
    source: str | None = None,
    footnotes: Sequence[str] = (),
) -> ChartSpec:
    """Coaching cases per modality: opened, closed, in employment, reinsertion rate, durations.

    Parameters
    ----------
    overview
        :func:`queries.screens.modality_overview` (one row per modality, then ``total``).
    lang
        ``fr`` or ``de``.
    year
        The year shown.
    source, footnotes
        Replace the default source line; add notes.
    """
    title = t("pages_more.coaching_modality_title", lang, year=year)
    source = source or t("pages_more.source_coaching", lang)
    total = overview.filter(pl.col("modality") == TOTAL)
    if total.is_empty() or not (total.item(0, "opened") or total.item(0, "closed")):
        return _no_data(title, source, lang, footnotes)
    names = [label("modality", code, lang) for code in overview.get_column("modality").to_list()]
    headers = {name: t(key, lang) for name, (key, _) in _MODALITY_COLUMNS.items()}
    texts = [names]
    for name, (_, kind) in _MODALITY_COLUMNS.items():
        values = overview.get_column(name).to_list()
        if kind == "percent":
            texts.append([format_percent(value, lang=lang) for value in values])
        else:
            texts.append([format_number(value, 0, lang) for value in values])
    first = column_label("modality", lang)
    aligns = ["left"] + ["right"] * len(headers)
    figure = _table_figure([first, *headers.values()], texts, aligns, first=1.2)
    row = total.row(0, named=True)
    summary = t(
        "pages_more.coaching_modality_summary",
        lang,
        year=year,
        closed=format_count(row["closed"], lang),
        employment=format_count(row["employment"], lang),
        rate=format_percent(row["reinsertion_rate"], lang=lang),
        median=format_number(row["median_days"], 0, lang),
    )
    shown = overview.select(
        pl.Series(first, names, dtype=pl.String),
        *(pl.col(name).alias(header) for name, header in headers.items()),
    )
    formats: dict[str, ColumnFormat] = {
        headers[name]: kind for name, (_, kind) in _MODALITY_COLUMNS.items()
    }
    unit = unit_label("cases", lang)
    return ChartSpec(figure, title, summary, shown, source, tuple(footnotes), unit, formats)


# --- grouped bars ---------------------------------------------------------------------------


def grouped_bars(
    frame: pl.DataFrame,
    category: str,
    series: Mapping[str, str],
    lang: Language,
    *,
    unit: Unit,
    title_key: str,
    title_params: Mapping[str, object] | None = None,
    kind: str | None = None,
    stacked: bool = False,
    series_colours: Mapping[str, str] | None = None,
    extra: Mapping[str, tuple[str, ColumnFormat]] | None = None,
    source: str | None = None,
    footnotes: Sequence[str] = (),
) -> ChartSpec:
    """Horizontal bars of several values per category, grouped or stacked, in the frame's order.

    Parameters
    ----------
    frame
        A query result: a `category` column (codes, the ``total`` row last if any) and one
        column per series.
    category
        The category column; also names the table header (``charts.column.<category>``).
    series
        ``{column: legend name}``, in drawing order (e.g. ``{"opened": "Cas ouverts", ...}``).
    lang
        ``fr`` or ``de``.
    unit
        What the values count.
    title_key, title_params
        Catalogue key of the title and its placeholders.
    kind
        Kind of the category codes for their labels (``region``); None shows them as they are.
    stacked
        Stack the series (parts of one whole, e.g. language regions) instead of grouping them.
    series_colours
        ``{column: colour}``; by default the Okabe–Ito colours in order.
    extra
        More columns for the table only: ``{column: (header, format)}``.
    source, footnotes
        The source line (the Bureau CII by default); notes to add.

    Returns
    -------
    ChartSpec
        A bar's ``customdata`` is ``[category code, series column]``. The ``total`` row is not
        drawn; it gives the summary and stays in the table.
    """
    title = t(title_key, lang, **(title_params or {}))
    source = source or t("charts.source_cii", lang)
    rows = frame.filter(pl.col(category).is_null() | (pl.col(category) != TOTAL))
    columns = list(series)
    if rows.is_empty() or not rows.select(pl.sum_horizontal(columns).sum()).item():
        return _no_data(title, source, lang, footnotes)
    codes = rows.get_column(category).to_list()
    names = [label(kind, code, lang) for code in codes]
    figure = go.Figure()
    for position, column in enumerate(columns):
        values = rows.get_column(column).to_list()
        texts = [format_value(value, unit, lang, short=True) for value in values]
        default = CATEGORY_COLOURS[position % len(CATEGORY_COLOURS)]
        colour = (series_colours or {}).get(column, default)
        hovers = [
            t("charts.hover_value", lang, label=f"{name}, {series[column]}", value=text)
            for name, text in zip(names, (format_value(value, unit, lang) for value in values))
        ]
        figure.add_trace(
            go.Bar(
                name=series[column],
                x=[float(value) if isinstance(value, Decimal) else value for value in values],
                y=names,
                orientation="h",
                # An empty stacked segment has no room for its "0".
                text=[text if value or not stacked else "" for text, value in zip(texts, values)],
                textposition="inside" if stacked else "outside",
                cliponaxis=False,
                marker={"color": colour},
                hovertext=hovers,
                hovertemplate=_HOVER,
                customdata=[[code, column] for code in codes],
                unselected={"marker": {"opacity": 0.35}},
            )
        )
    length = pl.sum_horizontal(columns) if stacked else pl.max_horizontal(columns)
    longest = rows.select(length).to_series().max()
    figure.update_xaxes(_value_axis(float(longest or 0), unit, lang))
    figure.update_yaxes(_category_axis(names, autorange="reversed", title={"text": ""}))
    _layout(figure, height=110 + (44 if stacked else 30 * len(columns)) * len(names), legend=True)
    # Legend in drawing order (plotly reverses it for stacked bars).
    figure.update_layout(barmode="stack" if stacked else "group", legend={"traceorder": "normal"})

    totals = frame.filter(pl.col(category) == TOTAL)
    total_row = totals if totals.height else rows.select(pl.col(columns).sum())
    values = total_row.select(columns).row(0)
    parts = _listed(
        [
            t("charts.hover_value", lang, label=series[name], value=format_value(value, unit, lang))
            for name, value in zip(columns, values, strict=True)
        ],
        lang,
    )
    summary = t("pages_more.grouped_summary", lang, parts=parts)
    categories = [label(kind, code, lang) for code in frame.get_column(category).to_list()]
    table = frame.select(
        pl.Series(column_label(category, lang), categories, dtype=pl.String),
        *(pl.col(column).alias(series[column]) for column in columns),
        *(pl.col(column).alias(name) for column, (name, _) in (extra or {}).items()),
    )
    value_format: ColumnFormat = {"chf": "chf", "share": "percent"}.get(unit, "count")
    formats: dict[str, ColumnFormat] = dict.fromkeys(series.values(), value_format)
    formats |= dict((extra or {}).values())
    notes = tuple(footnotes)
    return ChartSpec(figure, title, summary, table, source, notes, unit_label(unit, lang), formats)


def coaching_regions(activity: pl.DataFrame, lang: Language, *, year: int) -> ChartSpec:
    """Coaching cases opened and closed per region; employment and rate in the table.

    `activity` is :func:`queries.coaching.coaching_activity` by region.
    """
    series = {
        "opened": t("pages_more.column_opened", lang),
        "closed": t("pages_more.column_closed", lang),
    }
    extra: dict[str, tuple[str, ColumnFormat]] = {
        "employment": (t("pages_more.column_employment", lang), "count"),
        "reinsertion_rate": (t("pages_more.column_rate", lang), "percent"),
    }
    return grouped_bars(
        activity,
        "region",
        series,
        lang,
        unit="cases",
        kind="region",
        extra=extra,
        title_key="pages_more.coaching_regions_title",
        title_params={"year": year},
        source=t("pages_more.source_coaching", lang),
    )


def trainings_by_kind(frame: pl.DataFrame, lang: Language, *, year: int) -> ChartSpec:
    """Training participants per kind of training, stacked by language region.

    `frame` is :func:`queries.resources.training_participants_by_kind` (``kind``, ``sessions``,
    ``valais_romand``, ``haut_valais``, ``total``); the sessions and totals are in the table.
    """
    regions = [code for code in ("valais_romand", "haut_valais") if code in frame.columns]
    extra: dict[str, tuple[str, ColumnFormat]] = {
        "sessions": (unit_label("sessions", lang), "count"),
        TOTAL: (t("charts.total", lang), "count"),
    }
    return grouped_bars(
        frame,
        "kind",
        {code: label("language_region", code, lang) for code in regions},
        lang,
        unit="participants",
        stacked=True,
        series_colours={code: _colour("language_region", code) for code in regions},
        extra=extra,
        title_key="pages_more.resources_trainings_title",
        title_params={"year": year},
    )


# --- a trend with published points ----------------------------------------------------------


def trend_with_origin(
    frame: pl.DataFrame,
    lang: Language,
    title_key: str,
    unit: Unit,
    events: Sequence[ChartEvent] = (),
    *,
    y: str,
    origin: str = "origin",
    title_params: Mapping[str, object] | None = None,
    source: str | None = None,
    footnotes: Sequence[str] = (),
) -> ChartSpec:
    """:func:`dashboard.charts.trend_line` whose published points are open circles, said so.

    Parameters
    ----------
    frame
        One row per year: ``year``, `y` and `origin` (``data`` for a figure computed from the
        record-level data, ``published`` for one taken from a published report), e.g.
        :func:`queries.network.protected_persons_series`.
    lang, title_key, unit, events, title_params, source, footnotes
        As for :func:`dashboard.charts.trend_line`.
    y, origin
        Column names.

    Returns
    -------
    ChartSpec
        The trend line; published points drawn as open circles with "(chiffre publié)" in their
        hover text, an "Origine du chiffre" column in the table, and a footnote naming the
        published years.
    """
    data = frame.sort("year")
    spec = trend_line(
        data.select("year", y), lang, title_key, unit, events,
        y=y, title_params=title_params, source=source, footnotes=footnotes,
    )
    if spec.figure is None:
        return spec
    origins = data.get_column(origin).to_list()
    years = data.get_column("year").to_list()
    published = [str(at) for at, code in zip(years, origins, strict=True) if code == "published"]
    trace = spec.figure.data[0]
    trace.marker.symbol = ["circle-open" if code == "published" else "circle" for code in origins]
    trace.marker.line = {"width": 2, "color": trace.line.color}
    suffix = t("pages_more.origin_published_hover", lang)
    trace.hovertext = [
        text + (suffix if code == "published" else "")
        for text, code in zip(trace.hovertext, origins, strict=True)
    ]
    origin_texts = [t(f"pages_more.origin_{code}", lang) for code in origins]
    column = pl.Series(t("pages_more.origin_column", lang), origin_texts, dtype=pl.String)
    table = spec.table.with_columns(column)
    notes = spec.footnotes
    if published:
        notes = (t("pages_more.origin_note", lang, years=", ".join(published)), *notes)
    return dataclasses.replace(spec, table=table, footnotes=notes)


# --- selection ------------------------------------------------------------------------------


def cell_description(codes: Sequence[str | None], lang: Language) -> str:
    """The clicked cell of the region × announcer table in words: ``CMS, Sion``; totals as such.

    >>> cell_description(["CMS", None], "de"), cell_description([None, "Sion"], "de")
    ('SMZ, Wallis', 'Gesamt, Sitten')
    """
    announcer, region = (list(codes) + [None, None])[:2]
    first = label("announcer", announcer, lang) if announcer else t("charts.total", lang)
    second = label("region", region, lang) if region else t("charts.canton_total", lang)
    return f"{first}, {second}"
