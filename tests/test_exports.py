"""Table downloads (dashboard/exports.py): CSV and XLSX round trips, notes, formula injection."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from dashboard import charts, disclosure
from dashboard.exports import (
    DANGEROUS_PREFIXES,
    chart_table,
    chart_to_csv,
    chart_to_xlsx,
    flagged_table,
    neutralize_formula,
    neutralize_text_cells,
    table_to_csv,
    table_to_xlsx,
)
from queries.overlap import OverlapResult

EXPORTED_AT = dt.datetime(2026, 1, 5, 9, 30)

TABLE = pl.DataFrame(
    {
        "Dispositif": ["ORP", "=HYPERLINK(\"http://evil\")", "-CMS", None],
        "Personnes": [6418, -3, 0, None],
        "Part": [0.2437, -0.04, None, 1.0],
        "Montant": [Decimal("416406.90"), Decimal("-17800.00"), None, Decimal("0.05")],
        "Année": [2025, 2024, 2023, 2022],
        "Date": [dt.date(2025, 1, 31), None, dt.date(2024, 12, 1), dt.date(2022, 3, 4)],
    },
    schema_overrides={"Montant": pl.Decimal(14, 2)},
)
# What a spreadsheet must receive: the two text cells that start a formula are prefixed, the
# negative numbers are untouched.
NEUTRALIZED = TABLE.with_columns(
    Dispositif=pl.Series(["ORP", "'=HYPERLINK(\"http://evil\")", "'-CMS", None])
)
OPTIONS = {
    "title": "Personnes suivies, 2025",
    "footnotes": ("Monthey n'a pas répertorié les transitions.", "-1 = correction"),
    "filters": {"Régions": "Sion, Sierre", "Année": "2025"},
    "flags_note": "p = provisoire",
    "source": "suivis des dispositifs partenaires CII",
    "exported_at": EXPORTED_AT,
}
FRENCH_NOTES = [
    ("Titre", "Personnes suivies, 2025"),
    ("Filtre : Régions", "Sion, Sierre"),
    ("Filtre : Année", "2025"),
    ("Note", "Monthey n'a pas répertorié les transitions."),
    ("Note", "'-1 = correction"),  # notes are cells too
    ("Signes conventionnels", "p = provisoire"),
    ("Source", "suivis des dispositifs partenaires CII"),
    ("Exporté le", "05.01.2026 09:30"),
]


def read_csv_table(data: bytes, schema: dict[str, pl.DataType], rows: int) -> pl.DataFrame:
    """The table part of an exported CSV, as a reader who knows its length reads it.

    As text first: polars parses ahead of `n_rows`, and the note lines below the table would
    not parse as the table's numbers.
    """
    text = data.decode("utf-8-sig")
    raw = pl.read_csv(
        io.StringIO(text),
        separator=";",
        n_rows=rows,
        infer_schema=False,
        truncate_ragged_lines=True,
    )
    return raw.select(
        pl.col(name).str.to_date("%Y-%m-%d") if dtype == pl.Date else pl.col(name).cast(dtype)
        for name, dtype in schema.items()
    )


def csv_notes(data: bytes) -> list[tuple[str, ...]]:
    """The note lines after the empty line that ends the table."""
    text = data.decode("utf-8-sig")
    _, notes = text.split("\r\n\r\n", 1)
    return [tuple(line.split(";", 1)) for line in notes.removesuffix("\r\n").split("\r\n")]


# Built-in Excel number formats xlsxwriter refers to by id instead of writing them out.
_BUILTIN_FORMATS = {0: "General", 1: "0", 3: "#,##0", 4: "#,##0.00", 49: "@"}


def xlsx_cell_formats(data: bytes, sheet: int = 1) -> dict[str, str]:
    """{cell reference: number format code} of a sheet, read from the workbook's XML."""
    namespace = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
        cells = ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{sheet}.xml"))
    codes = dict(_BUILTIN_FORMATS)
    for item in styles.iterfind("x:numFmts/x:numFmt", namespace):
        codes[int(item.get("numFmtId"))] = item.get("formatCode")
    by_style = [int(xf.get("numFmtId", 0)) for xf in styles.iterfind("x:cellXfs/x:xf", namespace)]
    return {
        cell.get("r"): codes[by_style[int(cell.get("s", 0))]]
        for cell in cells.iterfind(".//x:c", namespace)
    }


# --- neutralising formulas ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # the six starts a spreadsheet reads as a formula
        ("=1+1", "'=1+1"),
        ("+41 27 606 00 00", "'+41 27 606 00 00"),
        ("-3", "'-3"),  # a negative number held as text is text
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        # harmless
        ("ORP", "ORP"),
        ("", ""),
        (" =1", " =1"),
        ("Frs. -3", "Frs. -3"),
        ("'=1", "'=1"),
    ],
)
def test_neutralize_formula(value, expected):
    assert neutralize_formula(value) == expected


def test_neutralize_text_cells_touches_text_only():
    table = pl.DataFrame(
        {
            "text": ["=1", "ok", None],
            "number": [-1, 2, None],
            "codes": [["=A", "B"], [], None],
            "kind": pl.Series(["@x", "y", "z"], dtype=pl.Categorical),
            "=header": [1.5, -2.5, 0.0],
        }
    )

    result = neutralize_text_cells(table)

    expected = pl.DataFrame(
        {
            "text": ["'=1", "ok", None],
            "number": [-1, 2, None],
            "codes": ["'=A, B", "", None],
            "kind": ["'@x", "y", "z"],
            "'=header": [1.5, -2.5, 0.0],
        }
    )
    assert_frame_equal(result, expected)


@given(st.text())
def test_neutralize_formula_prefixes_exactly_the_dangerous_starts(value):
    result = neutralize_formula(value)

    assert not result.startswith(DANGEROUS_PREFIXES)
    assert result == ("'" + value if value[:1] in DANGEROUS_PREFIXES else value)


# --- CSV -------------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_semicolons_and_the_notes_below_the_table():
    table = pl.DataFrame({"Région": ["Sion", "Haut-Valais"], "Personnes": [1234, -3]})

    data = table_to_csv(table, **OPTIONS)


    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == (
        "Région;Personnes\r\n"
        "Sion;1234\r\n"
        "Haut-Valais;-3\r\n"
        "\r\n"
        "Titre;Personnes suivies, 2025\r\n"
        "Filtre : Régions;Sion, Sierre\r\n"
        "Filtre : Année;2025\r\n"
        "Note;Monthey n'a pas répertorié les transitions.\r\n"
        "Note;'-1 = correction\r\n"
        "Signes conventionnels;p = provisoire\r\n"
        "Source;suivis des dispositifs partenaires CII\r\n"
        "Exporté le;05.01.2026 09:30\r\n"
    )


def test_csv_round_trip_gives_the_same_values_with_formulas_neutralised():
    data = table_to_csv(TABLE, **OPTIONS)

    result = read_csv_table(data, TABLE.schema, TABLE.height)

    assert_frame_equal(result, NEUTRALIZED)
    assert csv_notes(data) == FRENCH_NOTES


def test_csv_notes_in_german_and_without_filters():
    data = table_to_csv(TABLE, title="Titel", lang="de", exported_at=EXPORTED_AT)

    assert csv_notes(data) == [
        ("Titel", "Titel"),
        ("Filter", "keine (alle Daten)"),
        ("Exportiert am", "05.01.2026 09:30"),
    ]


def test_csv_of_an_empty_table_keeps_its_header_and_notes():
    data = table_to_csv(TABLE.clear(), **OPTIONS)

    header = "Dispositif;Personnes;Part;Montant;Année;Date\r\n"
    assert data.decode("utf-8-sig").startswith(header + "\r\nTitre;")


# --- XLSX ------------------------------------------------------------------------------------


def test_xlsx_round_trip_gives_the_same_values_with_formulas_neutralised():
    data = table_to_xlsx(TABLE, formats={"Part": "percent", "Année": "year"}, **OPTIONS)

    result = pl.read_excel(data, sheet_id=1)

    # Excel stores every number as a float: amounts come back as floats, whole numbers as integers.
    expected = NEUTRALIZED.with_columns(pl.col("Montant").cast(pl.Float64))
    assert_frame_equal(result, expected)


def test_xlsx_notes_sheet():
    data = table_to_xlsx(TABLE, **OPTIONS)

    notes = pl.read_excel(data, sheet_id=2, has_header=False, infer_schema_length=0)

    assert notes.rows() == FRENCH_NOTES
    assert pl.read_excel(data, sheet_name="Notes", has_header=False).height == len(FRENCH_NOTES)
    german = table_to_xlsx(TABLE, title="T", lang="de")
    assert pl.read_excel(german, sheet_name="Daten").height == TABLE.height


def test_xlsx_numbers_carry_swiss_display_formats():
    data = table_to_xlsx(TABLE, formats={"Part": "percent", "Année": "year"}, **OPTIONS)

    formats = xlsx_cell_formats(data)

    assert formats["B2"] == "#,##0"  # counts: Swiss Excel shows the group separator as '
    assert formats["C2"] == "0 %"
    assert formats["D2"] == "#,##0.00"  # a Decimal column is an amount in francs
    assert formats["E2"] == "0"  # a year takes no separator
    assert formats["F2"] == "dd.mm.yyyy"
    assert formats["A2"] == "General"  # text


def test_xlsx_writes_text_as_text_never_as_a_formula():
    table = pl.DataFrame({"a": ["=1+1", "+1", "@A1"]})

    data = table_to_xlsx(table, title="T", exported_at=EXPORTED_AT)


    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula cell at all
    assert pl.read_excel(data).get_column("a").to_list() == ["'=1+1", "'+1", "'@A1"]


# --- property: any text cell, any integer ---------------------------------------------------

dangerous_or_not = st.sampled_from(("", "a", " ", *DANGEROUS_PREFIXES))
# XLSX (XML) cannot hold every control character; the dangerous ones (tab, CR) come from the prefix.
xml_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
texts = st.builds(str.__add__, dangerous_or_not, xml_text)
cells = st.lists(st.tuples(texts, st.integers(-(2**53), 2**53)), min_size=1, max_size=8)


@given(cells)
@settings(max_examples=60, deadline=None)
def test_csv_neutralises_any_dangerous_text_and_leaves_numbers_alone(rows):
    table = pl.DataFrame(rows, schema={"text": pl.String, "number": pl.Int64}, orient="row")

    data = table_to_csv(table, title="T", exported_at=EXPORTED_AT)

    result = read_csv_table(data, table.schema, table.height)

    assert result.get_column("text").to_list() == [neutralize_formula(text) for text, _ in rows]
    assert result.get_column("number").to_list() == [number for _, number in rows]


@given(cells)
@settings(max_examples=25, deadline=None)
def test_xlsx_neutralises_any_dangerous_text_and_leaves_numbers_alone(rows):
    table = pl.DataFrame(rows, schema={"text": pl.String, "number": pl.Int64}, orient="row")

    data = table_to_xlsx(table, title="T", exported_at=EXPORTED_AT)

    result = pl.read_excel(data, infer_schema_length=0)

    assert result.get_column("text").to_list() == [neutralize_formula(text) for text, _ in rows]
    numbers = result.get_column("number").cast(pl.Float64).to_list()
    assert numbers == [float(number) for _, number in rows]


# --- a chart's table -------------------------------------------------------------------------


def test_chart_exports_carry_the_chart_title_notes_source_and_formats():
    per_institution = pl.DataFrame(
        {
            "institution": ["ORP", "CMS"],
            "beneficiaries": [4000, 6000],
            "simultaneous": [1000, 3000],
            "share": [0.25, 0.5],
        }
    )
    previous = per_institution.with_columns(share=pl.Series([0.28, 0.47]))
    spec = charts.share_comparison(
        per_institution, previous, "fr", year=2025, previous_year=2024,
        footnotes=("Données synthétiques.",),
    )

    csv = chart_to_csv(spec, filters={"Régions": "toutes"}, exported_at=EXPORTED_AT)
    xlsx = chart_to_xlsx(spec, filters={"Régions": "toutes"}, exported_at=EXPORTED_AT)

    assert csv_notes(csv)[:3] == [
        ("Titre", spec.title),
        ("Filtre : Régions", "toutes"),
        ("Note", "Données synthétiques."),
    ]
    assert ("Source", spec.source) in csv_notes(csv)
    assert_frame_equal(read_csv_table(csv, spec.table.schema, spec.table.height), spec.table)
    assert_frame_equal(pl.read_excel(xlsx), spec.table)
    assert xlsx_cell_formats(xlsx)["D2"] == "0 %"  # "Part 2025", a share
    assert xlsx_cell_formats(xlsx)["B2"] == "#,##0"


def test_overlap_matrix_export_in_german():
    matrix = pl.DataFrame(
        {
            "institution": ["ORP", "ORP", "CMS", "CMS"],
            "other": ["ORP", "CMS", "ORP", "CMS"],
            "persons": [1, 1, 1, 1],
            "row_share": [0.5, 0.5, 1.0, 1.0],
        }
    )
    per_institution = pl.DataFrame(
        {
            "institution": ["ORP", "CMS"],
            "beneficiaries": [2, 1],
            "simultaneous": [1, 1],
            "share": [0.5, 1.0],
        }
    )
    result = OverlapResult(2025, 2, 1, per_institution, matrix, pl.DataFrame())
    spec = charts.overlap_heatmap(result, "de", mode="row_shares")

    data = chart_to_xlsx(spec, lang="de", exported_at=EXPORTED_AT)

    expected = pl.DataFrame({"Stelle": ["RAV", "SMZ"], "RAV": [0.5, 1.0], "SMZ": [0.5, 1.0]})
    assert_frame_equal(pl.read_excel(data, sheet_name="Daten"), expected)
    assert xlsx_cell_formats(data)["B2"] == "0 %"
    notes = pl.read_excel(data, sheet_name="Hinweise", has_header=False)
    assert notes.row(0) == ("Titel", spec.title)


# --- suppressed cells ----------------------------------------------------------------------------

SUPPRESSED_TABLE = pl.DataFrame(
    {"Région": ["Sion", "Sierre", "Total"], "Cas": [12, None, None], "Part": [0.5, None, 1.0]}
)
FLAGS = disclosure.TableFlags(
    pl.DataFrame(
        {"Cas": [None, "< 5", "X"], "Part": [None, "X", None]},
        schema={"Cas": pl.String, "Part": pl.String},
    )
)


def xlsx_cell_types(data: bytes) -> dict[str, str]:
    """{cell reference: type} of the data sheet: ``s`` for text, ``n`` for a number."""
    namespace = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        cells = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    return {cell.get("r"): cell.get("t", "n") for cell in cells.iterfind(".//x:c", namespace)}


def test_csv_writes_the_flag_of_each_hidden_cell_and_the_suppression_note():
    data = table_to_csv(SUPPRESSED_TABLE, title="Cas", flags=FLAGS, exported_at=EXPORTED_AT)

    text = data.decode("utf-8-sig")
    assert text.startswith("Région;Cas;Part\r\nSion;12;0.5\r\nSierre;< 5;X\r\nTotal;X;1.0\r\n\r\n")
    assert ("Signes conventionnels", disclosure.note("fr")) in csv_notes(data)


def test_csv_flags_leave_negative_numbers_plain_and_text_neutralised():
    table = pl.DataFrame({"=Région": ["=Sion", "Sierre"], "Variation": [-469.0, None]})
    flags = disclosure.TableFlags(pl.DataFrame({"Variation": [None, "X"]}))

    data = table_to_csv(table, title="T", flags=flags, exported_at=EXPORTED_AT)

    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[:3] == ["'=Région;Variation", "'=Sion;-469.0", "Sierre;X"]


def test_xlsx_writes_flags_as_text_and_keeps_the_other_cells_numbers():
    data = table_to_xlsx(
        SUPPRESSED_TABLE, title="Fälle", lang="de", flags=FLAGS, formats={"Part": "percent"}
    )

    result = pl.read_excel(data, sheet_name="Daten", infer_schema_length=0)
    assert result.rows() == [("Sion", "12", "0.5"), ("Sierre", "< 5", "X"), ("Total", "X", "1")]
    types = xlsx_cell_types(data)
    assert (types["B2"], types["B3"], types["B4"], types["C4"]) == ("n", "s", "s", "n")
    assert xlsx_cell_formats(data)["C4"] == "0 %"
    notes = pl.read_excel(data, sheet_name="Hinweise", has_header=False, infer_schema_length=0)
    assert ("Zeichenerklärung", disclosure.note("de")) in notes.rows()


def test_a_flagged_cell_that_holds_a_value_is_never_exported():
    leaking = SUPPRESSED_TABLE.with_columns(Cas=pl.Series([12, 3, None]))

    with pytest.raises(ValueError, match="hold values"):
        table_to_csv(leaking, title="T", flags=FLAGS)
    with pytest.raises(ValueError, match="hold values"):
        table_to_xlsx(leaking, title="T", flags=FLAGS)
    with pytest.raises(ValueError, match="do not fit"):
        table_to_csv(SUPPRESSED_TABLE.head(2), title="T", flags=FLAGS)


def test_a_chart_spec_carries_its_flags_into_every_export():
    spec = charts.ChartSpec(
        None, "Cas clos", "", SUPPRESSED_TABLE, "bureau CII", formats={"Part": "percent"},
        flags=FLAGS,
    )

    csv = chart_to_csv(spec, flags_note="p = provisoire", exported_at=EXPORTED_AT)
    xlsx = chart_to_xlsx(spec, exported_at=EXPORTED_AT)

    assert "Sierre;< 5;X" in csv.decode("utf-8-sig")
    assert ("Signes conventionnels", "p = provisoire " + disclosure.note("fr")) in csv_notes(csv)
    assert pl.read_excel(xlsx, infer_schema_length=0).row(1) == ("Sierre", "< 5", "X")


def test_an_unflagged_spec_exports_as_before():
    spec = charts.ChartSpec(None, "T", "", SUPPRESSED_TABLE.drop_nulls(), "S")

    data = chart_to_csv(spec, exported_at=EXPORTED_AT)

    assert not [line for line in csv_notes(data) if line[0] == "Signes conventionnels"]


def test_the_table_shown_on_screen_reads_like_the_chart():
    formats = {"Cas": "count", "Part": "percent"}
    spec = charts.ChartSpec(None, "T", "", SUPPRESSED_TABLE, "S", formats=formats, flags=FLAGS)

    assert chart_table(spec, "fr").rows() == [
        ("Sion", "12", "50 %"),
        ("Sierre", "< 5", "X"),
        ("Total", "X", "100 %"),
    ]
    plain = charts.ChartSpec(None, "T", "", SUPPRESSED_TABLE, "S")
    assert_frame_equal(chart_table(plain), SUPPRESSED_TABLE)
    nothing = disclosure.TableFlags(pl.DataFrame({"n": [None, None]}, schema={"n": pl.String}))
    shown = flagged_table(pl.DataFrame({"n": [1234, None]}), nothing)
    assert shown.rows() == [(1234,), (None,)]  # nothing flagged: left as it is
