"""1 Accueil — L'année en bref: the report's summary as KPI cards and as a table, data quality."""

import streamlit as st

from dashboard import kpi
from dashboard.exports import table_to_csv, table_to_xlsx
from dashboard.i18n import t
from dashboard.ui import auth, components, data, filters
from queries import home

auth.require("overview")

current = filters.current()
lang, year, compare, regions = current.lang, current.year, current.compare, current.regions
st.title(t("app.page_overview", lang))
if year is None:  # nothing uploaded yet
    components.no_data(lang)
    st.stop()

frames = data.datasets("situations", "followups", "trainings", "budget")
series = home.brief_series(frames, regions=regions)  # every year once: cards, sparklines, table
brief = home.brief_of_year(series, year, compare)
has_data = not brief.get_column("value").is_null().all()
compared = None  # the published report is canton-wide: only unfiltered figures compare with it
if has_data and regions is None:
    compared = home.compared_with_report(brief, data.dataset("published"), year)

if not has_data:
    components.no_data(lang)
else:
    st.header(t("pages_main.overview_heading", lang, year=year))
    cards = kpi.kpi_cards(brief, series, lang, year=year, previous_year=compare, compared=compared)
    for heading, row in kpi.card_rows(cards, lang):
        st.markdown(f"**{heading}**")
        # At least two columns: a lone card takes half the width, not all of it.
        for column, card in zip(st.columns(max(len(row), 2)), row, strict=False):
            box = column.container(border=True)
            box.metric(
                card.label,
                card.value,
                card.delta,
                delta_color=card.delta_color,
                delta_arrow=card.delta_arrow,
                delta_description=card.delta_description,
                chart_data=card.chart_data or None,
                help=card.help,
            )
            if card.badge:
                box.badge(card.badge, color=card.badge_colour)
    notes = [t("pages_main.overview_footnote_youth", lang)]
    if regions is not None:
        notes.append(t("pages_main.overview_canton_wide", lang))
        notes.append(t("pages_main.overview_report_canton", lang))
    components.footnotes(notes)

    # The same figures as a table, downloadable with its notes and the filter state.
    table = kpi.brief_table(brief, lang, year=year, previous_year=compare, compared=compared)
    source = t("pages_main.overview_source", lang)
    st.subheader(table.title)
    st.dataframe(table.shown, hide_index=True, height="content")
    components.footnotes([*notes, t("app.source", lang, source=source)])
    export = {"title": table.title, "footnotes": notes, "source": source}
    export["filters"] = current.describe()
    left, right = st.columns(2)
    left.download_button(
        t("app.download_csv", lang),
        data=lambda: table_to_csv(table.export, lang=lang, **export),
        file_name=f"cii-{year}.csv",
        mime="text/csv",
        key="overview_csv",
        on_click="ignore",
    )
    right.download_button(
        t("app.download_xlsx", lang),
        data=lambda: table_to_xlsx(table.export, formats=table.formats, lang=lang, **export),
        file_name=f"cii-{year}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="overview_xlsx",
        on_click="ignore",
    )

    st.header(t("pages_main.quality_title", lang))
    t1 = data.dataset("t1_situations")
    checks = home.youth_consistency(frames["situations"], t1, year, regions=regions)
    missed = None if compared is None else home.unreproduced(compared)
    warnings = kpi.quality_warnings(checks, missed, lang, year=year)
    for warning in warnings:
        st.warning(warning)
    if not warnings:
        st.success(t("pages_main.quality_none", lang, year=year))

st.header(t("pages_main.freshness_title", lang))
freshness = home.data_freshness(data.uploads())
if freshness.is_empty():
    st.info(t("app.no_data_yet", lang))
else:
    st.dataframe(kpi.freshness_table(freshness, lang), hide_index=True, height="content")
