"""Store validated frames as versioned uploads, atomically; roll an upload back; list history.

One upload = one transaction: the ``uploads`` row, the status changes and every data row
commit together or not at all, even if the process is killed half-way. Each write transaction
first bumps ``data_version``: that takes the database's write lock before anything is read
(PostgreSQL: a row lock that serialises the writers; SQLite: the file's write lock), so the
"at most one current upload" check cannot race, and the loaders' caches see every change.

Rows go in through each driver's bulk path inside that same transaction: ``COPY ... FROM
STDIN`` on PostgreSQL, ``executemany`` on SQLite. A million ``followups`` rows take seconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import polars as pl
import sqlalchemy as sa

from dashboard.datasets import DATASETS, Dataset
from dashboard.db.load import frame_schema
from dashboard.db.models import DATA_VERSION, DATASET_TABLES, UPLOADS, stored_name
from dashboard.formatting import format_count
from dashboard.i18n import TranslatedError, t

_CHUNK_ROWS = 100_000  # bounds the memory of the text or tuples handed to the driver at once


class StoreError(TranslatedError):
    """A refused store or rollback; ``message(lang)`` explains it to the user."""


@dataclass(frozen=True)
class StoreResult:
    """What :func:`store_upload` did.

    ``stored``: a new upload, now current. ``unchanged``: the file is identical to the current
    upload, nothing was written. ``restored``: the file is identical to an older upload of the
    same dataset, source and year, which is current again without its rows being written twice.
    """

    upload_id: int
    outcome: Literal["stored", "unchanged", "restored"]
    superseded_id: int | None
    row_count: int

    def message(self, lang: str = "fr") -> str:
        key = f"store.{self.outcome}" + ("_superseding" if self.superseded_id is not None else "")
        rows = format_count(self.row_count, lang)
        return t(key, lang, upload_id=self.upload_id, superseded_id=self.superseded_id, rows=rows)


@dataclass(frozen=True)
class RollbackResult:
    """What :func:`rollback` did: ``upload_id`` is rolled back, ``reinstated_id`` current again."""

    upload_id: int
    reinstated_id: int | None

    def message(self, lang: str = "fr") -> str:
        if self.reinstated_id is None:
            return t("store.rolled_back_alone", lang, upload_id=self.upload_id)
        return t(
            "store.rolled_back", lang, upload_id=self.upload_id, reinstated_id=self.reinstated_id
        )


def store_upload(
    engine: sa.Engine,
    dataset: str,
    frame: pl.DataFrame,
    *,
    source: str,
    year: int,
    file_name: str,
    sha256: str,
    uploaded_by: str,
) -> StoreResult:
    """Store a validated frame as the current upload of (``dataset``, ``source``, ``year``).

    Parameters
    ----------
    engine
        Engine of a migrated database.
    dataset
        A name of :data:`dashboard.datasets.DATASETS`.
    frame
        The validated frame: exactly the dataset's canonical columns, in order, with the types
        of :func:`dashboard.db.load.frame_schema` (money as ``Decimal(14, 2)``).
    source, year
        Who sent the file and the reporting year it is sent for.
    file_name, sha256, uploaded_by
        Provenance; ``sha256`` (hex digest of the file's bytes) also recognises a re-upload.

    Returns
    -------
    StoreResult
        ``stored``, ``unchanged`` or ``restored``, with the upload id now current.

    Raises
    ------
    StoreError
        The dataset, source, digest or frame do not fit; nothing is written.
    """
    spec = _check(dataset, frame, source=source, sha256=sha256)
    now = dt.datetime.now(dt.UTC)
    key = (UPLOADS.c.dataset == dataset) & (UPLOADS.c.source == source) & (UPLOADS.c.year == year)
    with engine.connect() as connection:
        with connection.begin() as transaction:
            _bump_data_version(connection)
            current = connection.execute(
                sa.select(UPLOADS.c.id, UPLOADS.c.sha256, UPLOADS.c.row_count).where(
                    key, UPLOADS.c.status == "current"
                )
            ).one_or_none()
            if current is not None and current.sha256 == sha256:
                transaction.rollback()  # not even the version bump: nothing changed
                return StoreResult(current.id, "unchanged", None, current.row_count)

            superseded_id = None if current is None else current.id
            if superseded_id is not None:
                # Before the new current row exists: the partial unique index allows one current.
                _set_status(connection, superseded_id, "superseded", by=uploaded_by, at=now)

            same_file = connection.execute(
                sa.select(UPLOADS.c.id, UPLOADS.c.row_count).where(key, UPLOADS.c.sha256 == sha256)
            ).one_or_none()
            if same_file is not None:
                _set_status(
                    connection,
                    same_file.id,
                    "current",
                    by=uploaded_by,
                    at=now,
                    replaces_id=superseded_id,
                )
                upload_id, outcome, row_count = same_file.id, "restored", same_file.row_count
            else:
                upload_id = connection.execute(
                    sa.insert(UPLOADS).returning(UPLOADS.c.id),
                    {
                        "dataset": dataset,
                        "source": source,
                        "year": year,
                        "file_name": file_name,
                        "sha256": sha256,
                        "row_count": frame.height,
                        "uploaded_by": uploaded_by,
                        "uploaded_at": now,
                        "status": "current",
                        "replaces_id": superseded_id,
                        "status_changed_at": now,
                        "status_changed_by": uploaded_by,
                    },
                ).scalar_one()
                _bulk_insert(connection, spec, frame, upload_id)
                outcome, row_count = "stored", frame.height
            if superseded_id is not None:
                connection.execute(
                    sa.update(UPLOADS)
                    .where(UPLOADS.c.id == superseded_id)
                    .values(superseded_by=upload_id)
                )
    return StoreResult(upload_id, outcome, superseded_id, row_count)


def rollback(engine: sa.Engine, upload_id: int, *, by: str) -> RollbackResult:
    """Withdraw the current upload ``upload_id``; the upload it replaced is current again.

    The replaced upload comes back only if it is still ``superseded`` (one rolled back in the
    meantime stays withdrawn until its file is uploaded again). A rolled-back upload keeps its
    rows: uploading the same file again restores it.

    Raises
    ------
    StoreError
        ``upload_id`` does not exist or is not the current upload of its dataset, source and
        year; nothing is changed.
    """
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        _bump_data_version(connection)
        upload = connection.execute(
            sa.select(UPLOADS.c.status, UPLOADS.c.replaces_id).where(UPLOADS.c.id == upload_id)
        ).one_or_none()
        if upload is None:
            raise StoreError("store.unknown_upload", upload_id=upload_id)
        if upload.status != "current":
            raise StoreError("store.not_current", upload_id=upload_id)
        _set_status(connection, upload_id, "rolled_back", by=by, at=now)
        reinstated_id = upload.replaces_id
        if reinstated_id is not None:
            status = connection.execute(
                sa.select(UPLOADS.c.status).where(UPLOADS.c.id == reinstated_id)
            ).scalar_one()
            if status == "superseded":
                # replaces_id stays: rolling this one back later goes further back in history.
                _set_status(connection, reinstated_id, "current", by=by, at=now)
            else:
                reinstated_id = None
    return RollbackResult(upload_id, reinstated_id)


def list_uploads(engine: sa.Engine, *, dataset: str | None = None) -> pl.DataFrame:
    """The upload history, newest first: one row per upload with every ``uploads`` column.

    ``status`` is a code (``current``, ``superseded``, ``rolled_back``); ``uploaded_at`` and
    ``status_changed_at`` are UTC.
    """
    query = sa.select(UPLOADS).order_by(UPLOADS.c.id.desc())
    if dataset is not None:
        query = query.where(UPLOADS.c.dataset == dataset)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pl.DataFrame(rows, schema=_UPLOADS_SCHEMA, orient="row")


_UPLOADS_SCHEMA = pl.Schema(
    {
        "id": pl.Int64(),
        "dataset": pl.String(),
        "source": pl.String(),
        "year": pl.Int64(),
        "file_name": pl.String(),
        "sha256": pl.String(),
        "row_count": pl.Int64(),
        "uploaded_by": pl.String(),
        "uploaded_at": pl.Datetime("us", "UTC"),
        "status": pl.String(),
        "superseded_by": pl.Int64(),
        "replaces_id": pl.Int64(),
        "status_changed_at": pl.Datetime("us", "UTC"),
        "status_changed_by": pl.String(),
    }
)


def _check(dataset: str, frame: pl.DataFrame, *, source: str, sha256: str) -> Dataset:
    """Refuse what validation should have caught: a store must never write garbage."""
    spec = DATASETS.get(dataset)
    if spec is None:
        raise StoreError("store.unknown_dataset", dataset=dataset)
    if source not in spec.sources:
        allowed = ", ".join(spec.sources)
        raise StoreError(
            "store.source_not_allowed", dataset=dataset, source=source, sources=allowed
        )
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise StoreError("store.bad_sha256", value=sha256)
    expected = frame_schema(dataset)
    if frame.schema != expected:
        got = ", ".join(f"{name}: {dtype}" for name, dtype in frame.schema.items())
        want = ", ".join(f"{name}: {dtype}" for name, dtype in expected.items())
        raise StoreError("store.bad_frame", dataset=dataset, got=got, expected=want)
    not_null = [c.name for c in spec.columns if c.required and not c.nullable]
    nulls = frame.select(pl.col(not_null).null_count()).row(0, named=True) if not_null else {}
    if missing := [name for name, count in nulls.items() if count]:
        raise StoreError("store.null_values", dataset=dataset, columns=", ".join(missing))
    return spec


def _bump_data_version(connection: sa.Connection) -> None:
    connection.execute(sa.update(DATA_VERSION).values(version=DATA_VERSION.c.version + 1))


def _set_status(
    connection: sa.Connection,
    upload_id: int,
    status: str,
    *,
    by: str,
    at: dt.datetime,
    **values: object,
) -> None:
    if status == "current":
        values["superseded_by"] = None
    connection.execute(
        sa.update(UPLOADS)
        .where(UPLOADS.c.id == upload_id)
        .values(status=status, status_changed_by=by, status_changed_at=at, **values)
    )


def _storage_frame(spec: Dataset, frame: pl.DataFrame, upload_id: int) -> pl.DataFrame:
    """The rows as stored: upload_id first, money in integer centimes."""
    return frame.select(
        pl.lit(upload_id, pl.Int64).alias("upload_id"),
        *(
            (pl.col(c.name) * 100).cast(pl.Int64).alias(stored_name(c))
            if c.kind == "money"
            else pl.col(c.name)
            for c in spec.columns
        ),
    )


def _bulk_insert(
    connection: sa.Connection, spec: Dataset, frame: pl.DataFrame, upload_id: int
) -> None:
    """Insert every row on the transaction of ``connection``, by the driver's fastest path."""
    rows = _storage_frame(spec, frame, upload_id)
    preparer = connection.dialect.identifier_preparer
    table = preparer.format_table(DATASET_TABLES[spec.name])
    columns = ", ".join(preparer.quote(name) for name in rows.columns)
    dbapi_connection = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        # CSV: an empty unquoted field is NULL, a quoted "" the empty string (as polars writes).
        copy_sql = f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)"
        with dbapi_connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for chunk in rows.iter_slices(_CHUNK_ROWS):
                copy.write(chunk.write_csv(include_header=False))
    else:
        # SQLAlchemy stores SQLite dates as ISO text; sqlite3's own date adapter is deprecated.
        rows = rows.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
        placeholders = ", ".join("?" for _ in rows.columns)
        insert_sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
        cursor = dbapi_connection.cursor()
        try:
            for chunk in rows.iter_slices(_CHUNK_ROWS):
                cursor.executemany(insert_sql, chunk.rows())
        finally:
            cursor.close()
