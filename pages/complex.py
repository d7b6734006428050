"""CII complexe: region × announcer table, services delivered, early detection and its delays.

A click on a cell of the table (an announcer in a region, or a total) filters the services and
the detection figures below it, with a visible reset.
"""

import streamlit as st

from dashboard import annotations, charts, charts_more
from dashboard.i18n import t
from dashboard.ui import auth, components, data, filters
from queries import screens, situations

auth.require("complex")

CELL = "complex_cell"  # session key of the clicked cell

selected = filters.current()
lang, year, regions = selected.lang, selected.year, selected.regions
st.title(t("app.page_complex", lang))
st.caption(t("pages_more.complex_intro", lang))
announced, services = data.dataset("situations"), data.dataset("services")
published = data.dataset("published")
canton = published if regions is None else published.clear()  # the report is canton-wide

if not screens.has_year(announced, year):
    components.no_data(lang)
    st.stop()

table = situations.complex_by_region_and_announcer(announced, year, regions=regions)
checked = screens.with_published_counts(
    table, canton, year, column="announcer", indicator="complex_situations", value="total"
)
shown = {"region": regions, "announcer": None}
notes = [
    *annotations.report_notes("complex_situations", year, lang, shown),
    *charts_more.published_counts_note(checked, "announcer", "total", lang, year=year),
]
heatmap = charts.region_announcer_heatmap(table, lang, year=year, footnotes=notes)
codes = components.clicked(heatmap, key="complex_table", state_key=CELL)
announcers, cell_regions = screens.cell_filter(codes, regions)
if codes:
    components.reset_button(CELL, charts_more.cell_description(codes, lang), lang)
    canton = canton.clear()  # a cell is not what the report counted

if screens.has_year(services, year):
    delivered = situations.services_by_type(services, year, regions=cell_regions)
    checked = screens.with_published_counts(
        delivered, canton, year, column="service", indicator="services", value="services"
    )
    notes = [
        *charts_more.unused_note(delivered, "service", "services", lang, year=year),
        *charts_more.published_counts_note(checked, "service", "services", lang, year=year),
    ]
    components.chart(
        charts.bar_by_category(delivered, "service", "services", lang, unit="services",
                               kind="service", title_key="pages_more.complex_services_title",
                               title_params={"year": year}, footnotes=notes),
        key="complex_services",
    )
else:
    components.no_data(lang)  # no services file for the year: not "0 services"

st.subheader(t("pages_more.complex_early_heading", lang))
before = selected.compare if screens.has_year(announced, selected.compare) else None
cell = {"regions": cell_regions, "announcers": announcers}
early = [situations.early_detection(announced, at, **cell) if at else None for at in (year, before)]
card = charts_more.metric(
    t("pages_more.complex_early", lang), *early, "share", lang, year=year, previous_year=before,
    published=screens.published_figure(canton, "early_detection_share", year),
)
st.metric(card.label, card.value, card.delta, delta_color="off", delta_arrow=card.arrow,
          help=card.help)
if card.note:
    st.caption(card.note)
by_announcer = st.toggle(t("pages_more.complex_by_announcer", lang), key="complex_by_announcer")
delays = situations.detection_delays(announced, year, by_announcer=by_announcer, **cell)
components.chart(charts.histogram_delays(delays, lang, year=year), key="complex_delays")
