"""The offline report opened from ``file://`` in headless Chromium with the network off.

Issue 6 acceptance: every chart renders with nothing but the file itself. The browser is
offline and every request that is not for the file is aborted and recorded: there must be
none. No app server is needed. Screenshots: test-artifacts/screenshots/report-fr.png, -de.png.
"""

from __future__ import annotations

import pytest

from dashboard.report import load_report, report_html, table_texts

from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Every drawn plot has its SVG: plotly.js ran, from the embedded bundle, and drew the figure.
_RENDERED = """n => {
  const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
  return plots.length === n && plots.every(plot => plot.querySelector('.main-svg'));
}"""


@pytest.mark.parametrize(("lang", "regions"), [("fr", None), ("de", ("Haut-Valais",))])
def test_the_html_report_renders_every_chart_offline(browser, demo_engine, tmp_path, lang, regions):
    report = load_report(demo_engine, year=2025, compare=2024, regions=regions, lang=lang)
    path = tmp_path / f"rapport-{lang}.html"
    path.write_text(report_html(report), encoding="utf-8")
    charts = sum(spec.figure is not None for spec in report.messages.values())

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=f"{lang}-CH")
    context.set_offline(True)
    outside: list[str] = []

    def only_the_file(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_file)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: None if request.url.startswith("file://") else outside.append(request.url))
    try:
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function(_RENDERED, arg=charts, timeout=30_000)

        assert page.evaluate("document.documentElement.lang") == lang
        assert page.locator(".js-plotly-plot").count() == charts
        assert page.locator("section.message").count() == len(report.messages)
        titles = page.locator("section.message h2").all_inner_texts()
        assert titles == [spec.title for spec in report.messages.values()]
        # Interactive: hovering a bar shows its hover text (the Swiss-formatted count).
        bar = page.locator("#chart-permit_s .bars path").last
        bar.scroll_into_view_if_needed()
        box = bar.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        hover = page.locator("#chart-permit_s .hoverlayer .hovertext")
        hover.wait_for(timeout=5_000)
        persons = table_texts(report.messages["permit_s"], lang).row(-1)[-1]  # the year shown
        assert persons in hover.text_content()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"report-{lang}.png"), full_page=True)
        assert outside == []
        assert errors == []
    finally:
        context.close()
