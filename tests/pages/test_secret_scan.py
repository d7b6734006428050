"""No plaintext password or secret in the repository, the database or the logs (issue 5).

The one-time passwords of a first start and of the demo accounts are *printed* once, to the
operator's console (stdout), by design (DESIGN.md §5); they are never written to a log record,
to stderr, to the audit log or to any table.
"""

from __future__ import annotations

import logging
import re
import subprocess
from pathlib import Path

import pyotp
import sqlalchemy as sa

from dashboard.auth import accounts, keys, totp
from dashboard.db.engine import ensure_database
from dashboard.i18n import t

from tests.pages.helpers import rendered
from tests.pages.test_data_page import sqlite_copy
from tests.pages.test_login import fresh_session, is_logged_in, submit_code, submit_login, text_input

REPO = Path(__file__).resolve().parents[2]

# A literal of 24+ characters assigned to something named like a secret.
_ASSIGNED_SECRET = re.compile(
    r"""(?i)\b[\w.]*(cookie_key|totp_key|secret|password|api_key|token)\w*\s*[:=]\s*["']([A-Za-z0-9_\-+/=]{24,})["']"""
)


def _tracked_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True)
    return [REPO / name for name in listed.stdout.splitlines()]


def test_no_secret_file_is_tracked():
    names = [path.relative_to(REPO).as_posix() for path in _tracked_files()]
    forbidden = [n for n in names if n == ".streamlit/secrets.toml" or n.startswith("var/") or n.endswith((".sqlite3", ".env", ".pem", ".key"))]
    assert forbidden == []


def test_git_ignores_the_local_secrets_and_credentials():
    for name in (".streamlit/secrets.toml", "var/demo-accounts.txt", "var/cii.sqlite3"):
        ignored = subprocess.run(["git", "check-ignore", "-q", name], cwd=REPO)
        assert ignored.returncode == 0, name


def test_no_secret_literal_in_tracked_code_or_docs():
    """Outside tests (whose throw-away passwords are fixtures), no secret-looking literal."""
    found = []
    for path in _tracked_files():
        if path.parts[len(REPO.parts)] == "tests" or path.suffix not in {".py", ".toml", ".md", ".txt", ".cfg", ".yml", ".yaml", ""}:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        found += [(path.name, match.group(0)) for match in _ASSIGNED_SECRET.finditer(text)]
    assert found == []


def test_the_scan_catches_a_planted_secret():
    planted = 'cookie_key = "q8Vd7xK2mPz9LwT4sR6nYb3HcJ5fGa1E"'
    assert _ASSIGNED_SECRET.search(planted)


def _all_text(engine: sa.Engine) -> str:
    """Every value of every table, as text."""
    metadata = sa.MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return "\n".join(
            repr(tuple(row)) for table in metadata.sorted_tables for row in connection.execute(sa.select(table))
        )


def test_no_password_or_secret_in_the_database_or_the_logs(tmp_path, demo_sqlite_url, monkeypatch, caplog, capfd):
    url = sqlite_copy(demo_sqlite_url, tmp_path / "scan.sqlite3")
    monkeypatch.setenv("CII_DATABASE_URL", url)
    caplog.set_level(logging.DEBUG)
    engine = ensure_database(url)
    secrets_seen = [keys.cookie_key(), keys.totp_key()]

    first = "Saas-Fee-Allalin-4027"
    accounts.create_account(engine, "anne.roh", "analyst", password=first)
    at = rendered(submit_login(rendered(fresh_session().run()), "anne.roh", first))
    totp_secret = at.code[0].value
    at = rendered(submit_code(at, pyotp.TOTP(totp_secret).now()))
    assert is_logged_in(at)
    at.switch_page("../pages/account.py").run()
    second = "Grand-Combin-4314-Bagnes"
    text_input(at, "login.current_password").input(first)
    text_input(at, "login.new_password").input(second)
    text_input(at, "login.repeat_password").input(second)
    at = rendered(next(b for b in at.button if b.label == t("login.change_submit")).click().run())
    assert [s.value for s in at.success] == [t("login.password_changed")]
    submit_login(rendered(fresh_session().run()), "anne.roh", "a-wrong-password-typed")  # audited failure

    one_time = accounts.reset_password(engine, "anne.roh", actor="test")
    demo = accounts.create_demo_accounts(engine, tmp_path / "demo-accounts.txt")
    first_admin = accounts.ensure_first_admin(engine)  # None here: accounts exist
    secrets_seen += [first, second, totp_secret, one_time, *(password for _, password in demo.values())]

    stored = _all_text(engine)
    logged = "\n".join(record.getMessage() for record in caplog.records) + capfd.readouterr().err
    assert first_admin is None
    assert totp.secret_of(engine, "anne.roh") == totp_secret  # stored, but only encrypted
    leaks = [secret for secret in secrets_seen if secret in stored or secret in logged]
    assert leaks == []
    assert "a-wrong-password-typed" not in stored + logged
