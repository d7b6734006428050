"""Shaping for the Accueil and Chevauchements screens (queries/home.py)."""

from __future__ import annotations

import datetime as dt
import doctest
from decimal import Decimal

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from queries import home
from queries.overlap import overlap_summary
from queries.summary import SUMMARY_SCHEMA, year_in_brief

D = dt.date


def followups(*rows: tuple) -> pl.DataFrame:
    """(person, institution, region, start, end, upload year) rows as a loaded ``followups`` frame."""
    return pl.DataFrame(
        rows,
        schema={
            "person_id": pl.Int64,
            "institution": pl.String,
            "region": pl.String,
            "start_date": pl.Date,
            "end_date": pl.Date,
            "year": pl.Int64,
        },
        orient="row",
    )


def frames(*, budget_years=(2024, 2025), training_years=(2024, 2025)) -> dict[str, pl.DataFrame]:
    """Two reporting years of the four datasets of the summary; budget and trainings optional."""
    situations = pl.DataFrame(
        {
            "year": [2024, 2025, 2025, 2025],
            "announced_on": [D(2024, 5, 1), D(2025, 2, 1), D(2025, 3, 1), D(2025, 4, 1)],
            "public": ["adult", "adult", "youth", "youth"],
            "kind": ["complex", "complex", "network", "complex"],
            "announcer": ["ORP", "CMS", "T1/SFOP", "T1/SFOP"],
            "region": ["Sion", "Sion", "Sierre", "Sion"],
        }
    )
    episodes = followups(
        # 2024 upload: persons 1 (ORP + CMS) and 2 (ORP alone)
        (1, "ORP", "Sion", D(2024, 1, 1), None, 2024),
        (1, "CMS", "Sion", D(2024, 6, 1), None, 2024),
        (2, "ORP", "Sierre", D(2024, 3, 1), D(2024, 9, 1), 2024),
        # 2025 upload: person 1 still at ORP + CMS, person 3 at OAI + CMS, person 4 at ORP
        (1, "ORP", "Sion", D(2024, 1, 1), None, 2025),
        (1, "CMS", "Sion", D(2024, 6, 1), None, 2025),
        (3, "OAI", "Sierre", D(2025, 2, 1), D(2025, 8, 1), 2025),
        (3, "CMS", "Sierre", D(2025, 7, 1), None, 2025),
        (4, "ORP", "Sion", D(2025, 1, 1), D(2025, 2, 1), 2025),
    )
    trainings = pl.DataFrame(
        {
            "year": [year for year in training_years],
            "date": [D(year, 4, 1) for year in training_years],
            "language_region": ["valais_romand"] * len(training_years),
            "kind": ["cours"] * len(training_years),
            "participants": [10 + year - 2024 for year in training_years],
        },
        schema={"year": pl.Int64, "date": pl.Date, "language_region": pl.String, "kind": pl.String, "participants": pl.Int64},
    )
    budget = pl.DataFrame(
        {
            "upload_year": list(budget_years),
            "year": list(budget_years),
            "category": ["salaires"] * len(budget_years),
            "amount_chf": [Decimal("1000.50") + (year - 2024) for year in budget_years],
        },
        schema={"upload_year": pl.Int64, "year": pl.Int64, "category": pl.String, "amount_chf": pl.Decimal(14, 2)},
    )
    return {"situations": situations, "followups": episodes, "trainings": trainings, "budget": budget}


def test_the_docstring_examples_run():
    assert doctest.testmod(home, raise_on_error=False).failed == 0


# --- the summary series and the year read off it ------------------------------------------------


@pytest.mark.parametrize(
    ("year", "previous_year", "regions"),
    [
        (2025, 2024, None),  # the usual comparison
        (2024, 2025, None),  # backwards works the same
        (2025, None, None),  # no comparison
        (2025, 2024, ["Sion"]),  # a region filter applies to every year alike
    ],
)
def test_brief_of_year_equals_year_in_brief_when_every_dataset_was_sent(year, previous_year, regions):
    data = frames()
    result = home.brief_of_year(home.brief_series(data, regions=regions), year, previous_year)
    assert_frame_equal(result, year_in_brief(data, year, previous_year, regions=regions))


def test_brief_series_holds_every_year_in_report_order_and_nulls_what_was_not_sent():
    series = home.brief_series(frames(budget_years=(2025,)))
    shares = series.filter(pl.col("indicator").is_in(["simultaneous_share_total", "budget_chf"]))
    expected = pl.DataFrame(
        {
            "indicator": ["simultaneous_share_total"] * 2 + ["budget_chf"] * 2,
            "dimensions": [""] * 4,
            "unit": ["share", "share", "chf", "chf"],
            "year": [2024, 2025, 2024, 2025],
            # 2024: person 1 of 2 followed simultaneously; 2025: persons 1 and 3 of 3
            "value": [0.5, 2 / 3, None, 1001.5],
            "numerator": [1, 2, None, None],
            "denominator": [2, 3, None, None],
        },
        schema=home.SERIES_SCHEMA,
    )
    assert_frame_equal(shares, expected)
    # every figure of the summary, each year in turn
    assert series.height == 2 * year_in_brief(frames(), 2025, None).height
    assert series.get_column("indicator").unique(maintain_order=True).to_list() == list(dict.fromkeys(home.INDICATOR_DATASETS))


def test_brief_of_year_against_a_year_without_data_has_no_change():
    series = home.brief_series(frames())
    result = home.brief_of_year(series, 2025, 2023).filter(indicator="simultaneous_persons")
    expected = pl.DataFrame(
        {
            "indicator": ["simultaneous_persons"],
            "dimensions": [""],
            "unit": ["count"],
            "value": [2.0],
            "previous": [None],
            "absolute": [None],
            "relative": [None],
            "numerator": [None],
            "denominator": [None],
        },
        schema=SUMMARY_SCHEMA,
    )
    assert_frame_equal(result, expected)


def test_a_year_without_any_upload_is_all_null_and_an_empty_database_gives_no_row():
    assert home.brief_of_year(home.brief_series(frames()), 2023, 2022).get_column("value").is_null().all()
    empty = {name: frame.clear() for name, frame in frames().items()}
    assert home.brief_series(empty).is_empty()
    assert home.brief_of_year(home.brief_series(empty), 2025, 2024).is_empty()


def test_brief_series_can_be_asked_for_given_years():
    series = home.brief_series(frames(), [2025])
    assert series.get_column("year").unique().to_list() == [2025]


# --- the published report -------------------------------------------------------------------------


def published(*rows: tuple) -> pl.DataFrame:
    """(indicator, year, dimensions, value, upload_id, upload_year) rows as a loaded ``published`` frame."""
    frame = pl.DataFrame(
        rows,
        schema={
            "indicator": pl.String,
            "year": pl.Int64,
            "dimensions": pl.String,
            "value": pl.Float64,
            "upload_id": pl.Int64,
            "upload_year": pl.Int64,
        },
        orient="row",
    )
    return frame.with_columns(note=pl.lit(None, pl.String))


def test_compared_with_report_names_the_latest_report_giving_the_figure():
    summary = home.brief_of_year(home.brief_series(frames()), 2024, None).filter(
        pl.col("indicator").is_in(["situations_announced", "simultaneous_persons"]) & (pl.col("dimensions") == "")
    )
    report = published(
        ("situations_announced", 2024, None, 1.0, 1, 2024),
        ("simultaneous_persons", 2024, None, 9.0, 1, 2024),
        ("simultaneous_persons", 2024, None, 1.0, 2, 2025),  # the 2025 report restates 2024
        ("simultaneous_persons", 2025, None, 7.0, 2, 2025),  # another year: ignored
    )
    result = home.compared_with_report(summary, report, 2024).select(
        "indicator", "value", "published", "difference", "matches", "report_year"
    )
    expected = pl.DataFrame(
        {
            "indicator": ["situations_announced", "simultaneous_persons"],
            "value": [1.0, 1.0],
            "published": [1.0, 1.0],
            "difference": [0.0, 0.0],
            "matches": [True, True],
            "report_year": [2024, 2025],
        }
    )
    assert_frame_equal(result, expected)


def test_unreproduced_lists_the_published_figures_that_differ():
    summary = home.brief_of_year(home.brief_series(frames()), 2025, None)
    report = published(
        ("situations_announced", 2025, None, 3.0, 1, 2025),  # reproduced
        ("simultaneous_persons", 2025, None, 5.0, 1, 2025),  # the data give 2
        ("simultaneous_share", 2025, "institution=CMS", 0.5, 1, 2025),  # the data give 100 %
        ("budget_chf", 2025, None, 1001.5, 1, 2025),  # reproduced to the centime
    )
    result = home.unreproduced(home.compared_with_report(summary, report, 2025))
    expected = pl.DataFrame(
        {
            "indicator": ["simultaneous_persons", "simultaneous_share"],
            "dimensions": ["", "institution=CMS"],
            "unit": ["count", "share"],
            "value": [2.0, 1.0],
            "published": [5.0, 0.5],
            "difference": [-3.0, 0.5],
            "report_year": [2025, 2025],
        }
    )
    assert_frame_equal(result, expected)


# --- the report's contradictions --------------------------------------------------------------


def t1_situations(*rows: tuple) -> pl.DataFrame:
    """(received_on, kind, region, upload year) rows as a loaded ``t1_situations`` frame."""
    return pl.DataFrame(
        rows, schema={"received_on": pl.Date, "kind": pl.String, "region": pl.String, "year": pl.Int64}, orient="row"
    )


T1 = t1_situations(
    (D(2025, 1, 5), "network", "Sion", 2025),
    (D(2025, 2, 5), "complex", "Sion", 2025),
    (D(2025, 3, 5), "complex", "Sierre", 2025),
    (D(2025, 4, 5), "network", "Sierre", 2025),
    (D(2024, 4, 5), "network", "Sion", 2024),
)


@pytest.mark.parametrize(
    ("year", "regions", "expected_rows"),
    [
        # 2 youth situations announced (1 complex, by T1/SFOP) vs 4 received (2 complex)
        (2025, None, [("youth_vs_t1", 2, 4), ("t1_complex", 1, 2)]),
        # Sion: 1 youth (complex) announced vs 2 received (1 complex): only the first disagrees
        (2025, ["Sion"], [("youth_vs_t1", 1, 2)]),
        # 2024: no youth situation announced, one received
        (2024, None, [("youth_vs_t1", 0, 1)]),
        # a year without uploads: nothing to check
        (2023, None, []),
    ],
)
def test_youth_consistency(year, regions, expected_rows):
    result = home.youth_consistency(frames()["situations"], T1, year, regions=regions)
    assert_frame_equal(result, pl.DataFrame(expected_rows, schema=home.QUALITY_SCHEMA, orient="row"))


def test_youth_consistency_needs_both_datasets():
    assert home.youth_consistency(frames()["situations"], T1.clear(), 2025).is_empty()


# --- data freshness ---------------------------------------------------------------------------


def test_data_freshness_per_dataset_and_year_from_the_current_uploads():
    at = [dt.datetime(2026, 1, day, 8, tzinfo=dt.UTC) for day in range(1, 7)]
    uploads = pl.DataFrame(
        {
            "dataset": ["budget", "followups", "followups", "followups", "followups", "situations"],
            "source": ["CII", "CMS", "ORP", "ORP", "OAI", "CII"],
            "year": [2025, 2025, 2025, 2025, 2024, 2025],
            "file_name": ["b.csv", "cms.parquet", "orp-old.parquet", "orp.parquet", "oai.parquet", "s.csv"],
            "row_count": [7, 100, 999, 200, 50, 302],
            "uploaded_at": at,
            "status": ["current", "current", "superseded", "current", "current", "rolled_back"],
        }
    )
    expected = pl.DataFrame(
        {
            # the contract's order (followups first), newest year first; the rolled-back upload is gone
            "dataset": ["followups", "followups", "budget"],
            "year": [2025, 2024, 2025],
            "sources": ["ORP, CMS", "OAI", "CII"],
            "files": [2, 1, 1],
            "rows": [300, 50, 7],
            "last_upload": [at[3], at[4], at[0]],
            "last_file": ["orp.parquet", "oai.parquet", "b.csv"],
        },
        schema=home.FRESHNESS_SCHEMA,
    )
    assert_frame_equal(home.data_freshness(uploads), expected)


# --- overlaps ---------------------------------------------------------------------------------


def test_overlap_by_year_computes_each_missing_year_with_the_filters_and_reuses_known_results():
    episodes = frames()["followups"]
    known = overlap_summary(episodes.clear(), 2025)  # a stand-in: must come back as it is
    results = home.overlap_by_year(episodes, [2024, 2025], institutions=["ORP", "CMS"], known={2025: known})
    assert results[2025] is known
    expected = overlap_summary(episodes.filter(pl.col("year") == 2024), 2024, institutions=["ORP", "CMS"])
    assert_frame_equal(results[2024].matrix, expected.matrix)
    assert list(results) == [2025, 2024]


def test_share_trend_one_row_per_institution_and_year_in_report_order():
    results = home.overlap_by_year(frames()["followups"], [2024, 2025])
    expected = pl.DataFrame(
        {
            "year": [2024, 2025, 2025, 2024, 2025],
            "institution": ["ORP", "ORP", "OAI", "CMS", "CMS"],
            # 2024: ORP 1 of 2, CMS 1 of 1; 2025: ORP 1 of 2 (person 4 alone), OAI 1 of 1, CMS 2 of 2
            "value": [0.5, 0.5, 1.0, 1.0, 1.0],
        },
        schema={"year": pl.Int64, "institution": pl.String, "value": pl.Float64},
    )
    assert_frame_equal(home.share_trend(results), expected)
    assert home.share_trend({}).is_empty()


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (("ORP", "CMS"), ("ORP", "CMS")),
        (["OAI", "ORP"], ("OAI", "ORP")),
        (("CMS", "CMS"), None),  # the diagonal: one institution overlaps nothing
        (("ORP",), None),
        ((), None),
        (None, None),
    ],
)
def test_cell_institutions(codes, expected):
    assert home.cell_institutions(codes) == expected


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (("ORP+CMS",), ("ORP", "CMS")),
        (("ORP+OAI+CMS",), ("ORP", "OAI", "CMS")),
        (("ORP",), None),  # a set-size bar
        ((), None),
        (None, None),
    ],
)
def test_combination_of(codes, expected):
    assert home.combination_of(codes) == expected


def test_combination_by_region_counts_the_exact_set_within_each_region():
    episodes = followups(
        (1, "ORP", "Sion", D(2025, 1, 1), None, 2025),
        (1, "CMS", "Sion", D(2025, 1, 1), None, 2025),
        (2, "ORP", "Sion", D(2025, 1, 1), None, 2025),
        (2, "CMS", "Sion", D(2025, 1, 1), None, 2025),
        (2, "OAI", "Sion", D(2025, 1, 1), None, 2025),  # three institutions: not the exact pair
        (3, "ORP", "Monthey", D(2025, 1, 1), None, 2025),
        (3, "CMS", "Monthey", D(2025, 1, 1), None, 2025),
        (4, "ORP", "Sierre", D(2025, 1, 1), None, 2025),
        (4, "CMS", "Martigny", D(2025, 1, 1), None, 2025),  # across two regions: in neither
        (5, "ORP", "Monthey", D(2024, 1, 1), None, 2024),  # the 2024 upload
        (5, "CMS", "Monthey", D(2024, 1, 1), None, 2024),
    )
    result = home.combination_by_region(episodes, 2025, ["CMS", "ORP"])
    expected = pl.DataFrame(
        {
            "region": ["Haut-Valais", "Sierre", "Sion", "Martigny", "Monthey"],
            "persons": [0, 0, 1, 0, 1],
            "share": [None, None, 0.5, None, 1.0],
        },
        schema={"region": pl.String, "persons": pl.Int64, "share": pl.Float64},
    )
    assert_frame_equal(result, expected)


def test_combination_by_region_keeps_the_selected_regions_and_institutions():
    episodes = frames()["followups"]
    result = home.combination_by_region(episodes, 2025, ["ORP", "CMS"], regions=["Sion", "Haut-Valais"], institutions=["ORP", "CMS"])
    expected = pl.DataFrame(
        {"region": ["Haut-Valais", "Sion"], "persons": [0, 1], "share": [None, 1.0]},
        schema={"region": pl.String, "persons": pl.Int64, "share": pl.Float64},
    )
    assert_frame_equal(result, expected)
