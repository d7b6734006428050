"""Réseau et transitions: ORP↔CMS transitions by region and direction, S-permit persons by year.

A region that did not record the transitions is shown as missing, never as zero (the report's
note 3: Monthey in 2025).
"""

import streamlit as st

from dashboard import annotations, charts, charts_more
from dashboard.charts import label
from dashboard.i18n import t
from dashboard.ui import auth, components, data, filters
from queries import network, screens

auth.require("network")

selected = filters.current()
lang, year, regions = selected.lang, selected.year, selected.regions
st.title(t("app.page_network", lang))
st.caption(t("pages_more.network_intro", lang))
transitions, protected = data.dataset("transitions"), data.dataset("protected_persons")
published = data.dataset("published")
canton = published if regions is None else published.clear()  # the report is canton-wide


def counts(at: int | None) -> tuple:
    """Persons handed over ORP → CMS and CMS → ORP in `at`; None where nothing was recorded."""
    if not screens.has_year(transitions, at):
        return None, None
    return tuple(network.transition_count(transitions, at, directions=[direction], regions=regions)
                 for direction in network.DIRECTIONS)


st.subheader(t("pages_more.network_transitions_heading", lang))
if not screens.has_year(transitions, year):
    components.no_data(lang)
else:
    before = selected.compare if screens.has_year(transitions, selected.compare) else None
    reported = [screens.published_figure(canton, "transitions", year, f"direction={direction}")
                for direction in network.DIRECTIONS]
    cards = [
        charts_more.metric(label("direction", direction, lang), now, then, "persons", lang,
                           year=year, previous_year=before, published=report)
        for direction, now, then, report in zip(
            network.DIRECTIONS, counts(year), counts(before), reported, strict=True
        )
    ]
    for column, card in zip(st.columns(len(cards)), cards, strict=True):
        column.metric(card.label, card.value, card.delta, delta_color="off",
                      delta_arrow=card.arrow, help=card.help)
        if card.note:
            column.caption(card.note)
    missing = network.regions_without_transitions(transitions, year, regions=regions)
    notes = [t("pages_more.network_not_recorded_note", lang, region=label("region", region, lang))
             for region in missing]
    by_region = network.transitions_by_region(transitions, year, regions=regions)
    spec = charts.transitions_by_region(by_region, lang, year=year, footnotes=notes)
    components.chart(spec, key="network_transitions")
    if spec.figure is None:  # the chart says "no data"; the notes say why
        components.footnotes(spec.footnotes)

st.subheader(t("pages_more.network_permit_s_heading", lang))
series = screens.permit_s_series(protected, published, regions=regions)
row, previous = screens.year_row(series, year), screens.year_row(series, selected.compare)
if row is not None:
    card = charts_more.metric(t("pages_more.network_permit_s", lang), row["total"],
                              previous and previous["total"], "persons", lang, year=year,
                              previous_year=previous and previous["year"],
                              published=screens.published_figure(canton, "protected_persons", year))
    st.metric(card.label, card.value, card.delta, delta_color="off", delta_arrow=card.arrow,
              help=t(f"pages_more.origin_{row['origin']}", lang))
    if card.note and row["origin"] == "data":
        st.caption(card.note)
regional = [t("pages_more.network_published_canton_note", lang)] if regions is not None else []
components.chart(
    charts_more.trend_with_origin(series, lang, "pages_more.network_permit_s_title", "persons",
                                  annotations.chart_events("protected_persons", lang), y="total",
                                  source=t("pages_more.source_permit_s", lang), footnotes=regional),
    key="network_permit_s",
)
