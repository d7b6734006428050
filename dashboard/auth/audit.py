"""The audit log: who logged in, uploaded, rolled back, exported, changed an account — and when.

Append-only: the database refuses UPDATE and DELETE on ``audit_log`` (triggers of migration
0002). Entries never hold person-level values: :func:`record` refuses a field that looks like
a pseudonym (64 hex digits) or an AVS number, so a careless caller fails a test instead of
leaking one into a log that many people read.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import sqlalchemy as sa

from dashboard.db.models import AUDIT_LOG
from dashboard.ingest.privacy import first_avs

ACTIONS = (
    "login",
    "login_failed",
    "login_refused_locked",
    "lockout",
    "totp_failed",
    "totp_enrolled",
    "logout",
    "session_expired",
    "upload",
    "upload_refused",
    "rollback",
    "export",
    "account_created",
    "account_changed",
    "access_denied",
    "password_changed",
)

ENTRY_SCHEMA = {
    "id": pl.Int64,
    "at": pl.Datetime("us", "UTC"),
    "actor": pl.String,
    "action": pl.String,
    "outcome": pl.String,
    "target": pl.String,
    "upload_id": pl.Int64,
    "page": pl.String,
    "detail": pl.String,
}
"""The columns of :func:`entries`."""

_PSEUDONYM = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])")
_LIMITS = {"actor": 64, "target": 255, "page": 64, "detail": 500}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def looks_person_level(value: str) -> bool:
    """Whether ``value`` holds something like a pseudonym (64 hex digits) or an AVS number.

    >>> looks_person_level("dataset=followups rows=120"), looks_person_level("756.1234.5678.97")
    (False, True)
    """
    return bool(_PSEUDONYM.search(value) or first_avs(value))


def _checked(field: str, value: str | None) -> str | None:
    if value is None:
        return None
    if looks_person_level(value):
        raise ValueError(f"audit {field} looks person-level; log codes and counts only")
    return value[: _LIMITS[field]]


def record_in(
    connection: sa.Connection,
    action: str,
    *,
    actor: str | None = None,
    outcome: str = "ok",
    target: str | None = None,
    upload_id: int | None = None,
    page: str | None = None,
    detail: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """:func:`record` inside the caller's transaction (commits or rolls back with its change)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; known: {', '.join(ACTIONS)}")
    connection.execute(
        sa.insert(AUDIT_LOG).values(
            at=now or _now(),
            actor=_checked("actor", actor),
            action=action,
            outcome=outcome[:16],
            target=_checked("target", target),
            upload_id=upload_id,
            page=_checked("page", page),
            detail=_checked("detail", detail),
        )
    )


def record(
    engine: sa.Engine,
    action: str,
    *,
    actor: str | None = None,
    outcome: str = "ok",
    target: str | None = None,
    upload_id: int | None = None,
    page: str | None = None,
    detail: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Append one entry, in its own transaction.

    Parameters
    ----------
    action
        One of :data:`ACTIONS`.
    actor
        The username acting (None: not logged in, or unknown).
    outcome
        ``"ok"``, or a short code such as ``"refused"``.
    target, upload_id, page
        What the action was about: an account, an upload, the page it came from.
    detail
        A short, code-like text, e.g. ``"dataset=followups year=2025 rows=120 problems=3"``.
        Never a person-level value: a pseudonym or an AVS number raises ``ValueError``.
    now
        The time of the event (default: now, UTC).
    """
    with engine.begin() as connection:
        record_in(
            connection,
            action,
            actor=actor,
            outcome=outcome,
            target=target,
            upload_id=upload_id,
            page=page,
            detail=detail,
            now=now,
        )


def entries(
    engine: sa.Engine,
    *,
    actor: str | None = None,
    actions: list[str] | tuple[str, ...] | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> pl.DataFrame:
    """Audit entries, newest first, with the columns of :data:`ENTRY_SCHEMA`.

    ``since`` is inclusive and ``until`` exclusive (``since <= at < until``): for the days
    from D1 to D2 pass D1 at midnight and the day after D2 at midnight.
    """
    query = sa.select(*(AUDIT_LOG.c[name] for name in ENTRY_SCHEMA)).order_by(
        AUDIT_LOG.c.at.desc(), AUDIT_LOG.c.id.desc()
    )
    if actor is not None:
        query = query.where(AUDIT_LOG.c.actor == actor)
    if actions is not None:
        query = query.where(AUDIT_LOG.c.action.in_(list(actions)))
    if since is not None:
        query = query.where(AUDIT_LOG.c.at >= since)
    if until is not None:
        query = query.where(AUDIT_LOG.c.at < until)
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(query)]
    return pl.DataFrame(rows, schema=ENTRY_SCHEMA, orient="row")
