"""Annotations of the charts: events on time series and the report's footnotes on its tables.

DESIGN.md §4 wants both kept in the database and editable by admins. Until that exists, they are
data in this one module, their texts in the catalogue (``dashboard/locales/pages_more.toml``,
French and German), so that the future table has exactly these fields to hold:

- an :class:`Event` is drawn on the time series it concerns (``series``) at year ``at``;
- a :class:`ReportNote` is a footnote of a published report (its ``number``, for ``year``) on
  the cells of ``indicator`` it names (``where``: dimension → code), shown when such a cell is.

Footnotes that the data can tell by itself are not here: a region that recorded no ORP↔CMS
transition (the report's note 3) is found in the data and named by the network page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dashboard.charts import ChartEvent, label
from dashboard.formatting import Language
from dashboard.i18n import t


@dataclass(frozen=True)
class Event:
    """Something that happened at year `at` and explains a change in the series `series`."""

    at: int
    series: str
    key: str  # catalogue key of the label


@dataclass(frozen=True)
class ReportNote:
    """Footnote `number` of the report of `year`, on the cells of `indicator` matching `where`."""

    number: int
    year: int
    indicator: str
    key: str  # catalogue key of the text
    where: tuple[tuple[str, str], ...] = ()


EVENTS: tuple[Event, ...] = (
    Event(2022, "protected_persons", "pages_more.event_permit_s"),
    Event(2026, "protected_persons", "pages_more.event_lias_59d"),
)
"""Events of the 2025 report: permit S from 2022 (war in Ukraine); the LIAS 59d deadline
raised from 3 to 6 months on 1 January 2026."""

_LVCC, _ESCADA = "pages_more.note_lvcc", "pages_more.note_t1_escada"
_TABLE = "complex_situations"
REPORT_NOTES: tuple[ReportNote, ...] = (
    ReportNote(4, 2025, _TABLE, _LVCC, (("announcer", "ORP"), ("region", "Sierre"))),
    ReportNote(5, 2025, _TABLE, _LVCC, (("announcer", "ORP"), ("region", "Martigny"))),
    ReportNote(6, 2025, _TABLE, _ESCADA, (("announcer", "T1/SFOP"),)),
)
"""Footnotes 4, 5 and 6 of the 2025 report, on its section 8 table."""


def chart_events(
    series: str, lang: Language, events: Iterable[Event] = EVENTS
) -> tuple[ChartEvent, ...]:
    """The events of `series`, labelled in `lang`, for :func:`dashboard.charts.trend_line`.

    >>> [event.at for event in chart_events("protected_persons", "fr")]
    [2022, 2026]
    """
    chosen = (event for event in events if event.series == series)
    return tuple(ChartEvent(event.at, t(event.key, lang)) for event in chosen)


def report_notes(
    indicator: str,
    year: int,
    lang: Language,
    shown: Mapping[str, Iterable[str] | None],
    notes: Iterable[ReportNote] = REPORT_NOTES,
) -> tuple[str, ...]:
    """The footnotes of the report of `year` on the cells of `indicator` that are shown.

    Parameters
    ----------
    indicator
        The published indicator of the table (``complex_situations``).
    year
        The year shown: a note of the 2025 report says nothing about 2024.
    lang
        ``fr`` or ``de``.
    shown
        The codes shown per dimension (``{"region": ["Sion"], "announcer": None}``); None
        shows them all.
    notes
        The notes to choose from.

    Examples
    --------
    >>> len(report_notes("complex_situations", 2025, "fr", {"region": None, "announcer": None}))
    3
    >>> sion = {"region": ["Sion"], "announcer": None}
    >>> [note[:33] for note in report_notes("complex_situations", 2025, "fr", sion)]
    ['Note 6 du rapport 2025 (T1/SFOP) ']
    >>> report_notes("complex_situations", 2024, "fr", {"region": None, "announcer": None})
    ()
    """
    texts = []
    for note in notes:
        if note.indicator != indicator or note.year != year:
            continue
        if all(shown.get(name) is None or code in set(shown[name]) for name, code in note.where):
            cell = ", ".join(label(name, code, lang) for name, code in note.where)
            text = t(note.key, lang)
            params = {"number": note.number, "year": note.year, "cell": cell, "text": text}
            texts.append(t("pages_more.report_note", lang, **params))
    return tuple(texts)
