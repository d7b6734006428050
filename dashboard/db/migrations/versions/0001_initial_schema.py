"""Initial schema: the upload history, the data version and one table per dataset.

Written out in full on purpose (not derived from dashboard.datasets): a migration is a frozen
record of a schema change. tests/db/test_migrations.py checks that it matches the models.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# SQLite only autoincrements a column declared exactly INTEGER PRIMARY KEY.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
CURRENT = sa.text("status = 'current'")

DATASET_TABLES = (
    "budget",
    "coaching",
    "followups",
    "protected_persons",
    "published",
    "services",
    "situations",
    "t1_situations",
    "trainings",
    "transitions",
)


def _create_dataset_table(name: str, *columns: sa.Column) -> None:
    """A dataset table: id, upload_id (indexed), then the dataset's own columns."""
    op.create_table(
        name,
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("upload_id", ID, nullable=False),
        *columns,
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    )
    op.create_index(f"ix_{name}_upload_id", name, ["upload_id"])


def upgrade() -> None:
    data_version = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_data_version_single_row"),
        sa.PrimaryKeyConstraint("id", name="pk_data_version"),
    )
    op.bulk_insert(data_version, [{"id": 1, "version": 0}])

    op.create_table(
        "uploads",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("dataset", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("row_count", sa.BigInteger(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=255), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("superseded_by", ID, nullable=True),
        sa.Column("replaces_id", ID, nullable=True),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_changed_by", sa.String(length=255), nullable=False),
        sa.CheckConstraint(
            "status IN ('current', 'superseded', 'rolled_back')", name="ck_uploads_status"
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"], ["uploads.id"], name="fk_uploads_replaces_id_uploads"
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"], ["uploads.id"], name="fk_uploads_superseded_by_uploads"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_uploads"),
    )
    op.create_index(
        "ix_uploads_dataset_source_year_status", "uploads", ["dataset", "source", "year", "status"]
    )
    # At most one current upload per dataset, source and year.
    op.create_index(
        "uq_uploads_current",
        "uploads",
        ["dataset", "source", "year"],
        unique=True,
        sqlite_where=CURRENT,
        postgresql_where=CURRENT,
    )
    # The same file is stored once per key: sending it again restores it instead.
    op.create_index(
        "uq_uploads_file", "uploads", ["dataset", "source", "year", "sha256"], unique=True
    )

    _create_dataset_table(
        "budget",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("amount_chf_cents", sa.BigInteger(), nullable=False),
    )
    _create_dataset_table(
        "coaching",
        sa.Column("case_id", sa.String(), nullable=False),
        sa.Column("region", sa.String(), nullable=False),
        sa.Column("modality", sa.String(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(), nullable=True),
    )
    _create_dataset_table(
        "followups",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("institution", sa.String(), nullable=True),
        sa.Column("region", sa.String(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
    )
    _create_dataset_table(
        "protected_persons",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(), nullable=False),
        sa.Column("with_ic", sa.Boolean(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
    )
    _create_dataset_table(
        "published",
        sa.Column("indicator", sa.String(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("dimensions", sa.String(), nullable=True),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
    )
    _create_dataset_table(
        "services",
        sa.Column("situation_id", sa.String(), nullable=False),
        sa.Column("service", sa.String(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("region", sa.String(), nullable=False),
    )
    _create_dataset_table(
        "situations",
        sa.Column("situation_id", sa.String(), nullable=False),
        sa.Column("announced_on", sa.Date(), nullable=False),
        sa.Column("public", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("announcer", sa.String(), nullable=False),
        sa.Column("region", sa.String(), nullable=False),
        sa.Column("followup_start", sa.Date(), nullable=True),
    )
    _create_dataset_table(
        "t1_situations",
        sa.Column("situation_id", sa.String(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("provenance", sa.String(), nullable=False),
        sa.Column("provenance_institution", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("region", sa.String(), nullable=False),
    )
    _create_dataset_table(
        "trainings",
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("language_region", sa.String(), nullable=False),
        sa.Column("participants", sa.BigInteger(), nullable=False),
    )
    _create_dataset_table(
        "transitions",
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("region", sa.String(), nullable=False),
    )


def downgrade() -> None:
    # Indexes go with their tables.
    for name in DATASET_TABLES:
        op.drop_table(name)
    op.drop_table("uploads")
    op.drop_table("data_version")
