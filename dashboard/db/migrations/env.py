"""Alembic environment: run the migrations on the engine given by dashboard.db.engine.

Configured in code (``dashboard.db.engine.alembic_config``), not by an ini file, so that
migrations run the same from the app, the tests and any working directory.
"""

from __future__ import annotations

from alembic import context

from dashboard.db.models import metadata

config = context.config


def _configure(**options: object) -> None:
    context.configure(
        target_metadata=metadata,
        compare_type=True,
        # SQLite cannot ALTER most things: later migrations rebuild its tables in batch mode.
        render_as_batch=True,
        **options,
    )


def run_migrations_offline() -> None:
    """Print the SQL (``alembic upgrade --sql``), e.g. for a DBA to review."""
    _configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
