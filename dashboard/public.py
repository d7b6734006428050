"""The key messages of a year for a public audience: every number small-count suppressed.

DESIGN.md §5: for the ``presenter`` role and in any public export, counts from 1 to 4 read
``< 5``, and further values are hidden (``X``) wherever totals would give them back. This module
is the one place where that is done for the Présentation page (DESIGN.md §4.10): it takes the
loaded datasets, calls the indicator queries of ``queries/``, suppresses their counts with
:mod:`dashboard.disclosure`, and builds every part of each :class:`~dashboard.charts.ChartSpec`
(figure values, bar and tile labels, hover texts, the summary sentence, the table) from the
suppressed counts only, never from the query result:

- a hidden count is null in the figure data (no bar; a grey tile) and in the table; it reads
  ``< 5`` (a small count) or ``X`` (hidden so that a small count cannot be recovered from the
  totals) in labels and hover texts, "moins de 5" in sentences, and its table cell is flagged in
  ``ChartSpec.flags``, which the exports write with the suppression note;
- colours, axis ranges and the order of bars depend on published values only: a hidden tile
  is not shaded by its value, a hidden combination is not ranked by it;
- a rate is shown only when its numerator and denominator are published and
  :func:`~dashboard.disclosure.suppress_share` allows it;
- a change between two years is shown only when both values are published.

What is suppressed together (each is one network for :mod:`dashboard.disclosure`, so that the
totals shown cannot undo a hidden cell):

==========================  =================================================================
message                     counts and the totals shown with them
==========================  =================================================================
year in brief               situations: adults + youth = all; training participants: Valais
                            romand + Haut-Valais = all; each year on its own
overlap matrix              each pair alone (no total is shown)
combinations                the combinations and their sum, the persons followed simultaneously
T1 provenance               one hierarchy: received = the four provenances, institutional =
                            the institutions (the two report tables share that count)
complex situations          announcer × region with the row, column and grand totals
coaching                    per region and canton: in employment + other = cases closed
transitions                 region × direction with the totals (regions that recorded them)
S-permit persons            each year alone
==========================  =================================================================

Known limits, by design: the persons followed simultaneously appear both in the year in brief
and as the combinations' total; in a list with its total, the total is hidden exactly when it
is small (a complement is always a listed count), so both messages show the same. A matrix cell
is at least the persons followed by exactly that pair, so a published cell (5 or more) can only
cap a hidden pair's range at a value that still leaves it 5 wide. The institutions' shares in
the year in brief are published without their counts, as in the report: a whole percent of a
known number of beneficiaries may give the count back, which is why
:func:`~dashboard.disclosure.suppress_share` hides a share whose count, or whose complement,
is small; a count of 5 or more given back is not a disclosure.

No Streamlit: pure functions, tested on the demo data (tests/test_public.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboard import charts, disclosure, kpi
from dashboard.charts import ChartSpec, column_label, label, unit_label
from dashboard.disclosure import DEFAULT_THRESHOLD, Suppressed, TableFlags
from dashboard.exports import ColumnFormat
from dashboard.formatting import Language, format_count, format_percent
from dashboard.i18n import t
from queries import coaching, home, network, screens, situations, youth
from queries.filters import TOTAL
from queries.overlap import INSTITUTION_ORDER, OverlapResult

DATASETS = (
    "situations",
    "followups",
    "trainings",
    "budget",
    "t1_situations",
    "coaching",
    "transitions",
    "protected_persons",
    "published",
)
"""The datasets :func:`key_messages` reads."""

MESSAGES = (
    "brief",
    "overlap_matrix",
    "combinations",
    "t1_provenance",
    "complex",
    "coaching",
    "transitions",
    "permit_s",
)
"""The key messages, in the order of the presentation."""

SHARE_META = "share"
"""The ``meta`` of a figure trace whose values are shares (0..1), not counts: a reader of the
figure JSON (the tests) tells a 100 % rate from a count of 1 by it."""

_FONT = 18  # large type: read from the back of a room
_TILE = 76  # pixels per tile of the tile tables
_BAR = 46  # pixels per horizontal bar
_HIDDEN_TILE = "rgba(140,140,140,0.35)"  # the same grey whatever the hidden value
_HOVER = "%{hovertext}<extra></extra>"


# --- suppressed counts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """A count as published: its value, or the flag that hides it.

    `value` is None when the count is hidden (then `mark` is ``< 5`` or ``X``) or not
    available (then `mark` is None too: shown ``…``, not recorded or not sent).
    """

    value: int | None
    mark: str | None = None

    @property
    def shown(self) -> bool:
        return self.value is not None

    def text(self, lang: Language) -> str:
        """``1'234``, ``< 5``, ``X`` or ``…``."""
        return self.mark or format_count(self.value, lang)

    def words(self, lang: Language, threshold: int) -> str:
        """The count in a sentence: ``1'234``, "moins de 5", "X (masqué)"."""
        if self.mark == disclosure.SUPPRESSED:
            return t("presentation.hidden_words", lang)
        if self.mark:
            return t("disclosure.below_threshold", lang, threshold=threshold)
        return format_count(self.value, lang)


def counts_of(result: Suppressed, column: str) -> list[Count]:
    """The counts of one column of a suppressed table, row by row."""
    rows = zip(result.table[column], result.hidden[column], result.primary[column], strict=True)
    return [
        Count(None if hidden else value, disclosure.mark(hidden, primary, result.threshold))
        for value, hidden, primary in rows
    ]


def _single(value: int | float | None, threshold: int) -> Count:
    """A count shown on its own (no total published with it): hidden when small."""
    if value is None:
        return Count(None)
    value = round(value)
    if disclosure.is_small(value, threshold):
        return Count(None, disclosure.below_threshold(threshold))
    return Count(value)


def _listed(parts: Mapping[str, int], total: int, threshold: int) -> dict[str, Count]:
    """The counts of a list and its total (key ``total``), suppressed together.

    A part the list does not name (``total`` minus the parts, key ``_rest``) is suppressed with
    them though not shown: it is known by subtraction.
    """
    names = [*parts, "_rest", TOTAL]
    values = [*parts.values(), total - sum(parts.values()), total]
    table = pl.DataFrame({"name": names, "n": values}, schema={"name": pl.String, "n": pl.Int64})
    result = disclosure.suppress_counts(
        table, ["n"], threshold=threshold, total_row=pl.col("name") == TOTAL
    )
    return dict(zip(names, counts_of(result, "n"), strict=True))


def _rate(numerator: Count, denominator: Count, threshold: int) -> tuple[float | None, str | None]:
    """A rate as published: (value, mark); ``X`` when its counts or the share rule hide it."""
    if denominator.shown and denominator.value == 0:
        return None, None  # nothing to divide: not available, not hidden
    if not (numerator.shown and denominator.shown):
        return None, disclosure.SUPPRESSED
    rate = disclosure.suppress_share(numerator.value, denominator.value, threshold=threshold)
    return rate, None if rate is not None else disclosure.SUPPRESSED


def _flags(columns: Mapping[str, Sequence[str | None]], threshold: int) -> TableFlags | None:
    """The :class:`TableFlags` of a table from its flagged columns; None when nothing is hidden."""
    flagged = {name: list(marks) for name, marks in columns.items() if any(marks)}
    if not flagged:
        return None
    cells = pl.DataFrame(flagged, schema=dict.fromkeys(flagged, pl.String))
    return TableFlags(cells, threshold)


def _no_data(title: str, source: str, lang: Language, footnotes: Sequence[str] = ()) -> ChartSpec:
    summary = t("charts.no_data", lang)
    return ChartSpec(None, title, summary, pl.DataFrame(), source, tuple(footnotes))


def _regions(regions: Iterable[str] | None) -> list[str] | None:
    return None if regions is None else list(regions)


# --- figures -------------------------------------------------------------------------------------


def _layout(height: int, **extra: Any) -> dict[str, Any]:
    """The charts' shared look (dashboard.charts), in large type."""
    layout = charts._layout_dict(height=height)
    layout["font"] = {"size": _FONT}
    layout["hoverlabel"] = {"align": "left", "font": {"size": _FONT}}
    return {**layout, **extra}


@dataclass(frozen=True)
class _Tile:
    column: str
    row: str
    count: Count
    hover: str
    customdata: Any
    framed: bool = False  # a total: outlined, not shaded


def _tile_trace(tiles: Sequence[_Tile], marker: dict, lang: Language, **font: Any) -> dict:
    return {
        "type": "scatter",
        "mode": "markers+text",
        "x": [tile.column for tile in tiles],
        "y": [tile.row for tile in tiles],
        "marker": marker,
        "text": [tile.count.text(lang) for tile in tiles],
        "textfont": {"size": _FONT, **font},
        "hovertext": [tile.hover for tile in tiles],
        "hovertemplate": _HOVER,
        "customdata": [tile.customdata for tile in tiles],
        "showlegend": False,
    }


def _tile_table(
    tiles: Sequence[_Tile], columns: Sequence[str], rows: Sequence[str], lang: Language
) -> go.Figure:
    """A tile table (square markers, as ``dashboard.charts`` draws heatmaps), hidden tiles grey.

    Shades come from the published inner values only; a hidden tile is the same grey whatever
    it hides, a total is outlined. Every tile says its count, ``< 5``, ``X`` or ``…``.
    """
    inner = [tile.count.value for tile in tiles if not tile.framed and tile.count.shown]
    top = max(inner, default=0) or 1
    framed = [tile for tile in tiles if tile.framed]
    hidden = [tile for tile in tiles if not tile.framed and not tile.count.shown]
    zeros = [tile for tile in tiles if not tile.framed and tile.count.value == 0]
    shaded = [tile for tile in tiles if not tile.framed and tile.count.value]
    square = {"symbol": "square", "size": _TILE - 6, "line": {"width": 0}}
    fills = [charts._tile_colour(tile.count.value / top) for tile in shaded]
    outline = {"symbol": "square-open", "size": _TILE - 8, "color": charts.NEUTRAL}
    traces = [
        _tile_trace(zeros, {**square, "color": charts._ZERO_TILE}, lang),
        _tile_trace(shaded, {**square, "color": fills}, lang,
                    color=[charts._text_colour(fill) for fill in fills]),
        _tile_trace(hidden, {**square, "color": _HIDDEN_TILE}, lang),
        _tile_trace(framed, {**outline, "line": {"width": 2}}, lang),
    ]
    plain = {"showgrid": False, "zeroline": False, "ticks": ""}
    xaxis = {
        **charts._category_axis(columns, **plain),
        "range": [-0.5, len(columns) - 0.5],
        "side": "top",
        "constrain": "domain",
        "constraintoward": "left",
    }
    yaxis = {
        **charts._category_axis(rows, **plain),
        "range": [len(rows) - 0.5, -0.5],  # first row on top
        "scaleanchor": "x",
        "scaleratio": 1,
        "constrain": "domain",
    }
    layout = _layout(_TILE * len(rows) + 150, xaxis=xaxis, yaxis=yaxis)
    return go.Figure(data=[trace for trace in traces if trace["x"]], layout=layout)


@dataclass(frozen=True)
class _Bar:
    name: str
    value: float | None  # None: no bar (hidden or not available)
    text: str  # the bar's label, or at the axis when there is no bar (``< 5``, ``X``, ``…``)
    hover: str
    customdata: Any
    colour: str = charts.NEUTRAL


def _bars(bars: Sequence[_Bar], lang: Language, *, unit: charts.Unit, **trace: Any) -> go.Figure:
    """Horizontal bars, the first on top; a bar without value has its label at the axis.

    Plotly draws no text for a bar without a value, so that label is an annotation at 0 that
    carries the bar's hover text. The value axis ends past the largest value shown.
    """
    figure = go.Figure(
        go.Bar(
            x=[bar.value for bar in bars],
            y=[bar.name for bar in bars],
            orientation="h",
            text=[bar.text if bar.value is not None else "" for bar in bars],
            textposition="outside",
            textfont={"size": _FONT},
            cliponaxis=False,
            marker={"color": [bar.colour for bar in bars]},
            hovertext=[bar.hover for bar in bars],
            hovertemplate=_HOVER,
            customdata=[bar.customdata for bar in bars],
            showlegend=False,
            **trace,
        )
    )
    for bar in bars:
        if bar.value is None and bar.text:
            figure.add_annotation(
                x=0, y=bar.name, text=bar.text, hovertext=bar.hover, showarrow=False,
                xanchor="left", font={"size": _FONT, "color": charts.NEUTRAL},
            )
    top = max((bar.value for bar in bars if bar.value is not None), default=0)
    axis = charts._value_axis(top, unit, lang, headroom=1.35)
    if unit == "share":
        axis["range"] = [0, 1.15]  # fixed: the range says nothing of a hidden rate
    names = [bar.name for bar in bars]
    figure.update_layout(
        _layout(90 + _BAR * len(bars)),
        xaxis=axis,
        yaxis=charts._category_axis(names, autorange="reversed", title={"text": ""}),
    )
    return figure


def _table_figure(headers: Sequence[str], columns: Sequence[Sequence[str]]) -> go.Figure:
    """A plotly table of texts in large type (the year in brief)."""
    line = {"color": charts.NEUTRAL, "width": 1}
    align = ["left"] + ["right"] * (len(headers) - 1)
    rows = len(columns[0]) if columns else 0
    figure = go.Figure(
        go.Table(
            header={
                "values": [f"<b>{header}</b>" for header in headers],
                "align": align,
                "fill": {"color": "rgba(140,140,140,0.18)"},
                "line": line,
                "font": {"size": _FONT},
                "height": 40,
            },
            cells={
                "values": [list(column) for column in columns],
                "align": align,
                "fill": {"color": "rgba(0,0,0,0)"},
                "line": line,
                "font": {"size": _FONT},
                "height": 40,
            },
            columnwidth=[4] + [1] * (len(headers) - 1),
        )
    )
    # Long labels wrap onto two lines: room for it, or the last rows are cut off.
    figure.update_layout(_layout(56 * (rows + 1) + 40))
    return figure


# --- (a) the year in brief -----------------------------------------------------------------------

_LISTS = {
    # indicator: (the parts' dimension, the parts); the total is the row without dimension
    "situations_announced": ("public", ("adult", "youth")),
    "training_participants": ("language_region", ("valais_romand", "haut_valais")),
}
_COUNTED = {
    "situations_announced": "situations",
    "simultaneous_persons": "persons",
    "training_participants": "participants",
}

Figure = tuple[Any, str | None]  # (value, mark) of a figure of the year in brief


def _figures_of_year(
    series: pl.DataFrame, year: int, threshold: int
) -> dict[tuple[str, str], Figure]:
    """Each figure of `year` as published: (value, mark) of counts, rates and amounts."""
    rows = {
        (row["indicator"], row["dimensions"]): row
        for row in series.filter(pl.col("year") == year).iter_rows(named=True)
    }
    shown: dict[tuple[str, str], Figure] = {}
    for indicator, (dimension, parts) in _LISTS.items():
        total = rows.get((indicator, ""), {}).get("value")
        if total is None:  # not sent
            continue
        values = {part: round(rows[(indicator, f"{dimension}={part}")]["value"]) for part in parts}
        for part, count in _listed(values, round(total), threshold).items():
            if part != "_rest":
                key = (indicator, "" if part == TOTAL else f"{dimension}={part}")
                shown[key] = (count.value, count.mark)
    # Alone here, and the combinations' total (a list's total is hidden exactly when small).
    persons = _single(rows.get(("simultaneous_persons", ""), {}).get("value"), threshold)
    shown[("simultaneous_persons", "")] = (persons.value, persons.mark)
    for key, row in rows.items():
        if row["unit"] == "share" and row["value"] is not None:
            if key[0] == "simultaneous_share_total":
                numerator = persons
            else:
                numerator = _single(row["numerator"], threshold)
            shown[key] = _rate(numerator, Count(row["denominator"]), threshold)
        elif row["unit"] == "chf":
            shown[key] = (row["value"], None)
    return shown


def year_in_brief(
    frames: Mapping[str, pl.DataFrame],
    *,
    year: int,
    compare: int | None,
    regions: Iterable[str] | None,
    lang: Language,
    threshold: int = DEFAULT_THRESHOLD,
) -> ChartSpec:
    """(a) The report's summary of `year` against `compare`: counts, rates, amounts, changes.

    Each year's counts are suppressed on their own (adults and youth add up to the situations
    announced, the two language regions to the training participants); a rate only with its
    counts; a change only when both years' values are shown. The table holds numbers (shares
    in percent, their change in points) with a unit column, like the Accueil page's download.
    """
    key = "presentation.brief_title_compare" if compare is not None else "presentation.brief_title"
    title = t(key, lang, year=year, previous_year=compare)
    source = t("pages_main.overview_source", lang)
    years = [year] if compare is None else [year, compare]
    series = home.brief_series(frames, years, regions=_regions(regions))
    brief = home.brief_of_year(series, year, compare)
    now = _figures_of_year(series, year, threshold)
    before = _figures_of_year(series, compare, threshold) if compare is not None else {}
    if all(value is None and mark is None for value, mark in now.values()):
        return _no_data(title, source, lang)

    columns = ["indicator", "unit", "value"]
    if compare is not None:
        columns += ["previous", "change"]
    headers = {
        "indicator": t("presentation.column_indicator", lang),
        "unit": t("presentation.column_unit", lang),
        "value": str(year),
        "previous": str(compare),
        "change": t("presentation.column_change", lang),
    }
    texts: dict[str, list[str]] = {name: [] for name in columns}
    numbers: dict[str, list[Any]] = {name: [] for name in columns}
    marks: dict[str, list[str | None]] = {name: [] for name in columns[2:]}
    for row in brief.iter_rows(named=True):
        which, unit = (row["indicator"], row["dimensions"]), row["unit"]
        value, mark = now.get(which, (None, None))
        previous, previous_mark = before.get(which, (None, None))
        name = kpi.indicator_label(*which, lang)
        counted = unit_label(_COUNTED.get(which[0], unit), lang)
        scale = 100 if unit == "share" else 1  # shares in percent, as the Accueil download
        cells = {
            "indicator": (name, name, None),
            "unit": (counted, counted, None),
            "value": (mark or kpi.format_figure(value, unit, lang), value, mark),
            "previous": (previous_mark or kpi.format_figure(previous, unit, lang), previous,
                         previous_mark),
        }
        both = value is not None and previous is not None
        hidden = disclosure.SUPPRESSED if (mark or previous_mark) and not both else None
        change = value - previous if both else None
        change_text = kpi.format_delta(change, None, unit, lang) if both else None
        change_text = change_text or hidden or kpi.format_figure(None, unit, lang)
        cells["change"] = (change_text, change, hidden)
        for column in columns:
            text, number, flag = cells[column]
            texts[column].append(text)
            if column in marks and number is not None:
                number = round(number * scale, 9)
            numbers[column].append(number)
            if column in marks:
                marks[column].append(flag)
    figure = _table_figure([headers[name] for name in columns], [texts[name] for name in columns])

    sentences = []
    headline = (("situations_announced", "situations"), ("simultaneous_persons", "persons"))
    for indicator, key in headline:
        count = Count(*now.get((indicator, ""), (None, None)))
        if count.shown or count.mark:
            words = count.words(lang, threshold)
            sentence = t(f"presentation.brief_summary_{key}", lang, year=year, **{key: words})
            sentences.append(sentence)
    summary = " ".join(sentences) or t("charts.no_data", lang)
    schema = {headers[name]: pl.Float64 if name in marks else pl.String for name in columns}
    table = pl.DataFrame({headers[name]: numbers[name] for name in columns}, schema=schema)
    formats: dict[str, ColumnFormat] = {headers[name]: "number" for name in marks}
    notes = (t("pages_main.overview_footnote_youth", lang), t("presentation.brief_note", lang))
    flags = _flags({headers[name]: column for name, column in marks.items()}, threshold)
    return ChartSpec(figure, title, summary, table, source, notes, "", formats, flags)


# --- (b) overlaps --------------------------------------------------------------------------------


def overlap_of_year(
    frames: Mapping[str, pl.DataFrame], year: int, regions: Iterable[str] | None
) -> OverlapResult | None:
    """The overlap of `year` (:func:`queries.home.overlap_by_year`); None without beneficiaries."""
    episodes = frames["followups"]
    if year not in home.upload_years(episodes):
        return None
    result = home.overlap_by_year(episodes, [year], regions=_regions(regions))[year]
    return result if result.total_beneficiaries else None


def overlap_matrix(
    result: OverlapResult | None, *, year: int, lang: Language, threshold: int = DEFAULT_THRESHOLD
) -> ChartSpec:
    """(b) Persons followed by two institutions at once, each pair a tile; a small pair ``< 5``.

    No total is shown with the pairs (the diagonal, each institution's persons followed
    simultaneously, is left out), so each pair is suppressed on its own.
    """
    title = t("presentation.matrix_title", lang, year=year)
    source = t("charts.source_followups", lang)
    notes = (t("presentation.matrix_note", lang),)
    codes = [] if result is None else result.per_institution.get_column("institution").to_list()
    if len(codes) < 2:
        return _no_data(title, source, lang, notes)
    names = {code: label("institution", code, lang) for code in codes}
    pairs = result.matrix.filter(pl.col("institution") != pl.col("other"))
    counts = {
        (institution, other): _single(persons, threshold)
        for institution, other, persons in pairs.select("institution", "other", "persons").rows()
    }
    tiles = []
    for institution in codes:
        for other in codes:
            if institution != other:
                count = counts[institution, other]
                hover = t("presentation.matrix_hover", lang, institution=names[institution],
                          other=names[other], persons=count.words(lang, threshold))
                pair = [institution, other]
                tiles.append(_Tile(names[other], names[institution], count, hover, pair))
    labels = [names[code] for code in codes]
    figure = _tile_table(tiles, labels, labels, lang)

    # The largest published pair, each pair read once, ties in report order.
    rank = {code: position for position, code in enumerate(INSTITUTION_ORDER)}
    shown = [
        (count.value, institution, other) for (institution, other), count in counts.items()
        if count.shown and rank[institution] < rank[other]
    ]
    best = max(shown, key=lambda item: (item[0], -rank[item[1]], -rank[item[2]]), default=None)
    if best is None or not best[0]:
        summary = t("presentation.matrix_summary_none", lang, year=year)
    else:
        summary = t("presentation.matrix_summary", lang, year=year, institution=names[best[1]],
                    other=names[best[2]], persons=format_count(best[0], lang))
    header = column_label("institution", lang)

    def cell(i: str, j: str) -> Count:
        return Count(None) if i == j else counts[i, j]  # the diagonal is not shown

    values = {names[j]: [cell(i, j).value for i in codes] for j in codes}
    marks = {names[j]: [cell(i, j).mark for i in codes] for j in codes}
    table = pl.DataFrame(
        {header: labels, **values}, schema={header: pl.String, **dict.fromkeys(labels, pl.Int64)}
    )
    formats: dict[str, ColumnFormat] = dict.fromkeys(labels, "count")
    unit = unit_label("persons", lang)
    flags = _flags(marks, threshold)
    return ChartSpec(figure, title, summary, table, source, notes, unit, formats, flags)


def combinations(
    result: OverlapResult | None, *, year: int, lang: Language, threshold: int = DEFAULT_THRESHOLD
) -> ChartSpec:
    """(b) The exact sets of institutions following a person at once, with their total.

    The combinations add up to the persons followed simultaneously, which is shown: they are
    suppressed as a list with its total. Published combinations come largest first; hidden
    ones follow in a fixed order (size of the set, then the institutions' order), so that their
    place says nothing of their value.
    """
    title = t("presentation.combinations_title", lang, year=year)
    source = t("charts.source_followups", lang)
    unit = unit_label("persons", lang)
    if result is None or not result.total_simultaneous:
        return _no_data(title, source, lang)
    frame = result.combinations.filter(pl.col("persons") > 0)
    sets = frame.get_column("institutions").to_list()
    keys = [charts.combination_key(members) for members in sets]
    counts = _listed(dict(zip(keys, frame.get_column("persons").to_list(), strict=True)),
                     result.total_simultaneous, threshold)
    total = counts[TOTAL]

    def canonical(key: str) -> tuple:
        members = charts.combination_members(key)
        return len(members), [INSTITUTION_ORDER.index(code) for code in members]

    shown = sorted((key for key in keys if counts[key].shown),
                   key=lambda key: (-counts[key].value, canonical(key)))
    order = shown + sorted((key for key in keys if not counts[key].shown), key=canonical)
    members = {key: charts.combination_members(key) for key in order}
    spelled = {
        key: " + ".join(label("institution", code, lang) for code in members[key]) for key in order
    }
    bars = [
        _Bar(spelled[key], counts[key].value, counts[key].text(lang),
             t("presentation.persons_hover", lang, label=spelled[key],
               persons=counts[key].words(lang, threshold)), key)
        for key in order
    ]
    figure = _bars(bars, lang, unit="persons")
    if shown:
        summary = t("presentation.combinations_summary", lang, year=year,
                    total=total.words(lang, threshold), combination=spelled[shown[0]],
                    persons=format_count(counts[shown[0]].value, lang))
    else:
        summary = t("presentation.combinations_summary_total", lang, year=year,
                    total=total.words(lang, threshold))
    header = column_label("combination", lang)
    table = pl.DataFrame(
        {
            header: [spelled[key] for key in order] + [t("charts.total", lang)],
            unit: [counts[key].value for key in order] + [total.value],
        },
        schema={header: pl.String, unit: pl.Int64},
    )
    flags = _flags({unit: [counts[key].mark for key in order] + [total.mark]}, threshold)
    notes = (t("presentation.combinations_note", lang),)
    return ChartSpec(figure, title, summary, table, source, notes, unit, {unit: "count"}, flags)


# --- (c) T1 provenance ---------------------------------------------------------------------------


def t1_provenance(
    frames: Mapping[str, pl.DataFrame],
    *,
    year: int,
    regions: Iterable[str] | None,
    lang: Language,
    threshold: int = DEFAULT_THRESHOLD,
) -> ChartSpec:
    """(c) Where the Plateforme T1's situations came from: provenance, then institution.

    The report's two tables as one hierarchy (received = the provenances; institutional = the
    institutions), suppressed together. A share is shown only with its count and the count it
    is a share of.
    """
    title = t("presentation.t1_title", lang, year=year)
    source = t("charts.source_t1", lang)
    t1 = frames["t1_situations"]
    if not screens.has_year(t1, year):
        return _no_data(title, source, lang)
    provenance = youth.t1_provenance(t1, year, regions=_regions(regions))
    top = provenance.filter(pl.col("provenance") != TOTAL)
    total = int(top.get_column("situations").sum())
    if not total:
        return _no_data(title, source, lang)
    institutional = youth.t1_institutional_provenance(t1, year, regions=_regions(regions))
    code = pl.col("provenance_institution")
    institutions = institutional.filter(code.is_null() | (code != TOTAL))
    # (node, parent, kind of code, code, situations)
    nodes = [("all", None, None, TOTAL, total)]
    nodes += [
        (f"p/{code}", "all", "provenance", code, count)
        for code, count in top.select("provenance", "situations").iter_rows()
    ]
    nodes += [
        (f"i/{code}", "p/institutional", "provenance_institution", code, count)
        for code, count in institutions.select("provenance_institution", "situations").iter_rows()
    ]
    tree = pl.DataFrame(
        {
            "node": [node[0] for node in nodes],
            "parent": [node[1] for node in nodes],
            "n": [node[4] for node in nodes],
        },
        schema={"node": pl.String, "parent": pl.String, "n": pl.Int64},
    )
    result = disclosure.suppress_tree(tree, "n", node="node", parent="parent", threshold=threshold)
    counts = dict(zip(tree.get_column("node").to_list(), counts_of(result, "n"), strict=True))
    shares = {
        node: _rate(counts[node], counts[parent], threshold) for node, parent, *_ in nodes if parent
    }
    names = {node: label(kind, code, lang) for node, _, kind, code, _ in nodes}

    bars = []
    for node, _, kind, code, _ in nodes[1:]:  # every count but the total
        count, (share, _) = counts[node], shares[node]
        words = count.words(lang, threshold)
        if share is None:
            text = count.text(lang)
            hover = t("presentation.situations_hover", lang, label=names[node], count=words)
        else:
            percent = format_percent(share, lang=lang)
            text = f"{count.text(lang)} ({percent})"
            hover = t("presentation.t1_hover_share", lang, label=names[node], count=words,
                      share=percent)
        shown_name = names[node] if kind == "provenance" else f"↳ {names[node]}"
        colour = charts._colour(kind, code, charts.NEUTRAL)
        bars.append(_Bar(shown_name, count.value, text, hover, code, colour))
    figure = _bars(bars, lang, unit="situations")

    summary = t("presentation.t1_summary", lang, year=year,
                total=counts["all"].words(lang, threshold),
                institutional=counts["p/institutional"].words(lang, threshold))
    institutional_share = shares["p/institutional"][0]
    if institutional_share is not None:
        summary += " " + t("presentation.t1_summary_share", lang,
                           share=format_percent(institutional_share, lang=lang))
    headers = [column_label(name, lang) for name in ("provenance", "provenance_institution")]
    count_header, share_header = unit_label("situations", lang), column_label("share", lang)
    institutional_name = label("provenance", "institutional", lang)
    is_institution = [kind == "provenance_institution" for _, _, kind, _, _ in nodes]
    table = pl.DataFrame(
        {
            headers[0]: [institutional_name if inside else names[node[0]]
                         for node, inside in zip(nodes, is_institution, strict=True)],
            headers[1]: [names[node[0]] if inside else None
                         for node, inside in zip(nodes, is_institution, strict=True)],
            count_header: [counts[node[0]].value for node in nodes],
            share_header: [shares.get(node[0], (None, None))[0] for node in nodes],
        },
        schema={headers[0]: pl.String, headers[1]: pl.String, count_header: pl.Int64,
                share_header: pl.Float64},
    )
    flags = _flags(
        {
            count_header: [counts[node[0]].mark for node in nodes],
            share_header: [shares.get(node[0], (None, None))[1] for node in nodes],
        },
        threshold,
    )
    formats: dict[str, ColumnFormat] = {count_header: "count", share_header: "percent"}
    notes = (t("presentation.t1_note", lang),)
    return ChartSpec(figure, title, summary, table, source, notes, count_header, formats, flags)


# --- (d) complex situations ----------------------------------------------------------------------


def complex_situations(
    frames: Mapping[str, pl.DataFrame],
    *,
    year: int,
    regions: Iterable[str] | None,
    lang: Language,
    threshold: int = DEFAULT_THRESHOLD,
) -> ChartSpec:
    """(d) Complex situations by announcer and region with every total (report section 8)."""
    title = t("charts.region_announcer_title", lang, year=year)
    source = t("charts.source_situations", lang)
    announced = frames["situations"]
    if not screens.has_year(announced, year):
        return _no_data(title, source, lang)
    table = situations.complex_by_region_and_announcer(announced, year, regions=_regions(regions))
    if not table.filter(pl.col("announcer") == TOTAL).item(0, TOTAL):
        return _no_data(title, source, lang)
    region_codes = [name for name in table.columns if name not in ("announcer", TOTAL)]
    result = disclosure.suppress_counts(
        table, region_codes, threshold=threshold, row_total=TOTAL,
        total_row=pl.col("announcer") == TOTAL,
    )
    announcers = table.get_column("announcer").to_list()
    columns = [TOTAL, *region_codes]
    counts = {column: counts_of(result, column) for column in columns}
    column_names = {TOTAL: t("charts.canton_total", lang)}
    column_names |= {code: label("region", code, lang) for code in region_codes}
    row_names = [label("announcer", code, lang) for code in announcers]
    tiles = []
    for r, (code, row_name) in enumerate(zip(announcers, row_names, strict=True)):
        for column in columns:
            count = counts[column][r]
            hover = t("presentation.complex_hover", lang, announcer=row_name,
                      region=column_names[column], count=count.words(lang, threshold))
            codes = [None if code == TOTAL else code, None if column == TOTAL else column]
            tiles.append(_Tile(column_names[column], row_name, count, hover, codes,
                               framed=TOTAL in (code, column)))
    figure = _tile_table(tiles, list(column_names.values()), row_names, lang)

    inner = [
        (counts[column][r].value, r, i, column)
        for r in range(1, len(announcers))
        for i, column in enumerate(region_codes)
        if counts[column][r].shown
    ]
    best = max(inner, key=lambda item: (item[0], -item[1], -item[2]), default=None)
    summary = t("presentation.complex_summary", lang, year=year,
                total=counts[TOTAL][0].words(lang, threshold))
    if best is not None and best[0]:
        summary += " " + t("presentation.complex_summary_top", lang, announcer=row_names[best[1]],
                           region=column_names[best[3]], count=format_count(best[0], lang))
    header = column_label("announcer", lang)
    values = {column_names[column]: [count.value for count in counts[column]] for column in columns}
    frame = pl.DataFrame(
        {header: row_names, **values},
        schema={header: pl.String, **dict.fromkeys(column_names.values(), pl.Int64)},
    )
    marks = {column_names[column]: [count.mark for count in counts[column]] for column in columns}
    formats: dict[str, ColumnFormat] = dict.fromkeys(column_names.values(), "count")
    notes = (t("charts.region_announcer_total_note", lang),)
    unit = unit_label("situations", lang)
    flags = _flags(marks, threshold)
    return ChartSpec(figure, title, summary, frame, source, notes, unit, formats, flags)


# --- (e) coaching --------------------------------------------------------------------------------


def coaching_rates(
    frames: Mapping[str, pl.DataFrame],
    *,
    year: int,
    regions: Iterable[str] | None,
    lang: Language,
    threshold: int = DEFAULT_THRESHOLD,
) -> ChartSpec:
    """(e) The reinsertion rate of the coaching ORP-CMS for the canton and by region.

    Per region and canton, the cases closed are those in employment plus the others: a table
    with row and column totals, suppressed as such; a rate is shown only when both its counts
    are published (and :func:`~dashboard.disclosure.suppress_share` allows it).
    """
    title = t("presentation.coaching_title", lang, year=year)
    source = t("pages_more.source_coaching", lang)
    cases = frames["coaching"]
    if not screens.has_year(cases, year):
        return _no_data(title, source, lang)
    activity = coaching.coaching_activity(cases, year, by=("region",), regions=_regions(regions))
    other = (pl.col("closed") - pl.col("employment")).alias("other")
    frame = activity.select("region", "employment", other, "closed")
    if not frame.filter(pl.col("region") == TOTAL).item(0, "closed"):
        return _no_data(title, source, lang, (t("presentation.coaching_none", lang, year=year),))
    result = disclosure.suppress_counts(
        frame, ["employment", "other"], threshold=threshold, row_total="closed",
        total_row=pl.col("region") == TOTAL,
    )
    codes = frame.get_column("region").to_list()
    order = [len(codes) - 1, *range(len(codes) - 1)]  # the canton first, then the regions
    closed, employment = counts_of(result, "closed"), counts_of(result, "employment")
    rates = [_rate(employment[r], closed[r], threshold) for r in range(len(codes))]
    canton = t("charts.canton_total", lang)
    names = [canton if codes[r] == TOTAL else label("region", codes[r], lang) for r in order]
    bars = []
    for r, name in zip(order, names, strict=True):
        (rate, mark), code = rates[r], codes[r]
        if rate is not None:
            text = format_percent(rate, lang=lang)
            hover = t("presentation.coaching_hover", lang, region=name, rate=text,
                      closed=closed[r].words(lang, threshold))
        elif mark:
            text = mark
            hover = t("presentation.coaching_hover_hidden", lang, region=name, mark=mark)
        else:
            text = kpi.format_figure(None, "share", lang)
            hover = t("presentation.coaching_hover_none", lang, region=name)
        colour = charts.NEUTRAL if code == TOTAL else charts._colour("region", code)
        bars.append(_Bar(name, rate, text, hover, None if code == TOTAL else code, colour))
    figure = _bars(bars, lang, unit="share", meta=SHARE_META)

    canton_rate = rates[-1][0]
    if canton_rate is None:
        summary = t("presentation.coaching_summary_hidden", lang, year=year)
    else:
        summary = t("presentation.coaching_summary", lang, year=year,
                    rate=format_percent(canton_rate, lang=lang),
                    closed=closed[-1].words(lang, threshold))
    headers = {
        "region": column_label("region", lang),
        "closed": t("pages_more.column_closed", lang),
        "employment": t("pages_more.column_employment", lang),
        "rate": t("pages_more.column_rate", lang),
    }
    table = pl.DataFrame(
        {
            headers["region"]: names,
            headers["closed"]: [closed[r].value for r in order],
            headers["employment"]: [employment[r].value for r in order],
            headers["rate"]: [rates[r][0] for r in order],
        },
        schema={headers["region"]: pl.String, headers["closed"]: pl.Int64,
                headers["employment"]: pl.Int64, headers["rate"]: pl.Float64},
    )
    marks = {
        headers["closed"]: [closed[r].mark for r in order],
        headers["employment"]: [employment[r].mark for r in order],
        headers["rate"]: [rates[r][1] for r in order],
    }
    formats: dict[str, ColumnFormat] = {
        headers["closed"]: "count", headers["employment"]: "count", headers["rate"]: "percent"
    }
    notes = (t("presentation.coaching_note", lang),)
    unit = unit_label("share", lang)
    flags = _flags(marks, threshold)
    return ChartSpec(figure, title, summary, table, source, notes, unit, formats, flags)


# --- (f) network ---------------------------------------------------------------------------------


def transitions(
    frames: Mapping[str, pl.DataFrame],
    *,
    year: int,
    regions: Iterable[str] | None,
    lang: Language,
    threshold: int = DEFAULT_THRESHOLD,
) -> ChartSpec:
    """(f) ORP↔CMS transitions by region and direction, with the totals.

    A region that recorded no transition is missing (``…``, "non répertorié"), not 0: it is
    left out of the suppressed table, whose totals add up the regions that recorded them.
    """
    title = t("charts.transitions_title", lang, year=year)
    source = t("charts.source_transitions", lang)
    handed = frames["transitions"]
    if not screens.has_year(handed, year):
        return _no_data(title, source, lang)
    by_region = network.transitions_by_region(handed, year, regions=_regions(regions))
    missing = network.regions_without_transitions(handed, year, regions=_regions(regions))
    missing_names = [label("region", code, lang) for code in missing]
    notes = tuple(
        t("pages_more.network_not_recorded_note", lang, region=name) for name in missing_names
    )
    recorded = by_region.filter(~pl.col("region").is_in(list(missing)))
    if recorded.height <= 1:  # the total row alone: nothing recorded
        return _no_data(title, source, lang, notes)
    directions = list(network.DIRECTIONS)
    result = disclosure.suppress_counts(
        recorded, directions, threshold=threshold, row_total=TOTAL,
        total_row=pl.col("region") == TOTAL,
    )
    columns = [*directions, TOTAL]
    recorded_codes = recorded.get_column("region").to_list()
    counts = {
        column: dict(zip(recorded_codes, counts_of(result, column), strict=True))
        for column in columns
    }
    codes = by_region.get_column("region").to_list()
    order = [codes[-1], *codes[:-1]]  # the canton first
    canton = t("charts.canton_total", lang)
    row_names = {code: canton if code == TOTAL else label("region", code, lang) for code in order}
    column_names = {direction: label("direction", direction, lang) for direction in directions}
    column_names[TOTAL] = t("charts.total", lang)

    def count(code: str, column: str) -> Count:
        return counts[column].get(code, Count(None))  # not recorded: missing, not hidden

    tiles = []
    for code in order:
        for column in columns:
            where = {"region": row_names[code], "direction": column_names[column]}
            if code in missing:
                hover = t("presentation.transitions_hover_missing", lang, **where)
            else:
                words = count(code, column).words(lang, threshold)
                hover = t("presentation.transitions_hover", lang, count=words, **where)
            codes_of_tile = [None if code == TOTAL else code, None if column == TOTAL else column]
            tiles.append(_Tile(column_names[column], row_names[code], count(code, column), hover,
                               codes_of_tile, framed=TOTAL in (code, column)))
    figure = _tile_table(tiles, list(column_names.values()), list(row_names.values()), lang)

    summary = t("presentation.transitions_summary", lang, year=year,
                orp_to_cms=count(TOTAL, "orp_to_cms").words(lang, threshold),
                cms_to_orp=count(TOTAL, "cms_to_orp").words(lang, threshold))
    if missing_names:
        summary += " " + t("charts.missing_values_note", lang, labels=", ".join(missing_names))
    header = column_label("region", lang)
    values = {
        column_names[column]: [count(code, column).value for code in order] for column in columns
    }
    frame = pl.DataFrame(
        {header: list(row_names.values()), **values},
        schema={header: pl.String, **dict.fromkeys(column_names.values(), pl.Int64)},
    )
    marks = {
        column_names[column]: [count(code, column).mark for code in order] for column in columns
    }
    formats: dict[str, ColumnFormat] = dict.fromkeys(column_names.values(), "count")
    unit = unit_label("persons", lang)
    flags = _flags(marks, threshold)
    return ChartSpec(figure, title, summary, frame, source, notes, unit, formats, flags)


def permit_s(
    frames: Mapping[str, pl.DataFrame],
    *,
    year: int,
    regions: Iterable[str] | None,
    lang: Language,
    threshold: int = DEFAULT_THRESHOLD,
) -> ChartSpec:
    """(f) Persons with S permit registered at the ORP, each year up to `year`.

    Each year's figure is shown alone (no total across years): a small one reads ``< 5``.
    Years before the record-level data are the canton-wide published figures, shown only
    without a region filter.
    """
    title = t("presentation.permit_s_title", lang, year=year)
    source = t("pages_more.source_permit_s", lang)
    series = screens.permit_s_series(frames["protected_persons"], frames["published"],
                                     regions=_regions(regions))
    series = series.filter((pl.col("year") <= year) & pl.col("total").is_not_null())
    if series.is_empty():
        return _no_data(title, source, lang)
    years = series.get_column("year").to_list()
    counts = [_single(total, threshold) for total in series.get_column("total").to_list()]
    names = [str(at) for at in years]
    hovers = [
        t("presentation.permit_s_hover", lang, year=at, count=count.words(lang, threshold))
        for at, count in zip(years, counts, strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            x=names,
            y=[count.value for count in counts],
            text=[count.text(lang) if count.shown else "" for count in counts],
            textposition="outside",
            textfont={"size": _FONT},
            cliponaxis=False,
            marker={"color": charts.OKABE_ITO["blue"]},
            hovertext=hovers,
            hovertemplate=_HOVER,
            customdata=names,
            showlegend=False,
        )
    )
    for name, count, hover in zip(names, counts, hovers, strict=True):
        if count.mark:  # no bar: its flag at the axis
            figure.add_annotation(x=name, y=0, text=count.mark, hovertext=hover, showarrow=False,
                                  yanchor="bottom", font={"size": _FONT, "color": charts.NEUTRAL})
    top = max((count.value for count in counts if count.shown), default=0)
    figure.update_layout(_layout(420), xaxis=charts._category_axis(names, title={"text": ""}),
                         yaxis=charts._value_axis(top, "persons", lang))

    summary = t("presentation.permit_s_summary", lang, year=years[-1],
                count=counts[-1].words(lang, threshold))
    if len(counts) > 1:
        summary += " " + t("presentation.permit_s_summary_previous", lang, year=years[-2],
                           count=counts[-2].words(lang, threshold))
    year_header, unit = column_label("year", lang), unit_label("persons", lang)
    table = pl.DataFrame({year_header: years, unit: [count.value for count in counts]},
                         schema={year_header: pl.Int64, unit: pl.Int64})
    published = series.filter(pl.col("origin") == "published").get_column("year").to_list()
    notes = ()
    if published:
        years_text = ", ".join(map(str, published))
        notes = (t("presentation.permit_s_published_note", lang, years=years_text),)
    formats: dict[str, ColumnFormat] = {year_header: "year", unit: "count"}
    flags = _flags({unit: [count.mark for count in counts]}, threshold)
    return ChartSpec(figure, title, summary, table, source, notes, unit, formats, flags)


# --- all of them ---------------------------------------------------------------------------------


def key_messages(
    frames: Mapping[str, pl.DataFrame],
    *,
    year: int,
    compare: int | None,
    regions: Iterable[str] | None,
    lang: Language,
    threshold: int = DEFAULT_THRESHOLD,
) -> dict[str, ChartSpec]:
    """The key messages of `year` for a public audience, small counts suppressed.

    Parameters
    ----------
    frames
        The loaded datasets named in :data:`DATASETS` (every reporting year).
    year, compare
        The year shown and the comparison year of the year in brief (None: no comparison).
    regions
        Keep only these regions (None: the whole canton); trainings and budget are canton-wide.
    lang
        ``fr`` or ``de``.
    threshold
        Counts from 1 to ``threshold - 1`` are hidden.

    Returns
    -------
    dict[str, ChartSpec]
        By message id (:data:`MESSAGES`), in presentation order. A message without data has a
        spec whose figure is None and whose summary says so.
    """
    regions = None if regions is None else tuple(regions)
    common: dict[str, Any] = {"year": year, "lang": lang, "threshold": threshold}
    overlap = overlap_of_year(frames, year, regions)
    builders: dict[str, Callable[[], ChartSpec]] = {
        "brief": lambda: year_in_brief(frames, compare=compare, regions=regions, **common),
        "overlap_matrix": lambda: overlap_matrix(overlap, **common),
        "combinations": lambda: combinations(overlap, **common),
        "t1_provenance": lambda: t1_provenance(frames, regions=regions, **common),
        "complex": lambda: complex_situations(frames, regions=regions, **common),
        "coaching": lambda: coaching_rates(frames, regions=regions, **common),
        "transitions": lambda: transitions(frames, regions=regions, **common),
        "permit_s": lambda: permit_s(frames, regions=regions, **common),
    }
    return {name: builders[name]() for name in MESSAGES}
