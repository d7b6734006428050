"""The offline report of a year: one self-contained HTML file, and an XLSX workbook of its tables.

Issue 6: ``Rapport {year}`` for the journées régionales, often held in rooms without a reliable
network. The report is the year's key messages (:func:`dashboard.public.key_messages`, in the
order of the presentation), each with its title, interactive chart, one-sentence summary,
footnotes, source and table, then the report's definitions (:mod:`dashboard.glossary`), all in
the chosen language.

- **Suppression by the role**: a public report (the default) is built at the public threshold,
  so every count it shows comes from suppressed counts (``< 5``, ``X``); an internal one
  (``threshold=None``, analysts and admins) shows exact counts and says so on top.
- **Offline**: the HTML file references nothing outside itself. plotly.js is embedded once, in
  the head; each figure is a JSON ``<script>`` block drawn by one small inline script, so that
  the file works from ``file://`` with the network off, and a test can read every figure back.
  No web font (system fonts), no image, no link to a CDN.
- **Deterministic**: the same data give the same bytes (no "generated at" time); the header
  says when the data were loaded instead, which is what tells a reader how fresh they are.
- The **XLSX** workbook has a first sheet with the filters, the date the data were loaded, the
  protection applied and every title, summary, footnote and source, then one sheet per table,
  numbers stored as numbers and hidden cells as their flag, as ``dashboard.exports`` writes a
  single table.

No Streamlit: the Présentation page and ``cii report`` both call these functions.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import plotly.io as pio
import plotly.offline
import polars as pl
import xlsxwriter

from dashboard import disclosure, glossary, public
from dashboard.charts import ChartSpec, label, unit_label
# The report writes its sheets exactly as a single table's download does.
from dashboard.exports import (
    WORKBOOK_OPTIONS,
    checked_flags,
    column_format,
    neutralize_formula,
    sheet_styles,
    write_table_sheet,
)
from dashboard.formatting import (
    Language,
    format_change,
    format_chf,
    format_count,
    format_datetime,
    format_number,
    format_percent,
)
from dashboard.i18n import TranslatedError, catalogue, t

if TYPE_CHECKING:
    import sqlalchemy as sa

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
"""Options of every chart: no plotly logo (a link out of the file), redrawn at the page width."""

_SHEET_FORBIDDEN = "[]:*?/\\"


class ReportError(TranslatedError):
    """A report that cannot be made (a year without data); ``message(lang)`` says why."""


@dataclass(frozen=True)
class Report:
    """The report of a year: its key messages and what a reader must know about them.

    Attributes
    ----------
    year, compare
        The year shown and the comparison year of the year in brief (None: no comparison).
    regions
        The regions kept (None: the whole canton).
    lang
        ``fr`` or ``de``.
    threshold
        None for an internal report (exact counts); else the suppression threshold applied.
    messages
        :func:`dashboard.public.key_messages`, by message id, in the order of the slides.
    loaded_at
        When the newest current upload the report uses was stored (UTC); None without uploads.
    title
        ``Rapport 2025``, ``Bericht 2025 — Oberwallis``.
    """

    year: int
    compare: int | None
    regions: tuple[str, ...] | None
    lang: str
    threshold: int | None
    messages: dict[str, ChartSpec]
    loaded_at: dt.datetime | None
    title: str

    @property
    def public(self) -> bool:
        """Whether small counts are suppressed (a public report)."""
        return self.threshold is not None


# --- building --------------------------------------------------------------------------------


def report_title(year: int, regions: Iterable[str] | None, lang: Language = "fr") -> str:
    """The report's title, with the regions' names in `lang` when it is a region's report.

    >>> report_title(2025, None), report_title(2025, ["Haut-Valais"], "de")
    ('Rapport 2025', 'Bericht 2025 — Oberwallis')
    >>> report_title(2024, ["Sion", "Sierre"], "fr")
    'Rapport 2024 — Sion, Sierre'
    """
    if not regions:
        return t("report.title", lang, year=year)
    names = ", ".join(label("region", region, lang) for region in regions)
    return t("report.title_regions", lang, year=year, regions=names)


def reporting_years(uploads: pl.DataFrame) -> list[int]:
    """Years with a current upload of record-level data, newest first (as the pages' filter).

    `uploads` is the upload history (:func:`dashboard.db.store.list_uploads`); the published
    figures of earlier reports alone do not make a year.
    """
    current = uploads.filter((pl.col("status") == "current") & (pl.col("dataset") != "published"))
    return sorted(current.get_column("year").unique().to_list(), reverse=True)


def data_loaded_at(uploads: pl.DataFrame, years: Iterable[int]) -> dt.datetime | None:
    """When the newest current upload a report of `years` uses was stored (UTC); None if none.

    The report reads the datasets of :data:`dashboard.public.DATASETS` sent for its years and,
    for the series over the years (S-permit persons), for any earlier year.
    """
    last = max(years)
    used = uploads.filter(
        (pl.col("status") == "current")
        & pl.col("dataset").is_in(public.DATASETS)
        & (pl.col("year") <= last)
    )
    return used.get_column("uploaded_at").max() if used.height else None


def build_report(
    frames: Mapping[str, pl.DataFrame],
    uploads: pl.DataFrame,
    *,
    year: int,
    compare: int | None = None,
    regions: Iterable[str] | None = None,
    lang: Language = "fr",
    threshold: int | None = disclosure.DEFAULT_THRESHOLD,
) -> Report:
    """The report of `year` from loaded datasets.

    Parameters
    ----------
    frames
        The datasets of :data:`dashboard.public.DATASETS`, every reporting year
        (``load_dataset`` outside Streamlit, ``dashboard.ui.data.datasets`` in a page).
    uploads
        The upload history (``list_uploads``, ``dashboard.ui.data.uploads``): which years have
        data, and when they were loaded.
    year, compare
        The year shown and the comparison year (None: no comparison).
    regions
        Keep only these regions (None or empty: the whole canton).
    lang
        ``fr`` or ``de``.
    threshold
        The suppression threshold of a public report; None for an internal report (exact
        counts: the key messages are built with threshold 1, which hides nothing).

    Raises
    ------
    ReportError
        When `year` has no current upload of record-level data.
    """
    years = reporting_years(uploads)
    if year not in years:
        available = ", ".join(map(str, years)) or t("report.none", lang)
        raise ReportError("report.no_data", year=year, years=available)
    regions = tuple(dict.fromkeys(regions)) if regions else None  # each region once, in order
    messages = public.key_messages(
        frames, year=year, compare=compare, regions=regions, lang=lang,
        threshold=1 if threshold is None else threshold,
    )
    loaded_at = data_loaded_at(uploads, [year] if compare is None else [year, compare])
    title = report_title(year, regions, lang)
    return Report(year, compare, regions, lang, threshold, messages, loaded_at, title)


def load_report(
    engine: sa.Engine,
    *,
    year: int,
    compare: int | None = None,
    regions: Iterable[str] | None = None,
    lang: Language = "fr",
    threshold: int | None = disclosure.DEFAULT_THRESHOLD,
) -> Report:
    """:func:`build_report` on the current uploads of the database (outside Streamlit)."""
    from dashboard.db.load import load_dataset
    from dashboard.db.store import list_uploads

    frames = {name: load_dataset(engine, name) for name in public.DATASETS}
    return build_report(
        frames, list_uploads(engine), year=year, compare=compare, regions=regions, lang=lang,
        threshold=threshold,
    )


# --- what the header says ----------------------------------------------------------------------


def format_loaded_at(at: dt.datetime | None, lang: Language = "fr") -> str:
    """A stored (UTC) time as a Swiss reader reads it: local time, ``dd.mm.yyyy HH:MM``.

    >>> format_loaded_at(dt.datetime(2026, 1, 5, 8, 30, tzinfo=dt.UTC))
    '05.01.2026 09:30'
    >>> format_loaded_at(None, "de")
    'unbekannt'
    """
    if at is None:
        return t("report.unknown", lang)
    if at.tzinfo is None:  # stored times are UTC (format_datetime would read a naive one as Swiss)
        at = at.replace(tzinfo=dt.UTC)
    return format_datetime(at, lang)


def protection_text(report: Report) -> str:
    """Whether small counts are suppressed, in the report's language."""
    if report.threshold is None:
        return t("report.internal", report.lang)
    return disclosure.note(report.lang, threshold=report.threshold)


def header_lines(report: Report) -> list[tuple[str, str]]:
    """The (label, text) lines of the report's header and of the workbook's first sheet."""
    lang = report.lang
    regions = (
        ", ".join(label("region", region, lang) for region in report.regions)
        if report.regions
        else t("report.whole_canton", lang)
    )
    compare = str(report.compare) if report.compare is not None else t("report.none", lang)
    return [
        (t("report.year", lang), str(report.year)),
        (t("report.compare", lang), compare),
        (t("report.regions", lang), regions),
        (t("report.language", lang), t("report.language_name", lang)),
        (t("report.loaded_at", lang), format_loaded_at(report.loaded_at, lang)),
        (t("report.protection", lang), protection_text(report)),
    ]


# --- tables as read --------------------------------------------------------------------------


def _number_text(value: Any, kind: str, lang: Language) -> str:
    """One number of a table in the Swiss format of its column; ``…`` when missing."""
    if value is None:
        return format_count(None, lang)
    match kind:
        case "count":
            return format_count(round(value), lang)
        case "percent":
            return format_percent(value, lang=lang)
        case "chf":
            return format_chf(value, lang=lang)
        case "year":
            return str(value)
        case "number":
            whole = abs(value - round(value)) < 0.05  # 14.9999 is 15, not 15.0
            return format_number(value, 0 if whole else 1, lang)
    return str(value)


def _brief_text(value: Any, unit: str, change: bool, lang: Language) -> str:
    """A number of the year in brief, by its row's unit (shares in percent there)."""
    if value is None:
        return format_count(None, lang)
    if unit == "share":
        share = value / 100
        if change:
            return format_change(share, "points", lang=lang)
        return format_percent(share, lang=lang)
    if unit == "chf":
        return format_change(value, "chf", lang=lang) if change else format_chf(value, lang=lang)
    return format_change(value, "count", lang=lang) if change else format_count(round(value), lang)


def table_texts(spec: ChartSpec, lang: Language) -> pl.DataFrame:
    """The table of a key message as read: every cell a text, Swiss-formatted or flagged.

    A hidden cell reads its flag (``< 5``, ``X``), as :func:`dashboard.exports.chart_table`
    shows it; every other number is formatted by its column's format (``1'234``, ``33 %``,
    ``…`` when not available), a missing text is empty. The year in brief holds numbers of
    mixed units, one per row (its unit column): those are written by their row's unit, as on
    its figure (``15 %``, ``Frs. 416'406.90``, changes signed: ``+7``, ``−1 pp``).
    """
    table, lang_units = spec.table, {unit_label(u, lang): u for u in ("share", "chf")}
    flags = checked_flags(table, None if spec.flags is None else spec.flags.cells)
    unit_column = t("presentation.column_unit", lang)
    change_column = t("presentation.column_change", lang)
    row_units = None
    if unit_column in table.columns:
        units = table.get_column(unit_column).to_list()
        row_units = [lang_units.get(text, "count") for text in units]
    columns = []
    for name, dtype in table.schema.items():
        values = table.get_column(name).to_list()
        marks = flags.get(name) or [None] * table.height
        kind = column_format(spec.formats, name, dtype)
        if dtype == pl.String or kind == "text":
            texts = ["" if value is None else str(value) for value in values]
        elif row_units is not None and kind == "number":
            change = name == change_column
            rows = zip(values, row_units, strict=True)
            texts = [_brief_text(value, unit, change, lang) for value, unit in rows]
        else:
            texts = [_number_text(value, kind, lang) for value in values]
        cells = [mark or text for mark, text in zip(marks, texts, strict=True)]
        columns.append(pl.Series(name, cells, pl.String))
    return pl.DataFrame(columns, schema=dict.fromkeys(table.columns, pl.String))


# --- HTML --------------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       color: #1a1a1a; background: #fff; margin: 0 auto; max-width: 1100px; padding: 1.5rem;
       line-height: 1.45; }
h1 { font-size: 2rem; margin: 0 0 .5rem; }
h2 { font-size: 1.4rem; margin: 0 0 .5rem; border-bottom: 2px solid #0072B2; padding-bottom: .2rem; }
h3 { font-size: 1.1rem; }
.internal { background: #fff3cd; border: 2px solid #b58100; padding: .5rem .8rem; font-weight: 600; }
dl.filters { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 1rem 0; }
dl.filters dt { font-weight: 600; }
dl.filters dd { margin: 0; }
nav ol { columns: 2; }
section { margin: 2.5rem 0; }
.chart { width: 100%; }
.summary { font-size: 1.1rem; font-weight: 500; }
.notes { font-size: .9rem; color: #444; padding-left: 1.2rem; }
.source { font-size: .9rem; color: #444; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .95rem; min-width: 60%; }
caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
th, td { border: 1px solid #bbb; padding: .25rem .6rem; vertical-align: top; }
th { background: #eef2f6; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.flags { font-size: .85rem; color: #444; }
dl.glossary dt { font-weight: 600; margin-top: .6rem; }
dl.glossary dd { margin-left: 1.2rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav, noscript, .modebar-container { display: none !important; }
  section.message { break-before: page; }
  .chart, table, figure { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""

# Draws every figure of the page from its JSON block; redrawn at the paper's width to print.
_DRAW = """
(function () {
  var charts = document.querySelectorAll("div.chart[data-figure]");
  charts.forEach(function (div) {
    var figure = JSON.parse(document.getElementById(div.dataset.figure).textContent);
    Plotly.newPlot(div, figure.data, figure.layout, %s);
  });
  window.addEventListener("beforeprint", function () {
    charts.forEach(function (div) { Plotly.Plots.resize(div); });
  });
})();
"""


def _text(value: str) -> str:
    return html.escape(value, quote=True)


def _script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` that HTML would read."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _figure_json(spec: ChartSpec) -> str:
    # pio.to_json, not json.dumps(fig.to_dict()): it knows numpy arrays, dates and Decimals.
    return _script_json(json.loads(pio.to_json(spec.figure, validate=False)))


def _html_table(spec: ChartSpec, lang: Language) -> str:
    texts = table_texts(spec, lang)
    if texts.width == 0:
        return ""
    numeric = {name for name, dtype in spec.table.schema.items() if dtype != pl.String}
    head = "".join(f'<th scope="col">{_text(name)}</th>' for name in texts.columns)
    rows = []
    for row in texts.iter_rows():
        cells = []
        for name, cell in zip(texts.columns, row, strict=True):
            css = ' class="number"' if name in numeric else ""
            cells.append(f"<td{css}>{_text(cell)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    caption = _text(t("report.table_caption", lang, title=spec.title))
    table = (
        f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    if spec.flags is not None and spec.flags.applied:
        note = disclosure.note(lang, threshold=spec.flags.threshold)
        table += f'<p class="flags">{_text(note)}</p>'
    return table


def _message_section(name: str, spec: ChartSpec, lang: Language) -> str:
    parts = [f'<section class="message" id="message-{name}">', f"<h2>{_text(spec.title)}</h2>"]
    if spec.figure is not None:
        parts.append(
            f'<div class="chart" id="chart-{name}" data-figure="figure-{name}" role="img" '
            f'aria-label="{_text(spec.summary)}"></div>'
            f'<script type="application/json" id="figure-{name}">{_figure_json(spec)}</script>'
        )
    parts.append(f'<p class="summary">{_text(spec.summary)}</p>')
    if spec.footnotes:
        notes = "".join(f"<li>{_text(note)}</li>" for note in spec.footnotes)
        parts.append(f'<ul class="notes">{notes}</ul>')
    if spec.source:
        parts.append(f'<p class="source">{_text(t("app.source", lang, source=spec.source))}</p>')
    parts.append(_html_table(spec, lang))
    parts.append("</section>")
    return "\n".join(parts)


def _definitions(lang: Language) -> str:
    entries = glossary.entries()
    definitions = "".join(
        f"<dt>{_text(entry.text_in(lang).term)}</dt><dd>{_text(entry.text_in(lang).text)}</dd>"
        for entry in entries
        if entry.kind == "definition"
    )
    abbreviations = glossary.abbreviation_table(entries, lang)
    head = "".join(f'<th scope="col">{_text(name)}</th>' for name in abbreviations.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_text(cell)}</td>" for cell in row) + "</tr>"
        for row in abbreviations.iter_rows()
    )
    return (
        '<section class="definitions" id="definitions">'
        f"<h2>{_text(t('report.definitions', lang))}</h2>"
        f"<h3>{_text(t('report.definitions_terms', lang))}</h3>"
        f'<dl class="glossary">{definitions}</dl>'
        f"<h3>{_text(t('report.definitions_abbreviations', lang))}</h3>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        "</section>"
    )


def report_html(report: Report) -> str:
    """The report as one self-contained HTML file (UTF-8), readable offline and printable.

    plotly.js is embedded once; every chart is drawn from its JSON block by one inline script
    and stays interactive (hover, zoom). Nothing is loaded from outside the file.
    """
    lang = report.lang
    lines = "".join(
        f"<dt>{_text(name)}</dt><dd>{_text(text)}</dd>" for name, text in header_lines(report)
    )
    contents = "".join(
        f'<li><a href="#message-{name}">{_text(spec.title)}</a></li>'
        for name, spec in report.messages.items()
    )
    contents += f'<li><a href="#definitions">{_text(t("report.definitions", lang))}</a></li>'
    banner = ""
    if not report.public:
        banner = f'<p class="internal">{_text(t("report.internal_banner", lang))}</p>'
    sections = "\n".join(
        _message_section(name, spec, lang) for name, spec in report.messages.items()
    )
    heading = _text(t("report.contents", lang))
    plotly_js = plotly.offline.get_plotlyjs()
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_text(report.title)}</title>
<style>{_CSS}</style>
<script>{plotly_js}</script>
</head>
<body>
<header>
<h1>{_text(report.title)}</h1>
{banner}
<dl class="filters">{lines}</dl>
<noscript><p>{_text(t("report.noscript", lang))}</p></noscript>
<nav aria-label="{heading}"><h2>{heading}</h2><ol>{contents}</ol></nav>
</header>
<main>
{sections}
{_definitions(lang)}
</main>
<script>{_DRAW % _script_json(PLOTLY_CONFIG)}</script>
</body>
</html>
"""


# --- XLSX --------------------------------------------------------------------------------------


def sheet_names(report: Report) -> dict[str, str]:
    """The workbook's sheet name of each message that has a table (≤ 31 characters, unique).

    The message's number, then its short name (``report.sheet_<id>``; its title for a message
    the catalogue does not name): the numbers keep names unique once cut to 31 characters. The
    first sheet, the filters and notes, is ``report.sheet_notes`` (no number).
    """
    names = {}
    for number, (name, spec) in enumerate(report.messages.items(), start=1):
        if spec.table.width == 0:
            continue
        key = f"report.sheet_{name}"
        short = t(key, report.lang) if key in catalogue() else spec.title
        names[name] = _sheet_name(f"{number} {short}")
    return names


def _sheet_name(name: str) -> str:
    """A valid Excel sheet name: ≤ 31 characters, none of ``[]:*?/\\``, no ``'`` at either end.

    >>> _sheet_name("3 Provenance T1 : [jeunes]/SFOP, 2025 et plus"), _sheet_name("'a'")
    ('3 Provenance T1 jeunes SFOP, 20', 'a')
    """
    for character in _SHEET_FORBIDDEN:
        name = name.replace(character, " ")
    return " ".join(name.split()).strip("'")[:31].rstrip("' ")


def _notes_rows(report: Report, sheets: Mapping[str, str]) -> list[tuple[str, str]]:
    lang = report.lang
    rows = [(t("charts.export_title", lang), report.title), *header_lines(report)]
    for name, spec in report.messages.items():
        rows.append(("", ""))
        if name in sheets:
            rows.append((t("report.sheet", lang), sheets[name]))
        rows.append((t("charts.export_title", lang), spec.title))
        rows.append((t("report.summary", lang), spec.summary))
        rows += [(t("charts.export_note", lang), note) for note in spec.footnotes]
        if spec.flags is not None and spec.flags.applied:
            note = disclosure.note(lang, threshold=spec.flags.threshold)
            rows.append((t("charts.export_flags", lang), note))
        if spec.source:
            rows.append((t("charts.export_source", lang), spec.source))
    return [(neutralize_formula(name), neutralize_formula(text)) for name, text in rows]


def report_xlsx(report: Report) -> bytes:
    """The report's tables as one workbook.

    Sheet 1 (``report.sheet_notes``): the title, the filters (year, comparison, regions,
    language), when the data were loaded, the protection applied, then per message its sheet,
    title, summary, footnotes, flags note and source. Then one sheet per message table (see
    :func:`sheet_names`): the header on row 1, numbers stored as numbers with their display
    format, a hidden cell as its flag (``< 5``, ``X``), text never read as a formula.
    """
    sheets = sheet_names(report)
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS) as workbook:
        styles = sheet_styles(workbook)
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})

        notes = workbook.add_worksheet(_sheet_name(t("report.sheet_notes", report.lang)))
        notes.set_column(0, 0, 28)
        notes.set_column(1, 1, 110)
        for row, (name, text) in enumerate(_notes_rows(report, sheets)):
            if name:
                notes.write_string(row, 0, name, styles["header"])
                notes.write_string(row, 1, text, wrap)

        for name, sheet_name in sheets.items():
            spec = report.messages[name]
            sheet = workbook.add_worksheet(sheet_name)
            write_table_sheet(sheet, spec.table, styles, formats=spec.formats, flags=spec.flags)
    return buffer.getvalue()


def export_detail(report: Report, fmt: str) -> str:
    """The audit log's detail of an export of `report` (codes only, no figure).

    >>> r = Report(2025, 2024, ("Sion", "Sierre"), "de", None, {}, None, "Bericht 2025")
    >>> export_detail(r, "xlsx")
    'report format=xlsx year=2025 regions=Sion,Sierre internal lang=de compare=2024'
    """
    regions = ",".join(report.regions) if report.regions else "all"
    scope = "public" if report.public else "internal"
    compare = "none" if report.compare is None else report.compare
    return (
        f"report format={fmt} year={report.year} regions={regions} {scope}"
        f" lang={report.lang} compare={compare}"
    )

