"""The offline report (dashboard/report.py) and `cii report`, on the demo data.

Three reports are built once per backend: the canton in French and the Haut-Valais in German
(public: small counts suppressed), and Sion + Sierre in French for internal use (exact counts).
The HTML is parsed back (tables, texts, the embedded figures) and the XLSX read back with polars,
and both are compared with the key messages they come from.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
from html.parser import HTMLParser

import plotly.io as pio
import plotly.offline
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard import disclosure, glossary, public
from dashboard.auth import audit
from dashboard.charts import ChartSpec
from dashboard.cli import main
from dashboard.db.load import load_dataset
from dashboard.db.store import list_uploads
from dashboard.exports import chart_table
from dashboard.formatting import format_count
from dashboard.i18n import t
from dashboard.report import (
    Report,
    ReportError,
    build_report,
    format_loaded_at,
    report_html,
    report_xlsx,
    sheet_names,
    table_texts,
)

from tests.test_public import small_counts_in_figure, small_counts_in_text

CASES = {
    "fr": {"lang": "fr", "regions": None, "threshold": disclosure.DEFAULT_THRESHOLD},
    "de": {"lang": "de", "regions": ("Haut-Valais",), "threshold": disclosure.DEFAULT_THRESHOLD},
    "internal": {"lang": "fr", "regions": ("Sion", "Sierre"), "threshold": None},
}
PUBLIC = ["fr", "de"]


@pytest.fixture(scope="module")
def source(demo_engine) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    frames = {name: load_dataset(demo_engine, name) for name in public.DATASETS}
    return frames, list_uploads(demo_engine)


@pytest.fixture(scope="module")
def built(source) -> dict[str, tuple[Report, str, bytes]]:
    """Each case's report, its HTML and its workbook."""
    frames, uploads = source
    result = {}
    for case, options in CASES.items():
        report = build_report(frames, uploads, year=2025, compare=2024, **options)
        result[case] = (report, report_html(report), report_xlsx(report))
    return result


# --- reading the HTML back -------------------------------------------------------------------


class _Page(HTMLParser):
    """What a test needs of the report's HTML: sections, tables, scripts, resource references."""

    _VOID = {"meta", "link", "img", "br", "hr", "input", "source", "base"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.charts: list[str] = []
        self.sections: dict[str, dict] = {}
        self.header: list[str] = []
        self.definitions: list[str] = []
        self.lang: str | None = None
        self.charset: str | None = None
        self._section: str | None = None
        self._text: list[str] = []
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("src", "href", "srcset", "data", "action", "poster"):
            if attributes.get(name) is not None:
                self.references.append((tag, name, attributes[name]))
        if tag == "html":
            self.lang = attributes.get("lang")
        if tag == "meta" and "charset" in attributes:
            self.charset = attributes["charset"]
        if tag == "section" and "message" in (attributes.get("class") or ""):
            self._section = attributes["id"].removeprefix("message-")
            self.sections[self._section] = {"notes": [], "table": [], "texts": []}
        if tag == "div" and "chart" in (attributes.get("class") or "").split():
            self.charts.append(attributes["id"])
        if tag == "tr":
            self._row = []
        if tag not in self._VOID:
            self.stack.append((tag, attributes))
        self._text = []

    def handle_endtag(self, tag):
        attributes: dict[str, str | None] = {}
        while self.stack:
            open_tag, attributes = self.stack.pop()
            if open_tag == tag:
                break
        text = "".join(self._text).strip()
        self._text = []
        css = attributes.get("class") or ""
        if tag == "script":
            self.scripts.append((attributes, text))
            return
        if tag in ("td", "th") and self._row is not None:
            self._row.append(text)
        if tag == "tr" and self._row is not None:
            if self._section:
                self.sections[self._section]["table"].append(self._row)
            self._row = None
        if tag in ("dt", "dd") and self._inside("dl", "filters"):
            self.header.append(text)
        if tag == "dt" and self._inside("dl", "glossary"):
            self.definitions.append(text)
        if self._section:
            section = self.sections[self._section]
            if tag == "h2":
                section["title"] = text
            elif tag == "p" and css in ("summary", "source", "flags"):
                section[css] = text
            elif tag == "li":
                section["notes"].append(text)
            elif tag == "caption":
                section["caption"] = text
            if tag == "section":
                self._section = None

    def _inside(self, tag: str, css: str) -> bool:
        return any(open_tag == tag and css in (attributes.get("class") or "") for open_tag, attributes in self.stack)

    def handle_data(self, data):
        self._text.append(data)
        if self._section and not any(tag in ("script", "style") for tag, _ in self.stack):
            self.sections[self._section]["texts"].append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _figures(page: _Page) -> dict[str, dict]:
    """The embedded figures by message id."""
    return {
        attributes["id"].removeprefix("figure-"): json.loads(text)
        for attributes, text in page.scripts
        if attributes.get("type") == "application/json"
    }


# --- the report ------------------------------------------------------------------------------


def test_a_report_has_its_year_scope_title_and_the_time_its_data_were_loaded(built, source):
    _, uploads = source
    current = uploads.filter(pl.col("status") == "current", pl.col("dataset").is_in(public.DATASETS))
    loaded_at = current["uploaded_at"].max()  # the demo has 2024 and 2025: both are used
    expected = {
        "fr": Report(2025, 2024, None, "fr", 5, {}, loaded_at, "Rapport 2025"),
        "de": Report(2025, 2024, ("Haut-Valais",), "de", 5, {}, loaded_at, "Bericht 2025 — Oberwallis"),
        "internal": Report(2025, 2024, ("Sion", "Sierre"), "fr", None, {}, loaded_at, "Rapport 2025 — Sion, Sierre"),
    }
    assert {case: dataclasses.replace(report, messages={}) for case, (report, _, _) in built.items()} == expected
    assert {case: list(report.messages) for case, (report, _, _) in built.items()} == dict.fromkeys(CASES, list(public.MESSAGES))


def test_an_internal_report_hides_nothing(built):
    report = built["internal"][0]
    assert [name for name, spec in report.messages.items() if spec.flags is not None] == []


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_a_year_without_data_is_refused_with_the_years_that_have_some(source, lang):
    frames, uploads = source
    with pytest.raises(ReportError) as refused:
        build_report(frames, uploads, year=2019, lang=lang)
    assert refused.value.message(lang) == t("report.no_data", lang, year=2019, years="2025, 2024")


# --- HTML ------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_the_html_shows_every_message_title_chart_summary_notes_source_and_table(built, case):
    report, html, _ = built[case]
    page = _parse(html)
    lang = report.lang

    found = {
        name: {key: section.get(key) for key in ("title", "summary", "notes", "source", "table")}
        for name, section in page.sections.items()
    }
    expected = {
        name: {
            "title": spec.title,
            "summary": spec.summary,
            "notes": list(spec.footnotes),
            "source": t("app.source", lang, source=spec.source),
            "table": [table_texts(spec, lang).columns, *map(list, table_texts(spec, lang).rows())],
        }
        for name, spec in report.messages.items()
    }
    assert found == expected
    with_figure = [name for name, spec in report.messages.items() if spec.figure is not None]
    assert page.charts == [f"chart-{name}" for name in with_figure]
    # Each chart is drawn from the very figure of its message (suppressed counts included).
    assert _figures(page) == {
        name: json.loads(pio.to_json(report.messages[name].figure, validate=False)) for name in with_figure
    }


@pytest.mark.parametrize("case", CASES)
def test_the_html_is_one_self_contained_file(built, case):
    report, html, _ = built[case]
    page = _parse(html)
    bundle = plotly.offline.get_plotlyjs()

    assert (page.lang, page.charset) == (report.lang, "utf-8")
    assert html.count(bundle) == 1
    assert [attributes for attributes, text in page.scripts if text == bundle.strip()] == [{}]  # inline, once
    assert len(page.scripts) == 2 + len(_figures(page))  # the bundle, the figures, the drawing
    # No resource from outside: no src at all, links only to the page's own anchors.
    assert [reference for reference in page.references if reference[1] != "href" or not reference[2].startswith("#")] == []
    rest = html.replace(bundle, "")  # plotly.js names URLs of its own (map tiles, its website)
    assert ("http://" in rest, "https://" in rest, "url(" in rest, "@import" in rest) == (False,) * 4


@pytest.mark.parametrize("case", CASES)
def test_the_header_says_the_scope_the_load_date_and_the_protection(built, case):
    report, html, _ = built[case]
    page = _parse(html)
    lang = report.lang
    regions = {"fr": "tout le canton", "de": "Oberwallis", "internal": "Sion, Sierre"}[case]
    protection = {
        "fr": disclosure.note("fr"),
        "de": disclosure.note("de"),
        "internal": t("report.internal", "fr"),
    }[case]
    labels = ["year", "compare", "regions", "language", "loaded_at", "protection"]
    values = ["2025", "2024", regions, t("report.language_name", lang), format_loaded_at(report.loaded_at, lang), protection]
    expected = [text for key, value in zip(labels, values, strict=True) for text in (t(f"report.{key}", lang), value)]
    assert page.header == expected
    assert (t("report.internal_banner", lang) in html) == (case == "internal")
    definitions = [entry.text_in(lang).term for entry in glossary.entries() if entry.kind == "definition"]
    assert page.definitions == definitions


def test_the_date_the_data_were_loaded_reads_in_swiss_time_in_both_languages(built):
    report = built["fr"][0]
    expected = report.loaded_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Zurich")).strftime("%d.%m.%Y %H:%M")
    assert (format_loaded_at(report.loaded_at, "fr"), format_loaded_at(report.loaded_at, "de")) == (expected, expected)


@pytest.mark.parametrize("case", PUBLIC)
def test_no_small_count_in_a_public_report(built, case):
    report, html, _ = built[case]
    page = _parse(html)
    found = {}
    for name, section in page.sections.items():
        texts = [text for text in section["texts"] if small_counts_in_text(text)]
        figure = small_counts_in_figure(_figures(page)[name]) if name in _figures(page) else []
        if texts or figure:
            found[name] = texts + figure
    assert found == {}


def test_the_small_count_search_finds_the_exact_counts_of_an_internal_report(built):
    page = _parse(built["internal"][1])
    texts = [text for section in page.sections.values() for text in section["texts"]]
    assert [text for text in texts if small_counts_in_text(text)] != []


def test_table_texts_read_like_the_screen(built):
    report = built["fr"][0]
    messages = report.messages
    # The year in brief: each row in its own unit, changes signed (the report's own figures).
    brief = table_texts(messages["brief"], "fr").rows()
    for row in [
        ("Personnes suivies simultanément", "Personnes", "6'418", "6'887", "−469"),
        ("Part des bénéficiaires des ORP suivis simultanément", "Part (%)", "24 %", "28 %", "−4 pp"),
        ("Frais structurels alloués à la CII Valais", "Montant (Frs.)", "Frs. 416'406.90", "Frs. 434'206.70", "Frs. −17'799.80"),
    ]:
        assert row in brief
    assert_frame_equal(
        table_texts(messages["permit_s"], "fr"),
        pl.DataFrame({"Année": ["2022", "2023", "2024", "2025"], "Personnes": ["38", "67", "77", "143"]}),
    )
    # Elsewhere, the flagged columns read exactly as the exports' chart_table shows them.
    for name, spec in messages.items():
        if name == "brief" or spec.flags is None:
            continue
        shown = chart_table(spec, "fr")
        flagged = spec.flags.cells.columns
        assert_frame_equal(table_texts(spec, "fr").select(flagged), shown.select(flagged), check_dtypes=False)


# --- XLSX ------------------------------------------------------------------------------------


def _read_back(workbook: bytes, sheet: str, spec: ChartSpec) -> tuple[pl.DataFrame, dict[str, list]]:
    """A message's sheet as (the values, hidden cells null; the flags by column)."""
    read = pl.read_excel(io.BytesIO(workbook), sheet_name=sheet, infer_schema_length=0)  # all text
    assert read.columns == spec.table.columns
    cells = spec.flags.cells if spec.flags is not None else pl.DataFrame()
    values, marks = [], {}
    for name, dtype in spec.table.schema.items():
        flags = cells[name].to_list() if name in cells.columns else [None] * read.height
        texts = read[name].to_list()
        marks[name] = [text if flag else None for text, flag in zip(texts, flags, strict=True)]
        kept = [None if flag else text for text, flag in zip(texts, flags, strict=True)]
        values.append(pl.Series(name, kept, pl.String).cast(dtype))  # strict: a number stays a number
    return pl.DataFrame(values), marks


@pytest.mark.parametrize("case", CASES)
def test_the_workbook_holds_every_table_with_its_values_and_flags(built, case):
    report, _, workbook = built[case]
    sheets = sheet_names(report)
    notes = t("report.sheet_notes", report.lang)
    assert list(pl.read_excel(io.BytesIO(workbook), sheet_id=0, infer_schema_length=0)) == [notes, *sheets.values()]
    assert all(len(name) <= 31 for name in sheets.values())
    assert len({name.casefold() for name in sheets.values()}) == len(sheets)
    for name, sheet in sheets.items():
        spec = report.messages[name]
        values, marks = _read_back(workbook, sheet, spec)
        assert_frame_equal(values, spec.table)
        expected = {column: [None] * spec.table.height for column in spec.table.columns}
        if spec.flags is not None:
            expected |= {column: spec.flags.cells[column].to_list() for column in spec.flags.cells.columns}
        assert marks == expected, name
        # and the flagged cells are those chart_table shows
        shown = chart_table(spec, report.lang)
        for column, column_marks in marks.items():
            for row, mark in enumerate(column_marks):
                if mark:
                    assert shown[column][row] == mark


@pytest.mark.parametrize("case", CASES)
def test_the_workbook_first_sheet_has_the_filters_the_load_date_and_every_note(built, case):
    report, _, workbook = built[case]
    lang = report.lang
    rows = pl.read_excel(
        io.BytesIO(workbook), sheet_name=t("report.sheet_notes", lang), has_header=False, infer_schema_length=0
    ).rows()
    regions = {"fr": "tout le canton", "de": "Oberwallis", "internal": "Sion, Sierre"}[case]
    protection = t("report.internal", lang) if case == "internal" else disclosure.note(lang)
    assert rows[:7] == [
        (t("charts.export_title", lang), report.title),
        (t("report.year", lang), "2025"),
        (t("report.compare", lang), "2024"),
        (t("report.regions", lang), regions),
        (t("report.language", lang), t("report.language_name", lang)),
        (t("report.loaded_at", lang), format_loaded_at(report.loaded_at, lang)),
        (t("report.protection", lang), protection),
    ]
    texts = [text for _, text in rows]
    for name, spec in report.messages.items():
        for text in (sheet_names(report)[name], spec.title, spec.summary, spec.source, *spec.footnotes):
            assert text in texts, (name, text)


def test_sheet_names_are_short_valid_and_unique_whatever_the_titles():
    long = "Provenance : les [jeunes] / T1 * reçus ? en 2025, par institution et région"
    spec = ChartSpec(None, long, "", pl.DataFrame({"a": [1]}), "")
    messages = {"first": spec, "second": spec, "empty": ChartSpec(None, "x", "", pl.DataFrame(), "")}
    report = Report(2025, None, None, "fr", 5, messages, None, "Rapport 2025")
    assert sheet_names(report) == {
        "first": "1 Provenance les jeunes T1 reçu",
        "second": "2 Provenance les jeunes T1 reçu",
    }


# --- cii report --------------------------------------------------------------------------------


@pytest.fixture
def demo_cli(demo_engine, monkeypatch):
    monkeypatch.setenv("CII_DATABASE_URL", demo_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("USER", "report-tester")
    monkeypatch.delenv("CII_SUPPRESSION_THRESHOLD", raising=False)
    return demo_engine


def _last_export(engine) -> dict:
    row = audit.entries(engine, actions=["export"]).row(0, named=True)
    return {"actor": row["actor"], "detail": row["detail"]}


@pytest.mark.parametrize(
    ("case", "fmt", "options", "detail"),
    [
        ("fr", "html", [], "report format=html year=2025 regions=all public lang=fr compare=2024"),
        ("de", "html", ["--lang", "de", "--region", "Haut-Valais"],
         "report format=html year=2025 regions=Haut-Valais public lang=de compare=2024"),
        ("de", "xlsx", ["--region", "Haut-Valais", "--lang", "de"],
         "report format=xlsx year=2025 regions=Haut-Valais public lang=de compare=2024"),
        ("internal", "xlsx", ["--region", "Sion", "--region", "Sierre", "--internal", "--compare", "2024"],
         "report format=xlsx year=2025 regions=Sion,Sierre internal lang=fr compare=2024"),
    ],
    ids=["html-fr", "html-de", "xlsx-de", "xlsx-fr-internal"],
)
def test_cii_report_writes_the_report_and_audits_the_export(demo_cli, built, tmp_path, capsys, case, fmt, options, detail):
    report, html, workbook = built[case]
    out = tmp_path / f"rapport.{fmt}"
    assert main(["report", "--year", "2025", *options, "--format", fmt, "--out", str(out)]) == 0

    scope = t("report.cli_internal" if case == "internal" else "report.cli_public", report.lang)
    size = format_count(math.ceil(out.stat().st_size / 1024), report.lang)
    written = t("report.cli_written", report.lang, path=out, kind=f"{fmt.upper()}, {scope}", size=size)
    assert capsys.readouterr().out == written + "\n"
    if fmt == "html":
        assert out.read_text(encoding="utf-8") == html  # the same data give the same file
    else:
        written = pl.read_excel(out, sheet_id=0, infer_schema_length=0)
        expected = pl.read_excel(io.BytesIO(workbook), sheet_id=0, infer_schema_length=0)
        assert list(written) == list(expected)
        for name in expected:
            assert_frame_equal(written[name], expected[name])
    assert _last_export(demo_cli) == {"actor": "cli:report-tester", "detail": detail}


def test_cii_report_takes_the_threshold_from_the_environment_and_compares_only_with_data(demo_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("CII_SUPPRESSION_THRESHOLD", "10")
    out = tmp_path / "rapport-2024.html"
    assert main(["report", "--year", "2024", "--format", "html", "--out", str(out)]) == 0
    page = _parse(out.read_text(encoding="utf-8"))
    assert page.header[2:4] == [t("report.compare", "fr"), t("report.none", "fr")]  # no 2023 data
    assert page.header[-1] == disclosure.note("fr", threshold=10)
    assert _last_export(demo_cli)["detail"] == "report format=html year=2024 regions=all public lang=fr compare=none"


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_cii_report_refuses_what_it_cannot_do_in_the_user_language(demo_cli, tmp_path, capsys, lang):
    out = tmp_path / "rapport.html"
    cases = [
        (["--year", "2019"], t("report.no_data", lang, year=2019, years="2025, 2024")),
        (["--year", "2025", "--compare", "2019"], t("report.cli_no_compare_data", lang, year=2019, years="2025, 2024")),
    ]
    for options, message in cases:
        assert main(["report", "--lang", lang, *options, "--format", "html", "--out", str(out)]) == 1
        assert capsys.readouterr().err.strip().endswith(message)
    missing = tmp_path / "nowhere" / "rapport.html"
    assert main(["--lang", lang, "report", "--year", "2025", "--format", "xlsx", "--out", str(missing)]) == 1
    assert capsys.readouterr().err.strip() == t("report.cli_no_directory", lang, path=missing.parent)
    assert not out.exists() and not missing.parent.exists()


@pytest.mark.slow
def test_cii_report_pptx_is_the_slide_pack(demo_cli, built, tmp_path):
    pptx = pytest.importorskip("pptx")
    slides = pytest.importorskip("dashboard.slides")
    if not slides.CHROMIUM.exists():
        pytest.skip(f"the slide pack draws its charts with {slides.CHROMIUM}")
    out = tmp_path / "diapositives.pptx"
    assert main(["report", "--year", "2025", "--lang", "de", "--region", "Haut-Valais", "--format", "pptx", "--out", str(out)]) == 0
    report = built["de"][0]
    deck = pptx.Presentation(str(out))
    assert len(deck.slides) == 1 + len(report.messages)
    assert [slide.shapes.title.text for slide in list(deck.slides)[1:]] == [spec.title for spec in report.messages.values()]
    assert _last_export(demo_cli) == {
        "actor": "cli:report-tester",
        "detail": "report format=pptx year=2025 regions=Haut-Valais public lang=de compare=2024",
    }
