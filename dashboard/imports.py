"""One upload, end to end: read → privacy and validation → store. Shared by `cii import` and the
Données page, so both refuse and accept exactly the same files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from dashboard.db.store import StoreResult, store_upload
from dashboard.ingest.read import ReadError, read_table, sha256_of
from dashboard.ingest.report import ValidationReport
from dashboard.ingest.validate import validate


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one file: refused (report has errors, nothing stored) or stored."""

    report: ValidationReport
    stored: StoreResult | None

    @property
    def ok(self) -> bool:
        return self.stored is not None


def import_file(
    engine: sa.Engine,
    dataset: str,
    source_file: str | Path | bytes,
    *,
    source: str,
    year: int,
    uploaded_by: str,
    file_name: str | None = None,
    sheet: str | int | None = None,
) -> ImportOutcome:
    """Read, validate and store one partner file; an invalid file leaves the database unchanged."""
    if file_name is None:
        if isinstance(source_file, bytes):
            raise ValueError("file_name is required for bytes input")
        file_name = Path(source_file).name
    try:
        raw = read_table(source_file, file_name=file_name, sheet=sheet)
    except ReadError as error:
        return ImportOutcome(ValidationReport(errors=[error.problem]), None)
    result = validate(raw.frame, dataset, source=source, year=year, header_row=raw.header_row)
    if not result.report.ok or result.frame is None:
        return ImportOutcome(result.report, None)
    stored = store_upload(
        engine,
        dataset,
        result.frame,
        source=source,
        year=year,
        file_name=file_name,
        sha256=sha256_of(source_file),
        uploaded_by=uploaded_by,
    )
    return ImportOutcome(result.report, stored)
