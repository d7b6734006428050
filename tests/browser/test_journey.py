"""A user's journey through the dashboard in a real browser (Chromium + Playwright).

Visits every page, changes the year and a region (the URL follows), opens a copied link,
clicks an overlap cell (the page filters, with a reset), downloads a CSV and reads it, and
saves a screenshot per page under test-artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dashboard.auth import audit
from dashboard.db.engine import ensure_database

from tests.browser.conftest import ACCOUNTS, DATABASE, assert_no_exception, screenshot, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = {
    "": "Accueil",  # the default page is served at the root
    "chevauchements": "Chevauchements",
    "coaching": "Coaching ORP-CMS",
    "jeunes": "CII Jeunes",
    "complexe": "CII complexe",
    "reseau": "Réseau et transitions",
    "formations": "Formations et moyens",
    "glossaire": "Glossaire",
}


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the sidebar select box or multiselect labelled `label`."""
    widget = page.locator("section[data-testid='stSidebar']").locator(
        "[data-testid='stSelectbox'], [data-testid='stMultiSelect']", has_text=label
    ).first
    widget.click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    wait_for_app(page)


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_every_page_renders_without_exception(app_url, page, lang):
    for path in PAGES:
        page.goto(f"{app_url}/{path}?lang={lang}")
        wait_for_app(page)
        assert_no_exception(page, path or "accueil")
        assert page.locator("[data-testid='stMain'] h1, [data-testid='stMain'] h2").count() > 0, path
        screenshot(page, f"{lang}-{path or 'accueil'}")


def test_filters_follow_the_url_and_a_copied_link_restores_them(app_url, page):
    page.goto(f"{app_url}/")
    wait_for_app(page)
    choose(page, "Année", "2024")
    assert re.search(r"[?&]year=2024", page.url)
    choose(page, "Régions", "Sion")
    assert re.search(r"[?&]region=Sion", page.url)
    copied = page.url
    page.goto("about:blank")
    page.goto(copied)
    wait_for_app(page)
    sidebar = page.locator("section[data-testid='stSidebar']")
    assert sidebar.get_by_role("combobox", name="Année", exact=True).input_value() == "2024"
    assert "Sion" in sidebar.locator("[data-testid='stMultiSelect']").first.inner_text()
    assert_no_exception(page, "copied link")


def test_clicking_an_overlap_cell_filters_the_page_with_a_reset(app_url, page):
    page.goto(f"{app_url}/chevauchements?year=2025")
    wait_for_app(page)
    cell = page.locator(".js-plotly-plot .scatterlayer .point").nth(1)
    reset = page.get_by_role("button", name="Réinitialiser")
    # The click reaches Python as a selection event, which starts a rerun: wait for its result.
    # A click landing while plotly is still laying the chart out is lost, as it would be for a
    # person: click again then, as a person would (at most three times).
    for attempt in range(3):
        page.wait_for_timeout(1_000)
        cell.click(force=True)
        try:
            expect(reset.first).to_be_visible(timeout=10_000)
            break
        except AssertionError:
            if attempt == 2:
                raise
    wait_for_app(page)
    screenshot(page, "fr-chevauchements-filtered")
    reset.first.click()
    # The reset reruns the script twice (the click, then st.rerun): wait for the end state.
    expect(page.get_by_role("button", name="Réinitialiser")).to_have_count(0, timeout=30_000)
    wait_for_app(page)
    assert_no_exception(page, "overlap reset")


def test_a_chart_table_downloads_as_csv_with_its_notes(app_url, page, tmp_path):
    page.goto(f"{app_url}/jeunes?year=2025")
    wait_for_app(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger (CSV)").first.click()
    path = tmp_path / "table.csv"
    download.value.save_as(path)
    text = path.read_bytes().decode("utf-8-sig")
    assert ";" in text.splitlines()[0]
    assert "727" in text or "606" in text
    assert "2025" in text  # the filter state travels with the table
    exports = audit.entries(ensure_database(DATABASE["url"]), actions=["export"], actor=ACCOUNTS["viewer"])
    assert exports["page"].to_list()[:1] == ["youth"]  # the download is audited
