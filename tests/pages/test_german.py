"""The German sweep (issue 6 acceptance): no French catalogue text on any page rendered in German.

Every page is rendered with ``?lang=de`` in a few states; every piece of text a user can see —
element texts, labels, help, placeholders, options, table headers and string cells, and the
strings of the plotly figures — is gathered and searched for the catalogue's *French-only*
texts: the French messages whose German differs. Allowed on a German page:

- proper names: the regions' official names (the region filter lists them as such, so that a
  link works in either language) and the institutions' codes;
- the free text the partners sent (training kinds, budget lines...), shown as sent;
- a French name in parentheses beside its German one, as the glossary writes "RAV (frz. ORP)".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache

import pytest
from google.protobuf.descriptor import FieldDescriptor

from dashboard.datasets import DATASETS, REGIONS, SOURCES
from dashboard.db.engine import ensure_database
from dashboard.db.load import load_dataset
from dashboard.i18n import catalogue, t
from tests.pages.conftest import PAGES
from tests.pages.helpers import rendered

PROPER_NAMES = frozenset((*REGIONS, *SOURCES))
"""Shown as they are in both languages: the region filter lists the official names (a link then
works in either language) and institutions are known by their codes."""

# Figure fields no one sees: element ids, and customdata, which carries the canonical codes of
# a point for selections unless a template shows it.
_HIDDEN_FIGURE_KEYS = frozenset({"ids", "uid", "legendgroup", "customdata"})

SHORTEST_TEXT = 4  # "ORP", " ; ": too short to tell a leak from a code or a separator
SHORTEST_FRAGMENT = 12  # around placeholders, shorter pieces ("{count} cas") say too little
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")

STATES = [
    pytest.param({"year": "2025"}, id="2025"),
    pytest.param({"year": "2024"}, id="2024"),
    pytest.param({"year": "2025", "region": ["Sion"]}, id="Sion"),
]


def french_fragments(french: str) -> list[str]:
    """What of a French message can be searched for in a rendered page.

    A message without placeholders is searched for whole (if it has ``SHORTEST_TEXT``
    characters); a message with placeholders by its literal pieces of ``SHORTEST_FRAGMENT``
    characters or more, as the page shows it filled in.
    """
    pieces = [piece.strip() for piece in _PLACEHOLDER.split(french)]
    if len(pieces) == 1:
        return pieces if len(pieces[0]) >= SHORTEST_TEXT else []
    return [piece for piece in pieces if len(piece) >= SHORTEST_FRAGMENT]


@cache
def french_only() -> dict[str, tuple[str, ...]]:
    """French-only text -> the catalogue keys it comes from.

    Left out: messages identical in German, proper names, and pieces that also occur in a German
    message (such a piece proves nothing on a German page).
    """
    messages = catalogue()
    german = [texts["de"] for texts in messages.values()]
    found: dict[str, list[str]] = {}
    for key, texts in messages.items():
        if texts["fr"] == texts["de"]:
            continue
        for fragment in french_fragments(texts["fr"]):
            if fragment in PROPER_NAMES or any(fragment in text for text in german):
                continue
            found.setdefault(fragment, []).append(key)
    return {fragment: tuple(keys) for fragment, keys in found.items()}


@cache
def _french_pattern() -> re.Pattern[str]:
    # Longest first, so that "Année de début" is reported rather than the "Année" inside it;
    # whole words only, so that "Part" is not found inside "Partner".
    fragments = sorted(french_only(), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, fragments)) + r")(?!\w)")


def _proto_strings(message, where: str) -> Iterator[tuple[str, str]]:
    """Every string field of a protobuf message, recursively (bytes, such as Arrow data, skipped)."""
    for field, value in message.ListFields():
        name = f"{where}.{field.name}"
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            if field.message_type.GetOptions().map_entry:
                items = value.items()
            elif field.is_repeated:
                items = enumerate(value)
            else:
                items = [(None, value)]
            for index, item in items:
                at = name if index is None else f"{name}[{index}]"
                if isinstance(item, str):
                    yield at, item
                elif hasattr(item, "ListFields"):
                    yield from _proto_strings(item, at)
        elif field.type == FieldDescriptor.TYPE_STRING:
            values = list(value) if field.is_repeated else [value]
            for index, text in enumerate(values):
                yield (name if len(values) == 1 else f"{name}[{index}]"), text


def _json_strings(value, where: str) -> Iterator[tuple[str, str]]:
    """Every string in a JSON value (plotly figure), with its path."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _json_strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{where}[{index}]")


def _figure_strings(spec: str, where: str) -> Iterator[tuple[str, str]]:
    figure = json.loads(spec)
    figure.get("layout", {}).pop("template", None)  # plotly's theme: fonts and colours only
    for trace in figure.get("data", []):
        templates = json.dumps([trace.get("hovertemplate"), trace.get("texttemplate")])
        for key in _HIDDEN_FIGURE_KEYS - ({"customdata"} if "customdata" in templates else set()):
            trace.pop(key, None)
    yield from _json_strings(figure, where)


def _frame_strings(frame, where: str) -> Iterator[tuple[str, str]]:
    """A dataframe's column names, named index and string cells (pandas, as AppTest gives it)."""
    for column in frame.columns:
        for name in column if isinstance(column, tuple) else (column,):
            yield f"{where}.columns", str(name)
    if frame.index.name is not None or frame.index.dtype.kind not in "iu":
        yield from ((f"{where}.index", str(label)) for label in frame.index)
    for column in frame.columns:
        for row, cell in enumerate(frame[column].tolist()):
            if isinstance(cell, str):
                yield f"{where}[{row}, {column!r}]", cell


def visible_texts(at) -> Iterator[tuple[str, str]]:
    """(where, text) for every text of a rendered page, in page order; ``where`` is
    ``<element type>[<index among that type>].<field path>``."""
    seen: dict[str, int] = {}

    def walk(node) -> Iterator[tuple[str, str]]:
        kind = getattr(node, "type", type(node).__name__)
        proto = getattr(node, "proto", None)
        if proto is not None:
            index = seen[kind] = seen.get(kind, -1) + 1
            where = f"{kind}[{index}]"
            for field, text in _proto_strings(proto, where):
                if kind == "plotly_chart" and field == f"{where}.spec":
                    yield from _figure_strings(text, where)
                else:
                    yield field, text
            if kind in ("dataframe", "table"):
                yield from _frame_strings(node.value, where)
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                yield from walk(child)

    # The whole tree, not just at.main and at.sidebar: the event block holds toasts and dialogs.
    yield from walk(at._tree)


def _words(texts) -> re.Pattern[str]:
    alternatives = "|".join(map(re.escape, sorted(texts, key=len, reverse=True)))
    return re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)")


def _beside_german(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] stands in parentheses after its German name: "RAV (frz. ORP)"."""
    before = text[:start]
    return text[end : end + 1] == ")" and (before.endswith(" (") or before.endswith(" (frz. "))


def french_leaks(at, allowed=PROPER_NAMES) -> list[tuple[str, str, tuple[str, ...]]]:
    """(where, French text, catalogue keys) for every French-only text found on the page.

    A match that lies within an ``allowed`` text (proper names, the partners' free text: "Valais"
    in "Haut-Valais") is no leak; one that merely contains an allowed name ("Plateforme T1") is.
    """
    pattern, keys, names = _french_pattern(), french_only(), _words(allowed)
    leaks = []
    for where, text in visible_texts(at):
        spans = [match.span() for match in names.finditer(text)]
        for match in pattern.finditer(text):
            start, end = match.span()
            inside = any(left <= start and end <= right for left, right in spans)
            if not inside and not _beside_german(text, start, end):
                leaks.append((where, match[0], keys[match[0]]))
    return leaks


@pytest.fixture(scope="session")
def allowed(demo_sqlite_url) -> frozenset[str]:
    """Proper names, and every value of the datasets' free-text columns in the demo database."""
    engine = ensure_database(demo_sqlite_url)
    sent = set()
    for name, dataset in DATASETS.items():
        columns = [column.name for column in dataset.columns if column.kind == "text"]
        if columns:
            frame = load_dataset(engine, name).select(columns)
            sent |= {value for column in frame.iter_columns() for value in column.drop_nulls().unique()}
    return PROPER_NAMES | sent


def test_the_french_only_texts_leave_out_proper_names_and_shared_pieces():
    texts = french_only()
    # whole messages, and the long literal pieces of messages with placeholders
    assert {"app.filter_year", "charts.column.year", "pages_main.freshness_year"} <= set(texts["Année"])
    assert french_fragments("Aucune donnée pour {region} cette année-là") == ["Aucune donnée pour", "cette année-là"]
    assert french_fragments("{count} cas") == []
    assert french_fragments("ORP") == []
    # the regions' and institutions' names are translated in charts, yet allowed as proper names
    translated_names = {texts["fr"] for texts in catalogue().values()} & PROPER_NAMES
    assert translated_names >= {"Sion", "Sierre", "Haut-Valais", "Martigny", "OASI", "ORP"}
    assert not PROPER_NAMES & set(texts)
    # nothing searched for occurs in a German message
    assert not [text for text in texts if any(text in m["de"] for m in catalogue().values())]


def test_the_sweep_finds_french_on_a_french_page(open_page):
    """Control: the same sweep on the French overview reports its French texts, where they are."""
    at = rendered(open_page("overview", year="2025"))
    leaks = {(where, text) for where, text, _ in french_leaks(at)}
    assert ("title[0].body", t("app.page_overview", "fr")) in leaks
    assert any(where.startswith("dataframe[0].columns") for where, _ in leaks)
    assert any(where.startswith("metric[") and where.endswith(".label") for where, _ in leaks)


def test_the_sweep_reads_figures_tables_and_the_sidebar(open_page):
    """Control: the gathered texts include the German texts of every kind of element."""
    at = rendered(open_page("overlaps", year="2025", lang="de"))
    texts = dict(visible_texts(at))
    assert texts["title[0].body"] == t("app.page_overlaps", "de")
    assert texts["multiselect[0].label"] == t("app.filter_regions", "de")  # the sidebar
    assert texts["plotly_chart[0].layout.yaxis.title.text"] == "Betreute Personen der Stelle"
    assert texts["plotly_chart[0].data[0].hovertext[16]"].startswith("Asylamt und RAV<br>")
    assert not [where for where in texts if "customdata" in where or ".ids[" in where]  # hidden
    frames = dict(visible_texts(rendered(open_page("overview", year="2025", lang="de"))))
    assert frames["dataframe[0].columns"] == "Veröffentlichter Bericht"  # the last column's name


def test_allowed_french_is_only_proper_names_partners_text_and_names_beside_german(allowed):
    assert "Formation HES travail social" in allowed  # a training kind, as the demo sends it
    assert _beside_german("RAV (frz. ORP)", 10, 13)
    assert _beside_german("Coaching RAV-SMZ (Coaching ORP-CMS)", 18, 34)
    assert not _beside_german("Coaching ORP-CMS", 0, 16)
    assert not _beside_german("(Année)", 1, 6)


@pytest.mark.parametrize("params", STATES)
@pytest.mark.parametrize("page", PAGES)
def test_no_french_text_on_a_german_page(open_page, allowed, page, params):
    at = rendered(open_page(page, lang="de", **params))
    leaks = [(page, where, text, keys) for where, text, keys in french_leaks(at, allowed)]
    assert leaks == []
