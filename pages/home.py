"""Accueil (placeholder until the screens land): the app title and what is coming."""

import streamlit as st

from dashboard.i18n import t

st.title(t("common.app_title"))
st.write(t("common.placeholder_home"))
