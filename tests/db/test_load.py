"""Loading gives the current uploads of the asked years, in canonical types, on both backends."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal

from dashboard.datasets import DATASETS
from dashboard.db.engine import ensure_database
from dashboard.db.load import data_version, frame_schema, load_dataset, loaded_schema
from dashboard.db.store import StoreError, rollback, store_upload

from tests.db.helpers import POSTGRES_URL, digest, postgres_url, sample_frame


def _store(
    engine: sa.Engine,
    dataset: str,
    frame: pl.DataFrame,
    name: str,
    *,
    source: str = "CII",
    year: int = 2025,
) -> int:
    """Store ``frame`` as the file called ``name``; its upload id."""
    result = store_upload(
        engine,
        dataset,
        frame,
        source=source,
        year=year,
        file_name=f"{name}.csv",
        sha256=digest(name),
        uploaded_by="admin",
    )
    return result.upload_id


def _budget(*rows: tuple[int, str, str]) -> pl.DataFrame:
    """A validated budget frame from (year, category, amount) rows."""
    rows = [(year, category, Decimal(amount)) for year, category, amount in rows]
    return pl.DataFrame(rows, schema=frame_schema("budget"), orient="row")


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_an_empty_dataset_loads_with_its_schema(engine, dataset):
    result = load_dataset(engine, dataset)

    assert_frame_equal(result, pl.DataFrame(schema=loaded_schema(dataset)))


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_every_dataset_round_trips(engine, dataset):
    frame = sample_frame(dataset, 50)
    source = DATASETS[dataset].sources[0]
    upload_id = _store(engine, dataset, frame, "f", source=source, year=2024)
    year = "upload_year" if "year" in frame.columns else "year"
    expected = frame.with_columns(
        upload_id=pl.lit(upload_id, pl.Int64),
        source=pl.lit(source),
        **{year: pl.lit(2024, pl.Int64)},
    )

    assert_frame_equal(load_dataset(engine, dataset), expected)


def test_money_comes_back_exact_as_decimal(engine):
    amounts = ["434206.70", "-0.05", "999999999999.99", "-999999999999.99", "0.00"]
    _store(engine, "budget", _budget(*((2025, f"line {i}", a) for i, a in enumerate(amounts))), "b")

    result = load_dataset(engine, "budget")

    assert result.schema["amount_chf"] == pl.Decimal(14, 2)
    assert result["amount_chf"].to_list() == [Decimal(amount) for amount in amounts]


def test_only_current_uploads_of_the_asked_years(engine):
    old_2025 = _store(engine, "budget", _budget((2025, "old", "1.00")), "old-2025")
    new_2025 = _store(
        engine, "budget", _budget((2025, "new", "2.00"), (2025, "new bis", "3.00")), "new-2025"
    )
    of_2024 = _store(engine, "budget", _budget((2024, "y2024", "4.00")), "2024", year=2024)
    of_2023 = _store(engine, "budget", _budget((2023, "y2023", "5.00")), "2023", year=2023)
    assert old_2025 < new_2025 < of_2024 < of_2023

    def loaded(years):
        result = load_dataset(engine, "budget", years=years)
        return result.select("category", "upload_id", "upload_year").rows()

    # uploads in id order, rows in file order; the superseded upload never shows
    assert loaded(None) == [
        ("new", new_2025, 2025),
        ("new bis", new_2025, 2025),
        ("y2024", of_2024, 2024),
        ("y2023", of_2023, 2023),
    ]
    assert loaded([2025]) == [("new", new_2025, 2025), ("new bis", new_2025, 2025)]
    assert loaded(iter([2023, 2024, 2024])) == [("y2024", of_2024, 2024), ("y2023", of_2023, 2023)]
    assert loaded([]) == []
    assert loaded([1999]) == []


def test_the_reporting_year_column_is_named_year_unless_the_dataset_has_one(engine):
    assert list(loaded_schema("followups"))[-3:] == ["upload_id", "source", "year"]
    assert list(loaded_schema("budget"))[-3:] == ["upload_id", "source", "upload_year"]
    assert list(loaded_schema("budget"))[:3] == ["year", "category", "amount_chf"]


def test_data_version_changes_with_every_change_of_the_current_rows(engine):
    versions = [data_version(engine)]
    first = _store(engine, "budget", _budget((2025, "a", "1.00")), "a")
    versions.append(data_version(engine))
    _store(engine, "budget", _budget((2025, "a", "1.00")), "a")  # unchanged
    versions.append(data_version(engine))
    second = _store(engine, "budget", _budget((2025, "b", "2.00")), "b")
    versions.append(data_version(engine))
    rollback(engine, second, by="admin")
    versions.append(data_version(engine))
    _store(engine, "budget", _budget((2025, "b", "2.00")), "b")  # restored
    versions.append(data_version(engine))
    with pytest.raises(StoreError):
        rollback(engine, first, by="admin")  # not current: refused
    versions.append(data_version(engine))

    assert versions == [0, 1, 1, 2, 3, 4, 4]


def test_readers_are_not_blocked_by_an_import_in_progress(engine):
    """Streamlit keeps reading (the previous data) while an import holds the write lock."""
    _store(engine, "budget", _budget((2025, "a", "1.00")), "a")
    expected = load_dataset(engine, "budget")
    with engine.connect() as writer, writer.begin():
        # What a store does first, then a status change it has not committed yet.
        writer.exec_driver_sql("UPDATE data_version SET version = version + 1")
        writer.exec_driver_sql("UPDATE uploads SET status = 'superseded'")

        assert_frame_equal(load_dataset(engine, "budget"), expected)
        assert data_version(engine) == 1


@pytest.mark.skipif(not POSTGRES_URL, reason="CII_TEST_DATABASE_URL is not set")
@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_loading_does_not_depend_on_the_server_text_formats(engine, postgres_schema):
    """US-style dates and short floats on the server must not change what loads."""
    frames = {name: sample_frame(name, 12) for name in ("followups", "published")}
    for name, frame in frames.items():
        _store(engine, name, frame, name)
    expected = {name: load_dataset(engine, name) for name in frames}
    odd_url = postgres_url(postgres_schema, datestyle="SQL,MDY", extra_float_digits="-3")
    odd = ensure_database(odd_url)
    try:
        with odd.connect() as connection:
            odd_date = connection.exec_driver_sql("SELECT DATE '2025-03-01'::text").scalar()
            assert odd_date == "03/01/2025"
        result = {name: load_dataset(odd, name) for name in frames}
    finally:
        odd.dispose()

    for name in frames:
        assert_frame_equal(result[name], expected[name])
    assert 0.1 + 0.2 in result["published"]["value"].to_list()
