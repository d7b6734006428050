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
from dashboard.ui import filters  # noqa: E402

# (file, url path, title key); page paths resolve relative to this file's folder.
SCREENS = (
    ("overview.py", "accueil", "app.page_overview"),
    ("overlaps.py", "chevauchements", "app.page_overlaps"),
    ("coaching.py", "coaching", "app.page_coaching"),
    ("youth.py", "jeunes", "app.page_youth"),
    ("complex.py", "complexe", "app.page_complex"),
    ("network.py", "reseau", "app.page_network"),
    ("resources.py", "formations", "app.page_resources"),
    ("glossary.py", "glossaire", "app.page_glossary"),
)

st.set_page_config(page_title=t("common.app_title"), page_icon="📊", layout="wide")
lang = filters.language()
navigation = st.navigation(
    [
        st.Page(f"../pages/{file}", title=t(title, lang), url_path=path, default=(i == 0))
        for i, (file, path, title) in enumerate(SCREENS)
    ]
)
filters.sidebar(lang)
navigation.run()
