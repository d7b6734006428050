"""One upload, end to end: read → privacy and validation → store. Shared by `cii import` and the
Données page, so both refuse and accept exactly the same files.

The two steps are separate so that the page can show the report and ask for a confirmation in
between: :func:`check_file` reads and validates without touching the database,
:func:`store_checked` stores what it accepted. :func:`import_file` is both at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from dashboard.db.store import StoreResult, store_upload
from dashboard.ingest.read import ReadError, read_table, sha256_of
from dashboard.ingest.report import ValidationReport
from dashboard.ingest.validate import validate

MAX_UPLOAD_MB = 20
"""Largest file the Données page accepts, in MB (the issue's limit). The browser refuses larger
files (the uploader's own limit), the server too (``server.maxUploadSize`` in
``.streamlit/config.toml``) and the page checks it once more. ``cii import`` has no limit."""


@dataclass(frozen=True)
class CheckedFile:
    """A file read and validated, not stored: the report, and the frame it would store.

    ``frame`` is the validated canonical frame, None when the report refuses the file.
    ``sha256`` is the digest of the file's bytes (None when it could not be read).
    """

    dataset: str
    source: str
    year: int
    file_name: str
    report: ValidationReport
    frame: pl.DataFrame | None
    sha256: str | None

    @property
    def ok(self) -> bool:
        return self.frame is not None and self.report.ok

    @property
    def row_count(self) -> int:
        """Rows that would be stored (0 for a refused file)."""
        return 0 if self.frame is None else self.frame.height


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one file: refused (report has errors, nothing stored) or stored."""

    report: ValidationReport
    stored: StoreResult | None

    @property
    def ok(self) -> bool:
        return self.stored is not None


def check_file(
    dataset: str,
    source_file: str | Path | bytes,
    *,
    source: str,
    year: int,
    file_name: str | None = None,
    sheet: str | int | None = None,
) -> CheckedFile:
    """Read and validate one partner file, without touching the database.

    Parameters are those of :func:`import_file` (without the engine and the uploader).

    Returns
    -------
    CheckedFile
        Its ``report`` lists the errors (which refuse the file whole) and the warnings; its
        ``frame`` is what :func:`store_checked` would store, or None when refused.
    """
    if file_name is None:
        if isinstance(source_file, bytes):
            raise ValueError("file_name is required for bytes input")
        file_name = Path(source_file).name
    try:
        raw = read_table(source_file, file_name=file_name, sheet=sheet)
        digest = sha256_of(source_file)
    except ReadError as error:
        report = ValidationReport(errors=[error.problem])
        return CheckedFile(dataset, source, year, file_name, report, None, None)
    result = validate(raw.frame, dataset, source=source, year=year, header_row=raw.header_row)
    frame = result.frame if result.report.ok else None
    return CheckedFile(dataset, source, year, file_name, result.report, frame, digest)


def store_checked(engine: sa.Engine, checked: CheckedFile, *, uploaded_by: str) -> StoreResult:
    """Store a file :func:`check_file` accepted, as the current upload of its dataset, source and year.

    Raises
    ------
    ValueError
        The file was refused: a refused file is never stored.
    dashboard.db.store.StoreError
        The store itself refused it (see :func:`dashboard.db.store.store_upload`).
    """
    if not checked.ok or checked.frame is None or checked.sha256 is None:
        raise ValueError(f"{checked.file_name}: a refused file cannot be stored")
    return store_upload(
        engine,
        checked.dataset,
        checked.frame,
        source=checked.source,
        year=checked.year,
        file_name=checked.file_name,
        sha256=checked.sha256,
        uploaded_by=uploaded_by,
    )


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
    checked = check_file(dataset, source_file, source=source, year=year, file_name=file_name, sheet=sheet)
    if not checked.ok:
        return ImportOutcome(checked.report, None)
    return ImportOutcome(checked.report, store_checked(engine, checked, uploaded_by=uploaded_by))
