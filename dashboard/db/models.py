"""The database schema: the upload history and one table per dataset of the contract.

Dataset tables are derived from :data:`dashboard.datasets.DATASETS`, so the contract stays the
single source of truth; the Alembic migrations spell the same schema out explicitly, and a test
checks that migrating gives exactly this metadata on SQLite and PostgreSQL.

Every data row belongs to one upload (``upload_id``); an upload is ``current``, ``superseded``
(a newer upload of the same dataset, source and reporting year replaced it) or ``rolled_back``.
Rows are never updated or deleted: storing, restoring and rolling back only change statuses.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dashboard.datasets import DATASETS, Column, Dataset

STATUSES = ("current", "superseded", "rolled_back")

# Deterministic constraint names: the same on both backends, and required by Alembic's batch
# mode to alter SQLite tables in later migrations.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only autoincrements a column declared exactly INTEGER PRIMARY KEY.
ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class UtcDateTime(sa.TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp on both backends.

    PostgreSQL keeps the zone (``timestamptz``); SQLite stores naive text, so values are
    converted to UTC on the way in and marked UTC on the way out.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: dt.datetime | None, dialect: sa.Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware value")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: sa.Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class Upload(Base):
    """One stored file: which dataset, from whom, for which reporting year, and its status."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True, autoincrement=True)
    dataset: Mapped[str] = mapped_column(sa.String(32))
    source: Mapped[str] = mapped_column(sa.String(16))
    year: Mapped[int] = mapped_column(sa.Integer)
    file_name: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    row_count: Mapped[int] = mapped_column(sa.BigInteger)
    uploaded_by: Mapped[str] = mapped_column(sa.String(255))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(sa.String(16))
    # The upload that replaced this one while it is superseded (cleared when it comes back).
    superseded_by: Mapped[int | None] = mapped_column(ID_TYPE, sa.ForeignKey("uploads.id"))
    # The upload that was current when this one last became current: where a rollback returns.
    replaces_id: Mapped[int | None] = mapped_column(ID_TYPE, sa.ForeignKey("uploads.id"))
    # Who changed the status last, and when (a restore, a supersede or a rollback).
    status_changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    status_changed_by: Mapped[str] = mapped_column(sa.String(255))

    __table_args__ = (
        sa.CheckConstraint(sa.column("status").in_(STATUSES), name="status"),
        sa.Index("ix_uploads_dataset_source_year_status", "dataset", "source", "year", "status"),
        # At most one current upload per key; store.py also checks it inside its transaction.
        sa.Index(
            "uq_uploads_current",
            "dataset",
            "source",
            "year",
            unique=True,
            sqlite_where=sa.text("status = 'current'"),
            postgresql_where=sa.text("status = 'current'"),
        ),
        # The same file is stored once per key: sending it again restores it instead.
        sa.Index("uq_uploads_file", "dataset", "source", "year", "sha256", unique=True),
    )


UPLOADS: sa.Table = Upload.__table__  # type: ignore[assignment]

# One row, bumped by every transaction that changes which rows are current: the loaders' cache
# key. Bumping it first also takes the write lock at the start of each write transaction.
DATA_VERSION = sa.Table(
    "data_version",
    Base.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.CheckConstraint("id = 1", name="single_row"),
)


def stored_name(column: Column) -> str:
    """The database column of a dataset column: money is ``<name>_cents``, integer centimes,
    exact on every backend (SQLite has no decimal type)."""
    return f"{column.name}_cents" if column.kind == "money" else column.name


def _sql_type(column: Column) -> sa.types.TypeEngine:
    match column.kind:
        case "pseudonym":
            return sa.String(64)
        case "text" | "choice":
            return sa.String()
        case "date":
            return sa.Date()
        case "year":
            return sa.Integer()
        case "integer" | "money":
            return sa.BigInteger()
        case "number":
            return sa.Double()
        case "boolean":
            return sa.Boolean()
    raise ValueError(f"unknown column kind {column.kind!r}")


def _dataset_table(dataset: Dataset) -> sa.Table:
    # Only upload_id is indexed: the loader reads whole current uploads and every query runs in
    # polars. An index on followups (upload_id, person_id) made storing 1M rows 3-4x slower
    # (random 64-hex keys) for no query that would use it.
    # No foreign key to uploads: PostgreSQL checks it row by row, which doubled the time to
    # store 1M rows (measured 19.6 s -> 8.6-11 s). Rows are only ever written by store_upload,
    # in the transaction that inserts their uploads row, and nothing is ever deleted.
    return sa.Table(
        dataset.name,
        Base.metadata,
        sa.Column("id", ID_TYPE, primary_key=True, autoincrement=True),
        sa.Column("upload_id", ID_TYPE, nullable=False, index=True),
        *(
            sa.Column(stored_name(c), _sql_type(c), nullable=c.nullable or not c.required)
            for c in dataset.columns
        ),
    )


DATASET_TABLES: dict[str, sa.Table] = {
    name: _dataset_table(dataset) for name, dataset in DATASETS.items()
}
"""Dataset name -> its table (same name)."""

metadata = Base.metadata


# --- Access and trust (issue 5): accounts, server-side sessions, the append-only audit log ---

ROLES = ("admin", "analyst", "viewer", "presenter")
"""The application's roles (DESIGN.md §1); dashboard.auth.accounts re-exports them."""


class AccountRow(Base):
    """One login. Only a bcrypt hash of the password and a Fernet token of the TOTP secret."""

    __tablename__ = "accounts"

    username: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    must_change_password: Mapped[bool] = mapped_column(sa.Boolean)
    disabled: Mapped[bool] = mapped_column(sa.Boolean)
    # Consecutive failed logins, counted in SQL (several app processes share the database).
    failed_logins: Mapped[int] = mapped_column(sa.Integer)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    totp_secret_encrypted: Mapped[str | None] = mapped_column(sa.String(255))
    totp_enrolled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    __table_args__ = (sa.CheckConstraint(sa.column("role").in_(ROLES), name="role"),)


ACCOUNTS: sa.Table = AccountRow.__table__  # type: ignore[assignment]


class SessionRow(Base):
    """One login session, revocable server-side (the re-login cookie alone is not)."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), sa.ForeignKey("accounts.username"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    last_seen: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    # The expiry of the re-login cookie issued with this session: how a cookie finds it again.
    cookie_expires: Mapped[float | None] = mapped_column(sa.Double)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(sa.String(32))

    __table_args__ = (sa.Index("ix_sessions_username_cookie_expires", "username", "cookie_expires"),)


SESSIONS: sa.Table = SessionRow.__table__  # type: ignore[assignment]


class AuditRow(Base):
    """One audited event. Append-only: database triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    action: Mapped[str] = mapped_column(sa.String(32))
    outcome: Mapped[str] = mapped_column(sa.String(16))
    target: Mapped[str | None] = mapped_column(sa.String(255))
    # No foreign key: the log outlives anything it mentions and must never block a write.
    upload_id: Mapped[int | None] = mapped_column(ID_TYPE)
    page: Mapped[str | None] = mapped_column(sa.String(64))
    detail: Mapped[str | None] = mapped_column(sa.String(500))


AUDIT_LOG: sa.Table = AuditRow.__table__  # type: ignore[assignment]
