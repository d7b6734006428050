"""AppTest of the Coaching ORP-CMS page (pages/coaching.py) on the demo data."""

from __future__ import annotations

import pytest

from dashboard.datasets import REGIONS
from tests.pages.helpers import figures, rendered

PAGE = "coaching"
NO_DATA = "Aucune donnée pour cette sélection. Choisissez une autre année ou d'autres régions."


@pytest.mark.parametrize("region", REGIONS)
def test_renders_for_each_single_region(open_page, region):
    at = rendered(open_page(PAGE, year="2025", region=[region]))
    # The report is canton-wide: a region's rate is not compared with it.
    assert not any(caption.value.startswith("✓ Rapport") for caption in at.caption)


def test_renders_on_an_empty_database(open_page, empty_sqlite_url):
    at = rendered(open_page(PAGE, database_url=empty_sqlite_url))
    assert [info.value for info in at.info] == [NO_DATA, "Aucune donnée pour cette sélection."]


def test_2025_shows_the_reports_rate_and_its_fall_in_points(open_page):
    at = rendered(open_page(PAGE, year="2025"))
    cards = [(metric.label, metric.value) for metric in at.metric]
    assert cards == [("Cas ouverts", "19"), ("Cas clos", "27"), ("Taux de réinsertion (cas clos en emploi)", "33 %")]
    assert at.metric[2].proto.delta == "−19 pp par rapport à 2024"
    captions = [caption.value for caption in at.caption]
    assert "✓ Rapport 2025" in captions
    assert any("« 19 % »" in caption and "points de pourcentage (−19 pp)" in caption for caption in captions)
    outcomes, regions, modalities, trend = figures(at)
    assert list(outcomes["data"][0]["x"]) == [9, 6, 8, 4]  # employment, training, no reinsertion, dropped out
    assert list(regions["data"][1]["x"]) == [9, 4, 11, 3, 0]  # closed per region, Monthey none
    assert modalities["data"][0]["type"] == "table"
    assert list(trend["data"][0]["y"]) == pytest.approx([0.52, 9 / 27])
    assert "De 52 % en 2024 à 33 % en 2025 (−19 pp)." in [markdown.value for markdown in at.markdown]


def test_a_year_without_data_keeps_the_trend_of_the_other_years(open_page):
    at = rendered(open_page(PAGE, year="2023"))
    assert at.info[0].value == NO_DATA
    assert not at.metric
    (trend,) = figures(at)
    assert list(trend["data"][0]["x"]) == [2024, 2025]


def test_in_german(open_page):
    at = rendered(open_page(PAGE, year="2025", lang="de"))
    assert at.title[0].value == "Coaching RAV-SMZ"
    assert at.metric[2].proto.delta == "−19 Pp. gegenüber 2024"
    assert "✓ Bericht 2025" in [caption.value for caption in at.caption]
