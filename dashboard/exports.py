"""Table downloads: any table of the dashboard as CSV or XLSX, with its title, filters and notes.

Every table a user can see can be downloaded (DESIGN.md §4) with its footnotes, flags and filter
state, so that a figure pasted into a report keeps its context.

**CSV layout.** Swiss Excel opens a ``;``-separated, UTF-8-with-BOM file by double-click (the BOM
makes it read UTF-8 instead of Windows-1252; ``;`` is the list separator of the de-CH and fr-CH
regional settings). The data table comes first, its header on line 1, so that Excel's sort and
filter work at once; then one empty line; then the notes as two-cell lines (label; text):
title, one line per filter, footnotes, flags, source and export date. Title lines on top, the
other common layout, would push the header down. A program reads the table with its row count
(polars: ``n_rows=..., infer_schema=False, truncate_ragged_lines=True``, then cast: polars
parses ahead of ``n_rows``, where the notes are no numbers). Numbers are written plain
(``1234``, ``0.2437`` for 24 %, ``-3``, dates ``2025-01-31``): formatted text such as ``1'234``
or ``24 %`` would arrive in Excel as text, not numbers.

**XLSX layout.** Sheet 1 holds the table, numbers stored as numbers with display formats (counts
``#,##0``, shares ``0 %``, francs ``#,##0.00``, years ``0``), sheet 2 the same notes as the CSV.
The count format is written ``#,##0`` rather than ``#'##0``: in a format code ``,`` means "the
group separator of the reader's regional settings", which Swiss Excel shows as ``'``, whereas a
literal ``'`` would sit at one fixed place and print ``1234'567`` for a million.

**Suppressed cells** (small-count suppression, ``dashboard.disclosure``): a table whose hidden
cells are null comes with its flags (``flags``, or ``ChartSpec.flags``); both formats write the
flag in the cell instead of a number, ``< 5`` for a small count and ``X`` (the BFS flag of a
value hidden for confidentiality) for a value hidden so that a small count cannot be recovered
from the totals, and add :func:`dashboard.disclosure.note` to the notes. ``< 5`` rather than
``X`` for the small counts because it is what the screen shows and says more without saying
too much; the note explains both. A flagged cell that still holds a value is refused: an
export never carries a hidden value. In the CSV, the other cells of a flagged column stay
plain numbers (``1234``, ``0.33``); a program reads the column as text and casts it with
``strict=False``.

**Formula injection** (OWASP "CSV injection"): a text cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is prefixed with ``'`` in both formats, so that a spreadsheet
shows it as text instead of running it. Only text cells are touched: a negative number in a
numeric column stays a number.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import polars as pl
import xlsxwriter

from dashboard import disclosure
from dashboard.formatting import format_chf, format_count, format_datetime, format_number, format_percent
from dashboard.i18n import t

if TYPE_CHECKING:  # only for annotations: dashboard.charts imports this module
    from dashboard.charts import ChartSpec

ColumnFormat = Literal["count", "number", "percent", "chf", "year", "text"]
"""How a column's numbers read: ``count`` (1'234), ``number`` (1'234.5), ``percent`` (a share in
0..1 shown as 24 %), ``chf`` (1'234.50), ``year`` (2025, no separator), ``text``."""

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP)."""

CSV_SEPARATOR = ";"
_LINE_END = "\r\n"  # Excel's own CSV line end; every reader accepts it
_BOM = "\ufeff"

WORKBOOK_OPTIONS = {
    "in_memory": True,
    # Never turn a string into a formula, a URL or a number: cells are written exactly as typed.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
"""xlsxwriter options of every workbook we write (a partner's text is never executed)."""

EXCEL_FORMATS: dict[ColumnFormat, str] = {
    "count": "#,##0",
    "number": "#,##0.0##",
    "percent": "0 %",
    "chf": "#,##0.00",
    "year": "0",
    "text": "@",
}


def neutralize_formula(value: str) -> str:
    """`value` made safe for a spreadsheet cell: prefixed with ``'`` if it could start a formula.

    >>> neutralize_formula("=1+1"), neutralize_formula("-3"), neutralize_formula("ORP")
    ("'=1+1", "'-3", 'ORP')
    """
    return "'" + value if value.startswith(DANGEROUS_PREFIXES) else value


def _neutralized(column: pl.Expr) -> pl.Expr:
    """The polars form of :func:`neutralize_formula`, for a String column (nulls stay null)."""
    dangerous = column.str.contains("^[" + "".join(DANGEROUS_PREFIXES).replace("-", r"\-") + "]")
    return pl.when(dangerous).then(pl.lit("'") + column).otherwise(column)


def neutralize_text_cells(table: pl.DataFrame) -> pl.DataFrame:
    """`table` with every text cell neutralised and lists of texts joined with ``, ``.

    Numeric, date and boolean columns are returned unchanged. Categorical and Enum columns are
    turned into String (they are text to a spreadsheet).

    >>> neutralize_text_cells(pl.DataFrame({"a": ["=1+1", "ok"], "b": [-1, 2]})).rows()
    [("'=1+1", -1), ('ok', 2)]
    """
    columns = []
    for name, dtype in table.schema.items():
        column = pl.col(name)
        if isinstance(dtype, pl.List) and dtype.inner in (pl.String, pl.Categorical):
            column = column.cast(pl.List(pl.String)).list.join(", ")
        elif isinstance(dtype, pl.Categorical | pl.Enum):
            column = column.cast(pl.String)
        elif dtype != pl.String:
            columns.append(column)
            continue
        columns.append(_neutralized(column).alias(name))
    return table.select(columns).rename({name: neutralize_formula(name) for name in table.columns})


def _notes(
    *,
    title: str,
    filters: Mapping[str, str],
    footnotes: Iterable[str],
    flags_note: str | None,
    source: str | None,
    exported_at: dt.datetime,
    lang: str,
) -> list[tuple[str, str]]:
    """The (label, text) lines written below the CSV table and on the XLSX "Notes" sheet."""
    rows = [(t("charts.export_title", lang), title)]
    if filters:
        for name, text in filters.items():
            rows.append((t("charts.export_filter", lang, name=name), text))
    else:
        rows.append((t("charts.export_filters", lang), t("charts.export_no_filters", lang)))
    rows += [(t("charts.export_note", lang), note) for note in footnotes]
    if flags_note:
        rows.append((t("charts.export_flags", lang), flags_note))
    if source:
        rows.append((t("charts.export_source", lang), source))
    rows.append((t("charts.export_date", lang), format_datetime(exported_at, lang)))
    return [(neutralize_formula(label), neutralize_formula(text)) for label, text in rows]


def checked_flags(table: pl.DataFrame, flags: pl.DataFrame | None) -> dict[str, list[str | None]]:
    """The flags of `table` by column (columns without any flag left out), checked.

    Refuses flags that do not fit the table, and a flagged cell that holds a value.
    """
    if flags is None:
        return {}
    if flags.height != table.height or not set(flags.columns) <= set(table.columns):
        raise ValueError("the flags do not fit the table: same height, table columns only")
    found = {}
    for name in flags.columns:
        marks = flags.get_column(name).cast(pl.String).to_list()
        if not any(marks):
            continue
        values = table.get_column(name).to_list()
        pairs = enumerate(zip(marks, values, strict=True))
        leaked = [row for row, (mark, value) in pairs if mark and value is not None]
        if leaked:
            raise ValueError(f"flagged cells of {name!r} hold values (rows {leaked})")
        found[name] = marks
    return found


def _with_flags(
    safe: pl.DataFrame, table: pl.DataFrame, flags: Mapping[str, list[str | None]]
) -> pl.DataFrame:
    """`safe` (`table` neutralised) with each flagged column as text: the flag, else the value.

    A number written as text is left as it is (``-469`` is no formula); a text cell keeps its
    neutralised form.
    """
    columns = {}
    for position, name in enumerate(table.columns):
        if name in flags:
            source = safe if table.schema[name] == pl.String else table
            texts = source.to_series(position).cast(pl.String).to_list()
            cells = [mark or text for mark, text in zip(flags[name], texts, strict=True)]
            columns[position] = pl.Series(safe.columns[position], cells, pl.String)
    series = [columns.get(position, safe.to_series(position)) for position in range(safe.width)]
    return pl.DataFrame(series)


def _flags_note(flags: disclosure.TableFlags | None, extra: str | None, lang: str) -> str | None:
    """The flags line of the notes: `extra` and, when cells are hidden, the suppression note."""
    parts = [extra] if extra else []
    if flags is not None and flags.applied:
        parts.append(disclosure.note(lang, threshold=flags.threshold))
    return " ".join(parts) or None


_DISPLAY = {
    "count": lambda value, lang: format_count(value, lang),
    "number": lambda value, lang: format_number(value, 0 if value == int(value or 0) else 1, lang),
    "percent": lambda value, lang: format_percent(value, lang=lang),
    "chf": lambda value, lang: format_chf(value, lang=lang),
    "year": lambda value, lang: "" if value is None else str(value),
}


def flagged_table(
    table: pl.DataFrame,
    flags: disclosure.TableFlags | None,
    formats: Mapping[str, ColumnFormat] | None = None,
    lang: str = "fr",
) -> pl.DataFrame:
    """`table` as shown on screen: each column with hidden cells as text, flags included.

    The flagged columns read like the chart (``1'234``, ``33 %``, ``< 5``, ``X``; ``…`` for a
    value that is not available); the other columns are left as they are. Without flags, the
    table itself.

    >>> table = pl.DataFrame({"Région": ["Sion", "Sierre"], "Cas": [12, None]})
    >>> flags = disclosure.TableFlags(pl.DataFrame({"Cas": [None, "< 5"]}))
    >>> flagged_table(table, flags, {"Cas": "count"}).rows()
    [('Sion', '12'), ('Sierre', '< 5')]
    """
    found = checked_flags(table, None if flags is None else flags.cells)
    formats = formats or {}
    columns = []
    for name, marks in found.items():
        kind = column_format(formats, name, table.schema[name])
        show = _DISPLAY.get(kind, lambda value, lang: "" if value is None else str(value))
        values = table.get_column(name).to_list()
        texts = [mark or show(value, lang) for mark, value in zip(marks, values, strict=True)]
        columns.append(pl.Series(name, texts, pl.String))
    return table.with_columns(columns)


def table_to_csv(
    table: pl.DataFrame,
    *,
    title: str,
    footnotes: Iterable[str] = (),
    filters: Mapping[str, str] | None = None,
    flags_note: str | None = None,
    source: str | None = None,
    lang: str = "fr",
    exported_at: dt.datetime | None = None,
    flags: disclosure.TableFlags | None = None,
) -> bytes:
    """`table` as a CSV file for Swiss Excel: UTF-8 with BOM, ``;``-separated, notes below.

    Parameters
    ----------
    table
        The table as shown (translated headers); numbers stay numbers.
    title
        The table's or chart's title.
    footnotes
        The notes shown under the table, each on its own line.
    filters
        The filter state, ``{filter name: value}`` in the user's language (e.g.
        ``{"Régions": "Sion, Sierre"}``); empty or None writes "no filter".
    flags_note
        The explanation of the statistical flags used in the table (``p``, ``X``, ``( )``,
        ``…``), if any.
    source
        The data source line.
    lang
        Language of the note labels (``fr`` or ``de``).
    exported_at
        Export time written in the notes; now (local time) when None.
    flags
        The cells hidden by small-count suppression (null in `table`): written as their flag
        (``< 5``, ``X``), with the suppression note among the notes.

    Returns
    -------
    bytes
        The file: the table with its header row, an empty line, then the notes as
        ``label;text`` lines (see the module docstring for why in this order).

    Examples
    --------
    >>> import datetime as dt
    >>> data = table_to_csv(
    ...     pl.DataFrame({"Dispositif": ["ORP", "=1+1"], "Personnes": [1234, -3]}),
    ...     title="Test", filters={"Année": "2025"}, exported_at=dt.datetime(2026, 1, 5, 9, 30),
    ... )
    >>> print(data.decode("utf-8-sig").replace("\\r\\n", "\\n"), end="")
    Dispositif;Personnes
    ORP;1234
    '=1+1;-3
    <BLANKLINE>
    Titre;Test
    Filtre : Année;2025
    Exporté le;05.01.2026 09:30
    """
    found = checked_flags(table, None if flags is None else flags.cells)
    safe = _with_flags(neutralize_text_cells(table), table, found)
    notes = _notes(
        title=title,
        filters=filters or {},
        footnotes=footnotes,
        flags_note=_flags_note(flags, flags_note, lang),
        source=source,
        exported_at=exported_at or dt.datetime.now(),
        lang=lang,
    )
    options = {"separator": CSV_SEPARATOR, "line_terminator": _LINE_END, "quote_style": "necessary"}
    data = safe.write_csv(float_scientific=False, date_format="%Y-%m-%d", **options)
    notes_frame = pl.DataFrame(notes, schema={"label": pl.String, "text": pl.String}, orient="row")
    notes_text = notes_frame.write_csv(include_header=False, **options)
    return (_BOM + data + _LINE_END + notes_text).encode("utf-8")


def column_format(formats: Mapping[str, ColumnFormat], name: str, dtype: pl.DataType) -> ColumnFormat:
    """How column `name` reads: as `formats` says, else by its type.

    >>> column_format({}, "persons", pl.Int64), column_format({"share": "percent"}, "share", pl.Float64)
    ('count', 'percent')
    """
    return formats.get(name) or _default_format(dtype)


def _default_format(dtype: pl.DataType) -> ColumnFormat:
    if dtype.is_integer():
        return "count"
    if isinstance(dtype, pl.Decimal):
        return "chf"  # the project's only Decimal columns are amounts in francs
    if dtype.is_float():
        return "number"
    return "text"


def table_to_xlsx(
    table: pl.DataFrame,
    *,
    title: str,
    footnotes: Iterable[str] = (),
    filters: Mapping[str, str] | None = None,
    flags_note: str | None = None,
    source: str | None = None,
    lang: str = "fr",
    exported_at: dt.datetime | None = None,
    formats: Mapping[str, ColumnFormat] | None = None,
    flags: disclosure.TableFlags | None = None,
) -> bytes:
    """`table` as an Excel workbook: the table on sheet 1, the notes on sheet 2.

    Parameters are those of :func:`table_to_csv`, and:

    formats
        Display format per column (:data:`ColumnFormat`); by default integers are counts,
        decimals francs, floats numbers. Shares must be named here as ``percent`` to read
        ``24 %`` (they are 0..1 floats, like any other float).
    flags
        As for :func:`table_to_csv`: a hidden cell holds its flag as text, the other cells of
        its column stay numbers.

    Returns
    -------
    bytes
        The ``.xlsx`` file. Numbers are stored as numbers (Excel can compute with them), dates
        as dates, text as text (never as a formula), with a frozen, filterable header row.
    """
    checked_flags(table, None if flags is None else flags.cells)  # refused before anything is built
    notes = _notes(
        title=title,
        filters=filters or {},
        footnotes=footnotes,
        flags_note=_flags_note(flags, flags_note, lang),
        source=source,
        exported_at=exported_at or dt.datetime.now(),
        lang=lang,
    )
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS) as workbook:
        styles = sheet_styles(workbook)
        sheet = workbook.add_worksheet(_sheet_name(t("charts.export_sheet_data", lang)))
        write_table_sheet(sheet, table, styles, formats=formats, flags=flags)

        notes_sheet = workbook.add_worksheet(_sheet_name(t("charts.export_sheet_notes", lang)))
        notes_sheet.set_column(0, 0, 28)
        notes_sheet.set_column(1, 1, 100)
        for row, (label, text) in enumerate(notes):
            notes_sheet.write_string(row, 0, label, styles["header"])
            notes_sheet.write_string(row, 1, text)
    return buffer.getvalue()


def sheet_styles(workbook: xlsxwriter.Workbook) -> dict[str, Any]:
    """The cell formats of a table sheet: one per :data:`ColumnFormat`, and the header's, the
    dates' and the flags'."""
    styles: dict[str, Any] = {
        kind: workbook.add_format({"num_format": code}) for kind, code in EXCEL_FORMATS.items()
    }
    styles["header"] = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    styles["date"] = workbook.add_format({"num_format": "dd.mm.yyyy"})
    styles["flag"] = workbook.add_format({"align": "right"})  # where the number would stand
    return styles


def write_table_sheet(
    sheet: Any,
    table: pl.DataFrame,
    styles: Mapping[str, Any],
    *,
    formats: Mapping[str, ColumnFormat] | None = None,
    flags: disclosure.TableFlags | None = None,
) -> None:
    """`table` on `sheet` (styles from :func:`sheet_styles`): a header row, then numbers as
    numbers in their display format, dates as dates, text never read as a formula, and a
    hidden cell as its flag (``< 5``, ``X``); frozen, filterable header."""
    formats = formats or {}
    found = checked_flags(table, None if flags is None else flags.cells)
    safe = neutralize_text_cells(table)
    for column, (name, original) in enumerate(zip(safe.columns, table.columns, strict=True)):
        kind = column_format(formats, original, table.schema[original])
        sheet.write_string(0, column, name, styles["header"])
        width = len(name)
        marks = found.get(original) or [None] * table.height
        cells = zip(safe.get_column(name).to_list(), marks, strict=True)
        for row, (value, mark) in enumerate(cells, start=1):
            if mark:
                sheet.write_string(row, column, mark, styles["flag"])
                continue
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(row, column, value)
            elif isinstance(value, int | float | Decimal):
                sheet.write_number(row, column, float(value), styles[kind])
            elif isinstance(value, dt.datetime | dt.date):
                sheet.write_datetime(row, column, value, styles["date"])
            else:
                sheet.write_string(row, column, str(value))
            width = max(width, len(str(value)))
        sheet.set_column(column, column, min(max(width, 8) + 2, 60))
    sheet.freeze_panes(1, 0)
    if table.width:
        sheet.autofilter(0, 0, max(table.height, 1), table.width - 1)


def _sheet_name(name: str) -> str:
    """A valid Excel sheet name: at most 31 characters, none of ``[]:*?/\\``."""
    for character in "[]:*?/\\":
        name = name.replace(character, " ")
    return name[:31]


def chart_to_csv(
    spec: ChartSpec, *, filters: Mapping[str, str] | None = None, lang: str = "fr", **options: Any
) -> bytes:
    """The table of a :class:`~dashboard.charts.ChartSpec` as CSV, with its title, notes, source.

    `options` are the other keywords of :func:`table_to_csv` (``flags_note``, ``exported_at``).
    The spec's suppression flags, if any, are always written (:attr:`ChartSpec.flags`).
    """
    return table_to_csv(
        spec.table,
        title=spec.title,
        footnotes=spec.footnotes,
        source=spec.source,
        filters=filters,
        lang=lang,
        flags=spec.flags,
        **options,
    )


def chart_to_xlsx(
    spec: ChartSpec, *, filters: Mapping[str, str] | None = None, lang: str = "fr", **options: Any
) -> bytes:
    """The table of a :class:`~dashboard.charts.ChartSpec` as XLSX, with its formats and flags."""
    return table_to_xlsx(
        spec.table,
        title=spec.title,
        footnotes=spec.footnotes,
        source=spec.source,
        filters=filters,
        lang=lang,
        formats=spec.formats,
        flags=spec.flags,
        **options,
    )


def chart_table(spec: ChartSpec, lang: str = "fr") -> pl.DataFrame:
    """The table of a :class:`~dashboard.charts.ChartSpec` as shown (:func:`flagged_table`)."""
    return flagged_table(spec.table, spec.flags, spec.formats, lang)
