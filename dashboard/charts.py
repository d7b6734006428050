"""Chart builders: a query result in, a :class:`ChartSpec` out (figure, title, summary, table).

Each builder takes the frame a query of ``queries/`` returns and the language, and returns the
figure with everything a page shows around it: a title naming what is shown and its unit, a
one-sentence summary of the finding computed from the data (charts are opaque to screen
readers: pages pass it as ``st.plotly_chart(..., alt=spec.summary)`` and print it), the data as
a table with translated headers (the "show as table" alternative, and what the download
exports), the source and the footnotes. No builder imports Streamlit: they are plain functions,
tested on tiny frames.

Conventions shared by every chart:

- **Numbers** in labels, hover texts, axis ticks and summaries go through
  :mod:`dashboard.formatting` (``6'418``, ``24 %``, ``Frs. 416'407``); axis ticks are therefore
  explicit ``tickvals``/``ticktext``: plotly's d3 formats cannot write ``24 %``.
- **Colours** are colour-blind-safe: the Okabe–Ito palette for categories, one fixed colour per
  institution (:data:`INSTITUTION_COLOURS`) and per region (:data:`REGION_COLOURS`), a
  single-hue blue scale for heatmaps (:data:`HEATMAP_SCALE`). Backgrounds are transparent and
  no font colour is set, except on the opaque heatmap tiles (dark or white by contrast): with
  ``st.plotly_chart(theme="streamlit")`` the theme drives fonts, so the charts read on light
  and dark themes alike.
- **Missing is not zero**: a null value is drawn as a gap or as a "non répertorié" mark, never
  as a 0 bar, and named in a footnote.
- **Selection**: every selectable element carries the canonical code(s) it stands for in
  ``customdata`` (``["ORP", "CMS"]`` for a matrix cell, ``"ORP+CMS"`` for an UpSet column), so
  that a page using ``st.plotly_chart(on_select="rerun", selection_mode="points")`` reads the
  codes from ``selection.points[i]["customdata"]``.
- **Empty input** gives a spec whose ``figure`` is None and whose summary says so: never an
  empty axis.

Why the heatmaps are scatters of square markers: plotly.js's heatmap trace has no point
selection (its trace module defines no ``selectPoints``; checked in the plotly.js bundled with
Streamlit 1.67), and Streamlit turns clicks into selections through plotly's
``clickmode="event+select"``, so a click on a heatmap cell never reaches the page. Scatter
points are selectable (checked in a browser: a click returns the tile's ``customdata``), dim the
unselected cells, and carry a text per cell. The layout keeps the cells square
(``scaleanchor``) at a fixed pixel size.

The figure itself has no title: the page shows ``spec.title`` above it (and the offline exports
use the same field), so that the title is not drawn twice.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

import plotly.colors
import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.disclosure import TableFlags
from dashboard.exports import ColumnFormat
from dashboard.formatting import (
    Language,
    format_change,
    format_chf,
    format_count,
    format_number,
    format_percent,
)
from dashboard.i18n import catalogue, t
from queries.filters import TOTAL
from queries.overlap import INSTITUTION_ORDER, OverlapResult
from queries.situations import EARLY_DETECTION_DAYS

# --- palette ----------------------------------------------------------------------------------

OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish_green": "#009E73",
    "reddish_purple": "#CC79A7",
    "vermillion": "#D55E00",
    "sky_blue": "#56B4E9",
    "yellow": "#F0E442",
}
"""Okabe & Ito's colour-blind-safe palette, without its black (invisible on a dark theme)."""

CATEGORY_COLOURS = tuple(OKABE_ITO.values())
"""Colours for categories without a fixed colour, in order."""

NEUTRAL = "#8C8C8C"
"""Mid grey: totals, connecting lines, "all institutions" bars; readable on white and black."""

DEFAULT_BAR = OKABE_ITO["sky_blue"]
"""Bars of categories without a colour of their own (no institution has this one)."""

INSTITUTION_COLOURS = {
    "ORP": OKABE_ITO["blue"],
    "OAI": OKABE_ITO["orange"],
    "CMS": OKABE_ITO["bluish_green"],
    "OSP": OKABE_ITO["reddish_purple"],
    "OASI": OKABE_ITO["vermillion"],
}
"""One colour per institution, in every chart (announcers and T1 provenances included)."""

REGION_COLOURS = {
    "Haut-Valais": OKABE_ITO["sky_blue"],
    "Sierre": OKABE_ITO["orange"],
    "Sion": OKABE_ITO["blue"],
    "Martigny": OKABE_ITO["bluish_green"],
    "Monthey": OKABE_ITO["reddish_purple"],
}
"""One colour per region. Seven safe colours cannot give ten distinct ones: regions reuse
institution colours, which is harmless as no chart shows both."""

# Announcers and T1 provenance institutions are institutions under other codes.
_CODE_COLOURS: dict[str, dict[str, str]] = {
    "institution": INSTITUTION_COLOURS,
    "region": REGION_COLOURS,
    "announcer": {
        "ORP": INSTITUTION_COLOURS["ORP"],
        "CMS": INSTITUTION_COLOURS["CMS"],
        "BIP/OASI": INSTITUTION_COLOURS["OASI"],
        "OAI": INSTITUTION_COLOURS["OAI"],
        "OSP/SHE": INSTITUTION_COLOURS["OSP"],
        "T1/SFOP": OKABE_ITO["yellow"],
        "other": NEUTRAL,
    },
    "provenance_institution": {
        **INSTITUTION_COLOURS,
        "CIO/OSP": INSTITUTION_COLOURS["OSP"],
        "SFOP": OKABE_ITO["yellow"],
        "circle_2_3": OKABE_ITO["sky_blue"],
    },
    "provenance": {
        "institutional": NEUTRAL,
        "private": OKABE_ITO["sky_blue"],
        "osp_survey": OKABE_ITO["yellow"],
        "medical_network": OKABE_ITO["orange"],
    },
    "direction": {
        "orp_to_cms": INSTITUTION_COLOURS["ORP"],
        "cms_to_orp": INSTITUTION_COLOURS["CMS"],
    },
    "language_region": {
        "valais_romand": OKABE_ITO["blue"],
        "haut_valais": OKABE_ITO["sky_blue"],
    },
}

HEATMAP_SCALE = tuple(plotly.colors.sequential.Blues[2:])
"""Heatmap scale: ColorBrewer's Blues without its two near-white steps, a single-hue lightness
ramp readable with any colour-vision deficiency. Tiles are opaque and their text is dark or
white, whichever contrasts more, so every value reads whatever the theme (Streamlit's chart
text is a mid grey, too pale on a mid-blue tile). Zero cells are not coloured at all (a faint
tile, the theme's text): "nothing" stays quiet on light and dark pages, where the light end of
Viridis or Cividis would glare on a dark one."""

_ZERO_TILE = "rgba(140,140,140,0.08)"
_DARK_TEXT = "#1A1A1A"
_WHITE = "#FFFFFF"
_TILE_PIXELS = 64  # side of a heatmap cell
_UPSET_DENSE = 12  # UpSet columns beyond which bar labels are upright counts only
_PAPER = "rgba(0,0,0,0)"
_HOVER = "%{hovertext}<extra></extra>"  # the hover shows our Swiss-formatted text, nothing else
_DIMMED = {"marker": {"opacity": 0.35}}  # unselected points while a selection is active

Unit = Literal[
    "persons", "situations", "cases", "participants", "services", "sessions", "share", "chf", "days"
]
"""What a value counts; picks the formatter, the axis ticks and the unit label."""

_UNIT_FORMATS: dict[str, ColumnFormat] = {"share": "percent", "chf": "chf", "days": "number"}


@dataclass(frozen=True)
class ChartEvent:
    """An event drawn on a time series: a dashed vertical line at `at` labelled `label`.

    `label` is already in the user's language (events are kept in the database, in French and
    German, and edited by admins), e.g. ``ChartEvent(2022, "Permis S dès 2022")``.
    """

    at: int | float | dt.date
    label: str


@dataclass(frozen=True, eq=False)  # eq=False: DataFrames and figures do not compare with ==
class ChartSpec:
    """A chart and everything shown around it.

    Attributes
    ----------
    figure
        The plotly figure; None when there is no data (then `summary` says so).
    title
        What is shown, for which year, and its unit.
    summary
        One sentence stating the finding, for screen readers and the text under the chart.
    table
        The data shown, with translated headers: the "show as table" alternative and the
        export.
    source
        The data source, without the "Source :" prefix (see ``charts.source_line``).
    footnotes
        Notes to print under the chart (missing regions, diagonal meaning, events).
    unit
        The unit of the values, as on the value axis (``Personnes``, ``Part (%)``).
    formats
        Display format of the table's numeric columns, for the exports and ``st.dataframe``.
    flags
        The cells hidden by small-count suppression (``dashboard.disclosure``): null in
        `table`, flagged ``< 5`` or ``X`` here; the exports write the flags and the
        suppression note. None for an unsuppressed table.
    """

    figure: go.Figure | None
    title: str
    summary: str
    table: pl.DataFrame
    source: str
    footnotes: tuple[str, ...] = ()
    unit: str = ""
    formats: Mapping[str, ColumnFormat] = field(default_factory=dict)
    flags: TableFlags | None = None


# --- labels and numbers -----------------------------------------------------------------------


def label(kind: str | None, code: str | None, lang: Language = "fr") -> str:
    """The label of a canonical code (``institution``/``ORP`` → ``RAV`` in German).

    A null code reads "non précisé", the ``total`` row "Total". A code with no catalogue entry
    is shown as is: those are the names that read the same in both languages (Monthey) and
    free text (budget categories, kinds of training).

    >>> label("institution", "ORP", "de"), label("region", "Monthey", "de"), label("region", None)
    ('RAV', 'Monthey', 'non précisé')
    """
    if code is None:
        return t("charts.not_specified", lang)
    if code == TOTAL:
        return t("charts.total", lang)
    key = f"charts.{kind}.{code}"
    return t(key, lang) if key in catalogue() else str(code)


def _labelled(values: pl.Series, kind: str | None, lang: Language, name: str) -> pl.Series:
    """`values` (codes) replaced by their labels, as a String series called `name`."""
    labels = [label(kind, code, lang) for code in values.to_list()]
    return pl.Series(name, labels, dtype=pl.String)


def column_label(name: str, lang: Language = "fr", **params: object) -> str:
    """The table header of a query column (``region`` → ``Région``); unknown names raise."""
    return t(f"charts.column.{name}", lang, **params)


def unit_label(unit: Unit, lang: Language = "fr") -> str:
    """The unit as an axis title or value column header (``Personnes``, ``Part (%)``)."""
    return t(f"charts.unit.{unit}", lang)


def format_value(
    value: int | float | Decimal | None, unit: Unit, lang: Language = "fr", *, short: bool = False
) -> str:
    """`value` formatted for its unit; `short` drops the centimes (axis ticks, bar labels).

    >>> format_value(1234, "persons"), format_value(0.2437, "share")
    ("1'234", '24 %')
    >>> format_value(416406.9, "chf", short=True)
    "Frs. 416'407"
    """
    if unit == "share":
        return format_percent(value, lang=lang)
    if unit == "chf":
        return format_chf(value, decimals=0 if short else 2, lang=lang)
    if unit == "days":
        return format_number(value, 0, lang)
    return format_count(value, lang)


def _change(current: Any, previous: Any, unit: Unit, lang: Language) -> str:
    """The signed change from `previous` to `current` (points for shares)."""
    if current is None or previous is None:
        return format_change(None, lang=lang)
    kind = {"share": "points", "chf": "chf"}.get(unit, "count")
    return format_change(current - previous, kind, lang=lang)


def _listed(items: Iterable[str], lang: Language) -> str:
    """Items joined with the language's list separator (French puts a space before ";")."""
    return t("charts.list_separator", lang).join(items)


def _plain(value: Any) -> Any:
    """A Decimal as a float for plotly (which cannot serialise Decimal); anything else as is."""
    return float(value) if isinstance(value, Decimal) else value


def combination_key(institutions: Iterable[str]) -> str:
    """The key of a set of institutions, members in report order joined by ``+``.

    The UpSet chart puts it in ``customdata``; :func:`combination_members` reads it back.

    >>> combination_key(["CMS", "ORP"])
    'ORP+CMS'
    """
    order = {name: position for position, name in enumerate(INSTITUTION_ORDER)}
    return "+".join(sorted(institutions, key=lambda name: order.get(name, len(order))))


def combination_members(key: str) -> tuple[str, ...]:
    """The institutions of a :func:`combination_key`.

    >>> combination_members("ORP+CMS")
    ('ORP', 'CMS')
    """
    return tuple(key.split("+")) if key else ()


# --- axes, colours, layout --------------------------------------------------------------------


def _nice_ticks(
    maximum: float, unit: Unit, lang: Language, count: int = 5
) -> tuple[list[float], list[str]]:
    """Round tick values from 0 to at least `maximum` (steps of 1, 2 or 5 × 10^k), formatted."""
    if not maximum or maximum <= 0:
        maximum = 1.0
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if unit not in ("share", "chf"):
        step = max(step, 1)  # counts have no fractional ticks
    values = [round(i * step, 10) for i in range(math.ceil(maximum / step - 1e-9) + 1)]
    return values, [format_value(value, unit, lang, short=True) for value in values]


def _value_axis(
    maximum: float, unit: Unit, lang: Language, *, title: str | None = None, headroom: float = 1.15
) -> dict[str, Any]:
    """Layout of a value axis: Swiss-formatted ticks and room for the labels outside the bars."""
    values, texts = _nice_ticks(maximum, unit, lang)
    return {
        "tickmode": "array",
        "tickvals": values,
        "ticktext": texts,
        "range": [0, max(values[-1], (maximum or 1) * headroom)],
        "title": {"text": title if title is not None else unit_label(unit, lang)},
        "fixedrange": True,
        "zeroline": False,
    }


def _category_axis(categories: Sequence[str], **extra: Any) -> dict[str, Any]:
    """Layout of a category axis showing `categories` in the given order."""
    return {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": list(categories),
        "fixedrange": True,
        **extra,
    }


def _colour(kind: str | None, code: str | None, fallback: str = DEFAULT_BAR) -> str:
    return _CODE_COLOURS.get(kind or "", {}).get(code or "", fallback)


def _tile_colour(position: float) -> str:
    """The :data:`HEATMAP_SCALE` colour at `position` (value / maximum) in 0..1."""
    position = min(max(position, 0.0), 1.0)
    return plotly.colors.sample_colorscale(list(HEATMAP_SCALE), [position])[0]


def _luminance(colour: str) -> float:
    """WCAG relative luminance of an ``rgb(r, g, b)`` or ``#rrggbb`` colour."""
    if colour.startswith("#"):
        channels = plotly.colors.hex_to_rgb(colour)
    else:
        channels = plotly.colors.unlabel_rgb(colour)
    linear = [
        value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
        for value in (channel / 255 for channel in channels)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _text_colour(background: str) -> str:
    """Dark or white text, whichever has the higher WCAG contrast with `background`."""
    tile = _luminance(background)
    dark = (tile + 0.05) / (_luminance(_DARK_TEXT) + 0.05)
    white = 1.05 / (tile + 0.05)
    return _DARK_TEXT if dark >= white else _WHITE


def _layout_dict(*, height: int, legend: bool = False) -> dict[str, Any]:
    """The shared look: transparent backgrounds, Swiss separators, no hard-coded font colour."""
    return {
        "height": height,
        "paper_bgcolor": _PAPER,
        "plot_bgcolor": _PAPER,
        "separators": ".'",  # decimal point, apostrophe thousands: plotly's own number texts too
        "margin": {"l": 10, "r": 10, "t": 30 if legend else 10, "b": 10},
        "showlegend": legend,
        "legend": {
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.0,
            "x": 0,
            "title": {"text": ""},
        },
        "hoverlabel": {"align": "left"},
        "hovermode": "closest",
    }


def _layout(figure: go.Figure, *, height: int, legend: bool = False) -> go.Figure:
    """:func:`_layout_dict` applied to an existing figure."""
    figure.update_layout(_layout_dict(height=height, legend=legend))
    return figure


def _merged(base: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `update` merged in, nested dicts merged key by key (as ``update_layout``)."""
    result = dict(base)
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = _merged(result[key], value)
        else:
            result[key] = value
    return result


def _figure(traces: Sequence[Mapping[str, Any]], layout: Mapping[str, Any]) -> go.Figure:
    """A figure built and validated in one go from plain trace and layout dicts.

    Much faster than ``add_trace``/``update_*axes`` calls, each of which walks and validates
    the figure again: the builders of the pages rerun on every filter change.
    """
    return go.Figure(data=list(traces), layout=layout)


def _mark_not_recorded(figure: go.Figure, names: Sequence[str], lang: Language) -> None:
    """Write "non répertorié" at the foot of the (horizontal) bars of `names`, which have none."""
    for name in names:
        figure.add_annotation(
            x=0,
            y=name,
            text=f"<i>{t('charts.not_recorded', lang)}</i>",
            showarrow=False,
            xanchor="left",
            font={"color": NEUTRAL},
        )


def _no_data(
    title: str, source: str, lang: Language, *, footnotes: Sequence[str] = (), unit: str = ""
) -> ChartSpec:
    summary = t("charts.no_data", lang)
    return ChartSpec(None, title, summary, pl.DataFrame(), source, tuple(footnotes), unit)


def _missing_note(labels: Sequence[str], lang: Language) -> tuple[str, ...]:
    return (t("charts.missing_values_note", lang, labels=", ".join(labels)),) if labels else ()


# --- square-tile heatmap (selectable) ---------------------------------------------------------


@dataclass(frozen=True)
class _Tile:
    x: str
    y: str
    value: float | None  # the shade; None for a framed (total, diagonal) tile
    text: str
    hover: str
    customdata: Any


def _tile_trace(tiles: Sequence[_Tile], marker: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "scatter",
        "x": [tile.x for tile in tiles],
        "y": [tile.y for tile in tiles],
        "mode": "markers+text",
        "marker": marker,
        "text": [tile.text for tile in tiles],
        "hovertext": [tile.hover for tile in tiles],
        "hovertemplate": _HOVER,
        "customdata": [tile.customdata for tile in tiles],
        "unselected": _DIMMED,
        "showlegend": False,
        **extra,
    }


def _tile_grid(
    tiles: Sequence[_Tile],
    columns: Sequence[str],
    rows: Sequence[str],
    *,
    colour_max: float,
    x_title: str | None = None,
    y_title: str | None = None,
) -> go.Figure:
    """A heatmap drawn as square markers: tiles shaded by value, framed tiles for totals.

    Three traces at most, in this order: zero tiles (faint, theme text), shaded tiles (opaque,
    contrasting text), framed tiles (outline only, theme text). `x_title` and `y_title` name
    the axes (none by default).
    """
    size = _TILE_PIXELS - 6
    scale_max = colour_max if colour_max > 0 else 1
    zeros = [tile for tile in tiles if tile.value is not None and not tile.value]
    shaded = [tile for tile in tiles if tile.value]
    framed = [tile for tile in tiles if tile.value is None]
    square = {"symbol": "square", "size": size, "line": {"width": 0}}
    traces = []
    if zeros:
        traces.append(_tile_trace(zeros, {**square, "color": _ZERO_TILE}))
    if shaded:
        fills = [_tile_colour(tile.value / scale_max) for tile in shaded]
        text = {"color": [_text_colour(fill) for fill in fills]}
        traces.append(_tile_trace(shaded, {**square, "color": fills}, textfont=text))
    if framed:
        outline = {"symbol": "square-open", "size": size - 2, "color": NEUTRAL}
        traces.append(_tile_trace(framed, {**outline, "line": {"width": 2}}))
    plain = {"showgrid": False, "zeroline": False, "ticks": ""}
    xaxis = {
        **_category_axis(columns, **plain),
        "range": [-0.5, len(columns) - 0.5],
        "side": "top",
        "constrain": "domain",
        "constraintoward": "left",  # square cells leave spare width: keep the grid by its labels
    }
    yaxis = {
        **_category_axis(rows, **plain),
        "range": [len(rows) - 0.5, -0.5],  # first row on top
        "scaleanchor": "x",
        "scaleratio": 1,
        "constrain": "domain",
    }
    if x_title is not None:
        xaxis["title"] = {"text": x_title}
    if y_title is not None:
        yaxis["title"] = {"text": y_title}
    layout = {**_layout_dict(height=_TILE_PIXELS * len(rows) + 130), "xaxis": xaxis, "yaxis": yaxis}
    return _figure(traces, layout)


# --- overlaps ---------------------------------------------------------------------------------


def overlap_heatmap(
    result: OverlapResult,
    lang: Language = "fr",
    mode: Literal["counts", "row_shares"] = "counts",
    *,
    source: str | None = None,
    footnotes: Sequence[str] = (),
) -> ChartSpec:
    """The institution × institution overlap matrix of a year, as counts or row shares.

    Cell (i, j), i ≠ j: persons with an episode at i overlapping one at j (``counts``), or that
    number over the beneficiaries of i (``row_shares``). The diagonal is framed and not
    shaded: it holds the persons for whom i takes part (followed simultaneously by any other
    institution), or their share, which would otherwise dominate the scale.

    Parameters
    ----------
    result
        :func:`queries.overlap.overlap_summary` of the year.
    lang
        ``fr`` or ``de``.
    mode
        ``counts`` or ``row_shares``.
    source, footnotes
        Replace the default source line; add notes to the default ones.

    Returns
    -------
    ChartSpec
        Each cell's ``customdata`` is ``[institution, other]`` (codes, diagonal included). The
        table is the wide matrix: the institution, then one column per institution.
    """
    title = t(f"charts.overlap_title_{mode}", lang, year=result.year)
    source = source or t("charts.source_followups", lang)
    unit: Unit = "persons" if mode == "counts" else "share"
    notes = (t("charts.overlap_diagonal_note", lang), *footnotes)
    matrix = result.matrix
    if matrix.is_empty():
        return _no_data(title, source, lang, footnotes=notes, unit=unit_label(unit, lang))
    value = "persons" if mode == "counts" else "row_share"
    codes = result.per_institution.get_column("institution").to_list()
    names = {code: label("institution", code, lang) for code in codes}

    tiles = []
    cells = matrix.select("institution", "other", "persons", "row_share").iter_rows()
    for institution, other, persons, row_share in cells:
        shown = persons if mode == "counts" else row_share
        diagonal = institution == other
        params = {
            "institution": names[institution],
            "other": names[other],
            "persons": format_count(persons, lang),
            "of_institution": t(f"charts.of_institution.{institution}", lang),
        }
        row_percent = format_percent(row_share, lang=lang)
        if diagonal:
            hover = t("charts.overlap_hover_diagonal", lang, share=row_percent, **params)
        else:
            hover = t("charts.overlap_hover_pair", lang, row_share=row_percent, **params)
        tiles.append(
            _Tile(
                x=names[other],
                y=names[institution],
                value=None if diagonal else float(shown or 0),
                text=format_value(shown, unit, lang),
                hover=hover,
                customdata=[institution, other],
            )
        )
    off_diagonal = matrix.filter(pl.col("institution") != pl.col("other"))
    labels = [names[code] for code in codes]
    colour_max = float(off_diagonal.get_column(value).max() or 0)
    figure = _tile_grid(
        tiles,
        labels,
        labels,
        colour_max=colour_max,
        x_title=t("charts.overlap_axis_columns", lang),
        y_title=t("charts.overlap_axis_rows", lang),
    )

    table = (
        matrix.pivot(on="other", index="institution", values=value)
        .with_columns(pl.col("institution").replace_strict(names, return_dtype=pl.String))
        .rename({"institution": column_label("institution", lang), **names})
    )
    cell_format: ColumnFormat = "count" if mode == "counts" else "percent"
    formats: dict[str, ColumnFormat] = dict.fromkeys(labels, cell_format)
    summary = _overlap_summary(result.year, off_diagonal, mode, names, lang)
    return ChartSpec(figure, title, summary, table, source, notes, unit_label(unit, lang), formats)


def _overlap_summary(
    year: int, off_diagonal: pl.DataFrame, mode: str, names: Mapping[str, str], lang: Language
) -> str:
    if off_diagonal.is_empty() or not off_diagonal.get_column("persons").max():
        return t("charts.overlap_summary_none", lang, year=year)
    if mode == "counts":
        # The matrix is symmetric: read each pair once, in report order.
        order = {code: position for position, code in enumerate(INSTITUTION_ORDER)}
        first, second = (
            pl.col(side).replace_strict(order, return_dtype=pl.Int64)
            for side in ("institution", "other")
        )
        pairs = off_diagonal.filter(first < second)
        pairs = pairs.sort("persons", descending=True, maintain_order=True)
        institution, other, persons = pairs.select("institution", "other", "persons").row(0)
        return t(
            "charts.overlap_summary_counts",
            lang,
            year=year,
            institution=names[institution],
            other=names[other],
            persons=format_count(persons, lang),
        )
    shares = off_diagonal.filter(pl.col("row_share").is_not_null())
    top = shares.sort("row_share", descending=True, maintain_order=True)
    institution, other, row_share = top.select("institution", "other", "row_share").row(0)
    return t(
        "charts.overlap_summary_row_shares",
        lang,
        year=year,
        row_share=format_percent(row_share, lang=lang),
        of_institution=t(f"charts.of_institution.{institution}", lang),
        by_other=t(f"charts.by_institution.{other}", lang),
    )


def _keyed_combinations(combinations: pl.DataFrame, name: str) -> pl.DataFrame:
    """``key`` (:func:`combination_key`) and the persons, as `name`, of a combinations frame."""
    sets = combinations.get_column("institutions").to_list()
    keys = [combination_key(members) for members in sets]
    return pl.DataFrame(
        {"key": keys, name: combinations.get_column("persons")},
        schema={"key": pl.String, name: pl.Int64},
    )


def upset_chart(
    combinations: pl.DataFrame,
    lang: Language = "fr",
    previous: pl.DataFrame | None = None,
    *,
    year: int,
    previous_year: int | None = None,
    source: str | None = None,
    footnotes: Sequence[str] = (),
) -> ChartSpec:
    """An UpSet chart of the exact sets of institutions following a person simultaneously.

    Top: one bar per combination, persons, largest first. Below, sharing the x axis: the dot
    matrix, one row per institution, a coloured dot where the institution is a member and a
    line joining the members. Left of the matrix: the set sizes (persons for whom each
    institution takes part, the sum of its combinations).

    Parameters
    ----------
    combinations
        :attr:`queries.overlap.OverlapResult.combinations` of `year`: ``institutions``
        (List[String]) and ``persons``.
    lang
        ``fr`` or ``de``.
    previous
        The same frame for `previous_year`, to show each combination's change in the hover,
        on the bar and in the table. A combination absent from it had 0 persons that year.
    year, previous_year
        The years shown (titles and sentences).
    source, footnotes
        Replace the default source line; add notes.

    Returns
    -------
    ChartSpec
        A combination bar's (and its dots') ``customdata`` is its :func:`combination_key`
        (``"ORP+CMS"``); a set-size bar's is the institution code.
    """
    title = t("charts.upset_title", lang, year=year)
    source = source or t("charts.source_followups", lang)
    unit = unit_label("persons", lang)
    comparing = previous is not None and previous_year is not None
    previous_note = t("charts.upset_previous_note", lang, previous_year=previous_year)
    notes = (*((previous_note,) if comparing else ()), *footnotes)
    frame = combinations.filter(pl.col("persons") > 0)
    if frame.is_empty():
        return _no_data(title, source, lang, footnotes=notes, unit=unit)

    keyed = _keyed_combinations(frame, "persons")
    if comparing:
        before = _keyed_combinations(previous, "previous")
        keyed = keyed.join(before, on="key", how="left", maintain_order="left")
        keyed = keyed.with_columns(pl.col("previous").fill_null(0))
    # Largest first; ties keep the query's order (its sets in report order).
    keyed = keyed.sort("persons", descending=True, maintain_order=True)
    keys = keyed.get_column("key").to_list()
    persons = keyed.get_column("persons").to_list()
    before_counts = keyed.get_column("previous").to_list() if comparing else [None] * len(keys)
    members = {key: combination_members(key) for key in keys}
    present = [code for code in INSTITUTION_ORDER if any(code in members[key] for key in keys)]
    names = {code: label("institution", code, lang) for code in present}
    spelled = {key: " + ".join(names[code] for code in members[key]) for key in keys}
    set_sizes = [
        sum(count for key, count in zip(keys, persons, strict=True) if code in members[key])
        for code in present
    ]

    set_texts = [format_count(size, lang) for size in set_sizes]

    # Past a dozen columns the bars are too narrow for two-line labels: the counts turn
    # upright and the changes stay in the hover texts and the table.
    dense = len(keys) > _UPSET_DENSE
    bar_texts, hovers = [], []
    for key, count, before_count in zip(keys, persons, before_counts, strict=True):
        text = format_count(count, lang)
        hover = t("charts.upset_hover", lang, combination=spelled[key], persons=text)
        if comparing:
            change = _change(count, before_count, "persons", lang)
            hover += "<br>" + t(
                "charts.upset_hover_change",
                lang,
                previous_year=previous_year,
                previous=format_count(before_count, lang),
                change=change,
            )
            if not dense:
                text += f"<br>({change})"
        bar_texts.append(text)
        hovers.append(hover)

    grid, cells = _upset_grid()
    bars, matrix, sets = cells[1, 2], cells[2, 2], cells[2, 1]
    traces = [
        {
            "type": "bar",
            "x": keys,
            "y": persons,
            "text": bar_texts,
            "textposition": "outside",
            "textangle": -90 if dense else 0,
            "cliponaxis": False,
            "marker": {"color": NEUTRAL},
            "hovertext": hovers,
            "hovertemplate": _HOVER,
            "customdata": keys,
            "unselected": _DIMMED,
            "showlegend": False,
            **bars,
        },
        {**_upset_background(keys, list(names.values())), **matrix},
        {**_upset_members(keys, members, names, hovers), **matrix},
        {
            "type": "bar",
            "x": set_sizes,
            "y": [names[code] for code in present],
            "orientation": "h",
            "text": set_texts,
            "textposition": "outside",
            "cliponaxis": False,
            "marker": {"color": [INSTITUTION_COLOURS.get(code, NEUTRAL) for code in present]},
            "hovertext": [
                t("charts.upset_hover_set", lang, institution=names[code], persons=persons_text)
                for code, persons_text in zip(present, set_texts, strict=True)
            ],
            "hovertemplate": _HOVER,
            "customdata": present,
            "unselected": _DIMMED,
            "showlegend": False,
            **sets,
        },
    ]
    columns_axis = _category_axis(keys, showticklabels=False, showgrid=False)
    headroom = 1.3 if comparing or dense else 1.15
    rows = [names[code] for code in present]
    rows_axis = _category_axis(rows, autorange="reversed", showgrid=False)
    sets_title = t("charts.upset_axis_sets", lang)
    sets_axis = _value_axis(max(set_sizes), "persons", lang, title=sets_title, headroom=1.4)
    sets_axis["range"] = sets_axis["range"][::-1]  # bars grow leftwards, towards the names
    axes = {
        _axis_name(bars["xaxis"]): columns_axis,
        _axis_name(matrix["xaxis"]): columns_axis,
        _axis_name(bars["yaxis"]): _value_axis(max(persons), "persons", lang, headroom=headroom),
        _axis_name(sets["yaxis"]): {**rows_axis, "showticklabels": False},
        _axis_name(matrix["yaxis"]): {**rows_axis, "showticklabels": True, "ticks": ""},
        _axis_name(sets["xaxis"]): sets_axis,
    }
    layout = _merged(grid, axes)
    layout |= _layout_dict(height=360 + 34 * len(present))
    # Same size for every bar label, even where a narrow bar would shrink its own.
    layout["uniformtext"] = {"minsize": 9, "mode": "show"}
    figure = _figure(traces, layout)

    summary = t(
        "charts.upset_summary",
        lang,
        year=year,
        combination=spelled[keys[0]],
        persons=format_count(persons[0], lang),
        share=format_percent(persons[0] / sum(persons), lang=lang),
    )
    if comparing:
        summary += " " + t(
            "charts.upset_summary_change",
            lang,
            previous_year=previous_year,
            previous=format_count(before_counts[0], lang),
            change=_change(persons[0], before_counts[0], "persons", lang),
        )
    persons_header = column_label("persons_year", lang, year=year)
    columns: dict[str, list] = {
        column_label("combination", lang): [spelled[key] for key in keys],
        persons_header: persons,
    }
    formats: dict[str, ColumnFormat] = {persons_header: "count"}
    if comparing:
        previous_header = column_label("persons_year", lang, year=previous_year)
        change_header = column_label("change", lang)
        columns[previous_header] = before_counts
        changes = [now - then for now, then in zip(persons, before_counts, strict=True)]
        columns[change_header] = changes
        formats |= {previous_header: "count", change_header: "count"}
    table = pl.DataFrame(columns, schema_overrides=dict.fromkeys(formats, pl.Int64))
    return ChartSpec(figure, title, summary, table, source, notes, unit, formats)


@functools.cache  # a constant: computed once, handed out as copies by _upset_grid
def _upset_layout() -> tuple[dict[str, Any], dict[tuple[int, int], dict[str, str]]]:
    grid = make_subplots(
        rows=2,
        cols=2,
        specs=[[None, {}], [{}, {}]],
        shared_xaxes=True,
        shared_yaxes=True,
        column_widths=[0.22, 0.78],
        row_heights=[0.62, 0.38],
        horizontal_spacing=0.13,  # room for the institution names between set sizes and matrix
        vertical_spacing=0.03,
    )
    layout = grid.layout.to_plotly_json()
    layout.pop("template", None)  # the figure built from it takes the default template itself
    cells = {}
    for row, col in ((1, 2), (2, 1), (2, 2)):
        subplot = grid.get_subplot(row, col)
        cells[row, col] = {
            "xaxis": subplot.xaxis.plotly_name.replace("axis", ""),
            "yaxis": subplot.yaxis.plotly_name.replace("axis", ""),
        }
    return layout, cells


def _upset_grid() -> tuple[dict[str, Any], dict[tuple[int, int], dict[str, str]]]:
    """The UpSet chart's grid: the axes layout of its subplots and each cell's axis references.

    Top right the combination bars, bottom right the dot matrix (sharing their x axis), bottom
    left the set sizes (sharing the matrix's y axis). The grid never changes: ``make_subplots``
    (slow) runs once; each call gets its own copy.
    """
    layout, cells = _upset_layout()
    return copy.deepcopy(layout), {cell: dict(refs) for cell, refs in cells.items()}


def _axis_name(reference: str) -> str:
    """The layout key of an axis a trace refers to: ``x3`` → ``xaxis3``."""
    return f"{reference[0]}axis{reference[1:]}"


def _upset_background(keys: Sequence[str], rows: Sequence[str]) -> dict[str, Any]:
    """Faint dots at every (combination, institution) pair, members or not."""
    return {
        "type": "scatter",
        "x": [key for key in keys for _ in rows],
        "y": [row for _ in keys for row in rows],
        "mode": "markers",
        "marker": {"size": 12, "color": NEUTRAL, "opacity": 0.25},
        "hoverinfo": "skip",
        "showlegend": False,
    }


def _upset_members(
    keys: Sequence[str],
    members: Mapping[str, Sequence[str]],
    names: Mapping[str, str],
    hovers: Sequence[str],
) -> dict[str, Any]:
    """The member dots of each combination, in the institutions' colours, joined by a line.

    One trace for all combinations: a None point between two combinations breaks the line.
    """
    xs, ys, colours, data, texts = [], [], [], [], []
    for key, hover in zip(keys, hovers, strict=True):
        for code in members[key]:
            xs.append(key)
            ys.append(names[code])
            colours.append(INSTITUTION_COLOURS.get(code, NEUTRAL))
            data.append(key)
            texts.append(hover)
        xs.append(None)
        ys.append(None)
        colours.append(NEUTRAL)
        data.append(None)
        texts.append(None)
    return {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "mode": "lines+markers",
        "line": {"color": NEUTRAL, "width": 3},
        "marker": {"size": 14, "color": colours},
        "customdata": data,
        "hovertext": texts,
        "hovertemplate": _HOVER,
        "connectgaps": False,
        "showlegend": False,
    }


def share_comparison(
    per_institution_year: pl.DataFrame,
    per_institution_previous: pl.DataFrame | None,
    lang: Language = "fr",
    *,
    year: int,
    previous_year: int | None = None,
    source: str | None = None,
    footnotes: Sequence[str] = (),
) -> ChartSpec:
    """Per institution, the share of beneficiaries followed simultaneously: year vs comparison.

    Grouped bars in the institution's colour, the comparison year hatched and lighter (years
    are told apart by pattern, not by colour alone).

    Parameters
    ----------
    per_institution_year, per_institution_previous
        :attr:`queries.overlap.OverlapResult.per_institution` of `year` and `previous_year`
        (``institution``, ``beneficiaries``, ``simultaneous``, ``share``); the second may be
        None (no comparison).
    lang
        ``fr`` or ``de``.
    year, previous_year
        The years shown.
    source, footnotes
        Replace the default source line; add notes.

    Returns
    -------
    ChartSpec
        A bar's ``customdata`` is ``[institution, year]``. The summary names the institution
        whose share changed most (or, without comparison, the highest share).
    """
    comparing = per_institution_previous is not None and previous_year is not None
    if comparing:
        title = t("charts.share_title", lang, year=year, previous_year=previous_year)
    else:
        title = t("charts.share_title_single", lang, year=year)
    source = source or t("charts.source_followups", lang)
    unit = unit_label("share", lang)
    frames = [per_institution_year] + ([per_institution_previous] if comparing else [])
    seen = {code for frame in frames for code in frame.get_column("institution").to_list()}
    present = [code for code in INSTITUTION_ORDER if code in seen]
    counts = ["beneficiaries", "simultaneous", "share"]
    skeleton = pl.DataFrame({"institution": present}, schema={"institution": pl.String})
    current = per_institution_year.select("institution", *counts)
    joined = skeleton.join(current, on="institution", how="left", maintain_order="left")
    if comparing:
        before = per_institution_previous.select(
            "institution", *(pl.col(name).alias(f"previous_{name}") for name in counts)
        )
        joined = joined.join(before, on="institution", how="left", maintain_order="left")
    share_columns = ["share", "previous_share"] if comparing else ["share"]
    if joined.select(pl.col(share_columns).is_not_null().any()).sum_horizontal().item() == 0:
        return _no_data(title, source, lang, footnotes=footnotes, unit=unit)

    names = {code: label("institution", code, lang) for code in present}
    traces = []
    series = [(previous_year, "previous_")] if comparing else []
    for shown_year, prefix in [*series, (year, "")]:
        hatched = bool(prefix)
        shares = joined.get_column(f"{prefix}share").to_list()
        rows = zip(
            present,
            shares,
            joined.get_column(f"{prefix}simultaneous").to_list(),
            joined.get_column(f"{prefix}beneficiaries").to_list(),
            strict=True,
        )
        hovers = [
            t(
                "charts.share_hover",
                lang,
                institution=names[code],
                year=shown_year,
                share=format_percent(share, lang=lang),
                simultaneous=format_count(simultaneous, lang),
                beneficiaries=format_count(beneficiaries, lang),
            )
            for code, share, simultaneous, beneficiaries in rows
        ]
        traces.append(
            {
                "type": "bar",
                "name": str(shown_year),
                "x": [names[code] for code in present],
                "y": shares,
                "text": [format_percent(s, lang=lang) if s is not None else "" for s in shares],
                "textposition": "outside",
                "cliponaxis": False,
                "marker": {
                    "color": [INSTITUTION_COLOURS.get(code, NEUTRAL) for code in present],
                    "opacity": 0.55 if hatched else 1.0,
                    "pattern": {"shape": "/" if hatched else ""},
                },
                "hovertext": hovers,
                "hovertemplate": _HOVER,
                "customdata": [[code, shown_year] for code in present],
                "unselected": _DIMMED,
            }
        )
    maximum = joined.select(pl.max_horizontal(share_columns).max()).item() or 0
    layout = {
        **_layout_dict(height=380, legend=True),
        "xaxis": {"type": "category", "fixedrange": True},
        "yaxis": _value_axis(maximum, "share", lang, title=t("charts.share_axis", lang)),
        "barmode": "group",
    }
    figure = _figure(traces, layout)

    headers = {
        "beneficiaries": column_label("beneficiaries_year", lang, year=year),
        "simultaneous": column_label("simultaneous_year", lang, year=year),
        "share": column_label("share_year", lang, year=year),
    }
    formats: dict[str, ColumnFormat] = {
        headers["beneficiaries"]: "count",
        headers["simultaneous"]: "count",
        headers["share"]: "percent",
    }
    if comparing:
        headers["previous_share"] = column_label("share_year", lang, year=previous_year)
        formats[headers["previous_share"]] = "percent"
    institutions = joined.get_column("institution")
    table = joined.select(
        _labelled(institutions, "institution", lang, column_label("institution", lang)),
        *(pl.col(name).alias(header) for name, header in headers.items()),
    )
    summary = _share_summary(joined, comparing, year, previous_year, lang)
    return ChartSpec(figure, title, summary, table, source, tuple(footnotes), unit, formats)


def _share_summary(
    joined: pl.DataFrame, comparing: bool, year: int, previous_year: int | None, lang: Language
) -> str:
    if comparing:
        both = joined.filter(pl.col("share").is_not_null() & pl.col("previous_share").is_not_null())
        if not both.is_empty():
            change = (pl.col("share") - pl.col("previous_share")).abs()
            top = both.sort(change, descending=True, maintain_order=True).row(0, named=True)
            return t(
                "charts.share_summary_change",
                lang,
                year=year,
                previous_year=previous_year,
                share=format_percent(top["share"], lang=lang),
                previous=format_percent(top["previous_share"], lang=lang),
                change=_change(top["share"], top["previous_share"], "share", lang),
                of_institution=t(f"charts.of_institution.{top['institution']}", lang),
            )
    shown = joined.filter(pl.col("share").is_not_null())
    if shown.is_empty():  # only the comparison year has shares
        return t("charts.no_data", lang)
    top = shown.sort("share", descending=True, maintain_order=True).row(0, named=True)
    return t(
        "charts.share_summary",
        lang,
        year=year,
        share=format_percent(top["share"], lang=lang),
        of_institution=t(f"charts.of_institution.{top['institution']}", lang),
    )


# --- time series ------------------------------------------------------------------------------


def trend_line(
    frame: pl.DataFrame,
    lang: Language,
    title_key: str,
    unit: Unit,
    events: Sequence[ChartEvent] = (),
    *,
    x: str = "year",
    y: str = "value",
    series: str | None = None,
    series_kind: str | None = None,
    title_params: Mapping[str, object] | None = None,
    source: str | None = None,
    footnotes: Sequence[str] = (),
) -> ChartSpec:
    """A multi-year line (one per `series` value, if given), events as dashed vertical lines.

    A null value is a gap in the line, never a 0, and its year is named in a footnote.

    Parameters
    ----------
    frame
        One row per year (and series): columns `x` (integer years), `y` (the value) and
        optionally `series` (e.g. the institution of a per-institution trend).
    lang
        ``fr`` or ``de``.
    title_key, title_params
        Catalogue key of the title and its placeholders (the caller's domain, e.g. the page's).
    unit
        What the values count (:data:`Unit`); shares are 0..1 floats.
    events
        :class:`ChartEvent` lines to draw; also listed in a footnote (the lines are opaque to
        screen readers).
    x, y, series
        Column names.
    series_kind
        Kind of the series codes for labels and fixed colours (``institution``, ``region``).
    source, footnotes
        The source line (the Bureau CII by default); notes to add.

    Returns
    -------
    ChartSpec
        A point's ``customdata`` is ``[year, series code]``. The table is wide: the year, then
        one column per series.
    """
    title = t(title_key, lang, **(title_params or {}))
    source = source or t("charts.source_cii", lang)
    unit_text = unit_label(unit, lang)
    labels = _listed((event.label for event in events), lang)
    event_notes = (t("charts.events_note", lang, events=labels),) if events else ()
    data = frame.sort(x, maintain_order=True)
    if data.is_empty() or data.get_column(y).is_null().all():
        return _no_data(title, source, lang, footnotes=(*event_notes, *footnotes), unit=unit_text)

    # Series in the order the query gives them (report order), each sorted by year.
    if series is None:
        codes = [None]
    else:
        codes = frame.get_column(series).unique(maintain_order=True).to_list()
    names = {code: label(series_kind, code, lang) for code in codes if code is not None}
    traces = []
    sentences, missing = [], []
    for position, code in enumerate(codes):
        rows = data if series is None else data.filter(pl.col(series) == code)
        xs, values = rows.get_column(x).to_list(), rows.get_column(y).to_list()
        texts = [format_value(value, unit, lang) for value in values]
        if series is None:
            colour = DEFAULT_BAR
            hovers = [
                t("charts.trend_hover", lang, x=at, value=text)
                for at, text in zip(xs, texts, strict=True)
            ]
        else:
            colour = _colour(series_kind, code, CATEGORY_COLOURS[position % len(CATEGORY_COLOURS)])
            hovers = [
                t("charts.trend_hover_series", lang, series=names[code], x=at, value=text)
                for at, text in zip(xs, texts, strict=True)
            ]
        traces.append(
            {
                "type": "scatter",
                "name": names.get(code, unit_text),
                "x": xs,
                "y": [_plain(value) for value in values],
                "mode": "lines+markers",
                "connectgaps": False,
                "line": {"color": colour, "width": 3},
                "marker": {"color": colour, "size": 8},
                "hovertext": hovers,
                "hovertemplate": _HOVER,
                "customdata": [[at, code] for at in xs],
            }
        )
        gaps = [at for at, value in zip(xs, values, strict=True) if value is None]
        missing += [f"{names[code]} {at}" if series else str(at) for at in gaps]
        known = [(at, value) for at, value in zip(xs, values, strict=True) if value is not None]
        if known:
            sentences.append(_trend_sentence(names.get(code), known, unit, lang))

    event_years = [event.at for event in events if isinstance(event.at, int)]
    years = sorted({*data.get_column(x).to_list(), *event_years})
    whole_years = all(isinstance(at, int) for at in years)
    xaxis = {
        "tickmode": "array",
        "tickvals": years,
        "ticktext": [str(at) for at in years],  # years are labels: "2025", never "2'025"
        "title": {"text": column_label("year", lang)},
        "fixedrange": True,
        "showgrid": False,
    }
    if whole_years:
        xaxis["range"] = [years[0] - 0.5, years[-1] + 0.5]
    layout = {
        **_layout_dict(height=360, legend=series is not None),
        "xaxis": xaxis,
        "yaxis": _value_axis(data.get_column(y).cast(pl.Float64).max() or 0, unit, lang),
    }
    figure = _figure(traces, layout)
    for event in events:  # rare: plotly's helper places the line and its label
        figure.add_vline(
            x=event.at,
            line={"dash": "dash", "color": NEUTRAL, "width": 1},
            annotation={"text": event.label, "showarrow": False, "textangle": -90},
            annotation_position="top left",
        )

    year_header = column_label("year", lang)
    value_format = _UNIT_FORMATS.get(unit, "count")
    if series is None:
        table = data.select(pl.col(x).alias(year_header), pl.col(y).alias(unit_text))
        formats: dict[str, ColumnFormat] = {year_header: "year", unit_text: value_format}
    else:
        wide = data.pivot(on=series, index=x, values=y, maintain_order=True).sort(x)
        table = wide.rename({x: year_header, **{str(code): name for code, name in names.items()}})
        formats = {year_header: "year", **dict.fromkeys(names.values(), value_format)}
    missing_note = (t("charts.missing_years", lang, years=", ".join(missing)),) if missing else ()
    notes = (*missing_note, *event_notes, *footnotes)
    return ChartSpec(figure, title, " ".join(sentences), table, source, notes, unit_text, formats)


def _trend_sentence(
    name: str | None, known: Sequence[tuple[Any, Any]], unit: Unit, lang: Language
) -> str:
    """From the first to the last known value: a sentence, or one per series."""
    (first_year, first), (last_year, last) = known[0], known[-1]
    if len(known) == 1:
        value = format_value(last, unit, lang)
        text = t("charts.trend_summary_single", lang, value=value, year=last_year)
        return t("charts.hover_value", lang, label=name, value=text) if name else text
    params = {
        "first_year": first_year,
        "last_year": last_year,
        "first": format_value(first, unit, lang),
        "last": format_value(last, unit, lang),
        "change": _change(last, first, unit, lang),
    }
    if name is None:
        return t("charts.trend_summary", lang, **params)
    return t("charts.trend_summary_series", lang, series=name, **params)


def sparkline(
    values: Sequence[int | float | Decimal | None] | pl.Series,
    *,
    years: Sequence[int] | None = None,
    unit: Unit | None = None,
    lang: Language = "fr",
) -> go.Figure | None:
    """A tiny line for a KPI card: no axes, no legend, the last value marked; None without data.

    With `years` and `unit` the points have Swiss-formatted hover texts; otherwise no hover.

    >>> sparkline([38, 67, None, 143]).data[0].y
    (38, 67, None, 143)
    """
    points = list(values)
    if all(value is None for value in points):  # also when there is no point at all
        return None
    xs = list(years) if years is not None else list(range(len(points)))
    ys = [_plain(value) for value in points]
    last = max(position for position, value in enumerate(points) if value is not None)
    if years is not None and unit is not None:
        hover: dict[str, Any] = {
            "hovertext": [
                t("charts.trend_hover", lang, x=at, value=format_value(value, unit, lang))
                for at, value in zip(xs, points, strict=True)
            ],
            "hovertemplate": _HOVER,
        }
    else:
        hover = {"hoverinfo": "skip"}
    line = go.Scatter(
        x=xs,
        y=ys,
        mode="lines",
        connectgaps=False,
        line={"color": DEFAULT_BAR, "width": 2},
        showlegend=False,
        **hover,
    )
    end = go.Scatter(
        x=[xs[last]],
        y=[ys[last]],
        mode="markers",
        marker={"color": DEFAULT_BAR, "size": 6},
        hoverinfo="skip",
        showlegend=False,
    )
    figure = go.Figure([line, end])
    figure.update_xaxes(visible=False, fixedrange=True)
    figure.update_yaxes(visible=False, fixedrange=True)
    _layout(figure, height=60)
    figure.update_layout(margin={"l": 2, "r": 2, "t": 2, "b": 2}, hovermode="x")
    return figure


# --- CII complexe -----------------------------------------------------------------------------


def region_announcer_heatmap(
    table: pl.DataFrame,
    lang: Language = "fr",
    *,
    year: int,
    source: str | None = None,
    footnotes: Sequence[str] = (),
) -> ChartSpec:
    """Complex situations by announcer (rows) and region (columns), with the totals framed.

    The report's section 8 table as a heatmap: counts shaded, the "Valais" column and the total
    row framed and unshaded, in the report's order (totals first).

    Parameters
    ----------
    table
        :func:`queries.situations.complex_by_region_and_announcer`: ``announcer``, ``total``,
        one column per region; the first row is the ``total`` row.
    lang
        ``fr`` or ``de``.
    year
        The year shown.
    source, footnotes
        Replace the default source line; add notes.

    Returns
    -------
    ChartSpec
        A cell's ``customdata`` is ``[announcer, region]`` (codes; None for a total).
    """
    title = t("charts.region_announcer_title", lang, year=year)
    source = source or t("charts.source_situations", lang)
    unit = unit_label("situations", lang)
    notes = (t("charts.region_announcer_total_note", lang), *footnotes)
    regions = [name for name in table.columns if name not in ("announcer", TOTAL)]
    totals = table.filter(pl.col("announcer") == TOTAL).get_column(TOTAL)
    grand_total = totals.item(0) if totals.len() else 0
    if not grand_total:
        return _no_data(title, source, lang, footnotes=notes, unit=unit)

    canton = t("charts.canton_total", lang)
    region_names = {region: label("region", region, lang) for region in regions}
    announcers = table.get_column("announcer").to_list()
    announcer_names = {code: label("announcer", code, lang) for code in announcers}
    tiles = []
    for row in table.iter_rows(named=True):
        code = row["announcer"]
        for column in (TOTAL, *regions):
            count = row[column]
            region_name = canton if column == TOTAL else region_names[column]
            hover = t(
                "charts.region_announcer_hover",
                lang,
                announcer=announcer_names[code],
                region=region_name,
                count=format_count(count, lang),
            )
            tiles.append(
                _Tile(
                    x=region_name,
                    y=announcer_names[code],
                    value=None if TOTAL in (code, column) else float(count or 0),
                    text=format_count(count, lang),
                    hover=hover,
                    customdata=[
                        code if code != TOTAL else None,
                        column if column != TOTAL else None,
                    ],
                )
            )
    inner = table.filter(pl.col("announcer") != TOTAL)
    colour_max = inner.select(pl.max_horizontal(regions).max()).item() if regions else 0
    columns = [canton, *region_names.values()]
    rows = [announcer_names[code] for code in announcers]
    figure = _tile_grid(tiles, columns, rows, colour_max=float(colour_max or 0))
    figure.update_yaxes(title={"text": column_label("announcer", lang)})

    long = inner.unpivot(index="announcer", on=regions, variable_name="region", value_name="count")
    top = long.sort("count", descending=True, maintain_order=True).row(0, named=True)
    summary = t(
        "charts.region_announcer_summary",
        lang,
        year=year,
        total=format_count(grand_total, lang),
        announcer=announcer_names[top["announcer"]],
        region=region_names[top["region"]],
        count=format_count(top["count"], lang),
    )
    announcer_header = column_label("announcer", lang)
    labels = _labelled(table.get_column("announcer"), "announcer", lang, "announcer")
    shown = table.with_columns(labels)
    shown = shown.rename({"announcer": announcer_header, TOTAL: canton, **region_names})
    formats: dict[str, ColumnFormat] = dict.fromkeys(columns, "count")
    return ChartSpec(figure, title, summary, shown, source, notes, unit, formats)


def bar_by_category(
    frame: pl.DataFrame,
    category: str,
    value: str,
    lang: Language = "fr",
    *,
    unit: Unit,
    title_key: str,
    title_params: Mapping[str, object] | None = None,
    kind: str | None = None,
    share: str | None = None,
    source: str | None = None,
    footnotes: Sequence[str] = (),
) -> ChartSpec:
    """Horizontal bars of `value` per `category`, in the frame's (the report's) order from the top.

    For the many one-dimension tables of the report: T1 provenance, services by type, coaching
    outcomes, budget by category, training participants. The ``total`` row, if any, is not a
    bar: it gives the total of the summary and stays in the table. A null value is not a bar
    of 0 but a "non répertorié" mark, named in a footnote.

    Parameters
    ----------
    frame
        A query result with a `category` column and a `value` column (optionally `share`).
    category, value
        Column names; `category` also names the table header (``charts.column.<category>``).
    lang
        ``fr`` or ``de``.
    unit
        What `value` counts (:data:`Unit`), e.g. ``situations`` or ``chf``.
    title_key, title_params
        Catalogue key of the title and its placeholders.
    kind
        Kind of the category codes, for their labels and fixed colours (``provenance``,
        ``service``, ``outcome``...); None shows the categories as they are (free text).
    share
        A column of shares (0..1) shown beside the values (``606 (83 %)``).
    source, footnotes
        The source line (the Bureau CII by default); notes to add.

    Returns
    -------
    ChartSpec
        A bar's ``customdata`` is its category code.
    """
    title = t(title_key, lang, **(title_params or {}))
    source = source or t("charts.source_cii", lang)
    unit_text = unit_label(unit, lang)
    is_total = pl.col(category).is_not_null() & (pl.col(category) == TOTAL)
    rows = frame.filter(~is_total)
    if rows.get_column(value).is_null().all():  # also when there is no row
        return _no_data(title, source, lang, footnotes=footnotes, unit=unit_text)
    totals = frame.filter(is_total).get_column(value)
    total = totals.item(0) if totals.len() else rows.get_column(value).sum()

    codes = rows.get_column(category).to_list()
    amounts = rows.get_column(value).to_list()
    shares = rows.get_column(share).to_list() if share else [None] * len(codes)
    names = [label(kind, code, lang) for code in codes]
    texts, hovers = [], []
    for name, amount, part in zip(names, amounts, shares, strict=True):
        short, full = format_value(amount, unit, lang, short=True), format_value(amount, unit, lang)
        part_text = format_percent(part, lang=lang)
        if amount is None:
            texts.append("")
        else:
            texts.append(f"{short} ({part_text})" if share else short)
        if share:
            hover = t("charts.hover_value_share", lang, label=name, value=full, share=part_text)
            hovers.append(hover)
        else:
            hovers.append(t("charts.hover_value", lang, label=name, value=full))
    figure = go.Figure(
        go.Bar(
            x=[_plain(amount) for amount in amounts],  # None stays None: no bar, never a 0 bar
            y=names,
            orientation="h",
            text=texts,
            textposition="outside",
            cliponaxis=False,
            marker={"color": [_colour(kind, code) for code in codes]},
            hovertext=hovers,
            hovertemplate=_HOVER,
            customdata=codes,
            unselected=_DIMMED,
            showlegend=False,
        )
    )
    missing = [name for name, amount in zip(names, amounts, strict=True) if amount is None]
    _mark_not_recorded(figure, missing, lang)
    maximum = max((float(amount) for amount in amounts if amount is not None), default=0)
    figure.update_xaxes(_value_axis(maximum, unit, lang, headroom=1.35 if share else 1.2))
    figure.update_yaxes(_category_axis(names, autorange="reversed", title={"text": ""}))
    _layout(figure, height=90 + 38 * len(names))

    known = rows.filter(pl.col(value).is_not_null())
    top = known.sort(value, descending=True, maintain_order=True)
    top_code, top_value = top.select(category, value).row(0)
    summary = t(
        "charts.bars_summary",
        lang,
        label=label(kind, top_code, lang),
        value=format_value(top_value, unit, lang),
        total=format_value(total, unit, lang),
    )
    share_header = column_label("share", lang)
    table = frame.select(
        _labelled(frame.get_column(category), kind, lang, column_label(category, lang)),
        pl.col(value).alias(unit_text),
        *([pl.col(share).alias(share_header)] if share else []),
    )
    formats: dict[str, ColumnFormat] = {unit_text: _UNIT_FORMATS.get(unit, "count")}
    if share:
        formats[share_header] = "percent"
    notes = (*_missing_note(missing, lang), *footnotes)
    return ChartSpec(figure, title, summary, table, source, notes, unit_text, formats)


# --- CII Jeunes -------------------------------------------------------------------------------


def provenance_sunburst(
    provenance: pl.DataFrame,
    institutional: pl.DataFrame,
    lang: Language = "fr",
    *,
    year: int,
    source: str | None = None,
    footnotes: Sequence[str] = (),
) -> ChartSpec:
    """Provenance of the T1 situations: categories, and the institutional ones by institution.

    The two tables of the report's section 5 as one sunburst (inner ring: provenance; outer
    ring: the institutions of the institutional announcements).

    Parameters
    ----------
    provenance
        :func:`queries.youth.t1_provenance` (``provenance``, ``situations``, ``share``, with
        its ``total`` row).
    institutional
        :func:`queries.youth.t1_institutional_provenance` with the same filters
        (``provenance_institution``, ``situations``, ``share``, ``total`` row).
    lang
        ``fr`` or ``de``.
    year
        The year shown.
    source, footnotes
        Replace the default source line; add notes.

    Returns
    -------
    ChartSpec
        A sector's ``customdata`` is its code (``institutional``, or the institution, e.g.
        ``ORP``; None for institutional announcements that name no institution). The table
        stacks both report tables: provenance, institution, situations, share.

    Raises
    ------
    ValueError
        If the institutions do not add up to the institutional announcements (the two frames
        were computed with different filters).
    """
    title = t("charts.provenance_title", lang, year=year)
    source = source or t("charts.source_t1", lang)
    unit = unit_label("situations", lang)
    top_rows = provenance.filter(pl.col("provenance") != TOTAL)
    total = int(top_rows.get_column("situations").sum() or 0)
    if total == 0:
        return _no_data(title, source, lang, footnotes=footnotes, unit=unit)
    children = institutional.filter(
        pl.col("provenance_institution").is_null() | (pl.col("provenance_institution") != TOTAL)
    )
    is_institutional = pl.col("provenance") == "institutional"
    institutional_count = int(top_rows.filter(is_institutional).get_column("situations").sum() or 0)
    children_count = int(children.get_column("situations").sum() or 0)
    if children_count and children_count != institutional_count:
        raise ValueError(
            f"the institutions add up to {children_count} situations, the institutional "
            f"announcements to {institutional_count}: compute both with the same year and filters"
        )

    nodes = []  # (id, parent, kind, code, count, hover key, share)
    top_hover, child_hover = "charts.provenance_hover_top", "charts.provenance_hover_child"
    for code, count, part in top_rows.select("provenance", "situations", "share").iter_rows():
        nodes.append((code, "", "provenance", code, count, top_hover, part))
    columns = ("provenance_institution", "situations", "share")
    for code, count, part in children.select(columns).iter_rows():
        node = f"institutional/{code}"
        kind = "provenance_institution"
        nodes.append((node, "institutional", kind, code, count, child_hover, part))
    nodes = [node for node in nodes if node[4]]  # an empty sector cannot be drawn
    names = [label(kind, code, lang) for _, _, kind, code, _, _, _ in nodes]
    shares = [format_percent(node[6], lang=lang) for node in nodes]
    figure = go.Figure(
        go.Sunburst(
            ids=[node[0] for node in nodes],
            labels=names,
            parents=[node[1] for node in nodes],
            values=[node[4] for node in nodes],
            branchvalues="total",
            text=[format_count(node[4], lang) for node in nodes],
            textinfo="label+text",
            marker={
                "colors": [_colour(kind, code, NEUTRAL) for _, _, kind, code, _, _, _ in nodes],
                "line": {"width": 1},
            },
            hovertext=[
                t(key, lang, label=name, count=format_count(count, lang), share=percent)
                for name, (*_, count, key, _), percent in zip(names, nodes, shares, strict=True)
            ],
            hovertemplate=_HOVER,
            customdata=[node[3] for node in nodes],
            insidetextorientation="horizontal",
            leaf={"opacity": 1},  # plotly fades leaves by default: keep the fixed colours exact
            sort=False,
        )
    )
    _layout(figure, height=460)

    largest = top_rows.sort("situations", descending=True, maintain_order=True).row(0, named=True)
    summary = t(
        "charts.provenance_summary",
        lang,
        year=year,
        total=format_count(total, lang),
        share=format_percent(largest["share"], lang=lang),
        top=label("provenance", largest["provenance"], lang),
    )
    named = children.filter(pl.col("situations") > 0)
    if not named.is_empty():
        first = named.sort("situations", descending=True, maintain_order=True).row(0, named=True)
        summary += " " + t(
            "charts.provenance_summary_institution",
            lang,
            institution=label("provenance_institution", first["provenance_institution"], lang),
            share=format_percent(first["share"], lang=lang),
        )

    provenance_header = column_label("provenance", lang)
    institution_header = column_label("provenance_institution", lang)
    share_header = column_label("share", lang)
    first_table = provenance.select(
        _labelled(provenance.get_column("provenance"), "provenance", lang, provenance_header),
        pl.lit(None, pl.String).alias(institution_header),
        pl.col("situations").alias(unit),
        pl.col("share").alias(share_header),
    )
    codes = institutional.get_column("provenance_institution")
    second_table = institutional.select(
        pl.lit(label("provenance", "institutional", lang)).alias(provenance_header),
        _labelled(codes, "provenance_institution", lang, institution_header),
        pl.col("situations").alias(unit),
        pl.col("share").alias(share_header),
    )
    table = pl.concat([first_table, second_table])
    formats: dict[str, ColumnFormat] = {unit: "count", share_header: "percent"}
    return ChartSpec(figure, title, summary, table, source, tuple(footnotes), unit, formats)


# --- CII réseau -------------------------------------------------------------------------------


def transitions_by_region(
    frame: pl.DataFrame,
    lang: Language = "fr",
    *,
    year: int,
    source: str | None = None,
    footnotes: Sequence[str] = (),
) -> ChartSpec:
    """ORP↔CMS transitions by region and direction; a region that recorded none is not a 0.

    Parameters
    ----------
    frame
        :func:`queries.network.transitions_by_region`: ``region``, ``orp_to_cms``,
        ``cms_to_orp``, ``total``; a region without records is null throughout; then the
        ``total`` row.
    lang
        ``fr`` or ``de``.
    year
        The year shown.
    source, footnotes
        Replace the default source line; add notes.

    Returns
    -------
    ChartSpec
        Grouped horizontal bars, one trace per direction; a region without records has None
        (no bar) in both and a "non répertorié / nicht erfasst" mark, and is named in a
        footnote. A bar's ``customdata`` is ``[region, direction]``.
    """
    title = t("charts.transitions_title", lang, year=year)
    source = source or t("charts.source_transitions", lang)
    unit = unit_label("persons", lang)
    directions = ("orp_to_cms", "cms_to_orp")
    regions = frame.filter(pl.col("region") != TOTAL)
    recorded = regions.filter(pl.any_horizontal(pl.col(directions).is_not_null()))
    if recorded.is_empty():
        return _no_data(title, source, lang, footnotes=footnotes, unit=unit)

    codes = regions.get_column("region").to_list()
    names = [label("region", code, lang) for code in codes]
    figure = go.Figure()
    for direction in directions:
        counts = regions.get_column(direction).to_list()
        direction_name = label("direction", direction, lang)
        texts = [format_count(count, lang) for count in counts]  # "…" where not recorded
        hovers = [
            t("charts.transitions_hover", lang, region=name, direction=direction_name, count=text)
            for name, text in zip(names, texts, strict=True)
        ]
        figure.add_trace(
            go.Bar(
                name=direction_name,
                x=counts,  # None stays None: no bar, never a 0 bar
                y=names,
                orientation="h",
                text=[text if count is not None else "" for count, text in zip(counts, texts)],
                textposition="outside",
                cliponaxis=False,
                marker={"color": _colour("direction", direction)},
                hovertext=hovers,
                hovertemplate=_HOVER,
                customdata=[[code, direction] for code in codes],
                unselected=_DIMMED,
            )
        )
    rows = regions.select(directions).iter_rows()
    not_recorded = [name for name, row in zip(names, rows, strict=True) if row == (None, None)]
    _mark_not_recorded(figure, not_recorded, lang)
    maximum = recorded.select(pl.max_horizontal(directions).max()).item() or 0
    figure.update_xaxes(_value_axis(maximum, "persons", lang))
    figure.update_yaxes(_category_axis(names, autorange="reversed"))
    _layout(figure, height=120 + 56 * len(names), legend=True)
    figure.update_layout(barmode="group")

    totals = frame.filter(pl.col("region") == TOTAL)
    if totals.is_empty():
        totals = regions.select(pl.col(directions).sum())
    orp_to_cms, cms_to_orp = totals.select(directions).row(0)
    summary = t(
        "charts.transitions_summary",
        lang,
        year=year,
        orp_to_cms=format_count(orp_to_cms, lang),
        cms_to_orp=format_count(cms_to_orp, lang),
    )
    notes = (*_missing_note(not_recorded, lang), *footnotes)
    if not_recorded:
        summary += " " + notes[0]
    headers = {direction: label("direction", direction, lang) for direction in directions}
    total_header = t("charts.total", lang)
    table = frame.select(
        _labelled(frame.get_column("region"), "region", lang, column_label("region", lang)),
        *(pl.col(direction).alias(header) for direction, header in headers.items()),
        pl.col(TOTAL).alias(total_header),
    )
    formats: dict[str, ColumnFormat] = dict.fromkeys([*headers.values(), total_header], "count")
    return ChartSpec(figure, title, summary, table, source, notes, unit, formats)


def histogram_delays(
    frame: pl.DataFrame,
    lang: Language = "fr",
    *,
    year: int,
    source: str | None = None,
    footnotes: Sequence[str] = (),
) -> ChartSpec:
    """Distribution of the detection delay of complex situations, the 6-month line marked.

    Parameters
    ----------
    frame
        :func:`queries.situations.detection_delays`: ``bucket``, ``from_days``, ``to_days``,
        ``situations``, ``share`` (and ``announcer`` with ``by_announcer=True``: then one
        stacked series per announcer).
    lang
        ``fr`` or ``de``.
    year
        The year shown.
    source, footnotes
        Replace the default source line; add notes.

    Returns
    -------
    ChartSpec
        Without announcers, the early classes (under 6 months) and the others are two series
        of their own colours. A bar's ``customdata`` is its bucket code (``[announcer,
        bucket]`` by announcer).
    """
    title = t("charts.delays_title", lang, year=year)
    source = source or t("charts.source_situations", lang)
    unit = unit_label("situations", lang)
    dated = int(frame.get_column("situations").sum() or 0)
    if dated == 0:
        return _no_data(title, source, lang, footnotes=footnotes, unit=unit)
    buckets = frame.select("bucket", "to_days").unique(subset="bucket", maintain_order=True)
    early_codes = [
        code
        for code, to_days in buckets.iter_rows()
        if to_days is not None and to_days <= EARLY_DETECTION_DAYS
    ]
    bucket_names = {code: label("bucket", code, lang) for code in buckets.get_column("bucket")}
    by_announcer = "announcer" in frame.columns
    figure = go.Figure()
    if by_announcer:
        for code in frame.get_column("announcer").unique(maintain_order=True).to_list():
            rows = frame.filter(pl.col("announcer") == code)
            figure.add_trace(_delay_bars(rows, bucket_names, lang, announcer=code))
        # Plotly lists stacked series bottom-up in the legend; keep the announcers' order.
        figure.update_layout(barmode="stack", legend_traceorder="normal")
        stacks = frame.group_by("bucket").agg(pl.col("situations").sum())
        maximum = stacks.get_column("situations").max()
    else:
        early = pl.col("bucket").is_in(early_codes)
        figure.add_trace(_delay_bars(frame.filter(early), bucket_names, lang, early=True))
        figure.add_trace(_delay_bars(frame.filter(~early), bucket_names, lang, early=False))
        maximum = frame.get_column("situations").max()
    # The threshold sits between the last early class and the next one (category positions).
    figure.add_vline(
        x=len(early_codes) - 0.5,
        line={"dash": "dash", "color": NEUTRAL, "width": 1},
        annotation={"text": t("charts.delays_threshold", lang), "showarrow": False},
        annotation_position="top right",
    )
    bucket_title = {"text": column_label("bucket", lang)}
    figure.update_xaxes(_category_axis(list(bucket_names.values()), title=bucket_title))
    figure.update_yaxes(_value_axis(maximum or 0, "situations", lang))
    _layout(figure, height=380, legend=True)

    early_rows = frame.filter(pl.col("bucket").is_in(early_codes))
    early_count = int(early_rows.get_column("situations").sum())
    summary = t(
        "charts.delays_summary",
        lang,
        year=year,
        share=format_percent(early_count / dated, lang=lang),
        early=format_count(early_count, lang),
        dated=format_count(dated, lang),
    )
    share_header = column_label("share", lang)
    announcers = []
    if by_announcer:
        header = column_label("announcer", lang)
        announcers.append(_labelled(frame.get_column("announcer"), "announcer", lang, header))
    table = frame.select(
        *announcers,
        _labelled(frame.get_column("bucket"), "bucket", lang, column_label("bucket", lang)),
        pl.col("situations").alias(unit),
        pl.col("share").alias(share_header),
    )
    formats: dict[str, ColumnFormat] = {unit: "count", share_header: "percent"}
    return ChartSpec(figure, title, summary, table, source, tuple(footnotes), unit, formats)


def _delay_bars(
    rows: pl.DataFrame,
    bucket_names: Mapping[str, str],
    lang: Language,
    *,
    announcer: str | None = None,
    early: bool | None = None,
) -> go.Bar:
    """The bars of one series of the delay histogram: an announcer's, or the early/late ones."""
    codes = rows.get_column("bucket").to_list()
    counts = rows.get_column("situations").to_list()
    buckets = [bucket_names[code] for code in codes]
    if announcer is not None:
        name = label("announcer", announcer, lang)
        texts = [format_count(count, lang) for count in counts]
        hovers = [
            t("charts.delays_hover_announcer", lang, announcer=name, bucket=bucket, count=text)
            for bucket, text in zip(buckets, texts, strict=True)
        ]
        extra: dict[str, Any] = {"marker": {"color": _colour("announcer", announcer, NEUTRAL)}}
        customdata: list[Any] = [[announcer, code] for code in codes]
    else:
        name = t("charts.delays_early" if early else "charts.delays_late", lang)
        shares = [format_percent(part, lang=lang) for part in rows.get_column("share").to_list()]
        texts = [format_count(count, lang) for count in counts]
        hovers = [
            t("charts.delays_hover", lang, bucket=bucket, count=text, share=part)
            for bucket, text, part in zip(buckets, texts, shares, strict=True)
        ]
        extra = {
            "marker": {"color": OKABE_ITO["sky_blue"] if early else NEUTRAL},
            "text": texts,
            "textposition": "outside",
            "cliponaxis": False,
        }
        customdata = codes
    return go.Bar(
        name=name,
        x=buckets,
        y=counts,
        hovertext=hovers,
        hovertemplate=_HOVER,
        customdata=customdata,
        unselected=_DIMMED,
        **extra,
    )
