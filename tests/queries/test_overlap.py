"""Tests of queries/overlap.py: hand-made edge cases and a day-by-day reference."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from itertools import combinations as pairs_of

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from queries import overlap
from queries.overlap import INSTITUTION_ORDER, overlap_summary, to_json_dict

SCHEMA = {
    "person_id": pl.String,
    "institution": pl.String,
    "region": pl.String,
    "start_date": pl.Date,
    "end_date": pl.Date,
}


def episodes(*rows: tuple) -> pl.DataFrame:
    """Frame from (person, institution, start, end[, region]) with ISO dates; end None = open."""
    records = []
    for person, institution, start, end, *region in rows:
        records.append(
            (
                person,
                institution,
                region[0] if region else "Sion",
                dt.date.fromisoformat(start),
                None if end is None else dt.date.fromisoformat(end),
            )
        )
    return pl.DataFrame(records, schema=SCHEMA, orient="row")


def per_institution(*rows: tuple) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "institution": pl.String,
            "beneficiaries": pl.Int64,
            "simultaneous": pl.Int64,
            "share": pl.Float64,
        },
        orient="row",
    )


def matrix(*rows: tuple) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "institution": pl.String,
            "other": pl.String,
            "persons": pl.Int64,
            "row_share": pl.Float64,
        },
        orient="row",
    )


def combos(*rows: tuple) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"institutions": pl.List(pl.String), "persons": pl.Int64}, orient="row"
    )


def assert_result(
    result: overlap.OverlapResult,
    *,
    totals: tuple[int, int],
    per_inst: pl.DataFrame,
    matrix_: pl.DataFrame,
    combinations: pl.DataFrame,
) -> None:
    assert (result.total_beneficiaries, result.total_simultaneous) == totals
    assert_frame_equal(result.per_institution, per_inst)
    assert_frame_equal(result.matrix, matrix_)
    assert_frame_equal(result.combinations, combinations)


# --- Hand-made edge cases ------------------------------------------------------------------


def test_episodes_touching_on_one_day_overlap():
    data = episodes(
        ("p", "ORP", "2025-01-01", "2025-03-31"),
        ("p", "CMS", "2025-03-31", "2025-06-30"),
    )

    result = overlap_summary(data, 2025)

    assert_result(
        result,
        totals=(1, 1),
        per_inst=per_institution(("ORP", 1, 1, 1.0), ("CMS", 1, 1, 1.0)),
        matrix_=matrix(
            ("ORP", "ORP", 1, 1.0),
            ("ORP", "CMS", 1, 1.0),
            ("CMS", "ORP", 1, 1.0),
            ("CMS", "CMS", 1, 1.0),
        ),
        combinations=combos((["ORP", "CMS"], 1)),
    )


def test_episodes_one_day_apart_do_not_overlap():
    data = episodes(
        ("p", "ORP", "2025-01-01", "2025-03-30"),
        ("p", "CMS", "2025-03-31", "2025-06-30"),
    )

    result = overlap_summary(data, 2025)

    assert_result(
        result,
        totals=(1, 0),
        per_inst=per_institution(("ORP", 1, 0, 0.0), ("CMS", 1, 0, 0.0)),
        matrix_=matrix(
            ("ORP", "ORP", 0, 0.0),
            ("ORP", "CMS", 0, 0.0),
            ("CMS", "ORP", 0, 0.0),
            ("CMS", "CMS", 0, 0.0),
        ),
        combinations=combos(),
    )


def test_open_end_is_still_open():
    data = episodes(
        ("p", "OAI", "2023-05-01", None),
        ("p", "OSP", "2025-12-31", "2026-02-01"),
    )

    result = overlap_summary(data, 2025)

    assert_result(
        result,
        totals=(1, 1),
        per_inst=per_institution(("OAI", 1, 1, 1.0), ("OSP", 1, 1, 1.0)),
        matrix_=matrix(
            ("OAI", "OAI", 1, 1.0),
            ("OAI", "OSP", 1, 1.0),
            ("OSP", "OAI", 1, 1.0),
            ("OSP", "OSP", 1, 1.0),
        ),
        combinations=combos((["OAI", "OSP"], 1)),
    )


def test_episode_spanning_several_years_is_clipped_to_the_year():
    # The long ORP episode meets CMS in 2024 and OASI in 2026, but no one in 2025.
    data = episodes(
        ("p", "ORP", "2020-01-01", "2030-12-31"),
        ("p", "CMS", "2024-02-01", "2024-12-31"),
        ("p", "OASI", "2026-01-01", None),
        ("q", "ORP", "2025-06-01", "2025-06-01"),
    )

    result = overlap_summary(data, 2025)

    assert_result(
        result,
        totals=(2, 0),
        per_inst=per_institution(
            ("ORP", 2, 0, 0.0), ("CMS", 0, 0, None), ("OASI", 0, 0, None)
        ),
        matrix_=matrix(
            ("ORP", "ORP", 0, 0.0),
            ("ORP", "CMS", 0, 0.0),
            ("ORP", "OASI", 0, 0.0),
            ("CMS", "ORP", 0, None),
            ("CMS", "CMS", 0, None),
            ("CMS", "OASI", 0, None),
            ("OASI", "ORP", 0, None),
            ("OASI", "CMS", 0, None),
            ("OASI", "OASI", 0, None),
        ),
        combinations=combos(),
    )
    # The same episodes do overlap in 2024 (ORP-CMS) and 2026 (ORP-OASI).
    assert to_json_dict(overlap_summary(data, 2024))["matrix"]["ORP"]["CMS"] == 1
    assert to_json_dict(overlap_summary(data, 2026))["matrix"]["ORP"]["OASI"] == 1


def test_overlap_only_outside_the_year_does_not_count():
    data = episodes(
        ("p", "ORP", "2024-03-01", "2025-01-10"),
        ("p", "CMS", "2024-05-01", "2024-12-31"),
    )

    result = overlap_summary(data, 2025)

    assert_result(
        result,
        totals=(1, 0),
        per_inst=per_institution(("ORP", 1, 0, 0.0), ("CMS", 0, 0, None)),
        matrix_=matrix(
            ("ORP", "ORP", 0, 0.0),
            ("ORP", "CMS", 0, 0.0),
            ("CMS", "ORP", 0, None),
            ("CMS", "CMS", 0, None),
        ),
        combinations=combos(),
    )


def test_same_institution_overlap_does_not_count():
    data = episodes(
        ("p", "ORP", "2025-01-01", "2025-06-30"),
        ("p", "ORP", "2025-03-01", None),
    )

    result = overlap_summary(data, 2025)

    assert_result(
        result,
        totals=(1, 0),
        per_inst=per_institution(("ORP", 1, 0, 0.0)),
        matrix_=matrix(("ORP", "ORP", 0, 0.0)),
        combinations=combos(),
    )


def test_chain_makes_all_take_part_without_linking_the_ends():
    # ORP meets OAI, OAI meets CMS, ORP and CMS never meet.
    data = episodes(
        ("p", "ORP", "2025-01-01", "2025-02-01"),
        ("p", "OAI", "2025-02-01", "2025-04-01"),
        ("p", "CMS", "2025-04-01", "2025-05-01"),
    )

    result = overlap_summary(data, 2025)

    assert_result(
        result,
        totals=(1, 1),
        per_inst=per_institution(
            ("ORP", 1, 1, 1.0), ("OAI", 1, 1, 1.0), ("CMS", 1, 1, 1.0)
        ),
        matrix_=matrix(
            ("ORP", "ORP", 1, 1.0),
            ("ORP", "OAI", 1, 1.0),
            ("ORP", "CMS", 0, 0.0),
            ("OAI", "ORP", 1, 1.0),
            ("OAI", "OAI", 1, 1.0),
            ("OAI", "CMS", 1, 1.0),
            ("CMS", "ORP", 0, 0.0),
            ("CMS", "OAI", 1, 1.0),
            ("CMS", "CMS", 1, 1.0),
        ),
        combinations=combos((["ORP", "OAI", "CMS"], 1)),
    )


def test_chain_ends_linked_by_another_pair_of_episodes():
    data = episodes(
        ("p", "ORP", "2025-01-01", "2025-02-01"),
        ("p", "OAI", "2025-02-01", "2025-04-01"),
        ("p", "CMS", "2025-04-01", "2025-05-01"),
        ("p", "ORP", "2025-04-15", "2025-04-15"),
    )

    result = overlap_summary(data, 2025)

    assert result.matrix.filter(
        pl.col("institution") == "ORP", pl.col("other") == "CMS"
    ).item(0, "persons") == 1


def test_person_without_overlap_is_a_beneficiary_only():
    data = episodes(
        ("p", "ORP", "2025-01-01", "2025-12-31"),
        ("p", "CMS", "2025-02-01", None),
        ("q", "ORP", "2025-01-01", "2025-01-31"),
        ("q", "CMS", "2025-03-01", None),
    )

    result = overlap_summary(data, 2025)

    assert_result(
        result,
        totals=(2, 1),
        per_inst=per_institution(("ORP", 2, 1, 0.5), ("CMS", 2, 1, 0.5)),
        matrix_=matrix(
            ("ORP", "ORP", 1, 0.5),
            ("ORP", "CMS", 1, 0.5),
            ("CMS", "ORP", 1, 0.5),
            ("CMS", "CMS", 1, 0.5),
        ),
        combinations=combos((["ORP", "CMS"], 1)),
    )


def test_combinations_are_sorted_by_persons_then_institution_order():
    data = episodes(
        ("a", "OSP", "2025-01-01", None),
        ("a", "OASI", "2025-01-01", None),
        ("b", "CMS", "2025-01-01", None),
        ("b", "OASI", "2025-01-01", None),
        ("c", "ORP", "2025-01-01", None),
        ("c", "OASI", "2025-01-01", None),
        ("d", "ORP", "2025-01-01", None),
        ("d", "OASI", "2025-01-01", None),
        ("e", "OAI", "2025-01-01", None),
        ("e", "OSP", "2025-01-01", None),
    )

    result = overlap_summary(data, 2025)

    assert_frame_equal(
        result.combinations,
        combos(
            (["ORP", "OASI"], 2),
            (["OAI", "OSP"], 1),
            (["CMS", "OASI"], 1),
            (["OSP", "OASI"], 1),
        ),
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # Region: q's overlap is in Monthey, only p's Sion episodes remain.
        (
            {"regions": ["Sion"]},
            per_institution(("ORP", 1, 0, 0.0), ("CMS", 1, 0, 0.0)),
        ),
        (
            {"regions": ["Monthey"]},
            per_institution(("ORP", 1, 1, 1.0), ("OAI", 1, 1, 1.0)),
        ),
        # Institution: without OAI, q no longer overlaps with anyone.
        (
            {"institutions": ["ORP", "CMS"]},
            per_institution(("ORP", 2, 0, 0.0), ("CMS", 1, 0, 0.0)),
        ),
        (
            {"institutions": ("OAI", "ORP"), "regions": ("Monthey", "Sion")},
            per_institution(("ORP", 2, 1, 0.5), ("OAI", 1, 1, 1.0)),
        ),
        # Nothing left.
        ({"regions": []}, per_institution()),
    ],
)
def test_filters_apply_to_episodes_first(filters, expected):
    data = episodes(
        ("p", "ORP", "2025-01-01", "2025-02-01", "Sion"),
        ("p", "CMS", "2025-03-01", None, "Sion"),
        ("q", "ORP", "2025-01-01", None, "Monthey"),
        ("q", "OAI", "2025-06-01", None, "Monthey"),
    )

    result = overlap_summary(data, 2025, **filters)

    assert_frame_equal(result.per_institution, expected)


def test_empty_input():
    result = overlap_summary(pl.DataFrame(schema=SCHEMA), 2025)

    assert_result(
        result,
        totals=(0, 0),
        per_inst=per_institution(),
        matrix_=matrix(),
        combinations=combos(),
    )
    assert to_json_dict(result) == {
        "year": 2025,
        "total_beneficiaries": 0,
        "total_simultaneous": 0,
        "beneficiaries": {},
        "simultaneous": {},
        "share": {},
        "matrix": {},
        "combinations": [],
    }


@pytest.mark.parametrize("dtype", [pl.UInt32, pl.Int64])
def test_integer_person_key_gives_the_same_result(dtype):
    data = episodes(
        ("p", "ORP", "2025-01-01", "2025-03-31"),
        ("p", "CMS", "2025-03-31", "2025-06-30"),
        ("p", "OSP", "2024-01-01", None),
        ("q", "CMS", "2025-01-01", None),
        ("q", "OAI", "2024-01-01", "2025-01-01"),
        ("r", "OASI", "2025-01-01", None),
    )
    keyed = data.with_columns(
        pl.col("person_id").replace_strict({"p": 10, "q": 3, "r": 7}, return_dtype=dtype)
    )

    expected = overlap_summary(data, 2025)
    result = overlap_summary(keyed, 2025)

    assert to_json_dict(result) == to_json_dict(expected)
    assert_frame_equal(result.matrix, expected.matrix)
    assert_frame_equal(result.combinations, expected.combinations)


def test_hash_collision_falls_back_to_exact_persons(monkeypatch):
    data = episodes(
        ("p", "ORP", "2025-01-01", "2025-03-31"),
        ("p", "CMS", "2025-03-31", "2025-06-30"),
        ("q", "CMS", "2025-01-01", None),
        ("q", "OAI", "2024-01-01", "2025-01-01"),
        ("r", "ORP", "2025-02-01", None),
    )
    expected = to_json_dict(overlap_summary(data, 2025))
    # Every pseudonym gets the same hash: p, q and r would merge into one person.
    monkeypatch.setattr(
        overlap, "_hashed", lambda person: pl.zeros(person.len(), pl.UInt64, eager=True)
    )

    result = to_json_dict(overlap_summary(data, 2025))

    assert result == expected
    assert result["total_beneficiaries"] == 3


def test_episodes_without_person_are_ignored():
    data = episodes(
        ("p", "ORP", "2025-01-01", None),
        ("p", "CMS", "2025-01-01", None),
    ).vstack(episodes(("x", "OAI", "2025-01-01", None)).with_columns(person_id=pl.lit(None)))

    result = overlap_summary(data, 2025)

    assert_frame_equal(
        result.per_institution,
        per_institution(("ORP", 1, 1, 1.0), ("OAI", 0, 0, None), ("CMS", 1, 1, 1.0)),
    )


def test_institution_as_enum_gives_the_same_result():
    data = episodes(
        ("p", "ORP", "2025-01-01", "2025-03-31"),
        ("p", "OSP", "2025-03-31", None),
        ("q", "OASI", "2025-01-01", None),
    )
    as_enum = data.with_columns(pl.col("institution").cast(pl.Enum(INSTITUTION_ORDER)))

    assert to_json_dict(overlap_summary(as_enum, 2025)) == to_json_dict(
        overlap_summary(data, 2025)
    )


def test_lazy_input_gives_the_same_result():
    data = episodes(
        ("p", "ORP", "2025-01-01", "2025-03-31"),
        ("p", "CMS", "2025-03-31", "2025-06-30"),
    )

    assert to_json_dict(overlap_summary(data.lazy(), 2025)) == to_json_dict(
        overlap_summary(data, 2025)
    )


def test_unknown_institution_is_refused():
    data = episodes(("p", "ORP", "2025-01-01", None), ("p", "T1", "2025-01-01", None))

    with pytest.raises(ValueError, match="unknown institution.*T1"):
        overlap_summary(data, 2025)


def test_to_json_dict_is_plain_and_symmetric():
    data = episodes(
        ("p", "ORP", "2025-01-01", None),
        ("p", "OAI", "2025-06-01", None),
        ("q", "ORP", "2025-01-01", None),
        ("r", "OSP", "2025-01-01", None),
    )

    result = to_json_dict(overlap_summary(data, 2025))

    assert result == {
        "year": 2025,
        "total_beneficiaries": 3,
        "total_simultaneous": 1,
        "beneficiaries": {"ORP": 2, "OAI": 1, "OSP": 1},
        "simultaneous": {"ORP": 1, "OAI": 1, "OSP": 0},
        "share": {"ORP": 0.5, "OAI": 1.0, "OSP": 0.0},
        "matrix": {
            "ORP": {"ORP": 1, "OAI": 1, "OSP": 0},
            "OAI": {"ORP": 1, "OAI": 1, "OSP": 0},
            "OSP": {"ORP": 0, "OAI": 0, "OSP": 0},
        },
        "combinations": [{"institutions": ["ORP", "OAI"], "persons": 1}],
    }
    assert json.loads(json.dumps(result)) == result


def test_convenience_functions_return_the_summary_frames():
    data = episodes(
        ("p", "ORP", "2025-01-01", None),
        ("p", "CMS", "2025-06-01", None, "Monthey"),
    )
    summary = overlap_summary(data, 2025, regions=["Sion", "Monthey"])

    assert_frame_equal(
        overlap.beneficiaries(data, 2025, regions=["Sion", "Monthey"]), summary.per_institution
    )
    assert_frame_equal(overlap.overlap_matrix(data, 2025), summary.matrix)
    assert_frame_equal(overlap.combinations(data, 2025), summary.combinations)


# --- Property test against a day-by-day reference --------------------------------------------

FIRST = dt.date(2023, 10, 1)  # dates straddle the boundaries of 2024 and 2025
SPAN = (dt.date(2026, 3, 31) - FIRST).days
REGIONS = ("Sion", "Monthey")


def reference(rows: list[tuple], year: int, regions=None, institutions=None) -> dict:
    """The definitions read literally: look at every day of the year, which episodes are open."""
    rows = [
        r
        for r in rows
        if (regions is None or r[2] in regions) and (institutions is None or r[1] in institutions)
    ]
    present = [i for i in INSTITUTION_ORDER if any(r[1] == i for r in rows)]
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    open_at: dict = defaultdict(lambda: defaultdict(set))  # person -> day -> institutions
    for person, institution, _region, start, end in rows:
        day = max(start, first)
        while day <= min(last if end is None else end, last):
            open_at[person][day].add(institution)
            day += dt.timedelta(days=1)

    beneficiaries = Counter()
    simultaneous = Counter()
    pairs = Counter()
    sets = Counter()
    for days in open_at.values():
        seen = set().union(*days.values())
        beneficiaries.update(seen)
        taking_part = set()
        met = set()
        for open_institutions in days.values():
            if len(open_institutions) >= 2:
                taking_part |= open_institutions
                met |= set(pairs_of(sorted(open_institutions), 2))
        simultaneous.update(taking_part)
        for a, b in met:
            pairs[a, b] += 1
            pairs[b, a] += 1
        if taking_part:
            sets[tuple(i for i in INSTITUTION_ORDER if i in taking_part)] += 1

    def share(n: int, d: int) -> float | None:
        return n / d if d else None

    matrix_rows = [
        (
            i,
            j,
            simultaneous[i] if i == j else pairs[i, j],
            share(simultaneous[i] if i == j else pairs[i, j], beneficiaries[i]),
        )
        for i in present
        for j in present
    ]
    order = sorted(
        sets.items(), key=lambda kv: (-kv[1], [INSTITUTION_ORDER.index(i) for i in kv[0]])
    )
    return {
        "totals": (len(open_at), sum(sets.values())),
        "per_inst": per_institution(
            *[
                (i, beneficiaries[i], simultaneous[i], share(simultaneous[i], beneficiaries[i]))
                for i in present
            ]
        ),
        "matrix_": matrix(*matrix_rows),
        "combinations": combos(*[(list(s), n) for s, n in order]),
    }


# Days around the year boundaries (offsets from FIRST), where clipping mistakes would show.
BOUNDARIES = [
    (dt.date(y, m, d) - FIRST).days + shift
    for y, m, d in [(2024, 1, 1), (2025, 1, 1), (2026, 1, 1)]
    for shift in (-1, 0, 1)
]
episode_rows = st.lists(
    st.tuples(
        st.sampled_from(["p1", "p2", "p3"]),
        st.sampled_from(INSTITUTION_ORDER),
        st.sampled_from(REGIONS),
        st.one_of(st.integers(0, SPAN), st.sampled_from(BOUNDARIES)),
        # Open, or a duration; a few negative ones are bad data (end before start).
        st.one_of(st.none(), st.integers(-2, 3), st.integers(0, 700)),
    ),
    min_size=2,
    max_size=16,
)


def subsets(values: tuple[str, ...]) -> st.SearchStrategy:
    """None (no filter) two times in three, else a non-empty subset."""
    chosen = st.lists(st.sampled_from(values), unique=True, min_size=1)
    return st.one_of(st.none(), st.none(), chosen)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    raw=episode_rows,
    year=st.sampled_from([2024, 2025]),
    regions=subsets(REGIONS),
    institutions=subsets(INSTITUTION_ORDER),
    integer_key=st.booleans(),
)
def test_matches_day_by_day_reference(raw, year, regions, institutions, integer_key):
    rows = [
        (
            person,
            institution,
            region,
            FIRST + dt.timedelta(days=start),
            None if duration is None else FIRST + dt.timedelta(days=start + duration),
        )
        for person, institution, region, start, duration in raw
    ]
    data = pl.DataFrame(rows, schema=SCHEMA, orient="row")
    if integer_key:
        data = data.with_columns(pl.col("person_id").str.slice(1).cast(pl.UInt32))

    result = overlap_summary(data, year, regions=regions, institutions=institutions)

    assert_result(result, **reference(rows, year, regions, institutions))
