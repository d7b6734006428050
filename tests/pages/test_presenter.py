"""What a presenter sees (issues 5 and 6): no count from 1 to 4 on any page the role opens.

Every page of ``access.PAGES_BY_ROLE["presenter"]`` is rendered as the presenter sees it (the
Présentation slide by slide, stepping through with its "next" button), and everything it shows
is searched with :func:`small_counts_on_page`:

- searched: titles, headers, markdown, captions, alerts, code, HTML (less its CSS), metrics
  (label, value, delta), dataframes (every cell; the tables shown under the charts, switched on
  first) and plotly figures (data arrays, texts, hover texts, customdata, annotations: see
  ``tests.test_public.small_counts_in_figure``), in the main area and the sidebar;
- not searched: the widgets' labels and options (filter values: years, regions, languages;
  button texts), layout blocks, which hold no figure, and the slide counter (``3 / 9``, a
  position), skipped only where it is exactly the expected counter;
- any other element type fails the sweep until it is classified here, so that a new kind of
  element cannot slip through unsearched.

What counts as a count in a text is decided by ``tests.test_public.small_counts_in_text``
(years, dates, percents, signed changes, ordinals and footnote numbers are not counts). In a
dataframe, a number is a count when its column holds whole numbers only (a count column with
hidden cells arrives as floats); a column with fractions (shares, rates, the year in brief's
mixed units) is left to tests/test_public.py, which knows each table's formats.

The sweep (about 20 s): every slide of the presentation, for the whole canton and for each
region, each in one year and one language (alternating, so that both languages meet both
years), and the presenter's other pages once per language (they show no figure of the data).
The Présentation's own behaviour (buttons and counter, links to a slide, ``?present=1``, the
region selector, the downloads) is tested here too; keys and autoplay need a browser
(tests/browser/test_presentation.py).
"""

from __future__ import annotations

import io
import json
from html import escape
import re
import zipfile
from collections.abc import Iterator

import polars as pl
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import access, disclosure, public
from dashboard.datasets import REGIONS
from dashboard.db.engine import ensure_database
from dashboard.db.load import load_dataset
from dashboard.db.store import list_uploads
from dashboard.i18n import t
from dashboard.ui import filters, slides_view
from tests.pages.helpers import rendered
from tests.pages.test_data_page import media_files  # noqa: F401 (a fixture)
from tests.pages.test_german import allowed, french_leaks  # noqa: F401 (allowed: a fixture)
from tests.test_public import THRESHOLD, small_counts_in_figure, small_counts_in_text

PRESENTER_PAGES = access.PAGES_BY_ROLE["presenter"]

_TEXTS = ("title", "header", "subheader", "markdown", "caption", "text", "code", "latex",
          "info", "warning", "error", "success", "exception")
_STYLE = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL | re.IGNORECASE)
_NOT_DATA = (
    # layout blocks
    "root", "main", "sidebar", "event", "column", "flex_container", "vertical", "horizontal",
    "form", "expander", "tab", "tabs", "divider", "empty",
    # widgets: filter values and button texts
    "selectbox", "multiselect", "text_input", "button", "download_button", "toggle",
    "checkbox", "radio", "form_submit_button", "segmented_control",
)


def _elements(node) -> Iterator:
    """Every element under `node` (AppTest's element tree), blocks included."""
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _elements(child)


def _dataframe(element) -> pl.DataFrame:
    return pl.from_arrow(pa.ipc.open_stream(element.proto.arrow_data.data).read_all())


def _small_counts_in_dataframe(frame: pl.DataFrame, threshold: int) -> list[str]:
    found = []
    for name in frame.columns:
        column = frame.get_column(name)
        if column.dtype == pl.String:
            texts = [value for value in column.to_list() if value]
            found += [f"{name}: {v!r}" for v in texts if small_counts_in_text(v, threshold)]
        elif column.dtype.is_numeric():
            known = column.drop_nulls()
            known = known.drop_nans() if known.dtype.is_float() else known
            if known.len() and (known == known.round(0)).all():  # whole numbers only: counts
                found += [f"{name}: {v}" for v in known.to_list() if 1 <= v < threshold]
    return found


def small_counts_on_page(
    at: AppTest, threshold: int = THRESHOLD, *, counter: str | None = None
) -> list[str]:
    """The small counts shown on the rendered page, as ``element: where`` strings.

    `counter` is the slide counter expected on the page (``3 / 9``): a markdown element of
    exactly that text is a position, not searched.

    Raises AssertionError on an element type that is neither searched nor known to hold no data.
    """
    found = []
    for element in _elements(at._tree):
        kind = getattr(element, "type", "")
        if kind in _TEXTS:
            value = str(getattr(element, "value", "") or "")
            if kind == "markdown" and counter is not None and value == counter:
                continue
            if small_counts_in_text(value, threshold):
                found.append(f"{kind}: {value!r}")
        elif kind == "html":
            shown = _STYLE.sub(" ", element.proto.body)
            if small_counts_in_text(shown, threshold):
                found.append(f"html: {shown!r}")
        elif kind == "metric":
            for text in (element.label, element.value, getattr(element.proto, "delta", "")):
                if small_counts_in_text(str(text), threshold):
                    found.append(f"metric: {text!r}")
        elif kind in ("dataframe", "table", "arrow_data_frame"):
            cells = _small_counts_in_dataframe(_dataframe(element), threshold)
            found += [f"dataframe {where}" for where in cells]
        elif kind == "plotly_chart":
            spec = json.loads(element.proto.spec)
            found += [f"plotly_chart {where}" for where in small_counts_in_figure(spec, threshold)]
        else:
            assert kind in _NOT_DATA, f"unclassified element {kind!r}: search it or list it"
    return found


def _with_tables(at: AppTest) -> AppTest:
    """Switch on every "show as table" toggle and rerun, so that the tables are rendered too."""
    toggles = [toggle for toggle in at.toggle if str(toggle.key or "").endswith("_table")]
    for toggle in toggles:
        toggle.set_value(True)
    if toggles:
        at.run()
    return rendered(at)


# --- the search itself ----------------------------------------------------------------------------

_PLANTED = '''
import plotly.graph_objects as go
import polars as pl
import streamlit as st

st.title("Les chiffres clés de 2025")
st.markdown("En 2025, 302 situations (+7 %), 2e cercle, note 1 du rapport, 01.02.2025.")
st.caption("Protection des données : " + "< 5")
st.metric("Cas", "1'234", "−3")
st.dataframe(pl.DataFrame({"Région": ["Sion"], "Cas": [12], "Part": [0.75], "Année": [2025]}))
st.plotly_chart(go.Figure(go.Bar(x=[None, 12], y=["Sion", "Sierre"], text=["", "12"])))
{planted}
'''


@pytest.mark.parametrize(
    "planted",
    [
        'st.markdown("Sion : 3 personnes")',
        'st.caption("ORP + CMS (2)")',
        'st.info("Total : 4 situations.")',
        'st.metric("Cas clos", "3")',
        'st.dataframe(pl.DataFrame({"Région": ["Sion", "Sierre", "Sion"], "Cas": [12, None, 3]}))',
        'st.dataframe(pl.DataFrame({"Région": ["Sion"], "Cas": ["3"]}))',
        'st.plotly_chart(go.Figure(go.Bar(x=[2], y=["Sion"], orientation="h")))',
        'st.plotly_chart(go.Figure(go.Bar(x=[None], y=["Sion"], hovertext=["Sion : 1 personne"])))',
        'st.plotly_chart(go.Figure(go.Bar(x=[None], y=["Sion"], customdata=[["Sion", 4]])))',
        'st.plotly_chart(go.Figure(go.Scatter(x=["ORP"], y=["CMS"], text=["2"], mode="text")))',
        'st.sidebar.markdown("4 participants")',
        'st.html("<style>p { margin: 0 }</style><p>3 personnes</p>")',
        'st.markdown("2 / 9")',  # not the expected counter: searched
    ],
)
def test_the_search_finds_a_small_count_planted_in_any_element(planted):
    script = _PLANTED.replace("{planted}", planted)
    at = rendered(AppTest.from_string(script, default_timeout=30).run())

    assert len(small_counts_on_page(at, counter="3 / 9")) == 1, small_counts_on_page(at)


def test_the_search_finds_nothing_in_what_is_not_a_count():
    planted = 'st.markdown("3 / 9")\nst.html("<style>.x { z-index: 3 }</style>")'
    at = rendered(AppTest.from_string(_PLANTED.replace("{planted}", planted), default_timeout=30).run())

    assert small_counts_on_page(at, counter="3 / 9") == []


def test_the_search_refuses_an_element_it_does_not_know():
    script = 'import streamlit as st\nst.json({"cases": 3})'
    at = rendered(AppTest.from_string(script, default_timeout=30).run())

    with pytest.raises(AssertionError, match="unclassified element"):
        small_counts_on_page(at)


# --- the sweep ------------------------------------------------------------------------------------

TOTAL = 1 + len(public.MESSAGES)  # the title slide, then one slide per key message

# Every region and the canton, each in one year and one language, alternating so that both
# languages meet both years: (2025, fr), (2024, de), (2025, de), (2024, fr), ...
SWEEP = [
    pytest.param(
        {"year": year, "lang": lang, **({"region": [region]} if region else {})},
        id=f"{region or 'canton'}-{year}-{lang}",
    )
    for index, region in enumerate([None, *REGIONS])
    for year in [("2025", "2024")[index % 2]]
    for lang in [("fr", "de", "de", "fr")[index % 4]]
]


def counter(at: AppTest) -> str:
    """The slide counter's text (``3 / 9``): the page's only text of that shape."""
    shown = [m.value for m in at.markdown if re.fullmatch(r"\d+ / \d+", m.value)]
    assert len(shown) == 1, shown
    return shown[0]


def slides(at: AppTest, threshold: int = THRESHOLD) -> Iterator[tuple[int, list[str]]]:
    """Step through every slide with the "next" button: (slide number, small counts found)."""
    for number in range(1, TOTAL + 1):
        if number > 1:
            at.button(key="slide_next").click().run()
        rendered(at)
        assert counter(at) == f"{number} / {TOTAL}"
        assert at.query_params.get("slide", "1") == str(number)
        yield number, small_counts_on_page(at, threshold, counter=f"{number} / {TOTAL}")


@pytest.fixture(scope="module")
def demo_frames(demo_sqlite_url) -> dict[str, pl.DataFrame]:
    engine = ensure_database(demo_sqlite_url)
    frames = {name: load_dataset(engine, name) for name in public.DATASETS}
    engine.dispose()
    return frames


def titles(frames, *, year: str, lang: str, region: list[str] | None = None) -> list[str]:
    """The key messages' titles, in slide order."""
    compare = int(year) - 1 if int(year) - 1 >= 2022 else None
    messages = public.key_messages(frames, year=int(year), compare=compare, regions=region,
                                   lang=lang, threshold=THRESHOLD)
    return [spec.title for spec in messages.values()]


def test_the_presenter_opens_exactly_these_pages():
    assert PRESENTER_PAGES == ("presentation", "glossary", "account")
    assert access.default_page("presenter") == "presentation"


@pytest.mark.parametrize("params", SWEEP)
def test_no_small_count_on_any_slide(open_page, demo_frames, allowed, params):
    # In German, no French text either (the German sweep of tests/pages/test_german.py).
    at = open_page("presentation", role="presenter", **params)
    shown_titles, found, french = [], {}, {}
    for number, counts in slides(at):
        if counts:
            found[number] = counts
        if params["lang"] == "de" and (leaks := french_leaks(at, allowed)):
            french[number] = leaks
        if number == 1:
            assert at.header[0].value == t("presentation.heading", params["lang"], year=params["year"])
        else:
            shown_titles.append(at.header[0].value)
            assert at.get("plotly_chart") or at.info, f"slide {number} shows its chart or says why"

    assert found == {}
    assert french == {}
    assert shown_titles == titles(demo_frames, **params)


def test_without_suppression_the_search_finds_the_presentation_s_counts(open_page, monkeypatch):
    # The same slides with a threshold of 1 (nothing hidden): the Haut-Valais's small counts are
    # on them, and the search finds them in the figures and the texts.
    from dashboard.ui import auth

    monkeypatch.setattr(auth, "public_threshold", lambda: 1)
    at = open_page("presentation", role="presenter", year="2025", region=["Haut-Valais"])

    found = [where for _, counts in slides(at) for where in counts]
    assert any(where.startswith("plotly_chart") for where in found)
    assert any(where.startswith(("markdown", "caption")) for where in found)


@pytest.mark.parametrize("page", [page for page in PRESENTER_PAGES if page != "presentation"])
@pytest.mark.parametrize("lang", ["fr", "de"])
def test_no_small_count_on_the_other_pages_of_the_presenter(open_page, page, lang):
    at = open_page(page, role="presenter", year="2025", region=["Haut-Valais"], lang=lang)
    at = _with_tables(at)

    assert small_counts_on_page(at) == []


def test_the_presentation_suppresses_for_every_role(open_page):
    # An analyst sees the internal figures elsewhere; on the presentation, they are suppressed.
    at = open_page("presentation", role="analyst", year="2025", region=["Haut-Valais"])

    flagged = []
    for _, counts in slides(at):
        assert counts == []
        flagged += [json.loads(chart.proto.spec)["data"] for chart in at.get("plotly_chart")]
    assert "< 5" in json.dumps(flagged)


# --- moving between slides -------------------------------------------------------------------------


def test_previous_next_and_the_key_buttons_move_and_the_counter_follows(open_page):
    at = open_page("presentation", role="presenter", year="2025")
    assert counter(at) == f"1 / {TOTAL}"
    assert at.button(key="slide_previous").disabled and not at.button(key="slide_next").disabled

    moves = [
        ("slide_next", 2), ("slide_next", 3), ("slide_previous", 2),
        # the buttons that Space, Page Down, Page Up, End and Home press (hidden by CSS)
        ("slide_space", 3), ("slide_page_down", 4), ("slide_page_up", 3),
        ("slide_end", TOTAL), ("slide_home", 1),
    ]
    shown = []
    for key, _ in moves:
        at.button(key=key).click().run()
        shown.append((key, int(rendered(at).query_params["slide"]), counter(at)))

    assert shown == [(key, to, f"{to} / {TOTAL}") for key, to in moves]


def test_the_last_slide_has_no_next(open_page):
    at = open_page("presentation", role="presenter", year="2025", slide=str(TOTAL))

    assert counter(at) == f"{TOTAL} / {TOTAL}"
    assert at.button(key="slide_next").disabled and not at.button(key="slide_previous").disabled


@pytest.mark.parametrize(("asked", "shown"), [("3", 3), ("1", 1), ("0", 1), ("99", TOTAL), ("x", 1)])
def test_a_link_reopens_its_slide(open_page, demo_frames, asked, shown):
    at = open_page("presentation", role="presenter", year="2025", lang="de", slide=asked)

    assert counter(at) == f"{shown} / {TOTAL}"
    expected = t("presentation.heading", "de", year=2025)
    if shown > 1:
        expected = titles(demo_frames, year="2025", lang="de")[shown - 2]
    assert at.header[0].value == expected


def test_autoplay_is_switched_on_and_off_and_does_not_move_on_with_the_page_s_own_run(open_page):
    # Only the timer's runs of the autoplay fragment move on (tested in the browser).
    at = open_page("presentation", role="presenter", year="2025", slide="2")
    assert at.button(key="slide_autoplay").label == t("presentation.autoplay")

    at.button(key="slide_autoplay").click().run()
    assert counter(rendered(at)) == f"2 / {TOTAL}"
    assert at.button(key="slide_autoplay").label == t("presentation.autoplay_stop")

    at.button(key="slide_autoplay").click().run()
    assert at.button(key="slide_autoplay").label == t("presentation.autoplay")


def test_the_interval_button_goes_round_the_intervals(open_page):
    at = open_page("presentation", role="presenter", year="2025", lang="de")
    shown = [at.button(key="slide_interval").label]
    for _ in slides_view.INTERVALS:
        at.button(key="slide_interval").click().run()
        shown.append(at.button(key="slide_interval").label)

    seconds = [10, 15, 20, 30, 60, 5, 10]
    assert shown == [t("presentation.interval_seconds", "de", seconds=s) for s in seconds]


# --- presentation mode -----------------------------------------------------------------------------


def _hides_the_sidebar(at: AppTest) -> bool:
    return any('[data-testid="stSidebar"]' in element.proto.body for element in at.get("html"))


def test_present_on_another_page_opens_the_presentation_for_a_viewer(open_page, demo_frames):
    at = rendered(open_page("overlaps", role="viewer", present="1", year="2024", slide="2"))

    assert at.title[0].value == t("login.page_presentation")
    assert counter(at) == f"2 / {TOTAL}"
    assert at.header[0].value == titles(demo_frames, year="2024", lang="fr")[0]
    assert at.query_params["present"] == "1"
    assert _hides_the_sidebar(at)


def test_without_present_the_pages_stay_where_they_are(open_page):
    at = rendered(open_page("overlaps", role="viewer", year="2024"))

    assert at.title[0].value == t("app.page_overlaps")
    assert not at.get("html") or not _hides_the_sidebar(at)


def test_full_screen_is_switched_on_and_off(open_page):
    at = open_page("presentation", role="viewer", year="2025", slide="4")
    assert not _hides_the_sidebar(at) and "present" not in at.query_params

    at.button(key="slide_enter").click().run()
    assert at.query_params["present"] == "1" and _hides_the_sidebar(rendered(at))
    assert counter(at) == f"4 / {TOTAL}"

    at.button(key="slide_exit").click().run()
    assert "present" not in at.query_params and not _hides_the_sidebar(rendered(at))
    assert counter(at) == f"4 / {TOTAL}"


def _region_buttons(at: AppTest) -> list[tuple[str, str, str]]:
    """(key, label, type) of the title slide's region buttons."""
    return [
        (button.key, button.label, button.proto.type)
        for button in at.button
        if button.key.startswith("slides_region_")
    ]


def test_the_title_slide_s_region_buttons_set_the_region_filter(open_page):
    at = open_page("presentation", role="presenter", year="2025", lang="de", present="1")
    assert at.subheader[0].value == t("presentation.scope_canton", "de")
    assert _region_buttons(at) == [
        ("slides_region_canton", t("presentation.scope_canton", "de"), "primary"),
        ("slides_region_haut-valais", "Oberwallis", "secondary"),
        ("slides_region_sierre", "Siders", "secondary"),
        ("slides_region_sion", "Sitten", "secondary"),
        ("slides_region_martigny", "Martinach", "secondary"),
        ("slides_region_monthey", "Monthey", "secondary"),
    ]

    at.button(key="slides_region_haut-valais").click().run()
    assert at.subheader[0].value == t("presentation.scope_regions", "de", regions="Oberwallis")
    assert at.multiselect(key="region").value == ["Haut-Valais"]
    assert at.query_params["region"] == "Haut-Valais"  # the URL follows
    assert [kind for key, _, kind in _region_buttons(at) if key.endswith("haut-valais")] == ["primary"]

    at.button(key="slides_region_canton").click().run()
    assert at.subheader[0].value == t("presentation.scope_canton", "de")
    assert at.multiselect(key="region").value == []


def test_the_title_slide_keeps_several_regions_chosen_in_the_sidebar(open_page):
    at = open_page("presentation", role="presenter", year="2025", region=["Sion", "Sierre"])

    assert _region_buttons(at)[-1] == ("slides_region_sion-sierre", "Sion, Sierre", "primary")
    assert at.subheader[0].value == t("presentation.scope_regions", "fr", regions="Sion, Sierre")


# --- downloads -------------------------------------------------------------------------------------


def test_the_download_buttons_are_on_the_title_slide(open_page):
    at = open_page("presentation", role="presenter", year="2025")
    assert [button.key for button in at.get("download_button")] == [
        "slides_download_html", "slides_download_xlsx", "slides_download_pptx"
    ]
    at.button(key="slide_next").click().run()
    assert at.get("download_button") == []


def test_internal_roles_may_also_download_the_exact_files_the_presenter_never(open_page, media_files):
    from tests.pages.test_data_page import download

    keys = ["slides_download_html", "slides_download_xlsx", "slides_download_pptx"]
    internal = [f"{key}_internal" for key in keys]
    at = rendered(open_page("presentation", role="analyst", year="2025", region=["Haut-Valais"]))
    buttons = {button.key: button for button in at.get("download_button")}
    assert list(buttons) == keys + internal
    assert t("presentation.downloads_internal") in [c.value for c in at.caption]
    exact = download(media_files, buttons["slides_download_html_internal"]).decode("utf-8")
    public_file = download(media_files, buttons["slides_download_html"]).decode("utf-8")
    banner = escape(t("report.internal_banner"), quote=False)
    assert banner in exact and banner not in public_file
    presenter = rendered(open_page("presentation", role="presenter", year="2025"))
    assert [button.key for button in presenter.get("download_button")] == keys


def test_a_year_without_record_level_data_has_no_downloads(open_page):
    # 2023: published figures only (the permit S series); no report can be made of it.
    at = rendered(open_page("presentation", role="presenter", year="2023"))

    assert at.get("download_button") == []
    assert t("presentation.no_downloads", "fr", year=2023) in [c.value for c in at.caption]


@pytest.mark.parametrize(
    ("lang", "regions", "kind", "expected"),
    [
        ("fr", ("Sion",), "report", "rapport-2025-sion"),
        ("de", None, "pack", "folien-2025-kanton"),
        ("de", ("Haut-Valais", "Sierre"), "report", "bericht-2025-haut-valais-sierre"),
    ],
)
def test_file_names_say_the_year_and_regions(lang, regions, kind, expected):
    assert slides_view.file_stem(kind, filters.Filters(2025, 2024, regions, lang)) == expected


@pytest.mark.slow  # kaleido draws the pack's charts
def test_the_downloads_are_the_public_files_of_the_selection(demo_sqlite_url, demo_frames):
    from pptx import Presentation

    engine = ensure_database(demo_sqlite_url)
    uploads = list_uploads(engine)
    engine.dispose()
    selected = filters.Filters(2025, 2024, ("Sion",), "de")
    build = slides_view.builders(demo_frames, uploads, selected, THRESHOLD)

    html = build["html"]().decode("utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert escape(disclosure.note("de", threshold=THRESHOLD), quote=False) in html  # public
    assert zipfile.is_zipfile(io.BytesIO(build["xlsx"]()))
    pack = Presentation(io.BytesIO(build["pptx"]()))
    assert len(pack.slides) == TOTAL
