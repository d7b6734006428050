"""AppTest fixtures: the real app on the demo database (SQLite), one fresh AppTest per test.

Every page needs a logged-in user: :func:`open_page` logs in one test account per role the way
the gate does once the password and second factor are through (a live server-side session,
the library's session state), so the page tests see exactly what that role sees. The login
steps themselves are tested in ``test_login.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import secrets

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import access

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGES = access.SCREENS
ROLES = access.ROLES


@pytest.fixture(autouse=True)
def app_keys(monkeypatch) -> None:
    """Sound keys for the app (it refuses to start without them), fresh for every test."""
    monkeypatch.setenv("CII_COOKIE_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("CII_TOTP_KEY", secrets.token_urlsafe(48))


def test_account(role: str) -> str:
    return f"test-{role}"


test_account.__test__ = False  # a helper, not a test


def ensure_test_accounts(url: str) -> None:
    """One account per role in the database at ``url`` (idempotent)."""
    from dashboard.auth import accounts
    from dashboard.db.engine import ensure_database

    engine = ensure_database(url)
    for role in ROLES:
        if accounts.get_account(engine, test_account(role)) is None:
            accounts.create_account(engine, test_account(role), role, password=secrets.token_urlsafe(18))


def log_in(at: AppTest, url: str, role: str) -> None:
    """Seed ``at`` with a fully logged-in session of the test account of ``role``."""
    from dashboard.auth import sessions
    from dashboard.db.engine import ensure_database

    ensure_test_accounts(url)
    username = test_account(role)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["name"] = username
    at.session_state["roles"] = [role]
    at.session_state["_cii_session"] = sessions.open_session(ensure_database(url), username, cookie_expires=None)


@pytest.fixture(scope="session")
def demo_sqlite_url(tmp_path_factory) -> str:
    """A SQLite demo database shared by the page tests (pages only read)."""
    from dashboard.db.engine import ensure_database
    from dashboard.demo import load_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'demo.sqlite3'}"
    engine = ensure_database(url)
    assert all(outcome.ok for _, outcome in load_demo(engine))
    return url


@pytest.fixture(scope="session")
def empty_sqlite_url(tmp_path_factory) -> str:
    from dashboard.db.engine import ensure_database

    url = f"sqlite:///{tmp_path_factory.mktemp('empty') / 'empty.sqlite3'}"
    ensure_database(url)
    return url


@pytest.fixture
def open_page(demo_sqlite_url, monkeypatch) -> Callable[..., AppTest]:
    """``open_page("overlaps", year="2024", region=["Sion"], lang="de")`` → the rendered AppTest.

    Logged in as ``role`` (default ``analyst``; None: logged out). Query parameters are set
    before the first run, as a copied link would; the page is then switched to (paths
    relative to dashboard/app.py) and run. A page the role may not open raises ValueError.
    """

    def open_(
        page: str = "overview",
        *,
        role: str | None = "analyst",
        database_url: str | None = None,
        **params: str | list[str],
    ) -> AppTest:
        url = database_url or demo_sqlite_url
        monkeypatch.setenv("CII_DATABASE_URL", url)
        at = AppTest.from_file(str(APP), default_timeout=60)
        if role is not None:
            log_in(at, url, role)
        for name, value in params.items():
            at.query_params[name] = value
        at.run()
        if role is not None and page != access.default_page(role):
            at.switch_page(f"../pages/{access.PAGES[page].file}").run()
        return at

    return open_
