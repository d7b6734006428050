"""dashboard.ingest.read: CSV, XLSX and Parquet files in, one table of stripped strings out."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.i18n import catalogue
from dashboard.ingest.parse import (
    parse_boolean,
    parse_date,
    parse_decimal,
    parse_integer,
    parse_number,
)
from dashboard.ingest.read import ReadError, read_table, sha256_of


def strings(columns: dict[str, list[str | None]]) -> pl.DataFrame:
    """The frame read_table must return: every column String, in this order."""
    return pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))


def details(error: ReadError) -> dict[str, object]:
    """A ReadError's code and every value its message can use."""
    problem = error.problem
    return {"code": problem.code, "row": problem.row, "column": problem.column,
            "value": problem.value, **dict(problem.params)}


# --- CSV -------------------------------------------------------------------------------------

CRLF = "\r\n"

# (text with \n line ends, file encoding, line end written) -> (encoding, separator, frame)
CSV_CASES = [
    # The common case: Excel "CSV (séparateur : point-virgule)" on Windows: Windows-1252,
    # CRLF, accents in headers, dd.mm.yyyy dates, Swiss numbers, decimal commas.
    pytest.param(
        "Date de début;Montant;Nombre\n"
        "31.12.2025;Frs. 434'206.70;6'887\n"
        "1.2.2025;434'206,70;12\n",
        "cp1252",
        CRLF,
        ("cp1252", ";"),
        {
            "Date de début": ["31.12.2025", "1.2.2025"],
            "Montant": ["Frs. 434'206.70", "434'206,70"],
            "Nombre": ["6'887", "12"],
        },
        id="excel-windows-1252-semicolon-crlf",
    ),
    pytest.param(
        "Beginn;Betrag;Region\n1.2.2025;1’000.–;Oberwallis Süd\n",
        "cp1252",
        CRLF,
        ("cp1252", ";"),
        {"Beginn": ["1.2.2025"], "Betrag": ["1’000.–"], "Region": ["Oberwallis Süd"]},
        id="german-windows-1252-typographic-apostrophe",
    ),
    # Decimal commas in a ";" file must not make "," look like the separator.
    pytest.param(
        "id;montant;taux\n1;434'206,70;0,5\n2;12,5;1,25\n3;7;8\n",
        "utf-8",
        "\n",
        ("utf-8", ";"),
        {"id": ["1", "2", "3"], "montant": ["434'206,70", "12,5", "7"], "taux": ["0,5", "1,25", "8"]},
        id="semicolon-with-decimal-commas",
    ),
    # Other encodings and separators.
    pytest.param(
        "région,début\nSion,2025-01-31\n",
        "utf-8-sig",
        "\n",
        ("utf-8-sig", ","),
        {"région": ["Sion"], "début": ["2025-01-31"]},
        id="utf-8-bom-comma",
    ),
    pytest.param(
        "région,début\nSion,2025-01-31\n",
        "utf-8",
        "\n",
        ("utf-8", ","),
        {"région": ["Sion"], "début": ["2025-01-31"]},
        id="utf-8-comma",
    ),
    pytest.param(
        "a\tb\n434'206,70\t1,5\n",
        "utf-8",
        "\n",
        ("utf-8", "\t"),
        {"a": ["434'206,70"], "b": ["1,5"]},
        id="tab-with-decimal-commas",
    ),
    pytest.param(
        "a\tb\n1\t2\n",
        "utf-16",
        CRLF,
        ("utf-16", "\t"),
        {"a": ["1"], "b": ["2"]},
        id="excel-unicode-text-utf-16",
    ),
    pytest.param(
        "sep=;\na;b\n1,5;2\n",
        "utf-8",
        CRLF,
        ("utf-8", ";"),
        {"a": ["1,5"], "b": ["2"]},
        id="excel-sep-line",
    ),
    pytest.param(
        "a;b\n1;2\n", "utf-8", "\r", ("utf-8", ";"), {"a": ["1"], "b": ["2"]}, id="classic-mac-line-ends"
    ),
    # Quoting: separators, doubled quotes and line breaks inside quoted fields.
    pytest.param(
        'nom;note\n"Sion; centre";"il a dit ""oui"""\n"deux\nlignes";x\n',
        "utf-8",
        CRLF,
        ("utf-8", ";"),
        {"nom": ["Sion; centre", "deux\r\nlignes"], "note": ['il a dit "oui"', "x"]},
        id="quoted-separator-quote-newline",
    ),
    pytest.param(
        'a,b\n"1,5","Frs. 1,000.50"\n',
        "utf-8",
        "\n",
        ("utf-8", ","),
        {"a": ["1,5"], "b": ["Frs. 1,000.50"]},
        id="quoted-commas",
    ),
    # Shape: empty lines, empty cells, header only, trailing empty columns, short rows.
    pytest.param(
        "a;b\n1;2\n\n\n\n", "utf-8", CRLF, ("utf-8", ";"), {"a": ["1"], "b": ["2"]}, id="trailing-empty-lines"
    ),
    pytest.param(
        "a;b\n1;2\n;\n3;4\n",
        "utf-8",
        "\n",
        ("utf-8", ";"),
        {"a": ["1", None, "3"], "b": ["2", None, "4"]},
        id="empty-row-inside-is-kept",
    ),
    pytest.param(
        ' a ;\ufeffb\n  x  ;   \n\u00a0y\u202f;""\n',
        "utf-8",
        "\n",
        ("utf-8", ";"),
        {"a": ["x", "y"], "b": [None, None]},
        id="whitespace-stripped-blank-is-null",
    ),
    pytest.param("a;b\n", "utf-8", CRLF, ("utf-8", ";"), {"a": [], "b": []}, id="header-only"),
    pytest.param(
        "a;b;;\n1;2;;\n3;4;;;;\n",
        "utf-8",
        "\n",
        ("utf-8", ";"),
        {"a": ["1", "3"], "b": ["2", "4"]},
        id="trailing-empty-columns",
    ),
    pytest.param(
        "a;b;c\n1;2\n3\n",
        "utf-8",
        "\n",
        ("utf-8", ";"),
        {"a": ["1", "3"], "b": ["2", None], "c": [None, None]},
        id="short-rows",
    ),
]


@pytest.mark.parametrize(("text", "encoding", "newline", "how", "expected"), CSV_CASES)
def test_read_csv(csv_file, text, encoding, newline, how, expected):
    result = read_table(csv_file(text, encoding=encoding, newline=newline))

    read_as = (result.file_format, result.encoding, result.separator, result.sheet)
    assert (*read_as, result.header_row) == ("csv", *how, None, 1)
    assert_frame_equal(result.frame, strings(expected))


def test_csv_wider_row_after_the_sample_is_refused_by_its_row(csv_file):
    # Rows past the separator sample are still checked: data under no header is refused.
    path = csv_file("a;b\n" + "1;2\n" * 60 + "1;2;x\n")

    with pytest.raises(ReadError) as raised:
        read_table(path)

    assert details(raised.value) == {
        "code": "read.unnamed_column", "row": 62, "column": None, "value": "x", "position": 3
    }


def test_csv_empty_lines_before_the_header_shift_the_rows(csv_file):
    result = read_table(csv_file("\n;\na;b\n1;2\n", newline=CRLF))

    assert (result.header_row, result.excel_row(0)) == (3, 4)
    assert_frame_equal(result.frame, strings({"a": ["1"], "b": ["2"]}))


# --- XLSX ------------------------------------------------------------------------------------

SHEETS = {
    "Suivis": [
        ["Date de début", "Nombre", "Montant", "Texte", "Oui/non", "Vide"],
        [dt.date(2025, 12, 31), 6887, 434206.7, "6'887", True, None],
        ["31.12.2025", 12, -12.5, "  x  ", False, None],
    ],
    "Autre": [["a"], ["z"]],
}


def test_xlsx_first_sheet_cells_as_text(xlsx_file):
    result = read_table(xlsx_file(SHEETS))

    read_as = (result.file_format, result.sheet, result.encoding, result.separator)
    assert (*read_as, result.header_row) == ("xlsx", "Suivis", None, None, 1)
    # A date cell reads as an ISO datetime, numbers as plain text, booleans as true/false; a
    # column with a header and no value is kept.
    expected = strings(
        {
            "Date de début": ["2025-12-31 00:00:00", "31.12.2025"],
            "Nombre": ["6887", "12"],
            "Montant": ["434206.7", "-12.5"],
            "Texte": ["6'887", "x"],
            "Oui/non": ["true", "false"],
            "Vide": [None, None],
        }
    )
    assert_frame_equal(result.frame, expected)


def test_xlsx_cells_are_accepted_by_the_parsers(xlsx_file):
    frame = read_table(xlsx_file(SHEETS)).frame

    result = frame.select(
        parse_date(pl.col("Date de début")),
        parse_integer(pl.col("Nombre")),
        parse_decimal(pl.col("Montant")).alias("money"),
        parse_number(pl.col("Montant")),
        parse_boolean(pl.col("Oui/non")),
    )

    expected = pl.DataFrame(
        {
            "Date de début": [dt.date(2025, 12, 31)] * 2,
            "Nombre": [6887, 12],
            "money": [Decimal("434206.70"), Decimal("-12.50")],
            "Montant": [434206.7, -12.5],
            "Oui/non": [True, False],
        },
        schema_overrides={"money": pl.Decimal(18, 2)},
    )
    assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("sheet", "expected_sheet"),
    [
        pytest.param(None, "Suivis", id="default-first"),
        pytest.param("Autre", "Autre", id="by-name"),
        pytest.param(" autre ", "Autre", id="by-name-any-case"),
        pytest.param(1, "Autre", id="by-index"),
        pytest.param(0, "Suivis", id="by-index-first"),
    ],
)
def test_xlsx_sheet_choice(xlsx_file, sheet, expected_sheet):
    result = read_table(xlsx_file(SHEETS), sheet=sheet)

    assert result.sheet == expected_sheet
    assert result.frame.columns == [str(header) for header in SHEETS[expected_sheet][0]]


def test_xlsx_blank_cells_and_trailing_blank_rows(xlsx_file):
    path = xlsx_file([["a", "b", None], [" 1 ", None, "   "], [None, None, " "]])

    result = read_table(path)

    assert_frame_equal(result.frame, strings({"a": ["1"], "b": [None]}))


def test_xlsx_header_below_empty_rows(xlsx_file):
    result = read_table(xlsx_file([[], ["a", "b"], [1, 2]]))

    assert (result.header_row, result.excel_row(0)) == (2, 3)
    assert_frame_equal(result.frame, strings({"a": ["1"], "b": ["2"]}))


def test_xlsx_row_numbers_in_errors_are_excel_rows(xlsx_file):
    path = xlsx_file([[], [], ["a", None], ["1", None], ["2", "orphan"]])

    with pytest.raises(ReadError) as raised:
        read_table(path)

    assert details(raised.value) == {
        "code": "read.unnamed_column", "row": 5, "column": None, "value": "orphan", "position": 2
    }


# --- Parquet ---------------------------------------------------------------------------------


def test_parquet_typed_columns_become_text(parquet_file):
    frame = pl.DataFrame(
        {
            "date": [dt.date(2025, 12, 31), None],
            "moment": [dt.datetime(2025, 12, 31, 8, 30), dt.datetime(2025, 1, 2, 0, 0, 0, 500)],
            "count": [6887, -12],
            "ratio": [434206.7, 6887.0],
            "amount": [Decimal("434206.70"), Decimal("-1.05")],
            "flag": [True, False],
            "label": [" Sion ", ""],
            "region": ["Sion", "Monthey"],
        },
        schema_overrides={"amount": pl.Decimal(18, 2), "region": pl.Categorical},
    )

    result = read_table(parquet_file(frame))

    expected = strings(
        {
            "date": ["2025-12-31", None],
            "moment": ["2025-12-31T08:30:00", "2025-01-02T00:00:00.000500"],
            "count": ["6887", "-12"],
            "ratio": ["434206.7", "6887.0"],
            "amount": ["434206.70", "-1.05"],
            "flag": ["true", "false"],
            "label": ["Sion", None],
            "region": ["Sion", "Monthey"],
        }
    )
    read_as = (result.file_format, result.encoding, result.separator, result.sheet)
    assert read_as == ("parquet", None, None, None)
    assert_frame_equal(result.frame, expected)
    # The parsers turn the text back into the Parquet values.
    parsed = result.frame.select(
        parse_date(pl.col("date")),
        parse_date(pl.col("moment")),
        parse_integer(pl.col("count")),
        parse_decimal(pl.col("amount")),
    )
    assert_frame_equal(parsed, frame.select("date", pl.col("moment").dt.date(), "count", "amount"))


def test_parquet_nested_column_is_refused(parquet_file):
    path = parquet_file(pl.DataFrame({"a": ["x"], "tags": [["p", "q"]]}))

    with pytest.raises(ReadError) as raised:
        read_table(path)

    problem = raised.value.problem
    assert (problem.code, problem.column) == ("read.unsupported_type", "tags")
    assert problem.message("fr") != problem.message("de")


# --- inputs and format detection -------------------------------------------------------------


def test_bytes_str_and_path_inputs_read_alike(csv_file):
    path = csv_file("é;b\n1;2\n", encoding="cp1252")

    for result in [
        read_table(path),
        read_table(str(path)),
        read_table(path.read_bytes(), file_name="upload.csv"),
    ]:
        assert (result.file_format, result.encoding, result.separator) == ("csv", "cp1252", ";")
        assert_frame_equal(result.frame, strings({"é": ["1"], "b": ["2"]}))


@pytest.mark.parametrize(
    ("make", "file_name", "file_format"),
    [
        # No name: the bytes decide.
        pytest.param("csv", None, "csv", id="sniff-csv"),
        pytest.param("xlsx", None, "xlsx", id="sniff-xlsx"),
        pytest.param("parquet", None, "parquet", id="sniff-parquet"),
        # Magic bytes win over a misleading extension; text named .xlsx is read as CSV.
        pytest.param("xlsx", "export.csv", "xlsx", id="workbook-named-csv"),
        pytest.param("parquet", "export.txt", "parquet", id="parquet-named-txt"),
        pytest.param("csv", "export.xlsx", "csv", id="text-named-xlsx"),
        # Extensions, any case.
        pytest.param("csv", "EXPORT.TSV", "csv", id="tsv"),
        pytest.param("xlsx", "export.XLSM", "xlsx", id="xlsm"),
        pytest.param("parquet", "export.pq", "parquet", id="pq"),
    ],
)
def test_format_detection(csv_file, xlsx_file, parquet_file, make, file_name, file_format):
    path = {
        "csv": lambda: csv_file("a;b\n1;2\n"),
        "xlsx": lambda: xlsx_file([["a", "b"], ["1", "2"]]),
        "parquet": lambda: parquet_file(pl.DataFrame({"a": ["1"], "b": ["2"]})),
    }[make]()

    result = read_table(path.read_bytes(), file_name=file_name)

    assert result.file_format == file_format
    assert_frame_equal(result.frame, strings({"a": ["1"], "b": ["2"]}))


def test_sha256_of_path_and_bytes(csv_file):
    path = csv_file("a;b\n1;2\n")
    expected = hashlib.sha256(b"a;b\n1;2\n").hexdigest()

    assert sha256_of(path) == sha256_of(str(path)) == sha256_of(path.read_bytes()) == expected


# --- files that cannot be read ---------------------------------------------------------------


def raw(data: bytes):
    return lambda xlsx_file: data


def text(content: str, encoding: str = "utf-8"):
    return lambda xlsx_file: content.encode(encoding)


def workbook(sheets):
    return lambda xlsx_file: xlsx_file(sheets).read_bytes()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64

# (file, name, sheet) -> code and the message values that must name the cause
READ_ERRORS = [
    # Nothing to read.
    pytest.param(raw(b""), "data.csv", None, "read.empty_file", {}, id="empty-file"),
    pytest.param(text("  \r\n\r\n"), "data.csv", None, "read.empty_file", {}, id="blank-file"),
    pytest.param(raw(b"\xef\xbb\xbf"), "data.csv", None, "read.empty_file", {}, id="bom-only"),
    pytest.param(
        workbook({"Vide": []}), "data.xlsx", None, "read.empty_sheet", {"sheet": "Vide"}, id="empty-sheet"
    ),
    # Not a table file.
    pytest.param(raw(OLE2), "old.xls", None, "read.legacy_excel", {}, id="legacy-xls"),
    pytest.param(raw(b"%PDF-1.7\n\x00\x01"), "r.pdf", None, "read.unknown_format", {}, id="binary"),
    pytest.param(
        text('{"a": 1, "b": 2}'), "data.json", None, "read.unknown_format", {}, id="foreign-text-extension"
    ),
    pytest.param(
        raw(b"PK\x03\x04 not a zip"), "data.xlsx", None, "read.unreadable", {"format": "XLSX"}, id="corrupt-xlsx"
    ),
    pytest.param(
        raw(b"PAR1 not parquet"), "d.parquet", None, "read.unreadable", {"format": "Parquet"}, id="corrupt-parquet"
    ),
    pytest.param(
        raw(b"\x00\x00\x00"), "data.xlsx", None, "read.unreadable", {"format": "XLSX"}, id="binary-named-xlsx"
    ),
    # Text that is not a table we can split.
    pytest.param(
        raw(b"a;b\n\x81\x8d\x8f;2\n"), "data.csv", None, "read.bad_encoding", {}, id="not-utf-8-nor-cp1252"
    ),
    pytest.param(
        text("nom prenom date\nx y z\n"), "data.csv", None, "read.no_separator", {"header": "nom prenom date"},
        id="no-separator",
    ),
    pytest.param(
        text("a|b|c\n1|2|3\n"), "data.csv", None, "read.no_separator", {"header": "a|b|c"}, id="pipe-separator"
    ),
    # Headers.
    pytest.param(
        text("a;b; a\n1;2;3\n"), "data.csv", None, "read.duplicate_headers", {"headers": "«a»"},
        id="duplicate-headers",
    ),
    pytest.param(
        workbook([["a", "b", "a", "b"], [1, 2, 3, 4]]), "data.xlsx", None, "read.duplicate_headers",
        {"headers": "«a», «b»"}, id="duplicate-headers-xlsx",
    ),
    pytest.param(
        text("a,b\n1,434'206,70\n"), "data.csv", None, "read.unnamed_column",
        {"position": 3, "row": 2, "value": "70"}, id="unquoted-decimal-comma",
    ),
    pytest.param(
        text("a;;c\n1;;3\n4;x;6\n"), "data.csv", None, "read.unnamed_column",
        {"position": 2, "row": 3, "value": "x"}, id="unnamed-middle-column",
    ),
    # Sheets.
    pytest.param(
        workbook({"Suivis": [["a"]], "Autre": [["b"]]}), "data.xlsx", "Budget", "read.unknown_sheet",
        {"sheet": "Budget", "sheets": "«Suivis», «Autre»"}, id="unknown-sheet-name",
    ),
    pytest.param(
        workbook({"Suivis": [["a"]]}), "data.xlsx", 3, "read.unknown_sheet",
        {"sheet": 3, "sheets": "«Suivis»"}, id="unknown-sheet-index",
    ),
]


@pytest.mark.parametrize(("make", "file_name", "sheet", "code", "named"), READ_ERRORS)
def test_read_errors(xlsx_file, make, file_name, sheet, code, named):
    with pytest.raises(ReadError) as raised:
        read_table(make(xlsx_file), file_name=file_name, sheet=sheet)

    found = details(raised.value)
    assert (found["code"], {key: found[key] for key in named}) == (code, named)
    french, german = raised.value.problem.message("fr"), raised.value.problem.message("de")
    assert french and german and french != german
    assert "{" not in french + german  # every placeholder filled


def test_missing_path_is_a_read_error(tmp_path):
    with pytest.raises(ReadError) as raised:
        read_table(tmp_path / "absent.csv")

    found = details(raised.value)
    assert (found["code"], found["value"]) == ("read.cannot_open", str(tmp_path / "absent.csv"))


def test_every_read_message_is_in_french_and_german():
    messages = {key: texts for key, texts in catalogue().items() if key.startswith("read.")}

    assert messages
    for key, texts in messages.items():
        assert texts.get("fr") and texts.get("de") and texts["fr"] != texts["de"], key


def test_read_errors_never_quote_a_raw_avs_number(csv_file):
    # The privacy guard runs after reading: a read error must not leak what it would refuse.
    path = csv_file("a;;b\n1;756.1234.5678.97;2\n")
    with pytest.raises(ReadError) as caught:
        read_table(path)
    for lang in ("fr", "de"):
        message = caught.value.problem.message(lang)
        assert "756.1234.5678.97" not in message and "756.****.****.97" in message
