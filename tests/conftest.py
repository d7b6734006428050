"""Fixtures shared by the suite. Database tests run on SQLite, and on PostgreSQL when configured.

Set ``CII_TEST_DATABASE_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``) to
add the PostgreSQL parameters (marked ``postgres``). Each PostgreSQL test gets its own schema,
first on its ``search_path``, so that its tables, Alembic's version table included, are its
own; the schema is dropped afterwards. Each SQLite test gets its own file.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboard.db.engine import ensure_database, get_engine
from dashboard.demo import load_demo

from tests.db.helpers import POSTGRES_URL, postgres_url

BACKENDS = [pytest.param("sqlite", id="sqlite")]
if POSTGRES_URL:
    BACKENDS.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres))


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch) -> None:
    """bcrypt at its lowest cost in tests: the same format, a hundred times cheaper."""
    from dashboard.auth import passwords

    monkeypatch.setattr(passwords, "BCRYPT_ROUNDS", 4)


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[sa.Engine]:
    """An engine on the PostgreSQL test database itself, to create and drop schemas."""
    engine = sa.create_engine(POSTGRES_URL)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def postgres_schema(backend: str, request: pytest.FixtureRequest) -> Iterator[str | None]:
    """A fresh PostgreSQL schema for this test (None on SQLite), dropped afterwards."""
    if backend != "postgresql":
        yield None
        return
    admin: sa.Engine = request.getfixturevalue("postgres_admin")
    schema = f"cii_test_{uuid.uuid4().hex[:16]}"
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    yield schema
    with admin.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def database_url(backend: str, postgres_schema: str | None, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of ``backend``; its engine is disposed afterwards."""
    if postgres_schema:
        url = postgres_url(postgres_schema)
    else:
        url = f"sqlite:///{tmp_path / 'cii.sqlite3'}"
    yield url
    get_engine(url).dispose()  # psycopg warns about connections left open


@pytest.fixture
def engine(database_url: str) -> sa.Engine:
    """A migrated, empty database."""
    return ensure_database(database_url)


@pytest.fixture(scope="session", params=BACKENDS)
def demo_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    """A database holding the demo data, loaded once per backend through the import path."""
    schema = None
    if request.param == "postgresql":
        schema = f"cii_demo_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(POSTGRES_URL)
        with admin.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        url = postgres_url(schema)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}"
    engine = ensure_database(url)
    refused = [entry.file for entry, outcome in load_demo(engine) if not outcome.ok]
    assert not refused, f"demo files refused: {refused}"
    yield engine
    engine.dispose()
    if schema:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
