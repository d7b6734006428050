"""Engines and migrations: one engine per database URL, migrated with Alembic on first use.

SQLite connections get foreign keys, write-ahead logging (readers never block the writer, nor
the writer the readers: Streamlit pages keep reading while an import runs), a busy timeout, and
real transactions: Python 3.11's sqlite3 would not BEGIN before a SELECT, so a read-then-write
transaction would not be isolated; SQLAlchemy emits BEGIN itself instead.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import sqlalchemy as sa

from dashboard import settings

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")
SQLITE_BUSY_TIMEOUT_S = 60  # an import of a million rows holds the write lock for seconds

_engines: dict[str, sa.Engine] = {}
_migrated: set[str] = set()
_lock = threading.Lock()


def _configure_sqlite(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")  # persistent: stored in the database file
        cursor.execute("PRAGMA synchronous = NORMAL")  # durable enough with WAL, much faster
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN")


def get_engine(url: str | None = None) -> sa.Engine:
    """The engine for ``url`` (default: :func:`dashboard.settings.database_url`), one per URL.

    Parameters
    ----------
    url
        A SQLAlchemy URL, e.g. ``sqlite:///var/cii.sqlite3`` or
        ``postgresql+psycopg://user@host/db``.

    Returns
    -------
    sqlalchemy.Engine
        The same object for the same URL within a process (an engine owns a connection pool).
    """
    url = url or settings.database_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            is_sqlite = sa.make_url(url).get_backend_name() == "sqlite"
            connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_S} if is_sqlite else {}
            engine = sa.create_engine(url, connect_args=connect_args, pool_pre_ping=not is_sqlite)
            if is_sqlite:
                _configure_sqlite(engine)
            _engines[url] = engine
        return engine


SCHEMA_REVISION = "0002"
"""The newest migration (Alembic head); a test keeps it equal to the migrations folder's head.

Checking it with one query spares each command-line run importing Alembic (~0.25 s)."""


def alembic_config(engine: sa.Engine | None = None):
    """An Alembic configuration without an ini file, usable from any working directory.

    With ``engine``, the migrations run on one of its connections (and ``upgrade --sql``
    prints its dialect's DDL); without it, ``history`` and the like still work. After a change
    of the models, draft the next migration with ``alembic.command.revision(alembic_config(
    get_engine()), "what changed", autogenerate=True)`` and edit it into an explicit script.
    """
    from alembic.config import Config  # imported on demand: see SCHEMA_REVISION

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
        url = engine.url.render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser escape
    return config


def migrate(engine: sa.Engine, revision: str = "head") -> None:
    """Upgrade the database of ``engine`` to ``revision`` (Alembic ``upgrade``)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def _at_latest_revision(engine: sa.Engine) -> bool:
    try:
        with engine.connect() as connection:
            versions = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
    except sa.exc.DBAPIError:  # no version table yet: a new database
        return False
    return versions == [SCHEMA_REVISION]


def ensure_database(url: str | None = None) -> sa.Engine:
    """The engine for ``url``, its database migrated to the latest schema once per process."""
    engine = get_engine(url)
    key = engine.url.render_as_string(hide_password=False)
    with _lock:
        if key not in _migrated:
            if not _at_latest_revision(engine):
                migrate(engine)
            _migrated.add(key)
    return engine
