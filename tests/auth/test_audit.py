"""The audit log: entries in, filtered out newest first; append-only in the database itself."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal

from dashboard.auth import audit
from dashboard.auth.audit import ACTIONS, ENTRY_SCHEMA, entries, record
from dashboard.db.models import AUDIT_LOG
from tests.auth.helpers import NOW, minutes


def expected_frame(rows: list[dict]) -> pl.DataFrame:
    defaults = dict.fromkeys(ENTRY_SCHEMA) | {"outcome": "ok"}
    return pl.DataFrame([defaults | row for row in rows], schema=ENTRY_SCHEMA)


@pytest.fixture
def logged(engine):
    record(engine, "login", actor="anna", now=NOW)
    record(engine, "upload", actor="anna", upload_id=7, page="data", detail="dataset=followups year=2025 rows=120 problems=0", now=NOW + minutes(5))
    record(engine, "upload_refused", actor="bea", outcome="refused", page="data", detail="dataset=coaching year=2025 problems=3", now=NOW + minutes(6))
    record(engine, "export", actor="anna", page="overlaps", detail="format=csv table=overlap_matrix", now=NOW + minutes(9))
    return engine


def test_entries_come_back_whole_and_newest_first(logged):
    result = entries(logged)

    expected = expected_frame(
        [
            {"id": 4, "at": NOW + minutes(9), "actor": "anna", "action": "export", "page": "overlaps", "detail": "format=csv table=overlap_matrix"},
            {"id": 3, "at": NOW + minutes(6), "actor": "bea", "action": "upload_refused", "outcome": "refused", "page": "data", "detail": "dataset=coaching year=2025 problems=3"},
            {"id": 2, "at": NOW + minutes(5), "actor": "anna", "action": "upload", "upload_id": 7, "page": "data", "detail": "dataset=followups year=2025 rows=120 problems=0"},
            {"id": 1, "at": NOW, "actor": "anna", "action": "login"},
        ]
    )
    assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("filters", "ids"),
    [
        ({"actor": "anna"}, [4, 2, 1]),
        ({"actor": "nobody"}, []),
        ({"actions": ["upload", "upload_refused"]}, [3, 2]),
        ({"actions": []}, []),
        ({"since": NOW + minutes(5)}, [4, 3, 2]),  # since is inclusive
        ({"until": NOW + minutes(5)}, [1]),  # until is exclusive
        ({"actor": "anna", "actions": ["upload", "export"], "since": NOW, "until": NOW + minutes(9)}, [2]),
        # another time zone names the same instants
        ({"since": (NOW + minutes(6)).astimezone(dt.timezone(dt.timedelta(hours=1)))}, [4, 3]),
    ],
)
def test_entries_filters(logged, filters, ids):
    assert entries(logged, **filters)["id"].to_list() == ids


def test_no_entry_gives_an_empty_frame_with_the_columns(engine):
    assert_frame_equal(entries(engine), pl.DataFrame(schema=ENTRY_SCHEMA))


def test_an_unknown_action_is_a_programming_error(engine):
    with pytest.raises(ValueError, match="unknown audit action"):
        record(engine, "logged_in")
    assert entries(engine).height == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"detail": "person=" + "ab12" * 16},  # a pseudonym
        {"target": "AB12" * 16},
        {"detail": "avs=756.1234.5678.97"},  # an AVS number
        {"detail": "7561234567897"},
        {"page": "756 1234 5678 97"},
    ],
)
def test_person_level_values_are_refused(engine, fields):
    with pytest.raises(ValueError, match="person-level"):
        record(engine, "export", actor="anna", **fields)
    assert entries(engine).height == 0


def test_code_like_details_and_long_texts_are_kept_or_cut(engine):
    record(engine, "export", actor="anna", detail="rows=" + "9" * 12 + " " + "x" * 600, now=NOW)

    assert entries(engine)["detail"].str.len_chars().to_list() == [500]


def test_every_action_of_the_contract_can_be_recorded(engine):
    for action in ACTIONS:
        record(engine, action, actor="anna", now=NOW)

    assert sorted(entries(engine)["action"].to_list()) == sorted(ACTIONS)


@pytest.mark.parametrize(
    "statement",
    [
        sa.update(AUDIT_LOG).values(actor="someone-else"),
        sa.update(AUDIT_LOG).where(AUDIT_LOG.c.id == 1).values(outcome="refused"),
        sa.delete(AUDIT_LOG),
        sa.delete(AUDIT_LOG).where(AUDIT_LOG.c.id == 1),
    ],
    ids=["update-all", "update-one", "delete-all", "delete-one"],
)
def test_the_database_refuses_to_change_or_delete_entries(logged, statement):
    before = entries(logged)

    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with logged.begin() as connection:
            connection.execute(statement)

    assert_frame_equal(entries(logged), before)


def test_postgresql_also_refuses_truncate(logged):
    if logged.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with logged.begin() as connection:
            connection.exec_driver_sql("TRUNCATE audit_log")
    assert entries(logged).height == 4


def test_record_in_shares_the_callers_transaction(engine):
    with pytest.raises(RuntimeError):
        with engine.begin() as connection:
            audit.record_in(connection, "login", actor="anna", now=NOW)
            raise RuntimeError("the caller's change fails")

    assert entries(engine).height == 0
