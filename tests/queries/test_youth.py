"""Plateforme T1: provenance tables and volume (queries/youth.py)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from queries.youth import t1_institutional_provenance, t1_provenance, t1_situations_received, t1_volume

SCHEMA = {
    "situation_id": pl.String,
    "received_on": pl.Date,
    "provenance": pl.String,
    "provenance_institution": pl.String,
    "kind": pl.String,
    "region": pl.String,
    "year": pl.Int64,
}
DEFAULTS = {
    "received_on": dt.date(2025, 5, 1),
    "provenance": "institutional",
    "provenance_institution": "ORP",
    "kind": "network",
    "region": "Sion",
    "year": 2025,
}
EMPTY = pl.DataFrame(schema=SCHEMA)
PROVENANCE_ROWS = ["institutional", "private", "osp_survey", "medical_network", "total"]
INSTITUTION_ROWS = ["ORP", "CIO/OSP", "SFOP", "OAI", "CMS", "OASI", "circle_2_3", "total"]


def t1(*rows: dict) -> pl.DataFrame:
    records = [{"situation_id": f"t{i}", **DEFAULTS, **row} for i, row in enumerate(rows)]
    return pl.DataFrame(records, schema=SCHEMA)


def many(count: int, **values: object) -> list[dict]:
    return [dict(values)] * count


def table(label: str, rows: list[str | None], counts: list[int], shares: list[float | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {label: rows, "situations": counts, "share": shares},
        schema={label: pl.String, "situations": pl.Int64, "share": pl.Float64},
    )


# The report's section 5 (2025): 727 situations, 606 of them institutional.
REPORT_2025 = t1(
    *many(97, provenance_institution="ORP"),
    *many(57, provenance_institution="CIO/OSP"),
    *many(32, provenance_institution="SFOP"),
    *many(17, provenance_institution="OAI"),
    *many(7, provenance_institution="CMS"),
    *many(5, provenance_institution="OASI"),
    *many(391, provenance_institution="circle_2_3", kind="complex"),
    *many(80, provenance="private", provenance_institution=None),
    *many(39, provenance="osp_survey", provenance_institution=None),
    *many(2, provenance="medical_network", provenance_institution=None),
    # the 2024 upload (462 = 727 - 265 situations in the report)
    *many(462, year=2024, received_on=dt.date(2024, 5, 1)),
)


def test_t1_provenance_reproduces_the_report_2025():
    result = t1_provenance(REPORT_2025, 2025)
    counts = [606, 80, 39, 2, 727]
    expected = table("provenance", PROVENANCE_ROWS, counts, [count / 727 for count in counts])
    assert_frame_equal(result, expected)
    # The report's rounding: 83.3 % (hand-adjusted, the exact share rounds to 83.4 %), 11 %, 5.4 %, 0.3 %.
    assert [round(share * 100, 1) for share in result["share"]] == [83.4, 11.0, 5.4, 0.3, 100.0]


def test_t1_institutional_provenance_reproduces_the_report_2025():
    result = t1_institutional_provenance(REPORT_2025, 2025)
    counts = [97, 57, 32, 17, 7, 5, 391, 606]
    expected = table("provenance_institution", INSTITUTION_ROWS, counts, [count / 606 for count in counts])
    assert_frame_equal(result, expected)


def test_t1_volume_reproduces_the_report():
    # "727 situations, soit 265 de plus que l'année précédente"
    result = t1_volume(REPORT_2025)
    expected = pl.DataFrame({"year": [2024, 2025], "situations": [462, 727]}, schema={"year": pl.Int64, "situations": pl.Int64})
    assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, 727),
        ({"kinds": ["complex"]}, 391),
        ({"regions": ["Monthey"]}, 0),
    ],
)
def test_t1_situations_received(filters, expected):
    assert t1_situations_received(REPORT_2025, 2025, **filters) == expected


def test_t1_provenance_year_scope_and_filters():
    frame = t1(
        {"region": "Sion"},
        {"region": "Sierre", "provenance": "private", "provenance_institution": None},
        {"region": "Sierre", "kind": "complex"},
        # not 2025: received in 2024 in the 2025 upload; the 2024 upload
        {"received_on": dt.date(2024, 12, 30)},
        {"year": 2024},
    )
    result = t1_provenance(frame, 2025, regions=["Sierre"], kinds=["network"])
    expected = table("provenance", PROVENANCE_ROWS, [0, 1, 0, 0, 1], [0.0, 1.0, 0.0, 0.0, 1.0])
    assert_frame_equal(result, expected)


def test_t1_tables_of_a_year_without_situations_have_zero_counts_and_no_share():
    assert_frame_equal(t1_provenance(EMPTY, 2025), table("provenance", PROVENANCE_ROWS, [0] * 5, [None] * 5))
    assert_frame_equal(
        t1_institutional_provenance(EMPTY, 2025),
        table("provenance_institution", INSTITUTION_ROWS, [0] * 8, [None] * 8),
    )


def test_t1_institutional_provenance_keeps_unnamed_institutions_in_a_row_of_their_own():
    frame = t1({"provenance_institution": "OAI"}, {"provenance_institution": None})
    result = t1_institutional_provenance(frame, 2025)
    expected = table(
        "provenance_institution",
        ["ORP", "CIO/OSP", "SFOP", "OAI", "CMS", "OASI", "circle_2_3", None, "total"],
        [0, 0, 0, 1, 0, 0, 0, 1, 2],
        [0.0, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0, 0.5, 1.0],
    )
    assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("frame", "years", "expected"),
    [
        # years with an upload, and a requested year without one (0: nothing received)
        (t1({"year": 2024, "received_on": dt.date(2024, 1, 1)}, {}), None, [(2024, 1), (2025, 1)]),
        (t1({}), [2023, 2025], [(2023, 0), (2025, 1)]),
        # a row dated outside its upload's year counts for no year
        (t1({"received_on": dt.date(2024, 12, 1)}), None, [(2025, 0)]),
        (EMPTY, None, []),
    ],
)
def test_t1_volume(frame, years, expected):
    result = t1_volume(frame, years)
    assert_frame_equal(
        result,
        pl.DataFrame(expected, schema={"year": pl.Int64, "situations": pl.Int64}, orient="row"),
    )
