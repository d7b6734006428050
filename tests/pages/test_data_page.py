"""The Données page (pages/data.py): upload with its report, confirm, history, rollback with a
second confirmation, audit records; read-only for analyst; closed to viewer and presenter.

AppTest drives ``st.file_uploader`` itself (``at.file_uploader[0].set_value((name, bytes,
mime))``, Streamlit ≥ 1.50), so the whole upload path is tested through the page. Tests that
write get their own copy of the demo database.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
import streamlit.testing.v1.app_test as app_test_module
from polars.testing import assert_frame_equal
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from dashboard.auth import audit
from dashboard.datasets import DATASETS
from dashboard.db.engine import ensure_database
from dashboard.db.store import RollbackResult, StoreResult, list_uploads
from dashboard.i18n import t
from dashboard.imports import MAX_UPLOAD_MB, check_file
from dashboard.templates import write_templates
from dashboard.ui import auth
from tests.pages.helpers import rendered
from tests.pages.test_german import allowed, french_leaks  # noqa: F401 (allowed: a fixture)

HEADER = "date;kind;language_region;participants\n"
BAD = (HEADER + "32.13.2025;Introduction;valais_romand;22\n03.04.2025;Introduction;mars;-3\n").encode()
GOOD = (HEADER + "20.03.2025;Journée d'introduction à la CII;valais_romand;23\n").encode("cp1252")  # as Excel saves it


def sqlite_copy(url: str, path: Path) -> str:
    """A copy of the SQLite database at `url`, by SQLite's backup (the database runs in WAL mode:
    copying the file alone would miss what is still in its write-ahead log)."""
    with closing(sqlite3.connect(sa.make_url(url).database)) as source, closing(sqlite3.connect(path)) as copy:
        source.backup(copy)
    return f"sqlite:///{path}"


@pytest.fixture
def writable_url(tmp_path, demo_sqlite_url) -> str:
    """A private copy of the demo database: these tests upload, roll back and audit."""
    return sqlite_copy(demo_sqlite_url, tmp_path / "data-page.sqlite3")


@pytest.fixture
def media_files(monkeypatch) -> list[MediaFileManager]:
    """The media file managers of the AppTest runs, newest last.

    A download button with a callable runs it when the file is requested, outside the page run;
    ``manager.execute_deferred(button.proto.deferred_file_id)`` does what Streamlit's server does
    on a click.
    """
    managers: list[MediaFileManager] = []

    class Recording(MediaFileManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            managers.append(self)

    monkeypatch.setattr(app_test_module, "MediaFileManager", Recording)
    return managers


def download(managers: list[MediaFileManager], button) -> bytes:
    """Click a download button whose data is a callable: the file it makes."""
    manager = managers[-1]
    location = manager.execute_deferred(button.proto.deferred_file_id)
    return manager._storage.get_file(location.rsplit("/", 1)[-1].split(".")[0]).content


def current_id(uploads: pl.DataFrame, dataset: str, year: int) -> int:
    return uploads.filter(dataset=dataset, year=year, status="current")["id"].item()


def table(at: AppTest, column_key: str, lang: str = "fr"):
    """The rendered table that has the column `column_key` (a pandas frame)."""
    column = t(column_key, lang)
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def choose_file(at: AppTest, name: str, content: bytes) -> AppTest:
    at.selectbox(key="data_upload_dataset").set_value("trainings").run()
    at.number_input(key="data_upload_year").set_value(2025).run()
    return at.file_uploader[0].set_value((name, content, "text/csv")).run()


def audited(engine: sa.Engine, *actions: str) -> list[tuple]:
    entries = audit.entries(engine, actions=list(actions))
    return entries.select("actor", "action", "outcome", "upload_id", "page", "detail").rows()


def test_a_refused_file_shows_its_report_in_french_and_german_and_changes_nothing(open_page, writable_url):
    engine = ensure_database(writable_url)
    before = list_uploads(engine)
    at = rendered(choose_file(open_page("data", role="admin", database_url=writable_url), "bad.csv", BAD))
    report = check_file("trainings", BAD, source="CII", year=2025, file_name="bad.csv").report
    for lang in ("fr", "de"):
        if lang == "de":
            at = rendered(at.selectbox(key="lang").set_value("de").run())
        assert [error.value for error in at.error] == [t("data_page.report_refused", lang, errors="3")]
        problems = table(at, "data_page.col_message", lang)
        assert problems[t("data_page.col_message", lang)].tolist() == [p.message(lang) for p in report.errors]
        assert problems[t("data_page.col_row", lang)].tolist() == [2, 3, 3]
        assert problems[t("data_page.col_column", lang)].tolist() == ["date", "language_region", "participants"]
        assert problems[t("data_page.col_value", lang)].tolist() == ["32.13.2025", "mars", "-3"]
        assert not [button for button in at.button if button.key == "data_upload_confirm"]
    assert_frame_equal(list_uploads(engine), before)
    # Refused once, audited once (not at every rerun), with codes and counts only.
    assert audited(engine, "upload", "upload_refused") == [
        ("test-admin", "upload_refused", "refused", None, "data", "dataset=trainings source=CII year=2025 errors=3")
    ]


def test_a_valid_file_is_stored_only_after_confirmation_then_in_the_history_and_the_audit(open_page, writable_url):
    engine = ensure_database(writable_url)
    before = list_uploads(engine)
    replaced = current_id(before, "trainings", 2025)
    at = rendered(choose_file(open_page("data", role="admin", database_url=writable_url), "trainings.csv", GOOD))
    assert [success.value for success in at.success] == [
        t("data_page.report_accepted", "fr", rows="1", dataset=t("pages_main.dataset.trainings"), source="CII", year=2025)
    ]
    assert_frame_equal(list_uploads(engine), before)  # nothing stored before the confirmation

    at = rendered(at.button(key="data_upload_confirm").click().run())
    after = list_uploads(engine)
    new = after.row(0, named=True)
    assert after.height == before.height + 1
    assert (new["dataset"], new["source"], new["year"], new["file_name"], new["status"], new["replaces_id"],
            new["uploaded_by"], new["row_count"]) == ("trainings", "CII", 2025, "trainings.csv", "current", replaced,
                                                       "test-admin", 1)
    assert after.filter(id=replaced)["status"].item() == "superseded"
    assert [success.value for success in at.success] == [StoreResult(new["id"], "stored", replaced, 1).message("fr")]
    assert at.file_uploader[0].value is None  # a fresh uploader: the same file is not offered twice
    history = table(at, "data_page.col_uploaded_by")
    assert history.iloc[0][[t("data_page.col_upload"), t("data_page.col_status")]].tolist() == [
        new["id"], t("store.status_current")
    ]
    assert audited(engine, "upload", "upload_refused") == [
        ("test-admin", "upload", "ok", new["id"], "data",
         "dataset=trainings source=CII year=2025 rows=1 outcome=stored")
    ]


def test_rollback_asks_a_second_time_then_withdraws_the_upload(open_page, writable_url):
    engine = ensure_database(writable_url)
    before = list_uploads(engine)
    target = current_id(before, "budget", 2025)
    at = open_page("data", role="admin", database_url=writable_url)
    at.selectbox(key="data_rollback_choice_0").set_value(target).run()
    at = rendered(at.button(key="data_rollback_ask").click().run())
    question = t("data_page.rollback_confirm_alone", "fr", upload_id=target, reinstated_id=None)
    assert question in [warning.value for warning in at.warning]
    assert_frame_equal(list_uploads(engine), before)  # the first click only asks

    at = rendered(at.button(key="data_rollback_no").click().run())  # changed one's mind
    assert question not in [warning.value for warning in at.warning]
    assert_frame_equal(list_uploads(engine), before)

    at.button(key="data_rollback_ask").click().run()
    at = rendered(at.button(key="data_rollback_yes").click().run())
    after = list_uploads(engine)
    assert after.filter(id=target).select("status", "status_changed_by").row(0) == ("rolled_back", "test-admin")
    assert_frame_equal(after.filter(pl.col("id") != target), before.filter(pl.col("id") != target))
    assert [success.value for success in at.success] == [RollbackResult(target, None).message("fr")]
    assert audited(engine, "rollback") == [
        ("test-admin", "rollback", "ok", target, "data", "dataset=budget source=CII year=2025")
    ]


def test_only_the_first_50_errors_are_listed_and_the_others_counted(open_page, writable_url):
    rows = "".join(f"3{day % 10}.13.2025;Kurs {day};haut_valais;5\n" for day in range(60))
    at = rendered(choose_file(open_page("data", role="admin", database_url=writable_url), "many.csv",
                              (HEADER + rows).encode()))
    assert [error.value for error in at.error] == [t("data_page.report_refused", "fr", errors="60")]
    assert len(table(at, "data_page.col_message")) == 50
    assert t("validation.more_problems", "fr", count="10") in [caption.value for caption in at.caption]


def test_a_file_over_the_limit_is_refused_unread(open_page, writable_url):
    engine = ensure_database(writable_url)
    before = list_uploads(engine)
    size = MAX_UPLOAD_MB * 1024 * 1024 + 1
    at = rendered(choose_file(open_page("data", role="admin", database_url=writable_url), "big.csv", b"x" * size))
    assert [error.value for error in at.error] == [
        t("data_page.too_large", "fr", size=f"{size / 1024 / 1024:.1f}", limit=MAX_UPLOAD_MB)
    ]
    assert at.file_uploader[0].proto.max_upload_size_mb == MAX_UPLOAD_MB  # the browser refuses it first
    assert_frame_equal(list_uploads(engine), before)
    assert audited(engine, "upload_refused") == [
        ("test-admin", "upload_refused", "refused", None, "data", "dataset=trainings source=CII year=2025 errors=1")
    ]


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_templates_are_those_of_cii_templates(open_page, media_files, tmp_path, extension):
    at = open_page("data", role="analyst")
    at = rendered(at.selectbox(key="data_template_dataset").set_value("coaching").run())
    button = at.main.get("download_button")[["csv", "xlsx"].index(extension)]
    written = next(p for p in write_templates(tmp_path) if p.name == f"coaching.{extension}")
    if extension == "csv":  # an XLSX is a zip with timestamps: compare the CSV byte for byte
        assert download(media_files, button) == written.read_bytes()
    else:
        made = tmp_path / "made.xlsx"
        made.write_bytes(download(media_files, button))
        assert_frame_equal(pl.read_excel(made), pl.read_excel(written))


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_analyst_sees_everything_read_only(open_page, lang):
    at = rendered(open_page("data", role="analyst", lang=lang))
    assert [header.value for header in at.main.header] == [
        t(key, lang) for key in ("data_page.catalogue_heading", "data_page.history_heading",
                                 "data_page.checks_heading", "data_page.templates_heading")
    ]
    assert t("data_page.read_only", lang) in [caption.value for caption in at.caption]
    assert at.file_uploader.len == 0
    assert not [b for b in at.button if b.key and b.key.startswith(("data_upload", "data_rollback"))]
    assert not [s for s in at.selectbox if s.key and s.key.startswith("data_rollback")]
    catalogue = table(at, "data_page.col_description", lang)
    assert catalogue[t("data_page.col_dataset", lang)].tolist() == [t(f"pages_main.dataset.{d}", lang) for d in DATASETS]
    assert [button.label for button in at.main.get("download_button")] == [
        t("data_page.template_csv", lang), t("data_page.template_xlsx", lang)
    ]
    checks = table(at, "data_page.col_detail", lang)
    assert checks[t("data_page.col_status", lang)].value_counts().to_dict() == {
        t("data_page.status_ok", lang): 9, t("data_page.status_warning", lang): 5
    }


@pytest.mark.parametrize(
    ("page", "role"),
    [("data", "viewer"), ("data", "presenter"), ("audit", "analyst"), ("audit", "viewer"), ("audit", "presenter")],
)
def test_the_page_is_not_in_the_navigation_of_other_roles(open_page, page, role):
    with pytest.raises(ValueError):
        open_page(page, role=role)


@pytest.mark.parametrize("page", ["data", "audit"])
def test_a_page_reached_by_its_file_still_refuses_a_viewer(page, writable_url, monkeypatch):
    """The page's own check (``auth.require``), should it be registered by mistake."""
    monkeypatch.setenv("CII_DATABASE_URL", writable_url)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "pages" / f"{page}.py"), default_timeout=60)
    at.session_state[auth._USER] = auth.User("test-viewer", "test-viewer", "viewer")
    at = rendered(at.run())
    assert [error.value for error in at.error] == [t("login.access_denied")]
    assert at.header.len == 0 and at.file_uploader.len == 0 and at.dataframe.len == 0
    assert audited(ensure_database(writable_url), "access_denied") == [
        ("test-viewer", "access_denied", "refused", None, page, None)
    ]


@pytest.mark.parametrize("role", ["admin", "analyst"])
def test_no_french_text_on_the_german_page(open_page, writable_url, allowed, role):
    at = open_page("data", role=role, database_url=writable_url, lang="de")
    if role == "admin":  # with a report and a rollback question on screen
        at = choose_file(at, "bad.csv", BAD)
        at.selectbox(key="data_rollback_choice_0").set_value(current_id(list_uploads(ensure_database(writable_url)), "budget", 2025)).run()
        at = at.button(key="data_rollback_ask").click().run()
    assert french_leaks(rendered(at), allowed) == []
