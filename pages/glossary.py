"""Glossaire: the report's definitions and abbreviations in the chosen language, searchable.

The search box is bound to ``?q=``, so that a link can open the glossary on a term.
"""

import streamlit as st

from dashboard import glossary
from dashboard.i18n import t
from dashboard.ui import auth, filters

auth.require("glossary")

lang = filters.current().lang
st.title(t("app.page_glossary", lang))
filters.not_applicable("year", "regions", "compare")
query = st.text_input(
    t("pages_more.glossary_search", lang),
    key="q",
    bind="query-params",
    placeholder=t("pages_more.glossary_placeholder", lang),
)
found = glossary.search(glossary.entries(), query or "", lang)
if not found:
    st.info(t("pages_more.glossary_none", lang, query=query))
else:
    st.caption(t("pages_more.glossary_count", lang, count=len(found)))

definitions = [entry for entry in found if entry.kind == "definition"]
if definitions:
    st.subheader(t("pages_more.glossary_definitions", lang))
    for entry in definitions:
        st.markdown(f"**{glossary.display_term(entry, lang)}**  \n{entry.text_in(lang).text}")

abbreviations = [entry for entry in found if entry.kind == "abbreviation"]
if abbreviations:
    st.subheader(t("pages_more.glossary_abbreviations", lang))
    st.dataframe(glossary.abbreviation_table(abbreviations, lang), hide_index=True, width="stretch")
st.caption(t("pages_more.glossary_source", lang))
