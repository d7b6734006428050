"""The tables follow the dataset contract, and the database itself guards the invariants."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import sqlalchemy as sa

from dashboard.datasets import DATASETS
from dashboard.db.models import DATASET_TABLES, UPLOADS, stored_name

from tests.db.helpers import digest


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        # text-like: unbounded, except the 64-hex pseudonym
        ("text", "VARCHAR"),
        ("choice", "VARCHAR"),
        ("pseudonym", "VARCHAR(64)"),
        # numbers: money as integer centimes, exact everywhere
        ("integer", "BIGINT"),
        ("year", "INTEGER"),
        ("money", "BIGINT"),
        ("number", "DOUBLE"),
        # others
        ("date", "DATE"),
        ("boolean", "BOOLEAN"),
    ],
)
def test_column_types_follow_the_kind(kind, expected):
    columns = [
        (name, column)
        for name, dataset in DATASETS.items()
        for column in dataset.columns
        if column.kind == kind
    ]
    assert columns, f"no column of kind {kind}"
    for name, column in columns:
        sql_type = DATASET_TABLES[name].c[stored_name(column)].type
        assert str(sql_type) == expected, (name, column.name)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_dataset_has_its_table(name):
    table = DATASET_TABLES[name]
    spec = DATASETS[name]

    assert table.name == name
    assert [(c.name, c.nullable) for c in table.columns] == [
        ("id", False),
        ("upload_id", False),
        *((stored_name(c), c.nullable or not c.required) for c in spec.columns),
    ]
    # Indexed for the loader; deliberately no foreign key (see models._dataset_table).
    assert table.c.upload_id.index and not table.c.upload_id.foreign_keys


def test_money_is_stored_in_cents():
    columns = [c.name for c in DATASET_TABLES["budget"].columns]
    assert columns == ["id", "upload_id", "year", "category", "amount_chf_cents"]


def _upload(status: str, sha: str = "a", **overrides: object) -> dict[str, object]:
    now = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
    return {
        "dataset": "followups",
        "source": "ORP",
        "year": 2025,
        "file_name": "f.csv",
        "sha256": digest(sha),
        "row_count": 0,
        "uploaded_by": "admin",
        "uploaded_at": now,
        "status": status,
        "status_changed_at": now,
        "status_changed_by": "admin",
        **overrides,
    }


def test_one_current_upload_per_key_is_enforced_by_the_database(engine):
    with engine.begin() as connection:
        connection.execute(
            sa.insert(UPLOADS),
            [
                _upload("current", "a"),
                _upload("superseded", "b"),
                _upload("superseded", "c"),
                # other keys have their own current upload
                _upload("current", "a", year=2024),
                _upload("current", "a", source="CMS"),
            ],
        )

    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(sa.insert(UPLOADS), _upload("current", "d"))


def test_a_file_is_stored_once_per_key(engine):
    with engine.begin() as connection:
        connection.execute(sa.insert(UPLOADS), _upload("current", "a"))

    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(sa.insert(UPLOADS), _upload("superseded", "a"))


def test_unknown_status_is_refused(engine):
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(sa.insert(UPLOADS), _upload("deleted"))


def test_rows_without_a_current_upload_are_never_loaded(engine):
    # No foreign key (it doubled PostgreSQL's store time): a stray row, which only a manual
    # INSERT could create, must still never reach the dashboard.
    from dashboard.db.load import load_dataset

    table = DATASET_TABLES["transitions"]
    with engine.begin() as connection:
        row = {"upload_id": 999, "date": dt.date(2025, 1, 1), "direction": "orp_to_cms"}
        connection.execute(sa.insert(table), row | {"region": "Sion"})
    assert load_dataset(engine, "transitions").is_empty()


def test_timestamps_come_back_as_the_same_instant_in_utc(engine):
    zurich = dt.datetime(2025, 7, 1, 14, 30, 15, 123456, tzinfo=zoneinfo.ZoneInfo("Europe/Zurich"))
    with engine.begin() as connection:
        upload_id = connection.execute(
            sa.insert(UPLOADS).returning(UPLOADS.c.id), _upload("current", uploaded_at=zurich)
        ).scalar_one()
    with engine.connect() as connection:
        stored = connection.execute(
            sa.select(UPLOADS.c.uploaded_at).where(UPLOADS.c.id == upload_id)
        ).scalar_one()

    assert stored == zurich
    assert stored.utcoffset() == dt.timedelta(0)
    assert stored.isoformat() == "2025-07-01T12:30:15.123456+00:00"


def test_naive_timestamps_are_refused(engine):
    with pytest.raises(sa.exc.StatementError, match="naive datetime"), engine.begin() as connection:
        naive = dt.datetime(2025, 1, 1)
        connection.execute(sa.insert(UPLOADS), _upload("current", uploaded_at=naive))
