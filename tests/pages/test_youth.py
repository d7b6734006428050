"""AppTest of the CII Jeunes — Plateforme T1 page (pages/youth.py) on the demo data."""

from __future__ import annotations

import pytest

from dashboard.datasets import REGIONS
from tests.pages.helpers import figures, rendered

PAGE = "youth"
NO_DATA = "Aucune donnée pour cette sélection. Choisissez une autre année ou d'autres régions."


def table_columns(figure):
    """The cells of a plotly table, bold marks removed."""
    return [[cell.replace("<b>", "").replace("</b>", "") for cell in column] for column in figure["data"][0]["cells"]["values"]]


@pytest.mark.parametrize("region", REGIONS)
def test_renders_for_each_single_region(open_page, region):
    at = rendered(open_page(PAGE, year="2025", region=[region]))
    # A region's tables are not compared with the canton-wide report.
    headers = [figure["data"][0]["header"]["values"] for figure in figures(at) if figure["data"][0]["type"] == "table"]
    assert headers and all("<b>Rapport 2025</b>" not in header for header in headers)


def test_renders_on_an_empty_database(open_page, empty_sqlite_url):
    at = rendered(open_page(PAGE, database_url=empty_sqlite_url))
    assert at.info[0].value == NO_DATA


def test_2025_shows_727_situations_606_institutional_and_both_report_tables(open_page):
    at = rendered(open_page(PAGE, year="2025"))
    assert [(metric.label, metric.value) for metric in at.metric] == [
        ("Situations traitées par la Plateforme T1", "727"),
        ("dont annonces institutionnelles", "606"),
    ]
    assert at.metric[0].proto.delta == "+265 par rapport à 2024"
    sunburst, provenance, institutional, volume = figures(at)
    assert sunburst["data"][0]["type"] == "sunburst"
    assert list(sunburst["data"][0]["values"])[:4] == [606, 80, 39, 2]
    assert table_columns(provenance) == [
        ["Annonces institutionnelles", "Signalements privés", "Enquête OSP (jeunes libérés de la scolarité obligatoire)", "Réseau médical", "Total"],
        ["606", "80", "39", "2", "727"],
        ["83.4 %", "11.0 %", "5.4 %", "0.3 %", "100.0 %"],
        ["83.3 %", "✓", "✓", "✓", ""],
    ]
    names, counts, shares, report = table_columns(institutional)
    assert names[0] == "ORP" and names[-1] == "Total"
    assert counts == ["97", "57", "32", "17", "7", "5", "391", "606"]
    assert shares[:2] == ["16.0 %", "9.4 %"] and shares[6] == "64.5 %"
    assert report == ["✓", "9.5 %", "✓", "✓", "✓", "✓", "✓", ""]
    captions = [caption.value for caption in at.caption]
    assert any("Annonces institutionnelles : 83.3 % (calculé : 83.4 %)" in caption for caption in captions)
    assert any("CIO et OSP : 9.5 % (calculé : 9.4 %)" in caption for caption in captions)
    assert any("situations jeunes annoncées au bureau CII (215)" in caption and "Plateforme T1 (727)" in caption for caption in captions)
    assert list(volume["data"][0]["y"]) == [462, 727]


def test_2024_has_no_published_tables_to_compare_with(open_page):
    at = rendered(open_page(PAGE, year="2024"))
    assert at.metric[0].value == "462"
    tables = [figure for figure in figures(at) if figure["data"][0]["type"] == "table"]
    assert len(tables) == 2 and all(len(table["data"][0]["header"]["values"]) == 3 for table in tables)


def test_in_german(open_page):
    at = rendered(open_page(PAGE, year="2025", lang="de"))
    assert at.title[0].value == "IIZ Jugendliche — Plattform T1"
    _, provenance, _, _ = figures(at)
    assert table_columns(provenance)[0][0] == "Institutionelle Meldungen"
    assert "✓ Bericht 2025" in [caption.value for caption in at.caption]
