"""The key messages for a public audience (dashboard/public.py): no small count anywhere.

Each key message of the demo data, for the canton, every region and a pair of regions, is
searched for a count from 1 to 4 in everything it shows: the figure's data (value arrays, text,
hover texts, customdata, annotations), the summary, the notes and the table. The searching
functions (:func:`small_counts_in_text`, :func:`small_counts_in_figure`) are shared with the
AppTest sweep of the presenter's pages (tests/pages/test_presenter.py), and tested here on
planted counts so that neither search can pass vacuously.

What is a count, and what is not (the rules of :func:`small_counts_in_text`):

- a whole number standing alone, or followed by what it counts ("3 personnes"), is a count;
- not counts: a number with a sign (a change, "+3", "−3"), a percent or percentage points
  ("3 %", "−3 pp", "3 Pp."), a decimal ("0.3"), a number with thousands separators or inside
  a larger number, a date or a time ("01.02.2025", "2025-01-31", "09:30"), an ordinal ("2e",
  "2ème", German "2. Kreis"), a number inside a word or a code ("T1", "59d"), a footnote
  number ("note 1", "Fussnote 1"), and the threshold's own sentences ("< 5", "moins de 5",
  the suppression note "de 1 à 4").

The residual blind spot is a count that ends a German-style sentence followed by a word
("… 3. Weitere"), read as an ordinal: the presentation's sentences always put what a count
counts after it (dashboard/locales/presentation.toml), and the tables and figures are checked
cell by cell. Figure layouts (axis ticks and ranges, sizes, colours) are positions, not data,
and are not searched, except the annotations' texts.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboard import disclosure, public
from dashboard.charts import unit_label
from dashboard.datasets import REGIONS
from dashboard.db.load import load_dataset
from dashboard.exports import chart_to_csv, chart_to_xlsx
from dashboard.i18n import LANGUAGES, t

THRESHOLD = disclosure.DEFAULT_THRESHOLD

# --- the search ----------------------------------------------------------------------------------

_NUMBER = re.compile(
    r"(?<![\w'’.,:/\-−+])"  # not inside a word, a number, a date, a code; no sign before it
    r"(\d+)"
    r"(?![\w'’]|[.,:]\d|\s?%|\s?[pP]p\b)"  # no letter, group, decimal, time or percent after it
)
_ORDINAL = re.compile(r"\.\s+\w")  # German ordinal: "2. Kreis", "2. und 3. Kreis"
_FOOTNOTE = re.compile(r"(?:note|fussnote|anmerkung|footnote)\s*$", re.IGNORECASE)


def _safe_phrases(threshold: int) -> list[str]:
    """The texts that name the threshold itself: the flag, its words, the suppression note."""
    phrases = [disclosure.below_threshold(threshold)]
    for lang in LANGUAGES:
        phrases.append(disclosure.note(lang, threshold=threshold))
        phrases.append(t("disclosure.below_threshold", lang, threshold=threshold))
    return sorted(phrases, key=len, reverse=True)


def small_counts_in_text(text: str, threshold: int = THRESHOLD) -> list[str]:
    """The small counts (1 to ``threshold - 1``) written in `text`, as the numbers found.

    >>> small_counts_in_text("Sion : 3 personnes (12 %), +2 pp, 2e cercle, 2025")
    ['3']
    """
    for phrase in _safe_phrases(threshold):
        text = text.replace(phrase, " ")
    found = []
    for match in _NUMBER.finditer(text):
        value = int(match.group(1))
        if not 1 <= value < threshold:
            continue
        rest, before = text[match.end():], text[: match.start()]
        if _ORDINAL.match(rest) or _FOOTNOTE.search(before):
            continue
        found.append(match.group(1))
    return found


def _leaves(value: Any) -> Iterator[Any]:
    """Every scalar in a nested structure of lists and dicts."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def _small_number(value: Any, threshold: int) -> bool:
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return is_number and math.isfinite(value) and value == int(value) and 1 <= value < threshold


_TRACE_TEXTS = (
    "text", "hovertext", "texttemplate", "labels", "name", "customdata", "x", "y", "ids"
)
_TRACE_VALUES = ("x", "y", "z", "values", "customdata")


def small_counts_in_figure(figure: dict | go.Figure, threshold: int = THRESHOLD) -> list[str]:
    """The small counts in a plotly figure's data and annotations, as ``where: value`` strings.

    Searched: every trace's value arrays (``x``, ``y``, ``z``, ``values``, ``customdata``) for
    numbers from 1 to ``threshold - 1``, and its texts (``text``, ``hovertext``, labels, names,
    category values, table cells) with :func:`small_counts_in_text`; the layout's annotation
    texts and hover texts. A trace whose ``meta`` is :data:`dashboard.public.SHARE_META` holds
    shares in its value axis: those must lie in 0..1 (a count there is reported), and are
    not counts themselves.
    """
    if isinstance(figure, go.Figure):
        figure = json.loads(figure.to_json())
    found = []
    for position, trace in enumerate(figure.get("data", [])):
        shares = trace.get("meta") == public.SHARE_META
        value_axis = "y" if trace.get("orientation") == "v" or trace.get("type") != "bar" else "x"
        for key in _TRACE_VALUES:
            for value in _leaves(trace.get(key)):
                if shares and key == value_axis:
                    if isinstance(value, int | float) and not 0 <= value <= 1:
                        found.append(f"trace {position} {key} (share): {value}")
                elif _small_number(value, threshold):
                    found.append(f"trace {position} {key}: {value}")
        texts = [trace.get(key) for key in _TRACE_TEXTS]
        texts += [trace.get("cells", {}).get("values"), trace.get("header", {}).get("values")]
        for value in _leaves(texts):
            if isinstance(value, str) and small_counts_in_text(value, threshold):
                found.append(f"trace {position} text: {value!r}")
    for note in figure.get("layout", {}).get("annotations", []):
        for key in ("text", "hovertext"):
            value = note.get(key)
            if isinstance(value, str) and small_counts_in_text(value, threshold):
                found.append(f"annotation {key}: {value!r}")
    return found


def small_counts_in_table(spec, lang: str, threshold: int = THRESHOLD) -> list[str]:
    """The small counts in a ChartSpec's table: its count cells, and every text cell.

    Count cells are the numeric cells of ``count`` columns (``spec.formats``) and, in the year
    in brief (a unit column, mixed units), the cells of the count rows in the year columns.
    """
    table, found = spec.table, []
    counted = {unit_label(unit, lang) for unit in ("persons", "situations", "participants")}
    unit_column = t("presentation.column_unit", lang)
    change = t("presentation.column_change", lang)
    for name in table.columns:
        values = table.get_column(name).to_list()
        if table.schema[name] == pl.String:
            found += [f"{name}: {v!r}" for v in values if v and small_counts_in_text(v, threshold)]
            continue
        kind = spec.formats.get(name)
        if kind == "count":
            rows = range(table.height)
        elif kind == "number" and unit_column in table.columns and name != change:
            units = table.get_column(unit_column).to_list()
            rows = [r for r, unit in enumerate(units) if unit in counted]
        else:
            continue
        found += [f"{name}[{r}]: {values[r]}" for r in rows if _small_number(values[r], threshold)]
    return found


def small_counts_in_spec(spec, lang: str, threshold: int = THRESHOLD) -> list[str]:
    """Everything a key message shows: title, summary, notes, source, figure and table."""
    texts = [spec.title, spec.summary, spec.source, spec.unit, *spec.footnotes]
    found = [f"text: {text!r}" for text in texts if small_counts_in_text(text, threshold)]
    if spec.figure is not None:
        found += small_counts_in_figure(spec.figure, threshold)
    return found + small_counts_in_table(spec, lang, threshold)


# --- the search finds what is planted -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # counts
        ("3 personnes", ["3"]),
        ("Sion : 4", ["4"]),
        ("ORP + CMS (2)", ["2"]),
        ("En 2025, 1 situation a été annoncée.", ["1"]),
        ("Total : 3.", ["3"]),
        ("2 Situationen, davon 1 komplex", ["2", "1"]),
        # not counts
        ("33 %", []),
        ("3 %", []),
        ("3%", []),
        ("−3", []),
        ("+1 pp", []),
        ("−4 Pp.", []),
        ("0.3", []),
        ("83.4 %", []),
        ("1'234 personnes", []),
        ("Frs. 416'406.90", []),
        ("2025", []),
        ("01.02.2025", []),
        ("2025-01-31", []),
        ("05.01.2026 09:30", []),
        ("Membres CII 2e et 3e cercle", []),
        ("CII 2ème cercle", []),
        ("IIZ-Mitglieder 2. und 3. Kreis", []),
        ("Plateforme T1", []),
        ("(note 1 du rapport)", []),
        ("(Fussnote 1 des Berichts)", []),
        ("< 5", []),
        ("moins de 5 personnes", []),
        ("5 personnes", []),
        ("0 personne", []),
        ("X (masqué)", []),
        (disclosure.note("fr"), []),
        (disclosure.note("de"), []),
    ],
)
def test_text_search_tells_counts_from_other_numbers(text, expected):
    assert small_counts_in_text(text) == expected


def test_figure_search_finds_planted_counts_and_spares_positions_and_shares():
    clean = go.Figure(
        go.Bar(x=[None, 12, 0.5], y=["Sion", "Sierre", "Monthey"], text=["", "12", "50 %"],
               hovertext=["Sion : moins de 5 personnes", "Sierre : 12 personnes", "…"],
               customdata=["Sion", "Sierre", "Monthey"], marker={"line": {"width": 2}}),
        layout={"xaxis": {"tickvals": [0, 1, 2, 3]}, "annotations": [{"text": "< 5", "x": 0}]},
    )
    assert small_counts_in_figure(clean) == []
    rate = go.Figure(
        go.Bar(x=[1.0, None], y=["Valais", "Sion"], orientation="h", meta=public.SHARE_META)
    )
    assert small_counts_in_figure(rate) == []

    planted = [
        go.Figure(go.Bar(x=[3], y=["Sion"], orientation="h")),  # a bar of 3
        go.Figure(go.Bar(x=[None], y=["Sion"], customdata=[["Sion", 2]])),  # in the customdata
        go.Figure(go.Bar(x=[None], y=["Sion"], hovertext=["Sion : 4 personnes"])),
        go.Figure(go.Scatter(x=["ORP"], y=["CMS"], text=["3"], mode="text")),  # a tile's text
        go.Figure(go.Table(cells={"values": [["Sion"], ["2"]]})),
        go.Figure(layout={"annotations": [{"text": "1", "x": 0, "y": "Sion"}]}),
        go.Figure(go.Bar(x=[4.0], y=["Sion"], orientation="h", meta=public.SHARE_META)),  # no share
    ]
    for figure in planted:
        assert len(small_counts_in_figure(figure)) == 1, figure


def test_table_search_reads_count_columns_and_count_rows_only():
    table = pl.DataFrame({"Région": ["Sion", "Sierre"], "Cas": [3, 12], "Part": [1.0, 0.5]})
    spec = public.ChartSpec(None, "T", "", table, "S", formats={"Cas": "count", "Part": "percent"})
    assert small_counts_in_table(spec, "fr") == ["Cas[0]: 3"]
    unit, change = t("presentation.column_unit", "fr"), t("presentation.column_change", "fr")
    brief = pl.DataFrame({"Indicateur": ["a", "b"], unit: ["Personnes", "Part (%)"],
                          "2025": [2.0, 3.0], change: [3.0, 1.0]})
    spec = public.ChartSpec(None, "T", "", brief, "S", formats={"2025": "number", change: "number"})
    assert small_counts_in_table(spec, "fr") == ["2025[0]: 2.0"]


# --- the key messages of the demo data -----------------------------------------------------------


@pytest.fixture(scope="module")
def frames(demo_engine) -> dict[str, pl.DataFrame]:
    return {name: load_dataset(demo_engine, name) for name in public.DATASETS}


SELECTIONS = [
    pytest.param(None, id="canton"),
    *(pytest.param((region,), id=region) for region in REGIONS),
    pytest.param(("Sierre", "Martigny"), id="Sierre+Martigny"),
]


@pytest.mark.parametrize("regions", SELECTIONS)
@pytest.mark.parametrize(("year", "compare", "lang"), [(2025, 2024, "fr"), (2024, None, "de")])
def test_no_small_count_anywhere_in_a_key_message(frames, regions, year, compare, lang):
    messages = public.key_messages(frames, year=year, compare=compare, regions=regions, lang=lang)

    assert list(messages) == list(public.MESSAGES)
    found = {name: small_counts_in_spec(spec, lang) for name, spec in messages.items()}
    assert {name: where for name, where in found.items() if where} == {}


def _flagged_cells(spec) -> list[tuple[str, int, str]]:
    if spec.flags is None:
        return []
    cells = spec.flags.cells
    return [(name, r, mark) for name in cells.columns for r, mark in enumerate(cells[name]) if mark]


@pytest.mark.parametrize("regions", SELECTIONS)
def test_hidden_cells_are_null_in_the_table_and_have_no_bar(frames, regions):
    messages = public.key_messages(frames, year=2025, compare=2024, regions=regions, lang="fr")

    for name, spec in messages.items():
        for column, r, mark in _flagged_cells(spec):
            assert mark in ("< 5", "X"), (name, column, r)
            assert spec.table.get_column(column)[r] is None, (name, column, r)
        if spec.figure is None:
            continue
        figure = json.loads(spec.figure.to_json())
        notes = figure["layout"].get("annotations", [])
        marks = {note["y"] for note in notes if note["text"] in ("< 5", "X")}
        for trace in figure["data"]:
            if trace["type"] == "bar" and trace.get("orientation") == "h":
                bars = dict(zip(trace["y"], trace["x"], strict=True))
                assert all(bars[label] is None for label in marks), name  # a flag, no bar


def test_a_complement_is_hidden_everywhere_in_its_message(frames):
    # Canton 2025: the medical network sent 2 situations to the T1, so the OSP survey's 39
    # goes too (X): not as a bar, a label, a hover text, a share, nor in the table.
    messages = public.key_messages(frames, year=2025, compare=2024, regions=None, lang="fr")
    spec = messages["t1_provenance"]
    figure = json.loads(spec.figure.to_json())
    bar = figure["data"][0]
    survey = bar["y"].index("Enquête OSP (jeunes libérés de la scolarité obligatoire)")

    assert bar["x"][survey] is None and bar["text"][survey] == ""
    shown = json.dumps([figure["data"], figure["layout"].get("annotations")])
    assert not re.search(r"\b39\b", shown)
    assert "X" in [note["text"] for note in figure["layout"]["annotations"]]
    survey_name = "Enquête OSP (jeunes libérés de la scolarité obligatoire)"
    assert spec.table.row(3) == (survey_name, None, None, None)
    assert spec.flags.cells.row(3) == ("X", "X")


def test_coaching_rates_only_with_their_counts(frames):
    # Sion closed 11 cases in 2025, 3 in employment: the count is small, so is the rate hidden.
    spec = public.key_messages(frames, year=2025, compare=None, regions=None, lang="fr")["coaching"]
    table = spec.table.rows()

    assert table[0] == ("Valais", 27, 9, pytest.approx(1 / 3))
    assert table[3][0] == "Sion" and table[3][3] is None
    assert spec.flags.cells.row(3)[-1] == "X"
    assert spec.summary == "En 2025, 33 % des 27 cas de coaching clos ont débouché sur un emploi."


def test_transitions_of_a_region_that_recorded_none_are_missing_not_hidden(frames):
    messages = public.key_messages(frames, year=2025, compare=None, regions=None, lang="fr")
    spec = messages["transitions"]

    monthey = spec.table.filter(pl.col("Région") == "Monthey")
    assert monthey.rows() == [("Monthey", None, None, None)]
    assert spec.flags is None  # nothing hidden: Monthey is not a suppressed cell
    assert "Monthey" in spec.summary


def test_exports_of_a_key_message_carry_the_flags_and_the_note(frames):
    regions = ("Haut-Valais",)
    messages = public.key_messages(frames, year=2025, compare=None, regions=regions, lang="de")
    spec = messages["complex"]

    table, notes = chart_to_csv(spec, lang="de").decode("utf-8-sig").split("\r\n\r\n")
    xlsx = pl.read_excel(chart_to_xlsx(spec, lang="de"), sheet_name="Daten", infer_schema_length=0)

    # The CMS announced 4 complex situations in the Haut-Valais (the only region selected).
    assert "SMZ;< 5;< 5" in table.split("\r\n")
    assert disclosure.note("de") in notes
    assert xlsx.row(2) == ("SMZ", "< 5", "< 5")


def test_the_threshold_is_a_parameter(frames):
    low = public.key_messages(
        frames, year=2025, compare=None, regions=("Haut-Valais",), lang="fr", threshold=3
    )
    complex_table = low["complex"].table

    # With a threshold of 3, the OAI's 3 situations in the Haut-Valais are shown; the 2 are not.
    assert complex_table.filter(pl.col("Dispositif annonceur") == "OAI").item(0, "Haut-Valais") == 3
    assert small_counts_in_spec(low["complex"], "fr", threshold=3) == []
    assert "< 3" in json.dumps(json.loads(low["complex"].figure.to_json()))


def test_no_data_for_a_year_without_uploads(frames):
    messages = public.key_messages(frames, year=2023, compare=None, regions=None, lang="fr")

    without = [name for name, spec in messages.items() if spec.figure is None]
    assert without == [name for name in public.MESSAGES if name != "permit_s"]
    assert messages["permit_s"].table.get_column("Année").to_list() == [2022, 2023]


def test_without_suppression_the_search_finds_the_small_counts(frames):
    # The same search on messages built with a threshold of 1 (nothing hidden): the small
    # counts of the Haut-Valais are found in figures, texts and tables, so the sweep above
    # does not pass because it looks nowhere.
    messages = public.key_messages(
        frames, year=2025, compare=2024, regions=("Haut-Valais",), lang="fr", threshold=1
    )

    found = {name: small_counts_in_spec(spec, "fr") for name, spec in messages.items()}
    leaking = {name for name, where in found.items() if where}
    assert leaking >= {"combinations", "t1_provenance", "complex", "coaching"}
    assert any(where.startswith("trace 0 x:") for where in found["combinations"])  # a bar's value
    assert any(where.startswith("trace 0 text:") for where in found["combinations"])  # its label
    assert any("Situations[" in where for where in found["t1_provenance"])  # a table cell
