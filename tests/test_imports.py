"""The two steps of an import (dashboard/imports.py): check without touching the database, then
store what the check accepted; `import_file` is both, as `cii import` and the demo use it."""

from __future__ import annotations

import hashlib

import pytest
from polars.testing import assert_frame_equal

from dashboard.db.load import load_dataset
from dashboard.db.store import StoreResult, list_uploads
from dashboard.imports import check_file, import_file, store_checked

GOOD = "date;kind;language_region;participants\n20.03.2025;Introduction;valais_romand;22\n".encode()
BAD = "date;kind;language_region;participants\n32.13.2025;Introduction;mars;22\n".encode()


def test_check_file_reads_and_validates_without_touching_the_database(engine):
    checked = check_file("trainings", GOOD, source="CII", year=2025, file_name="trainings.csv")
    assert (checked.ok, checked.row_count, checked.sha256) == (True, 1, hashlib.sha256(GOOD).hexdigest())
    assert (checked.dataset, checked.source, checked.year, checked.file_name) == ("trainings", "CII", 2025, "trainings.csv")
    assert checked.report.errors == [] and checked.report.warnings == []
    assert list_uploads(engine).is_empty()


def test_store_checked_stores_what_the_check_accepted(engine):
    checked = check_file("trainings", GOOD, source="CII", year=2025, file_name="trainings.csv")
    result = store_checked(engine, checked, uploaded_by="demo-admin")
    assert result == StoreResult(1, "stored", None, 1)
    stored = load_dataset(engine, "trainings").select(checked.frame.columns)
    assert_frame_equal(stored, checked.frame)
    assert list_uploads(engine).select("file_name", "uploaded_by", "sha256").row(0) == (
        "trainings.csv", "demo-admin", checked.sha256
    )


def test_a_refused_file_has_its_report_and_cannot_be_stored(engine):
    checked = check_file("trainings", BAD, source="CII", year=2025, file_name="bad.csv")
    assert (checked.ok, checked.frame, checked.row_count) == (False, None, 0)
    assert [(p.code, p.row, p.column, p.value) for p in checked.report.errors] == [
        ("validation.bad_value", 2, "date", "32.13.2025"),
        ("validation.bad_choice", 2, "language_region", "mars"),
    ]
    with pytest.raises(ValueError, match="refused"):
        store_checked(engine, checked, uploaded_by="demo-admin")
    assert list_uploads(engine).is_empty()


def test_an_unreadable_file_is_refused_with_the_readers_problem():
    checked = check_file("trainings", b"", source="CII", year=2025, file_name="empty.csv")
    assert (checked.ok, checked.sha256, [p.code for p in checked.report.errors]) == (False, None, ["read.empty_file"])


def test_import_file_is_check_then_store(engine, tmp_path):
    path = tmp_path / "trainings.csv"
    path.write_bytes(GOOD)
    first = import_file(engine, "trainings", path, source="CII", year=2025, uploaded_by="cli")
    again = import_file(engine, "trainings", path, source="CII", year=2025, uploaded_by="cli")
    refused = import_file(engine, "trainings", BAD, source="CII", year=2025, uploaded_by="cli", file_name="b.csv")
    assert (first.ok, first.stored) == (True, StoreResult(1, "stored", None, 1))
    assert (again.ok, again.stored) == (True, StoreResult(1, "unchanged", None, 1))
    assert (refused.ok, refused.stored, refused.report.error_count) == (False, None, 2)
    assert list_uploads(engine).select("id", "status").rows() == [(1, "current")]


def test_bytes_need_a_file_name():
    with pytest.raises(ValueError, match="file_name"):
        check_file("trainings", GOOD, source="CII", year=2025)

