"""KPI cards and tables of the home screen (dashboard/kpi.py)."""

from __future__ import annotations

import datetime as dt
import doctest

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard import kpi
from dashboard.i18n import LANGUAGES
from queries.summary import SUMMARY_SCHEMA, year_in_brief


def brief(*rows: tuple) -> pl.DataFrame:
    """(indicator, dimensions, unit, value, previous, absolute, relative, numerator, denominator) rows."""
    return pl.DataFrame(rows, schema=SUMMARY_SCHEMA, orient="row")


def series(*rows: tuple) -> pl.DataFrame:
    """(indicator, dimensions, year, value) rows of a summary series."""
    return pl.DataFrame(
        rows, schema={"indicator": pl.String, "dimensions": pl.String, "year": pl.Int64, "value": pl.Float64}, orient="row"
    )


def test_the_docstring_examples_run():
    assert doctest.testmod(kpi, raise_on_error=False).failed == 0


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_figure_of_the_summary_has_a_label(lang):
    schemas = {
        "situations": ("announced_on", "public", "kind", "announcer", "region"),
        "followups": ("person_id", "institution", "region", "start_date", "end_date"),
        "trainings": ("date", "language_region", "kind", "participants"),
        "budget": ("upload_year", "category", "amount_chf"),
    }
    types = {"announced_on": pl.Date, "start_date": pl.Date, "end_date": pl.Date, "date": pl.Date}
    types |= {"person_id": pl.Int64, "participants": pl.Int64, "upload_year": pl.Int64}
    types["amount_chf"] = pl.Decimal(14, 2)
    empty = {
        name: pl.DataFrame(schema={"year": pl.Int64, **{column: types.get(column, pl.String) for column in columns}})
        for name, columns in schemas.items()
    }
    figures = year_in_brief(empty, 2025, None).select("indicator", "dimensions").rows()
    labels = [kpi.indicator_label(indicator, dimensions, lang) for indicator, dimensions in figures]
    assert len(set(labels)) == len(figures) == 14
    assert all(indicator in kpi.GROUPS for indicator, _ in figures)


@pytest.mark.parametrize(
    ("absolute", "relative", "unit", "lang", "expected"),
    [
        # counts: absolute and relative, typographic minus, a plus on increases
        (-469.0, -0.0681, "count", "fr", "−469 (−7 %)"),
        (7.0, 0.0337, "count", "fr", "+7 (+3 %)"),
        (0.0, 0.0, "count", "fr", "0 (0 %)"),
        (5.0, None, "count", "fr", "+5"),  # from 0: no relative change
        # shares: percentage points only
        (-0.04, -0.1429, "share", "fr", "−4 pp"),
        (0.01, 0.1429, "share", "de", "+1 Pp."),
        # amounts: to the centime
        (-17799.8, -0.041, "chf", "fr", "Frs. −17'799.80 (−4 %)"),
        (-17799.8, -0.041, "chf", "de", "CHF −17'799.80 (−4 %)"),
        # nothing to compare with
        (None, None, "count", "fr", None),
    ],
)
def test_format_delta(absolute, relative, unit, lang, expected):
    assert kpi.format_delta(absolute, relative, unit, lang) == expected


@pytest.mark.parametrize(
    ("indicator", "absolute", "unit", "expected"),
    [
        # a change, not a success: grey whatever its direction
        ("simultaneous_persons", 120.0, "count", ("off", "up")),
        ("simultaneous_share", -0.04, "share", ("off", "down")),
        ("situations_announced", 3.0, "count", ("off", "up")),
        ("budget_chf", -17799.8, "chf", ("off", "down")),
        # more people trained is good news
        ("training_participants", 4.0, "count", ("green", "up")),
        ("training_participants", -4.0, "count", ("red", "down")),
        # a change that rounds to nothing has no arrow and no colour
        ("training_participants", 0.4, "count", ("off", "off")),
        ("simultaneous_share", -0.004, "share", ("off", "off")),
        ("budget_chf", 0.001, "chf", ("off", "off")),
        # halves round away from zero, as the formatter does: −0.5 points shows −1 pp
        ("simultaneous_share", -0.005, "share", ("off", "down")),
        (None, None, "count", ("off", "off")),
    ],
)
def test_delta_style(indicator, absolute, unit, expected):
    assert kpi.delta_style(indicator, absolute, unit) == expected


def compared_row(unit: str, published: float | None, difference: float | None) -> dict:
    """A row of queries.home.compared_with_report for the 2025 report."""
    matches = None if published is None else difference == 0
    return {"unit": unit, "published": published, "difference": difference, "matches": matches, "report_year": 2025}


@pytest.mark.parametrize(
    ("row", "lang", "expected"),
    [
        (compared_row("count", 6418.0, 0.0), "fr", ("✓ Rapport 2025", "green")),
        (compared_row("count", 6418.0, -234.0), "fr", ("Rapport 2025 : 6'418 (écart −234)", "orange")),
        (compared_row("share", 0.24, 0.01), "de", ("Bericht 2025: 24 % (Abweichung +1 Pp.)", "orange")),
        (compared_row("chf", 416406.9, -0.1), "fr", ("Rapport 2025 : Frs. 416'406.90 (écart Frs. −0.10)", "orange")),
        # published, but the data give nothing to compare
        (compared_row("count", 302.0, None), "fr", ("Rapport 2025 : 302 (écart …)", "orange")),
        (compared_row("count", None, None), "fr", None),
    ],
)
def test_report_badge(row, lang, expected):
    assert kpi.report_badge(row, lang) == expected


BRIEF = brief(
    ("simultaneous_persons", "", "count", 6418.0, 6887.0, -469.0, -0.0681, None, None),
    ("simultaneous_share", "institution=ORP", "share", 0.24, 0.28, -0.04, -0.1429, 5520, 23000),
    ("training_participants", "", "count", 52.0, None, None, None, None, None),
)
SERIES = series(
    ("simultaneous_persons", "", 2024, 6887.0),
    ("simultaneous_persons", "", 2025, 6418.0),
    ("simultaneous_persons", "", 2026, 7000.0),  # after the year shown: not on its sparkline
    ("simultaneous_share", "institution=ORP", 2024, 0.28),
    ("simultaneous_share", "institution=ORP", 2025, 0.24),
    ("training_participants", "", 2025, 52.0),
)
COMPARED = BRIEF.with_columns(
    published=pl.Series([6418.0, 0.25, None]),
    difference=pl.Series([0.0, -0.01, None]),
    matches=pl.Series([True, False, None]),
    report_year=pl.Series([2025, 2025, None], dtype=pl.Int64),
)


def test_kpi_cards():
    result = kpi.kpi_cards(BRIEF, SERIES, "fr", year=2025, previous_year=2024, compared=COMPARED)
    expected = [
        kpi.KpiCard(
            indicator="simultaneous_persons",
            dimensions="",
            group="overlaps",
            label="Personnes suivies simultanément",
            value="6'418",
            delta="−469 (−7 %)",
            delta_color="off",
            delta_arrow="down",
            delta_description="vs 2024",
            chart_data=(6887.0, 6418.0),
            help="Personnes suivies simultanément. Évolution : 2024 : 6'887 ; 2025 : 6'418.",
            badge="✓ Rapport 2025",
            badge_colour="green",
        ),
        kpi.KpiCard(
            indicator="simultaneous_share",
            dimensions="institution=ORP",
            group="shares",
            label="ORP",  # under the row's heading, which says what it is a share of
            value="24 %",
            delta="−4 pp",
            delta_color="off",
            delta_arrow="down",
            delta_description="vs 2024",
            chart_data=(0.28, 0.24),
            help="Part des bénéficiaires des ORP suivis simultanément. Évolution : 2024 : 28 % ; 2025 : 24 %. Personnes : 5'520 sur 23'000.",
            badge="Rapport 2025 : 25 % (écart −1 pp)",
            badge_colour="orange",
        ),
        kpi.KpiCard(
            indicator="training_participants",
            dimensions="",
            group="trainings",
            label="Participants aux formations CII Valais",
            value="52",
            delta=None,  # 2024 was not sent
            delta_color="off",
            delta_arrow="off",
            delta_description="2024 : …",
            chart_data=(),  # one point is no line
            help="Participants aux formations CII Valais. Évolution : 2025 : 52.",
        ),
    ]
    assert result == expected


def test_kpi_cards_without_comparison_or_report_in_german():
    result = kpi.kpi_cards(BRIEF.head(1), SERIES, "de", year=2024, previous_year=None)
    assert result == [
        kpi.KpiCard(
            indicator="simultaneous_persons",
            dimensions="",
            group="overlaps",
            label="Gleichzeitig betreute Personen",
            value="6'418",
            delta=None,
            delta_color="off",
            delta_arrow="off",
            delta_description=None,
            chart_data=(),
            help="Gleichzeitig betreute Personen. Verlauf: 2024: 6'887.",
        )
    ]


def test_brief_table_with_comparison_and_report():
    table = kpi.brief_table(BRIEF, "fr", year=2025, previous_year=2024, compared=COMPARED)
    assert table.title == "L'année 2025 en bref, comparée à 2024"
    shown = pl.DataFrame(
        {
            "Indicateur": ["Personnes suivies simultanément", "Part des bénéficiaires des ORP suivis simultanément", "Participants aux formations CII Valais"],
            "2025": ["6'418", "24 %", "52"],
            "2024": ["6'887", "28 %", "…"],
            "Variation": ["−469 (−7 %)", "−4 pp", "…"],
            "Rapport publié": ["✓ Rapport 2025", "Rapport 2025 : 25 % (écart −1 pp)", ""],
        }
    )
    assert_frame_equal(table.shown, shown)
    export = pl.DataFrame(
        {
            "Indicateur": shown.get_column("Indicateur"),
            "Unité": ["Personnes", "Part (%)", "Participants"],
            "2025": [6418.0, 24.0, 52.0],
            "2024": [6887.0, 28.0, None],
            "Variation": [-469.0, -4.0, None],
            "Variation relative": [-0.0681, -0.1429, None],
            "Rapport publié": [6418.0, 25.0, None],
            "Écart au rapport": [0.0, -1.0, None],
        }
    )
    assert_frame_equal(table.export, export)
    assert table.formats == {
        "2025": "number",
        "2024": "number",
        "Variation": "number",
        "Rapport publié": "number",
        "Écart au rapport": "number",
        "Variation relative": "percent",
    }


def test_brief_table_alone_in_german():
    table = kpi.brief_table(BRIEF.head(1), "de", year=2025, previous_year=None)
    assert table.title == "Das Jahr 2025 im Überblick"
    assert_frame_equal(table.shown, pl.DataFrame({"Kennzahl": ["Gleichzeitig betreute Personen"], "2025": ["6'418"]}))
    assert_frame_equal(
        table.export, pl.DataFrame({"Kennzahl": ["Gleichzeitig betreute Personen"], "Einheit": ["Personen"], "2025": [6418.0]})
    )
    assert table.formats == {"2025": "number"}


def test_card_rows_group_the_cards_under_headings_in_order_of_appearance():
    cards = kpi.kpi_cards(BRIEF, SERIES, "de", year=2025, previous_year=2024)
    assert [(heading, [card.indicator for card in row]) for heading, row in kpi.card_rows(cards, "de")] == [
        ("Gleichzeitige Betreuung", ["simultaneous_persons"]),
        ("Anteil gleichzeitig betreuter Personen, nach Stelle", ["simultaneous_share"]),
        ("Weiterbildungen", ["training_participants"]),
    ]


def test_freshness_table_in_german_swiss_local_time():
    freshness = pl.DataFrame(
        {
            "dataset": ["followups", "budget"],
            "year": [2025, 2024],
            "sources": ["ORP, CMS", "CII"],
            "files": [2, 1],
            "rows": [53312, 7],
            "last_upload": [dt.datetime(2026, 7, 1, 22, 15, tzinfo=dt.UTC), dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)],
            "last_file": ["cms.parquet", "b.csv"],
        }
    )
    expected = pl.DataFrame(
        {
            "Datensatz": ["Betreuungen", "Strukturkosten"],
            "Jahr": ["2025", "2024"],
            "Geliefert von": ["ORP, CMS", "CII"],
            "Dateien": [2, 1],
            "Zeilen": ["53'312", "7"],
            "Letzte Lieferung": ["02.07.2026 00:15", "01.01.2026 09:00"],  # summer and winter time
            "Letzte Datei": ["cms.parquet", "b.csv"],
        }
    )
    assert_frame_equal(kpi.freshness_table(freshness, "de"), expected)


def test_quality_warnings():
    checks = pl.DataFrame({"check": ["youth_vs_t1", "t1_complex"], "value": [215, 3], "reference": [1727, 58]})
    missed = pl.DataFrame(
        {
            "indicator": ["simultaneous_persons"],
            "dimensions": [""],
            "unit": ["count"],
            "value": [6184.0],
            "published": [6418.0],
            "difference": [-234.0],
            "report_year": [2025],
        }
    )
    result = kpi.quality_warnings(checks, missed, "fr", year=2025)
    assert [sentence.split(". ")[0] for sentence in result] == [
        "2025 — situations jeunes annoncées au bureau CII : 215 ; situations reçues par la Plateforme T1 : 1'727",
        "2025 — situations complexes annoncées au bureau CII par la Plateforme T1 : 3 ; situations complexes reçues par la T1 : 58",
        "« Personnes suivies simultanément » : les données donnent 6'184, le rapport publié ne correspond pas (Rapport 2025 : 6'418 (écart −234)).",
    ]
    assert kpi.quality_warnings(checks.clear(), None, "de", year=2025) == []
