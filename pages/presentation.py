"""10 Présentation: the key messages of a year for a public audience, small counts suppressed.

Suppression is always on here, whatever the role (DESIGN.md §5), at the public threshold
(``auth.public_threshold``, 5 unless ``CII_SUPPRESSION_THRESHOLD`` says otherwise). Every chart, sentence and table
comes from ``dashboard.public``, which builds them from suppressed counts only. A later issue
turns the sequence into full-screen slides.
"""

from dashboard.ui import auth

auth.require("presentation")

import streamlit as st  # noqa: E402

from dashboard import disclosure, public  # noqa: E402
from dashboard.i18n import t  # noqa: E402
from dashboard.ui import components, data, filters  # noqa: E402

threshold = auth.public_threshold()  # public-ready whoever presents: never an internal threshold
selected = filters.current()
lang, year, regions = selected.lang, selected.year, selected.regions
st.title(t("login.page_presentation", lang))
if year is None:  # nothing uploaded yet
    components.no_data(lang)
    st.stop()

st.header(t("presentation.heading", lang, year=year))
if regions:
    st.markdown(t("presentation.scope_regions", lang, regions=", ".join(regions)))
else:
    st.markdown(t("presentation.scope_canton", lang))
st.caption(disclosure.note(lang, threshold=threshold))
messages = public.key_messages(
    data.datasets(*public.DATASETS),
    year=year,
    compare=selected.compare,
    regions=regions,
    lang=lang,
    threshold=threshold,
)
for name, spec in messages.items():
    st.divider()
    components.chart(spec, key=f"presentation_{name}")
