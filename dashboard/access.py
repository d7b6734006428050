"""Who may open what: the pages of each role (DESIGN.md §1, §5). Deny by default.

The navigation is built from :data:`PAGES_BY_ROLE` and every page checks it again itself
(``dashboard.ui.auth.require``), so a page reached by its URL, or registered by mistake, still
refuses a role it is not meant for. Pure data and functions: no streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """A page of the app: its script in ``pages/``, its URL path and the key of its title."""

    file: str
    url_path: str
    title_key: str


PAGES: dict[str, Page] = {
    "overview": Page("overview.py", "accueil", "app.page_overview"),
    "overlaps": Page("overlaps.py", "chevauchements", "app.page_overlaps"),
    "coaching": Page("coaching.py", "coaching", "app.page_coaching"),
    "youth": Page("youth.py", "jeunes", "app.page_youth"),
    "complex": Page("complex.py", "complexe", "app.page_complex"),
    "network": Page("network.py", "reseau", "app.page_network"),
    "resources": Page("resources.py", "formations", "app.page_resources"),
    "glossary": Page("glossary.py", "glossaire", "app.page_glossary"),
    "presentation": Page("presentation.py", "presentation", "login.page_presentation"),
    "data": Page("data.py", "donnees", "login.page_data"),
    "audit": Page("audit.py", "journal", "login.page_audit"),
    "account": Page("account.py", "compte", "login.page_account"),
}
"""Every page, in navigation order."""

SCREENS = ("overview", "overlaps", "coaching", "youth", "complex", "network", "resources", "glossary")
"""The report's screens (DESIGN.md §4.1–4.7 and 4.9)."""

ROLES = ("admin", "analyst", "viewer", "presenter")

PAGES_BY_ROLE: dict[str, tuple[str, ...]] = {
    "admin": (*SCREENS, "presentation", "data", "audit", "account"),
    "analyst": (*SCREENS, "presentation", "data", "account"),
    "viewer": (*SCREENS, "presentation", "account"),
    # The public-facing role sees presentation-ready pages only: small counts are suppressed
    # there, and nowhere else.
    "presenter": ("presentation", "glossary", "account"),
}


def pages_of(role: str | None) -> tuple[str, ...]:
    """The pages ``role`` may open, in navigation order; none for an unknown role.

    >>> pages_of("presenter")
    ('presentation', 'glossary', 'account')
    >>> pages_of("intruder")
    ()
    """
    return PAGES_BY_ROLE.get(role or "", ())


def allowed(role: str | None, page: str) -> bool:
    """Whether ``role`` may open ``page``.

    >>> allowed("analyst", "data"), allowed("viewer", "data"), allowed(None, "overview")
    (True, False, False)
    """
    return page in pages_of(role)


def can_write_data(role: str | None) -> bool:
    """Only the Bureau CII (``admin``) uploads and rolls back; ``analyst`` reads the Données page."""
    return role == "admin"


def exports_exact_counts(role: str | None) -> bool:
    """Whether ``role`` may download internal reports with exact counts (never the presenter).

    >>> exports_exact_counts("viewer"), exports_exact_counts("presenter")
    (True, False)
    """
    return role in ("admin", "analyst", "viewer")


def default_page(role: str | None) -> str | None:
    """The page opened at ``/``: the first screen the role may see."""
    pages = pages_of(role)
    return pages[0] if pages else None
