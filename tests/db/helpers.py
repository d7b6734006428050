"""Helpers for database tests, importable by any test: ``from tests.db.helpers import ...``."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from decimal import Decimal

import polars as pl
import sqlalchemy as sa

from dashboard.datasets import DATASETS
from dashboard.db.load import frame_schema

POSTGRES_URL = os.environ.get("CII_TEST_DATABASE_URL", "").strip()
"""The PostgreSQL database of the tests, or empty: then they run on SQLite only."""


def postgres_url(schema: str, **settings: str) -> str:
    """``CII_TEST_DATABASE_URL`` whose connections use ``schema`` (and server ``settings``)."""
    settings = {"search_path": schema, **settings}
    options = " ".join(f"-c{name}={value}" for name, value in settings.items())
    url = sa.make_url(POSTGRES_URL).update_query_dict({"options": options})
    return url.render_as_string(hide_password=False)


def table_snapshot(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row of every table (Alembic's and ``data_version`` included), sorted.

    Two equal snapshots mean nothing was written: compare one taken before an operation with
    one taken after.
    """
    metadata = sa.MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return {
            name: [tuple(row) for row in connection.execute(sa.select(table).order_by(*table.c))]
            for name, table in sorted(metadata.tables.items())
        }


def digest(text: str) -> str:
    """A sha256 hex digest, standing for the digest of a file's bytes."""
    return hashlib.sha256(text.encode()).hexdigest()


_TEXTS = (
    "plain",
    "",
    "a,b;c",
    'quote "q"',
    "line\nbreak",
    "cr\rlf\r\n",
    "\\.",  # PostgreSQL's end-of-data marker in COPY
    "\\N",  # its NULL marker in text format
    "Zürich – Sion ✓",
    "  padded  ",
)
_NUMBERS = (0.1 + 0.2, 1e-300, -2.5e300, 1 / 3, 0.0, 123456789.123456789)
_MONEY = ("0.00", "-0.05", "434206.70", "999999999999.99", "-999999999999.99", "0.01")


def sample_frame(dataset: str, rows: int, *, seed: int = 0) -> pl.DataFrame:
    """A validated-like frame of ``dataset`` whose cells probe the storage round trip.

    Text cells cycle through separators, quotes, line breaks, CSV and COPY markers, non-ASCII
    and the empty string; nullable columns get a null every third row; numbers include values
    a lossy float or decimal conversion would change. Same arguments, same frame.
    """
    columns: dict[str, list] = {}
    for position, column in enumerate(DATASETS[dataset].columns):
        values: list[object] = []
        for i in range(rows):
            k = i + seed + position
            match column.kind:
                case "pseudonym":
                    value: object = digest(f"person {k % max(1, rows // 2)}")
                case "choice":
                    value = list(column.choices)[k % len(column.choices)]
                case "text":
                    value = _TEXTS[k % len(_TEXTS)]
                    if not column.nullable:
                        value = f"{value} {i}"  # keeps keys distinct
                case "date":
                    value = dt.date(2020, 1, 1) + dt.timedelta(days=(k * 37) % 2500)
                case "integer":
                    value = (k * 7919) % 100_000 + (2**40 if i == 1 else 0)
                case "year":
                    value = 2000 + k % 100
                case "number":
                    value = _NUMBERS[k % len(_NUMBERS)]
                case "boolean":
                    value = k % 2 == 0
                case "money":
                    value = Decimal(_MONEY[k % len(_MONEY)])
            values.append(None if column.nullable and i % 3 == 2 else value)
        columns[column.name] = values
    return pl.DataFrame(columns, schema=frame_schema(dataset))
