"""Situations announced, the CII complexe table, early detection and services (queries/situations.py)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from queries.compare import Share
from queries.situations import (
    complex_by_region_and_announcer,
    detection_delays,
    early_detection,
    early_detection_by_announcer,
    services_by_type,
    situations_announced,
    situations_by_public,
)

SCHEMA = {
    "situation_id": pl.String,
    "announced_on": pl.Date,
    "public": pl.String,
    "kind": pl.String,
    "announcer": pl.String,
    "region": pl.String,
    "followup_start": pl.Date,
    "year": pl.Int64,
    "source": pl.String,
    "upload_id": pl.Int64,
}
DEFAULTS = {
    "announced_on": dt.date(2025, 6, 1),
    "public": "adult",
    "kind": "complex",
    "announcer": "ORP",
    "region": "Sion",
    "followup_start": None,
    "year": 2025,
    "source": "CII",
    "upload_id": 1,
}
EMPTY = pl.DataFrame(schema=SCHEMA)


def situations(*rows: dict) -> pl.DataFrame:
    """A loaded ``situations`` frame: each row is DEFAULTS updated with its own values."""
    records = [{"situation_id": f"s{i}", **DEFAULTS, **row} for i, row in enumerate(rows)]
    return pl.DataFrame(records, schema=SCHEMA)


def days_before(days: int, announced_on: dt.date = DEFAULTS["announced_on"]) -> dict:
    """A situation announced on `announced_on`, `days` after its follow-up began."""
    return {"announced_on": announced_on, "followup_start": announced_on - dt.timedelta(days=days)}


TYPICAL = situations(
    {"public": "adult", "region": "Sion"},
    {"public": "adult", "region": "Monthey", "kind": "network"},
    {"public": "youth", "region": "Sion", "announcer": "T1/SFOP"},
    {"public": "youth", "region": "Haut-Valais", "kind": "network"},
    # not 2025: announced in 2024 (though in the 2025 upload), and the 2024 upload
    {"announced_on": dt.date(2024, 12, 31)},
    {"announced_on": dt.date(2025, 2, 1), "year": 2024},
    {"announced_on": dt.date(2024, 2, 1), "year": 2024},
)


# --- situations announced -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # the whole year
        ({}, 4),
        # each filter on its own
        ({"public": ["youth"]}, 2),
        ({"regions": ["Sion"]}, 2),
        ({"kinds": ["network"]}, 2),
        ({"announcers": ["T1/SFOP"]}, 1),
        # filters together, and a filter that selects nothing
        ({"public": ["adult"], "kinds": ["complex"]}, 1),
        ({"regions": []}, 0),
    ],
)
def test_situations_announced(filters, expected):
    assert situations_announced(TYPICAL, 2025, **filters) == expected


@pytest.mark.parametrize(
    ("frame", "year", "expected"),
    [
        (EMPTY, 2025, 0),
        (TYPICAL, 2023, 0),  # no upload for 2023
        # the 2024 upload's 2024 situation only: neither its 2025 date nor the 2025 upload's 2024 one
        (TYPICAL, 2024, 1),
    ],
)
def test_situations_announced_edges(frame, year, expected):
    assert situations_announced(frame, year) == expected


def test_situations_by_public():
    result = situations_by_public(TYPICAL, 2025)
    expected = pl.DataFrame(
        {"public": ["adult", "youth", "total"], "situations": [2, 2, 4]},
        schema={"public": pl.String, "situations": pl.Int64},
    )
    assert_frame_equal(result, expected)


def test_situations_by_public_keeps_both_publics_when_empty():
    result = situations_by_public(EMPTY, 2025)
    expected = pl.DataFrame(
        {"public": ["adult", "youth", "total"], "situations": [0, 0, 0]},
        schema={"public": pl.String, "situations": pl.Int64},
    )
    assert_frame_equal(result, expected)


def test_situations_by_public_with_filters():
    result = situations_by_public(TYPICAL, 2025, regions=["Sion"], kinds=["complex"])
    expected = pl.DataFrame(
        {"public": ["adult", "youth", "total"], "situations": [1, 1, 2]},
        schema={"public": pl.String, "situations": pl.Int64},
    )
    assert_frame_equal(result, expected)


# --- complex situations by region and announcer ----------------------------------------------

ANNOUNCER_ROWS = ["total", "ORP", "CMS", "BIP/OASI", "OAI", "OSP/SHE", "T1/SFOP", "other"]


def complex_table(columns: dict[str, list[int]]) -> pl.DataFrame:
    """The expected table: announcer rows of the report, then the given Int64 columns."""
    return pl.DataFrame(
        {"announcer": ANNOUNCER_ROWS, **columns},
        schema={"announcer": pl.String, **{name: pl.Int64 for name in columns}},
    )


# The report's table "Situations signalées en CII complexe" (2025); empty cells are 0.
REPORT_2025 = {
    #            total  HV  Sierre Sion Martigny Monthey
    "total":    (87,    18, 10,    26,  15,      18),
    "ORP":      (50,    7,  5,     17,  13,      8),
    "CMS":      (27,    4,  5,     8,   2,       8),
    "BIP/OASI": (2,     1,  0,     1,   0,       0),
    "OAI":      (3,     3,  0,     0,   0,       0),
    "OSP/SHE":  (2,     1,  0,     0,   0,       1),
    "T1/SFOP":  (3,     2,  0,     0,   0,       1),
    "other":    (0,     0,  0,     0,   0,       0),
}  # fmt: skip
REGION_COLUMNS = ["Haut-Valais", "Sierre", "Sion", "Martigny", "Monthey"]


def test_complex_table_reproduces_the_report_2025():
    rows = [
        {"announcer": announcer, "region": region, "public": "adult" if i % 3 else "youth"}
        for announcer, counts in REPORT_2025.items()
        if announcer != "total"
        for region, count in zip(REGION_COLUMNS, counts[1:], strict=True)
        for i in range(count)
    ]
    # Network situations and other years must not leak into the table.
    noise = [{"kind": "network", "region": "Sion"}, {"announced_on": dt.date(2024, 11, 1), "region": "Sierre"}]
    result = complex_by_region_and_announcer(situations(*rows, *noise), 2025)
    expected = complex_table(
        {
            name: [REPORT_2025[announcer][position] for announcer in ANNOUNCER_ROWS]
            for position, name in enumerate(["total", *REGION_COLUMNS])
        }
    )
    assert_frame_equal(result, expected)


def test_complex_table_region_filter_shows_only_the_selected_regions_in_report_order():
    frame = situations(
        {"region": "Monthey", "announcer": "CMS"},
        {"region": "Haut-Valais", "announcer": "OAI"},
        {"region": "Sion", "announcer": "ORP"},
    )
    result = complex_by_region_and_announcer(frame, 2025, regions=["Monthey", "Haut-Valais"])
    expected = complex_table(
        {
            "total": [2, 0, 1, 0, 1, 0, 0, 0],
            "Haut-Valais": [1, 0, 0, 0, 1, 0, 0, 0],
            "Monthey": [1, 0, 1, 0, 0, 0, 0, 0],
        }
    )
    assert_frame_equal(result, expected)


def test_complex_table_public_filter():
    frame = situations({"public": "youth", "announcer": "T1/SFOP"}, {"public": "adult"})
    result = complex_by_region_and_announcer(frame, 2025, regions=["Sion"], public=["youth"])
    expected = complex_table({"total": [1, 0, 0, 0, 0, 0, 1, 0], "Sion": [1, 0, 0, 0, 0, 0, 1, 0]})
    assert_frame_equal(result, expected)


def test_complex_table_of_a_year_without_situations_is_all_zeros():
    result = complex_by_region_and_announcer(EMPTY, 2025)
    expected = complex_table({name: [0] * 8 for name in ["total", *REGION_COLUMNS]})
    assert_frame_equal(result, expected)


# --- early detection ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # six months = 183 days: 182 days is early, 183 is not
        ([days_before(182)], Share(1, 1)),
        ([days_before(183)], Share(0, 1)),
        ([days_before(0), days_before(400)], Share(1, 2)),
        # an unknown start leaves the denominator; network situations are not counted
        ([days_before(10), {"followup_start": None}], Share(1, 1)),
        ([days_before(10), {**days_before(10), "kind": "network"}], Share(1, 1)),
        # the year: announced in Y, in the uploads of Y
        ([days_before(10, dt.date(2024, 12, 1))], Share(0, 0)),
        ([{**days_before(10), "year": 2024}], Share(0, 0)),
        # nothing to take a share of
        ([], Share(0, 0)),
    ],
)
def test_early_detection(rows, expected):
    assert early_detection(situations(*rows), 2025) == expected


def test_early_detection_filters():
    frame = situations(
        {**days_before(30), "announcer": "ORP", "region": "Sion"},
        {**days_before(300), "announcer": "CMS", "region": "Sion"},
        {**days_before(300), "announcer": "CMS", "region": "Sierre", "public": "youth"},
    )
    assert early_detection(frame, 2025, announcers=["CMS"]) == Share(0, 2)
    assert early_detection(frame, 2025, regions=["Sion"]) == Share(1, 2)
    assert early_detection(frame, 2025, public=["youth"]) == Share(0, 1)


def test_early_detection_by_announcer():
    frame = situations(
        {**days_before(30), "announcer": "ORP"},
        {**days_before(200), "announcer": "ORP"},
        {**days_before(500), "announcer": "CMS"},
        {"announcer": "CMS", "followup_start": None},
        {**days_before(5), "announcer": "T1/SFOP", "kind": "network"},
    )
    result = early_detection_by_announcer(frame, 2025)
    expected = pl.DataFrame(
        {
            "announcer": ["ORP", "CMS", "BIP/OASI", "OAI", "OSP/SHE", "T1/SFOP", "other", "total"],
            "situations": [2, 2, 0, 0, 0, 0, 0, 4],
            "without_start": [0, 1, 0, 0, 0, 0, 0, 1],
            "dated": [2, 1, 0, 0, 0, 0, 0, 3],
            "early": [1, 0, 0, 0, 0, 0, 0, 1],
            "share": [0.5, 0.0, None, None, None, None, None, 1 / 3],
        },
        schema={
            "announcer": pl.String,
            "situations": pl.Int64,
            "without_start": pl.Int64,
            "dated": pl.Int64,
            "early": pl.Int64,
            "share": pl.Float64,
        },
    )
    assert_frame_equal(result, expected)


def test_early_detection_reproduces_the_report_shares():
    # "25% des situations" in 2025, "plus de 36 %" in 2024 (e.g. 9 of 25).
    frame = situations(
        *[{**days_before(days), "year": 2025} for days in [20] * 20 + [400] * 60],
        *[{**days_before(days, dt.date(2024, 6, 1)), "year": 2024} for days in [20] * 9 + [400] * 16],
    )
    assert early_detection(frame, 2025) == Share(20, 80)
    assert early_detection(frame, 2024) == Share(9, 25)


def test_detection_delays_bucket_boundaries():
    frame = situations(*(days_before(days) for days in [0, 90, 91, 182, 183, 364, 365, 729, 730, 2000]), {})
    result = detection_delays(frame, 2025)
    expected = pl.DataFrame(
        {
            "bucket": ["under_3_months", "3_to_6_months", "6_to_12_months", "1_to_2_years", "2_years_or_more"],
            "from_days": [0, 91, 183, 365, 730],
            "to_days": [91, 183, 365, 730, None],
            "situations": [2, 2, 2, 2, 2],
            "share": [0.2] * 5,
        },
        schema={"bucket": pl.String, "from_days": pl.Int64, "to_days": pl.Int64, "situations": pl.Int64, "share": pl.Float64},
    )
    assert_frame_equal(result, expected)


def test_detection_delays_of_an_empty_year_has_every_bucket_and_no_share():
    result = detection_delays(EMPTY, 2025).select("situations", "share")
    expected = pl.DataFrame({"situations": [0] * 5, "share": [None] * 5}, schema={"situations": pl.Int64, "share": pl.Float64})
    assert_frame_equal(result, expected)


def test_detection_delays_announcer_filter():
    frame = situations({**days_before(10), "announcer": "CMS"}, {**days_before(800), "announcer": "ORP"})
    result = detection_delays(frame, 2025, announcers=["ORP"]).select("bucket", "situations")
    expected = pl.DataFrame(
        {
            "bucket": ["under_3_months", "3_to_6_months", "6_to_12_months", "1_to_2_years", "2_years_or_more"],
            "situations": [0, 0, 0, 0, 1],
        },
        schema={"bucket": pl.String, "situations": pl.Int64},
    )
    assert_frame_equal(result, expected)


# --- services -----------------------------------------------------------------------------

SERVICE_SCHEMA = {"situation_id": pl.String, "service": pl.String, "date": pl.Date, "region": pl.String, "year": pl.Int64}
SERVICE_ROWS = ["tro", "assessment", "coaching_orp_cms", "cm_cii", "medical_mandate", "total"]


def services(*rows: tuple[str, str, dt.date, str, int]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SERVICE_SCHEMA, orient="row")


def services_table(counts: list[int], situations_served: list[int]) -> pl.DataFrame:
    return pl.DataFrame(
        {"service": SERVICE_ROWS, "services": counts, "situations": situations_served},
        schema={"service": pl.String, "services": pl.Int64, "situations": pl.Int64},
    )


SERVICES = services(
    ("s1", "tro", dt.date(2025, 1, 10), "Sion", 2025),
    ("s1", "tro", dt.date(2025, 9, 10), "Sion", 2025),
    ("s2", "tro", dt.date(2025, 3, 10), "Monthey", 2025),
    ("s1", "coaching_orp_cms", dt.date(2025, 4, 10), "Sion", 2025),
    ("s3", "assessment", dt.date(2025, 5, 10), "Monthey", 2025),
    # other years: a 2024 date in the 2025 upload, and the 2024 upload
    ("s4", "cm_cii", dt.date(2024, 12, 10), "Sion", 2025),
    ("s5", "medical_mandate", dt.date(2025, 2, 10), "Sion", 2024),
)


@pytest.mark.parametrize(
    ("frame", "regions", "expected"),
    [
        # the report's five service types, with the ones nobody asked for at 0
        (SERVICES, None, services_table([3, 1, 1, 0, 0, 5], [2, 1, 1, 0, 0, 3])),
        (SERVICES, ["Sion"], services_table([2, 0, 1, 0, 0, 3], [1, 0, 1, 0, 0, 1])),
        (services(), None, services_table([0] * 6, [0] * 6)),
    ],
)
def test_services_by_type(frame, regions, expected):
    assert_frame_equal(services_by_type(frame, 2025, regions=regions), expected)


def test_detection_delays_by_announcer():
    frame = situations(
        {**days_before(10), "announcer": "CMS"},
        {**days_before(400), "announcer": "CMS"},
        {**days_before(100), "announcer": "ORP"},
        {"announcer": "ORP", "followup_start": None},
    )
    result = detection_delays(frame, 2025, by_announcer=True, announcers=["CMS", "ORP"])
    buckets = ["under_3_months", "3_to_6_months", "6_to_12_months", "1_to_2_years", "2_years_or_more"]
    expected = pl.DataFrame(
        {
            "announcer": ["ORP"] * 5 + ["CMS"] * 5,
            "bucket": buckets * 2,
            "from_days": [0, 91, 183, 365, 730] * 2,
            "to_days": [91, 183, 365, 730, None] * 2,
            # ORP: one dated situation (the other has no start); CMS: two
            "situations": [0, 1, 0, 0, 0] + [1, 0, 0, 1, 0],
            "share": [0.0, 1.0, 0.0, 0.0, 0.0] + [0.5, 0.0, 0.0, 0.5, 0.0],
        },
        schema={
            "announcer": pl.String,
            "bucket": pl.String,
            "from_days": pl.Int64,
            "to_days": pl.Int64,
            "situations": pl.Int64,
            "share": pl.Float64,
        },
    )
    assert_frame_equal(result, expected)


def test_complex_table_with_no_region_selected_keeps_the_announcer_rows():
    result = complex_by_region_and_announcer(situations({}), 2025, regions=[])
    assert_frame_equal(result, complex_table({"total": [0] * 8}))
