"""Storing is atomic, versioned and idempotent; rollback walks the history back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from dashboard.datasets import DATASETS
from dashboard.db import store
from dashboard.db.load import frame_schema, load_dataset, loaded_schema
from dashboard.db.models import DATASET_TABLES, stored_name
from dashboard.db.store import (
    RollbackResult,
    StoreError,
    StoreResult,
    list_uploads,
    rollback,
    store_upload,
)

from tests.db.helpers import digest, sample_frame, table_snapshot

REPO_ROOT = Path(__file__).resolve().parents[2]


def _followups(*rows: tuple[str, str, str, str, str | None]) -> pl.DataFrame:
    """A validated followups frame from (person, institution, region, start, end) rows."""
    as_text = dict.fromkeys(frame_schema("followups"), pl.String)
    frame = pl.DataFrame(rows, schema=as_text, orient="row")
    return frame.with_columns(pl.col("start_date", "end_date").str.to_date())


FILE_A = _followups(
    ("a" * 64, "ORP", "Sion", "2025-01-06", "2025-03-31"),
    ("b" * 64, "ORP", "Monthey", "2025-02-01", None),
)
FILE_B = _followups(("c" * 64, "ORP", "Sierre", "2025-04-01", "2025-12-31"))


def _store(
    engine: sa.Engine, frame: pl.DataFrame, name: str, *, source: str = "ORP", year: int = 2025
) -> StoreResult:
    """Store ``frame`` as the file called ``name`` (its digest stands for the file's bytes)."""
    return store_upload(
        engine,
        "followups",
        frame,
        source=source,
        year=year,
        file_name=f"{name}.csv",
        sha256=digest(name),
        uploaded_by="admin",
    )


def _loaded(*parts: tuple[pl.DataFrame, int, str, int]) -> pl.DataFrame:
    """What load_dataset returns for these (frame, upload_id, source, year) parts, in order."""
    frames = [
        frame.with_columns(
            upload_id=pl.lit(upload_id, pl.Int64),
            source=pl.lit(source),
            year=pl.lit(year, pl.Int64),
        )
        for frame, upload_id, source, year in parts
    ]
    return pl.concat(frames) if frames else pl.DataFrame(schema=loaded_schema("followups"))


def _history(engine: sa.Engine) -> list[tuple]:
    return list_uploads(engine).select("id", "status", "superseded_by", "replaces_id").rows()


# --- storing ---------------------------------------------------------------------------------


def test_a_first_upload_is_stored_and_current(engine):
    result = _store(engine, FILE_A, "a")

    assert result == StoreResult(upload_id=1, outcome="stored", superseded_id=None, row_count=2)
    assert_frame_equal(load_dataset(engine, "followups"), _loaded((FILE_A, 1, "ORP", 2025)))
    history = list_uploads(engine)
    assert history.drop("uploaded_at", "status_changed_at").rows() == [
        (1, "followups", "ORP", 2025, "a.csv", digest("a"), 2, "admin", "current", None, None,
         "admin")
    ]
    assert history["uploaded_at"].dtype == pl.Datetime("us", "UTC")


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_the_bulk_path_writes_what_sqlalchemy_reads(engine, dataset):
    """COPY (PostgreSQL) and executemany (SQLite) store exactly what SQLAlchemy would read back."""
    frame = sample_frame(dataset, 30)
    source = DATASETS[dataset].sources[0]
    store_upload(
        engine,
        dataset,
        frame,
        source=source,
        year=2025,
        file_name="f.csv",
        sha256=digest(dataset),
        uploaded_by="admin",
    )

    table = DATASET_TABLES[dataset]
    with engine.connect() as connection:
        rows = connection.execute(sa.select(table).order_by(table.c.id)).all()
    expected = frame.select(
        pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias("id"),
        pl.lit(1, pl.Int64).alias("upload_id"),
        *(
            (pl.col(c.name) * 100).cast(pl.Int64).alias(stored_name(c))
            if c.kind == "money"
            else pl.col(c.name)
            for c in DATASETS[dataset].columns
        ),
    )

    assert_frame_equal(pl.DataFrame(rows, schema=expected.schema, orient="row"), expected)


# Any text but NUL, which PostgreSQL refuses in text (validation should refuse it first).
_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)


_PUBLISHED_ROW = st.tuples(
    _TEXT, st.integers(2000, 2100), st.none() | _TEXT, st.floats(allow_nan=False), st.none() | _TEXT
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(_PUBLISHED_ROW, min_size=1, max_size=20))
def test_any_text_and_number_round_trip(engine, rows):
    frame = pl.DataFrame(rows, schema=frame_schema("published"), orient="row")
    year = 1000 + list_uploads(engine).height  # the engine outlives examples: a new key each
    result = store_upload(
        engine,
        "published",
        frame,
        source="CII",
        year=year,
        file_name="p.csv",
        sha256=digest(repr(rows)),
        uploaded_by="admin",
    )

    loaded = load_dataset(engine, "published", years=[year])

    assert result.outcome == "stored"
    assert_frame_equal(loaded.drop("upload_id", "source", "upload_year"), frame)


# --- idempotence, supersede, restore, rollback -----------------------------------------------


def test_the_same_file_again_writes_nothing(engine):
    first = _store(engine, FILE_A, "a")
    before = table_snapshot(engine)

    again = _store(engine, FILE_A, "a")

    assert again == StoreResult(first.upload_id, "unchanged", superseded_id=None, row_count=2)
    assert again.message() == "Fichier identique à l'import n° 1 : rien n'a changé."
    assert again.message("de") == "Datei identisch mit Import Nr. 1: nichts wurde geändert."
    assert table_snapshot(engine) == before


def test_supersede_rollback_restore_cycle(engine):
    # A, then B supersedes A
    assert _store(engine, FILE_A, "a") == StoreResult(1, "stored", None, 2)
    assert _store(engine, FILE_B, "b") == StoreResult(2, "stored", 1, 1)
    assert_frame_equal(load_dataset(engine, "followups"), _loaded((FILE_B, 2, "ORP", 2025)))
    assert _history(engine) == [(2, "current", None, 1), (1, "superseded", 2, None)]

    # rolling B back makes A current again
    assert rollback(engine, 2, by="chargee") == RollbackResult(upload_id=2, reinstated_id=1)
    assert_frame_equal(load_dataset(engine, "followups"), _loaded((FILE_A, 1, "ORP", 2025)))
    assert _history(engine) == [(2, "rolled_back", None, 1), (1, "current", None, None)]
    assert list_uploads(engine).filter(id=2)["status_changed_by"].to_list() == ["chargee"]

    # B's file again: restored, its rows are not written twice
    rows_before = table_snapshot(engine)["followups"]
    assert _store(engine, FILE_B, "b") == StoreResult(2, "restored", 1, 1)
    assert table_snapshot(engine)["followups"] == rows_before
    assert_frame_equal(load_dataset(engine, "followups"), _loaded((FILE_B, 2, "ORP", 2025)))
    assert _history(engine) == [(2, "current", None, 1), (1, "superseded", 2, None)]

    # A's file again: A restored over B; rolling that back returns to B
    assert _store(engine, FILE_A, "a") == StoreResult(1, "restored", 2, 2)
    assert _history(engine) == [(2, "superseded", 1, 1), (1, "current", None, 2)]
    assert rollback(engine, 1, by="chargee") == RollbackResult(1, 2)
    assert_frame_equal(load_dataset(engine, "followups"), _loaded((FILE_B, 2, "ORP", 2025)))

    # B's predecessor A was rolled back meanwhile: rolling B back leaves no current upload
    assert rollback(engine, 2, by="chargee") == RollbackResult(2, None)
    assert_frame_equal(load_dataset(engine, "followups"), _loaded())
    assert _history(engine) == [(2, "rolled_back", None, 1), (1, "rolled_back", None, 2)]

    # a rolled-back file sent again comes back alone
    assert _store(engine, FILE_A, "a") == StoreResult(1, "restored", None, 2)
    assert_frame_equal(load_dataset(engine, "followups"), _loaded((FILE_A, 1, "ORP", 2025)))


def test_each_source_and_year_has_its_own_history(engine):
    a = _store(engine, FILE_A, "a")  # ORP 2025
    b = _store(engine, FILE_B, "b", source="CMS")  # CMS 2025: does not supersede ORP
    c = _store(engine, FILE_B, "b-2024", year=2024)  # ORP 2024: does not supersede 2025
    d = _store(engine, FILE_A, "a", year=2024)  # same file, other year: stored, not restored

    assert [r.outcome for r in (a, b, c, d)] == ["stored", "stored", "stored", "stored"]
    assert d.superseded_id == c.upload_id
    assert_frame_equal(
        load_dataset(engine, "followups"),
        _loaded((FILE_A, 1, "ORP", 2025), (FILE_B, 2, "CMS", 2025), (FILE_A, 4, "ORP", 2024)),
    )


@pytest.mark.parametrize(
    ("upload_id", "key", "fr", "de"),
    [
        (
            99,
            "store.unknown_upload",
            "L'import n° 99 n'existe pas.",
            "Import Nr. 99 existiert nicht.",
        ),
        (
            1,
            "store.not_current",
            "L'import n° 1 n'est pas l'import actuel : "
            "seul l'import actuel d'un jeu de données peut être annulé.",
            "Import Nr. 1 ist nicht der aktuelle Import: "
            "Nur der aktuelle Import eines Datensatzes kann zurückgenommen werden.",
        ),
    ],
)
def test_only_the_current_upload_can_be_rolled_back(engine, upload_id, key, fr, de):
    _store(engine, FILE_A, "a")
    _store(engine, FILE_B, "b")
    before = table_snapshot(engine)

    with pytest.raises(StoreError) as raised:
        rollback(engine, upload_id, by="admin")

    assert (raised.value.key, raised.value.params) == (key, {"upload_id": upload_id})
    assert (raised.value.message(), raised.value.message("de")) == (fr, de)
    assert table_snapshot(engine) == before


@pytest.mark.parametrize(
    ("result", "fr"),
    [
        (StoreResult(3, "stored", None, 6418), "Import n° 3 enregistré (lignes : 6'418)."),
        (
            StoreResult(3, "stored", 2, 1_000_000),
            "Import n° 3 enregistré (lignes : 1'000'000). "
            "Il remplace l'import n° 2, conservé pour un éventuel retour en arrière.",
        ),
        (
            StoreResult(3, "unchanged", None, 5),
            "Fichier identique à l'import n° 3 : rien n'a changé.",
        ),
        (
            StoreResult(1, "restored", None, 5),
            "Fichier identique à l'import n° 1, qui redevient l'import actuel (lignes : 5).",
        ),
        (
            StoreResult(1, "restored", 3, 5),
            "Fichier identique à l'import n° 1, qui redevient l'import actuel (lignes : 5) "
            "à la place de l'import n° 3.",
        ),
        (
            RollbackResult(3, 2),
            "Import n° 3 annulé : l'import n° 2 redevient l'import actuel.",
        ),
        (
            RollbackResult(3, None),
            "Import n° 3 annulé : aucun import précédent ne le remplace, "
            "ces données ne figurent plus dans les indicateurs.",
        ),
    ],
)
def test_messages(result, fr):
    assert result.message() == fr
    assert result.message("de") != fr


# --- refusals --------------------------------------------------------------------------------


X = digest("x")


@pytest.mark.parametrize(
    ("dataset", "frame", "source", "sha256", "key"),
    [
        # what the upload is
        ("nope", FILE_A, "ORP", X, "store.unknown_dataset"),
        ("followups", FILE_A, "T1", X, "store.source_not_allowed"),
        ("followups", FILE_A, "ORP", "ABC", "store.bad_sha256"),
        ("followups", FILE_A, "ORP", X.upper(), "store.bad_sha256"),
        # the frame: columns, their order and types, nulls where the contract forbids them
        ("followups", FILE_A.drop("region"), "ORP", X, "store.bad_frame"),
        ("followups", FILE_A.select(reversed(FILE_A.columns)), "ORP", X, "store.bad_frame"),
        ("followups", FILE_A.with_columns(end_date=pl.lit("")), "ORP", X, "store.bad_frame"),
        ("followups", FILE_A.with_columns(region=pl.lit(None, str)), "ORP", X, "store.null_values"),
    ],
)
def test_what_validation_should_have_refused_is_refused_whole(
    engine, dataset, frame, source, sha256, key
):
    _store(engine, FILE_B, "b")
    before = table_snapshot(engine)

    with pytest.raises(StoreError) as raised:
        store_upload(
            engine,
            dataset,
            frame,
            source=source,
            year=2025,
            file_name="x.csv",
            sha256=sha256,
            uploaded_by="admin",
        )

    assert raised.value.key == key
    assert raised.value.message("de")  # every refusal has its sentence in both languages
    assert table_snapshot(engine) == before


def test_a_failure_during_the_insert_leaves_everything_unchanged(engine, monkeypatch):
    _store(engine, FILE_A, "a")
    before = table_snapshot(engine)
    real_bulk_insert = store._bulk_insert

    def insert_then_fail(*args):
        real_bulk_insert(*args)
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_bulk_insert", insert_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        _store(engine, FILE_B, "b")

    assert table_snapshot(engine) == before


# --- concurrency and crashes -----------------------------------------------------------------


def test_concurrent_stores_of_one_key_are_serialised(engine):
    """Two imports of the same dataset, source and year at once: one supersedes the other."""
    frames = {name: sample_frame("followups", 20_000, seed=i) for i, name in enumerate("xy")}
    results: dict[str, StoreResult] = {}
    barrier = threading.Barrier(2)

    def run(name: str) -> None:
        barrier.wait()
        results[name] = _store(engine, frames[name], name)

    threads = [threading.Thread(target=run, args=(name,)) for name in frames]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    first, second = sorted(results.values(), key=lambda r: r.upload_id)
    assert (first.outcome, first.superseded_id) == ("stored", None)
    assert (second.outcome, second.superseded_id) == ("stored", first.upload_id)
    assert _history(engine) == [
        (second.upload_id, "current", None, first.upload_id),
        (first.upload_id, "superseded", second.upload_id, None),
    ]


# Run in a child process: store 500'000 followups rows over the current upload, announce
# "HALF" once half of them are written (uncommitted), then finish the insert and hang.
_KILLED_IMPORT = textwrap.dedent(
    """
    import datetime as dt
    import sys
    import time

    import polars as pl

    from dashboard.db import store
    from dashboard.db.engine import get_engine

    real_bulk_insert = store._bulk_insert

    def bulk_insert_then_hang(connection, spec, frame, upload_id):
        half = frame.height // 2
        real_bulk_insert(connection, spec, frame.head(half), upload_id)
        print("HALF", flush=True)  # the parent kills us now, during the second half
        real_bulk_insert(connection, spec, frame.tail(frame.height - half), upload_id)
        time.sleep(600)  # never commit, even if the kill came late

    store._bulk_insert = bulk_insert_then_hang
    frame = pl.DataFrame({"i": pl.int_range(int(sys.argv[2]), eager=True)}).select(
        pl.col("i").cast(pl.String).str.zfill(64).alias("person_id"),
        pl.lit("ORP").alias("institution"),
        pl.lit("Sion").alias("region"),
        (pl.lit(dt.date(2025, 1, 1)) + pl.duration(days=pl.col("i") % 365)).alias("start_date"),
        pl.lit(None, pl.Date).alias("end_date"),
    )
    store.store_upload(
        get_engine(sys.argv[1]), "followups", frame,
        source="ORP", year=2025, file_name="big.csv", sha256="f" * 64, uploaded_by="killed",
    )
    """
)


@pytest.mark.slow
def test_a_killed_import_leaves_every_table_unchanged(engine, database_url):
    _store(engine, FILE_A, "a")  # the killed import would have superseded this one
    before = table_snapshot(engine)
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_IMPORT, database_url, "500000"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline() == "HALF\n"
        # The uploads row and 250'000 rows exist, uncommitted, in the child's transaction.
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=60) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()

    assert table_snapshot(engine) == before
    # The killed transaction left no lock behind: the next import goes through (PostgreSQL
    # sequences are not transactional: the killed import used up id 2 there).
    result = _store(engine, FILE_B, "b")
    assert (result.outcome, result.superseded_id, result.row_count) == ("stored", 1, 1)
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
