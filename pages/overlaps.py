"""2 Chevauchements: persons followed by several institutions at once.

The overlap matrix (counts or row shares), the UpSet chart of combinations, each institution's
share against the comparison year, and its trend. A click on a matrix cell restricts the views
below it to those two institutions; a click on an UpSet column shows that combination per
region. Each overlap is computed once per run.
"""

import streamlit as st

from dashboard import charts
from dashboard.formatting import format_count, format_percent
from dashboard.i18n import t
from dashboard.ui import auth, components, data, filters
from queries import home

auth.require("overlaps")

CELL, COMBINATION = "overlaps_cell", "overlaps_combination"


def _names(codes: tuple[str, ...], lang: str) -> str:
    return " + ".join(charts.label("institution", code, lang) for code in codes)


current = filters.current()
lang, year, compare, regions = current.lang, current.year, current.compare, current.regions
st.title(t("app.page_overlaps", lang))
episodes = data.dataset("followups")
years = home.upload_years(episodes)
full = home.overlap_by_year(episodes, [year], regions=regions)[year] if year in years else None
if full is None or full.total_beneficiaries == 0:
    components.no_data(lang)
    st.stop()

totals = (
    ("beneficiaries", format_count(full.total_beneficiaries, lang)),
    ("simultaneous", format_count(full.total_simultaneous, lang)),
    ("share", format_percent(full.total_simultaneous / full.total_beneficiaries, lang=lang)),
)
for column, (name, value) in zip(st.columns(3), totals, strict=True):
    column.metric(t(f"pages_main.overlaps_{name}", lang, year=year), value)

st.caption(t("pages_main.overlaps_click_hint", lang))
mode = st.segmented_control(
    t("pages_main.overlaps_mode", lang),
    ("counts", "row_shares"),
    format_func=lambda option: t(f"pages_main.overlaps_mode_{option}", lang),
    default="counts",
    key="overlaps_mode",
)
heatmap = charts.overlap_heatmap(full, lang, mode=mode or "counts")
cell = home.cell_institutions(components.clicked(heatmap, key="overlaps_heatmap", state_key=CELL))
notes: tuple[str, ...] = ()
if cell:
    institutions = _names(cell, lang)
    selected = t("pages_main.overlaps_cell_selected", lang, institutions=institutions)
    components.reset_button(CELL, selected, lang)
    notes = (t("pages_main.overlaps_cell_note", lang, institutions=institutions),)

# Every year with data, for the trend; the heatmap's year is reused when nothing is clicked.
known = None if cell else {year: full}
results = home.overlap_by_year(episodes, years, regions=regions, institutions=cell, known=known)
result, previous = results[year], results.get(compare)
before = {"previous_year": compare} if previous else {}

upset = charts.upset_chart(
    result.combinations,
    lang,
    previous=previous.combinations if previous else None,
    year=year,
    footnotes=notes,
    **before,
)
combination = home.combination_of(components.clicked(upset, key="overlaps_upset", state_key=COMBINATION))
if combination:
    names = _names(combination, lang)
    selected = t("pages_main.overlaps_combination_selected", lang, combination=names)
    components.reset_button(COMBINATION, selected, lang)
    detail = home.combination_by_region(
        episodes, year, combination, regions=regions, institutions=cell
    )
    spec = charts.bar_by_category(
        detail,
        "region",
        "persons",
        lang,
        unit="persons",
        title_key="pages_main.overlaps_combination_title",
        title_params={"combination": names, "year": year},
        kind="region",
        share="share",
        source=t("charts.source_followups", lang),
        footnotes=(t("pages_main.overlaps_combination_note", lang), *notes),
    )
    components.chart(spec, key="overlaps_combination_regions")

shares = charts.share_comparison(
    result.per_institution,
    previous.per_institution if previous else None,
    lang,
    year=year,
    footnotes=notes,
    **before,
)
components.chart(shares, key="overlaps_shares")
trend = charts.trend_line(
    home.share_trend(results),
    lang,
    "pages_main.overlaps_trend_title",
    "share",
    series="institution",
    series_kind="institution",
    title_params={"years": f"{min(results)}–{max(results)}" if len(results) > 1 else str(year)},
    source=t("charts.source_followups", lang),
    footnotes=notes,
)
components.chart(trend, key="overlaps_trend")
