"""The Présentation in presentation mode, in a real browser (issue 6 acceptance).

The presenter opens ``?present=1``, steps through every slide with the keyboard (→), saves a
screenshot of each (test-artifacts/screenshots/presentation-<lang>-<n>.png) and finds no count
from 1 to 4 in the text the slide shows, in French and in German. The text searched is the page's
visible text (``innerText``: what is hidden, such as the sidebar, is not in it), searched with
the rules of tests/test_public.py (years, dates, percents, signed changes, ordinals and footnote
numbers are not counts), less two things that are not counts either: the slide counter
(``3 / 9``) and the charts' axis tick labels (a scale, 0, 2, 4…, drawn for any value axis).
The bar and tile labels, annotations and legends of the charts are searched.

Also: the other keys, leaving presentation mode with Esc, autoplay wrapping around, ``?present=1``
from another page for a viewer, the region selector of the title slide, and the downloads.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dashboard.auth import audit
from dashboard.db.engine import ensure_database
from dashboard.i18n import t
from dashboard.public import MESSAGES
from tests.browser.conftest import (
    ACCOUNTS, DATABASE, assert_no_exception, log_in, screenshot, wait_for_app,
)
from tests.test_public import small_counts_in_text

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TOTAL = 1 + len(MESSAGES)  # the title slide, then one slide per key message

# What the page shows, less the counter and the axis ticks (see the module's docstring). The
# excluded elements are hidden for the reading and shown again.
_VISIBLE_TEXT = """() => {
    const excluded = [...document.querySelectorAll(
        '.st-key-cii_slide_counter, .js-plotly-plot .xtick, .js-plotly-plot .ytick')];
    excluded.forEach(element => element.style.setProperty('display', 'none'));
    const text = document.body.innerText;
    excluded.forEach(element => element.style.removeProperty('display'));
    return text;
}"""


@pytest.fixture
def presenter(app_url, anonymous_page):
    """A browser logged in as the presenter."""
    log_in(anonymous_page, app_url, "presenter")
    return anonymous_page


def counter(page):
    return page.locator(".st-key-cii_slide_counter")


def go_to_presentation(page, app_url: str, query: str) -> None:
    """The presenter's Présentation: their first page, served at the root."""
    page.goto(f"{app_url}/?{query}")
    wait_for_app(page)
    expect(counter(page)).to_be_visible()


def press(page, key: str, expected: int) -> None:
    """Press `key` and wait for the slide `expected` to be rendered."""
    page.keyboard.press(key)
    expect(counter(page)).to_have_text(f"{expected} / {TOTAL}")
    wait_for_app(page)


def wait_for_charts(page) -> None:
    """Until every chart of the slide is drawn (plotly renders after Streamlit's run)."""
    charts = page.locator("[data-testid='stPlotlyChart']")
    for index in range(charts.count()):
        expect(charts.nth(index).locator(".main-svg").first).to_be_attached()
    page.wait_for_timeout(300)


def visible_text(page) -> str:
    return page.evaluate(_VISIBLE_TEXT)


def small_counts_shown(page) -> list[str]:
    """The small counts of the visible text, each with the line it is on."""
    return [
        f"{line!r}: {found}"
        for line in visible_text(page).splitlines()
        if (found := small_counts_in_text(line))
    ]


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_every_slide_by_keyboard_shows_no_small_count(app_url, presenter, lang):
    page = presenter
    go_to_presentation(page, app_url, f"present=1&lang={lang}")
    expect(page.locator("section[data-testid='stSidebar']")).to_be_hidden()
    expect(counter(page)).to_have_text(f"1 / {TOTAL}")
    expect(page.get_by_role("heading", name=t("presentation.heading", lang, year=2025))).to_be_visible()
    for number in range(1, TOTAL + 1):
        if number > 1:
            press(page, "ArrowRight", number)
            assert re.search(rf"[?&]slide={number}(&|$)", page.url), page.url
        wait_for_charts(page)
        assert_no_exception(page, f"slide {number}")
        screenshot(page, f"presentation-{lang}-{number}")
        assert small_counts_shown(page) == [], f"slide {number}"
    # The last slide stays the last: → does not go round (autoplay does).
    page.keyboard.press("ArrowRight")
    wait_for_app(page)
    expect(counter(page)).to_have_text(f"{TOTAL} / {TOTAL}")


def test_the_other_keys_move_too_and_esc_leaves_full_screen(app_url, presenter):
    page = presenter
    go_to_presentation(page, app_url, "present=1&slide=3")
    expect(counter(page)).to_have_text(f"3 / {TOTAL}")
    press(page, "ArrowLeft", 2)
    press(page, "PageDown", 3)
    press(page, "Space", 4)
    press(page, "PageUp", 3)
    press(page, "End", TOTAL)
    press(page, "Home", 1)
    page.keyboard.press("Escape")
    wait_for_app(page)
    expect(page.locator("section[data-testid='stSidebar']")).to_be_visible()
    expect(page.get_by_role("button", name=t("presentation.enter", "fr"))).to_be_visible()
    assert "present=" not in page.url
    wait_for_charts(page)
    screenshot(page, "presentation-fr-page")  # the page as it is outside presentation mode


def click(page, name: str, *, exact: bool = False) -> None:
    page.get_by_role("button", name=name, exact=exact).click()
    wait_for_app(page)


def test_autoplay_moves_on_and_wraps_around(app_url, presenter):
    page = presenter
    go_to_presentation(page, app_url, f"present=1&slide={TOTAL}")
    for seconds in (10, 15, 20, 30, 60):  # the interval button goes round, to 5 s
        click(page, t("presentation.interval_seconds", "fr", seconds=seconds))
    expect(page.get_by_role("button", name=t("presentation.interval_seconds", "fr", seconds=5))).to_be_visible()
    click(page, t("presentation.autoplay", "fr"))
    # After the last slide, the first one; then on to the second.
    expect(counter(page)).to_have_text(f"1 / {TOTAL}", timeout=20_000)
    expect(counter(page)).to_have_text(f"2 / {TOTAL}", timeout=20_000)
    click(page, t("presentation.autoplay_stop", "fr"))
    page.wait_for_timeout(7_000)  # stopped: longer than the interval, and no move
    expect(counter(page)).to_have_text(f"2 / {TOTAL}")


def test_present_on_another_page_opens_the_presentation_for_a_viewer(app_url, page):
    # `page` is logged in as the viewer, whose pages start with the Accueil.
    page.goto(f"{app_url}/chevauchements?present=1&year=2024&slide=2&lang=de")
    wait_for_app(page)
    expect(counter(page)).to_have_text(f"2 / {TOTAL}")
    assert "/presentation" in page.url and "present=1" in page.url and "year=2024" in page.url
    expect(page.locator("section[data-testid='stSidebar']")).to_be_hidden()
    title = t("presentation.brief_title_compare", "de", year=2024, previous_year=2023)
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    assert_no_exception(page, "viewer's presentation")


def test_the_title_slide_makes_a_region_s_pack_and_downloads_it(app_url, presenter):
    page = presenter
    go_to_presentation(page, app_url, "present=1")
    click(page, "Sion", exact=True)
    assert re.search(r"[?&]region=Sion(&|$)", page.url), page.url
    expect(page.get_by_role("heading", name=t("presentation.scope_regions", "fr", regions="Sion"))).to_be_visible()
    # The keys work straight after a click on the slide's controls (they keep no focus).
    press(page, "PageDown", 2)
    press(page, "ArrowLeft", 1)
    with page.expect_download() as download:
        page.get_by_role("button", name=t("presentation.download_html", "fr")).click()
    assert download.value.suggested_filename == "rapport-2025-sion.html"
    html = Path(download.value.path()).read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "Sion" in html
    exports = audit.entries(ensure_database(DATABASE["url"]), actions=["export"],
                            actor=ACCOUNTS["presenter"])
    assert exports["page"].to_list()[:1] == ["presentation"]
    assert exports["detail"].to_list()[0].startswith("report format=html year=2025 regions=Sion public")
