"""The migrations build exactly the models' schema, on SQLite and PostgreSQL, from anywhere."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dashboard.db.engine import SCHEMA_REVISION, alembic_config, ensure_database, get_engine, migrate
from dashboard.db.models import DATASET_TABLES, metadata

ACCESS_TABLES = {"accounts", "sessions", "audit_log"}
ALL_TABLES = {"alembic_version", "data_version", "uploads", *DATASET_TABLES, *ACCESS_TABLES}


def _schema_diff(engine: sa.Engine, target: sa.MetaData) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, target)


def _indexes(engine: sa.Engine) -> dict[str, dict[str, tuple[tuple[str, ...], bool]]]:
    inspector = sa.inspect(engine)
    return {
        table: {
            index["name"]: (tuple(index["column_names"]), bool(index["unique"]))
            for index in inspector.get_indexes(table)
        }
        for table in sorted(inspector.get_table_names())
    }


def test_migrated_schema_equals_the_models(database_url):
    engine = get_engine(database_url)
    migrate(engine)

    assert set(sa.inspect(engine).get_table_names()) == ALL_TABLES
    assert _schema_diff(engine, metadata) == []


def test_a_model_change_without_migration_shows_as_a_difference(database_url):
    """The comparison above is not vacuous: a column the migrations lack is reported."""
    engine = get_engine(database_url)
    migrate(engine)
    changed = sa.MetaData()
    for table in metadata.sorted_tables:
        copy = table.to_metadata(changed)
        if table.name == "followups":
            copy.append_column(sa.Column("added_later", sa.String(), nullable=True))

    diff = _schema_diff(engine, changed)

    assert [(op, table, column.name) for op, _, table, column in diff] == [
        ("add_column", "followups", "added_later")
    ]


def test_indexes_are_the_models_indexes(database_url):
    """compare_metadata does not look at partial-index conditions: check names and columns."""
    engine = get_engine(database_url)
    migrate(engine)
    expected = {
        "uploads": {
            "ix_uploads_dataset_source_year_status": (
                ("dataset", "source", "year", "status"),
                False,
            ),
            "uq_uploads_current": (("dataset", "source", "year"), True),
            "uq_uploads_file": (("dataset", "source", "year", "sha256"), True),
        },
        **{name: {f"ix_{name}_upload_id": (("upload_id",), False)} for name in DATASET_TABLES},
        "alembic_version": {},
        "data_version": {},
        "accounts": {},
        "sessions": {"ix_sessions_username_cookie_expires": (("username", "cookie_expires"), False)},
        "audit_log": {"ix_audit_log_at": (("at",), False), "ix_audit_log_actor": (("actor",), False)},
    }

    assert _indexes(engine) == dict(sorted(expected.items()))


def test_migrate_twice_and_from_another_directory(database_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # Alembic finds its scripts without an ini file or a cwd
    engine = get_engine(database_url)
    migrate(engine)
    migrate(engine)

    with engine.connect() as connection:
        versions = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        data_version = connection.exec_driver_sql("SELECT id, version FROM data_version").all()

    assert (versions, data_version) == ([(SCHEMA_REVISION,)], [(1, 0)])


def test_downgrade_to_base_then_upgrade_again(database_url):
    engine = get_engine(database_url)
    migrate(engine)

    command.downgrade(alembic_config(engine), "base")
    assert set(sa.inspect(engine).get_table_names()) == {"alembic_version"}

    migrate(engine)
    assert _schema_diff(engine, metadata) == []


def test_ensure_database_uses_the_configured_url(database_url, monkeypatch):
    monkeypatch.setenv("CII_DATABASE_URL", database_url)

    engine = ensure_database()

    assert engine is get_engine(database_url)
    assert set(sa.inspect(engine).get_table_names()) == ALL_TABLES


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_offline_sql_for_review(dialect):
    """``alembic upgrade --sql`` prints the DDL, e.g. for a DBA; no database is touched."""
    urls = {"sqlite": "sqlite:///unused.sqlite3", "postgresql": "postgresql+psycopg://u@h/unused"}
    engine = sa.create_engine(urls[dialect])
    output = io.StringIO()
    with redirect_stdout(output):
        command.upgrade(alembic_config(engine), "head", sql=True)
    sql = output.getvalue()

    assert (
        "CREATE UNIQUE INDEX uq_uploads_current ON uploads (dataset, source, year) "
        "WHERE status = 'current'"
    ) in sql
    assert sql.count("CREATE TABLE") == len(ALL_TABLES)
    assert "INSERT INTO data_version (id, version) VALUES (1, 0)" in sql


def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path):
    engine = ensure_database(f"sqlite:///{tmp_path / 'cii.sqlite3'}")
    with engine.connect() as connection:
        pragmas = [
            connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        ]
    engine.dispose()

    assert pragmas == ["wal", 1, 60_000]


def test_schema_revision_constant_is_the_migrations_head():
    from alembic.script import ScriptDirectory

    from dashboard.db.engine import SCHEMA_REVISION, alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == SCHEMA_REVISION


def test_an_old_database_is_still_migrated(engine):
    from dashboard.db.engine import _migrated, ensure_database, migrate

    url = engine.url.render_as_string(hide_password=False)
    migrate(engine, "base")
    _migrated.discard(url)
    ensure_database(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one() == SCHEMA_REVISION
