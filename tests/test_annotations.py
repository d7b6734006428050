"""Events and report footnotes (dashboard/annotations.py): data in one place, texts in both languages."""

from __future__ import annotations

import doctest

import pytest

from dashboard import annotations
from dashboard.annotations import Event, ReportNote
from dashboard.charts import ChartEvent
from dashboard.i18n import LANGUAGES, catalogue

ALL = {"region": None, "announcer": None}


def test_the_doctests_hold():
    assert doctest.testmod(annotations).failed == 0


@pytest.mark.parametrize("key", sorted({item.key for item in (*annotations.EVENTS, *annotations.REPORT_NOTES)}))
def test_every_annotation_has_its_text_in_both_languages(key):
    assert set(catalogue()[key]) == set(LANGUAGES)


def test_the_permit_s_series_carries_the_reports_two_events():
    assert annotations.chart_events("protected_persons", "fr") == (
        ChartEvent(2022, "Permis S dès 2022 (guerre en Ukraine)"),
        ChartEvent(2026, "LIAS 59d : délai de 6 mois dès 2026"),
    )
    assert annotations.chart_events("protected_persons", "de")[0] == ChartEvent(2022, "Status S ab 2022 (Krieg in der Ukraine)")
    assert annotations.chart_events("coaching", "fr") == ()


def test_events_of_other_series_are_left_out():
    events = (Event(2020, "a", "pages_more.event_permit_s"), Event(2021, "b", "pages_more.event_lias_59d"))
    assert [event.at for event in annotations.chart_events("b", "fr", events)] == [2021]


def test_the_2025_table_carries_notes_4_5_and_6():
    assert annotations.report_notes("complex_situations", 2025, "fr", ALL) == (
        "Note 4 du rapport 2025 (ORP, Sierre) : une situation a été comptabilisée sous l'ORP mais signalée par la LVCC.",
        "Note 5 du rapport 2025 (ORP, Martigny) : une situation a été comptabilisée sous l'ORP mais signalée par la LVCC.",
        "Note 6 du rapport 2025 (T1/SFOP) : la Plateforme T1 comptabilise les situations complexes dans son outil métier "
        "ESCADA ; les chiffres de cette ligne ne reflètent pas la réalité du terrain.",
    )


@pytest.mark.parametrize(
    ("year", "shown", "numbers"),
    [
        (2025, {"region": ["Sierre"], "announcer": None}, [4, 6]),
        (2025, {"region": ["Sion", "Monthey"], "announcer": None}, [6]),
        (2025, {"region": None, "announcer": ["CMS"]}, []),
        (2024, ALL, []),  # notes of the 2025 report say nothing about 2024
    ],
)
def test_notes_follow_the_cells_shown(year, shown, numbers):
    notes = annotations.report_notes("complex_situations", year, "fr", shown)
    assert [int(note.split()[1]) for note in notes] == numbers


def test_a_note_in_german_names_its_cell_in_german():
    notes = (ReportNote(4, 2025, "complex_situations", "pages_more.note_lvcc", (("announcer", "ORP"), ("region", "Sierre"))),)
    assert annotations.report_notes("complex_situations", 2025, "de", ALL, notes) == (
        "Fussnote 4 des Berichts 2025 (RAV, Siders): Eine Situation wurde beim RAV gezählt, aber von der Krebsliga Wallis (frz. LVCC) gemeldet.",
    )
