"""AppTest of the Glossaire page (pages/glossary.py): searchable, in both languages, bound to ?q=."""

from __future__ import annotations

import pytest

from dashboard import glossary
from dashboard.datasets import REGIONS
from tests.pages.helpers import rendered

PAGE = "glossary"


def terms(at):
    """The bold terms of the definitions shown."""
    return [markdown.value.split("**")[1] for markdown in at.markdown if markdown.value.startswith("**")]


def abbreviations(at):
    return list(at.dataframe[0].value.iloc[:, 0]) if at.dataframe else []


@pytest.mark.parametrize("region", REGIONS)
def test_renders_for_each_single_region_and_says_the_filter_does_not_apply(open_page, region):
    at = rendered(open_page(PAGE, region=[region]))
    assert "ⓘ Le filtre des régions ne s'applique pas à cette page : ses chiffres sont cantonaux." in [caption.value for caption in at.caption]


def test_renders_on_an_empty_database(open_page, empty_sqlite_url):
    at = rendered(open_page(PAGE, database_url=empty_sqlite_url))
    assert len(terms(at)) == 10 and len(abbreviations(at)) == 52


def test_the_whole_glossary_without_search(open_page):
    at = rendered(open_page(PAGE))
    assert terms(at) == [glossary.display_term(entry, "fr") for entry in glossary.entries() if entry.kind == "definition"]
    assert abbreviations(at)[:3] == ["AC", "AI", "AIS"]


def test_a_link_with_q_opens_the_glossary_on_table_ronde(open_page):
    at = rendered(open_page(PAGE, q="table ronde"))
    assert at.text_input(key="q").value == "table ronde"
    assert terms(at) == ["Table ronde (TRO)"]
    assert abbreviations(at) == ["TRO"]
    assert list(at.dataframe[0].value.iloc[:, 1]) == ["Table ronde"]


def test_searching_in_german_finds_runder_tisch_with_its_french_acronym(open_page):
    at = rendered(open_page(PAGE, lang="de", q="Runder Tisch"))
    assert terms(at) == ["Runder Tisch (TRO)"]
    assert abbreviations(at) == ["TRO"]
    assert list(at.dataframe[0].value.columns) == ["Abkürzung", "Bedeutung"]


def test_typing_a_search_updates_the_results_and_the_box_is_bound_to_the_url(open_page):
    at = rendered(open_page(PAGE, lang="de"))
    # The browser writes a bound widget into the URL; AppTest only shows the binding.
    assert at.text_input(key="q").proto.query_param_key == "q"
    at.text_input(key="q").input("orp").run()
    rendered(at)
    assert abbreviations(at) == ["RAV (frz. ORP)"]
    assert terms(at) == ["Massnahme Coaching RAV-SMZ (Coaching ORP-CMS)"]


def test_a_search_without_result_says_so(open_page):
    at = rendered(open_page(PAGE, q="zzz"))
    assert [info.value for info in at.info] == ["Aucune entrée ne correspond à « zzz »."]
    assert not terms(at) and not at.dataframe
