"""The login gate in AppTest: nothing before login, roles see exactly their pages, lockout,
second factor, expired and revoked sessions, refused keys (issue 5 acceptance)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from dashboard import access
from dashboard.auth import accounts, audit, sessions, totp
from dashboard.db.engine import ensure_database
from dashboard.i18n import t

from tests.pages.conftest import APP, ROLES, log_in, test_account
from tests.pages.helpers import rendered
from tests.pages.test_data_page import media_files, sqlite_copy  # noqa: F401 (a fixture)

PASSWORD = "Rhone-Glacier-2026-Sierre"


@pytest.fixture
def site(tmp_path, demo_sqlite_url, monkeypatch) -> tuple[str, sa.Engine]:
    """A private copy of the demo database (these tests write accounts and sessions)."""
    url = sqlite_copy(demo_sqlite_url, tmp_path / "site.sqlite3")
    monkeypatch.setenv("CII_DATABASE_URL", url)
    return url, ensure_database(url)


def fresh_session() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=60)


def text_input(at: AppTest, key: str, lang: str = "fr"):
    label = t(key, lang)
    return next(widget for widget in at.text_input if widget.label == label)


def submit_login(at: AppTest, username: str, password: str) -> AppTest:
    text_input(at, "login.username").input(username)
    text_input(at, "login.password").input(password)
    return next(b for b in at.button if b.label == t("login.submit")).click().run()


def submit_code(at: AppTest, code: str) -> AppTest:
    text_input(at, "login.totp_code").input(code)
    return next(b for b in at.button if b.label == t("login.totp_submit")).click().run()


def everything_shown(at: AppTest) -> str:
    """Every text of the rendered app, as one string."""
    texts = [element.value for kind in ("markdown", "caption", "title", "header", "subheader", "info", "error") for element in getattr(at, kind)]
    texts += [widget.label for widget in at.text_input]
    texts += [json.dumps(chart.proto.spec) for chart in at.get("plotly_chart")]
    return "\n".join(str(text) for text in texts)


def figures_shown(at: AppTest) -> bool:
    """Whether any figure of the dashboard is on screen (charts or KPI cards)."""
    return bool(at.get("plotly_chart") or at.metric or at.dataframe)


def is_logged_in(at: AppTest) -> bool:
    return any(b.label == t("login.logout") for b in at.sidebar.button)


# --- logged out ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_logged_out_shows_only_the_login_form(site, lang):
    at = fresh_session()
    at.query_params["lang"] = lang
    rendered(at.run())
    assert [widget.label for widget in at.text_input] == [t("login.username", lang), t("login.password", lang)]
    assert not figures_shown(at) and at.metric == [] and at.dataframe == []
    shown = everything_shown(at)
    for page in access.PAGES.values():
        assert t(page.title_key, lang) not in shown
    # No page is registered before login; a page script reached anyway refuses itself.
    rendered(at.switch_page("../pages/overview.py").run())
    assert not figures_shown(at) and not is_logged_in(at)


def test_a_deep_link_shows_the_login_form_not_the_page(site):
    at = fresh_session()
    at.query_params["year"] = "2025"
    rendered(at.run())
    assert not figures_shown(at) and not is_logged_in(at)


# --- roles --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_exactly_its_pages(site, role):
    url, _ = site
    at = fresh_session()
    log_in(at, url, role)
    rendered(at.run())
    assert is_logged_in(at)
    for page_id, page in access.PAGES.items():
        path = f"../pages/{page.file}"
        if access.allowed(role, page_id):
            rendered(at.switch_page(path).run())
            assert not [e for e in at.error if e.value == t("login.access_denied")], (role, page_id)
        else:
            with pytest.raises(ValueError):
                at.switch_page(path)


@pytest.mark.parametrize("page_id", ["data", "audit", "overview"])
def test_every_page_checks_the_role_itself(site, page_id):
    """Run as a script of its own with the presenter's session: the page refuses itself."""
    from dashboard.ui.auth import User

    at = AppTest.from_file(str(Path(APP).parent.parent / "pages" / access.PAGES[page_id].file), default_timeout=60)
    at.session_state["_cii_user"] = User("test-presenter", "test-presenter", "presenter")
    rendered(at.run())
    assert [e.value for e in at.error] == [t("login.access_denied")]
    assert not figures_shown(at)


def test_the_presenter_opens_on_the_presentation(site):
    url, _ = site
    at = fresh_session()
    log_in(at, url, "presenter")
    rendered(at.run())
    assert at.title[0].value == t("login.page_presentation")


# --- password ---------------------------------------------------------------------------------


def _account(engine, role="viewer", name="maria.imboden") -> str:
    accounts.create_account(engine, name, role, password=PASSWORD)
    return name


def test_right_password_logs_in_and_is_audited(site):
    _, engine = site
    name = _account(engine)
    at = submit_login(rendered(fresh_session().run()), name, PASSWORD)
    rendered(at)
    assert is_logged_in(at) and figures_shown(at)
    assert audit.entries(engine, actions=["login"])["actor"].to_list() == [name]


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_wrong_password_is_refused(site, lang):
    _, engine = site
    name = _account(engine)
    at = fresh_session()
    at.query_params["lang"] = lang
    at.run()
    text_input(at, "login.username", lang).input(name)
    text_input(at, "login.password", lang).input("not-the-password-at-all")
    at = rendered(next(b for b in at.button if b.label == t("login.submit", lang)).click().run())
    assert [e.value for e in at.error] == [t("login.wrong", lang)]
    assert not is_logged_in(at) and not figures_shown(at)
    assert audit.entries(engine, actions=["login_failed"])["actor"].to_list() == [name]


def test_five_failures_in_five_sessions_lock_the_account_even_for_the_right_password(site):
    _, engine = site
    name = _account(engine)
    for attempt in range(accounts.LOCK_AFTER):
        at = submit_login(rendered(fresh_session().run()), name, f"wrong-password-{attempt}-x")
    assert [e.value for e in at.error] == [t("login.locked", minutes=15)]
    at = submit_login(rendered(fresh_session().run()), name, PASSWORD)
    assert not is_logged_in(at) and not figures_shown(at)
    assert [e.value for e in at.error] == [t("login.locked", minutes=15)]
    assert accounts.is_locked(engine, name)
    logged = audit.entries(engine)["action"].to_list()
    assert logged.count("login_failed") == accounts.LOCK_AFTER
    assert "lockout" in logged and "login_refused_locked" in logged and "login" not in logged


def test_an_unknown_account_is_refused_like_a_wrong_password(site):
    _, engine = site
    at = submit_login(rendered(fresh_session().run()), "nobody.here", PASSWORD)
    assert [e.value for e in at.error] == [t("login.wrong")]
    assert audit.entries(engine, actions=["login_failed"])["detail"].to_list() == ["unknown account"]


# --- second factor --------------------------------------------------------------------------------


def test_admin_without_a_valid_code_sees_nothing_and_with_one_gets_in(site):
    _, engine = site
    name = _account(engine, "admin", "claire.favre")
    secret = totp.new_secret()
    totp.enrol(engine, name, secret)
    at = rendered(submit_login(rendered(fresh_session().run()), name, PASSWORD))
    assert not is_logged_in(at) and not figures_shown(at)
    assert text_input(at, "login.totp_code")
    at = rendered(submit_code(at, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"))
    assert not is_logged_in(at) and not figures_shown(at)
    assert [e.value for e in at.error] == [t("login.totp_wrong", left=totp.MAX_TRIES - 1)]
    at = rendered(submit_code(at, pyotp.TOTP(secret).now()))
    assert is_logged_in(at) and figures_shown(at)
    assert audit.entries(engine, actions=["login", "totp_failed"])["action"].to_list() == ["login", "totp_failed"]


def test_five_wrong_codes_end_the_challenge(site):
    _, engine = site
    name = _account(engine, "analyst", "jonas.zenklusen")
    secret = totp.new_secret()
    totp.enrol(engine, name, secret)
    at = submit_login(rendered(fresh_session().run()), name, PASSWORD)
    wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    for _ in range(totp.MAX_TRIES):
        at = rendered(submit_code(at, wrong))
    assert not is_logged_in(at)
    assert [widget.label for widget in at.text_input] == [t("login.username"), t("login.password")]
    assert [i.value for i in at.info] == [t("login.totp_exhausted")]


def test_first_login_of_an_analyst_enrols_the_second_factor(site):
    _, engine = site
    name = _account(engine, "analyst", "lea.bonvin")
    at = rendered(submit_login(rendered(fresh_session().run()), name, PASSWORD))
    assert at.subheader[0].value == t("login.enrol_title")
    assert len(at.get("image")) == 1  # the QR code
    secret = at.code[0].value
    at = rendered(submit_code(at, pyotp.TOTP(secret).now()))
    assert is_logged_in(at)
    assert totp.secret_of(engine, name) == secret
    assert accounts.get_account(engine, name).totp_enrolled


def test_a_one_time_password_must_be_changed_at_first_login(site):
    _, engine = site
    one_time = accounts.create_account(engine, "paul.rey", "viewer")
    at = rendered(submit_login(rendered(fresh_session().run()), "paul.rey", one_time))
    assert not is_logged_in(at) and at.subheader[0].value == t("login.change_title")
    text_input(at, "login.current_password").input(one_time)
    text_input(at, "login.new_password").input("Zinal-Rothorn-4221m")
    text_input(at, "login.repeat_password").input("Zinal-Rothorn-4221m")
    at = rendered(next(b for b in at.button if b.label == t("login.change_submit")).click().run())
    assert is_logged_in(at)
    assert not accounts.get_account(engine, "paul.rey").must_change_password


# --- sessions -------------------------------------------------------------------------------------


def test_logout_revokes_the_session_server_side(site):
    url, engine = site
    at = fresh_session()
    log_in(at, url, "viewer")
    rendered(at.run())
    session_id = at.session_state["_cii_session"]
    at = rendered(next(b for b in at.sidebar.button if b.label == t("login.logout")).click().run())
    assert not is_logged_in(at) and not figures_shown(at)
    assert [i.value for i in at.info] == [t("login.logged_out")]
    assert sessions.check(engine, session_id) is None
    assert audit.entries(engine, actions=["logout"])["actor"].to_list() == [test_account("viewer")]


@pytest.mark.parametrize("ending", ["revoked", "idle", "expired"])
def test_an_ended_session_is_logged_out(site, ending):
    url, engine = site
    at = fresh_session()
    log_in(at, url, "analyst")
    rendered(at.run())
    assert is_logged_in(at)
    session_id = at.session_state["_cii_session"]
    if ending == "revoked":
        sessions.revoke(engine, session_id, reason="test")
    else:
        age = sessions.IDLE if ending == "idle" else sessions.LIFETIME
        with engine.begin() as connection:
            earlier = dt.datetime.now(dt.UTC) - age - dt.timedelta(minutes=1)
            columns = {"last_seen": earlier} if ending == "idle" else {"expires_at": earlier}
            table = sa.Table("sessions", sa.MetaData(), autoload_with=connection)
            connection.execute(table.update().where(table.c.id == session_id).values(**columns))
    at = rendered(at.run())
    assert not is_logged_in(at) and not figures_shown(at)
    assert [i.value for i in at.info] == [t("login.session_ended")]


def test_a_disabled_account_is_logged_out_at_its_next_click(site):
    url, engine = site
    at = fresh_session()
    log_in(at, url, "viewer")
    rendered(at.run())
    accounts.disable(engine, test_account("viewer"), actor="test-admin")
    at = rendered(at.run())
    assert not is_logged_in(at)


# --- keys ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", [None, "too-short-0123456789", "change-me-change-me-change-me-change-me"], ids=["missing", "short", "sample"]
)
def test_the_app_refuses_to_start_without_a_sound_cookie_key(site, monkeypatch, tmp_path, key):
    monkeypatch.setenv("CII_SECRETS_FILE", str(tmp_path / "absent.toml"))
    if key is None:
        monkeypatch.delenv("CII_COOKIE_KEY")
    else:
        monkeypatch.setenv("CII_COOKIE_KEY", key)
    at = rendered(fresh_session().run())
    assert len(at.error) == 1 and at.text_input == [] and not figures_shown(at)


def test_the_first_start_creates_the_admin_with_a_one_time_password(tmp_path, monkeypatch, capfd):
    url = f"sqlite:///{tmp_path / 'first.sqlite3'}"  # a new database: no account at all
    monkeypatch.setenv("CII_DATABASE_URL", url)
    rendered(fresh_session().run())
    engine = ensure_database(url)
    admin = accounts.get_account(engine, "admin")
    assert admin.role == "admin" and admin.must_change_password
    printed = capfd.readouterr().out
    assert printed.count("admin") >= 1
    rendered(fresh_session().run())  # printed once only
    assert "admin" not in capfd.readouterr().out



# --- exports --------------------------------------------------------------------------------------


def test_a_chart_download_is_audited_with_who_and_where(site, media_files):
    from tests.pages.test_data_page import download

    url, engine = site
    at = fresh_session()
    log_in(at, url, "viewer")
    at.run()
    rendered(at.switch_page("../pages/youth.py").run())
    button = at.main.get("download_button")[0]
    assert download(media_files, button).startswith(b"\xef\xbb\xbf")  # the CSV, UTF-8 with BOM
    entries = audit.entries(engine, actions=["export"]).select("actor", "page", "detail").rows()
    assert len(entries) == 1
    actor, page, detail = entries[0]
    assert (actor, page) == (test_account("viewer"), "youth")
    assert detail.endswith("format=csv") and detail.startswith("chart=")


def test_a_viewer_may_enrol_a_second_factor_and_is_then_asked_for_it(site):
    url, engine = site
    name = _account(engine, "viewer", "ida.walker")
    at = rendered(submit_login(rendered(fresh_session().run()), name, PASSWORD))
    assert is_logged_in(at)  # no code needed: optional for viewers
    at = rendered(at.switch_page("../pages/account.py").run())
    at = rendered(at.button(key="cii-enrol-start").click().run())
    secret = at.code[0].value
    text_input(at, "login.totp_code").input(pyotp.TOTP(secret).now())
    at = rendered(next(b for b in at.button if b.label == t("login.enrol_submit")).click().run())
    assert [s.value for s in at.success] == [t("login.enrol_done")]
    assert accounts.get_account(engine, name).totp_enrolled and totp.secret_of(engine, name) == secret
    at = rendered(submit_login(rendered(fresh_session().run()), name, PASSWORD))
    assert not is_logged_in(at) and text_input(at, "login.totp_code")  # now asked for
