"""What the page tests read off a rendered AppTest."""

from __future__ import annotations

import json


def rendered(at):
    """The AppTest, after checking that the page raised nothing."""
    assert not at.exception, [exception.value for exception in at.exception]
    return at


def figures(at) -> list[dict]:
    """The plotly figures of the page, as JSON."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def captions(at) -> list[str]:
    return [caption.value for caption in at.caption]
