"""The screens' extra builders (dashboard/charts_more.py), on hand-written query results."""

from __future__ import annotations

import doctest
from decimal import Decimal

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard import charts, charts_more
from dashboard.charts import ChartEvent
from queries.compare import Share

# The first T1 table of 2025 after queries.screens.with_published_shares.
PROVENANCE = pl.DataFrame(
    {
        "provenance": ["institutional", "private", "osp_survey", "medical_network", "total"],
        "situations": [606, 80, 39, 2, 727],
        "share": [606 / 727, 80 / 727, 39 / 727, 2 / 727, 1.0],
        "published_situations": [606, 80, 39, 2, None],
        "published_share": [0.833, 0.11, 0.054, 0.003, None],
        "share_decimals": [1, 0, 1, 1, None],
        "matches": [False, True, True, True, None],
    }
)


def test_the_doctests_hold():
    assert doctest.testmod(charts_more).failed == 0


# --- KPI cards ----------------------------------------------------------------------------------


def test_metric_of_a_count_with_its_change_and_published_check():
    card = charts_more.metric("Situations", 727, 462, "situations", "fr", year=2025, previous_year=2024, published=727.0)
    assert card == charts_more.Metric("Situations", "727", "+265 par rapport à 2024", "up", None, "✓ Rapport 2025")


def test_metric_of_a_share_shows_its_counts_and_points():
    card = charts_more.metric("Quote", Share(9, 27), Share(13, 25), "share", "de", year=2025, previous_year=2024, published=0.52)
    assert card == charts_more.Metric("Quote", "33 %", "−19 Pp. gegenüber 2024", "down", "9 von 27", "Bericht 2025: 52 %")


def test_metric_without_value_or_comparison():
    card = charts_more.metric("Budget", None, Decimal("434206.70"), "chf", "fr", year=2023, previous_year=2022)
    assert card == charts_more.Metric("Budget", "…", None, "off", None, None)
    card = charts_more.metric("Budget", Decimal("416406.90"), None, "chf", "fr", year=2025)
    assert (card.value, card.delta, card.note) == ("Frs. 416'406.90", None, None)


# --- tables -------------------------------------------------------------------------------------


def table_cells(spec):
    table = spec.figure.to_plotly_json()["data"][0]
    return [value.replace("<b>", "").replace("</b>", "") for value in table["header"]["values"]], [
        [cell.replace("<b>", "").replace("</b>", "") for cell in column] for column in table["cells"]["values"]
    ]


def test_provenance_table_prints_one_decimal_and_the_report_where_it_differs():
    spec = charts_more.provenance_table(PROVENANCE, "fr", year=2025, column="provenance")
    headers, columns = table_cells(spec)
    assert headers == ["Provenance", "Situations", "Part", "Rapport 2025"]
    assert columns == [
        ["Annonces institutionnelles", "Signalements privés", "Enquête OSP (jeunes libérés de la scolarité obligatoire)", "Réseau médical", "Total"],
        ["606", "80", "39", "2", "727"],
        ["83.4 %", "11.0 %", "5.4 %", "0.3 %", "100.0 %"],
        ["83.3 %", "✓", "✓", "✓", ""],
    ]
    assert spec.title == "Provenance des situations, 2025"
    assert spec.summary == "« Annonces institutionnelles » vient en tête (83.4 %, soit 606 sur 727)."
    assert spec.footnotes[0].startswith("Le rapport 2025 imprime d'autres valeurs : Annonces institutionnelles : 83.3 % (calculé : 83.4 %).")
    expected = pl.DataFrame(
        {
            "Provenance": columns[0],
            "Situations": [606, 80, 39, 2, 727],
            "Part": PROVENANCE.get_column("share").to_list(),
            "Part publiée (rapport 2025)": [0.833, 0.11, 0.054, 0.003, None],
        }
    )
    assert_frame_equal(spec.table, expected)
    assert spec.formats == {"Situations": "count", "Part": "percent", "Part publiée (rapport 2025)": "percent"}


def test_provenance_table_without_published_figures_has_no_report_column():
    unpublished = PROVENANCE.with_columns(pl.lit(None, pl.Boolean).alias("matches"))
    spec = charts_more.provenance_table(unpublished, "de", year=2024, column="provenance")
    headers, _ = table_cells(spec)
    assert headers == ["Herkunft", "Situationen", "Anteil"]
    assert spec.footnotes == ()
    assert spec.table.columns == ["Herkunft", "Situationen", "Anteil"]


def test_provenance_table_without_situations_says_so():
    empty = PROVENANCE.with_columns(pl.lit(0).alias("situations"))
    spec = charts_more.provenance_table(empty, "fr", year=2023, column="provenance")
    assert spec.figure is None and spec.summary == "Aucune donnée pour cette sélection."


def test_modality_table_formats_rates_and_days():
    overview = pl.DataFrame(
        {
            "modality": ["tandem", "intensive", "total"],
            "opened": [13, 6, 19],
            "closed": [17, 10, 27],
            "employment": [6, 3, 9],
            "reinsertion_rate": [6 / 17, 0.3, 1 / 3],
            "median_days": [345.0, 264.0, 344.0],
            "mean_days": [392.06, 296.5, 356.67],
        }
    )
    spec = charts_more.modality_table(overview, "fr", year=2025)
    headers, columns = table_cells(spec)
    assert headers[0] == "Modalité" and headers[4] == "Taux de réinsertion"
    assert columns[0] == ["Coaching en tandem", "Coaching intensif", "Total"]
    assert columns[4] == ["35 %", "30 %", "33 %"]
    assert columns[6] == ["392", "297", "357"]
    assert spec.summary == "Cas clos en 2025 : 27, dont 9 en emploi (33 %) ; durée médiane d'un cas clos : 344 jours."
    assert spec.table.get_column("Cas clos").to_list() == [17, 10, 27]


# --- grouped bars -------------------------------------------------------------------------------

ACTIVITY = pl.DataFrame(
    {
        "region": ["Haut-Valais", "Sierre", "Monthey", "total"],
        "opened": [5, 0, 4, 9],
        "closed": [9, 4, 0, 13],
        "employment": [3, 2, 0, 5],
        "reinsertion_rate": [1 / 3, 0.5, None, 5 / 13],
    }
)


def test_coaching_regions_draws_opened_and_closed_per_region_without_the_total():
    spec = charts_more.coaching_regions(ACTIVITY, "de", year=2025)
    opened, closed = spec.figure.to_plotly_json()["data"]
    assert opened["name"] == "Eröffnete Fälle" and closed["name"] == "Abgeschlossene Fälle"
    assert list(opened["y"]) == ["Oberwallis", "Siders", "Monthey"]
    assert list(opened["x"]) == [5, 0, 4] and list(closed["x"]) == [9, 4, 0]
    assert opened["customdata"][0] == ["Haut-Valais", "opened"]
    assert spec.summary == "Insgesamt: Eröffnete Fälle: 9; Abgeschlossene Fälle: 13."
    expected = pl.DataFrame(
        {
            "Region": ["Oberwallis", "Siders", "Monthey", "Gesamt"],
            "Eröffnete Fälle": [5, 0, 4, 9],
            "Abgeschlossene Fälle": [9, 4, 0, 13],
            "davon Arbeitsstelle": [3, 2, 0, 5],
            "Wiedereingliederungsquote": [1 / 3, 0.5, None, 5 / 13],
        }
    )
    assert_frame_equal(spec.table, expected)
    assert spec.formats["Wiedereingliederungsquote"] == "percent"


def test_grouped_bars_without_any_value_says_so():
    empty = ACTIVITY.with_columns(pl.lit(0).alias("opened"), pl.lit(0).alias("closed"))
    spec = charts_more.coaching_regions(empty, "fr", year=2023)
    assert spec.figure is None


def test_trainings_by_kind_stacks_the_language_regions():
    frame = pl.DataFrame(
        {
            "kind": ["Formation HES", "Journée d'introduction", "total"],
            "sessions": [1, 2, 3],
            "valais_romand": [9, 22, 31],
            "haut_valais": [0, 9, 9],
            "total": [9, 31, 40],
        }
    )
    spec = charts_more.trainings_by_kind(frame, "fr", year=2025)
    figure = spec.figure.to_plotly_json()
    assert figure["layout"]["barmode"] == "stack"
    assert [trace["name"] for trace in figure["data"]] == ["Valais romand", "Haut-Valais"]
    assert list(figure["data"][1]["text"]) == ["", "9"]  # no "0" label inside an empty segment
    assert spec.summary == "Au total : Valais romand : 31 ; Haut-Valais : 9."
    assert spec.table.columns == ["Type", "Valais romand", "Haut-Valais", "Séances", "Total"]


# --- trend with published points ------------------------------------------------------------------


def test_trend_with_origin_marks_published_points_and_says_which():
    series = pl.DataFrame({"year": [2022, 2023, 2024, 2025], "total": [38, 67, 77, 143], "origin": ["published", "published", "data", "data"]})
    events = (ChartEvent(2022, "Permis S dès 2022"),)
    spec = charts_more.trend_with_origin(series, "fr", "pages_more.network_permit_s_title", "persons", events, y="total")
    trace = spec.figure.to_plotly_json()["data"][0]
    assert list(trace["y"]) == [38, 67, 77, 143]
    assert list(trace["marker"]["symbol"]) == ["circle-open", "circle-open", "circle", "circle"]
    assert trace["hovertext"][0] == "2022 : 38 (chiffre publié)" and trace["hovertext"][3] == "2025 : 143"
    assert spec.footnotes[0] == "Cercles vides : chiffres des rapports annuels publiés, sans données détaillées (2022, 2023)."
    assert "Permis S dès 2022" in spec.footnotes[1]
    expected = pl.DataFrame(
        {
            "Année": [2022, 2023, 2024, 2025],
            "Personnes": [38, 67, 77, 143],
            "Origine du chiffre": ["Rapport annuel publié"] * 2 + ["Données détaillées"] * 2,
        }
    )
    assert_frame_equal(spec.table, expected)


def test_trend_with_origin_only_data_has_no_origin_note():
    series = pl.DataFrame({"year": [2024, 2025], "total": [77, 143], "origin": ["data", "data"]})
    spec = charts_more.trend_with_origin(series, "de", "pages_more.network_permit_s_title", "persons", y="total")
    assert not any("Leere Kreise" in note for note in spec.footnotes)
    assert spec.summary == charts.trend_line(series, "de", "pages_more.network_permit_s_title", "persons", y="total").summary


# --- notes --------------------------------------------------------------------------------------


def test_published_counts_note_lists_matches_and_differences():
    checked = pl.DataFrame(
        {"service": ["tro", "assessment", "cm_cii", "total"], "services": [23, 5, 1, 29], "published": [23, None, 0, None], "matches": [True, None, False, None]}
    )
    assert charts_more.published_counts_note(checked, "service", "services", "de", year=2025) == (
        "✓ Bericht 2025: Runder Tisch (TRO).",
        "Bericht 2025, Abweichungen: Case Management IIZ 0 (berechnet: 1).",
    )
    assert charts_more.published_counts_note(checked.with_columns(pl.lit(None, pl.Boolean).alias("matches")), "service", "services", "fr", year=2025) == ()


def test_unused_note_names_the_services_nobody_asked_for():
    delivered = pl.DataFrame({"service": ["tro", "cm_cii", "medical_mandate", "total"], "services": [23, 0, 0, 23]})
    assert charts_more.unused_note(delivered, "service", "services", "fr", year=2025) == (
        "Aucune prestation en 2025 pour : Case management CII, Mandat médical CII.",
    )


@pytest.mark.parametrize(
    ("published", "computed", "lang", "expected"),
    [
        (None, -0.19, "fr", None),
        (-0.19, None, "de", "Der Bericht 2025 nennt eine Veränderung von «19 %» gegenüber dem Vorjahr: Gemeint sind Prozentpunkte (−19 Pp.), kein Prozentsatz der Quote (hier berechnet: …)."),
    ],
)
def test_points_note(published, computed, lang, expected):
    assert charts_more.points_note(published, computed, lang, year=2025) == expected


@pytest.mark.parametrize(
    ("youth", "t1", "expected"),
    [(215.0, 727.0, True), (727.0, 727.0, False), (None, 727.0, False)],
)
def test_youth_quality_note_only_when_the_report_contradicts_itself(youth, t1, expected):
    assert (charts_more.youth_quality_note(youth, t1, "fr", year=2025) is not None) is expected
