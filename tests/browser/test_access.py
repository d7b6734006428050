"""Access in a real browser: password and TOTP, a bad upload refused, a good one stored, rolled
back, logout; each step leaves its audit record (issue 5 acceptance). Also: nothing before
login, and the session cookie logs nobody back in after logout.
"""

from __future__ import annotations

import polars as pl
import pytest
from playwright.sync_api import expect
from polars.testing import assert_frame_equal

from dashboard.auth import audit
from dashboard.db.engine import ensure_database
from dashboard.db.store import list_uploads
from dashboard.i18n import t

from tests.browser.conftest import ACCOUNTS, DATABASE, assert_no_exception, log_in, screenshot, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HEADER = "date;kind;language_region;participants\n"
BAD = (HEADER + "32.13.2025;Introduction;valais_romand;22\n").encode()
GOOD = (HEADER + "20.03.2025;Journée d'introduction à la CII;valais_romand;31\n").encode("cp1252")


def _main(page):
    return page.locator("[data-testid='stMain']")


def _upload(page, name: str, content: bytes) -> None:
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )


def _trainings_uploads() -> pl.DataFrame:
    return list_uploads(ensure_database(DATABASE["url"])).filter(pl.col("dataset") == "trainings")


def _audited(actor: str) -> list[str]:
    entries = audit.entries(ensure_database(DATABASE["url"]), actor=actor)
    return entries.sort("id")["action"].to_list()


def test_nothing_is_shown_before_login(app_url, anonymous_page):
    page = anonymous_page
    page.goto(f"{app_url}/chevauchements?year=2025")
    wait_for_app(page)
    expect(page.get_by_label("Nom d'utilisateur")).to_be_visible()
    assert page.locator(".js-plotly-plot").count() == 0
    assert page.locator("[data-testid='stSidebarNav']").count() == 0
    assert "Chevauchements" not in page.locator("body").inner_text()


def test_admin_logs_in_uploads_rolls_back_and_logs_out_with_an_audit_trail(app_url, anonymous_page):
    page, admin = anonymous_page, ACCOUNTS["admin"]
    log_in(page, app_url, "admin")  # password, then the TOTP code
    assert _audited(admin)[-1] == "login"

    page.goto(f"{app_url}/donnees")
    wait_for_app(page)
    main = _main(page)
    main.locator("[data-testid='stSelectbox']", has_text="Jeu de données").first.click()
    page.get_by_role("option", name=t("pages_main.dataset.trainings"), exact=True).click()
    wait_for_app(page)

    before = _trainings_uploads()
    _upload(page, "bad.csv", BAD)
    expect(main.get_by_text("Fichier refusé")).to_be_visible()
    wait_for_app(page)
    screenshot(page, "fr-donnees-refused")
    assert_frame_equal(_trainings_uploads(), before)  # nothing stored
    assert _audited(admin)[-1] == "upload_refused"

    _upload(page, "trainings.csv", GOOD)
    expect(main.get_by_text("Fichier valide")).to_be_visible()
    main.get_by_role("button", name="Confirmer l'import").click()
    expect(main.get_by_role("button", name="Confirmer l'import")).to_have_count(0)
    wait_for_app(page)
    after = _trainings_uploads()
    new = after.filter(pl.col("status") == "current", pl.col("year") == 2025, pl.col("file_name") == "trainings.csv")
    assert new.height == 1 and new["uploaded_by"].item() == admin
    upload_id = new["id"].item()
    assert _audited(admin)[-1] == "upload"

    chooser = main.locator("[data-testid='stSelectbox']", has_text="Import actuel à annuler").first
    chooser.scroll_into_view_if_needed()
    chooser.click()
    page.get_by_role("option", name=f"n° {upload_id} —", exact=False).first.click()
    wait_for_app(page)
    main.get_by_role("button", name="Annuler cet import…").click()
    main.get_by_role("button", name="Oui, annuler l'import").click()
    expect(main.get_by_role("button", name="Oui, annuler l'import")).to_have_count(0)
    wait_for_app(page)
    assert _trainings_uploads().filter(pl.col("id") == upload_id)["status"].item() == "rolled_back"
    current = _trainings_uploads().filter(pl.col("status") == "current")["id"].sort()
    assert current.to_list() == before.filter(pl.col("status") == "current")["id"].sort().to_list()
    assert _audited(admin)[-1] == "rollback"
    assert_no_exception(page, "données")

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_label("Nom d'utilisateur")).to_be_visible()
    assert _audited(admin)[-5:] == ["login", "upload_refused", "upload", "rollback", "logout"]

    # The cookie of the closed session logs nobody back in.
    page.goto(f"{app_url}/donnees")
    wait_for_app(page)
    expect(page.get_by_label("Nom d'utilisateur")).to_be_visible()
    assert page.get_by_role("button", name="Se déconnecter").count() == 0


def test_a_new_tab_is_logged_in_by_the_session_cookie(app_url, page):
    """The `page` fixture logged the viewer in; a new visit re-logs in by its cookie."""
    page.goto(f"{app_url}/glossaire")
    wait_for_app(page)
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    assert page.get_by_label("Nom d'utilisateur").count() == 0
