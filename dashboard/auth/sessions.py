"""Server-side sessions: what makes logout, idle time-out and a 12-hour lifetime real.

streamlit-authenticator's re-login cookie is a signed token that stays valid until it expires,
whatever happens on the server. Each login therefore also opens a session row here; the app
checks it on every run, and a cookie whose session was revoked (logout, password reset,
disabled account) or timed out no longer logs anyone in.
"""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa

from dashboard.auth import audit
from dashboard.auth.accounts import AccountError
from dashboard.db.models import SESSIONS

LIFETIME = dt.timedelta(hours=12)
IDLE = dt.timedelta(minutes=30)
TOUCH_EVERY = dt.timedelta(seconds=60)
"""``last_seen`` is written at most this often: a rerun must not wait for an import's write
lock on SQLite. Idle sessions may thus end up to a minute early, never late."""


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else dt.datetime.now(dt.UTC)


def open_session(
    engine: sa.Engine, username: str, *, cookie_expires: float | None, now: dt.datetime | None = None
) -> str:
    """Open a session for ``username`` after a full login; returns its id (secret, random).

    ``cookie_expires`` is the ``exp`` of the re-login cookie issued with it (None: no cookie).
    """
    now = _now(now)
    session_id = secrets.token_urlsafe(32)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.insert(SESSIONS).values(
                    id=session_id,
                    username=username,
                    created_at=now,
                    last_seen=now,
                    expires_at=now + LIFETIME,
                    cookie_expires=cookie_expires,
                    revoked_at=None,
                    revoked_reason=None,
                )
            )
    except sa.exc.IntegrityError:  # the foreign key: no such account
        raise AccountError("auth.unknown_account", username=username) from None
    return session_id


def check(engine: sa.Engine, session_id: str | None, *, now: dt.datetime | None = None) -> str | None:
    """The username of a live session (and it stays live); None otherwise.

    None when the id is unknown or revoked; when the session is past its lifetime or was idle
    for :data:`IDLE`, it is revoked (reason ``expired`` or ``idle``) and ``session_expired``
    audited, once.
    """
    if not session_id:
        return None
    now = _now(now)
    c = SESSIONS.c
    with engine.connect() as connection:
        row = connection.execute(sa.select(SESSIONS).where(c.id == session_id)).first()
    if row is None or row.revoked_at is not None:
        return None
    reason = "expired" if now >= row.expires_at else "idle" if now - row.last_seen >= IDLE else None
    if reason is not None:
        with engine.begin() as connection:
            revoked = connection.execute(
                sa.update(SESSIONS)
                .where(c.id == session_id, c.revoked_at.is_(None))
                .values(revoked_at=now, revoked_reason=reason)
            ).rowcount
            if revoked:  # a concurrent check may have done it already
                audit.record_in(
                    connection, "session_expired", actor=row.username, outcome="ok", detail=f"reason={reason}", now=now
                )
        return None
    if now - row.last_seen >= TOUCH_EVERY:
        with engine.begin() as connection:
            connection.execute(
                sa.update(SESSIONS)
                .where(c.id == session_id, c.last_seen < now)
                .values(last_seen=now)
            )
    return row.username


def adopt(engine: sa.Engine, username: str, cookie_expires: float, *, now: dt.datetime | None = None) -> str | None:
    """For a re-login by cookie: the id of ``username``'s live session opened with that cookie.

    None when there is none: the cookie was issued by a session since revoked (logout) or
    timed out, or never had one. The caller then refuses the re-login.
    """
    c = SESSIONS.c
    with engine.connect() as connection:
        session_id = connection.execute(
            sa.select(c.id)
            .where(c.username == username, c.cookie_expires == cookie_expires, c.revoked_at.is_(None))
            .order_by(c.created_at.desc())
            .limit(1)
        ).scalar_one_or_none()
    if session_id is None:
        return None
    return session_id if check(engine, session_id, now=now) == username else None


def revoke(engine: sa.Engine, session_id: str, *, reason: str, now: dt.datetime | None = None) -> None:
    """End one session (e.g. ``reason="logout"``); revoking twice keeps the first reason."""
    c = SESSIONS.c
    with engine.begin() as connection:
        connection.execute(
            sa.update(SESSIONS)
            .where(c.id == session_id, c.revoked_at.is_(None))
            .values(revoked_at=_now(now), revoked_reason=reason[:32])
        )


def revoke_all(engine: sa.Engine, username: str, *, reason: str, now: dt.datetime | None = None) -> int:
    """End every live session of ``username``; returns how many."""
    c = SESSIONS.c
    with engine.begin() as connection:
        return connection.execute(
            sa.update(SESSIONS)
            .where(c.username == username, c.revoked_at.is_(None))
            .values(revoked_at=_now(now), revoked_reason=reason[:32])
        ).rowcount
