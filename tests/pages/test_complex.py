"""AppTest of the CII complexe page (pages/complex.py) on the demo data."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dashboard.charts import label
from dashboard.datasets import REGIONS
from tests.pages.helpers import captions, figures, rendered
from dashboard.db.load import load_dataset
from dashboard.formatting import format_percent
from queries import situations

PAGE = "complex"
CELL = "complex_cell"
NO_DATA = "Aucune donnée pour cette sélection. Choisissez une autre année ou d'autres régions."


@pytest.fixture(scope="module")
def demo(demo_sqlite_url):
    """The demo datasets the page reads, to compute what a filtered view must show."""
    engine = sa.create_engine(demo_sqlite_url)
    try:
        yield {name: load_dataset(engine, name) for name in ("situations", "services")}
    finally:
        engine.dispose()


@pytest.mark.parametrize("region", REGIONS)
def test_renders_for_each_single_region(open_page, region):
    at = rendered(open_page(PAGE, year="2025", region=[region]))
    heatmap = figures(at)[0]
    columns = {x for trace in heatmap["data"] for x in trace["x"]}
    assert columns == {"Valais", region}


def test_renders_on_an_empty_database(open_page, empty_sqlite_url):
    at = rendered(open_page(PAGE, database_url=empty_sqlite_url))
    assert [info.value for info in at.info] == [NO_DATA]


def test_2025_shows_the_section_8_table_23_tro_49_coachings_and_25_percent(open_page):
    at = rendered(open_page(PAGE, year="2025"))
    heatmap, services, delays = figures(at)
    texts = {(x, y): text for trace in heatmap["data"] for x, y, text in zip(trace["x"], trace["y"], trace["text"], strict=True)}
    assert texts[("Valais", "Total")] == "87"
    assert texts[("Sion", "ORP")] == "17" and texts[("Monthey", "CMS")] == "8"
    bars = services["data"][0]
    assert list(bars["y"]) == ["TRO (table ronde)", "Assessment CII", "Coaching ORP-CMS", "Case management CII", "Mandat médical CII"]
    assert list(bars["x"]) == [23, 5, 49, 0, 0]  # no request for CM CII nor medical mandates: zeros, shown
    notes = captions(at)
    assert "Aucune prestation en 2025 pour : Case management CII, Mandat médical CII." in notes
    assert "✓ Rapport 2025 : TRO (table ronde), Coaching ORP-CMS, Case management CII, Mandat médical CII." in notes
    assert [note[:7] for note in notes if note.startswith("Note ")] == ["Note 4 ", "Note 5 ", "Note 6 "]
    assert any("LVCC" in note for note in notes) and any("ESCADA" in note for note in notes)
    early = at.metric[0]
    assert (early.value, early.proto.delta) == ("25 %", "−11 pp par rapport à 2024")
    assert "✓ Rapport 2025" in notes
    assert sum(sum(trace["y"]) for trace in delays["data"]) == 87


def test_2024_has_no_2025_footnotes(open_page):
    at = rendered(open_page(PAGE, year="2024"))
    assert not any(note.startswith("Note ") for note in captions(at))
    assert at.metric[0].value == "36 %"


def test_a_clicked_cell_filters_the_page_with_a_visible_reset(open_page, demo):
    at = open_page(PAGE, year="2025")
    at.session_state[CELL] = ("CMS", None)  # what a click on the CMS total cell leaves behind
    rendered(at.run())
    assert [info.value for info in at.info] == ["Vue filtrée sur : CMS, Valais"]
    expected = situations.early_detection(demo["situations"], 2025, announcers=["CMS"])
    assert expected.denominator == 27
    assert at.metric[0].value == format_percent(expected.value)
    assert at.metric[0].proto.help == f"{expected.numerator} sur 27"
    _, _, delays = figures(at)
    assert sum(sum(trace["y"]) for trace in delays["data"]) == 27
    # The reset button clears the selection.
    at.button(key=f"{CELL}_reset").click()
    rendered(at.run())
    assert not at.info and at.metric[0].value == "25 %"


def test_a_clicked_region_narrows_the_services(open_page, demo):
    at = open_page(PAGE, year="2025")
    at.session_state[CELL] = (None, "Sion")
    rendered(at.run())
    assert [info.value for info in at.info] == ["Vue filtrée sur : Total, Sion"]
    _, services, _ = figures(at)
    expected = situations.services_by_type(demo["services"], 2025, regions=["Sion"])
    assert list(services["data"][0]["x"]) == expected.get_column("services").to_list()[:-1]
    assert sum(services["data"][0]["x"]) < 77  # the canton's 77 services


def test_by_announcer_stacks_the_delays(open_page):
    at = open_page(PAGE, year="2025")
    at.toggle(key="complex_by_announcer").set_value(True)
    rendered(at.run())
    _, _, delays = figures(at)
    assert "CMS" in [trace["name"] for trace in delays["data"]]


def test_in_german(open_page):
    at = rendered(open_page(PAGE, year="2025", lang="de"))
    assert at.title[0].value == "IIZ komplex"
    t1 = label("announcer", "T1/SFOP", "de")
    assert any(note.startswith(f"Fussnote 6 des Berichts 2025 ({t1})") for note in captions(at))
