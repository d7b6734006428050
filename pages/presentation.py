"""10 Présentation: the key messages of a year as full-screen slides, small counts suppressed.

Suppression is always on here, whatever the role (DESIGN.md §5), at the public threshold
(``auth.public_threshold``, 5 unless ``CII_SUPPRESSION_THRESHOLD`` says otherwise): every
chart, sentence and table comes from ``dashboard.public``, which builds them from suppressed
counts only, and the downloads are built at the same threshold; the roles that see exact
counts anyway may also download the internal files. A title slide, then one slide
per key message; ``?slide=`` is the slide shown, ``?present=1`` hides everything but the slides
(``dashboard.ui.slides_view``).
"""

from dashboard.ui import auth

user = auth.require("presentation")

import streamlit as st  # noqa: E402

from dashboard import access, public  # noqa: E402
from dashboard.i18n import t  # noqa: E402
from dashboard.ui import components, data, filters, slides_view  # noqa: E402

threshold = auth.public_threshold()  # public-ready whoever presents: never an internal threshold
selected = filters.current()
lang, year = selected.lang, selected.year
slides_view.page_style()
slides_view.page_title(t("login.page_presentation", lang))
if year is None:  # nothing uploaded yet
    components.no_data(lang)
    st.stop()

frames = data.datasets(*public.DATASETS)
messages = public.key_messages(
    frames,
    year=year,
    compare=selected.compare,
    regions=selected.regions,
    lang=lang,
    threshold=threshold,
)
slides = list(messages.items())
total = 1 + len(slides)
at = slides_view.position(total)
slides_view.controls(at, total, lang)
if at == 1:
    downloads = internal = None  # a year without record-level data has no report
    if year in data.reporting_years():
        downloads = slides_view.builders(frames, data.uploads(), selected, threshold)
        if access.exports_exact_counts(user.role):
            internal = slides_view.builders(frames, data.uploads(), selected, None)
    slides_view.title_slide(selected, threshold, downloads, internal)
else:
    name, spec = slides[at - 2]
    slides_view.message_slide(spec, key=f"slide_{name}", lang=lang, threshold=threshold)
slides_view.autoplay(at, total)
