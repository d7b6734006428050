"""1 Accueil — L'année en bref (pages/overview.py), on the demo database."""

from __future__ import annotations

import pytest

from dashboard.datasets import INSTITUTIONS, REGIONS
from dashboard.formatting import format_chf, format_count, format_percent
from tests.golden import report_2025 as report

NO_DATA = "Aucune donnée pour cette sélection. Choisissez une autre année ou d'autres régions."


def metrics(at) -> dict[str, tuple[str, str]]:
    """The rendered KPI cards: label -> (value, delta)."""
    return {metric.label: (metric.value, metric.delta) for metric in at.metric}


def badges(at) -> list[str]:
    return [element.value for element in at.markdown if "-badge[" in element.value]


def test_the_2025_cards_show_the_published_report(open_page):
    at = open_page("overview", year="2025")
    assert not at.exception
    shares = report.SIMULTANEOUS_SHARE[2025]
    expected = {
        "Situations annoncées à la CII Valais": format_count(report.SITUATIONS_ANNOUNCED[2025]),
        "dont adultes": format_count(report.SITUATIONS_BY_PUBLIC_2025["adult"]),
        "dont jeunes¹": format_count(report.SITUATIONS_BY_PUBLIC_2025["youth"]),
        "Personnes suivies simultanément": format_count(report.SIMULTANEOUS_PERSONS[2025]),
        "Part de l'ensemble des bénéficiaires suivis simultanément": format_percent(report.SIMULTANEOUS_SHARE_TOTAL_2025),
        # the shares' row: under the heading "Part des bénéficiaires suivis simultanément, par dispositif"
        **{institution: format_percent(shares[institution]) for institution in INSTITUTIONS},
        "Participants aux formations CII Valais": format_count(report.TRAINING_PARTICIPANTS[2025]),
        "dont Valais romand": format_count(report.TRAINING_PARTICIPANTS_2025["valais_romand"]),
        "dont Haut-Valais": format_count(report.TRAINING_PARTICIPANTS_2025["haut_valais"]),
        "Frais structurels alloués à la CII Valais": format_chf(report.BUDGET_CHF[2025]),
    }
    assert {label: value for label, (value, _) in metrics(at).items()} == expected
    # as the report writes them
    assert [expected[label] for label in list(expected)[3:6]] == ["6'418", "15 %", "24 %"]
    assert expected["Frais structurels alloués à la CII Valais"] == "Frs. 416'406.90"
    # every figure is one the 2025 report gives, and each matches it
    assert badges(at) == [":green-badge[✓ Rapport 2025]"] * len(expected)


def test_the_changes_against_2024_are_the_reports_and_neutral_where_a_change_is_no_success(open_page):
    at = open_page("overview", year="2025", compare="2024")
    cards = {metric.label: metric for metric in at.metric}
    persons = cards["Personnes suivies simultanément"]
    assert (persons.delta, persons.proto.delta_description) == ("−469 (−7 %)", "vs 2024")  # 6'418 vs 6'887
    assert persons.proto.color == persons.proto.MetricColor.GRAY
    assert persons.proto.direction == persons.proto.MetricDirection.DOWN
    assert cards["ORP"].delta == "−4 pp"  # 24 % vs 28 %
    assert cards["OASI"].delta == "+1 pp"  # 8 % vs 7 %
    assert cards["ORP"].help.startswith("Part des bénéficiaires des ORP suivis simultanément.")
    headings = [element.value for element in at.markdown if element.value.startswith("**")]
    assert headings == ["**Situations annoncées**", "**Suivis simultanés**", "**Part des bénéficiaires suivis simultanément, par dispositif**", "**Formations**", "**Moyens**"]
    assert cards["Frais structurels alloués à la CII Valais"].delta == "Frs. −17'799.80 (−4 %)"
    assert list(persons.proto.chart_data) == [6887.0, 6418.0]  # the sparkline, 2024 to 2025


def test_the_summary_table_and_its_downloads(open_page):
    at = open_page("overview", year="2025")
    table = at.dataframe[0].value
    assert list(table.columns) == ["Indicateur", "2025", "2024", "Variation", "Rapport publié"]
    assert table["2025"].tolist()[3:6] == ["6'418", "15 %", "24 %"]
    assert table["Rapport publié"].tolist() == ["✓ Rapport 2025"] * 14
    assert at.subheader[0].value == "L'année 2025 en bref, comparée à 2024"
    captions = [caption.value for caption in at.caption]
    assert any(caption.startswith("¹ Les situations jeunes concernent toutes les situations signalées à la Plateforme T1") for caption in captions)
    assert any(caption.startswith("Source : bureau CII Valais") for caption in captions)
    assert [button.proto.label for button in at.get("download_button")] == ["Télécharger (CSV)", "Télécharger (Excel)"]


def test_the_data_quality_panel_shows_the_reports_contradictions(open_page):
    at = open_page("overview", year="2025")
    warnings = [warning.value for warning in at.warning]
    assert len(warnings) == 2
    assert warnings[0].startswith("2025 — situations jeunes annoncées au bureau CII : 215 ; situations reçues par la Plateforme T1 : 727.")
    assert warnings[1].startswith("2025 — situations complexes annoncées au bureau CII par la Plateforme T1 : 3 ;")
    assert "ESCADA" in warnings[1]


def test_data_freshness_per_dataset_and_year(open_page):
    at = open_page("overview", year="2025")
    freshness = at.dataframe[1].value
    followups = freshness[freshness["Jeu de données"] == "Suivis"]
    assert followups["Année"].tolist() == ["2025", "2024"]
    assert followups["Envoyé par"].tolist() == [", ".join(INSTITUTIONS)] * 2
    assert followups["Fichiers"].tolist() == [5, 5]
    assert freshness[freshness["Jeu de données"] == "Situations de la Plateforme T1"]["Lignes"].tolist() == ["727", "462"]


@pytest.mark.parametrize("region", REGIONS)
def test_a_single_region_has_no_report_badge_but_says_why(open_page, region):
    at = open_page("overview", year="2025", region=[region])
    assert not at.exception
    assert len(at.metric) == 14
    assert badges(at) == []
    captions = [caption.value for caption in at.caption]
    assert "Le rapport publié donne des chiffres cantonaux : retirez le filtre des régions pour les comparer." in captions
    # trainings and budget are canton-wide: the same as without the filter
    assert metrics(at)["Frais structurels alloués à la CII Valais"][0] == "Frs. 416'406.90"


@pytest.mark.parametrize(
    "params",
    [
        {"year": "2024"},  # compared with 2023, a year without data
        {"year": "2023"},  # a year without record-level data
        {"year": "2023", "region": ["Monthey"]},  # nothing left
        {"year": "2025", "lang": "de"},
    ],
    ids=["2024", "2023", "2023-Monthey", "de"],
)
def test_renders_without_exception(open_page, params):
    at = open_page("overview", **params)
    assert not at.exception


def test_2024_is_compared_with_a_year_without_data_and_matches_the_2025_report(open_page):
    at = open_page("overview", year="2024")
    persons = {metric.label: metric for metric in at.metric}["Personnes suivies simultanément"]
    assert (persons.value, persons.delta, persons.proto.delta_description) == ("6'887", "", "2023 : …")
    # the 2025 report restates the 2024 figures
    assert ":green-badge[✓ Rapport 2025]" in badges(at)


def test_a_year_without_data_says_so(open_page):
    at = open_page("overview", year="2023")
    assert [info.value for info in at.info] == [NO_DATA]
    assert not at.metric
    assert len(at.dataframe) == 1  # data freshness is still shown


def test_an_empty_database_says_so(open_page, empty_sqlite_url):
    at = open_page("overview", database_url=empty_sqlite_url)
    assert not at.exception
    assert [info.value for info in at.info] == [NO_DATA]


def test_in_german(open_page):
    at = open_page("overview", year="2025", lang="de")
    cards = metrics(at)
    assert cards["Gleichzeitig betreute Personen"] == ("6'418", "−469 (−7 %)")
    assert cards["Zugewiesene Strukturkosten der IIZ Wallis"][0] == "CHF 416'406.90"
    assert badges(at)[0] == ":green-badge[✓ Bericht 2025]"
