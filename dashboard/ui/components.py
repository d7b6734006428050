"""What every page shows the same way: a chart with its title, summary, notes, table and downloads."""

from __future__ import annotations

import re
from collections.abc import Sequence

import streamlit as st

from dashboard.charts import ChartSpec
from dashboard.exports import chart_table, chart_to_csv, chart_to_xlsx
from dashboard.i18n import t
from dashboard.ui import auth
from dashboard.ui.filters import current


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "-", text.lower()).strip("-")[:60] or "table"


def no_data(lang: str) -> None:
    st.info(t("app.no_data_selection", lang))


def chart(spec: ChartSpec, *, key: str, selectable: bool = False):
    """Show one chart as DESIGN.md §4 asks; returns the plotly selection when `selectable`.

    Title, the figure (or a clear message when there is no data), the one-sentence summary
    (also the figure's alt text), footnotes, source, a "show as table" switch and CSV/XLSX
    downloads carrying the footnotes and the filter state.
    """
    filters = current()
    lang = filters.lang
    st.subheader(spec.title)
    selection = None
    if spec.figure is None:
        st.info(spec.summary)
        for note in spec.footnotes:  # e.g. why a region has no figure at all
            st.caption(note)
        return None
    event = st.plotly_chart(
        spec.figure,
        key=key,
        theme="streamlit",
        on_select="rerun" if selectable else "ignore",
        selection_mode="points",
        alt=spec.summary,
        config={"displaylogo": False},
    )
    if selectable:
        selection = event.selection if event else None
    st.markdown(spec.summary)
    for note in spec.footnotes:
        st.caption(note)
    st.caption(t("app.source", lang, source=spec.source))
    if st.toggle(t("app.show_table", lang), key=f"{key}_table"):
        st.dataframe(chart_table(spec, lang), hide_index=True)  # flags (< 5, X), Swiss numbers
    described = filters.describe()
    name = _slug(spec.title)
    csv_recorded = auth.export_recorder(detail=f"chart={key} format=csv")
    xlsx_recorded = auth.export_recorder(detail=f"chart={key} format=xlsx")
    left, right = st.columns(2)
    left.download_button(
        t("app.download_csv", lang),
        data=lambda: csv_recorded(chart_to_csv(spec, filters=described, lang=lang)),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
    )
    right.download_button(
        t("app.download_xlsx", lang),
        data=lambda: xlsx_recorded(chart_to_xlsx(spec, filters=described, lang=lang)),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
    )
    return selection


def selected_codes(selection, *, state_key: str) -> tuple[str, ...] | None:
    """The canonical codes of a clicked chart element, remembered until reset (None: nothing)."""
    points = (selection or {}).get("points") or []
    if points:
        codes = points[0].get("customdata")
        if isinstance(codes, str):
            codes = [codes]
        st.session_state[state_key] = tuple(codes or ())
    return st.session_state.get(state_key) or None


def clicked(spec: ChartSpec, *, key: str, state_key: str) -> tuple[str, ...] | None:
    """Show a selectable chart; the codes of its clicked element, remembered until reset.

    The chart's key carries a generation that :func:`reset_button` bumps: Streamlit keeps a
    chart's selection across reruns, so without a new key the chart would hand the old click
    straight back after a reset.
    """
    generation = st.session_state.get(f"{state_key}_generation", 0)
    return selected_codes(chart(spec, key=f"{key}_{generation}", selectable=True), state_key=state_key)


def reset_button(state_key: str, description: str, lang: str) -> None:
    """The visible reset of a chart-driven filter (see :func:`clicked`)."""
    left, right = st.columns([4, 1])
    left.info(t("app.filtered_by", lang, selection=description))
    if right.button(t("app.reset_selection", lang), key=f"{state_key}_reset"):
        st.session_state.pop(state_key, None)
        generation = f"{state_key}_generation"
        st.session_state[generation] = st.session_state.get(generation, 0) + 1
        st.rerun()


def footnotes(notes: Sequence[str]) -> None:
    for note in notes:
        st.caption(note)
