"""AppTest of the Formations et moyens page (pages/resources.py) on the demo data."""

from __future__ import annotations

import pytest

from dashboard.datasets import REGIONS
from tests.pages.helpers import captions, figures, rendered

PAGE = "resources"
NO_DATA = "Aucune donnée pour cette sélection. Choisissez une autre année ou d'autres régions."
NOT_APPLICABLE = "ⓘ Le filtre des régions ne s'applique pas à cette page : ses chiffres sont cantonaux."
CARDS_2025 = [
    ("Participants aux formations CII", "52"),
    ("dont Valais romand", "43"),
    ("dont Haut-Valais", "9"),
    ("Frais structurels alloués à la CII Valais", "Frs. 416'406.90"),
]


@pytest.mark.parametrize("region", REGIONS)
def test_a_region_filter_does_not_apply_and_says_so(open_page, region):
    at = rendered(open_page(PAGE, year="2025", region=[region]))
    assert NOT_APPLICABLE in captions(at)
    assert [(metric.label, metric.value) for metric in at.metric] == CARDS_2025


def test_without_region_filter_nothing_to_say(open_page):
    at = rendered(open_page(PAGE, year="2025"))
    assert NOT_APPLICABLE not in captions(at)


def test_renders_on_an_empty_database(open_page, empty_sqlite_url):
    at = rendered(open_page(PAGE, database_url=empty_sqlite_url))
    assert [info.value for info in at.info] == [NO_DATA, NO_DATA, "Aucune donnée pour cette sélection."]


def test_2025_shows_52_participants_and_frs_416406_90(open_page):
    at = rendered(open_page(PAGE, year="2025"))
    assert [(metric.label, metric.value) for metric in at.metric] == CARDS_2025
    assert at.metric[3].proto.delta == "Frs. −17'799.80 par rapport à 2024"
    assert captions(at).count("✓ Rapport 2025") == 4
    trainings, budget, budget_trend = figures(at)
    valais_romand, haut_valais = trainings["data"]
    assert sum(valais_romand["x"]) == 43 and sum(haut_valais["x"]) == 9
    assert sum(budget["data"][0]["x"]) == pytest.approx(416406.90)
    assert list(budget_trend["data"][0]["y"]) == pytest.approx([434206.70, 416406.90])
    summaries = [markdown.value for markdown in at.markdown]
    assert "De Frs. 434'206.70 en 2024 à Frs. 416'406.90 en 2025 (Frs. −17'799.80)." in summaries


def test_a_year_without_data_keeps_the_budget_trend(open_page):
    at = rendered(open_page(PAGE, year="2023"))
    assert [info.value for info in at.info] == [NO_DATA, NO_DATA]
    (budget_trend,) = figures(at)
    assert list(budget_trend["data"][0]["x"]) == [2024, 2025]


def test_in_german(open_page):
    at = rendered(open_page(PAGE, year="2025", lang="de", region=["Sion"]))
    assert at.title[0].value == "Weiterbildungen und Mittel"
    assert at.metric[3].value == "CHF 416'406.90"
    assert "ⓘ Der Regionenfilter gilt nicht für diese Seite, denn deren Zahlen betreffen den ganzen Kanton." in captions(at)
