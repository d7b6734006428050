"""File → table of text: the partners' CSV, XLSX and Parquet files, read alike.

Every cell comes out as a stripped string (or null when empty), whatever the format, so that
validation sees the same thing for the same data: typing is the parsers' job
(:mod:`dashboard.ingest.parse`), where a bad cell can be reported by row and value instead of
being silently nulled by a reader. A file that cannot be read as a table at all raises
:class:`ReadError`, whose ``problem`` says why in French or German.

CSV files are decoded here (polars only reads UTF-8): UTF-8, UTF-8 with a byte order mark,
UTF-16 with a byte order mark (Excel's "Unicode text") or Windows-1252 (Excel's "CSV" on
Windows). The separator is whichever of ``;``, tab and ``,`` splits the first lines into the
same number of fields, so that the decimal commas of a ``;`` file (``434'206,70``) do not fool
it.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import fastexcel
import polars as pl

from dashboard.ingest.privacy import mask_avs_in
from dashboard.ingest.report import Problem, problem

__all__ = ["RawTable", "ReadError", "read_table", "sha256_of"]

FileFormat = Literal["csv", "xlsx", "parquet"]

EXTENSIONS: dict[str, FileFormat] = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
}
"""File name extension → format. Magic bytes win over the extension (a workbook renamed .csv
is still read as a workbook)."""

SEPARATORS = (";", "\t", ",")
"""Candidate CSV separators, in order of preference when two split the lines equally well."""

_ZIP_MAGIC = b"PK\x03\x04"  # XLSX is a zip archive
_PARQUET_MAGIC = b"PAR1"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls, and password-protected workbooks
_SNIFF_CHARS = 64 * 1024
_SNIFF_RECORDS = 50
_MAX_COLUMNS = 16_384  # Excel's limit; beyond it a CSV is not a table


@dataclass(frozen=True)
class RawTable:
    """A file read as text, before validation.

    ``frame`` has one ``String`` column per column of the file, named by its header as
    written (stripped of surrounding whitespace and byte order mark), in file order; cell values
    are stripped and empty cells are null. Empty rows before the header and after the last data
    row are dropped; ``header_row`` is the header's row number as Excel shows it (1 unless empty
    rows precede it), so row ``i`` of the frame is row ``header_row + 1 + i`` in Excel.
    """

    frame: pl.DataFrame
    file_format: FileFormat
    encoding: str | None = None  # csv only: "utf-8", "utf-8-sig", "utf-16" or "cp1252"
    separator: str | None = None  # csv only: ";", "," or "\t"
    sheet: str | None = None  # xlsx only: the sheet read
    header_row: int = 1

    def excel_row(self, index: int) -> int:
        """The Excel row number of the frame's row ``index`` (0-based), for messages."""
        return self.header_row + 1 + index


class ReadError(Exception):
    """The file cannot be read as a table at all.

    ``problem`` is a :class:`~dashboard.ingest.report.Problem` with a ``read.*`` code: its
    ``message(lang)`` explains the cause and the fix to the user.
    """

    def __init__(self, problem: Problem) -> None:
        super().__init__(f"{problem.code}: {problem.message('fr')}")
        self.problem = problem


def _fail(code: str, **params: object) -> ReadError:
    return ReadError(problem(code, **params))


def read_table(
    source: str | Path | bytes, *, file_name: str | None = None, sheet: str | int | None = None
) -> RawTable:
    """Read a CSV, XLSX or Parquet file into a table of stripped strings.

    Parameters
    ----------
    source
        A path, or the file's bytes (an upload).
    file_name
        The file's name, for its extension; defaults to the path's name. Without an extension
        the format is recognised from the bytes.
    sheet
        XLSX only: the sheet to read, by name or 0-based index; default the first sheet.

    Returns
    -------
    RawTable
        The frame, all ``String``, and how the file was read.

    Raises
    ------
    ReadError
        The file is empty, of an unknown format, not decodable, has no recognisable
        separator, duplicate headers, data under an empty header, or the sheet does not exist.

    Examples
    --------
    A Windows-1252 export from Excel, ``;``-separated, with Swiss numbers:

    >>> data = "Région;Montant\\r\\nSion;Frs. 434'206,70\\r\\n".encode("cp1252")
    >>> table = read_table(data, file_name="budget.csv")
    >>> table.encoding, table.separator, table.frame.columns, table.frame.rows()
    ('cp1252', ';', ['Région', 'Montant'], [('Sion', "Frs. 434'206,70")])
    """
    data, name = _load(source, file_name)
    file_format = _detect_format(data, name)
    if file_format == "xlsx":
        return _read_xlsx(data, sheet)
    if file_format == "parquet":
        return _read_parquet(data)
    return _read_csv(data)


def sha256_of(source: str | Path | bytes) -> str:
    """Hex SHA-256 of the file's bytes: the same file uploaded twice has the same digest.

    >>> sha256_of(b"abc")[:16]
    'ba7816bf8f01cfea'
    """
    if isinstance(source, bytes):
        return hashlib.sha256(source).hexdigest()
    try:
        with Path(source).open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as error:
        raise _fail("read.cannot_open", value=str(source)) from error


# --- format ----------------------------------------------------------------------------------


def _load(source: str | Path | bytes, file_name: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, file_name or ""
    path = Path(source)
    try:
        return path.read_bytes(), file_name or path.name
    except OSError as error:
        raise _fail("read.cannot_open", value=str(path)) from error


def _detect_format(data: bytes, name: str) -> FileFormat:
    """The format from the magic bytes, else from the extension, else text means CSV."""
    if not data or data.isspace():
        raise _fail("read.empty_file")
    if data.startswith(_ZIP_MAGIC):
        return "xlsx"
    if data.startswith(_PARQUET_MAGIC):
        return "parquet"
    if data.startswith(_OLE2_MAGIC):
        raise _fail("read.legacy_excel")
    by_extension = EXTENSIONS.get(Path(name).suffix.lower()) if name else None
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    text_like = utf16 or b"\x00" not in data[:_SNIFF_CHARS]
    if not text_like:
        if by_extension in ("xlsx", "parquet"):
            detail = "no XLSX/Parquet signature"
            raise _fail("read.unreadable", format=by_extension.upper(), detail=detail)
        raise _fail("read.unknown_format")
    if by_extension is None and Path(name).suffix:
        # Text with a foreign extension (.json, .xml, .html...): not ours to guess.
        raise _fail("read.unknown_format")
    return "csv"  # also a text file named .xlsx or .parquet: its content decides


# --- CSV -------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding; Windows-1252 is the last resort, as Excel writes it."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", "utf-8-sig")]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", "utf-16")]
    else:
        candidates = [("utf-8", "utf-8"), ("cp1252", "cp1252")]
    for codec, label in candidates:
        try:
            return data.decode(codec), label
        except UnicodeDecodeError:
            continue
    raise _fail("read.bad_encoding")


def _detect_separator(text: str) -> tuple[str, int]:
    """The separator that splits the first records most consistently, and the widest record.

    A candidate must split the header in at least two fields; it scores the share of data
    records with exactly the header's number of fields (trailing empty fields ignored, as Excel
    writes them for formatted empty cells). Quotes are honoured, so ``"1;2"`` is one field.
    """
    sample = text[:_SNIFF_CHARS]
    truncated = len(text) > _SNIFF_CHARS
    best: tuple[float, int, int] | None = None
    chosen = (SEPARATORS[0], 1)
    for preference, separator in enumerate(SEPARATORS):
        try:
            reader = csv.reader(io.StringIO(sample, newline=""), delimiter=separator)
            records = [r for r in itertools.islice(reader, _SNIFF_RECORDS + 1) if _filled(r)]
        except csv.Error:
            continue
        if truncated and len(records) > 1:
            records = records[:-1]  # the sample may cut the last record
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        data = records[1:]
        fitting = sum(len(r) == width or (len(r) > width and not _filled(r[width:])) for r in data)
        score = (fitting / len(data) if data else 1.0, width, -preference)
        if best is None or score > best:
            best = score
            chosen = (separator, max(len(r) for r in records))
    if best is None:
        first_line = next((line for line in sample.splitlines() if line.strip()), "")
        raise _fail("read.no_separator", header=mask_avs_in(first_line[:120]))
    return chosen


def _filled(fields: list[str]) -> bool:
    return any(field.strip() for field in fields)


def _read_csv(data: bytes) -> RawTable:
    text, encoding = _decode(data)
    if not text.strip():
        raise _fail("read.empty_file")
    rewritten = "\n" not in text and "\r" in text
    if rewritten:
        text = text.replace("\r", "\n")  # classic Mac line ends (Excel for Mac "CSV Macintosh")
    separator, width, skip = _separator_line(text) or (*_detect_separator(text), 0)
    # polars parses UTF-8 bytes: reuse the file's own bytes when they already are.
    if encoding == "utf-8" and not rewritten:
        utf8 = data
    elif encoding == "utf-8-sig" and not rewritten:
        utf8 = data[len(codecs.BOM_UTF8) :]
    else:
        utf8 = text.encode("utf-8")
    rows = _parse_csv(utf8, separator, width, skip)
    found = _table_from_rows(rows)
    if found is None:
        raise _fail("read.empty_file")
    table, header_row = found
    return RawTable(table, "csv", encoding=encoding, separator=separator, header_row=header_row)


def _separator_line(text: str) -> tuple[str, int, int] | None:
    """Excel's ``sep=;`` first line, which names the separator (Excel hides the line)."""
    first_line, _, rest = text.lstrip("\ufeff").partition("\n")
    separator = first_line.rstrip("\r")[4:]
    if not first_line.lower().startswith("sep=") or separator not in SEPARATORS:
        return None
    records = csv.reader(io.StringIO(rest[:_SNIFF_CHARS], newline=""), delimiter=separator)
    try:
        width = max((len(r) for r in itertools.islice(records, _SNIFF_RECORDS)), default=1)
    except csv.Error:
        width = 1  # polars widens the schema as needed
    return separator, width, 1


def _parse_csv(data: bytes, separator: str, width: int, skip_lines: int) -> pl.DataFrame:
    """All fields as String, header included as the first row; ragged rows widen the table."""
    columns = max(width, 1)
    while True:
        try:
            return pl.read_csv(
                data,
                has_header=False,
                separator=separator,
                quote_char='"',
                skip_lines=skip_lines,
                schema={f"column_{i + 1}": pl.String for i in range(columns)},
                missing_columns="insert",  # short rows get nulls
                raise_if_empty=False,
            )
        except pl.exceptions.ComputeError as error:
            # A record wider than the sample's widest: retry wider (the extra columns are
            # checked like any other: data under no header is an error).
            if "more fields" not in str(error) or columns >= _MAX_COLUMNS:
                raise _fail("read.unreadable", format="CSV", detail=_first_line(error)) from error
            columns = min(columns * 2, _MAX_COLUMNS)
        except pl.exceptions.PolarsError as error:
            raise _fail("read.unreadable", format="CSV", detail=_first_line(error)) from error


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


# --- XLSX ------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, sheet: str | int | None) -> RawTable:
    try:
        workbook = fastexcel.read_excel(data)
    except Exception as error:  # fastexcel raises its own hierarchy and Rust panics as errors
        raise _fail("read.unreadable", format="XLSX", detail=_first_line(error)) from error
    names = list(workbook.sheet_names)
    index = _sheet_index(names, sheet)
    try:
        # No header row: the header is found and checked like a CSV header; skip_rows=0 keeps
        # the empty rows above it, so that row numbers stay Excel's. Every cell as text: a date
        # cell reads "2025-12-31 00:00:00", a number cell "6887".
        sheet_rows = workbook.load_sheet(index, header_row=None, skip_rows=0, dtypes="string")
        rows = sheet_rows.to_polars()
    except Exception as error:
        raise _fail("read.unreadable", format="XLSX", detail=_first_line(error)) from error
    found = _table_from_rows(rows)
    if found is None:
        raise _fail("read.empty_sheet", sheet=names[index])
    table, header_row = found
    return RawTable(table, "xlsx", sheet=names[index], header_row=header_row)


def _sheet_index(names: list[str], sheet: str | int | None) -> int:
    if sheet is None:
        return 0
    if isinstance(sheet, int) and 0 <= sheet < len(names):
        return sheet
    if isinstance(sheet, str):
        if sheet in names:
            return names.index(sheet)
        folded = [n.strip().casefold() for n in names]
        if folded.count(sheet.strip().casefold()) == 1:
            return folded.index(sheet.strip().casefold())
    raise _fail("read.unknown_sheet", sheet=sheet, sheets=_quoted(names))


# --- Parquet ---------------------------------------------------------------------------------


def _read_parquet(data: bytes) -> RawTable:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception as error:  # polars and the Parquet decoder raise various errors
        raise _fail("read.unreadable", format="Parquet", detail=_first_line(error)) from error
    if not frame.width:
        raise _fail("read.empty_file")
    headers = frame.columns
    positional = frame.rename({name: f"column_{i + 1}" for i, name in enumerate(headers)})
    columns = zip(positional.schema.items(), headers, strict=True)
    as_text = positional.select(_as_text(name, dtype, header) for (name, dtype), header in columns)
    cells = as_text.select(_clean(pl.col(name)) for name in as_text.columns)
    return RawTable(_apply_headers(cells, headers, header_row=1), "parquet")


def _as_text(name: str, dtype: pl.DataType, header: str) -> pl.Expr:
    """A typed Parquet column as the text a partner would have typed: ISO dates, plain numbers."""
    column = pl.col(name)
    if dtype == pl.String:
        return column
    if dtype == pl.Date:
        return column.dt.to_string("%Y-%m-%d")
    if isinstance(dtype, pl.Datetime):
        zone = "%:z" if dtype.time_zone else ""
        return column.dt.to_string(f"%Y-%m-%dT%H:%M:%S%.f{zone}")
    if dtype == pl.Time:
        return column.dt.to_string("%H:%M:%S")
    if dtype.is_numeric() or isinstance(dtype, pl.Boolean | pl.Categorical | pl.Enum | pl.Null):
        return column.cast(pl.String)  # "6887", "434206.7", "434206.70", "true"
    raise _fail("read.unsupported_type", column=header, type=str(dtype))


# --- headers and cells, all formats ----------------------------------------------------------


def _table_from_rows(rows: pl.DataFrame) -> tuple[pl.DataFrame, int] | None:
    """Rows as read (header included) → the table and the header's Excel row; None if empty.

    Cells are stripped (empty → null); the first non-empty row is the header; empty rows after
    the last data row are dropped (Excel exports formatted empty rows as ``;;;``), those in
    between are kept so that row numbers stay right.
    """
    if not rows.width:
        return None
    cells = rows.select(_clean(pl.col(name)) for name in rows.columns)
    filled = cells.select(pl.any_horizontal(pl.all().is_not_null())).to_series().arg_true()
    if not filled.len():
        return None
    first, last = int(filled[0]), int(filled[-1])
    headers = list(cells.row(first))
    body = cells.slice(first + 1, last - first)
    return _apply_headers(body, headers, header_row=first + 1), first + 1


def _apply_headers(cells: pl.DataFrame, headers: list[str | None], header_row: int) -> pl.DataFrame:
    """Name the columns by their headers; drop empty unnamed columns, refuse the others."""
    names = [_clean_header(h) for h in headers]
    keep: list[int] = []
    for position, (column, header) in enumerate(zip(cells.columns, names, strict=True), start=1):
        if header:
            keep.append(position - 1)
            continue
        values = cells.get_column(column)
        filled = values.is_not_null().arg_true()
        if filled.len():
            index = int(filled[0])
            row = header_row + 1 + index
            raise _fail("read.unnamed_column", position=position, row=row, value=mask_avs_in(str(values[index])))
    kept = [names[i] for i in keep]
    duplicates = [name for name in dict.fromkeys(kept) if kept.count(name) > 1]
    if duplicates:
        raise _fail("read.duplicate_headers", headers=_quoted(duplicates))
    return cells.select(pl.col(cells.columns[i]).alias(names[i]) for i in keep)


def _clean(column: pl.Expr) -> pl.Expr:
    stripped = column.str.strip_chars()  # also no-break and narrow spaces (Unicode White_Space)
    return pl.when(stripped != "").then(stripped)


def _clean_header(header: object) -> str:
    return "" if header is None else str(header).strip().strip("\ufeff").strip()


def _quoted(names: list[str]) -> str:
    return ", ".join(f"«{name}»" for name in names)
