"""Coaching ORP-CMS: cases opened and closed, outcomes, reinsertion rate and trend, durations."""

import streamlit as st

from dashboard import charts, charts_more
from dashboard.i18n import t
from dashboard.ui import auth, components, data, filters
from queries import coaching, screens

auth.require("coaching")

selected = filters.current()
lang, year, regions = selected.lang, selected.year, selected.regions
st.title(t("app.page_coaching", lang))
st.caption(t("pages_more.coaching_intro", lang))
cases, published = data.dataset("coaching"), data.dataset("published")
canton = published if regions is None else published.clear()  # the report is canton-wide
source = t("pages_more.source_coaching", lang)


def figures(at: int | None) -> tuple:
    """Cases opened, closed and the reinsertion rate of `at`; all None if nothing was sent."""
    if not screens.has_year(cases, at):
        return None, None, None
    return (
        coaching.coaching_cases_opened(cases, at, regions=regions),
        coaching.coaching_cases_closed(cases, at, regions=regions),
        coaching.reinsertion_rate(cases, at, regions=regions),
    )


if not screens.has_year(cases, year):
    components.no_data(lang)
else:
    before = selected.compare if screens.has_year(cases, selected.compare) else None
    rate_published = screens.published_figure(canton, "coaching_reinsertion_rate", year)
    cards = [
        charts_more.metric(t(f"pages_more.coaching_{name}", lang), now, then, unit, lang,
                           year=year, previous_year=before, published=report)
        for name, now, then, unit, report in zip(
            ("opened", "closed", "rate"), figures(year), figures(before),
            ("cases", "cases", "share"), (None, None, rate_published), strict=True,
        )
    ]
    for column, card in zip(st.columns(len(cards)), cards, strict=True):
        column.metric(card.label, card.value, card.delta, delta_color="off",
                      delta_arrow=card.arrow, help=card.help)
        if card.note:
            column.caption(card.note)

    outcomes = coaching.coaching_outcomes(cases, year, regions=regions)
    components.chart(
        charts.bar_by_category(outcomes, "outcome", "cases", lang, unit="cases", kind="outcome",
                               share="share", title_key="pages_more.coaching_outcomes_title",
                               title_params={"year": year}, source=source),
        key="coaching_outcomes",
    )
    activity = coaching.coaching_activity(cases, year, by=("region",), regions=regions)
    components.chart(charts_more.coaching_regions(activity, lang, year=year),
                     key="coaching_regions")
    overview = screens.modality_overview(
        coaching.coaching_activity(cases, year, by=("modality",), regions=regions),
        coaching.case_durations(cases, year, regions=regions),
    )
    components.chart(charts_more.modality_table(overview, lang, year=year),
                     key="coaching_modalities")

# The trend covers every year sent, whatever the year chosen.
trend = coaching.reinsertion_rate_trend(cases, regions=regions)
change = screens.published_figure(canton, "coaching_reinsertion_rate_change", year)
note = charts_more.points_note(change, screens.rate_change(trend, year), lang, year=year)
components.chart(
    charts.trend_line(trend, lang, "pages_more.coaching_trend_title", "share", y="reinsertion_rate",
                      source=source, footnotes=[note] if note else []),
    key="coaching_trend",
)
