"""Streamlit entry point: `streamlit run dashboard/app.py`.

Streamlit puts this file's folder, not the repository root, on sys.path; the pages import
`dashboard` and `queries`, so the root goes first.

Nothing of the dashboard, not even a page name, is rendered before the login gate lets a user
in; the navigation is then built from that user's role (``dashboard.access``).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import access  # noqa: E402
from dashboard.i18n import t  # noqa: E402
from dashboard.ui import auth, filters, slides_view  # noqa: E402

# Presentation mode (?present=1) opens without the sidebar, which the Présentation then hides.
sidebar_state = "collapsed" if slides_view.presenting() else "auto"
st.set_page_config(page_title=t("common.app_title"), page_icon="📊", layout="wide",
                   initial_sidebar_state=sidebar_state)
lang = filters.language()
user = auth.gate(lang)
if user is None:
    st.stop()

default = access.default_page(user.role)
pages = {
    page_id: st.Page(
        f"../pages/{page.file}",
        title=t(page.title_key, lang),
        url_path=page.url_path,
        default=(page_id == default),
    )
    for page_id, page in ((p, access.PAGES[p]) for p in access.pages_of(user.role))
}
navigation = st.navigation(list(pages.values()))
slides_view.follow_present(navigation, pages.get("presentation"))
filters.sidebar(lang)
auth.logout_button(user, lang)
navigation.run()
