"""Every page renders without exception in every state a user can reach (issue 4 acceptance):
the demo years, a year without record-level data, a filter leaving no rows, German, each
single region, and an empty database."""

from __future__ import annotations

import pytest

from dashboard.datasets import REGIONS
from tests.pages.conftest import PAGES
from tests.pages.helpers import rendered

STATES = [
    pytest.param({"year": "2025"}, id="2025"),
    pytest.param({"year": "2024"}, id="2024"),
    pytest.param({"year": "2023"}, id="year-without-data"),
    pytest.param({"year": "2023", "region": ["Monthey"]}, id="no-rows"),
    pytest.param({"year": "2025", "lang": "de"}, id="german"),
    *(pytest.param({"year": "2025", "region": [region]}, id=region) for region in REGIONS),
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("params", STATES)
def test_page_renders_without_exception(open_page, page, params):
    rendered(open_page(page, **params))
