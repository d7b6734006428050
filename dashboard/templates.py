"""Blank templates the partners fill in: one CSV and one XLSX per dataset (DESIGN.md §2).

Each template has the canonical headers of :data:`dashboard.datasets.DATASETS` and one example
row that passes validation, so that a partner sees the expected spelling of every value: dates
``dd.mm.yyyy``, canonical choice codes, Swiss money (``Frs. 1'234.50``), 64-hex pseudonyms.
The CSV is UTF-8 with a byte-order mark and ``;``-separated: that is what Excel expects on a
Swiss machine, so it opens in columns and with its accents right.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import polars as pl

from dashboard.datasets import DATASETS, Column, Dataset

# Text columns have no rule to derive an example from: say what a real value looks like.
_TEXT_EXAMPLES = {
    "situation_id": "S-2025-001",
    "case_id": "C-2025-001",
    "kind": "Formation de base CII",  # trainings: free text
    "category": "Coordination cantonale",
    "indicator": "situations_announced",
    "dimensions": "public=adult;region=Sion",  # "key=value;key=value", sorted by key
    "note": "Rapport annuel 2025",
}
_FIRST_DATE = dt.date(2025, 3, 3)
_DATE_STEP = dt.timedelta(days=90)  # later dates of a row: one quarter after the earlier one


def _example_pseudonym() -> str:
    """A fixed 64-hex pseudonym that is recognisably not a real person's (hash of a label)."""
    return hashlib.sha256(b"CII Valais example person").hexdigest()


def _date_ranks(dataset: Dataset) -> dict[str, int]:
    """Order the date columns so that every (earlier, later) pair of ``date_order`` holds."""
    ranks = {c.name: 0 for c in dataset.columns if c.kind == "date"}
    for _ in ranks:  # enough passes for any chain of pairs
        for earlier, later in dataset.date_order:
            ranks[later] = max(ranks[later], ranks[earlier] + 1)
    return ranks


def _example_value(column: Column, date_rank: int) -> str:
    if column.kind == "pseudonym":
        return _example_pseudonym()
    if column.kind == "choice":
        return next(iter(column.choices))
    if column.kind == "date":
        return (_FIRST_DATE + date_rank * _DATE_STEP).strftime("%d.%m.%Y")
    if column.kind == "year":
        return "2025"
    if column.kind == "integer":
        return str(max(12, column.minimum or 0))
    if column.kind == "money":
        return "Frs. 1'234.50"
    if column.kind == "number":
        return "42"
    if column.kind == "boolean":
        return "oui"
    return _TEXT_EXAMPLES.get(column.name, "exemple")


def example_row(dataset: str) -> dict[str, str]:
    """A valid example row of ``dataset``, every canonical column filled, as text.

    >>> row = example_row("followups")
    >>> row["institution"], row["start_date"], row["end_date"], len(row["person_id"])
    ('ORP', '03.03.2025', '01.06.2025', 64)
    """
    spec = DATASETS[dataset]
    ranks = _date_ranks(spec)
    return {c.name: _example_value(c, ranks.get(c.name, 0)) for c in spec.columns}


def write_templates(directory: Path) -> list[Path]:
    """Write ``<dataset>.csv`` and ``<dataset>.xlsx`` for every dataset into ``directory``.

    Both hold the canonical headers and :func:`example_row`. Existing templates are replaced.

    Returns
    -------
    list[Path]
        The files written, CSV then XLSX for each dataset in the order of ``DATASETS``.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in DATASETS:
        schema = dict.fromkeys(DATASETS[name].column_names, pl.String)
        frame = pl.DataFrame([example_row(name)], schema=schema)
        csv_path, xlsx_path = directory / f"{name}.csv", directory / f"{name}.xlsx"
        frame.write_csv(csv_path, separator=";", include_bom=True)
        # A plain range, not an Excel table: a table's autofilter buttons hide the headers'
        # ends and adding rows below it confuses some users.
        frame.write_excel(
            xlsx_path,
            worksheet=name,
            table_style=None,
            autofilter=False,
            autofit=True,
            header_format={"bold": True},
        )
        written += [csv_path, xlsx_path]
    return written
