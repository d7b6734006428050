"""Constants and helpers of the access tests: ``from tests.auth.helpers import ...``."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tests.db.helpers import table_snapshot

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
"""A fixed instant: every time-dependent call of these tests passes ``now=``."""

TOTP_KEY = "t0tp-Key-for-tests-only-9f8e7d6c5b4a39281706"
COOKIE_KEY = "c00kie-Key-for-tests-only-1a2b3c4d5e6f70819"
PASSWORD = "lichen valley ferry 41"
"""A password the policy accepts."""


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


def database_text(engine: sa.Engine) -> str:
    """Every value of every table, as one text: what a stolen copy of the database shows."""
    return repr(table_snapshot(engine))
