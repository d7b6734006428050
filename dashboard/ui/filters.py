"""The global filters of the sidebar (year, comparison year, regions, language), kept in the URL.

Each widget binds to a query parameter (``?year=2024&compare=2023&region=Sion&lang=de``), so a
copied link reopens the same view on any page. A bound widget writes its *displayed* option
into the URL, so these widgets show the codes themselves (``de``, the regions' official
names): a link then works whatever the language of whoever opens it. The values of the current run are in
:func:`current`; pages say which filters do not apply to them with :func:`not_applicable`.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import streamlit as st

from dashboard.datasets import REGIONS
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from dashboard.ui import data

_STATE_KEY = "_filters"
_EARLIEST_YEAR = 2022  # permit S figures (published) start in 2022


@dataclass(frozen=True)
class Filters:
    """What the user selected. ``regions`` is None for the whole canton."""

    year: int | None
    compare: int | None
    regions: tuple[str, ...] | None
    lang: str

    def describe(self) -> dict[str, str]:
        """The filter state as labelled text, for exports and footnotes."""
        lang = self.lang
        regions = ", ".join(self.regions) if self.regions else t("app.all_regions", lang)
        return {
            t("app.filter_year", lang): "" if self.year is None else str(self.year),
            t("app.filter_compare", lang): t("app.no_comparison", lang) if self.compare is None else str(self.compare),
            t("app.filter_regions", lang): regions,
        }


def language() -> str:
    """The language widget, bound to ``?lang=``; rendered first, as page titles depend on it."""
    # Before the widget exists, a link's ?lang= already names the language of its label.
    chosen = st.session_state.get("lang") or st.query_params.get("lang") or DEFAULT_LANGUAGE
    return st.sidebar.selectbox(
        t("app.language", chosen),
        LANGUAGES,
        key="lang",
        bind="query-params",
    )


def year_options() -> list[int]:
    """Every year from the first published figure to the latest upload, newest first.

    Years without record-level data stay selectable: their pages say that nothing was sent.
    """
    uploads = data.uploads().filter(pl.col("status") == "current")
    if uploads.is_empty():
        return []
    published = data.dataset("published")
    first = min([_EARLIEST_YEAR, *uploads["year"].to_list(), *published["year"].to_list()])
    last = max(uploads["year"].to_list())
    return list(range(last, first - 1, -1))


def _follow_year() -> None:
    """A new year moves the comparison year to the year before it (the usual comparison)."""
    year = st.session_state.get("year")
    previous = None if year is None else year - 1
    st.session_state["compare"] = previous if previous in year_options() else None


def sidebar(lang: str) -> Filters:
    """Render the year, comparison year and region filters; remember and return them."""
    options = year_options()
    latest = data.reporting_years()
    sidebar = st.sidebar
    sidebar.header(t("app.filters", lang))
    year = sidebar.selectbox(
        t("app.filter_year", lang),
        options,
        index=options.index(latest[0]) if latest else None,
        key="year",
        bind="query-params",
        on_change=_follow_year,
        placeholder=t("app.no_data_yet", lang),
    )
    compare_options = [y for y in options if y != year]
    default_compare = year - 1 if year is not None and year - 1 in compare_options else None
    compare = sidebar.selectbox(
        t("app.filter_compare", lang),
        compare_options,
        # After a year change _follow_year has set the value: a default too would make
        # Streamlit warn that the widget got both.
        index=None
        if "compare" in st.session_state or default_compare is None
        else compare_options.index(default_compare),
        key="compare",
        bind="query-params",
        placeholder=t("app.no_comparison", lang),
    )
    regions = sidebar.multiselect(
        t("app.filter_regions", lang),
        REGIONS,
        key="region",
        bind="query-params",
        placeholder=t("app.all_regions", lang),
    )
    filters = Filters(year, compare, tuple(regions) or None, lang)
    st.session_state[_STATE_KEY] = filters
    return filters


def current() -> Filters:
    """The filters of this run (set by the entry point before the page runs)."""
    return st.session_state.get(_STATE_KEY) or Filters(None, None, None, DEFAULT_LANGUAGE)


def not_applicable(*names: str) -> None:
    """Say that a global filter does not apply to this page, rather than ignoring it silently."""
    filters = current()
    active = {"regions": filters.regions is not None, "compare": filters.compare is not None}
    for name in names:
        if active.get(name, True):
            st.caption("ⓘ " + t(f"app.not_applicable_{name}", filters.lang))
