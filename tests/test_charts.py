"""Chart builders (dashboard/charts.py): figures, titles, summaries and tables from tiny inputs.

Each builder is fed a hand-written frame in the shape its query returns (the query's contract,
not the query itself), and the figure is read back through ``to_plotly_json()``: what a page
sends to the browser.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

import plotly.graph_objects as go
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard import charts
from dashboard.charts import ChartEvent, ChartSpec
from dashboard.datasets import DATASETS, INSTITUTIONS, REGIONS
from dashboard.i18n import catalogue
from queries.overlap import OverlapResult
from queries.situations import DELAY_BUCKETS

NO_DATA = {"fr": "Aucune donnée pour cette sélection.", "de": "Keine Daten für diese Auswahl."}


def traces(figure: go.Figure) -> list[dict[str, Any]]:
    return figure.to_plotly_json()["data"]


def layout(figure: go.Figure) -> dict[str, Any]:
    return figure.to_plotly_json()["layout"]


def points(trace: dict[str, Any], *keys: str) -> pl.DataFrame:
    """A trace's per-point arrays side by side, one column per key."""
    return pl.DataFrame({key: trace[key] for key in keys}, strict=False)


# --- inputs: the shapes the queries return ---------------------------------------------------

# ORP 4'000 beneficiaries, OAI 2'000, CMS 6'000: 2'000 persons at ORP+CMS, 1'000 at all three.
PER_INSTITUTION_2025 = pl.DataFrame(
    {
        "institution": ["ORP", "OAI", "CMS"],
        "beneficiaries": [4000, 2000, 6000],
        "simultaneous": [3000, 1000, 3000],
        "share": [0.75, 0.5, 0.5],
    }
)
MATRIX_SCHEMA = {
    "institution": pl.String,
    "other": pl.String,
    "persons": pl.Int64,
    "row_share": pl.Float64,
}
MATRIX_2025 = pl.DataFrame(
    [
        ("ORP", "ORP", 3000, 0.75),
        ("ORP", "OAI", 1000, 0.25),
        ("ORP", "CMS", 3000, 0.75),
        ("OAI", "ORP", 1000, 0.5),
        ("OAI", "OAI", 1000, 0.5),
        ("OAI", "CMS", 1000, 0.5),
        ("CMS", "ORP", 3000, 0.5),
        ("CMS", "OAI", 1000, 1000 / 6000),
        ("CMS", "CMS", 3000, 0.5),
    ],
    schema=MATRIX_SCHEMA,
    orient="row",
)
COMBINATIONS_SCHEMA = {"institutions": pl.List(pl.String), "persons": pl.Int64}


def combinations(*rows: tuple[list[str], int]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=COMBINATIONS_SCHEMA, orient="row")


# Deliberately not sorted: the chart sorts.
COMBINATIONS_2025 = combinations((["ORP", "OAI", "CMS"], 1000), (["ORP", "CMS"], 2000))
COMBINATIONS_2024 = combinations((["ORP", "CMS"], 1500), (["ORP", "OAI"], 400))
RESULT_2025 = OverlapResult(
    2025, 12000, 3000, PER_INSTITUTION_2025, MATRIX_2025, COMBINATIONS_2025
)
EMPTY_RESULT = OverlapResult(
    2025, 0, 0, PER_INSTITUTION_2025.clear(), MATRIX_2025.clear(), combinations()
)


# --- overlap heatmap -------------------------------------------------------------------------


def test_overlap_heatmap_counts_is_a_grid_of_selectable_square_tiles():
    spec = charts.overlap_heatmap(RESULT_2025, "fr")

    # Heatmap cells cannot be selected in Streamlit: the tiles are scatter points.
    assert {trace["type"] for trace in traces(spec.figure)} == {"scatter"}
    shaded, framed = traces(spec.figure)
    assert shaded["marker"]["symbol"] == "square"
    expected = pl.DataFrame(
        {
            "x": ["OAI", "CMS", "ORP", "CMS", "ORP", "OAI"],
            "y": ["ORP", "ORP", "OAI", "OAI", "CMS", "CMS"],
            "text": ["1'000", "3'000", "1'000", "1'000", "3'000", "1'000"],
            "customdata": [
                ["ORP", "OAI"],
                ["ORP", "CMS"],
                ["OAI", "ORP"],
                ["OAI", "CMS"],
                ["CMS", "ORP"],
                ["CMS", "OAI"],
            ],
        }
    )
    assert_frame_equal(points(shaded, "x", "y", "text", "customdata"), expected)
    # The diagonal is framed, not shaded: persons followed simultaneously by any institution.
    assert framed["marker"]["symbol"] == "square-open"
    diagonal = pl.DataFrame(
        {
            "x": ["ORP", "OAI", "CMS"],
            "y": ["ORP", "OAI", "CMS"],
            "text": ["3'000", "1'000", "3'000"],
            "customdata": [["ORP", "ORP"], ["OAI", "OAI"], ["CMS", "CMS"]],
        }
    )
    assert_frame_equal(points(framed, "x", "y", "text", "customdata"), diagonal)
    assert shaded["hovertext"][1] == (
        "ORP et CMS<br>Personnes suivies en même temps : 3'000<br>75 % des bénéficiaires des ORP"
    )
    assert framed["hovertext"][0] == (
        "ORP<br>Personnes suivies simultanément par au moins un autre dispositif : 3'000"
        "<br>75 % des bénéficiaires des ORP"
    )
    assert shaded["hovertemplate"] == "%{hovertext}<extra></extra>"


def test_overlap_heatmap_counts_title_summary_and_table():
    spec = charts.overlap_heatmap(RESULT_2025, "fr")

    assert spec.title == (
        "Personnes suivies en même temps par deux dispositifs, 2025 (nombre de personnes)"
    )
    assert spec.summary == (
        "En 2025, la paire de dispositifs la plus fréquente est ORP et CMS "
        "(personnes suivies par les deux en même temps : 3'000)."
    )
    expected = pl.DataFrame(
        {
            "Dispositif": ["ORP", "OAI", "CMS"],
            "ORP": [3000, 1000, 3000],
            "OAI": [1000, 1000, 1000],
            "CMS": [3000, 1000, 3000],
        }
    )
    assert_frame_equal(spec.table, expected)
    assert spec.formats == {"ORP": "count", "OAI": "count", "CMS": "count"}
    assert spec.unit == "Personnes"
    assert spec.source == "suivis des dispositifs partenaires CII (ORP, OAI, CMS, OSP, OASI)"
    assert spec.footnotes[0].startswith("Diagonale (cases encadrées)")


def test_overlap_heatmap_in_german_translates_institutions_axes_and_sentences():
    spec = charts.overlap_heatmap(RESULT_2025, "de")

    shaded, _ = traces(spec.figure)
    assert shaded["x"][:2] == ["IV-Stelle", "SMZ"]
    assert shaded["y"][:2] == ["RAV", "RAV"]
    assert shaded["customdata"][1] == ["ORP", "CMS"]  # codes stay codes for the page's filters
    assert spec.title == "Gleichzeitig von zwei Stellen betreute Personen, 2025 (Anzahl Personen)"
    assert spec.summary == (
        "2025 ist RAV und SMZ das häufigste Stellenpaar "
        "(von beiden gleichzeitig betreute Personen: 3'000)."
    )
    assert spec.table.columns == ["Stelle", "RAV", "IV-Stelle", "SMZ"]
    assert layout(spec.figure)["xaxis"]["title"]["text"] == "Gleichzeitig betreut von"
    assert layout(spec.figure)["yaxis"]["title"]["text"] == "Betreute Personen der Stelle"


def test_overlap_heatmap_row_shares_shows_percents_of_the_row_institution():
    spec = charts.overlap_heatmap(RESULT_2025, "fr", mode="row_shares")

    shaded, framed = traces(spec.figure)
    assert shaded["text"] == ["25 %", "75 %", "50 %", "50 %", "50 %", "17 %"]
    assert framed["text"] == ["75 %", "50 %", "50 %"]
    assert spec.summary == (
        "En 2025, 75 % des bénéficiaires des ORP étaient suivis en même temps par les CMS, "
        "la part la plus élevée du tableau."
    )
    assert spec.table.get_column("CMS").to_list() == [0.75, 0.5, 0.5]
    assert set(spec.formats.values()) == {"percent"}
    assert spec.unit == "Part (%)"


def test_overlap_heatmap_without_any_overlap_says_so():
    matrix = MATRIX_2025.with_columns(persons=pl.lit(0, pl.Int64), row_share=pl.lit(0.0))
    result = OverlapResult(2025, 12000, 0, PER_INSTITUTION_2025, matrix, combinations())

    spec = charts.overlap_heatmap(result, "fr")

    assert spec.figure is not None  # zeros are a finding, not missing data
    expected = "En 2025, aucune personne n'a été suivie par deux dispositifs en même temps."
    assert spec.summary == expected


# --- UpSet ---------------------------------------------------------------------------------


def test_upset_bars_are_sorted_descending_with_the_combination_key_as_customdata():
    spec = charts.upset_chart(
        COMBINATIONS_2025, "fr", COMBINATIONS_2024, year=2025, previous_year=2024
    )

    bars = traces(spec.figure)[0]
    assert bars["type"] == "bar"
    assert bars["x"] == ["ORP+CMS", "ORP+OAI+CMS"]
    assert bars["y"] == [2000, 1000]
    assert bars["customdata"] == ["ORP+CMS", "ORP+OAI+CMS"]
    # The year-over-year change, on the bar and in the hover; ORP+OAI+CMS was absent in 2024.
    assert bars["text"] == ["2'000<br>(+500)", "1'000<br>(+1'000)"]
    assert bars["hovertext"][0] == "ORP + CMS<br>Personnes : 2'000<br>2024 : 1'500 (+500)"
    members = [charts.combination_members(key) for key in bars["customdata"]]
    assert members == [("ORP", "CMS"), ("ORP", "OAI", "CMS")]
    # The x axes of bars and dot matrix are the same categories, in the bars' order.
    figure_layout = layout(spec.figure)
    assert figure_layout["xaxis"]["categoryarray"] == bars["x"]
    assert figure_layout["xaxis3"]["categoryarray"] == bars["x"]


def test_upset_dot_matrix_marks_exactly_the_members_of_each_combination():
    spec = charts.upset_chart(COMBINATIONS_2025, "fr", year=2025)

    _, background, members, set_sizes = traces(spec.figure)
    pairs = zip(members["x"], members["y"], strict=True)
    filled = {(x, y) for x, y in pairs if x is not None}
    assert filled == {
        ("ORP+CMS", "ORP"),
        ("ORP+CMS", "CMS"),
        ("ORP+OAI+CMS", "ORP"),
        ("ORP+OAI+CMS", "OAI"),
        ("ORP+OAI+CMS", "CMS"),
    }
    assert members["mode"] == "lines+markers"  # members of a combination are joined
    assert members["customdata"][:3] == ["ORP+CMS", "ORP+CMS", None]  # clicking a dot selects
    # Every (combination, institution) pair has a background dot, member or not.
    assert len(background["x"]) == 2 * 3
    # Set sizes: persons for whom the institution takes part (sum of its combinations).
    sizes = pl.DataFrame(
        {"y": ["ORP", "OAI", "CMS"], "x": [3000, 1000, 3000], "customdata": ["ORP", "OAI", "CMS"]}
    )
    assert_frame_equal(points(set_sizes, "y", "x", "customdata"), sizes)
    assert set_sizes["orientation"] == "h"


def test_upset_summary_and_table_with_and_without_comparison():
    compared = charts.upset_chart(
        COMBINATIONS_2025, "fr", COMBINATIONS_2024, year=2025, previous_year=2024
    )
    alone = charts.upset_chart(COMBINATIONS_2025, "de", year=2025)

    assert compared.summary == (
        "En 2025, la combinaison la plus fréquente est ORP + CMS : 67 % des personnes suivies "
        "simultanément (2'000). Année de comparaison 2024 : 1'500 (+500)."
    )
    expected = pl.DataFrame(
        {
            "Combinaison de dispositifs": ["ORP + CMS", "ORP + OAI + CMS"],
            "Personnes 2025": [2000, 1000],
            "Personnes 2024": [1500, 0],
            "Variation": [500, 1000],
        }
    )
    assert_frame_equal(compared.table, expected)
    assert alone.summary == (
        "2025 ist RAV + SMZ die häufigste Kombination: "
        "67 % der gleichzeitig betreuten Personen (2'000)."
    )
    expected = pl.DataFrame(
        {
            "Kombination der Stellen": ["RAV + SMZ", "RAV + IV-Stelle + SMZ"],
            "Personen 2025": [2000, 1000],
        }
    )
    assert_frame_equal(alone.table, expected)


def test_upset_with_many_combinations_keeps_the_changes_out_of_the_bar_labels():
    sets = [["ORP", other] for other in ("OAI", "CMS", "OSP", "OASI")]
    sets += [["OAI", "CMS"], ["OAI", "OSP"], ["OAI", "OASI"], ["CMS", "OSP"], ["CMS", "OASI"]]
    sets += [["OSP", "OASI"], ["ORP", "OAI", "CMS"], ["ORP", "CMS", "OSP"], ["ORP", "OSP", "OASI"]]
    many = combinations(*zip(sets, range(100, 100 - len(sets), -1), strict=True))

    spec = charts.upset_chart(many, "fr", many, year=2025, previous_year=2024)

    bars = traces(spec.figure)[0]
    assert bars["text"][:2] == ["100", "99"]
    assert bars["textangle"] == -90
    assert bars["hovertext"][0].endswith("2024 : 100 (0)")


# --- shares, year vs comparison year --------------------------------------------------------

PER_INSTITUTION_2024 = pl.DataFrame(
    {
        "institution": ["ORP", "OAI", "CMS"],
        "beneficiaries": [5000, 1000, 2000],
        "simultaneous": [4000, 300, 1000],
        "share": [0.8, 0.3, 0.5],
    }
)


def compare_shares(lang: str, current: pl.DataFrame = PER_INSTITUTION_2025) -> ChartSpec:
    return charts.share_comparison(
        current, PER_INSTITUTION_2024, lang, year=2025, previous_year=2024
    )


def test_share_comparison_draws_the_comparison_year_hatched_then_the_year():
    osp = {"institution": ["OSP"], "beneficiaries": [0], "simultaneous": [0], "share": [None]}
    with_osp = pl.concat([PER_INSTITUTION_2025, pl.DataFrame(osp)])

    spec = compare_shares("fr", with_osp)

    before, current = traces(spec.figure)
    assert (before["name"], current["name"]) == ("2024", "2025")
    assert before["x"] == current["x"] == ["ORP", "OAI", "CMS", "OSP"]
    assert before["y"] == [0.8, 0.3, 0.5, None]
    assert current["y"] == [0.75, 0.5, 0.5, None]  # OSP has no beneficiaries: no bar, not 0
    assert current["text"] == ["75 %", "50 %", "50 %", ""]
    assert before["marker"]["pattern"]["shape"] == "/"
    assert current["customdata"][0] == ["ORP", 2025]
    assert current["hovertext"][1] == "OAI, 2025 : 50 %<br>Personnes suivies simultanément : 1'000 (bénéficiaires : 2'000)"
    assert layout(spec.figure)["yaxis"]["ticktext"] == ["0 %", "20 %", "40 %", "60 %", "80 %"]
    assert layout(spec.figure)["barmode"] == "group"


def test_share_comparison_summary_names_the_largest_change():
    french, german = compare_shares("fr"), compare_shares("de")

    assert french.summary == (
        "En 2025, 50 % des bénéficiaires de l'OAI étaient suivis simultanément par un autre "
        "dispositif, contre 30 % en 2024 (+20 pp), la plus forte variation."
    )
    assert german.summary == (
        "2025 wurden 50 % der betreuten Personen der IV-Stelle gleichzeitig von einer weiteren Stelle "
        "betreut, gegenüber 30 % im Jahr 2024 (+20 Pp.), die stärkste Veränderung."
    )
    expected = pl.DataFrame(
        {
            "Dispositif": ["ORP", "OAI", "CMS"],
            "Bénéficiaires 2025": [4000, 2000, 6000],
            "Suivis simultanément 2025": [3000, 1000, 3000],
            "Part 2025": [0.75, 0.5, 0.5],
            "Part 2024": [0.8, 0.3, 0.5],
        }
    )
    assert_frame_equal(french.table, expected)
    assert french.formats["Part 2024"] == "percent"


def test_share_comparison_without_comparison_year_names_the_highest_share():
    spec = charts.share_comparison(PER_INSTITUTION_2025, None, "fr", year=2025)

    assert [trace["name"] for trace in traces(spec.figure)] == ["2025"]
    assert spec.title == (
        "Part des bénéficiaires suivis simultanément par un autre dispositif, 2025 (%)"
    )
    assert spec.summary == (
        "En 2025, 75 % des bénéficiaires des ORP étaient suivis simultanément par un autre "
        "dispositif, la part la plus élevée."
    )


# --- trends --------------------------------------------------------------------------------

PROTECTED = pl.DataFrame({"year": [2022, 2023, 2024, 2025], "value": [38, None, 77, 1143]})
EVENTS = (
    ChartEvent(2022, "Permis S dès 2022"),
    ChartEvent(2026, "LIAS 59d : délai 6 mois (2026)"),
)


def test_trend_line_keeps_missing_years_as_gaps_and_years_as_plain_labels():
    spec = charts.trend_line(PROTECTED, "fr", "charts.unit.persons", "persons", EVENTS)

    (line,) = traces(spec.figure)
    assert line["x"] == [2022, 2023, 2024, 2025]
    assert line["y"] == [38, None, 77, 1143]
    assert line["connectgaps"] is False
    assert line["hovertext"][3] == "2025 : 1'143"
    axis = layout(spec.figure)["xaxis"]
    assert axis["ticktext"] == ["2022", "2023", "2024", "2025", "2026"]  # never "2'025"
    assert axis["title"]["text"] == "Année"
    assert spec.summary == "De 38 en 2022 à 1'143 en 2025 (+1'105)."
    assert spec.footnotes == (
        "Aucune donnée pour 2023 : valeur manquante, pas zéro.",
        "Événements : Permis S dès 2022 ; LIAS 59d : délai 6 mois (2026).",
    )
    expected = pl.DataFrame({"Année": [2022, 2023, 2024, 2025], "Personnes": [38, None, 77, 1143]})
    assert_frame_equal(spec.table, expected)
    assert spec.formats == {"Année": "year", "Personnes": "count"}


def test_trend_line_draws_each_event_as_a_labelled_vertical_line():
    spec = charts.trend_line(
        PROTECTED, "de", "charts.provenance_title", "persons", EVENTS, title_params={"year": 2025}
    )

    shapes = [(shape["x0"], shape["x1"], shape["yref"]) for shape in layout(spec.figure)["shapes"]]
    assert shapes == [(2022, 2022, "y domain"), (2026, 2026, "y domain")]
    annotations = [annotation["text"] for annotation in layout(spec.figure)["annotations"]]
    assert annotations == [event.label for event in EVENTS]
    assert spec.title == (
        "Herkunft der von der Plattform T1 erhaltenen Situationen, 2025 (Anzahl Situationen)"
    )
    assert spec.summary == "Von 38 im Jahr 2022 auf 1'143 im Jahr 2025 (+1'105)."


def test_trend_line_per_series_uses_fixed_colours_and_a_wide_table():
    shares = pl.DataFrame(
        {
            "year": [2024, 2025, 2024, 2025],
            "institution": ["CMS", "CMS", "ORP", "ORP"],
            "value": [0.47, 0.45, 0.28, 0.24],
        }
    )

    spec = charts.trend_line(
        shares, "fr", "charts.share_axis", "share", series="institution", series_kind="institution"
    )

    cms, orp = traces(spec.figure)
    assert (cms["name"], orp["name"]) == ("CMS", "ORP")
    assert orp["line"]["color"] == charts.INSTITUTION_COLOURS["ORP"]
    assert orp["y"] == [0.28, 0.24]
    assert orp["customdata"] == [[2024, "ORP"], [2025, "ORP"]]
    assert spec.summary == (
        "CMS : de 47 % en 2024 à 45 % en 2025 (−2 pp). "
        "ORP : de 28 % en 2024 à 24 % en 2025 (−4 pp)."
    )
    expected = pl.DataFrame({"Année": [2024, 2025], "CMS": [0.47, 0.45], "ORP": [0.28, 0.24]})
    assert_frame_equal(spec.table, expected)
    assert layout(spec.figure)["yaxis"]["ticktext"][-1] == "50 %"


def test_sparkline_is_a_bare_line_and_none_without_values():
    years = [2022, 2023, 2024, 2025]

    figure = charts.sparkline([38, 67, None, 143], years=years, unit="persons", lang="de")

    line, last = traces(figure)
    assert line["y"] == [38, 67, None, 143]
    assert line["hovertext"][-1] == "2025: 143"
    assert (last["x"], last["y"]) == ([2025], [143])
    assert layout(figure)["xaxis"]["visible"] is False
    assert layout(figure)["yaxis"]["visible"] is False
    assert charts.sparkline([None, None]) is None
    assert charts.sparkline([]) is None


# --- CII complexe ----------------------------------------------------------------------------

REGION_ANNOUNCER = pl.DataFrame(
    {
        "announcer": ["total", "ORP", "CMS"],
        "total": [3, 2, 1],
        "Sion": [2, 2, 0],
        "Monthey": [1, 0, 1],
    }
)


def test_region_announcer_heatmap_shades_counts_and_frames_totals():
    spec = charts.region_announcer_heatmap(REGION_ANNOUNCER, "de", year=2025)

    zeros, shaded, framed = traces(spec.figure)
    expected = pl.DataFrame(
        {
            "x": ["Sitten", "Monthey"],
            "y": ["RAV", "SMZ"],
            "text": ["2", "1"],
            "customdata": [["ORP", "Sion"], ["CMS", "Monthey"]],
        }
    )
    assert_frame_equal(points(shaded, "x", "y", "text", "customdata"), expected)
    expected = pl.DataFrame({"x": ["Monthey", "Sitten"], "y": ["RAV", "SMZ"], "text": ["0", "0"]})
    assert_frame_equal(points(zeros, "x", "y", "text"), expected)
    assert framed["x"] == ["Wallis", "Sitten", "Monthey", "Wallis", "Wallis"]
    assert framed["customdata"] == [
        [None, None],
        [None, "Sion"],
        [None, "Monthey"],
        ["ORP", None],
        ["CMS", None],
    ]
    assert shaded["hovertext"][0] == "RAV, Sitten<br>Situationen: 2"
    assert spec.summary == (
        "Dem IIZ-Büro 2025 gemeldete komplexe Situationen: 3; "
        "am häufigsten «RAV» in Sitten (2)."
    )
    expected = pl.DataFrame(
        {
            "Meldende Stelle": ["Gesamt", "RAV", "SMZ"],
            "Wallis": [3, 2, 1],
            "Sitten": [2, 2, 0],
            "Monthey": [1, 0, 1],
        }
    )
    assert_frame_equal(spec.table, expected)


def test_region_announcer_heatmap_tile_text_contrasts_with_its_tile():
    counts = [101, 100, 1]
    table = pl.DataFrame({"announcer": ["total", "ORP", "CMS"], "total": counts, "Sion": counts})

    spec = charts.region_announcer_heatmap(table, "fr", year=2025)

    shaded = traces(spec.figure)[0]
    # The largest count has the darkest tile and white text, a small one a light tile, dark text.
    assert shaded["textfont"]["color"] == ["#FFFFFF", "#1A1A1A"]


SERVICES = pl.DataFrame(
    {
        "service": ["tro", "assessment", "coaching_orp_cms", "cm_cii", "medical_mandate", "total"],
        "services": [23, 5, 49, 0, None, 77],
    }
)


def services_chart(lang: str, frame: pl.DataFrame = SERVICES) -> ChartSpec:
    return charts.bar_by_category(
        frame,
        "service",
        "services",
        lang,
        unit="services",
        title_key="charts.unit.services",
        kind="service",
    )


def test_bar_by_category_translates_categories_and_keeps_the_total_out_of_the_bars():
    spec = services_chart("fr")

    (bars,) = traces(spec.figure)
    assert bars["orientation"] == "h"
    assert bars["y"] == [
        "TRO (table ronde)",
        "Assessment CII",
        "Coaching ORP-CMS",
        "Case management CII",
        "Mandat médical CII",
    ]
    assert bars["x"] == [23, 5, 49, 0, None]  # a real 0 stays, a missing value is no bar
    assert bars["customdata"] == SERVICES.get_column("service").to_list()[:-1]
    assert bars["text"] == ["23", "5", "49", "0", ""]
    (mark,) = layout(spec.figure)["annotations"]
    assert (mark["y"], mark["text"]) == ("Mandat médical CII", "<i>non répertorié</i>")
    assert spec.summary == "« Coaching ORP-CMS » vient en tête avec 49 sur un total de 77."
    assert spec.footnotes == ("Non répertorié (ni zéro, ni estimé) : Mandat médical CII.",)
    assert spec.table.get_column("Prestation").to_list()[-1] == "Total"
    assert spec.table.columns == ["Prestation", "Prestations"]


def test_bar_by_category_formats_francs_and_shares_the_swiss_way():
    budget = pl.DataFrame(
        {
            "category": ["salaries", "training", "total"],
            "amount_chf": [Decimal("300000.50"), Decimal("116406.40"), Decimal("416406.90")],
            "share": [300000.50 / 416406.90, 116406.40 / 416406.90, 1.0],
        },
        schema_overrides={"amount_chf": pl.Decimal(38, 2)},
    )

    spec = charts.bar_by_category(
        budget, "category", "amount_chf", "de", unit="chf", title_key="charts.unit.chf",
        share="share",
    )

    (bars,) = traces(spec.figure)
    assert bars["x"] == [300000.5, 116406.4]
    assert bars["y"] == ["salaries", "training"]  # free text is shown as sent
    assert bars["text"] == ["CHF 300'001 (72 %)", "CHF 116'406 (28 %)"]
    assert bars["hovertext"][0] == "salaries: CHF 300'000.50 (72 %)"
    assert spec.summary == "«salaries» liegt mit CHF 300'000.50 von insgesamt CHF 416'406.90 vorne."
    assert spec.formats == {"Betrag (CHF)": "chf", "Anteil": "percent"}
    assert layout(spec.figure)["xaxis"]["ticktext"][:2] == ["CHF 0", "CHF 100'000"]


# --- CII Jeunes ------------------------------------------------------------------------------

PROVENANCE = pl.DataFrame(
    {
        "provenance": ["institutional", "private", "osp_survey", "medical_network", "total"],
        "situations": [6, 3, 0, 1, 10],
        "share": [0.6, 0.3, 0.0, 0.1, 1.0],
    }
)
INSTITUTIONAL = pl.DataFrame(
    {
        "provenance_institution": ["ORP", "circle_2_3", None, "total"],
        "situations": [2, 3, 1, 6],
        "share": [2 / 6, 0.5, 1 / 6, 1.0],
    }
)


def test_provenance_sunburst_nests_institutions_under_institutional_announcements():
    spec = charts.provenance_sunburst(PROVENANCE, INSTITUTIONAL, "fr", year=2025)

    (sunburst,) = traces(spec.figure)
    assert sunburst["type"] == "sunburst"
    expected = pl.DataFrame(
        {
            "ids": [
                "institutional",
                "private",
                "medical_network",  # the OSP survey had no situation: no sector
                "institutional/ORP",
                "institutional/circle_2_3",
                "institutional/None",
            ],
            "labels": [
                "Annonces institutionnelles",
                "Signalements privés",
                "Réseau médical",
                "ORP",
                "Membres CII 2e et 3e cercle",
                "non précisé",
            ],
            "parents": ["", "", "", "institutional", "institutional", "institutional"],
            "values": [6, 3, 1, 2, 3, 1],
            "customdata": [
                "institutional", "private", "medical_network", "ORP", "circle_2_3", None
            ],
        }
    )
    result = points(sunburst, "ids", "labels", "parents", "values", "customdata")
    assert_frame_equal(result, expected)
    assert sunburst["branchvalues"] == "total"
    assert sunburst["hovertext"][3] == "ORP<br>Situations : 2 (33 % des annonces institutionnelles)"
    assert spec.summary == (
        "Situations reçues par la Plateforme T1 en 2025 : 10, dont 60 % dans la catégorie « Annonces "
        "institutionnelles ». Parmi les annonces institutionnelles, « Membres CII 2e et 3e "
        "cercle » arrive en tête (50 %)."
    )
    assert spec.table.height == PROVENANCE.height + INSTITUTIONAL.height
    second_table_row = ("Annonces institutionnelles", "Membres CII 2e et 3e cercle", 3, 0.5)
    assert spec.table.row(6) == second_table_row


def test_provenance_sunburst_refuses_institutions_that_do_not_add_up():
    too_few = INSTITUTIONAL.filter(pl.col("provenance_institution").is_not_null())

    with pytest.raises(ValueError, match="add up to 5 situations"):
        charts.provenance_sunburst(PROVENANCE, too_few, "fr", year=2025)


# --- CII réseau ------------------------------------------------------------------------------

TRANSITIONS = pl.DataFrame(
    [("Sion", 2, 0, 2), ("Sierre", 0, 1, 1), ("Monthey", None, None, None), ("total", 2, 1, 3)],
    schema={"region": pl.String, "orp_to_cms": pl.Int64, "cms_to_orp": pl.Int64, "total": pl.Int64},
    orient="row",
)


@pytest.mark.parametrize(
    ("lang", "mark"), [("fr", "<i>non répertorié</i>"), ("de", "<i>nicht erfasst</i>")]
)
def test_transitions_never_draw_a_region_that_recorded_nothing_as_zero(lang, mark):
    spec = charts.transitions_by_region(TRANSITIONS, lang, year=2025)

    orp_to_cms, cms_to_orp = traces(spec.figure)
    # Sierre recorded no transition from the ORP (0); Monthey recorded nothing (no bar).
    assert orp_to_cms["x"] == [2, 0, None]
    assert cms_to_orp["x"] == [0, 1, None]
    assert orp_to_cms["text"][2] == cms_to_orp["text"][2] == ""
    marks = [(mark["y"], mark["text"]) for mark in layout(spec.figure)["annotations"]]
    assert marks == [("Monthey", mark)]
    assert cms_to_orp["customdata"][1] == ["Sierre", "cms_to_orp"]


def test_transitions_summary_footnote_and_table():
    french = charts.transitions_by_region(TRANSITIONS, "fr", year=2025)
    german = charts.transitions_by_region(TRANSITIONS, "de", year=2025)

    assert french.summary == (
        "Personnes signalées en 2025 par les ORP aux CMS : 2 ; par les CMS aux ORP : 1. "
        "Non répertorié (ni zéro, ni estimé) : Monthey."
    )
    assert german.footnotes == ("Nicht erfasst (weder null noch geschätzt): Monthey.",)
    assert [trace["name"] for trace in traces(german.figure)] == ["RAV → SMZ", "SMZ → RAV"]
    assert traces(german.figure)[0]["y"] == ["Sitten", "Siders", "Monthey"]
    expected = pl.DataFrame(
        {
            "Région": ["Sion", "Sierre", "Monthey", "Total"],
            "ORP → CMS": [2, 0, None, 2],
            "CMS → ORP": [0, 1, None, 1],
            "Total": [2, 1, None, 3],
        }
    )
    assert_frame_equal(french.table, expected)


# --- detection delays ----------------------------------------------------------------------

DELAYS = pl.DataFrame(
    [
        (code, low, high, count, count / 10)
        for (code, low, high), count in zip(DELAY_BUCKETS, [1, 2, 3, 0, 4], strict=True)
    ],
    schema={
        "bucket": pl.String,
        "from_days": pl.Int64,
        "to_days": pl.Int64,
        "situations": pl.Int64,
        "share": pl.Float64,
    },
    orient="row",
)


def test_histogram_delays_separates_early_detections_and_marks_six_months():
    spec = charts.histogram_delays(DELAYS, "fr", year=2025)

    early, late = traces(spec.figure)
    assert (early["x"], early["y"]) == (["Moins de 3 mois", "3 à 6 mois"], [1, 2])
    assert (late["x"], late["y"]) == (["6 à 12 mois", "1 à 2 ans", "2 ans ou plus"], [3, 0, 4])
    assert early["name"] == "Détection précoce (moins de 6 mois)"
    assert early["hovertext"][1] == "3 à 6 mois<br>Situations : 2 (20 % des situations datées)"
    (threshold,) = layout(spec.figure)["shapes"]
    assert threshold["x0"] == 1.5  # between the second and the third class
    assert spec.summary == (
        "En 2025, 30 % des situations complexes datées ont été signalées moins de 6 mois après "
        "le début du suivi (3 sur 10)."
    )


def test_histogram_delays_by_announcer_stacks_one_series_per_announcer():
    by_announcer = pl.concat(
        [DELAYS.select(pl.lit(code).alias("announcer"), pl.all()) for code in ("ORP", "CMS")]
    )

    spec = charts.histogram_delays(by_announcer, "de", year=2025)

    orp, cms = traces(spec.figure)
    assert (orp["name"], cms["name"]) == ("RAV", "SMZ")
    assert cms["customdata"][0] == ["CMS", "under_3_months"]
    assert layout(spec.figure)["barmode"] == "stack"
    assert layout(spec.figure)["legend"]["traceorder"] == "normal"  # announcers in report order
    assert spec.summary == (
        "2025 wurden 30 % der datierten komplexen Situationen weniger als 6 Monate nach "
        "Betreuungsbeginn gemeldet (6 von 20)."
    )
    expected = ["Meldende Stelle", "Zeit bis zur Meldung", "Situationen", "Anteil"]
    assert spec.table.columns == expected


# --- shared behaviour ------------------------------------------------------------------------


@cache  # built once per language: the parametrized tests below only read them
def every_chart(lang: str) -> dict[str, ChartSpec]:
    return {
        "overlap": charts.overlap_heatmap(RESULT_2025, lang),
        "upset": charts.upset_chart(COMBINATIONS_2025, lang, year=2025),
        "shares": compare_shares(lang),
        "trend": charts.trend_line(PROTECTED, lang, "charts.unit.persons", "persons", EVENTS),
        "region_announcer": charts.region_announcer_heatmap(REGION_ANNOUNCER, lang, year=2025),
        "bars": services_chart(lang),
        "sunburst": charts.provenance_sunburst(PROVENANCE, INSTITUTIONAL, lang, year=2025),
        "transitions": charts.transitions_by_region(TRANSITIONS, lang, year=2025),
        "delays": charts.histogram_delays(DELAYS, lang, year=2025),
    }


@cache
def every_chart_without_data(lang: str) -> dict[str, ChartSpec]:
    nothing = pl.DataFrame(
        {"year": [2024, 2025], "value": [None, None]}, schema={"year": pl.Int64, "value": pl.Int64}
    )
    no_situation = REGION_ANNOUNCER.with_columns(pl.exclude("announcer") * 0)
    counts = TRANSITIONS.columns[1:]
    not_recorded = TRANSITIONS.with_columns(pl.lit(None, pl.Int64).alias(name) for name in counts)
    no_share = EMPTY_RESULT.per_institution
    return {
        "overlap": charts.overlap_heatmap(EMPTY_RESULT, lang),
        "upset": charts.upset_chart(EMPTY_RESULT.combinations, lang, year=2025),
        "shares": charts.share_comparison(no_share, no_share, lang, year=2025, previous_year=2024),
        "trend": charts.trend_line(nothing, lang, "charts.unit.persons", "persons"),
        "region_announcer": charts.region_announcer_heatmap(no_situation, lang, year=2025),
        "bars": services_chart(lang, SERVICES.filter(pl.col("service") == "total")),
        "sunburst": charts.provenance_sunburst(
            PROVENANCE.with_columns(situations=0), INSTITUTIONAL.clear(), lang, year=2025
        ),
        "transitions": charts.transitions_by_region(not_recorded, lang, year=2025),
        "delays": charts.histogram_delays(DELAYS.with_columns(situations=0), lang, year=2025),
    }


CHARTS = list(every_chart("fr"))


@pytest.mark.parametrize("lang", ["fr", "de"])
@pytest.mark.parametrize("name", CHARTS)
def test_no_data_gives_no_figure_and_says_so(name, lang):
    spec = every_chart_without_data(lang)[name]

    assert spec.figure is None
    assert spec.summary == NO_DATA[lang]
    assert spec.title == every_chart(lang)[name].title  # the title still says what is missing


@pytest.mark.parametrize("name", CHARTS)
def test_titles_summaries_tables_and_sources_differ_between_french_and_german(name):
    french, german = every_chart("fr")[name], every_chart("de")[name]

    assert french.title != german.title
    assert french.summary != german.summary
    french_table = (french.table.columns, french.table.rows())
    assert french_table != (german.table.columns, german.table.rows())
    assert french.source != german.source


@pytest.mark.parametrize("name", CHARTS)
def test_charts_leave_text_and_background_colours_to_the_theme(name):
    figure_layout = layout(every_chart("fr")[name].figure)

    assert figure_layout["paper_bgcolor"] == figure_layout["plot_bgcolor"] == "rgba(0,0,0,0)"
    assert "color" not in figure_layout.get("font", {})
    assert not figure_layout.get("title", {}).get("text")  # the page shows spec.title
    assert figure_layout["separators"] == ".'"


def test_every_institution_and_region_has_a_fixed_colour_and_a_label_in_both_languages():
    assert set(charts.INSTITUTION_COLOURS) == set(INSTITUTIONS)
    assert set(charts.REGION_COLOURS) == set(REGIONS)
    assert len(set(charts.INSTITUTION_COLOURS.values())) == len(INSTITUTIONS)
    assert len(set(charts.REGION_COLOURS.values())) == len(REGIONS)
    for code in INSTITUTIONS:
        for form in ("institution", "of_institution", "by_institution"):
            assert f"charts.{form}.{code}" in catalogue()
    german = [charts.label("region", region, "de") for region in REGIONS]
    assert german == ["Oberwallis", "Siders", "Sitten", "Martinach", "Monthey"]


# Codes shown as they are sent: the same in French and German, or without an established
# German form.
SHOWN_AS_SENT = {("region", "Monthey")}


@pytest.mark.parametrize(
    ("kind", "dataset", "column"),
    [
        ("region", "followups", "region"),
        ("institution", "followups", "institution"),
        ("announcer", "situations", "announcer"),
        ("public", "situations", "public"),
        ("service", "services", "service"),
        ("provenance", "t1_situations", "provenance"),
        ("provenance_institution", "t1_situations", "provenance_institution"),
        ("modality", "coaching", "modality"),
        ("outcome", "coaching", "outcome"),
        ("direction", "transitions", "direction"),
        ("language_region", "trainings", "language_region"),
    ],
)
def test_every_canonical_code_has_a_label(kind, dataset, column):
    codes = set(DATASETS[dataset].column(column).choices)

    labelled = {code for code in codes if f"charts.{kind}.{code}" in catalogue()}

    assert codes - labelled == {code for shown_kind, code in SHOWN_AS_SENT if shown_kind == kind}


def test_every_delay_bucket_has_a_label():
    assert all(f"charts.bucket.{code}" in catalogue() for code, _, _ in DELAY_BUCKETS)


@pytest.mark.parametrize(
    ("maximum", "unit", "expected"),
    [
        (0.8, "share", ["0 %", "20 %", "40 %", "60 %", "80 %"]),
        (3, "persons", ["0", "1", "2", "3"]),  # counts never get fractional ticks
        (3000, "persons", ["0", "1'000", "2'000", "3'000"]),
        (0, "persons", ["0", "1"]),
        (
            416406.9,
            "chf",
            ["Frs. 0", "Frs. 100'000", "Frs. 200'000", "Frs. 300'000", "Frs. 400'000",
             "Frs. 500'000"],
        ),
    ],
)
def test_value_axis_ticks_are_round_and_swiss_formatted(maximum, unit, expected):
    _, texts = charts._nice_ticks(maximum, unit, "fr")

    assert texts == expected
