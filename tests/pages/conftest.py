"""AppTest fixtures: the real app on the demo database (SQLite), one fresh AppTest per test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGES = ("overview", "overlaps", "coaching", "youth", "complex", "network", "resources", "glossary")


@pytest.fixture(scope="session")
def demo_sqlite_url(tmp_path_factory) -> str:
    """A SQLite demo database shared by the page tests (pages only read)."""
    from dashboard.db.engine import ensure_database
    from dashboard.demo import load_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'demo.sqlite3'}"
    engine = ensure_database(url)
    assert all(outcome.ok for _, outcome in load_demo(engine))
    return url


@pytest.fixture(scope="session")
def empty_sqlite_url(tmp_path_factory) -> str:
    from dashboard.db.engine import ensure_database

    url = f"sqlite:///{tmp_path_factory.mktemp('empty') / 'empty.sqlite3'}"
    ensure_database(url)
    return url


@pytest.fixture
def open_page(demo_sqlite_url, monkeypatch) -> Callable[..., AppTest]:
    """``open_page("overlaps", year="2024", region=["Sion"], lang="de")`` → the rendered AppTest.

    Query parameters are set before the first run, as a copied link would; the page is then
    switched to (paths relative to dashboard/app.py) and run.
    """

    def open_(page: str = "overview", *, database_url: str | None = None, **params: str | list[str]) -> AppTest:
        monkeypatch.setenv("CII_DATABASE_URL", database_url or demo_sqlite_url)
        at = AppTest.from_file(str(APP), default_timeout=60)
        for name, value in params.items():
            at.query_params[name] = value
        at.run()
        if page != "overview":
            at.switch_page(f"../pages/{page}.py").run()
        return at

    return open_
