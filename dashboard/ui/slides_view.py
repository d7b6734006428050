"""The Présentation's slides (DESIGN.md §4.10): one key message per full-screen slide.

The slide shown is the URL's ``?slide=`` (1 is the title slide, then the key messages of
:func:`dashboard.public.key_messages` in their order), so that a copied link reopens it.
``?present=1`` is presentation mode: no sidebar and no header, larger type; any page of a
role that may open the Présentation gives way to it (:func:`follow_present`, called by the
entry point).

Moving between slides:

- the previous/next buttons of the control bar, and the keyboard through Streamlit's own button
  shortcuts (``st.button(shortcut=...)``): → and ← on the visible buttons; Space, Page Down,
  Page Up, Home and End on buttons that CSS hides, since a shortcut takes one key and a hidden
  button still answers its key; Esc leaves presentation mode. The shortcuts are registered by the
  buttons themselves, so a rerun adds no listener. Streamlit ignores them while an input has
  the focus, and a select box or toggle keeps it after a click: the slides' own controls
  (autoplay, its interval, the region) are buttons for that reason, so that the keys, or a
  presenter's remote, work straight after them;
- autoplay: a fragment that reruns every interval and, once the slide has been shown that long,
  moves on (after the last slide, back to the first) with a rerun of the whole page.

Suppression is the caller's: the page passes the key messages built at the public threshold.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Mapping

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import disclosure
from dashboard import report as reports
from dashboard.charts import ChartSpec, label
from dashboard.datasets import REGIONS
from dashboard.i18n import t
from dashboard.ui import auth
from dashboard.ui.filters import Filters

PRESENT = "present"
"""The query parameter of presentation mode: ``?present=1``."""

SLIDE = "slide"
"""The query parameter of the slide shown, from 1 (the title slide)."""

INTERVALS = (5, 10, 15, 20, 30, 60)
"""Autoplay intervals offered, in seconds."""

_AUTOPLAY = "_slides_autoplay"
_INTERVAL = "_slides_interval"
_SHOWN_AT = "_slides_shown_at"  # when the slide of the last full run was rendered (monotonic)
_REGION_FILTER = "region"  # the sidebar's region filter (dashboard.ui.filters), bound to ?region=

# Large type for a room, the control bar pinned to the bottom right, the key-only buttons hidden.
_STYLE = """
<style>
.st-key-cii_slide h1 { font-size: 3.4rem; line-height: 1.1; }
.st-key-cii_slide h2 { font-size: 2.5rem; line-height: 1.15; padding-bottom: 0.2rem; }
.st-key-cii_slide h3 { font-size: 1.9rem; line-height: 1.2; }
.st-key-cii_slide [data-testid="stMarkdown"] p { font-size: 1.55rem; line-height: 1.4; }
.st-key-cii_slide [data-testid="stCaptionContainer"],
.st-key-cii_slide [data-testid="stCaptionContainer"] p { font-size: 1.05rem; line-height: 1.4; }
.st-key-cii_slide_keys { display: none; }
.st-key-cii_slide_bar {
  position: fixed; bottom: 0.6rem; right: 1.2rem; z-index: 999990; width: auto;
  padding: 0.35rem 0.6rem; border-radius: 0.6rem; opacity: 0.7;
  background: rgba(127, 127, 127, 0.12); backdrop-filter: blur(6px);  /* light or dark theme */
  box-shadow: 0 1px 6px rgba(0, 0, 0, 0.25);
}
.st-key-cii_slide_bar:hover, .st-key-cii_slide_bar:focus-within { opacity: 1; }
.st-key-cii_slide_counter p { font-size: 1.1rem; font-variant-numeric: tabular-nums; margin: 0; }
[data-testid="stMainBlockContainer"] { padding-bottom: 6rem; }
</style>
"""
# Presentation mode: nothing but the slide. The page title stays for screen readers only.
_PRESENTING_STYLE = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], header[data-testid="stHeader"] { display: none; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; padding-left: 3rem; padding-right: 3rem; max-width: none; }
.st-key-cii_page_title {
  position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;
}
.st-key-cii_slide h1 { font-size: 4rem; }
.st-key-cii_slide h2 { font-size: 2.8rem; }
</style>
"""


# --- where we are ----------------------------------------------------------------------------------


def presenting() -> bool:
    """Whether the URL asks for presentation mode (``?present=1``)."""
    return st.query_params.get(PRESENT) == "1"


def follow_present(current, presentation) -> None:
    """Switch to the Présentation when ``?present=1`` is asked for on another page.

    `current` is the page :func:`st.navigation` is about to run; `presentation` the
    Présentation's page, None when the role may not open it (then nothing happens: the
    parameter is ignored). The query parameters go along (year, regions, language, slide):
    those of widgets already rendered in this session are bound to them, cannot be set, and
    come back with the widgets' values on the Présentation.
    """
    if presenting() and presentation is not None and current.url_path != presentation.url_path:
        params = {
            name: st.query_params.get_all(name)
            for name in st.query_params
            if name not in st.session_state
        }
        st.switch_page(presentation, query_params=params)


def position(total: int) -> int:
    """The slide asked for by ``?slide=``, from 1 to `total`; 1 without a usable number."""
    try:
        asked = int(st.query_params.get(SLIDE, "1"))
    except ValueError:
        return 1
    return min(max(asked, 1), total)


def _go(to: int) -> None:
    st.query_params[SLIDE] = str(to)


def _autoplay(on: bool) -> None:
    st.session_state[_AUTOPLAY] = on


def _interval() -> int:
    return st.session_state.get(_INTERVAL, INTERVALS[1])


def _next_interval() -> None:
    st.session_state[_INTERVAL] = INTERVALS[(INTERVALS.index(_interval()) + 1) % len(INTERVALS)]


def _present(on: bool) -> None:
    if on:
        st.query_params[PRESENT] = "1"
    else:
        st.query_params.pop(PRESENT, None)


# --- the frame -------------------------------------------------------------------------------------


def page_style() -> None:
    """The slides' CSS, and presentation mode's when it is on."""
    st.html(_STYLE + (_PRESENTING_STYLE if presenting() else ""))


def page_title(text: str) -> None:
    """The page's title; in presentation mode it is left to screen readers."""
    with st.container(key="cii_page_title"):
        st.title(text, anchor=False)


def controls(at: int, total: int, lang: str) -> None:
    """The control bar: previous, ``3 / 9``, next, autoplay and its interval, full screen.

    The bar's buttons answer ← and → (and Esc leaves full screen); Space, Page Down, Page Up,
    Home and End go to buttons that are never shown.
    """
    previous, following = max(at - 1, 1), min(at + 1, total)
    with st.container(key="cii_slide_bar", horizontal=True, vertical_alignment="center",
                      width="content"):
        st.button(t("presentation.previous", lang), key="slide_previous", on_click=_go,
                  args=(previous,), disabled=at <= 1, icon=":material/chevron_left:",
                  shortcut="Left")
        with st.container(key="cii_slide_counter", width="content"):
            st.markdown(f"{at} / {total}", help=t("presentation.counter_help", lang))
        st.button(t("presentation.next", lang), key="slide_next", on_click=_go,
                  args=(following,), disabled=at >= total, icon=":material/chevron_right:",
                  icon_position="right", shortcut="Right")
        playing = st.session_state.get(_AUTOPLAY, False)
        st.button(t("presentation.autoplay_stop" if playing else "presentation.autoplay", lang),
                  key="slide_autoplay", on_click=_autoplay, args=(not playing,),
                  icon=":material/pause:" if playing else ":material/play_arrow:",
                  type="primary" if playing else "secondary")
        st.button(t("presentation.interval_seconds", lang, seconds=_interval()),
                  key="slide_interval", on_click=_next_interval, icon=":material/timer:",
                  help=t("presentation.interval", lang))
        if presenting():
            st.button(t("presentation.exit", lang), key="slide_exit", on_click=_present,
                      args=(False,), icon=":material/fullscreen_exit:", shortcut="Esc")
        else:
            st.button(t("presentation.enter", lang), key="slide_enter", on_click=_present,
                      args=(True,), icon=":material/fullscreen:",
                      help=t("presentation.enter_help", lang))
    with st.container(key="cii_slide_keys"):  # hidden: only their keys reach them
        for key, shortcut, to, text in (
            ("slide_space", "Space", following, "presentation.next"),
            ("slide_page_down", "PageDown", following, "presentation.next"),
            ("slide_page_up", "PageUp", previous, "presentation.previous"),
            ("slide_home", "Home", 1, "presentation.first"),
            ("slide_end", "End", total, "presentation.last"),
        ):
            st.button(t(text, lang), key=key, on_click=_go, args=(to,), disabled=to == at,
                      shortcut=shortcut)


def autoplay(at: int, total: int) -> None:
    """When autoplay is on, move to the next slide (the first after the last) every interval.

    Called once per full run, after the slide: the time the slide was shown is noted, and a
    fragment timed to the interval moves on when it comes due. Any rerun in between (a click,
    a key) notes a new time, so that each slide gets its full interval.
    """
    st.session_state[_SHOWN_AT] = time.monotonic()
    if not st.session_state.get(_AUTOPLAY):
        return
    interval = _interval()
    st.fragment(_tick, run_every=interval)(at % total + 1, interval)


def _tick(following: int, interval: float) -> None:
    # The fragment also runs within the page's own run: only a run of its timer moves on.
    shown_for = time.monotonic() - st.session_state.get(_SHOWN_AT, 0.0)
    if shown_for >= 0.9 * interval:
        _go(following)
        st.rerun()


# --- the slides ------------------------------------------------------------------------------------


def title_slide(
    selected: Filters,
    threshold: int,
    downloads: Mapping[str, Callable[[], bytes]] | None,
    internal: Mapping[str, Callable[[], bytes]] | None = None,
) -> None:
    """The first slide: the year, the regions, the suppression note, the region and downloads.

    `downloads` maps ``html``, ``xlsx`` and ``pptx`` to what builds each file (on click); None
    for a year without record-level data, which has no report. `internal`, the same files with
    exact counts, is offered to the roles that see exact counts anyway (suppression is applied
    by the role: never to the presenter).
    """
    lang = selected.lang
    with st.container(key="cii_slide"):
        st.caption(t("presentation.kicker", lang))
        st.header(t("presentation.heading", lang, year=selected.year), anchor=False)
        if selected.regions:
            scope = t("presentation.scope_regions", lang, regions=_names(selected.regions, lang))
        else:
            scope = t("presentation.scope_canton", lang)
        st.subheader(scope, anchor=False)
        if selected.compare is not None:
            st.markdown(t("presentation.compared_with", lang, year=selected.compare))
        st.markdown(disclosure.note(lang, threshold=threshold))
        _region_selector(selected)
        if downloads is None:
            st.caption(t("presentation.no_downloads", lang, year=selected.year))
        else:
            st.caption(t("presentation.downloads", lang))
            _download_buttons(selected, threshold, downloads)
            if internal is not None:
                st.caption(t("presentation.downloads_internal", lang))
                _download_buttons(selected, None, internal)
        st.caption(t("presentation.keys_hint", lang))


def message_slide(spec: ChartSpec, *, key: str, lang: str, threshold: int) -> None:
    """One key message: its title, chart, summary, footnotes, suppression note and source.

    A tall chart (tile tables, long bar lists) sits left of its text, so that the slide fits a
    screen; a table and a wide chart span the slide, their text below.
    """
    with st.container(key="cii_slide"):
        st.header(spec.title, anchor=False)
        if spec.figure is None:
            st.info(spec.summary)
            _notes(spec, lang, threshold)
            return
        figure = slide_figure(spec.figure)
        if tall(figure):
            chart, text = st.columns([3, 2], gap="large")
        else:
            chart = text = st.container()
        chart.plotly_chart(figure, key=key, theme="streamlit", alt=spec.summary,
                           config={"displayModeBar": False, "displaylogo": False})
        with text:
            st.markdown(spec.summary)
            _notes(spec, lang, threshold)


def _notes(spec: ChartSpec, lang: str, threshold: int) -> None:
    for note in spec.footnotes:
        st.caption(note)
    if spec.flags is not None:
        st.caption(disclosure.note(lang, threshold=threshold))
    st.caption(t("app.source", lang, source=spec.source))


_AXIS_FONT = 15  # pixels: readable from a room, and a region's name still fits over its tile
_TALLEST_BARS = 720  # pixels: a long bar list is drawn this high at most, its bars thinner
_TABLE_ROW = 42  # pixels a row of the year in brief (40 drawn): on a wide slide, labels seldom wrap


def slide_figure(figure: go.Figure) -> go.Figure:
    """A copy of `figure` for a slide: larger axis text, long bar lists and tables lower.

    Only the layout changes: values, labels and hover texts are the spec's own.
    """
    slide = go.Figure(figure)
    axis_font = {"tickfont": {"size": _AXIS_FONT}, "title": {"font": {"size": _AXIS_FONT}}}
    slide.update_xaxes(**axis_font)
    slide.update_yaxes(**axis_font)
    slide.update_layout(legend={"font": {"size": _AXIS_FONT}})
    height = slide.layout.height
    if any(trace.type == "table" for trace in slide.data):
        rows = max(len(trace.cells.values[0]) for trace in slide.data if trace.type == "table")
        slide.update_layout(height=_TABLE_ROW * (rows + 1) + 40)
    elif height and height > _TALLEST_BARS and all(
        trace.type == "bar" and trace.orientation == "h" for trace in slide.data
    ):
        slide.update_layout(height=_TALLEST_BARS)
    return slide


def tall(figure: go.Figure) -> bool:
    """Whether a slide's chart goes beside its text: taller than wide screens leave room for."""
    if any(trace.type == "table" for trace in figure.data):
        return False
    return (figure.layout.height or 450) > 520


# --- the title slide's controls ----------------------------------------------------------------------


def _region_selector(selected: Filters) -> None:
    """One region's pack, or the canton's: sets the sidebar's region filter (``?region=``).

    A button per choice, the current one highlighted (several regions chosen in the sidebar
    are one more choice).
    """
    lang = selected.lang
    chosen = selected.regions or ()
    options = [(), *((region,) for region in REGIONS)]
    if chosen not in options:
        options.append(chosen)
    st.caption(t("presentation.region", lang))
    with st.container(horizontal=True, key="cii_slide_regions"):
        for regions in options:
            name = _names(regions, lang) if regions else t("presentation.scope_canton", lang)
            key = "-".join(_slug(region) for region in regions) or "canton"
            st.button(name, key=f"slides_region_{key}",
                      on_click=_choose_region, args=(list(regions),),
                      type="primary" if regions == chosen else "secondary")


def _names(regions: tuple[str, ...], lang: str) -> str:
    return ", ".join(label("region", region, lang) for region in regions)


def _choose_region(regions: list[str]) -> None:
    st.session_state[_REGION_FILTER] = regions


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "-", text.lower()).strip("-")


def file_stem(kind: str, selected: Filters) -> str:
    """``rapport-2025-sion`` / ``folien-2025-kanton``: `kind` is ``report`` or ``pack``."""
    lang = selected.lang
    where = "-".join(_slug(region) for region in selected.regions or ())
    where = where or t("presentation.file_canton", lang)
    return f"{t(f'presentation.file_{kind}', lang, year=selected.year)}-{where}"


_FILES = {
    # format: (button text, file kind, extension, MIME type)
    "html": ("presentation.download_html", "report", "html", "text/html"),
    "xlsx": ("presentation.download_xlsx", "report", "xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("presentation.download_pptx", "pack", "pptx",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}


def _download_buttons(
    selected: Filters, threshold: int | None, downloads: Mapping[str, Callable[[], bytes]]
) -> None:
    """The report (HTML, XLSX) and the slide pack (PPTX), built on click and audited.

    ``threshold`` None: the internal files (exact counts), under their own keys and names.
    """
    lang = selected.lang
    # The audit detail of the command line's exports (the report itself is built on click).
    shape = reports.Report(selected.year, selected.compare, selected.regions, lang, threshold,
                           {}, None, "")
    with st.container(horizontal=True):
        for fmt, (text, kind, extension, mime) in _FILES.items():
            recorded = auth.export_recorder(detail=reports.export_detail(shape, fmt))
            st.download_button(
                t(text, lang),
                data=functools.partial(_recorded, recorded, downloads[fmt]),
                file_name=f"{file_stem(kind, selected)}{'' if threshold else '-interne'}.{extension}",
                mime=mime,
                key=f"slides_download_{fmt}" if threshold else f"slides_download_{fmt}_internal",
                on_click="ignore",
                icon=":material/download:",
            )


def _recorded(recorded: Callable[[bytes], bytes], build: Callable[[], bytes]) -> bytes:
    return recorded(build())


def builders(
    frames: Mapping[str, pl.DataFrame], uploads: pl.DataFrame, selected: Filters, threshold: int | None
) -> dict[str, Callable[[], bytes]]:
    """What builds each download: the report of the selection once, then its file.

    Called at render time with the loaded frames; the files are built only on a click, in a
    thread without the session (hence everything is passed in). The slide pack's module loads
    python-pptx: it is imported on the first click, not with the page.
    """

    @functools.cache
    def report() -> reports.Report:
        return reports.build_report(
            frames, uploads, year=selected.year, compare=selected.compare,
            regions=selected.regions, lang=selected.lang, threshold=threshold,
        )

    def html() -> bytes:
        return reports.report_html(report()).encode("utf-8")

    def xlsx() -> bytes:
        return reports.report_xlsx(report())

    def pptx() -> bytes:
        from dashboard import slides

        return slides.slide_pack(report())

    return {"html": html, "xlsx": xlsx, "pptx": pptx}
