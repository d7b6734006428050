"""Cross-dataset checks and the dataset catalogue of the Données page (queries/consistency.py)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.datasets import DATASETS, REGIONS
from dashboard.db.load import load_dataset
from dashboard.db.store import list_uploads
from queries import consistency
from queries.consistency import CHECKS_SCHEMA, RECORD_DATASETS

UTC = dt.timezone.utc


def checks(rows: list[tuple]) -> pl.DataFrame:
    """Expected check rows, given as (check, year, status, dataset, subject, unit, value, reference)."""
    return pl.DataFrame(rows, schema=CHECKS_SCHEMA, orient="row")


def uploads(rows: list[tuple]) -> pl.DataFrame:
    """An upload history from (dataset, source, year, status) tuples."""
    frame = pl.DataFrame(rows, schema=["dataset", "source", "year", "status"], orient="row")
    return frame.with_columns(
        row_count=pl.lit(1, pl.Int64),
        uploaded_at=pl.lit(dt.datetime(2026, 1, 5, tzinfo=UTC)),
    )


def every_dataset(year: int, *, but: str | None = None) -> list[tuple]:
    return [(name, "CII", year, "current") for name in RECORD_DATASETS if name != but]


# --- catalogue -----------------------------------------------------------------------------------


def test_catalogue_lists_every_dataset_with_its_current_uploads_only():
    history = pl.DataFrame(
        {
            "dataset": ["followups", "followups", "followups", "budget"],
            "source": ["CMS", "ORP", "ORP", "CII"],
            "year": [2025, 2024, 2025, 2024],
            "row_count": [10, 20, 99, 7],
            "status": ["current", "current", "rolled_back", "current"],
            "uploaded_at": [dt.datetime(2026, 1, d, tzinfo=UTC) for d in (3, 2, 9, 1)],
        }
    )
    result = consistency.catalogue(history)
    expected = pl.DataFrame(
        {
            "dataset": list(DATASETS),
            "files": [2 if d == "followups" else 1 if d == "budget" else 0 for d in DATASETS],
            "rows": [30 if d == "followups" else 7 if d == "budget" else 0 for d in DATASETS],
            "years": ["2024, 2025" if d == "followups" else "2024" if d == "budget" else None for d in DATASETS],
            # institutions in the report's order, whatever the order of the uploads
            "sources": ["ORP, CMS" if d == "followups" else "CII" if d == "budget" else None for d in DATASETS],
            "last_upload": [
                dt.datetime(2026, 1, 3, tzinfo=UTC) if d == "followups"
                else dt.datetime(2026, 1, 1, tzinfo=UTC) if d == "budget" else None
                for d in DATASETS
            ],
        },
        schema=consistency.CATALOGUE_SCHEMA,
    )
    assert_frame_equal(result, expected)


def test_catalogue_of_an_empty_database_lists_every_dataset_as_empty():
    empty = uploads([]).cast({"dataset": pl.String, "source": pl.String, "year": pl.Int64, "status": pl.String})
    result = consistency.catalogue(empty)
    assert result.select("dataset", "files", "rows").rows() == [(name, 0, 0) for name in DATASETS]


# --- missing uploads -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        # every dataset, every year: complete
        (every_dataset(2024) + every_dataset(2025),
         [("uploads_complete", 2025, "ok", None, None), ("uploads_complete", 2024, "ok", None, None)]),
        # a dataset missing in one year
        (every_dataset(2024) + every_dataset(2025, but="coaching"),
         [("missing_dataset", 2025, "warning", "coaching", None), ("uploads_complete", 2024, "ok", None, None)]),
        # a partner that sent 2024 but not 2025; the other partner's 2025 file is there
        (every_dataset(2024, but="followups") + every_dataset(2025, but="followups")
         + [("followups", "ORP", 2024, "current"), ("followups", "OAI", 2024, "current"),
            ("followups", "OAI", 2025, "current")],
         [("missing_source", 2025, "warning", "followups", "ORP"), ("uploads_complete", 2024, "ok", None, None)]),
        # the Bureau CII's combined extract covers every partner of its year
        (every_dataset(2024, but="followups") + every_dataset(2025)
         + [("followups", "ORP", 2024, "current")],
         [("uploads_complete", 2025, "ok", None, None), ("uploads_complete", 2024, "ok", None, None)]),
        # a rolled-back upload is no upload; a published report alone is no reporting year
        (every_dataset(2024, but="budget") + [("budget", "CII", 2024, "rolled_back"),
                                               ("published", "CII", 2025, "current")],
         [("missing_dataset", 2024, "warning", "budget", None)]),
        # nothing uploaded
        ([], []),
    ],
    ids=["complete", "dataset-missing", "partner-missing", "combined-extract", "rolled-back", "empty"],
)
def test_missing_uploads(history, expected):
    result = consistency.missing_uploads(uploads(history).cast({"year": pl.Int64}))
    assert_frame_equal(result, checks([(*row, "count", None, None) for row in expected]))


# --- checks between datasets ---------------------------------------------------------------------


def test_youth_checks_compare_the_bureau_and_the_t1_each_year_both_sent():
    announced = pl.DataFrame(
        {
            "year": [2025, 2025, 2025, 2024],
            "announced_on": [dt.date(2025, 2, 1), dt.date(2025, 3, 1), dt.date(2025, 4, 1), dt.date(2024, 5, 1)],
            "public": ["youth", "youth", "adult", "youth"],
            "kind": ["complex", "network", "complex", "network"],
            "announcer": ["T1/SFOP", "ORP", "ORP", "ORP"],
            "region": ["Sion"] * 4,
        }
    )
    t1 = pl.DataFrame(
        {
            "year": [2025, 2025, 2025, 2023],
            "received_on": [dt.date(2025, 1, 9), dt.date(2025, 1, 10), dt.date(2025, 2, 3), dt.date(2023, 5, 1)],
            "kind": ["network", "complex", "network", "network"],
            "region": ["Sion"] * 4,
        }
    )
    result = consistency.youth_checks(announced, t1, [2025, 2024, 2023])
    expected = checks(
        [
            ("youth_vs_t1", 2025, "warning", None, None, "count", 2.0, 3.0),
            ("t1_complex", 2025, "ok", None, None, "count", 1.0, 1.0),
        ]
    )
    assert_frame_equal(result, expected)


def test_coaching_checks_count_the_cases_running_in_the_year_against_the_coaching_services():
    cases = pl.DataFrame(
        {
            "year": [2025] * 4 + [2024],
            # opened before, opened during, closed before (not running), opened after (not running)
            "started_on": [dt.date(2024, 6, 1), dt.date(2025, 3, 1), dt.date(2023, 1, 1), dt.date(2026, 1, 5),
                           dt.date(2024, 2, 1)],
            "closed_on": [None, dt.date(2025, 9, 1), dt.date(2024, 12, 31), None, None],
        },
        schema_overrides={"closed_on": pl.Date},
    )
    services = pl.DataFrame(
        {
            "year": [2025, 2025, 2025, 2024],
            "situation_id": ["s1", "s2", "s3", "s4"],
            "service": ["coaching_orp_cms", "coaching_orp_cms", "tro", "coaching_orp_cms"],
            "date": [dt.date(2025, 4, 1), dt.date(2025, 5, 1), dt.date(2025, 5, 2), dt.date(2024, 3, 1)],
        }
    )
    result = consistency.coaching_checks(cases, services, [2025, 2024])
    expected = checks(
        [
            ("coaching_vs_services", 2025, "ok", None, None, "count", 2.0, 2.0),
            ("coaching_vs_services", 2024, "ok", None, None, "count", 1.0, 1.0),
        ]
    )
    assert_frame_equal(result, expected)


def test_services_checks_find_services_of_unknown_situations():
    services = pl.DataFrame({"year": [2025, 2025, 2025, 2024], "situation_id": ["s1", "s2", "x", "s1"]})
    announced = pl.DataFrame({"year": [2024, 2025], "situation_id": ["s1", "s2"]})
    result = consistency.services_checks(services, announced, [2025, 2024])
    expected = checks(
        [
            ("services_without_situation", 2025, "warning", "services", None, "count", 1.0, 3.0),
            ("services_without_situation", 2024, "ok", "services", None, "count", 0.0, 1.0),
        ]
    )
    assert_frame_equal(result, expected)


def test_services_checks_wait_for_the_situations():
    services = pl.DataFrame({"year": [2025], "situation_id": ["s1"]})
    announced = pl.DataFrame(schema={"year": pl.Int64, "situation_id": pl.String})
    assert_frame_equal(consistency.services_checks(services, announced, [2025]), checks([]))


def test_transitions_checks_name_the_regions_that_recorded_nothing():
    transitions = pl.DataFrame(
        {
            "year": [2025] * 3 + [2024] * 5,
            "date": [dt.date(2025, 3, 1)] * 3 + [dt.date(2024, 3, 1)] * 5,
            "direction": ["orp_to_cms"] * 8,
            "region": ["Sion", "Sierre", "Haut-Valais", *REGIONS],
        }
    )
    result = consistency.transitions_checks(transitions, [2025, 2024, 2023])
    expected = checks(
        [
            ("transitions_region_missing", 2025, "warning", "transitions", "Martigny", "count", None, None),
            ("transitions_region_missing", 2025, "warning", "transitions", "Monthey", "count", None, None),
            ("transitions_regions_complete", 2024, "ok", "transitions", None, "count", None, None),
        ]
    )
    assert_frame_equal(result, expected)


# --- the demo data ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_engine) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    return {name: load_dataset(demo_engine, name) for name in DATASETS}, list_uploads(demo_engine)


def test_the_demo_data_show_the_reports_own_contradictions_and_nothing_else(demo):
    frames, history = demo
    result = consistency.consistency_checks(frames, history)
    expected = checks(
        [
            # the report's footnotes 1 and 6, and its note 3 (Monthey recorded no transition)
            ("youth_vs_t1", 2025, "warning", None, None, "count", 215.0, 727.0),
            ("t1_complex", 2025, "warning", None, None, "count", 3.0, 58.0),
            ("transitions_region_missing", 2025, "warning", "transitions", "Monthey", "count", None, None),
            ("uploads_complete", 2025, "ok", None, None, "count", None, None),
            ("published_summary", 2025, "ok", None, None, "count", 14.0, 14.0),
            ("coaching_vs_services", 2025, "ok", None, None, "count", 49.0, 49.0),
            ("services_without_situation", 2025, "ok", "services", None, "count", 0.0, 77.0),
            ("youth_vs_t1", 2024, "warning", None, None, "count", 208.0, 462.0),
            ("t1_complex", 2024, "warning", None, None, "count", 3.0, 41.0),
            ("uploads_complete", 2024, "ok", None, None, "count", None, None),
            ("published_summary", 2024, "ok", None, None, "count", 9.0, 9.0),
            ("coaching_vs_services", 2024, "ok", None, None, "count", 55.0, 55.0),
            ("services_without_situation", 2024, "ok", "services", None, "count", 0.0, 90.0),
            ("transitions_regions_complete", 2024, "ok", "transitions", None, "count", None, None),
        ]
    )
    assert_frame_equal(result, expected)


def test_published_checks_name_each_figure_the_data_no_longer_reproduce(demo):
    frames, _ = demo
    # One training of 2025 had 10 participants fewer than reported.
    trainings = frames["trainings"].with_columns(
        pl.when(pl.col("participants") == 22).then(12).otherwise(pl.col("participants")).alias("participants")
    )
    result = consistency.published_checks({**frames, "trainings": trainings}, frames["published"], [2025])
    expected = checks(
        [
            ("published_summary", 2025, "warning", None, None, "count", 12.0, 14.0),
            ("published_figure", 2025, "warning", None, "training_participants|", "count", 42.0, 52.0),
            ("published_figure", 2025, "warning", None, "training_participants|language_region=valais_romand",
             "count", 33.0, 43.0),
        ]
    )
    assert_frame_equal(result, expected)
