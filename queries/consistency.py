"""The state of the data, for the Données page: the dataset catalogue and the cross-dataset checks.

Each partner sends its own files, so a figure can be wrong although every file is valid on its
own: a partner forgot a year, two datasets that describe the same activity disagree, the data no
longer reproduce the published report. The checks below find those cases. Each returns rows of
:data:`CHECKS_SCHEMA` with a ``status`` of ``ok`` or ``warning`` and the two numbers compared;
the page turns a row into a sentence in the user's language.

All functions take the loaded datasets (``dashboard.db.load.load_dataset``: the upload's
reporting year in ``year``, or ``upload_year`` for datasets with a ``year`` of their own) or the
upload history (``dashboard.db.store.list_uploads``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from dashboard.datasets import DATASETS, INSTITUTIONS
from queries import network, situations, summary, youth
from queries.filters import rows_of_year, upload_year_column

CHECKS_SCHEMA = {
    "check": pl.String,  # the check's code: the page's sentence
    "year": pl.Int64,  # the reporting year checked
    "status": pl.String,  # ok | warning
    "dataset": pl.String,  # the dataset concerned, when one is
    "subject": pl.String,  # a source, a region, or a figure as "indicator|dimensions"
    "unit": pl.String,  # how value and reference read: count | share | chf
    "value": pl.Float64,
    "reference": pl.Float64,
}

OK, WARNING = "ok", "warning"

RECORD_DATASETS = tuple(name for name in DATASETS if name != "published")
"""Datasets sent every year. A published report is not: it comes when the report is out."""

COMBINED_SOURCE = "CII"
"""The Bureau CII's combined extract stands for every partner of a dataset in that year."""

CATALOGUE_SCHEMA = {
    "dataset": pl.String,
    "files": pl.Int64,  # current uploads
    "rows": pl.Int64,  # rows of the current uploads
    "years": pl.String,  # reporting years covered, "2024, 2025"
    "sources": pl.String,  # who sent the current uploads, "ORP, CMS"
    "last_upload": pl.Datetime("us", "UTC"),  # the latest current upload
}

_SOURCE_ORDER = {source: rank for rank, source in enumerate((*INSTITUTIONS, "T1", COMBINED_SOURCE))}


def _row(check: str, year: int, status: str, *, dataset: str | None = None, subject: str | None = None,
         unit: str = "count", value: float | None = None, reference: float | None = None) -> dict:
    return {"check": check, "year": year, "status": status, "dataset": dataset, "subject": subject,
            "unit": unit, "value": value, "reference": reference}


def _frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=CHECKS_SCHEMA)


def _current(uploads: pl.DataFrame) -> pl.DataFrame:
    return uploads.filter(pl.col("status") == "current")


def reporting_years(uploads: pl.DataFrame) -> list[int]:
    """Years with a current upload of a dataset sent every year (not a published report), newest first.

    >>> uploads = pl.DataFrame({"dataset": ["followups", "published"], "year": [2024, 2025],
    ...     "status": ["current", "current"]})
    >>> reporting_years(uploads)
    [2024]
    """
    current = _current(uploads).filter(pl.col("dataset").is_in(RECORD_DATASETS))
    return sorted(current.get_column("year").unique().to_list(), reverse=True)


def _has_year(frame: pl.DataFrame, year: int) -> bool:
    return frame.height > 0 and (frame.get_column(upload_year_column(frame)) == year).any()


def catalogue(uploads: pl.DataFrame) -> pl.DataFrame:
    """Every dataset of the contract with its current uploads: files, rows, years, senders, freshness.

    Parameters
    ----------
    uploads
        The upload history (``list_uploads``): ``dataset``, ``source``, ``year``, ``row_count``,
        ``uploaded_at``, ``status``.

    Returns
    -------
    pl.DataFrame
        :data:`CATALOGUE_SCHEMA`, one row per dataset in the contract's order, also for a
        dataset nobody sent yet (0 files, 0 rows, null years, sources and date).

    Examples
    --------
    >>> import datetime as dt
    >>> uploads = pl.DataFrame({"dataset": ["coaching", "coaching", "coaching"],
    ...     "source": ["CII", "CII", "CII"], "year": [2025, 2024, 2025], "row_count": [49, 55, 40],
    ...     "status": ["current", "current", "superseded"],
    ...     "uploaded_at": [dt.datetime(2026, 1, d, tzinfo=dt.timezone.utc) for d in (9, 2, 5)]})
    >>> row = catalogue(uploads).filter(dataset="coaching").row(0)
    >>> row[:5], row[5].day
    (('coaching', 2, 104, '2024, 2025', 'CII'), 9)

    The superseded 2025 file counts nowhere: only current uploads feed the indicators.
    """
    skeleton = pl.DataFrame({"dataset": list(DATASETS)}, schema={"dataset": pl.String})
    source_rank = pl.col("source").replace_strict(_SOURCE_ORDER, default=len(_SOURCE_ORDER))
    per_dataset = _current(uploads).group_by("dataset").agg(
        pl.len().cast(pl.Int64).alias("files"),
        pl.col("row_count").sum().cast(pl.Int64).alias("rows"),
        pl.col("year").unique().sort().cast(pl.String).str.join(", ").alias("years"),
        pl.col("source").sort_by(source_rank).unique(maintain_order=True).str.join(", ").alias("sources"),
        pl.col("uploaded_at").max().alias("last_upload"),
    )
    return (
        skeleton.join(per_dataset, on="dataset", how="left", maintain_order="left")
        .with_columns(pl.col("files", "rows").fill_null(0))
        .cast(CATALOGUE_SCHEMA)
        .select(list(CATALOGUE_SCHEMA))
    )


def missing_uploads(uploads: pl.DataFrame) -> pl.DataFrame:
    """Which dataset, or which partner's file, is missing in a reporting year.

    For every reporting year (:func:`reporting_years`):

    - ``missing_dataset``: a dataset sent every year has no current upload in that year;
    - ``missing_source``: a partner sent a dataset for another year but not for this one, and
      no combined extract of the Bureau CII (source ``CII``) covers the year (a year sent by
      the partners themselves does not miss the Bureau's extract of another year);
    - ``uploads_complete`` (ok): nothing of the above in that year.

    Examples
    --------
    >>> uploads = pl.DataFrame({
    ...     "dataset": ["followups", "followups", "followups"] + [d for d in RECORD_DATASETS[1:]] * 2,
    ...     "source": ["ORP", "CMS", "ORP"] + ["CII"] * 2 * (len(RECORD_DATASETS) - 1),
    ...     "year": [2024, 2024, 2025] + [2024] * (len(RECORD_DATASETS) - 1) + [2025] * (len(RECORD_DATASETS) - 1),
    ...     "status": "current"})
    >>> missing_uploads(uploads).select("check", "year", "status", "dataset", "subject").rows()
    [('missing_source', 2025, 'warning', 'followups', 'CMS'), ('uploads_complete', 2024, 'ok', None, None)]

    The CMS sent its follow-ups for 2024 only: the 2025 overlaps lack the CMS episodes.
    """
    current = _current(uploads).filter(pl.col("dataset").is_in(RECORD_DATASETS))
    rows = []
    for year in reporting_years(uploads):
        found = []
        of_year = current.filter(pl.col("year") == year)
        for dataset in RECORD_DATASETS:
            sent = set(of_year.filter(pl.col("dataset") == dataset).get_column("source").to_list())
            if not sent:
                found.append(_row("missing_dataset", year, WARNING, dataset=dataset))
                continue
            if COMBINED_SOURCE in sent:
                continue
            ever = set(current.filter(pl.col("dataset") == dataset).get_column("source").to_list())
            for source in sorted(ever - sent - {COMBINED_SOURCE}, key=lambda s: _SOURCE_ORDER.get(s, len(_SOURCE_ORDER))):
                found.append(_row("missing_source", year, WARNING, dataset=dataset, subject=source))
        rows += found or [_row("uploads_complete", year, OK)]
    return _frame(rows)


def _compared(check: str, year: int, value: float, reference: float, **fields: str) -> dict:
    return _row(check, year, OK if value == reference else WARNING, value=value, reference=reference, **fields)


def youth_checks(announced: pl.DataFrame, t1: pl.DataFrame, years: Iterable[int]) -> pl.DataFrame:
    """The youth figures of the Bureau CII against those of the Plateforme T1, for each year both sent.

    - ``youth_vs_t1``: youth situations announced to the Bureau CII (``value``; the report's
      "215", whose footnote 1 says they are *all* the situations signalled to the T1) against the
      situations the T1 received (``reference``; the report's "727").
    - ``t1_complex``: complex situations announced by T1/SFOP (``value``; the report's "3")
      against the complex situations the T1 received (``reference``; footnote 6).

    Examples
    --------
    >>> import datetime as dt
    >>> announced = pl.DataFrame({"year": [2025], "announced_on": [dt.date(2025, 2, 1)],
    ...     "public": ["youth"], "kind": ["complex"], "announcer": ["T1/SFOP"], "region": ["Sion"]})
    >>> t1 = pl.DataFrame({"year": [2025, 2025], "received_on": [dt.date(2025, 1, 9)] * 2,
    ...     "kind": ["network", "complex"], "region": ["Sion", "Sion"]})
    >>> youth_checks(announced, t1, [2025, 2024]).select("check", "status", "value", "reference").rows()
    [('youth_vs_t1', 'warning', 1.0, 2.0), ('t1_complex', 'ok', 1.0, 1.0)]

    2024 is left out: neither dataset has an upload for it.
    """
    rows = []
    for year in years:
        if not (_has_year(announced, year) and _has_year(t1, year)):
            continue
        youth_announced = situations.situations_announced(announced, year, public=["youth"])
        complex_by_t1 = situations.situations_announced(announced, year, kinds=["complex"], announcers=["T1/SFOP"])
        rows += [
            _compared("youth_vs_t1", year, youth_announced, youth.t1_situations_received(t1, year)),
            _compared("t1_complex", year, complex_by_t1, youth.t1_situations_received(t1, year, kinds=["complex"])),
        ]
    return _frame(rows)


def coaching_checks(cases: pl.DataFrame, services: pl.DataFrame, years: Iterable[int]) -> pl.DataFrame:
    """ORP-CMS coaching cases against the coaching services of the CII complexe, for each year both sent.

    ``coaching_vs_services``: cases of the ``coaching`` uploads of Y that ran during Y (started
    by the end of Y, not closed before it: ``value``) against the ``coaching_orp_cms`` services
    dated in Y in the ``services`` uploads of Y (``reference``). Both count the coachings that
    took place in the year (the report's "49 coachings ORP-CMS ont eu lieu").

    Examples
    --------
    >>> import datetime as dt
    >>> cases = pl.DataFrame({"year": [2025, 2025, 2025],
    ...     "started_on": [dt.date(2024, 6, 1), dt.date(2025, 3, 1), dt.date(2023, 1, 1)],
    ...     "closed_on": [None, dt.date(2025, 9, 1), dt.date(2024, 12, 31)]},
    ...     schema_overrides={"closed_on": pl.Date})
    >>> services = pl.DataFrame({"year": [2025, 2025], "service": ["coaching_orp_cms", "tro"],
    ...     "date": [dt.date(2025, 4, 1), dt.date(2025, 4, 2)], "situation_id": ["s1", "s1"]})
    >>> coaching_checks(cases, services, [2025]).select("status", "value", "reference").rows()
    [('warning', 2.0, 1.0)]

    The third case closed in 2024; two cases ran in 2025, but one coaching service is recorded.
    """
    rows = []
    for year in years:
        if not (_has_year(cases, year) and _has_year(services, year)):
            continue
        of_year = rows_of_year(cases, year)
        running = of_year.filter(
            (pl.col("started_on").dt.year() <= year)
            & (pl.col("closed_on").is_null() | (pl.col("closed_on").dt.year() >= year))
        ).height
        coachings = rows_of_year(services, year, "date").filter(pl.col("service") == "coaching_orp_cms").height
        rows.append(_compared("coaching_vs_services", year, running, coachings))
    return _frame(rows)


def services_checks(services: pl.DataFrame, announced: pl.DataFrame, years: Iterable[int]) -> pl.DataFrame:
    """Services delivered for a situation the ``situations`` dataset does not know.

    ``services_without_situation``: rows of the ``services`` uploads of Y whose ``situation_id``
    is in no current ``situations`` upload, of any year (``value``), out of all rows of those
    uploads (``reference``); ok when there is none. Skipped while no situation was sent at all.

    Examples
    --------
    >>> services = pl.DataFrame({"year": [2025, 2025], "situation_id": ["s1", "s9"]})
    >>> announced = pl.DataFrame({"year": [2024], "situation_id": ["s1"]})
    >>> services_checks(services, announced, [2025]).select("status", "value", "reference").rows()
    [('warning', 1.0, 2.0)]

    ``s1`` was announced in 2024 and served in 2025, as it may; ``s9`` was never announced.
    """
    if announced.is_empty():
        return _frame([])
    known = announced.select("situation_id").unique()
    rows = []
    for year in years:
        if not _has_year(services, year):
            continue
        of_year = rows_of_year(services, year)
        unknown = of_year.join(known, on="situation_id", how="anti").height
        rows.append(_row("services_without_situation", year, OK if unknown == 0 else WARNING,
                         dataset="services", value=unknown, reference=of_year.height))
    return _frame(rows)


def transitions_checks(transitions: pl.DataFrame, years: Iterable[int]) -> pl.DataFrame:
    """Regions that recorded no ORP↔CMS transition in a year the transitions were sent.

    ``transitions_region_missing`` (warning), one row per such region: the network page then
    shows the region as missing, not as zero (the report's note 3: Monthey in 2025);
    ``transitions_regions_complete`` (ok) when every region recorded some.

    Examples
    --------
    >>> import datetime as dt
    >>> from dashboard.datasets import REGIONS
    >>> transitions = pl.DataFrame({"year": [2025] * 4, "date": [dt.date(2025, 3, 1)] * 4,
    ...     "direction": ["orp_to_cms"] * 4, "region": list(REGIONS[:4])})
    >>> transitions_checks(transitions, [2025]).select("check", "status", "subject").rows()
    [('transitions_region_missing', 'warning', 'Monthey')]
    """
    rows = []
    for year in years:
        if not _has_year(transitions, year):
            continue
        missing = network.regions_without_transitions(transitions, year)
        rows += [_row("transitions_region_missing", year, WARNING, dataset="transitions", subject=region)
                 for region in missing] or [_row("transitions_regions_complete", year, OK, dataset="transitions")]
    return _frame(rows)


def published_checks(frames: Mapping[str, pl.DataFrame], published: pl.DataFrame, years: Iterable[int]) -> pl.DataFrame:
    """The summary figures the data compute against those a published report gives.

    For each year with a published figure of :func:`queries.summary.year_in_brief`:

    - ``published_summary``: figures reproduced at the report's precision (``value``) out of
      the figures published (``reference``); ok when all are;
    - ``published_figure`` (warning), one row per figure not reproduced: ``subject`` is
      ``indicator|dimensions``, ``value`` the computed figure (null if the data cannot compute
      it), ``reference`` the published one, in the figure's ``unit``.

    Parameters
    ----------
    frames
        The loaded ``situations``, ``followups``, ``trainings`` and ``budget`` datasets.
    published
        The loaded ``published`` dataset.
    years
        The years to check; a year without any published summary figure is skipped.

    Examples
    --------
    >>> import datetime as dt
    >>> frames = {
    ...     "situations": pl.DataFrame({"year": [2025], "announced_on": [dt.date(2025, 3, 1)],
    ...         "public": ["adult"], "kind": ["complex"], "announcer": ["ORP"], "region": ["Sion"]}),
    ...     "followups": pl.DataFrame(schema={"year": pl.Int64, "person_id": pl.String,
    ...         "institution": pl.String, "region": pl.String, "start_date": pl.Date, "end_date": pl.Date}),
    ...     "trainings": pl.DataFrame(schema={"year": pl.Int64, "date": pl.Date,
    ...         "language_region": pl.String, "kind": pl.String, "participants": pl.Int64}),
    ...     "budget": pl.DataFrame(schema={"upload_year": pl.Int64, "year": pl.Int64,
    ...         "category": pl.String, "amount_chf": pl.Decimal(14, 2)}),
    ... }
    >>> published = pl.DataFrame({"indicator": ["situations_announced", "situations_announced"],
    ...     "year": [2025, 2025], "dimensions": [None, "public=adult"], "value": [1.0, 2.0],
    ...     "note": [None, None], "upload_id": [1, 1], "upload_year": [2025, 2025]},
    ...     schema_overrides={"dimensions": pl.String, "note": pl.String})
    >>> published_checks(frames, published, [2025]).select("check", "status", "subject", "value", "reference").rows()
    [('published_summary', 'warning', None, 1.0, 2.0), ('published_figure', 'warning', 'situations_announced|public=adult', 1.0, 2.0)]
    """
    rows = []
    for year in years:
        given = summary.published_figures(published, year)
        if given.is_empty():
            continue
        compared = summary.with_published(summary.year_in_brief(frames, year, None), published, year)
        compared = compared.filter(pl.col("published").is_not_null())
        if compared.is_empty():
            continue
        reproduced = compared.get_column("matches").fill_null(False)
        rows.append(_compared("published_summary", year, int(reproduced.sum()), compared.height))
        for figure in compared.filter(~reproduced).iter_rows(named=True):
            rows.append(_row("published_figure", year, WARNING, subject=f"{figure['indicator']}|{figure['dimensions']}",
                             unit=figure["unit"], value=figure["value"], reference=figure["published"]))
    return _frame(rows)


_CHECK_ORDER = (
    "uploads_complete", "missing_dataset", "missing_source", "published_summary", "published_figure",
    "youth_vs_t1", "t1_complex", "coaching_vs_services", "services_without_situation",
    "transitions_region_missing", "transitions_regions_complete",
)


def consistency_checks(frames: Mapping[str, pl.DataFrame], uploads: pl.DataFrame) -> pl.DataFrame:
    """Every cross-dataset check, for every reporting year: newest year first, warnings first.

    Parameters
    ----------
    frames
        The loaded datasets by name: ``situations``, ``t1_situations``, ``coaching``,
        ``services``, ``transitions``, ``followups``, ``trainings``, ``budget``, ``published``.
    uploads
        The upload history (``list_uploads``).

    Returns
    -------
    pl.DataFrame
        :data:`CHECKS_SCHEMA`; empty when nothing was uploaded.

    Examples
    --------
    >>> uploads = pl.DataFrame(schema={"dataset": pl.String, "source": pl.String, "year": pl.Int64,
    ...     "status": pl.String})
    >>> consistency_checks({}, uploads).height
    0
    """
    years = reporting_years(uploads)
    if not years:
        return _frame([])
    checks = pl.concat([
        missing_uploads(uploads),
        published_checks(frames, frames["published"], years),
        youth_checks(frames["situations"], frames["t1_situations"], years),
        coaching_checks(frames["coaching"], frames["services"], years),
        services_checks(frames["services"], frames["situations"], years),
        transitions_checks(frames["transitions"], years),
    ])
    order = {check: rank for rank, check in enumerate(_CHECK_ORDER)}
    return checks.sort(
        pl.col("year"),
        pl.col("status") == OK,
        pl.col("check").replace_strict(order, return_dtype=pl.Int64),
        descending=[True, False, False],
        maintain_order=True,
    )
