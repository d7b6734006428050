"""CII Jeunes — Plateforme T1: volume trend, provenance (sunburst) and the report's two tables."""

import streamlit as st

from dashboard import charts, charts_more
from dashboard.i18n import t
from dashboard.ui import auth, components, data, filters
from queries import screens, youth

auth.require("youth")

selected = filters.current()
lang, year, regions = selected.lang, selected.year, selected.regions
st.title(t("app.page_youth", lang))
st.caption(t("pages_more.youth_intro", lang))
t1, published = data.dataset("t1_situations"), data.dataset("published")
canton = published if regions is None else published.clear()  # the report is canton-wide


def received(at: int | None) -> tuple:
    """Situations received by the Plateforme T1 in `at`, and the institutional ones."""
    if not screens.has_year(t1, at):
        return None, None
    institutional = youth.t1_provenance(t1, at, regions=regions).filter(provenance="institutional")
    received = youth.t1_situations_received(t1, at, regions=regions)
    return received, institutional.item(0, "situations")


if not screens.has_year(t1, year):
    components.no_data(lang)
else:
    before = selected.compare if screens.has_year(t1, selected.compare) else None
    reported = (
        screens.published_figure(canton, "t1_situations", year),
        screens.published_figure(canton, "t1_provenance", year, "provenance=institutional"),
    )
    cards = [
        charts_more.metric(t(f"pages_more.youth_{name}", lang), now, then, "situations", lang,
                           year=year, previous_year=before, published=report)
        for name, now, then, report in zip(
            ("received", "institutional"), received(year), received(before), reported, strict=True
        )
    ]
    for column, card in zip(st.columns(len(cards)), cards, strict=True):
        column.metric(card.label, card.value, card.delta, delta_color="off",
                      delta_arrow=card.arrow, help=card.help)
        if card.note:
            column.caption(card.note)

    provenance = youth.t1_provenance(t1, year, regions=regions)
    institutional = youth.t1_institutional_provenance(t1, year, regions=regions)
    components.chart(charts.provenance_sunburst(provenance, institutional, lang, year=year),
                     key="youth_sunburst")
    tables = (
        (provenance, "provenance", "t1_provenance"),
        (institutional, "provenance_institution", "t1_institutional_provenance"),
    )
    for table, column, indicator in tables:
        shaped = screens.with_published_shares(table, canton, year, column=column,
                                               indicator=indicator)
        components.chart(charts_more.provenance_table(shaped, lang, year=year, column=column),
                         key=f"youth_{column}_table")

# The volume trend covers every year sent. The report's summary counts the youth situations
# announced to the Bureau CII (215 in 2025), its section 5 those of the Plateforme T1 (727).
quality = charts_more.youth_quality_note(
    screens.published_figure(canton, "situations_announced", year, "public=youth"),
    screens.published_figure(canton, "t1_situations", year),
    lang,
    year=year,
)
components.chart(
    charts.trend_line(youth.t1_volume(t1, regions=regions), lang, "pages_more.youth_volume_title",
                      "situations", y="situations", source=t("charts.source_t1", lang),
                      footnotes=[quality] if quality else []),
    key="youth_volume",
)
