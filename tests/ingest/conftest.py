"""Tiny files built from text in ``tmp_path``: no binary fixtures in the repository.

Each fixture is a factory, so a test states its file inline, next to what it expects::

    def test_x(csv_file):
        path = csv_file("Région;Montant\\nSion;Frs. 434'206.70\\n", encoding="cp1252")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

Cell = str | int | float | bool | dt.date | dt.datetime | None
Rows = Sequence[Sequence[Cell]]


@pytest.fixture
def csv_file(tmp_path: Path) -> Callable[..., Path]:
    """``make(text, *, encoding="utf-8", newline="\\n", name="data.csv") -> Path``.

    ``text`` uses ``\\n`` line ends; ``newline="\\r\\n"`` writes Windows line ends, and
    ``encoding`` may be ``cp1252`` (Excel's "CSV" on Windows) or ``utf-8-sig`` (with a BOM).
    """

    def make(
        text: str, *, encoding: str = "utf-8", newline: str = "\n", name: str = "data.csv"
    ) -> Path:
        path = tmp_path / name
        path.write_bytes(text.replace("\n", newline).encode(encoding))
        return path

    return make


@pytest.fixture
def xlsx_file(tmp_path: Path) -> Callable[..., Path]:
    """``make(rows or {sheet: rows}, *, name="data.xlsx") -> Path``.

    Cells are written as Excel would hold them: ``str`` as text, ``int``/``float`` as numbers,
    ``bool`` as booleans, ``date``/``datetime`` as real date cells (formatted dd.mm.yyyy),
    ``None`` as an empty cell. A plain list of rows makes one sheet named ``Feuil1``.
    """

    def make(sheets: Rows | Mapping[str, Rows], *, name: str = "data.xlsx") -> Path:
        path = tmp_path / name
        by_sheet = sheets if isinstance(sheets, Mapping) else {"Feuil1": sheets}
        workbook = xlsxwriter.Workbook(path)
        date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
        for sheet_name, rows in by_sheet.items():
            sheet = workbook.add_worksheet(sheet_name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    _write_cell(sheet, r, c, value, date_format)
        workbook.close()
        return path

    return make


def _write_cell(sheet: Worksheet, row: int, col: int, value: Cell, date_format: Format) -> None:
    if value is None:
        return
    if isinstance(value, bool):  # before int: bool is an int
        sheet.write_boolean(row, col, value)
    elif isinstance(value, (dt.date, dt.datetime)):
        sheet.write_datetime(row, col, value, date_format)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, value)


@pytest.fixture
def parquet_file(tmp_path: Path) -> Callable[..., Path]:
    """``make(frame, *, name="data.parquet") -> Path``: the frame written with its own types."""

    def make(frame: pl.DataFrame, *, name: str = "data.parquet") -> Path:
        path = tmp_path / name
        frame.write_parquet(path)
        return path

    return make
