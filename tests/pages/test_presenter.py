"""What a presenter sees (issue 5 acceptance): no count from 1 to 4 on any page the role opens.

Every page of ``access.PAGES_BY_ROLE["presenter"]`` is rendered as the presenter sees it, and
everything it shows is searched with :func:`small_counts_on_page`:

- searched: titles, headers, markdown, captions, alerts, code, metrics (label, value, delta),
  dataframes (every cell; the tables shown under the charts, switched on first) and plotly
  figures (data arrays, texts, hover texts, customdata, annotations: see
  ``tests.test_public.small_counts_in_figure``), in the main area and the sidebar;
- not searched: the widgets' labels and options (filter values: years, regions, languages;
  button texts) and layout blocks, which hold no figure;
- any other element type fails the sweep until it is classified here, so that a new kind of
  element cannot slip through unsearched.

What counts as a count in a text is decided by ``tests.test_public.small_counts_in_text``
(years, dates, percents, signed changes, ordinals and footnote numbers are not counts). In a
dataframe, a number is a count when its column holds whole numbers only (a count column with
hidden cells arrives as floats); a column with fractions (shares, rates, the year in brief's
mixed units) is left to tests/test_public.py, which knows each table's formats.

The sweep (about 10 s): the presentation for the whole canton and for each region, in 2025 and
2024, one of the two years in French and the other in German (alternating, so that both
languages meet both years), and the presenter's other pages once per language (they show no
figure of the data).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import polars as pl
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import access
from dashboard.datasets import REGIONS
from tests.pages.helpers import rendered
from tests.test_public import THRESHOLD, small_counts_in_figure, small_counts_in_text

PRESENTER_PAGES = access.PAGES_BY_ROLE["presenter"]

_TEXTS = ("title", "header", "subheader", "markdown", "caption", "text", "code", "latex",
          "info", "warning", "error", "success", "exception")
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


def small_counts_on_page(at: AppTest, threshold: int = THRESHOLD) -> list[str]:
    """The small counts shown on the rendered page, as ``element: where`` strings.

    Raises AssertionError on an element type that is neither searched nor known to hold no data.
    """
    found = []
    for element in _elements(at._tree):
        kind = getattr(element, "type", "")
        if kind in _TEXTS:
            value = str(getattr(element, "value", "") or "")
            if small_counts_in_text(value, threshold):
                found.append(f"{kind}: {value!r}")
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
    ],
)
def test_the_search_finds_a_small_count_planted_in_any_element(planted):
    script = _PLANTED.replace("{planted}", planted)
    at = rendered(AppTest.from_string(script, default_timeout=30).run())

    assert len(small_counts_on_page(at)) == 1, small_counts_on_page(at)


def test_the_search_finds_nothing_in_what_is_not_a_count():
    at = rendered(AppTest.from_string(_PLANTED.replace("{planted}", ""), default_timeout=30).run())

    assert small_counts_on_page(at) == []


def test_the_search_refuses_an_element_it_does_not_know():
    script = 'import streamlit as st\nst.json({"cases": 3})'
    at = rendered(AppTest.from_string(script, default_timeout=30).run())

    with pytest.raises(AssertionError, match="unclassified element"):
        small_counts_on_page(at)


def test_without_suppression_the_search_finds_the_presentation_s_counts(open_page, monkeypatch):
    # The same page with a threshold of 1 (nothing hidden): the Haut-Valais's small counts are
    # on it, and the search finds them in the figures, the texts and the tables.
    from dashboard.ui import auth

    monkeypatch.setattr(auth, "public_threshold", lambda: 1)
    at = open_page("presentation", role="presenter", year="2025", region=["Haut-Valais"])
    at = _with_tables(at)

    found = small_counts_on_page(at)
    assert any(where.startswith("plotly_chart") for where in found)
    assert any(where.startswith("dataframe") for where in found)


# --- the sweep ------------------------------------------------------------------------------------

SELECTIONS = [None, *([region] for region in REGIONS)]
# Each selection in both years, one in French and the other in German, alternating.
LANGUAGES = [("fr", "de"), ("de", "fr")] * len(SELECTIONS)
PRESENTATION_STATES = [
    pytest.param(
        {"year": year, "lang": lang, **({"region": regions} if regions else {})},
        id=f"{'+'.join(regions or ['canton'])}-{year}-{lang}",
    )
    for regions, languages in zip(SELECTIONS, LANGUAGES)
    for year, lang in zip(("2025", "2024"), languages, strict=True)
]


def test_the_presenter_opens_exactly_these_pages():
    assert PRESENTER_PAGES == ("presentation", "glossary", "account")
    assert access.default_page("presenter") == "presentation"


@pytest.mark.parametrize("params", PRESENTATION_STATES)
def test_no_small_count_on_the_presentation(open_page, params):
    at = _with_tables(open_page("presentation", role="presenter", **params))

    assert at.get("plotly_chart"), "the presentation shows its charts"
    assert small_counts_on_page(at) == []


@pytest.mark.parametrize("page", [page for page in PRESENTER_PAGES if page != "presentation"])
@pytest.mark.parametrize("lang", ["fr", "de"])
def test_no_small_count_on_the_other_pages_of_the_presenter(open_page, page, lang):
    at = open_page(page, role="presenter", year="2025", region=["Haut-Valais"], lang=lang)
    at = _with_tables(at)

    assert small_counts_on_page(at) == []


def test_the_presentation_suppresses_for_every_role(open_page):
    # An analyst sees the internal figures elsewhere; on the presentation, they are suppressed.
    at = open_page("presentation", role="analyst", year="2025", region=["Haut-Valais"])
    at = _with_tables(at)

    assert small_counts_on_page(at) == []
    data = [json.loads(chart.proto.spec)["data"] for chart in at.get("plotly_chart")]
    assert "< 5" in json.dumps(data)
