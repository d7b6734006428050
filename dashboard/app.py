"""Streamlit entry point: `streamlit run dashboard/app.py`.

Streamlit puts this file's folder, not the repository root, on sys.path; the pages import
`dashboard` and `queries`, so the root goes first.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard.i18n import t  # noqa: E402

st.set_page_config(page_title=t("common.app_title"), layout="wide")

# Page paths resolve relative to this file's folder.
navigation = st.navigation([st.Page("../pages/home.py", title=t("common.app_title"), default=True)])
navigation.run()
