"""Situations announced to the Bureau CII and the services delivered for them (CII complexe).

Inputs are the loaded ``situations`` and ``services`` datasets (canonical columns and codes of
:mod:`dashboard.datasets`, plus the upload's reporting year in ``year``).
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from dashboard.datasets import REGIONS, SERVICES, SITUATIONS
from queries.compare import Share
from queries.filters import TOTAL, counts_by_category, filter_rows, ordered_values, rows_of_year, share

PUBLICS = tuple(SITUATIONS.column("public").choices)
"""``adult``, ``youth``."""

ANNOUNCERS = tuple(SITUATIONS.column("announcer").choices)
"""ORP, CMS, BIP/OASI, OAI, OSP/SHE, T1/SFOP, other: the rows of the report's table, in order."""

SERVICE_TYPES = tuple(SERVICES.column("service").choices)
"""TRO, assessment, coaching ORP-CMS, CM CII, medical mandate, in the report's order."""

EARLY_DETECTION_DAYS = 183
"""Six months: a situation is detected early if announced less than 183 days after its follow-up began."""

DELAY_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("under_3_months", 0, 91),
    ("3_to_6_months", 91, EARLY_DETECTION_DAYS),
    ("6_to_12_months", EARLY_DETECTION_DAYS, 365),
    ("1_to_2_years", 365, 730),
    ("2_years_or_more", 730, None),
)
"""Delay classes ``(code, from_days, to_days)``, from inclusive, to exclusive; the first two are early."""


def _situations(
    situations: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
    public: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    announcers: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Situations announced in `year` (uploads of `year`), after the filters."""
    announced = rows_of_year(situations, year, "announced_on")
    return filter_rows(announced, region=regions, public=public, kind=kinds, announcer=announcers)


def situations_announced(
    situations: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
    public: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    announcers: Iterable[str] | None = None,
) -> int:
    """Number of situations announced to the Bureau CII in `year`.

    Definition (DESIGN.md §3): ``situations`` rows with ``announced_on`` in Y.

    Parameters
    ----------
    situations
        The loaded ``situations`` dataset.
    year
        The reporting year Y.
    regions, public, kinds, announcers
        Keep only these regions, publics (``adult``, ``youth``), kinds (``network``,
        ``complex``) and announcers; None keeps all.

    Examples
    --------
    >>> import datetime as dt
    >>> situations = pl.DataFrame(
    ...     {
    ...         "announced_on": [dt.date(2025, 1, 6), dt.date(2025, 9, 1), dt.date(2024, 12, 31)],
    ...         "public": ["adult", "youth", "adult"],
    ...         "year": [2025, 2025, 2025],
    ...     }
    ... )
    >>> situations_announced(situations, 2025)
    2
    >>> situations_announced(situations, 2025, public=["adult"])
    1

    The third row is in the 2025 file but was announced in 2024, so it counts for neither year.
    """
    return _situations(situations, year, regions=regions, public=public, kinds=kinds, announcers=announcers).height


def situations_by_public(
    situations: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    announcers: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Situations announced in `year`, by public (adults, youth), with their total.

    Definition (DESIGN.md §3): ``situations`` rows with ``announced_on`` in Y, by ``public``.
    The report's summary: "302 situations annoncées (adultes : 87 et jeunes : 215)".

    Returns
    -------
    pl.DataFrame
        Columns ``public`` (``adult``, ``youth``, then ``total``) and ``situations`` (Int64);
        a public without situations counts 0.

    Examples
    --------
    >>> import datetime as dt
    >>> situations = pl.DataFrame(
    ...     {
    ...         "announced_on": [dt.date(2025, 1, 6), dt.date(2025, 9, 1), dt.date(2025, 3, 3)],
    ...         "public": ["youth", "youth", "adult"],
    ...         "year": [2025, 2025, 2025],
    ...     }
    ... )
    >>> situations_by_public(situations, 2025).rows()
    [('adult', 1), ('youth', 2), ('total', 3)]

    Network and complex situations count alike; each public keeps its row even at 0.
    """
    rows = _situations(situations, year, regions=regions, kinds=kinds, announcers=announcers)
    counts = counts_by_category(rows, "public", PUBLICS, name="situations").cast({"public": pl.String})
    total = pl.DataFrame({"public": [TOTAL], "situations": [rows.height]}, schema=counts.schema)
    return pl.concat([counts, total])


def complex_by_region_and_announcer(
    situations: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
    public: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Complex situations announced in `year`, by announcer (rows) and region (columns).

    Definition (DESIGN.md §3): the table of section 8 of the report, "Situations signalées en
    CII complexe": ``situations`` of kind ``complex`` with ``announced_on`` in Y, counted per
    ``announcer`` and ``region``, with the totals.

    Parameters
    ----------
    situations
        The loaded ``situations`` dataset.
    year
        The reporting year Y.
    regions
        The region columns to show (all five when None), in the report's order.
    public
        Keep only these publics (the report counts adults and youth together).

    Returns
    -------
    pl.DataFrame
        Column ``announcer`` then ``total`` (the report's "Valais") then one Int64 column per
        region. The first row is the ``total`` per region ("Total des cas par Dispositifs
        Annonceurs"), then one row per announcer in the report's order (ORP, CMS, BIP/OASI,
        OAI, OSP/SHE, T1/SFOP, other), 0 where the report leaves the cell empty.

    Examples
    --------
    >>> import datetime as dt
    >>> situations = pl.DataFrame(
    ...     {
    ...         "announced_on": [dt.date(2025, 2, 1), dt.date(2025, 4, 1), dt.date(2025, 5, 1)],
    ...         "kind": ["complex", "complex", "network"],
    ...         "announcer": ["ORP", "CMS", "ORP"],
    ...         "region": ["Sion", "Sion", "Monthey"],
    ...         "year": [2025, 2025, 2025],
    ...     }
    ... )
    >>> complex_by_region_and_announcer(situations, 2025, regions=["Sion", "Monthey"]).head(3).rows()
    [('total', 2, 2, 0), ('ORP', 1, 1, 0), ('CMS', 1, 1, 0)]

    Monthey's only situation is a network one, so its column is all zeros.
    """
    shown = ordered_values(regions, REGIONS)
    rows = _situations(situations, year, regions=shown, public=public, kinds=["complex"])
    per_announcer = rows.group_by("announcer").agg(
        (pl.col("region") == region).sum().cast(pl.Int64).alias(region) for region in shown
    )
    skeleton = pl.DataFrame({"announcer": list(ANNOUNCERS)}, schema={"announcer": pl.String})
    table = (
        skeleton.join(per_announcer.cast({"announcer": pl.String}), on="announcer", how="left", maintain_order="left")
        .with_columns(pl.col(region).fill_null(0) for region in shown)
        # The leading 0 keeps the sum defined when no region is selected.
        .with_columns(pl.sum_horizontal(pl.lit(0, pl.Int64), *shown).cast(pl.Int64).alias(TOTAL))
        .select("announcer", TOTAL, *shown)
    )
    totals = table.select(pl.lit(TOTAL).alias("announcer"), pl.exclude("announcer").sum().cast(pl.Int64))
    return pl.concat([totals, table])


def _dated_complex(
    situations: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None,
    public: Iterable[str] | None,
    announcers: Iterable[str] | None,
) -> pl.DataFrame:
    """Complex situations announced in `year` with their detection delay in days (null if unknown)."""
    rows = _situations(situations, year, regions=regions, public=public, kinds=["complex"], announcers=announcers)
    return rows.with_columns((pl.col("announced_on") - pl.col("followup_start")).dt.total_days().alias("delay_days"))


def early_detection(
    situations: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
    public: Iterable[str] | None = None,
    announcers: Iterable[str] | None = None,
) -> Share:
    """Share of complex situations announced in `year` that were detected early.

    Definition (DESIGN.md §3): share of complex situations announced in Y whose
    ``announced_on - followup_start`` is under 6 months (183 days), i.e. at most 182 days.
    A situation without ``followup_start`` has no known delay: it is left out of the
    denominator (see :func:`early_detection_by_announcer` for how many).

    Returns
    -------
    Share
        ``numerator`` the situations detected early, ``denominator`` those with a known delay.

    Examples
    --------
    >>> import datetime as dt
    >>> situations = pl.DataFrame(
    ...     {
    ...         "announced_on": [dt.date(2025, 3, 1), dt.date(2025, 3, 1), dt.date(2025, 3, 1)],
    ...         "followup_start": [dt.date(2024, 9, 1), dt.date(2024, 8, 30), None],
    ...         "kind": ["complex", "complex", "complex"],
    ...         "year": [2025, 2025, 2025],
    ...     }
    ... )
    >>> early_detection(situations, 2025)
    Share(numerator=1, denominator=2)

    The first delay is 181 days (early), the second 183 days (not under six months), and the
    third situation has no start date.
    """
    rows = _dated_complex(situations, year, regions=regions, public=public, announcers=announcers)
    dated = rows.filter(pl.col("delay_days").is_not_null())
    early = dated.filter(pl.col("delay_days") < EARLY_DETECTION_DAYS)
    return Share(early.height, dated.height)


def early_detection_by_announcer(
    situations: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
    public: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Early detection of the complex situations announced in `year`, per announcer.

    Definition (DESIGN.md §3): as :func:`early_detection`, for each announcer (the report notes
    that delays are longer for the situations announced by the CMS).

    Returns
    -------
    pl.DataFrame
        One row per announcer in the report's order, then ``total``. Columns: ``announcer``,
        ``situations`` (complex situations announced), ``without_start`` (no
        ``followup_start``: delay unknown), ``dated`` (delay known), ``early`` (delay under 183
        days), all Int64, and ``share`` = early / dated (Float64, null when nothing is dated).

    Examples
    --------
    >>> import datetime as dt
    >>> situations = pl.DataFrame(
    ...     {
    ...         "announced_on": [dt.date(2025, 3, 1), dt.date(2025, 6, 1), dt.date(2025, 6, 1)],
    ...         "followup_start": [dt.date(2025, 1, 1), dt.date(2023, 1, 1), dt.date(2025, 5, 1)],
    ...         "kind": ["complex", "complex", "complex"],
    ...         "announcer": ["ORP", "CMS", "CMS"],
    ...         "year": [2025, 2025, 2025],
    ...     }
    ... )
    >>> early_detection_by_announcer(situations, 2025).filter(pl.col("situations") > 0).rows()
    [('ORP', 1, 0, 1, 1, 1.0), ('CMS', 2, 0, 2, 1, 0.5), ('total', 3, 0, 3, 2, 0.6666666666666666)]

    The CMS announced one situation after a follow-up of two years, which halves its share.
    """
    rows = _dated_complex(situations, year, regions=regions, public=public, announcers=None)
    counts = [
        pl.len().cast(pl.Int64).alias("situations"),
        pl.col("delay_days").is_null().sum().cast(pl.Int64).alias("without_start"),
        pl.col("delay_days").is_not_null().sum().cast(pl.Int64).alias("dated"),
        (pl.col("delay_days") < EARLY_DETECTION_DAYS).sum().cast(pl.Int64).alias("early"),
    ]
    names = ["situations", "without_start", "dated", "early"]
    skeleton = pl.DataFrame({"announcer": list(ANNOUNCERS)}, schema={"announcer": pl.String})
    per_announcer = skeleton.join(
        rows.group_by("announcer").agg(counts).cast({"announcer": pl.String}), on="announcer", how="left", maintain_order="left"
    ).with_columns(pl.col(names).fill_null(0))
    total = rows.select(pl.lit(TOTAL).alias("announcer"), *counts)
    return pl.concat([per_announcer, total]).with_columns(share(pl.col("early"), pl.col("dated")).alias("share"))


def _delay_bucket() -> pl.Expr:
    """The code of the :data:`DELAY_BUCKETS` class of ``delay_days`` (null if unknown)."""
    conditions = [
        (pl.col("delay_days") >= low) & (pl.col("delay_days") < high) if high is not None else pl.col("delay_days") >= low
        for _, low, high in DELAY_BUCKETS
    ]
    chain = pl.when(conditions[0]).then(pl.lit(DELAY_BUCKETS[0][0]))
    for condition, (code, _, _) in zip(conditions[1:], DELAY_BUCKETS[1:], strict=True):
        chain = chain.when(condition).then(pl.lit(code))
    return chain.otherwise(None)


def detection_delays(
    situations: pl.DataFrame,
    year: int,
    *,
    by_announcer: bool = False,
    regions: Iterable[str] | None = None,
    public: Iterable[str] | None = None,
    announcers: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Distribution of the detection delay of the complex situations announced in `year`.

    The delay is ``announced_on - followup_start`` (DESIGN.md §3, early detection), in the
    classes of :data:`DELAY_BUCKETS`; the first two classes are the early detections.

    Parameters
    ----------
    situations
        The loaded ``situations`` dataset.
    year
        The reporting year Y.
    by_announcer
        One distribution per announcer (the report notes longer delays for the CMS) instead of
        one for all.
    regions, public, announcers
        Keep only these regions, publics and announcers.

    Returns
    -------
    pl.DataFrame
        With `by_announcer`, first an ``announcer`` column (announcers in the report's order).
        Then one row per class, shortest first: ``bucket`` (code), ``from_days`` (inclusive),
        ``to_days`` (exclusive, null for the last class), ``situations`` (Int64) and ``share``
        of the situations with a known delay (of the announcer; Float64, null when none is
        known). Situations without ``followup_start`` are in no class.

    Examples
    --------
    >>> import datetime as dt
    >>> situations = pl.DataFrame(
    ...     {
    ...         "announced_on": [dt.date(2025, 3, 1), dt.date(2025, 6, 1), dt.date(2025, 6, 1)],
    ...         "followup_start": [dt.date(2025, 1, 1), dt.date(2023, 1, 1), dt.date(2025, 5, 1)],
    ...         "kind": ["complex", "complex", "complex"],
    ...         "year": [2025, 2025, 2025],
    ...     }
    ... )
    >>> detection_delays(situations, 2025).select("bucket", "situations").rows()
    [('under_3_months', 2), ('3_to_6_months', 0), ('6_to_12_months', 0), ('1_to_2_years', 0), ('2_years_or_more', 1)]

    Two situations were announced within 59 and 31 days, one after 882 days.
    """
    rows = _dated_complex(situations, year, regions=regions, public=public, announcers=announcers)
    keys = ["announcer", "bucket"] if by_announcer else ["bucket"]
    schema = {"bucket": pl.String, "from_days": pl.Int64, "to_days": pl.Int64}
    if by_announcer:
        classes = [(announcer, *bucket) for announcer in ordered_values(announcers, ANNOUNCERS) for bucket in DELAY_BUCKETS]
        skeleton = pl.DataFrame(classes, schema={"announcer": pl.String, **schema}, orient="row")
    else:
        skeleton = pl.DataFrame(DELAY_BUCKETS, schema=schema, orient="row")
    counts = (
        rows.with_columns(_delay_bucket().alias("bucket"))
        .filter(pl.col("bucket").is_not_null())
        .group_by(keys)
        .agg(pl.len().cast(pl.Int64).alias("situations"))
        .cast({key: pl.String for key in keys})
    )
    dated = pl.col("situations").sum().over("announcer") if by_announcer else pl.col("situations").sum()
    return (
        skeleton.join(counts, on=keys, how="left", maintain_order="left")
        .with_columns(pl.col("situations").fill_null(0))
        .with_columns(share(pl.col("situations"), dated).alias("share"))
    )


def services_by_type(
    services: pl.DataFrame,
    year: int,
    *,
    regions: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Services delivered in `year` by type, and the situations they served.

    The report's "prestations en chiffres": ``services`` rows with ``date`` in Y, per
    ``service`` ("23 TRO ... 49 coachings ORP-CMS ... pas de demande pour des mandats médicaux
    et des case managements").

    Returns
    -------
    pl.DataFrame
        One row per service type in the report's order (TRO, assessment, coaching ORP-CMS,
        CM CII, medical mandate), then ``total``. Columns ``service``, ``services`` (Int64,
        services delivered; 0 when none) and ``situations`` (Int64, distinct situations served;
        the total counts a situation served twice once).

    Examples
    --------
    >>> import datetime as dt
    >>> services = pl.DataFrame(
    ...     {
    ...         "situation_id": ["s1", "s1", "s2"],
    ...         "service": ["tro", "coaching_orp_cms", "tro"],
    ...         "date": [dt.date(2025, 2, 1), dt.date(2025, 5, 1), dt.date(2025, 7, 1)],
    ...         "year": [2025, 2025, 2025],
    ...     }
    ... )
    >>> services_by_type(services, 2025).rows()
    [('tro', 2, 2), ('assessment', 0, 0), ('coaching_orp_cms', 1, 1), ('cm_cii', 0, 0), ('medical_mandate', 0, 0), ('total', 3, 2)]

    Situation ``s1`` had a TRO and a coaching: three services, but two situations served.
    """
    rows = filter_rows(rows_of_year(services, year, "date"), region=regions)
    counts = [
        pl.len().cast(pl.Int64).alias("services"),
        pl.col("situation_id").n_unique().cast(pl.Int64).alias("situations"),
    ]
    skeleton = pl.DataFrame({"service": list(SERVICE_TYPES)}, schema={"service": pl.String})
    per_type = skeleton.join(
        rows.group_by("service").agg(counts).cast({"service": pl.String}), on="service", how="left", maintain_order="left"
    ).with_columns(pl.col("services", "situations").fill_null(0))
    total = rows.select(pl.lit(TOTAL).alias("service"), *counts)
    return pl.concat([per_type, total])
