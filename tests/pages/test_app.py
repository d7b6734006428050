"""The app frame: navigation, global filters bound to the URL, empty database."""

from __future__ import annotations

from tests.pages.conftest import PAGES


def test_a_link_with_year_and_region_restores_the_filters(open_page):
    at = open_page("overview", year="2024", region="Sion")
    assert not at.exception
    assert at.selectbox(key="year").value == 2024
    assert at.selectbox(key="compare").value == 2023
    assert at.multiselect(key="region").value == ["Sion"]


def test_the_default_year_is_the_latest_with_data_compared_with_the_year_before(open_page):
    at = open_page("overview")
    assert (at.selectbox(key="year").value, at.selectbox(key="compare").value) == (2025, 2024)


def test_changing_the_year_moves_the_comparison_year(open_page):
    at = open_page("overview", year="2025")
    at.selectbox(key="year").set_value(2024).run()
    assert not at.exception
    assert at.selectbox(key="compare").value == 2023


def test_an_invalid_year_in_the_link_falls_back_to_the_default(open_page):
    at = open_page("overview", year="1999")
    assert not at.exception
    assert at.selectbox(key="year").value == 2025


def test_the_language_comes_from_the_link(open_page):
    at = open_page("overview", lang="de")
    assert at.selectbox(key="lang").value == "de"
    assert at.selectbox(key="year").label == "Jahr"


def test_every_page_renders_on_an_empty_database(open_page, empty_sqlite_url):
    for page in PAGES:
        at = open_page(page, database_url=empty_sqlite_url)
        assert not at.exception, page
