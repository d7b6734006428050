"""Accounts: create, list, change role, reset, disable; failed logins and lockout; demo accounts.

State lives in the database (``accounts``), not in a Streamlit session: several app processes
share it, and the failed-login counter survives a restart. The counter is incremented in SQL
(``failed_logins = failed_logins + 1``), so concurrent failures are all counted.

No function here stores or returns a password other than the one-time password it has just
generated for the caller to hand over; the database holds bcrypt hashes only.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl
import sqlalchemy as sa

from dashboard.auth import audit, passwords
# ROLES is defined with the schema (its check constraint) and re-exported here.
from dashboard.db.models import ACCOUNTS, ROLES, SESSIONS
from dashboard.i18n import TranslatedError, t


SECOND_FACTOR_REQUIRED = frozenset({"admin", "analyst"})
LOCK_AFTER = 5
LOCK_DURATION = dt.timedelta(minutes=15)
FIRST_ADMIN = "admin"
DEMO_PREFIX = "demo-"
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

ACCOUNT_SCHEMA = {
    "username": pl.String,
    "display_name": pl.String,
    "role": pl.String,
    "disabled": pl.Boolean,
    "must_change_password": pl.Boolean,
    "totp_enrolled": pl.Boolean,
    "failed_logins": pl.Int64,
    "locked_until": pl.Datetime("us", "UTC"),
    "created_at": pl.Datetime("us", "UTC"),
}
"""The columns of :func:`list_accounts` (no hash, no secret)."""


class AccountError(TranslatedError):
    """A refused account operation; ``message(lang)`` explains it (French or German).

    ``problems`` lists every password-policy key when the refusal is about a new password.
    """

    def __init__(self, key: str, *, problems: list[str] | None = None, **params: object) -> None:
        super().__init__(key, **params)
        self.problems = problems or []

    def message(self, lang: str = "fr") -> str:
        if self.problems:
            return " ".join(t(problem, lang) for problem in self.problems)
        return super().message(lang)


@dataclass(frozen=True)
class Account:
    """An account as the app sees it (no hash, no secret)."""

    username: str
    display_name: str
    role: str
    disabled: bool
    locked_until: dt.datetime | None
    totp_enrolled: bool
    must_change_password: bool


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else dt.datetime.now(dt.UTC)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError("auth.unknown_role", role=role, roles=", ".join(ROLES))


def _check_policy(password: str, username: str) -> None:
    problems = passwords.policy_problems(password, username=username)
    if problems:
        raise AccountError(problems[0], problems=problems)


def _row(connection: sa.Connection, username: str, *, lock: bool = False) -> sa.Row | None:
    query = sa.select(ACCOUNTS).where(ACCOUNTS.c.username == username)
    if lock and connection.dialect.name == "postgresql":
        query = query.with_for_update()  # SQLite: the first write of the transaction locks
    return connection.execute(query).first()


def _existing(connection: sa.Connection, username: str) -> sa.Row:
    row = _row(connection, username, lock=True)
    if row is None:
        raise AccountError("auth.unknown_account", username=username)
    return row


def _revoke_sessions(connection: sa.Connection, username: str, reason: str, now: dt.datetime) -> None:
    connection.execute(
        sa.update(SESSIONS)
        .where(SESSIONS.c.username == username, SESSIONS.c.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    )


def _other_active_admins(connection: sa.Connection, username: str) -> int:
    return connection.execute(
        sa.select(sa.func.count())
        .select_from(ACCOUNTS)
        .where(
            ACCOUNTS.c.role == "admin",
            ACCOUNTS.c.disabled.is_(False),
            ACCOUNTS.c.username != username,
        )
    ).scalar_one()


def _insert(
    connection: sa.Connection,
    username: str,
    role: str,
    display_name: str,
    password: str,
    *,
    must_change: bool,
    now: dt.datetime,
) -> None:
    connection.execute(
        sa.insert(ACCOUNTS).values(
            username=username,
            display_name=display_name,
            role=role,
            password_hash=passwords.hash_password(password),
            must_change_password=must_change,
            disabled=False,
            failed_logins=0,
            locked_until=None,
            totp_secret_encrypted=None,
            totp_enrolled_at=None,
            created_at=now,
            updated_at=now,
        )
    )


def create_account(
    engine: sa.Engine,
    username: str,
    role: str,
    *,
    display_name: str | None = None,
    password: str | None = None,
    actor: str | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Create an account and return its password.

    Without ``password``, a one-time password is generated and must be changed at the first
    login; a given password must pass the policy. Audits ``account_created``.

    Raises
    ------
    AccountError
        Invalid username or role, username taken, or a password the policy refuses.
    """
    # A username must be loggable: the audit log refuses what looks like a pseudonym or AVS number.
    if not USERNAME_PATTERN.match(username) or audit.looks_person_level(username):
        raise AccountError("auth.invalid_username", username=username)
    _check_role(role)
    must_change = password is None
    if password is None:
        password = passwords.generate_password()
    else:
        _check_policy(password, username)
    now = _now(now)
    try:
        with engine.begin() as connection:
            _insert(connection, username, role, display_name or username, password, must_change=must_change, now=now)
            audit.record_in(connection, "account_created", actor=actor, target=username, detail=f"role={role}", now=now)
    except sa.exc.IntegrityError:
        raise AccountError("auth.account_exists", username=username) from None
    return password


def _account(row: sa.Row) -> Account:
    return Account(
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        disabled=row.disabled,
        locked_until=row.locked_until,
        totp_enrolled=row.totp_secret_encrypted is not None,
        must_change_password=row.must_change_password,
    )


def get_account(engine: sa.Engine, username: str) -> Account | None:
    """The account ``username``, or None."""
    with engine.connect() as connection:
        row = _row(connection, username)
    return None if row is None else _account(row)


def list_accounts(engine: sa.Engine) -> pl.DataFrame:
    """Every account, by username, with the columns of :data:`ACCOUNT_SCHEMA`."""
    c = ACCOUNTS.c
    query = sa.select(
        c.username,
        c.display_name,
        c.role,
        c.disabled,
        c.must_change_password,
        c.totp_secret_encrypted.is_not(None),
        c.failed_logins,
        c.locked_until,
        c.created_at,
    ).order_by(c.username)
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(query)]
    return pl.DataFrame(rows, schema=ACCOUNT_SCHEMA, orient="row")


def _change(
    engine: sa.Engine,
    username: str,
    values: dict[str, object],
    *,
    actor: str | None,
    detail: str,
    revoke: str | None,
    now: dt.datetime | None,
    leaves_admin: bool = False,
    action: str = "account_changed",
) -> None:
    now = _now(now)
    with engine.begin() as connection:
        row = _existing(connection, username)
        if leaves_admin and row.role == "admin" and not row.disabled and _other_active_admins(connection, username) == 0:
            raise AccountError("auth.last_admin", username=username)
        connection.execute(
            sa.update(ACCOUNTS).where(ACCOUNTS.c.username == username).values(updated_at=now, **values)
        )
        if revoke:
            _revoke_sessions(connection, username, revoke, now)
        audit.record_in(connection, action, actor=actor, target=username, detail=detail, now=now)


def set_role(engine: sa.Engine, username: str, role: str, *, actor: str | None, now: dt.datetime | None = None) -> None:
    """Give ``username`` the role ``role``; their sessions end, so the new role applies at once.

    Refused for the last active admin (nobody could manage accounts any more).
    """
    _check_role(role)
    _change(
        engine,
        username,
        {"role": role},
        actor=actor,
        detail=f"role={role}",
        revoke="role_changed",
        now=now,
        leaves_admin=role != "admin",
    )


def reset_password(engine: sa.Engine, username: str, *, actor: str | None, now: dt.datetime | None = None) -> str:
    """A new one-time password for ``username`` (to change at the next login).

    Also unlocks the account and ends its sessions. Returns the password.
    """
    password = passwords.generate_password()
    _change(
        engine,
        username,
        {
            "password_hash": passwords.hash_password(password),
            "must_change_password": True,
            "failed_logins": 0,
            "locked_until": None,
        },
        actor=actor,
        detail="password_reset",
        revoke="password_reset",
        now=now,
    )
    return password


def change_password(
    engine: sa.Engine,
    username: str,
    old: str,
    new: str,
    *,
    actor: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """The user changes their own password: ``old`` must match, ``new`` pass the policy.

    Clears ``must_change_password``; audits ``password_changed``.

    Raises
    ------
    AccountError
        Unknown account, wrong current password, the same password again, or policy problems
        (``error.problems`` lists them all).
    """
    account = _password_hash(engine, username)
    if account is None:
        raise AccountError("auth.unknown_account", username=username)
    if not passwords.verify_password(old, account):
        raise AccountError("auth.wrong_password")
    if new == old:
        raise AccountError("auth.password_unchanged")
    _check_policy(new, username)
    _change(
        engine,
        username,
        {"password_hash": passwords.hash_password(new), "must_change_password": False},
        actor=actor if actor is not None else username,
        detail="password_changed",
        revoke=None,
        now=now,
        action="password_changed",
    )


def _password_hash(engine: sa.Engine, username: str) -> str | None:
    with engine.connect() as connection:
        return connection.execute(
            sa.select(ACCOUNTS.c.password_hash).where(ACCOUNTS.c.username == username)
        ).scalar_one_or_none()


def reset_totp(engine: sa.Engine, username: str, *, actor: str | None, now: dt.datetime | None = None) -> None:
    """Forget ``username``'s TOTP secret (lost phone): they enrol again at the next login."""
    _change(
        engine,
        username,
        {"totp_secret_encrypted": None, "totp_enrolled_at": None},
        actor=actor,
        detail="totp_reset",
        revoke="totp_reset",
        now=now,
    )


def disable(engine: sa.Engine, username: str, *, actor: str | None, now: dt.datetime | None = None) -> None:
    """Disable ``username``: no login any more, sessions end. Refused for the last active admin."""
    _change(
        engine,
        username,
        {"disabled": True},
        actor=actor,
        detail="disabled",
        revoke="disabled",
        now=now,
        leaves_admin=True,
    )


def credentials(engine: sa.Engine, *, now: dt.datetime | None = None) -> dict:
    """The credentials dict for ``streamlit_authenticator.Authenticate`` (``auto_hash=False``).

    Disabled accounts are left out; a locked account shows ``LOCK_AFTER`` failed attempts, so
    the library refuses it with ``max_login_attempts=LOCK_AFTER``.
    """
    now = _now(now)
    c = ACCOUNTS.c
    query = sa.select(c.username, c.display_name, c.password_hash, c.role, c.locked_until).where(
        c.disabled.is_(False)
    )
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(c.username)).all()
    return {
        "usernames": {
            row.username: {
                "name": row.display_name,
                "password": row.password_hash,
                "roles": [row.role],
                "failed_login_attempts": LOCK_AFTER if _locked(row.locked_until, now) else 0,
            }
            for row in rows
        }
    }


def _locked(locked_until: dt.datetime | None, now: dt.datetime) -> bool:
    return locked_until is not None and locked_until > now


def is_locked(engine: sa.Engine, username: str, *, now: dt.datetime | None = None) -> bool:
    """Whether ``username`` is locked out at ``now`` (an unknown account is not)."""
    with engine.connect() as connection:
        locked_until = connection.execute(
            sa.select(ACCOUNTS.c.locked_until).where(ACCOUNTS.c.username == username)
        ).scalar_one_or_none()
    return _locked(locked_until, _now(now))


def _clear_expired_lock(connection: sa.Connection, username: str, now: dt.datetime) -> None:
    c = ACCOUNTS.c
    connection.execute(
        sa.update(ACCOUNTS)
        .where(c.username == username, c.locked_until.is_not(None), c.locked_until <= now)
        .values(failed_logins=0, locked_until=None)
    )


def record_failure(engine: sa.Engine, username: str, *, now: dt.datetime | None = None) -> bool:
    """Count one failed login of ``username``; the 5th in a row locks the account for 15 min.

    Audits ``login_failed`` (and ``lockout`` when it locks), or ``login_refused_locked`` for
    an attempt while locked, which does not extend the lock. An expired lock starts the count
    again. An unknown username is audited without it (it may be a password typed in the
    wrong field).

    Returns
    -------
    bool
        True when the account is locked (now).
    """
    now = _now(now)
    c = ACCOUNTS.c
    with engine.begin() as connection:
        # Writes first: on SQLite the first write takes the database's write lock; on
        # PostgreSQL the UPDATE locks the row and a concurrent one re-reads it after commit.
        _clear_expired_lock(connection, username, now)
        counted = connection.execute(
            sa.update(ACCOUNTS)
            .where(c.username == username, c.locked_until.is_(None))
            .values(
                failed_logins=c.failed_logins + 1,
                locked_until=sa.case(
                    (c.failed_logins + 1 >= LOCK_AFTER, sa.literal(now + LOCK_DURATION, ACCOUNTS.c.locked_until.type)),
                    else_=sa.null(),
                ),
                updated_at=now,
            )
            .returning(c.failed_logins, c.locked_until)
        ).first()
        if counted is not None:
            audit.record_in(
                connection, "login_failed", actor=username, outcome="refused",
                detail=f"failures={counted.failed_logins}", now=now,
            )
            if counted.locked_until is not None:
                audit.record_in(
                    connection, "lockout", actor=username, outcome="refused",
                    detail=f"minutes={int(LOCK_DURATION.total_seconds() // 60)}", now=now,
                )
            return counted.locked_until is not None
        if _row(connection, username) is None:
            audit.record_in(connection, "login_failed", outcome="refused", detail="unknown account", now=now)
            return False
        audit.record_in(connection, "login_refused_locked", actor=username, outcome="refused", now=now)
        return True


def record_success(engine: sa.Engine, username: str, *, now: dt.datetime | None = None) -> None:
    """Reset the failed-login count after a successful login (the caller audits ``login``).

    Leaves an active lock alone: a right password during a lockout does not lift it.
    """
    now = _now(now)
    c = ACCOUNTS.c
    with engine.begin() as connection:
        connection.execute(
            sa.update(ACCOUNTS)
            .where(c.username == username, sa.or_(c.locked_until.is_(None), c.locked_until <= now))
            .values(failed_logins=0, locked_until=None)
        )


LoginOutcome = Literal["ok", "wrong", "locked", "disabled"]


def attempt_login(engine: sa.Engine, username: str, password: str, *, now: dt.datetime | None = None) -> LoginOutcome:
    """Check a password server-side with the lockout rules; counts failures and successes.

    ``"locked"`` whatever the password while the lock lasts (and when this failure locks);
    ``"disabled"`` for a disabled account with the right password. The caller audits
    ``login`` after the second factor, if any.
    """
    now = _now(now)
    if is_locked(engine, username, now=now):
        record_failure(engine, username, now=now)
        return "locked"
    if not passwords.verify_password(password, _password_hash(engine, username)):
        return "locked" if record_failure(engine, username, now=now) else "wrong"
    account = get_account(engine, username)
    if account is None or account.disabled:
        return "disabled"
    record_success(engine, username, now=now)
    return "ok"


def ensure_first_admin(engine: sa.Engine, *, now: dt.datetime | None = None) -> str | None:
    """On a database without any account, create ``admin`` and return its one-time password.

    Returns None when an account exists (also when another process created one meanwhile).
    """
    with engine.connect() as connection:
        if connection.execute(sa.select(sa.func.count()).select_from(ACCOUNTS)).scalar_one():
            return None
    try:
        return create_account(engine, FIRST_ADMIN, "admin", display_name="Administrator", now=now)
    except AccountError:  # created by a concurrent first run
        return None


def create_demo_accounts(engine: sa.Engine, path: Path, *, now: dt.datetime | None = None) -> dict[str, tuple[str, str]]:
    """(Re)create one clearly named demo account per role, with new random passwords.

    Writes ``role username password`` lines to ``path`` (mode 0600; under ``var/``, which git
    ignores) and returns ``{role: (username, password)}``. Their passwords need no change.
    """
    now = _now(now)
    created: dict[str, tuple[str, str]] = {}
    for role in ROLES:
        username = f"{DEMO_PREFIX}{role}"
        password = passwords.generate_password()
        with engine.begin() as connection:
            if _row(connection, username, lock=True) is None:
                _insert(connection, username, role, f"Demo {role}", password, must_change=False, now=now)
                audit.record_in(connection, "account_created", target=username, detail=f"role={role} demo", now=now)
            else:
                connection.execute(
                    sa.update(ACCOUNTS)
                    .where(ACCOUNTS.c.username == username)
                    .values(
                        role=role,
                        password_hash=passwords.hash_password(password),
                        must_change_password=False,
                        disabled=False,
                        failed_logins=0,
                        locked_until=None,
                        updated_at=now,
                    )
                )
                _revoke_sessions(connection, username, "password_reset", now)
                audit.record_in(connection, "account_changed", target=username, detail="password_reset demo", now=now)
        created[role] = (username, password)
    _write_private(path, "".join(f"{role} {user} {pw}\n" for role, (user, pw) in created.items()))
    return created


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)  # also when the file existed with other permissions
        handle.write(text)

