"""The slide pack (dashboard/slides.py), read back with python-pptx.

The packs are made from the real key messages of the demo data (on SQLite only: the pack reads
specs, not the database, so PostgreSQL would only double the run time): a public pack of the
canton in French, a public pack of the Haut-Valais in German, an internal pack in French. Each
is checked slide by slide against its specs: one title slide, then one slide per message with
its title, one PNG picture (none without data), its summary, and notes holding every footnote
and the source line; the public packs hold no count from 1 to 4 in any text.

Drawing the charts needs Debian's Chromium (kaleido drives it): those tests are ``slow`` and
are skipped where /usr/bin/chromium is missing, except with CII_REQUIRE_BROWSER=1 (CI), where
a missing browser fails them, as the browser tests do (tests/browser/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import struct

import kaleido
import polars as pl
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Inches, Pt

from dashboard import disclosure, public, slides
from dashboard.charts import NEUTRAL
from dashboard.db.load import load_dataset
from dashboard.i18n import t
from dashboard.report import Report
from tests.test_public import small_counts_in_text

PNG = b"\x89PNG\r\n\x1a\n"
LOADED_AT = dt.datetime(2026, 1, 5, 8, 30, tzinfo=dt.UTC)

# Every test reads the demo data through `frames`: SQLite's demo database only.
pytestmark = pytest.mark.parametrize("demo_engine", ["sqlite"], indirect=True)


def draws(test):
    """A test that draws charts: slow, and skipped without Chromium unless CI requires it."""
    required = os.environ.get("CII_REQUIRE_BROWSER") == "1"
    reason = f"the pack's charts need Debian's Chromium at {slides.CHROMIUM} (apt-get install)"
    skip = pytest.mark.skipif(not slides.CHROMIUM.exists() and not required, reason=reason)
    return pytest.mark.slow(skip(test))


def require_chromium() -> None:
    if not slides.CHROMIUM.exists():
        pytest.fail(f"CII_REQUIRE_BROWSER=1 but {slides.CHROMIUM} is missing")


@pytest.fixture(scope="module")
def frames(demo_engine) -> dict[str, pl.DataFrame]:
    return {name: load_dataset(demo_engine, name) for name in public.DATASETS}


def report_of(frames, *, year=2025, compare=2024, regions=None, lang="fr", threshold=5) -> Report:
    messages = public.key_messages(
        frames, year=year, compare=compare, regions=regions, lang=lang,
        threshold=1 if threshold is None else threshold,
    )
    title = f"Rapport {year}" if lang == "fr" else f"Bericht {year}"
    return Report(year, compare, regions, lang, threshold, messages, LOADED_AT, title)


# --- reading a pack back -------------------------------------------------------------------------


def texts_of(slide) -> list[str]:
    """The texts of a slide's text shapes other than its title, in shape order."""
    title = slide.shapes.title
    return [
        shape.text_frame.text
        for shape in slide.shapes
        if shape.has_text_frame and (title is None or shape.shape_id != title.shape_id)
    ]


def pictures_of(slide) -> list:
    return [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


def notes_of(slide) -> list[str]:
    return slide.notes_slide.notes_text_frame.text.split("\n") if slide.has_notes_slide else []


def all_text(presentation) -> list[str]:
    """Every text of every slide and of its notes."""
    found = []
    for slide in presentation.slides:
        found += [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        found += notes_of(slide)
    return found


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header chunk."""
    return struct.unpack(">II", data[16:24])


def expected_notes(spec, lang: str) -> list[str]:
    flagged = spec.flags is not None and spec.flags.applied
    suppression = [disclosure.note(lang, threshold=spec.flags.threshold)] if flagged else []
    return [*spec.footnotes, *suppression, t("app.source", lang, source=spec.source)]


def check_message_slides(presentation, report: Report) -> None:
    """Slide 2 onwards: one per message, in order, each as its spec says."""
    message_slides = list(presentation.slides)[1:]
    assert len(message_slides) == len(report.messages)
    for slide, (name, spec) in zip(message_slides, report.messages.items(), strict=True):
        chart_box, summary_box = slides.BOXES[slides.arrangement(spec)]
        assert slide.shapes.title.text_frame.text == spec.title, name
        assert texts_of(slide) == [spec.summary], name
        assert notes_of(slide) == expected_notes(spec, report.lang), name
        pictures = pictures_of(slide)
        assert len(pictures) == (0 if spec.figure is None else 1), name
        for picture in pictures:
            assert picture.image.blob.startswith(PNG), name
            assert picture.image.content_type == "image/png"
            # Inside its box, undistorted, and described by the summary (the alt text).
            left, top = Inches(chart_box.left), Inches(chart_box.top)
            right, bottom = left + Inches(chart_box.width), top + Inches(chart_box.height)
            assert left <= picture.left and picture.left + picture.width <= right + 1, name
            assert top <= picture.top and picture.top + picture.height <= bottom + 1, name
            width, height = png_size(picture.image.blob)
            assert picture.width / picture.height == pytest.approx(width / height, rel=0.01), name
            assert picture._element.nvPicPr.cNvPr.get("descr") == spec.summary
        # Large type: nothing under 16 pt on a message slide.
        sizes = {
            run.font.size
            for shape in slide.shapes if shape.has_text_frame
            for paragraph in shape.text_frame.paragraphs for run in paragraph.runs
        }
        assert min(sizes) >= Pt(16), name


# --- without a browser ---------------------------------------------------------------------------


def test_arrangement_of_each_message(frames):
    # Tall (beside the summary): the charts that the slide's width cannot hold even laid out
    # at 60 % of their height; the year in brief is a table, always across the slide.
    messages = report_of(frames).messages

    result = {name: slides.arrangement(spec) for name, spec in messages.items()}
    assert result == {
        "brief": "wide",
        "overlap_matrix": "wide",
        "combinations": "tall",
        "t1_provenance": "wide",
        "complex": "tall",
        "coaching": "wide",
        "transitions": "wide",
        "permit_s": "wide",
    }


def test_a_slide_figure_is_a_white_copy_laid_out_in_its_box(frames):
    spec = report_of(frames).messages["complex"]  # a tile table planned 758 pixels high
    original = spec.figure.to_dict()
    planned = original["layout"]["height"]

    result = slides.slide_figure(original, 656, 464)

    assert original == spec.figure.to_dict()  # the spec's figure is not touched
    layout = result["layout"]
    assert (layout["width"], layout["height"]) == (656, 464)
    assert (layout["paper_bgcolor"], layout["plot_bgcolor"]) == ("white", "white")
    assert layout["font"] == {"size": 18, "color": "#1A1A1A"}
    shrunk = [trace["marker"]["size"] for trace in result["data"]]
    expected = [trace["marker"]["size"] * 464 / planned for trace in original["data"]]
    assert shrunk == pytest.approx(expected)
    assert [trace["marker"].get("color") for trace in result["data"]] == [
        trace["marker"].get("color") for trace in original["data"]
    ]  # fills and outlines (the grey of the totals' frames included) keep their colours


def test_the_grey_labels_are_darkened_on_white(frames):
    # The labels of hidden bars (``X``, ``< 5``) are annotations in the dashboard's mid grey,
    # 3.3:1 on white: the slide writes them in a grey of 7:1.
    original = report_of(frames).messages["combinations"].figure.to_dict()

    result = slides.slide_figure(original, 656, 689)

    colours = [annotation["font"]["color"] for annotation in original["layout"]["annotations"]]
    darker = [annotation["font"]["color"] for annotation in result["layout"]["annotations"]]
    assert (colours, darker) == ([NEUTRAL, NEUTRAL], ["#595959", "#595959"])


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "Le jeu de diapositives ne peut pas être créé : les graphiques sont dessinés par "
               "Chromium, introuvable à {path}. Installez le paquet Debian « chromium » "
               "(apt-get install chromium) ; aucun navigateur n'est téléchargé."),
        ("de", "Der Foliensatz kann nicht erstellt werden: Die Grafiken werden von Chromium "
               "gezeichnet, das unter {path} fehlt. Installieren Sie das Debian-Paket «chromium» "
               "(apt-get install chromium); es wird kein Browser heruntergeladen."),
    ],
)
def test_without_chromium_the_pack_says_so(frames, monkeypatch, tmp_path, lang, expected):
    missing = tmp_path / "chromium"
    monkeypatch.setattr(slides, "CHROMIUM", missing)

    with pytest.raises(slides.SlidesError) as raised:
        slides.slide_pack(report_of(frames, lang=lang))
    assert raised.value.message(lang) == expected.format(path=missing)


def test_a_pack_without_charts_needs_no_browser(frames, monkeypatch, tmp_path):
    # 2023 has no record-level upload: every message but the S-permit series has no data.
    monkeypatch.setattr(slides, "CHROMIUM", tmp_path / "chromium")
    report = report_of(frames, year=2023, compare=None, lang="de")
    without = {name: spec for name, spec in report.messages.items() if spec.figure is None}
    report = Report(**{**vars(report), "messages": without})

    presentation = Presentation(io.BytesIO(slides.slide_pack(report)))

    assert len(without) == len(public.MESSAGES) - 1
    assert len(presentation.slides) == 1 + len(without)
    check_message_slides(presentation, report)


# --- drawn packs ---------------------------------------------------------------------------------

NAMES = ["public_fr_canton", "public_de_haut_valais", "internal_fr_sion"]


@pytest.fixture(scope="module")
def packs(frames) -> dict[str, tuple[Report, bytes]]:
    """Three packs, by name: (report, PPTX bytes), drawn on one kaleido server.

    The server is started here so that the packs share one browser (a start costs seconds):
    slide_pack leaves running a server it did not start.
    """
    require_chromium()
    reports = {
        "public_fr_canton": report_of(frames, lang="fr"),
        "public_de_haut_valais": report_of(frames, compare=None, regions=("Haut-Valais",),
                                           lang="de"),
        "internal_fr_sion": report_of(frames, regions=("Sion",), threshold=None),
    }
    made = {}
    kaleido.start_sync_server(path=str(slides.CHROMIUM), mathjax=False)
    try:
        for name, report in reports.items():
            made[name] = (report, slides.slide_pack(report))
        assert kaleido._global_server.is_running()
    finally:
        kaleido.stop_sync_server()
    return made


@draws
@pytest.mark.parametrize("name", NAMES)
def test_one_slide_per_message_with_its_picture_summary_and_notes(packs, name):
    report, pack = packs[name]

    presentation = Presentation(io.BytesIO(pack))

    size = (presentation.slide_width, presentation.slide_height)
    assert size == (slides.SLIDE_WIDTH, slides.SLIDE_HEIGHT)
    assert presentation.core_properties.title == report.title
    assert len(presentation.slides) == 1 + len(report.messages)
    assert all(spec.figure is not None for spec in report.messages.values())  # 8 pictures
    check_message_slides(presentation, report)
    # A public pack hides cells (the note is in those slides' notes), an internal one none.
    note = disclosure.note(report.lang)
    with_note = [slide for slide in presentation.slides if note in notes_of(slide)]
    assert (len(with_note) > 0) == (report.threshold is not None)


@draws
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param(
            "public_fr_canton",
            [
                "Rapport 2025",
                "Année 2025\nPérimètre : tout le canton\nLangue : français\n"
                "Données chargées le 05.01.2026 09:30",
                disclosure.note("fr"),
            ],
            id="public-fr",
        ),
        pytest.param(
            "public_de_haut_valais",
            [
                "Bericht 2025",
                "Jahr 2025\nGebiet: Oberwallis\nSprache: Deutsch\n"
                "Daten geladen am 05.01.2026 09:30",
                disclosure.note("de"),
            ],
            id="public-de",
        ),
        pytest.param(
            "internal_fr_sion",
            [
                "Rapport 2025",
                "Année 2025\nPérimètre : Sion\nLangue : français\n"
                "Données chargées le 05.01.2026 09:30",
                t("report.internal", "fr"),
            ],
            id="internal-fr",
        ),
    ],
)
def test_title_slide(packs, name, expected):
    _, pack = packs[name]

    title_slide = Presentation(io.BytesIO(pack)).slides[0]

    texts = [shape.text_frame.text for shape in title_slide.shapes if shape.has_text_frame]
    assert texts == expected
    assert pictures_of(title_slide) == []


@draws
@pytest.mark.parametrize("name", ["public_fr_canton", "public_de_haut_valais"])
def test_no_small_count_in_a_public_pack(packs, name):
    _, pack = packs[name]

    texts = all_text(Presentation(io.BytesIO(pack)))

    assert {text: small_counts_in_text(text) for text in texts if small_counts_in_text(text)} == {}


@draws
def test_a_pack_starts_and_stops_its_own_server(frames):
    require_chromium()
    report = report_of(frames, lang="de")
    report = Report(**{**vars(report), "messages": {"permit_s": report.messages["permit_s"]}})
    assert not kaleido._global_server.is_running()

    presentation = Presentation(io.BytesIO(slides.slide_pack(report)))

    assert not kaleido._global_server.is_running()
    check_message_slides(presentation, report)
