"""The Journal page (pages/audit.py): the audit log for admin, filtered, downloaded — and the
download itself audited, when the file is made (see ``media_files`` in test_data_page.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth import audit
from dashboard.db.engine import ensure_database
from dashboard.i18n import t
from tests.pages.helpers import rendered
from tests.pages.test_data_page import download, media_files, sqlite_copy  # noqa: F401 (a fixture)
from tests.pages.test_german import allowed, french_leaks  # noqa: F401 (allowed: a fixture)

UTC = dt.timezone.utc
ZURICH = ZoneInfo("Europe/Zurich")
ENTRIES = [  # (action, actor, outcome, upload_id, page, detail, at)
    ("login", "test-admin", "ok", None, None, None, dt.datetime(2026, 3, 2, 8, 0, tzinfo=UTC)),
    ("upload_refused", "test-admin", "refused", None, "data", "dataset=coaching source=CII year=2025 errors=2",
     dt.datetime(2026, 3, 2, 8, 5, tzinfo=UTC)),
    ("upload", "test-admin", "ok", 28, "data", "dataset=coaching source=CII year=2025 rows=49 outcome=stored",
     dt.datetime(2026, 3, 2, 8, 6, tzinfo=UTC)),
    ("login_failed", None, "refused", None, None, "unknown account", dt.datetime(2026, 3, 4, 23, 30, tzinfo=UTC)),
    ("login", "test-analyst", "ok", None, None, None, dt.datetime(2026, 3, 9, 7, 0, tzinfo=UTC)),
]


@pytest.fixture
def journal_url(tmp_path, demo_sqlite_url) -> str:
    """A copy of the demo database with a few audit entries (this page's tests also add some)."""
    url = sqlite_copy(demo_sqlite_url, tmp_path / "journal.sqlite3")
    engine = ensure_database(url)
    for action, actor, outcome, upload_id, page, detail, at in ENTRIES:
        audit.record(engine, action, actor=actor, outcome=outcome, upload_id=upload_id, page=page, detail=detail, now=at)
    return url


def shown(at: AppTest, lang: str = "fr") -> list[tuple]:
    """The journal as shown: (date and time, user, action, outcome, detail) per row."""
    names = [t(f"data_page.journal_col_{name}", lang) for name in ("at", "actor", "action", "outcome", "detail")]
    frame = at.main.dataframe[0].value[names]
    return [tuple(None if value != value else value for value in row) for row in frame.itertuples(index=False)]


def test_admin_sees_every_entry_newest_first_in_swiss_time(open_page, journal_url):
    at = rendered(open_page("audit", role="admin", database_url=journal_url))
    # Logging the test accounts in may have created them (now, so first): shown as such.
    accounts = audit.entries(ensure_database(journal_url), actions=["account_created"])
    created = [
        (when.astimezone(ZURICH).strftime("%d.%m.%Y %H:%M:%S"), actor, "compte créé", "réussi", detail)
        for when, actor, detail in accounts.select("at", "actor", "detail").iter_rows()
    ]
    assert shown(at) == created + [
        ("09.03.2026 08:00:00", "test-analyst", "connexion", "réussi", None),
        ("05.03.2026 00:30:00", None, "échec de connexion", "refusé", "unknown account"),
        ("02.03.2026 09:06:00", "test-admin", "import", "réussi",
         "dataset=coaching source=CII year=2025 rows=49 outcome=stored"),
        ("02.03.2026 09:05:00", "test-admin", "import refusé", "refusé",
         "dataset=coaching source=CII year=2025 errors=2"),
        ("02.03.2026 09:00:00", "test-admin", "connexion", "réussi", None),
    ]
    assert at.main.dataframe[0].value[t("data_page.journal_col_upload")].tolist()[len(created) + 2] == 28
    assert t("data_page.journal_count", "fr", count=str(len(created) + 5)) in [caption.value for caption in at.caption]


def test_filters_by_action_user_and_swiss_days(open_page, journal_url):
    at = open_page("audit", role="admin", database_url=journal_url, lang="de")
    at = rendered(at.multiselect(key="journal_actions").set_value(["login", "login_failed"]).run())
    assert [row[2] for row in shown(at, "de")] == ["Anmeldung", "fehlgeschlagene Anmeldung", "Anmeldung"]
    at = rendered(at.selectbox(key="journal_actor").set_value("test-admin").run())
    assert [row[:3] for row in shown(at, "de")] == [("02.03.2026 09:00:00", "test-admin", "Anmeldung")]
    at.selectbox(key="journal_actor").set_value(None).run()
    # 23:30 UTC on 4 March is 00:30 on 5 March in Valais: the day the users see.
    at.date_input(key="journal_since").set_value(dt.date(2026, 3, 5)).run()
    at = rendered(at.date_input(key="journal_until").set_value(dt.date(2026, 3, 5)).run())
    assert [row[:3] for row in shown(at, "de")] == [("05.03.2026 00:30:00", None, "fehlgeschlagene Anmeldung")]
    at = rendered(at.date_input(key="journal_since").set_value(dt.date(2026, 4, 1)).run())
    assert [info.value for info in at.info] == [t("data_page.journal_empty", "de")]


@pytest.mark.parametrize(("index", "kind", "start"), [(0, "csv", b"\xef\xbb\xbf"), (1, "xlsx", b"PK")])
def test_a_download_is_audited_when_the_file_is_made(open_page, journal_url, media_files, index, kind, start):
    engine = ensure_database(journal_url)
    at = open_page("audit", role="admin", database_url=journal_url)
    at = rendered(at.multiselect(key="journal_actions").set_value(["login"]).run())
    assert audit.entries(engine, actions=["export"]).is_empty()  # showing the buttons exports nothing

    assert download(media_files, at.main.get("download_button")[index]).startswith(start)
    exports = audit.entries(engine, actions=["export"])
    assert exports.select("actor", "action", "outcome", "page", "detail").rows() == [
        ("test-admin", "export", "ok", "audit", f"table=audit_log format={kind} rows=2")
    ]

def test_no_french_text_on_the_german_page(open_page, journal_url, allowed):
    at = rendered(open_page("audit", role="admin", database_url=journal_url, lang="de"))
    assert french_leaks(at, allowed) == []
