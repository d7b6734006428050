"""AppTest of the Réseau et transitions page (pages/network.py) on the demo data."""

from __future__ import annotations

import pytest

from dashboard.datasets import REGIONS
from tests.pages.helpers import captions, figures, rendered

PAGE = "network"
NO_DATA = "Aucune donnée pour cette sélection. Choisissez une autre année ou d'autres régions."
MONTHEY_NOTE = "La région de Monthey (ORP et CMS) n'a pas répertorié les transitions."


@pytest.mark.parametrize("region", REGIONS)
def test_renders_for_each_single_region(open_page, region):
    at = rendered(open_page(PAGE, year="2025", region=[region]))
    # A region's series has no canton-wide published years.
    permit_s = figures(at)[-1]
    assert list(permit_s["data"][0]["x"]) == [2024, 2025]


def test_renders_on_an_empty_database(open_page, empty_sqlite_url):
    at = rendered(open_page(PAGE, database_url=empty_sqlite_url))
    assert [info.value for info in at.info] == [NO_DATA, "Aucune donnée pour cette sélection."]


def test_2025_shows_76_and_85_transitions_with_monthey_missing_not_zero(open_page):
    at = rendered(open_page(PAGE, year="2025"))
    assert [(metric.label, metric.value) for metric in at.metric][:2] == [("ORP → CMS", "76"), ("CMS → ORP", "85")]
    transitions, _ = figures(at)
    orp_to_cms, cms_to_orp = transitions["data"]
    assert list(orp_to_cms["y"]) == ["Haut-Valais", "Sierre", "Sion", "Martigny", "Monthey"]
    assert list(orp_to_cms["x"]) == [20, 14, 24, 18, None]
    assert list(cms_to_orp["x"]) == [22, 16, 27, 20, None]
    marks = [annotation["text"] for annotation in transitions["layout"]["annotations"] if annotation.get("y") == "Monthey"]
    assert marks == ["<i>non répertorié</i>"]
    assert MONTHEY_NOTE in captions(at)
    assert captions(at).count("✓ Rapport 2025") >= 2


def test_2024_monthey_recorded_its_transitions(open_page):
    at = rendered(open_page(PAGE, year="2024"))
    assert MONTHEY_NOTE not in captions(at)
    transitions, _ = figures(at)
    assert None not in list(transitions["data"][0]["x"])


def test_monthey_alone_says_why_there_is_nothing_to_show(open_page):
    at = rendered(open_page(PAGE, year="2025", region=["Monthey"]))
    assert [metric.value for metric in at.metric][:2] == ["…", "…"]
    assert "Aucune donnée pour cette sélection." in [info.value for info in at.info]
    assert MONTHEY_NOTE in captions(at)


def test_s_permit_persons_2022_to_2025_with_the_published_years_marked(open_page):
    at = rendered(open_page(PAGE, year="2025"))
    assert at.metric[2].value == "143" and at.metric[2].proto.delta == "+66 par rapport à 2024"
    _, permit_s = figures(at)
    trace = permit_s["data"][0]
    assert list(trace["x"]) == [2022, 2023, 2024, 2025]
    assert list(trace["y"]) == [38, 67, 77, 143]
    assert list(trace["marker"]["symbol"]) == ["circle-open", "circle-open", "circle", "circle"]
    events = [annotation["text"] for annotation in permit_s["layout"]["annotations"]]
    assert events == ["Permis S dès 2022 (guerre en Ukraine)", "LIAS 59d : délai de 6 mois dès 2026"]
    assert "Cercles vides : chiffres des rapports annuels publiés, sans données détaillées (2022, 2023)." in captions(at)


def test_a_year_known_only_from_the_report_shows_its_published_figure(open_page):
    at = rendered(open_page(PAGE, year="2023"))
    assert at.info[0].value == NO_DATA  # no transitions were sent for 2023
    (card,) = at.metric
    assert (card.value, card.proto.delta, card.proto.help) == ("67", "+29 par rapport à 2022", "Rapport annuel publié")


def test_in_german(open_page):
    at = rendered(open_page(PAGE, year="2025", lang="de"))
    assert at.title[0].value == "Netzwerk und Übergänge"
    assert [metric.label for metric in at.metric][:2] == ["RAV → SMZ", "SMZ → RAV"]
    assert "Die Region Monthey (RAV und SMZ) hat die Übergänge nicht erfasst." in captions(at)
    _, permit_s = figures(at)
    assert permit_s["layout"]["annotations"][0]["text"] == "Status S ab 2022 (Krieg in der Ukraine)"
