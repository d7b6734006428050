"""The slide pack of a report: a PPTX file for the journées régionales (issue 6, DESIGN.md §4.10).

:func:`slide_pack` turns a :class:`~dashboard.report.Report` into a 16:9 presentation: a title
slide (title, year, regions, language, when the data were loaded, and the suppression note of
a public report or the "exact counts, internal use" warning of an internal one, both worded as
in the offline report by :mod:`dashboard.report`), then one slide per key
message in the report's order, each with the message's title, its chart as a PNG picture, its
one-sentence summary, and speaker notes holding the footnotes, the suppression note when the
message hides cells, and the source line. A message without data (``spec.figure is None``) gets
a slide with its summary only. Every number on a slide comes from the spec, which
:mod:`dashboard.public` builds from suppressed counts: this module adds none.

Charts are drawn by kaleido with the system Chromium (/usr/bin/chromium, Debian's package), and
nothing is downloaded: no browser (never ``kaleido.get_chrome``), no MathJax (disabled: the
figures use none, and its default is a CDN), plotly.js from the plotly package. Without that
Chromium, :class:`SlidesError` says so in the user's language. One kaleido server serves a whole
pack (a browser start costs seconds, an image then a fraction of one); a lock keeps two packs
made at once (two Streamlit sessions) from sharing or stopping each other's server.

Room-sized type: a chart is drawn at 80 CSS pixels per inch of the box it fills, so the 18-pixel
type of :mod:`dashboard.public` reads 16 pt; titles are up to 28 pt, summaries up to 24 pt. A
chart planned taller than its box is laid out lower rather than shrunk as a picture (which
would shrink its type): bars get thinner, the tile tables' squares and the year in brief's rows
smaller, down to :data:`LEAST_HEIGHT` of the planned height, where labels would collide; only
beyond that is the picture scaled down (the canton's 23 combinations: 11 pt). A chart
that the wide box (the slide's width, the summary below) cannot hold even so sits left of its
summary instead. Backgrounds are white and text near-black; the mid grey that the dashboard
uses for labels on light and dark themes alike is darkened to 7:1 contrast on white.
"""

from __future__ import annotations

import copy
import io
import math
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from dashboard import charts, disclosure
from dashboard.charts import ChartSpec
from dashboard.i18n import TranslatedError, t
from dashboard.report import Report, format_loaded_at, protection_text

if TYPE_CHECKING:
    from pptx.presentation import Presentation as PresentationType
    from pptx.slide import Slide
    from pptx.text.text import TextFrame

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium, which draws the charts; never a downloaded browser."""

SLIDE_WIDTH = Inches(13.333)
SLIDE_HEIGHT = Inches(7.5)
"""16:9, PowerPoint's widescreen size."""

PIXELS_PER_INCH = 80
"""CSS pixels per inch of a chart's box: 1 px = 0.9 pt, so the 18-px type of the key messages
reads 16 pt when a chart fits its box."""

LEAST_HEIGHT = 0.6
"""A chart is laid out in no less than this share of its planned height: lower, labels of
adjacent bars collide (plotly then drops every other one). Beyond it the picture shrinks."""

IMAGE_SCALE = 2
"""Device pixels per CSS pixel of the PNGs: sharp on a projector, about 100 kB a chart."""

TEXT = RGBColor(0x1A, 0x1A, 0x1A)
MUTED = RGBColor(0x59, 0x59, 0x59)
_TEXT_CSS = "#1A1A1A"
_MUTED_CSS = "#595959"  # 7:1 on white, where charts.NEUTRAL (#8C8C8C) gives 3.3:1
_CHART_FONT = 18  # pixels: axis ticks and titles, legends, as dashboard.public's traces
_LANGUAGES = {"fr": MSO_LANGUAGE_ID.SWISS_FRENCH, "de": MSO_LANGUAGE_ID.SWISS_GERMAN}
_FONT_KEYS = ("font", "textfont", "tickfont", "insidetextfont", "outsidetextfont")


class SlidesError(TranslatedError):
    """The pack cannot be made (no Chromium); ``message(lang)`` says why and what to do."""


# --- geometry ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide, in inches from the top left corner."""

    left: float
    top: float
    width: float
    height: float

    def pixels(self) -> tuple[int, int]:
        """The box in CSS pixels at :data:`PIXELS_PER_INCH`."""
        return round(self.width * PIXELS_PER_INCH), round(self.height * PIXELS_PER_INCH)


_MARGIN = 0.5
_BODY_TOP = 1.4  # below a two-line title
_BODY_BOTTOM = 7.5 - 0.3
_BODY_WIDTH = 13.333 - 2 * _MARGIN
TITLE_BOX = Box(_MARGIN, 0.3, _BODY_WIDTH, 1.05)

Arrangement = Literal["wide", "tall", "text"]

# wide: the chart across the slide, the summary below it.
_WIDE_CHART = Box(_MARGIN, _BODY_TOP, _BODY_WIDTH, 4.9)
_WIDE_SUMMARY = Box(_MARGIN, _BODY_TOP + 4.95, _BODY_WIDTH, _BODY_BOTTOM - _BODY_TOP - 4.95)
# tall: the chart on the left, the summary in a column on its right.
_TALL_CHART = Box(_MARGIN, _BODY_TOP, 8.2, _BODY_BOTTOM - _BODY_TOP)
_TALL_SUMMARY = Box(_MARGIN + 8.45, _BODY_TOP, _BODY_WIDTH - 8.45, _BODY_BOTTOM - _BODY_TOP)
# text: no chart, the summary alone.
_TEXT_SUMMARY = Box(_MARGIN, _BODY_TOP + 0.6, _BODY_WIDTH, 4.0)

BOXES: dict[Arrangement, tuple[Box | None, Box]] = {
    "wide": (_WIDE_CHART, _WIDE_SUMMARY),
    "tall": (_TALL_CHART, _TALL_SUMMARY),
    "text": (None, _TEXT_SUMMARY),
}
"""The chart's and the summary's boxes of each arrangement."""

_SUMMARY_SIZES: dict[Arrangement, tuple[int, int]] = {
    "wide": (22, 16),  # two lines under the chart
    "tall": (24, 18),
    "text": (32, 22),
}
"""The largest and smallest type size (points) of the summary in each arrangement."""


def arrangement(spec: ChartSpec) -> Arrangement:
    """Where the chart goes: beside its summary only when the wide box cannot hold it.

    Wide unless the chart, laid out in :data:`LEAST_HEIGHT` of its planned height, is still
    taller than the wide box: the width is what long bar labels and tables need. A table
    stays wide whatever its height (its first column holds long labels).
    """
    if spec.figure is None:
        return "text"
    if any(trace.type == "table" for trace in spec.figure.data):
        return "wide"
    _, room = _WIDE_CHART.pixels()
    return "tall" if _natural_height(spec.figure.to_dict()) * LEAST_HEIGHT > room else "wide"


def picture_size(natural: int, box: Box) -> tuple[int, int]:
    """The CSS size to draw a chart planned `natural` pixels high in `box`.

    The box's own size when the chart fits, or when laid out lower it still keeps
    :data:`LEAST_HEIGHT` of its height; else that least height, with the box's proportions
    (the picture then shrinks to the box, its type with it).

    >>> box = Box(0, 0, 8, 5)  # 640 x 400 pixels
    >>> picture_size(300, box), picture_size(600, box), picture_size(1000, box)
    ((640, 400), (640, 400), (960, 600))
    """
    width, height = box.pixels()
    least = math.ceil(natural * LEAST_HEIGHT)
    if least <= height:
        return width, height
    return round(width * least / height), least


def _natural_height(figure: Mapping[str, Any]) -> int:
    return figure.get("layout", {}).get("height") or 450  # plotly's default height


# --- the figures as slide pictures ---------------------------------------------------------------


def slide_figure(figure: Mapping[str, Any], width: int, height: int) -> dict[str, Any]:
    """A copy of the figure dict `figure` for a `width` × `height` picture on a white slide.

    White backgrounds, near-black text, the mid grey darkened; a figure taller than `height`
    is laid out in it: square markers (tile tables) and table rows shrink in proportion, as
    plotly does not resize markers or rows with the figure. The input is not changed.

    >>> figure = {"data": [{"type": "scatter", "marker": {"size": 70, "symbol": "square"}}],
    ...           "layout": {"height": 700, "font": {"size": 12}}}
    >>> slide = slide_figure(figure, 800, 350)
    >>> slide["data"][0]["marker"]["size"], slide["layout"]["height"], slide["layout"]["font"]
    (35.0, 350, {'size': 18, 'color': '#1A1A1A'})
    >>> figure["data"][0]["marker"]["size"]
    70
    """
    figure = copy.deepcopy(dict(figure))
    natural = _natural_height(figure)
    ratio = min(1.0, height / natural)
    margins = figure.get("layout", {}).get("margin", {})
    margin = margins.get("t", 100) + margins.get("b", 80)  # plotly's defaults
    for trace in figure.get("data", []):
        if ratio < 1:
            _shrink(trace, ratio, height, margin)
        for font in _fonts(trace):
            _darken(font)
    layout = figure.setdefault("layout", {})
    for annotation in layout.get("annotations", []):
        _darken(annotation.setdefault("font", {}))
    layout.update(
        width=width,
        height=height,
        paper_bgcolor="white",
        plot_bgcolor="white",
        font={**layout.get("font", {}), "size": _CHART_FONT, "color": _TEXT_CSS},
    )
    return figure


def _shrink(trace: dict[str, Any], ratio: float, height: int, margin: int) -> None:
    """Fit `trace` in a figure drawn lower than planned (`ratio` of its height).

    Square markers shrink with the figure. A table's rows share the new height (less the
    `margin`s) with the header and three spare rows, room for about four labels that wrap onto
    a second line (a row that does not fit is cut off the picture); never taller than before.
    """
    marker = trace.get("marker")
    if trace.get("type") == "scatter" and marker and "size" in marker:
        size = marker["size"]
        marker["size"] = [v * ratio for v in size] if isinstance(size, list) else size * ratio
    if trace.get("type") == "table":
        rows = len((trace.get("cells", {}).get("values") or [[]])[0])
        row = (height - margin) // (rows + 4)
        for part in ("header", "cells"):
            if "height" in trace.get(part, {}):
                trace[part]["height"] = min(trace[part]["height"], row)


def _fonts(value: Any) -> Iterator[dict[str, Any]]:
    """Every font dict inside a trace (its text, its header's and cells' fonts, ...)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _FONT_KEYS and isinstance(item, dict):
                yield item
            else:
                yield from _fonts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _fonts(item)


def _darken(font: dict[str, Any]) -> None:
    """The dashboard's mid grey text, readable on light and dark themes, darker on white."""
    colour = font.get("color")
    if isinstance(colour, str) and colour.upper() == charts.NEUTRAL:
        font["color"] = _MUTED_CSS
    elif isinstance(colour, list):
        font["color"] = [_MUTED_CSS if str(c).upper() == charts.NEUTRAL else c for c in colour]


_KALEIDO_LOCK = threading.Lock()  # kaleido's sync server is one per process, its queue shared


def render_pngs(figures: Mapping[str, Mapping[str, Any]]) -> dict[str, bytes]:
    """PNG images of figure dicts (with their layout width and height), by the same keys.

    Starts kaleido's sync server on the system Chromium for the batch, and stops it after
    unless it was already running (then someone else owns it).

    Raises
    ------
    SlidesError
        When :data:`CHROMIUM` is missing.
    """
    if not figures:
        return {}
    if not CHROMIUM.exists():
        raise SlidesError("slides.no_browser", path=str(CHROMIUM))
    import kaleido  # here: only a pack needs it, not every page that imports this module

    with _KALEIDO_LOCK:
        # kaleido has no public "is it running" query: its singleton's flag is the one source.
        started = not kaleido._global_server.is_running()
        if started:
            kaleido.start_sync_server(path=str(CHROMIUM), mathjax=False)
        try:
            return {
                name: kaleido.calc_fig_sync(
                    figure,
                    opts={
                        "format": "png",
                        "width": figure["layout"]["width"],
                        "height": figure["layout"]["height"],
                        "scale": IMAGE_SCALE,
                    },
                )
                for name, figure in figures.items()
            }
        finally:
            if started:
                kaleido.stop_sync_server(silence_warnings=True)


# --- the slides ----------------------------------------------------------------------------------


def slide_pack(report: Report) -> bytes:
    """The report as a PPTX file: a title slide, then one slide per key message.

    Parameters
    ----------
    report
        Its messages are the slides, in their order; its language is the pack's.

    Returns
    -------
    bytes
        The ``.pptx`` file.

    Raises
    ------
    SlidesError
        When a chart is to be drawn and the system Chromium is missing.
    """
    lang = report.lang
    plans = {name: arrangement(spec) for name, spec in report.messages.items()}
    figures = {}
    for name, spec in report.messages.items():
        chart_box, _ = BOXES[plans[name]]
        if spec.figure is not None and chart_box is not None:
            figure = spec.figure.to_dict()
            size = picture_size(_natural_height(figure), chart_box)
            figures[name] = slide_figure(figure, *size)
    images = render_pngs(figures)

    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    presentation.core_properties.title = report.title
    presentation.core_properties.language = f"{lang}-CH"
    _title_slide(presentation, report)
    for name, spec in report.messages.items():
        _message_slide(presentation, spec, plans[name], images.get(name), report)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def _title_slide(presentation: PresentationType, report: Report) -> None:
    lang = report.lang
    slide = presentation.slides.add_slide(presentation.slide_layouts[0])  # "Title Slide"
    title, subtitle = slide.placeholders[0], slide.placeholders[1]
    _place(title, Box(_MARGIN, 0.9, _BODY_WIDTH, 2.0))
    _write(title.text_frame, [report.title], lang, size=44, bold=True, anchor=MSO_ANCHOR.BOTTOM)
    lines = [t("slides.year", lang, year=report.year), _scope(report), t("slides.language", lang)]
    if report.loaded_at is not None:
        lines.append(t("slides.loaded_at", lang, date=format_loaded_at(report.loaded_at, lang)))
    _place(subtitle, Box(_MARGIN, 3.1, _BODY_WIDTH, 2.5))
    _write(subtitle.text_frame, lines, lang, size=24, colour=MUTED)
    box = Box(_MARGIN, 5.8, _BODY_WIDTH, 1.4)
    frame = slide.shapes.add_textbox(*_emu(box)).text_frame
    _write(frame, [protection_text(report)], lang, size=18, bold=report.threshold is None)


def _message_slide(
    presentation: PresentationType,
    spec: ChartSpec,
    plan: Arrangement,
    image: bytes | None,
    report: Report,
) -> None:
    lang = report.lang
    slide = presentation.slides.add_slide(presentation.slide_layouts[5])  # "Title Only"
    _place(slide.shapes.title, TITLE_BOX)
    size = _fitting(spec.title, TITLE_BOX, 28, 22, bold=True)
    _write(slide.shapes.title.text_frame, [spec.title], lang, size=size, bold=True)
    chart_box, summary_box = BOXES[plan]
    if image is not None and chart_box is not None:
        _picture(slide, image, chart_box, spec.summary)
    largest, smallest = _SUMMARY_SIZES[plan]
    frame = slide.shapes.add_textbox(*_emu(summary_box)).text_frame
    size = _fitting(spec.summary, summary_box, largest, smallest)
    anchor = MSO_ANCHOR.MIDDLE if plan != "wide" else MSO_ANCHOR.TOP
    _write(frame, [spec.summary], lang, size=size, anchor=anchor)
    slide.notes_slide.notes_text_frame.text = "\n".join(notes(spec, lang))


def notes(spec: ChartSpec, lang: str) -> list[str]:
    """The speaker notes of a message's slide: footnotes, suppression note, source line."""
    lines = list(spec.footnotes)
    if spec.flags is not None and spec.flags.applied:
        lines.append(disclosure.note(lang, threshold=spec.flags.threshold))
    if spec.source:
        lines.append(t("app.source", lang, source=spec.source))
    return lines


def _picture(slide: Slide, image: bytes, box: Box, description: str) -> None:
    """The chart, as large as fits `box` with its proportions, centred; its alt text said."""
    picture = slide.shapes.add_picture(io.BytesIO(image), 0, 0)
    scale = min(Inches(box.width) / picture.width, Inches(box.height) / picture.height)
    picture.width, picture.height = round(picture.width * scale), round(picture.height * scale)
    picture.left = Inches(box.left) + (Inches(box.width) - picture.width) // 2
    picture.top = Inches(box.top) + (Inches(box.height) - picture.height) // 2
    # python-pptx has no setter for the alt text: it is the cNvPr "descr" attribute.
    picture._element.nvPicPr.cNvPr.set("descr", description)


def _place(shape: Any, box: Box) -> None:
    shape.left, shape.top, shape.width, shape.height = _emu(box)


def _emu(box: Box) -> tuple[Emu, Emu, Emu, Emu]:
    return Inches(box.left), Inches(box.top), Inches(box.width), Inches(box.height)


def _write(
    frame: TextFrame,
    lines: list[str],
    lang: str,
    *,
    size: int,
    bold: bool = False,
    colour: RGBColor = TEXT,
    anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
) -> None:
    """`lines` as paragraphs of `frame`, left-aligned, wrapped, in the pack's language."""
    frame.clear()
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = anchor
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = PP_ALIGN.LEFT
        paragraph.space_after = Pt(size * 0.4)
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = colour
        run.font.language_id = _LANGUAGES.get(lang, MSO_LANGUAGE_ID.SWISS_FRENCH)


def _fitting(text: str, box: Box, largest: int, smallest: int, *, bold: bool = False) -> int:
    """The largest type size (points) at which `text` fits `box`, by a conservative estimate.

    PowerPoint's "shrink text on overflow" is applied by PowerPoint when it edits the text, not
    when it opens a file, so the size is chosen here: half an em per character (0.55 bold),
    1.2 lines per em, no smaller than `smallest`.
    """
    width, height = box.width * 72 - 14, box.height * 72 - 7  # the frame's inner margins
    for size in range(largest, smallest - 1, -1):
        per_line = max(1, int(width / (size * (0.55 if bold else 0.5))))
        lines = sum(math.ceil(max(1, len(part)) / per_line) for part in text.split("\n"))
        if lines * size * 1.2 <= height:
            return size
    return smallest


def _scope(report: Report) -> str:
    if not report.regions:
        return t("slides.scope_canton", report.lang)
    names = ", ".join(charts.label("region", region, report.lang) for region in report.regions)
    return t("slides.scope_regions", report.lang, regions=names)
