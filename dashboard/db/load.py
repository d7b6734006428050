"""Load the current uploads of a dataset as a polars frame, and the data version for caches.

The frame has the dataset's canonical columns and types (as validation produces them), then
``upload_id``, ``source`` and the upload's reporting ``year`` (``upload_year`` for datasets
that have their own ``year`` column): DESIGN.md §3, the indicators of year Y use the current
uploads of year Y only.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import polars as pl
import sqlalchemy as sa

from dashboard.datasets import DATASETS, Column
from dashboard.db.models import DATA_VERSION, DATASET_TABLES, UPLOADS, stored_name
from dashboard.ingest.validate import CANONICAL_DTYPES

MONEY = CANONICAL_DTYPES["money"]
_FETCH_ROWS = 100_000


def column_dtype(column: Column) -> pl.DataType:
    """The polars type of a validated column of this kind."""
    return CANONICAL_DTYPES[column.kind]


def frame_schema(dataset: str) -> pl.Schema:
    """The canonical columns and types of a validated ``dataset`` frame."""
    return pl.Schema({c.name: column_dtype(c) for c in DATASETS[dataset].columns})


def year_column(dataset: str) -> str:
    """Name of the added reporting-year column: ``year``, or ``upload_year`` if taken."""
    return "upload_year" if "year" in DATASETS[dataset].column_names else "year"


def loaded_schema(dataset: str) -> pl.Schema:
    """The columns and types :func:`load_dataset` returns for ``dataset``."""
    return pl.Schema(frame_schema(dataset) | _provenance_schema(dataset))


def _provenance_schema(dataset: str) -> dict[str, pl.DataType]:
    return {"upload_id": pl.Int64(), "source": pl.String(), year_column(dataset): pl.Int64()}


def load_dataset(
    engine: sa.Engine, dataset: str, *, years: Iterable[int] | None = None
) -> pl.DataFrame:
    """The rows of the current uploads of ``dataset``, for the given reporting years.

    Parameters
    ----------
    engine
        Engine of a migrated database.
    dataset
        A name of :data:`dashboard.datasets.DATASETS`.
    years
        Reporting years of the uploads to include (the year an upload was sent for, not the
        dates in its rows); None for every year.

    Returns
    -------
    polars.DataFrame
        The canonical columns (money as ``Decimal(14, 2)``), then ``upload_id``, ``source`` and
        the upload's reporting year (``year``, or ``upload_year`` for datasets with their own
        ``year`` column). Rows in upload order, then file order.
    """
    spec = DATASETS[dataset]
    table = DATASET_TABLES[dataset]
    uploads_query = sa.select(UPLOADS.c.id, UPLOADS.c.source, UPLOADS.c.year).where(
        UPLOADS.c.dataset == dataset, UPLOADS.c.status == "current"
    )
    if years is not None:
        uploads_query = uploads_query.where(UPLOADS.c.year.in_(sorted(set(years))))
    # Booleans travel as 0/1 (PostgreSQL's CSV would write t/f), money as centimes.
    stored = [table.c[stored_name(c)] for c in spec.columns]
    rows_query = sa.select(
        table.c.id,
        table.c.upload_id,
        *(
            sa.cast(col, sa.Integer).label(col.name) if c.kind == "boolean" else col
            for c, col in zip(spec.columns, stored, strict=True)
        ),
    )
    wire = {"id": pl.Int64(), "upload_id": pl.Int64()} | {
        stored_name(c): pl.Int64() if c.kind in ("boolean", "money") else column_dtype(c)
        for c in spec.columns
    }

    with engine.connect() as connection:
        # Rows are never updated or deleted: even if a store commits between the two queries,
        # these are exactly the rows of the uploads that were current.
        current = connection.execute(uploads_query).all()
        uploads = pl.DataFrame(current, schema=_provenance_schema(dataset), orient="row")
        rows_query = rows_query.where(table.c.upload_id.in_(uploads["upload_id"].to_list()))
        if connection.dialect.name == "postgresql":
            frame = _read_postgresql(connection, rows_query, wire)
        else:
            frame = _read_sqlite(connection, rows_query, wire)

    return (
        frame.sort("upload_id", "id")
        .join(uploads, on="upload_id", how="left", maintain_order="left")
        .select(*(_from_stored(c) for c in spec.columns), *uploads.columns)
    )


def _from_stored(column: Column) -> pl.Expr:
    """The stored column back in its canonical name and type."""
    stored = pl.col(stored_name(column))
    match column.kind:
        case "money":
            # Centimes / 100 is exact at scale 2; the wide intermediate type holds the centimes
            # of the largest amount (14 digits), which Decimal(14, 2) itself cannot.
            return (stored.cast(pl.Decimal(38, 2)) / 100).cast(MONEY).alias(column.name)
        case "boolean":
            return stored.cast(pl.Boolean)
    return stored


def _read_postgresql(
    connection: sa.Connection, query: sa.Select, wire: dict[str, pl.DataType]
) -> pl.DataFrame:
    """COPY the rows out as CSV: several times faster than fetching Python tuples."""
    # The text forms polars parses back exactly, whatever the server's defaults.
    connection.exec_driver_sql("SET LOCAL datestyle = 'ISO'")
    connection.exec_driver_sql("SET LOCAL extra_float_digits = 1")
    copy_sql = f"COPY ({_literal_sql(connection, query)}) TO STDOUT (FORMAT csv)"
    buffer = io.BytesIO()
    cursor = connection.connection.driver_connection.cursor()
    with cursor, cursor.copy(copy_sql) as copy:
        for block in copy:
            buffer.write(block)
    # An empty unquoted field is NULL, a quoted "" the empty string, as COPY writes them.
    return pl.read_csv(buffer.getvalue(), has_header=False, schema=wire, raise_if_empty=False)


def _read_sqlite(
    connection: sa.Connection, query: sa.Select, wire: dict[str, pl.DataType]
) -> pl.DataFrame:
    """Fetch plain tuples from sqlite3 and type them in polars (SQLite dates are ISO text)."""
    date_columns = [name for name, dtype in wire.items() if dtype == pl.Date]
    text_wire = wire | {name: pl.String() for name in date_columns}
    dates = [pl.col(name).str.to_date("%Y-%m-%d") for name in date_columns]
    frames = [pl.DataFrame(schema=wire)]
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(_literal_sql(connection, query))
        # In blocks: a million rows as Python tuples at once would cost ~0.5 GB.
        while rows := cursor.fetchmany(_FETCH_ROWS):
            frames.append(pl.DataFrame(rows, schema=text_wire, orient="row").with_columns(dates))
    finally:
        cursor.close()
    return pl.concat(frames, rechunk=True)


def _literal_sql(connection: sa.Connection, query: sa.Select) -> str:
    """The query as SQL text for the driver's own cursor (it only inlines upload ids)."""
    return str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))


def data_version(engine: sa.Engine) -> int:
    """A number that changes whenever a store, a restore or a rollback commits: a cache key.

    Read it *before* loading: a store committing in between then only makes the cached frame
    newer than its key, and the next read of the version reloads it.
    """
    with engine.connect() as connection:
        return connection.execute(sa.select(DATA_VERSION.c.version)).scalar_one()
