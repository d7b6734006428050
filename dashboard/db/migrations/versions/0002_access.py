"""Access and trust: accounts, server-side sessions and the append-only audit log.

The audit log refuses UPDATE and DELETE (and, on PostgreSQL, TRUNCATE) through triggers, so
that not even a mistaken maintenance script can rewrite history; dropping the table (a
downgrade) is still possible for whoever owns the schema.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# SQLite only autoincrements a column declared exactly INTEGER PRIMARY KEY.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

APPEND_ONLY = "audit_log is append-only"

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    f"""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
)

POSTGRESQL_TRIGGERS = (
    f"""CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{APPEND_ONLY}' USING ERRCODE = 'insufficient_privilege';
END
$$""",
    """CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("totp_secret_encrypted", sa.String(length=255), nullable=True),
        sa.Column("totp_enrolled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('admin', 'analyst', 'viewer', 'presenter')", name="ck_accounts_role"
        ),
        sa.PrimaryKeyConstraint("username", name="pk_accounts"),
    )

    op.create_table(
        "sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cookie_expires", sa.Double(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["username"], ["accounts.username"], name="fk_sessions_username_accounts"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
    )
    op.create_index(
        "ix_sessions_username_cookie_expires", "sessions", ["username", "cookie_expires"]
    )

    op.create_table(
        "audit_log",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=True),
        sa.Column("upload_id", ID, nullable=True),
        sa.Column("page", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_actor", "audit_log", ["actor"])

    triggers = POSTGRESQL_TRIGGERS if op.get_context().dialect.name == "postgresql" else SQLITE_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    # Triggers go with their table; the PostgreSQL function is on its own.
    op.drop_table("audit_log")
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_log_append_only()")
    op.drop_table("sessions")
    op.drop_table("accounts")
