"""`python -m bench` keeps working: the partner file it imports is valid, and a tiny run reports.

The benchmark's figures are not checked (measuring them is the benchmark's job); its shape is:
the sections, the import table, one row per backend with numbers that add up.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from bench.bench_pipeline import PARTNER, YEAR, partner_csv, partner_frame, postgres_target
from dashboard.ingest.read import read_table
from dashboard.ingest.validate import validate

ROOT = Path(__file__).resolve().parent.parent
DATE = r"\d\d\.\d\d\.\d{4}"
IMPORT_HEADER = [
    "backend", "rows", "hash s", "read s", "validate s", "store s", "import_file s", "min–max s",
    "rows/s", "load_dataset s", "baseline MiB", "peak import MiB", "peak load MiB", "warnings",
]  # fmt: skip


def test_partner_csv_is_an_excel_export_that_validates_without_a_problem(tmp_path):
    path = partner_csv(500, 7, cache_dir=tmp_path)
    lines = path.read_bytes().decode("cp1252").split("\r\n")
    assert lines[0] == "Personne;Dispositif;Région;Date de début;Date de fin"
    row = re.compile(rf"[0-9a-f]{{64}};ORP;[A-Za-z-]+;{DATE};({DATE})?")
    assert [line for line in lines[1:-1] if not row.fullmatch(line)] == []
    assert lines[-1] == ""  # a line end after the last row, as Excel writes it

    raw = read_table(path)
    result = validate(raw.frame, "followups", source=PARTNER, year=YEAR, header_row=raw.header_row)
    assert (raw.encoding, raw.separator) == ("cp1252", ";")
    assert (result.report.errors, result.report.warnings) == ([], [])
    expected = partner_frame(500, 7, cache_dir=tmp_path)
    assert_frame_equal(result.frame, expected)
    assert expected["end_date"].null_count() > 0  # open episodes are in the file


@pytest.mark.slow
def test_quick_pipeline_run_prints_and_writes_one_report_with_every_stage(tmp_path):
    command = [sys.executable, "-m", "bench", "--quick", "--only", "pipeline", "--rows", "2000"]
    done = subprocess.run(
        [*command, "--cache-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = done.stdout
    assert (tmp_path / "last-report.md").read_text(encoding="utf-8") == report

    headings = [line for line in report.splitlines() if line.startswith("#")]
    assert headings == [
        "# CII dashboard benchmarks",
        "## Import of a partner file: read, validate, store, load",
        "## Store and load alone (`bench/bench_import.py`)",
    ]
    fields = [line.split(":", 1)[0] for line in report.splitlines() if line.startswith("- **")]
    names = ["Date", "Machine", "Load average (1/5/15 min)", "Software", "Code", "Backends", "Run"]
    assert fields == [f"- **{name}**" for name in names]

    table = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in report.splitlines()
        if line.startswith("|")
    ]
    assert table[0] == IMPORT_HEADER
    rows = [dict(zip(IMPORT_HEADER, row, strict=True)) for row in table[2:]]
    backends = ["sqlite"] + (["postgresql"] if postgres_target().url else [])
    assert [row["backend"] for row in rows] == backends
    for row in rows:
        assert (row["rows"], row["warnings"]) == ("2,000", "0")
        stages = sum(float(row[name]) for name in ("hash s", "read s", "validate s", "store s"))
        total = float(row["import_file s"])
        assert 0 < total and stages <= total + 0.02  # one trial: its stages are inside it
        assert row["min–max s"] == f"{row['import_file s']}–{row['import_file s']}"
        assert float(row["load_dataset s"]) > 0
        memory = [float(row[name]) for name in ("baseline MiB", "peak import MiB", "peak load MiB")]
        assert 0 < memory[0] <= memory[1] and memory[2] > 0
