"""2 Chevauchements (pages/overlaps.py), on the demo database."""

from __future__ import annotations

import json

import polars as pl
import pytest

from dashboard.datasets import REGIONS
from dashboard.db.engine import ensure_database
from dashboard.db.load import load_dataset
from dashboard.formatting import format_count, format_percent
from queries import home
from queries.overlap import overlap_summary

HEATMAP, UPSET = 0, 1  # plotly charts in page order

NO_DATA = "Aucune donnée pour cette sélection. Choisissez une autre année ou d'autres régions."


@pytest.fixture(scope="module")
def followups_2025(demo_sqlite_url) -> pl.DataFrame:
    engine = ensure_database(demo_sqlite_url)
    try:
        return load_dataset(engine, "followups", years=[2025])
    finally:
        engine.dispose()


def figure(at, index: int) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def heatmap_cells(at) -> dict[tuple[str, str], str]:
    """(institution, other) -> the text of its tile."""
    cells = {}
    for trace in figure(at, HEATMAP)["data"]:
        cells |= {tuple(codes): text for codes, text in zip(trace["customdata"], trace["text"], strict=True)}
    return cells


def upset_bars(at) -> dict[str, int]:
    """The combination bars of the UpSet chart: ``"ORP+CMS"`` -> persons."""
    bars = figure(at, UPSET)["data"][0]
    return dict(zip(bars["customdata"], bars["y"], strict=True))


def matrix_texts(result, column: str, formatter) -> dict[tuple[str, str], str]:
    return {(i, j): formatter(value) for i, j, value in result.matrix.select("institution", "other", column).iter_rows()}


def test_the_heatmap_holds_the_overlap_matrix_of_2025(open_page, followups_2025):
    at = open_page("overlaps", year="2025")
    assert not at.exception
    result = overlap_summary(followups_2025, 2025)
    assert heatmap_cells(at) == matrix_texts(result, "persons", format_count)
    assert heatmap_cells(at)[("ORP", "CMS")] == "3'111"
    assert [metric.value for metric in at.metric] == ["42'787", "6'418", "15 %"]


def test_the_heatmap_switches_to_row_shares(open_page, followups_2025):
    at = open_page("overlaps", year="2025")
    at.button_group(key="overlaps_mode").set_value("row_shares").run()
    assert heatmap_cells(at) == matrix_texts(overlap_summary(followups_2025, 2025), "row_share", lambda share: format_percent(share))


def test_the_upset_chart_and_its_change_against_2024(open_page, followups_2025):
    at = open_page("overlaps", year="2025", compare="2024")
    result = overlap_summary(followups_2025, 2025)
    expected = {"+".join(names): persons for names, persons in result.combinations.iter_rows()}
    assert upset_bars(at) == expected
    assert "Variation par rapport à 2024 : une combinaison absente en 2024 y comptait 0 personne." in [c.value for c in at.caption]
    titles = [subheader.value for subheader in at.subheader]
    assert titles[2:] == [
        "Part des bénéficiaires suivis simultanément par un autre dispositif, 2025 et 2024 (%)",
        "Part des bénéficiaires suivis simultanément, par dispositif, 2024–2025 (%)",
    ]


def test_a_clicked_cell_restricts_the_views_below_with_a_visible_reset(open_page, followups_2025):
    at = open_page("overlaps", year="2025")
    # A click stores the cell's codes (components.selected_codes); AppTest cannot click a plotly point.
    at.session_state["overlaps_cell"] = ("ORP", "CMS")
    at.run()
    assert not at.exception
    assert [info.value for info in at.info] == ["Vue filtrée sur : suivis de ORP + CMS"]
    restricted = overlap_summary(followups_2025, 2025, institutions=["ORP", "CMS"])
    assert upset_bars(at) == {"ORP+CMS": 3111} == {"+".join(names): persons for names, persons in restricted.combinations.iter_rows()}
    # the matrix itself stays whole, to pick another cell
    assert len(heatmap_cells(at)) == 25

    at.button(key="overlaps_cell_reset").click().run()
    assert not at.exception
    assert not at.info
    assert len(upset_bars(at)) == 23
    assert "overlaps_cell" not in at.session_state
    # the heatmap is a new chart, without the old selection that would filter again
    assert at.session_state["overlaps_cell_generation"] == 1


def test_a_diagonal_cell_filters_nothing(open_page):
    at = open_page("overlaps", year="2025")
    at.session_state["overlaps_cell"] = ("CMS", "CMS")
    at.run()
    assert not at.info
    assert len(upset_bars(at)) == 23


def test_a_clicked_combination_shows_it_per_region(open_page):
    at = open_page("overlaps", year="2025")
    at.session_state["overlaps_combination"] = ("ORP+CMS",)
    at.run()
    assert not at.exception
    assert [info.value for info in at.info] == ["Vue filtrée sur : combinaison ORP + CMS"]
    assert "Personnes suivies simultanément par exactement ORP + CMS, par région, 2025" in [s.value for s in at.subheader]
    bars = figure(at, 2)["data"][0]
    assert bars["customdata"] == list(REGIONS)
    # every demo person is followed in one region: the regions add up to the canton's 2'253
    assert sum(bars["x"]) == 2253 == upset_bars(at)["ORP+CMS"]


@pytest.mark.parametrize("region", REGIONS)
def test_each_region(open_page, followups_2025, region):
    at = open_page("overlaps", year="2025", region=[region])
    assert not at.exception
    result = overlap_summary(followups_2025, 2025, regions=[region])
    assert heatmap_cells(at) == matrix_texts(result, "persons", format_count)


@pytest.mark.parametrize(
    "params",
    [
        {"year": "2024"},
        {"year": "2025", "lang": "de"},
    ],
    ids=["2024", "de"],
)
def test_renders_without_exception(open_page, params):
    at = open_page("overlaps", **params)
    assert not at.exception
    assert len(at.get("plotly_chart")) == 4


@pytest.mark.parametrize(
    "params",
    [{"year": "2023"}, {"year": "2023", "region": ["Monthey"]}],
    ids=["2023", "2023-Monthey"],
)
def test_a_year_without_data_says_so(open_page, params):
    at = open_page("overlaps", **params)
    assert not at.exception
    assert [info.value for info in at.info] == [NO_DATA]
    assert not at.get("plotly_chart")


def test_an_empty_database_says_so(open_page, empty_sqlite_url):
    at = open_page("overlaps", database_url=empty_sqlite_url)
    assert not at.exception
    assert [info.value for info in at.info] == [NO_DATA]


def test_in_german(open_page):
    at = open_page("overlaps", year="2025", lang="de")
    assert [metric.label for metric in at.metric] == ["Betreute Personen 2025", "Gleichzeitig betreute Personen 2025", "Anteil gleichzeitig betreuter Personen 2025"]
    assert at.subheader[0].value.startswith("Gleichzeitig von zwei Stellen betreute Personen, 2025")


@pytest.mark.parametrize("cell", [None, ("ORP", "CMS")], ids=["whole", "cell"])
def test_each_overlap_is_computed_once_per_run(open_page, monkeypatch, cell):
    at = open_page("overlaps", year="2025", compare="2024")
    if cell:
        at.session_state["overlaps_cell"] = cell
    calls = []

    def counting(episodes, year, **filters):
        calls.append((year, repr(filters)))
        return overlap_summary(episodes, year, **filters)

    monkeypatch.setattr(home, "overlap_summary", counting)
    at.run()
    assert not at.exception
    assert len(calls) == len(set(calls))
    # each year with data once; with a cell, the unfiltered year of the heatmap once more
    assert sorted(year for year, _ in calls) == ([2024, 2025, 2025] if cell else [2024, 2025])
