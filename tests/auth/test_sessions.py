"""Server-side sessions: 30 minutes idle, 12 hours at most, revocable, found again by cookie."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from dashboard.auth import sessions
from dashboard.auth.accounts import AccountError, create_account, reset_password
from dashboard.auth.audit import entries
from dashboard.auth.sessions import IDLE, LIFETIME, adopt, check, open_session, revoke, revoke_all
from dashboard.db.models import SESSIONS
from tests.auth.helpers import NOW, minutes

COOKIE = NOW.timestamp() + 12 * 3600.0 + 0.123456


@pytest.fixture
def anna(engine):
    create_account(engine, "anna", "viewer")
    create_account(engine, "bea", "viewer")
    return engine


def session_row(engine: sa.Engine, session_id: str) -> dict:
    with engine.connect() as connection:
        row = connection.execute(sa.select(SESSIONS).where(SESSIONS.c.id == session_id)).one()
    return dict(row._mapping)


def test_contract_constants():
    assert (LIFETIME, IDLE) == (dt.timedelta(hours=12), dt.timedelta(minutes=30))


def test_open_session_stores_its_times(anna):
    session_id = open_session(anna, "anna", cookie_expires=COOKIE, now=NOW)

    assert len(session_id) == 43  # token_urlsafe(32)
    assert session_row(anna, session_id) == {
        "id": session_id,
        "username": "anna",
        "created_at": NOW,
        "last_seen": NOW,
        "expires_at": NOW + LIFETIME,
        "cookie_expires": COOKIE,
        "revoked_at": None,
        "revoked_reason": None,
    }
    assert open_session(anna, "anna", cookie_expires=None, now=NOW) != session_id


def test_open_session_for_an_unknown_account_is_refused(anna):
    with pytest.raises(AccountError):
        open_session(anna, "ghost", cookie_expires=None, now=NOW)


def test_a_live_session_gives_its_user_and_is_touched(anna):
    session_id = open_session(anna, "anna", cookie_expires=None, now=NOW)

    assert check(anna, session_id, now=NOW + minutes(29)) == "anna"
    assert session_row(anna, session_id)["last_seen"] == NOW + minutes(29)
    # Activity keeps it alive past the first 30 minutes.
    assert check(anna, session_id, now=NOW + minutes(58)) == "anna"


def test_last_seen_is_written_at_most_once_a_minute(anna):
    session_id = open_session(anna, "anna", cookie_expires=None, now=NOW)

    assert check(anna, session_id, now=NOW + dt.timedelta(seconds=59)) == "anna"
    assert session_row(anna, session_id)["last_seen"] == NOW


@pytest.mark.parametrize(("unknown"), [None, "", "no-such-session"])
def test_unknown_sessions_are_not_live(anna, unknown):
    assert check(anna, unknown, now=NOW) is None


def test_an_idle_session_ends_and_is_audited_once(anna):
    session_id = open_session(anna, "anna", cookie_expires=None, now=NOW)

    assert check(anna, session_id, now=NOW + IDLE - dt.timedelta(seconds=1)) == "anna"
    assert check(anna, session_id, now=NOW + 2 * IDLE) is None
    assert check(anna, session_id, now=NOW + 2 * IDLE + minutes(1)) is None

    row = session_row(anna, session_id)
    assert (row["revoked_at"], row["revoked_reason"]) == (NOW + 2 * IDLE, "idle")
    expired = entries(anna, actions=["session_expired"])
    assert expired.select("actor", "detail", "at").rows() == [("anna", "reason=idle", NOW + 2 * IDLE)]


def test_a_session_ends_after_twelve_hours_however_active(anna):
    session_id = open_session(anna, "anna", cookie_expires=None, now=NOW)
    for step in range(1, 36):  # every 20 minutes for 11 h 40 min
        assert check(anna, session_id, now=NOW + minutes(20 * step)) == "anna"

    assert check(anna, session_id, now=NOW + LIFETIME) is None
    assert session_row(anna, session_id)["revoked_reason"] == "expired"
    assert entries(anna, actions=["session_expired"])["detail"].to_list() == ["reason=expired"]


def test_revoke_ends_one_session_and_keeps_the_first_reason(anna):
    first = open_session(anna, "anna", cookie_expires=None, now=NOW)
    second = open_session(anna, "anna", cookie_expires=None, now=NOW)

    revoke(anna, first, reason="logout", now=NOW + minutes(1))
    revoke(anna, first, reason="password_reset", now=NOW + minutes(2))

    assert (check(anna, first, now=NOW + minutes(3)), check(anna, second, now=NOW + minutes(3))) == (None, "anna")
    row = session_row(anna, first)
    assert (row["revoked_at"], row["revoked_reason"]) == (NOW + minutes(1), "logout")


def test_revoke_all_ends_every_session_of_one_user(anna):
    mine = [open_session(anna, "anna", cookie_expires=None, now=NOW) for _ in range(3)]
    theirs = open_session(anna, "bea", cookie_expires=None, now=NOW)
    revoke(anna, mine[0], reason="logout", now=NOW)

    assert revoke_all(anna, "anna", reason="disabled", now=NOW) == 2

    assert [check(anna, session_id, now=NOW) for session_id in mine] == [None] * 3
    assert check(anna, theirs, now=NOW) == "bea"


def test_adopt_finds_the_live_session_of_a_cookie(anna):
    session_id = open_session(anna, "anna", cookie_expires=COOKIE, now=NOW)
    open_session(anna, "anna", cookie_expires=COOKIE + 60, now=NOW)  # another browser

    assert adopt(anna, "anna", COOKIE, now=NOW + minutes(10)) == session_id
    # Not for another user's name, nor another expiry, nor a cookie without session.
    assert adopt(anna, "bea", COOKIE, now=NOW + minutes(10)) is None
    assert adopt(anna, "anna", COOKIE + 0.000001, now=NOW + minutes(10)) is None
    assert adopt(anna, "anna", COOKIE - 3600, now=NOW + minutes(10)) is None


def test_a_cookie_replayed_after_logout_finds_no_session(anna):
    session_id = open_session(anna, "anna", cookie_expires=COOKIE, now=NOW)
    revoke(anna, session_id, reason="logout", now=NOW + minutes(5))

    assert adopt(anna, "anna", COOKIE, now=NOW + minutes(6)) is None


def test_a_cookie_of_an_idle_session_finds_no_session(anna):
    open_session(anna, "anna", cookie_expires=COOKIE, now=NOW)

    assert adopt(anna, "anna", COOKIE, now=NOW + IDLE) is None
    assert entries(anna, actions=["session_expired"]).height == 1


def test_a_password_reset_ends_the_sessions(anna):
    session_id = open_session(anna, "anna", cookie_expires=COOKIE, now=NOW)

    reset_password(anna, "anna", actor="root", now=NOW + minutes(1))

    assert adopt(anna, "anna", COOKIE, now=NOW + minutes(2)) is None
    assert session_row(anna, session_id)["revoked_reason"] == "password_reset"


def test_touch_interval_is_shorter_than_idle():
    assert sessions.TOUCH_EVERY < IDLE / 10
