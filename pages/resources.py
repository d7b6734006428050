"""Formations et moyens: training participants by language region and kind; the CII budget.

Both are canton-wide figures of the Bureau CII: the region filter does not apply (and says so).
"""

import streamlit as st

from dashboard import charts, charts_more
from dashboard.i18n import t
from dashboard.ui import auth, components, data, filters
from queries import resources, screens

auth.require("resources")

selected = filters.current()
lang, year = selected.lang, selected.year
st.title(t("app.page_resources", lang))
filters.not_applicable("regions")
trainings, budget = data.dataset("trainings"), data.dataset("budget")
published = data.dataset("published")
parts = {"all": None, "valais_romand": ["valais_romand"], "haut_valais": ["haut_valais"]}


def participants(at: int | None) -> tuple:
    """Participants in the trainings of `at`: all, Valais romand, Haut-Valais; None if none sent."""
    if not screens.has_year(trainings, at):
        return None, None, None
    return tuple(resources.training_participants(trainings, at, language_regions=part)
                 for part in parts.values())


def show(cards: list) -> None:
    for column, card in zip(st.columns(len(cards)), cards, strict=True):
        column.metric(card.label, card.value, card.delta, delta_color="off",
                      delta_arrow=card.arrow, help=card.help)
        if card.note:
            column.caption(card.note)


st.subheader(t("pages_more.resources_trainings_heading", lang))
if not screens.has_year(trainings, year):
    components.no_data(lang)
else:
    before = selected.compare if screens.has_year(trainings, selected.compare) else None
    reported = [
        screens.published_figure(published, "training_participants", year,
                                 "" if part is None else f"language_region={name}")
        for name, part in parts.items()
    ]
    show([
        charts_more.metric(t(f"pages_more.resources_participants_{name}", lang), now, then,
                           "participants", lang, year=year, previous_year=before, published=report)
        for name, now, then, report in zip(
            parts, participants(year), participants(before), reported, strict=True
        )
    ])
    by_kind = resources.training_participants_by_kind(trainings, year)
    components.chart(charts_more.trainings_by_kind(by_kind, lang, year=year),
                     key="resources_trainings")

st.subheader(t("pages_more.resources_budget_heading", lang))
if not screens.has_year(budget, year):
    components.no_data(lang)
else:
    before = selected.compare if screens.has_year(budget, selected.compare) else None
    totals = [resources.budget_total(budget, at) if at else None for at in (year, before)]
    show([charts_more.metric(
        t("pages_more.resources_budget_total", lang), *totals, "chf", lang, year=year,
        previous_year=before, published=screens.published_figure(published, "budget_chf", year),
    )])
    components.chart(
        charts.bar_by_category(resources.budget_by_category(budget, year), "category", "amount_chf",
                               lang, unit="chf", share="share",
                               title_key="pages_more.resources_budget_title",
                               title_params={"year": year}),
        key="resources_budget",
    )
# Every year sent, whatever the year chosen.
components.chart(
    charts.trend_line(screens.budget_totals(resources.budget_by_year_and_category(budget)), lang,
                      "pages_more.resources_budget_trend_title", "chf", y="amount_chf"),
    key="resources_budget_trend",
)
