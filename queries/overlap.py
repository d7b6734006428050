"""Simultaneous follow-ups: persons followed by several institutions at the same time.

Definitions (DESIGN.md §3), for a calendar year Y, dates inclusive:

- **Beneficiaries of institution i**: distinct persons with at least one ``followups`` episode
  at i that intersects Y. **All beneficiaries**: distinct persons over all institutions.
- **Followed simultaneously**: a person is followed simultaneously in Y if there is at least
  one day in Y on which two of their episodes at *different* institutions are both open
  (episode = [start_date, end_date], end empty = open; both ends inclusive; clipped to Y).
  An institution *takes part* for that person if one of its episodes overlaps, within Y, an
  episode at another institution.
- **Share of institution i followed simultaneously** = persons for whom i takes part /
  beneficiaries of i.
- **Overlap matrix** M[i][j], i≠j: persons with an episode at i overlapping an episode at j
  within Y. Symmetric; its diagonal holds the persons for whom i takes part.
- **Combinations** (UpSet): for each simultaneously followed person, the set of institutions
  that take part; count persons per exact set.

Filters (regions, institutions) apply to the episodes before the computation.

How it is computed (one pass over the rows, then sorts and scans; no Python loop over rows):
the episodes are filtered and clipped to Y once, then sorted by person and start date. Counting
where the person changes gives the beneficiaries. One scan, keeping per institution the running
maximum of the end dates seen so far for the person, finds for every episode the institutions
of the earlier-starting episodes it overlaps, which is every overlapping pair once. Each person
is reduced to a bit mask of the institution pairs that overlap for them, and every figure is
read off the persons per mask (a few hundred distinct masks at most). A pseudonym
``person_id`` is replaced by its 64-bit hash, checked to be collision-free on the data, because
sorting and comparing 64-character strings would dominate the run time; an integer person key
(which a loader may add) is used as it is and is fastest.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

INSTITUTION_ORDER = ("ORP", "OAI", "CMS", "OSP", "OASI")

_CODE = {name: code for code, name in enumerate(INSTITUTION_ORDER)}
_N = len(INSTITUTION_ORDER)


@dataclass(frozen=True, eq=False)  # eq=False: DataFrames do not compare with ==
class OverlapResult:
    """All overlap indicators of one year; see :func:`overlap_summary` for the columns."""

    year: int
    total_beneficiaries: int
    total_simultaneous: int
    per_institution: pl.DataFrame
    matrix: pl.DataFrame
    combinations: pl.DataFrame


def overlap_summary(
    episodes: pl.DataFrame | pl.LazyFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
    institutions: Iterable[str] | None = None,
) -> OverlapResult:
    """Beneficiaries, simultaneous follow-ups, overlap matrix and combinations of a year.

    A person is *followed simultaneously* in `year` if on at least one day of that year two of
    their episodes at different institutions are both open (episode = [start_date, end_date],
    end empty = still open, both ends inclusive, clipped to the year). An institution *takes
    part* for that person if one of its episodes overlaps, within the year, an episode at
    another institution. Beneficiaries of an institution are the distinct persons with at
    least one episode there that intersects the year.

    Parameters
    ----------
    episodes
        The ``followups`` dataset: ``person_id`` (pseudonym string or integer key),
        ``institution`` (one of :data:`INSTITUTION_ORDER`), ``region``, ``start_date`` and
        ``end_date`` (Date; null = still open). Episodes without ``person_id`` are ignored.
    year
        Calendar year; its first and last days are both included.
    regions, institutions
        Keep only the episodes of these regions / institutions before computing; None keeps
        all.

    Returns
    -------
    OverlapResult
        ``year``, ``total_beneficiaries``, ``total_simultaneous`` and three frames:

        - ``per_institution``: ``institution``, ``beneficiaries``, ``simultaneous`` (persons
          for whom the institution takes part) and ``share`` (simultaneous / beneficiaries,
          null without beneficiaries); one row per institution present in the filtered
          episodes, in :data:`INSTITUTION_ORDER`.
        - ``matrix`` (long form): ``institution``, ``other``, ``persons`` (persons with an
          episode at ``institution`` overlapping one at ``other``; on the diagonal, the
          institution's ``simultaneous``) and ``row_share`` (persons / beneficiaries of
          ``institution``), for every ordered pair of present institutions, zeros included.
        - ``combinations``: ``institutions`` (the exact set that takes part, in
          :data:`INSTITUTION_ORDER`) and ``persons``, most frequent first, ties in
          :data:`INSTITUTION_ORDER` of the sets.

    Raises
    ------
    ValueError
        If an episode names an institution outside :data:`INSTITUTION_ORDER`.

    Examples
    --------
    Person 1's ORP and CMS episodes share 31 March (both ends count), so person 1 is followed
    simultaneously and both institutions take part; person 2 is only followed by ORP.

    >>> from datetime import date
    >>> episodes = pl.DataFrame(
    ...     {
    ...         "person_id": ["p1", "p1", "p2"],
    ...         "institution": ["ORP", "CMS", "ORP"],
    ...         "region": ["Sion", "Sion", "Sierre"],
    ...         "start_date": [date(2025, 1, 1), date(2025, 3, 31), date(2024, 6, 1)],
    ...         "end_date": [date(2025, 3, 31), None, None],
    ...     }
    ... )
    >>> result = overlap_summary(episodes, 2025)
    >>> result.total_beneficiaries, result.total_simultaneous
    (2, 1)
    >>> result.per_institution
    shape: (2, 4)
    ┌─────────────┬───────────────┬──────────────┬───────┐
    │ institution ┆ beneficiaries ┆ simultaneous ┆ share │
    │ ---         ┆ ---           ┆ ---          ┆ ---   │
    │ str         ┆ i64           ┆ i64          ┆ f64   │
    ╞═════════════╪═══════════════╪══════════════╪═══════╡
    │ ORP         ┆ 2             ┆ 1            ┆ 0.5   │
    │ CMS         ┆ 1             ┆ 1            ┆ 1.0   │
    └─────────────┴───────────────┴──────────────┴───────┘
    """
    year_episodes, present = _episodes_in_year(episodes, year, regions, institutions)
    ordered = _sorted_by_person_and_start(year_episodes)
    per_code, total, pair_masks = _count_pair_masks(ordered)
    return _summarise(year, present, total, per_code, pair_masks)


def beneficiaries(
    episodes: pl.DataFrame | pl.LazyFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
    institutions: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Beneficiaries, simultaneous follow-ups and their share, per institution.

    Beneficiaries of institution i are the distinct persons with at least one episode at i
    that intersects `year`; ``simultaneous`` counts those for whom i takes part (one of its
    episodes overlaps, within the year, an episode at another institution). This is
    ``overlap_summary(...).per_institution``: call :func:`overlap_summary` once when you need
    several of its frames.

    Examples
    --------
    The OAI episode ended in 2024, so only ORP has a beneficiary in 2025.

    >>> from datetime import date
    >>> episodes = pl.DataFrame(
    ...     {
    ...         "person_id": [7, 7],
    ...         "institution": ["ORP", "OAI"],
    ...         "region": ["Monthey", "Monthey"],
    ...         "start_date": [date(2024, 1, 1), date(2024, 1, 1)],
    ...         "end_date": [None, date(2024, 12, 31)],
    ...     }
    ... )
    >>> beneficiaries(episodes, 2025).rows()
    [('ORP', 1, 0, 0.0), ('OAI', 0, 0, None)]
    """
    return overlap_summary(
        episodes, year, regions=regions, institutions=institutions
    ).per_institution


def overlap_matrix(
    episodes: pl.DataFrame | pl.LazyFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
    institutions: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Overlap matrix M[i][j] in long form (``institution``, ``other``, ``persons``, ``row_share``).

    M[i][j], i≠j, counts the persons with an episode at i overlapping, within `year`, an
    episode at j; it is symmetric. The diagonal M[i][i] counts the persons for whom i takes
    part. ``row_share`` = M[i][j] / beneficiaries of i. This is
    ``overlap_summary(...).matrix``.

    Examples
    --------
    A chain: ORP overlaps OAI and OAI overlaps CMS, but ORP and CMS never meet.

    >>> from datetime import date
    >>> episodes = pl.DataFrame(
    ...     {
    ...         "person_id": ["p", "p", "p"],
    ...         "institution": ["ORP", "OAI", "CMS"],
    ...         "region": ["Sion"] * 3,
    ...         "start_date": [date(2025, 1, 1), date(2025, 2, 1), date(2025, 4, 1)],
    ...         "end_date": [date(2025, 2, 1), date(2025, 4, 1), date(2025, 5, 1)],
    ...     }
    ... )
    >>> m = overlap_matrix(episodes, 2025)
    >>> m.filter(pl.col("institution") == "ORP").select("other", "persons").rows()
    [('ORP', 1), ('OAI', 1), ('CMS', 0)]
    """
    return overlap_summary(episodes, year, regions=regions, institutions=institutions).matrix


def combinations(
    episodes: pl.DataFrame | pl.LazyFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
    institutions: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Persons per exact set of institutions that take part (the UpSet chart's data).

    For each person followed simultaneously in `year`, the set of institutions that take part
    (those with an episode overlapping, within the year, an episode at another institution);
    ``persons`` counts the persons per set. This is ``overlap_summary(...).combinations``.

    Examples
    --------
    In the chain ORP–OAI–CMS all three institutions take part, although ORP and CMS never meet.

    >>> from datetime import date
    >>> episodes = pl.DataFrame(
    ...     {
    ...         "person_id": ["p", "p", "p"],
    ...         "institution": ["ORP", "OAI", "CMS"],
    ...         "region": ["Sion"] * 3,
    ...         "start_date": [date(2025, 1, 1), date(2025, 2, 1), date(2025, 4, 1)],
    ...         "end_date": [date(2025, 2, 1), date(2025, 4, 1), date(2025, 5, 1)],
    ...     }
    ... )
    >>> combinations(episodes, 2025).rows()
    [(['ORP', 'OAI', 'CMS'], 1)]
    """
    return overlap_summary(
        episodes, year, regions=regions, institutions=institutions
    ).combinations


def to_json_dict(result: OverlapResult) -> dict[str, Any]:
    """The result as plain Python values (ints, floats, None), ready for ``json.dumps``.

    Keys: ``year``, ``total_beneficiaries``, ``total_simultaneous``, ``beneficiaries``,
    ``simultaneous`` and ``share`` ({institution: value}; a share is None for an institution
    without beneficiaries), ``matrix`` ({institution: {institution: persons}}, symmetric, the
    diagonal holding ``simultaneous``) and ``combinations`` (a list of
    {"institutions": [...], "persons": n}, most frequent first).

    Examples
    --------
    >>> from datetime import date
    >>> episodes = pl.DataFrame(
    ...     {
    ...         "person_id": ["p", "p"],
    ...         "institution": ["OSP", "ORP"],
    ...         "region": ["Sion", "Sion"],
    ...         "start_date": [date(2025, 5, 1), date(2025, 1, 1)],
    ...         "end_date": [None, None],
    ...     }
    ... )
    >>> to_json_dict(overlap_summary(episodes, 2025))["matrix"]
    {'ORP': {'ORP': 1, 'OSP': 1}, 'OSP': {'ORP': 1, 'OSP': 1}}
    """
    per_institution = result.per_institution
    matrix: dict[str, dict[str, int]] = {}
    for institution, other, persons in result.matrix.select(
        "institution", "other", "persons"
    ).iter_rows():
        matrix.setdefault(institution, {})[other] = int(persons)
    return {
        "year": int(result.year),
        "total_beneficiaries": int(result.total_beneficiaries),
        "total_simultaneous": int(result.total_simultaneous),
        "beneficiaries": _as_dict(per_institution, "beneficiaries", int),
        "simultaneous": _as_dict(per_institution, "simultaneous", int),
        "share": _as_dict(per_institution, "share", float),
        "matrix": matrix,
        "combinations": [
            {"institutions": list(names), "persons": int(persons)}
            for names, persons in result.combinations.iter_rows()
        ],
    }


def _as_dict(frame: pl.DataFrame, column: str, cast: type) -> dict[str, Any]:
    """{institution: value} with values cast to plain Python (None stays None)."""
    return {
        name: None if value is None else cast(value)
        for name, value in frame.select("institution", column).iter_rows()
    }


def _episodes_in_year(
    episodes: pl.DataFrame | pl.LazyFrame,
    year: int,
    regions: Iterable[str] | None,
    institutions: Iterable[str] | None,
) -> tuple[pl.DataFrame, list[int]]:
    """Filtered episodes that intersect the year, clipped to it, and the present institutions.

    Returns ``person``, ``code`` (index in INSTITUTION_ORDER), ``start`` and ``end`` (days
    since 1 January of the year, both inclusive), and the codes present in the filtered
    episodes (whether or not they intersect the year).
    """
    first = dt.date(year, 1, 1)
    last_day = (dt.date(year, 12, 31) - first).days
    lf = episodes.lazy()
    if regions is not None:
        lf = lf.filter(pl.col("region").is_in(list(regions)))
    if institutions is not None:
        lf = lf.filter(pl.col("institution").is_in(list(institutions)))
    # Days relative to the year (Date is days since 1970) keep the arithmetic small and integer.
    epoch_offset = (first - dt.date(1970, 1, 1)).days
    start = pl.col("start_date").cast(pl.Int32) - epoch_offset
    end = (pl.col("end_date").cast(pl.Int32) - epoch_offset).fill_null(last_day)
    in_year = lf.filter(
        pl.col("person_id").is_not_null(),
        start <= last_day,
        end >= 0,
        start <= end,  # an end before the start (bad data) has no day to overlap on
    ).select(
        person=pl.col("person_id"),
        code=_institution_code(),
        start=start.clip(lower_bound=0).cast(pl.UInt16),
        end=end.clip(upper_bound=last_day).cast(pl.UInt16),
    )
    present = lf.select(pl.col("institution").unique())
    # One collect_all: a lazy input is read once for both outputs.
    rows = episodes.height if isinstance(episodes, pl.DataFrame) else _MANY_ROWS
    present_names, year_episodes = pl.collect_all([present, in_year], engine=_engine(rows))
    names = present_names.get_column("institution").to_list()
    unknown = sorted(
        "(empty)" if name is None else str(name) for name in names if name not in _CODE
    )
    if unknown:
        raise ValueError(
            f"unknown institution(s) {', '.join(unknown)}: "
            f"expected one of {', '.join(INSTITUTION_ORDER)}"
        )
    return year_episodes, sorted(_CODE[name] for name in names)


# The streaming engine costs a few milliseconds to start each query, which dominates at canton
# scale (tens of thousands of episodes); from about a million rows its parallelism pays off.
_MANY_ROWS = 500_000


def _engine(rows: int) -> Literal["in-memory", "auto"]:
    """Polars engine for a query over `rows` rows."""
    return "in-memory" if rows < _MANY_ROWS else "auto"


def _institution_code() -> pl.Expr:
    """Index of the institution in INSTITUTION_ORDER (UInt8), null if unknown."""
    # A when/then chain on these short strings is about four times faster than replace_strict.
    institution = pl.col("institution")
    code = pl.when(institution == INSTITUTION_ORDER[0]).then(pl.lit(0, pl.UInt8))
    for index, name in enumerate(INSTITUTION_ORDER[1:], start=1):
        code = code.when(institution == name).then(pl.lit(index, pl.UInt8))
    return code


# The sort key packs one episode into an unsigned 128-bit integer, so that a single-column sort
# orders the episodes by person then start (a multi-column sort, or an arg_sort followed by
# gathers, costs two to three times more):
#   bits 64..127 person key | 50..58 start | 40..49 end | 32..39 code | 0..31 row number
# The row number leads back to the original person value to check a hashed key.
_HIGH = 2**64
_START, _END, _CODE_SHIFT = 2**50, 2**40, 2**32
_MAX_ROWS = 2**32


def _sorted_by_person_and_start(year_episodes: pl.DataFrame) -> pl.DataFrame:
    """Episodes ordered by person then start, with a dense person index ``person`` (1, 2, ...).

    An integer person is used as it is. Any other person (a 64-hex pseudonym) is replaced by
    its 64-bit hash, since comparing long strings in a sort dominates the run time otherwise;
    neighbours that share a hash are then compared on the pseudonym itself, and if two
    different persons ever collide, the persons are ranked exactly instead (slower, correct).
    """
    if year_episodes.height >= _MAX_ROWS:
        raise ValueError(f"at most {_MAX_ROWS - 1} episodes per year are supported")
    person = year_episodes.get_column("person")
    if person.dtype.is_integer():
        return _sort_packed(year_episodes, _integer_key(person))
    ordered = _sort_packed(year_episodes, _hashed(person))
    if _hash_collides(ordered, person):
        ordered = _sort_packed(year_episodes, person.rank("dense").cast(pl.UInt64))
    return ordered


def _hashed(person: pl.Series) -> pl.Series:
    """64-bit hash of each person (a seam for the test of the collision fallback)."""
    return person.hash()


def _integer_key(person: pl.Series) -> pl.Series:
    """Integer persons shifted to start at 0, so that every integer dtype fits in 64 bits."""
    lowest = person.min()
    return person.to_frame().select(
        (pl.col(person.name).cast(pl.Int128) - pl.lit(lowest or 0, pl.Int128)).cast(pl.UInt64)
    ).to_series()


def _sort_packed(year_episodes: pl.DataFrame, person_key: pl.Series) -> pl.DataFrame:
    """Sort on the packed 128-bit key and unpack it (columns: see the layout above)."""
    u128 = pl.UInt128
    low = (
        pl.col("start").cast(pl.UInt64) * _START
        + pl.col("end").cast(pl.UInt64) * _END
        + pl.col("code").cast(pl.UInt64) * _CODE_SHIFT
        + pl.int_range(pl.len(), dtype=pl.UInt64)
    )
    key = pl.col("key")
    return (
        year_episodes.with_columns(person_key=person_key)
        .lazy()
        .select(key=pl.col("person_key").cast(u128) * pl.lit(_HIGH, u128) + low.cast(u128))
        .sort("key")
        .select(
            person_key=(key // pl.lit(_HIGH, u128)).cast(pl.UInt64),
            low=key.cast(pl.UInt64, wrap_numerical=True),  # the low 64 bits
        )
        .select(
            "person_key",
            start=(pl.col("low") // _START).cast(pl.UInt16),
            end=(pl.col("low") // _END % 1024).cast(pl.UInt16),
            code=(pl.col("low") // _CODE_SHIFT % 256).cast(pl.UInt8),
            row=(pl.col("low") % _MAX_ROWS).cast(pl.UInt32),
        )
        .with_columns(
            # Dense person index, counting from 1: a new person wherever the key changes.
            person=(pl.col("person_key") != pl.col("person_key").shift(1))
            .fill_null(True)
            .cum_sum()
            .cast(pl.UInt32)
        )
        .collect(engine=_engine(year_episodes.height))
    )


def _hash_collides(ordered: pl.DataFrame, person: pl.Series) -> bool:
    """Whether two different persons share a hash (compared on neighbours in hash order)."""
    same_key = ordered.lazy().select(
        "row",
        previous=pl.col("row").shift(1),
        same=pl.col("person_key") == pl.col("person_key").shift(1),
    ).filter("same").collect(engine=_engine(ordered.height))
    person = person.rechunk()  # gathers from a many-chunked column are much slower
    here = person.gather(same_key.get_column("row"))
    before = person.gather(same_key.get_column("previous"))
    return bool((here != before).any())


def _count_pair_masks(ordered: pl.DataFrame) -> tuple[dict[int, int], int, pl.DataFrame]:
    """Beneficiaries per institution code, all beneficiaries, and persons per pair mask.

    The episodes come ordered by person then start. An episode y overlaps an earlier-starting
    episode x of the same person exactly when ``x.end >= y.start``; so, keeping per institution
    k the running maximum of the ends of the episodes seen so far, y overlaps an episode at k
    when that maximum reaches y's start. Encoding the person in the running value
    (``person * 512 + end + 1``) stops it from crossing from one person to the next. Each
    episode thus yields the institutions it meets, as bits ``code * 5 + k`` of a 25-bit mask;
    OR-ing them per person gives every pair of institutions that overlap for that person.
    """
    episodes = ordered.lazy()

    def distinct(person: pl.Expr) -> pl.Expr:
        # Persons are sorted (and start at 1), so counting changes counts distinct persons.
        return (person != person.shift(1, fill_value=0)).sum()

    counts = episodes.select(
        total=pl.col("person").max().fill_null(0).cast(pl.Int64),
        **{
            str(code): distinct(pl.col("person").filter(pl.col("code") == code)).cast(pl.Int64)
            for code in range(_N)
        },
    )

    person_base = pl.col("person").cast(pl.UInt64) * 512
    own_start = person_base + pl.col("start")  # 512 > days in a year
    met = []
    for k in range(_N):
        running_end = (
            pl.when(pl.col("code") == k)
            .then(person_base + pl.col("end") + 1)
            .otherwise(0)
            .cum_max()
            .shift(1, fill_value=0)
        )
        met.append(((pl.col("code") != k) & (running_end > own_start)).cast(pl.UInt32) * (1 << k))
    pair_masks = (
        # A person with a single episode cannot overlap: skip them before the sweep.
        episodes.filter(
            (pl.col("person") == pl.col("person").shift(1))
            | (pl.col("person") == pl.col("person").shift(-1))
        )
        .select(
            "person",
            pairs=pl.sum_horizontal(met) * pl.lit(2**_N, pl.UInt32).pow(pl.col("code")),
        )
        .filter(pl.col("pairs") != 0)
        .group_by("person")
        .agg(pl.col("pairs").bitwise_or())
        .group_by("pairs")
        .agg(persons=pl.len())
    )
    counts_df, pair_masks_df = pl.collect_all(
        [counts, pair_masks], engine=_engine(ordered.height)
    )
    per_code = {code: counts_df.get_column(str(code)).item() for code in range(_N)}
    return per_code, counts_df.get_column("total").item(), pair_masks_df


def _summarise(
    year: int,
    present: list[int],
    total: int,
    per_code: dict[int, int],
    pair_masks: pl.DataFrame,
) -> OverlapResult:
    """Read every figure off the persons per pair mask.

    There are at most a few hundred distinct masks (not persons), so plain Python is both
    clearer and faster here than a dozen polars operations on tiny frames.
    """
    simultaneous: Counter[int] = Counter()
    met: Counter[tuple[int, int]] = Counter()
    sets: Counter[tuple[int, ...]] = Counter()
    for mask, persons in pair_masks.iter_rows():
        # Bit code * 5 + k: an episode at `code` met one at k; either direction makes a pair.
        pairs = {
            tuple(sorted(divmod(bit, _N))) for bit in range(_N * _N) if mask >> bit & 1
        }
        taking_part = {code for pair in pairs for code in pair}
        for a, b in pairs:
            met[a, b] += persons
            met[b, a] += persons
        simultaneous.update(dict.fromkeys(taking_part, persons))
        sets[tuple(sorted(taking_part))] += persons

    def share(persons: int, code: int) -> float | None:
        return persons / per_code[code] if per_code.get(code) else None

    per_institution = pl.DataFrame(
        [
            (
                INSTITUTION_ORDER[code],
                per_code.get(code, 0),
                simultaneous[code],
                share(simultaneous[code], code),
            )
            for code in present
        ],
        schema=_PER_INSTITUTION_SCHEMA,
        orient="row",
    )
    matrix_rows = []
    for code in present:
        for other in present:
            persons = simultaneous[code] if code == other else met[code, other]
            matrix_rows.append(
                (INSTITUTION_ORDER[code], INSTITUTION_ORDER[other], persons, share(persons, code))
            )
    matrix = pl.DataFrame(matrix_rows, schema=_MATRIX_SCHEMA, orient="row")
    combination_frame = pl.DataFrame(
        [
            ([INSTITUTION_ORDER[code] for code in codes], persons)
            # Most persons first; ties in INSTITUTION_ORDER of the sets.
            for codes, persons in sorted(sets.items(), key=lambda item: (-item[1], item[0]))
        ],
        schema=_COMBINATIONS_SCHEMA,
        orient="row",
    )
    return OverlapResult(
        year=year,
        total_beneficiaries=total,
        total_simultaneous=sum(sets.values()),
        per_institution=per_institution,
        matrix=matrix,
        combinations=combination_frame,
    )


_PER_INSTITUTION_SCHEMA = {
    "institution": pl.String,
    "beneficiaries": pl.Int64,
    "simultaneous": pl.Int64,
    "share": pl.Float64,
}
_MATRIX_SCHEMA = {
    "institution": pl.String,
    "other": pl.String,
    "persons": pl.Int64,
    "row_share": pl.Float64,
}
_COMBINATIONS_SCHEMA = {"institutions": pl.List(pl.String), "persons": pl.Int64}
