"""Golden test: the engine reproduces the published 2025 report from the demo data.

The demo data go in through the normal import path (dashboard.demo), come back through the
loaders, and every figure of the report is computed by the queries — on SQLite, and on
PostgreSQL when CII_TEST_DATABASE_URL is set.
"""

from decimal import Decimal

import polars as pl
import pytest

from dashboard.datasets import REGIONS
from dashboard.indicators import load_frames, report_tables
from queries import coaching, network, overlap, resources, situations, youth
from queries.filters import rows_of_year
from tests.golden import report_2025 as report


def at_report_precision(share: float) -> float:
    # The report prints whole percents; half-up like the report's arithmetic.
    return float(Decimal(str(share)).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP"))


@pytest.fixture(scope="module")
def frames(demo_engine):
    return load_frames(
        demo_engine,
        ("followups", "situations", "services", "t1_situations", "coaching", "transitions",
         "protected_persons", "trainings", "budget", "published"),
    )


@pytest.mark.parametrize("year", [2024, 2025])
def test_persons_followed_simultaneously_and_institution_shares(frames, year):
    result = overlap.overlap_summary(rows_of_year(frames["followups"], year), year)
    assert result.total_simultaneous == report.SIMULTANEOUS_PERSONS[year]
    shares = {row["institution"]: at_report_precision(row["share"]) for row in result.per_institution.iter_rows(named=True)}
    assert shares == report.SIMULTANEOUS_SHARE[year]
    if year == 2025:
        total_share = result.total_simultaneous / result.total_beneficiaries
        assert at_report_precision(total_share) == report.SIMULTANEOUS_SHARE_TOTAL_2025


@pytest.mark.parametrize("year", [2024, 2025])
def test_situations_announced(frames, year):
    assert situations.situations_announced(frames["situations"], year) == report.SITUATIONS_ANNOUNCED[year]


def test_situations_by_public_2025(frames):
    for public, expected in report.SITUATIONS_BY_PUBLIC_2025.items():
        assert situations.situations_announced(frames["situations"], 2025, public=[public]) == expected


def test_complex_situations_by_region_and_announcer_2025(frames):
    table = situations.complex_by_region_and_announcer(frames["situations"], 2025)
    rows = {row[0]: row[1:] for row in table.select("announcer", "total", *REGIONS).iter_rows()}
    total, by_region = report.COMPLEX_TOTAL_2025
    assert rows.pop("total") == (total, *by_region)
    expected = {announcer: (sum(cells), *cells) for announcer, cells in report.COMPLEX_BY_ANNOUNCER_2025.items()}
    assert {a: r for a, r in rows.items() if any(r)} == expected


def test_services_2025(frames):
    table = situations.services_by_type(frames["services"], 2025)
    counts = dict(zip(table["service"], table["services"], strict=True))
    assert {service: counts.get(service, 0) for service in report.SERVICES_2025} == report.SERVICES_2025


@pytest.mark.parametrize("year", [2024, 2025])
def test_early_detection(frames, year):
    share = situations.early_detection(frames["situations"], year)
    assert at_report_precision(share.value) == report.EARLY_DETECTION_SHARE[year]


def test_coaching_reinsertion_rate_2025(frames):
    rate = coaching.reinsertion_rate(frames["coaching"], 2025)
    assert at_report_precision(rate.value) == report.COACHING_REINSERTION_RATE_2025


@pytest.mark.parametrize("year", [2024, 2025])
def test_t1_situations(frames, year):
    assert youth.t1_situations_received(frames["t1_situations"], year) == report.T1_SITUATIONS[year]


def test_t1_provenance_tables_2025(frames):
    provenance = youth.t1_provenance(frames["t1_situations"], 2025).filter(pl.col("provenance") != "total")
    assert dict(zip(provenance["provenance"], provenance["situations"], strict=True)) == report.T1_PROVENANCE_2025
    institutional = youth.t1_institutional_provenance(frames["t1_situations"], 2025).filter(
        pl.col("provenance_institution") != "total"
    )
    assert (
        dict(zip(institutional["provenance_institution"], institutional["situations"], strict=True))
        == report.T1_INSTITUTIONAL_PROVENANCE_2025
    )


def test_transitions_2025_with_monthey_not_recorded(frames):
    for direction, expected in report.TRANSITIONS_2025.items():
        assert network.transition_count(frames["transitions"], 2025, directions=[direction]) == expected
    assert network.regions_without_transitions(frames["transitions"], 2025) == report.TRANSITIONS_NOT_RECORDED_2025


def test_protected_persons_series_2022_to_2025(frames):
    series = network.protected_persons_series(
        network.protected_persons_by_year(frames["protected_persons"]), frames["published"]
    )
    assert dict(zip(series["year"], series["total"], strict=True)) == report.PROTECTED_PERSONS


@pytest.mark.parametrize("year", [2024, 2025])
def test_trainings_and_budget(frames, year):
    assert resources.training_participants(frames["trainings"], year) == report.TRAINING_PARTICIPANTS[year]
    assert resources.budget_total(frames["budget"], year) == report.BUDGET_CHF[year]


def test_training_participants_by_language_region_2025(frames):
    for language_region, expected in report.TRAINING_PARTICIPANTS_2025.items():
        assert resources.training_participants(frames["trainings"], 2025, language_regions=[language_region]) == expected


def test_every_summary_figure_matches_the_published_report(demo_engine):
    summary = report_tables(demo_engine, 2025, 2024)["year_in_brief"]
    compared = summary.filter(pl.col("published").is_not_null())
    assert compared.height >= 12
    assert compared.filter(~pl.col("matches")).is_empty(), compared.filter(~pl.col("matches"))
