"""Validation per dataset: a raw table becomes the canonical typed frame, or a list of problems.

The raw frame is the file as read (:func:`dashboard.ingest.read.read_table`): every column a
string, headers as written. :func:`validate` checks it against the dataset contract of
:mod:`dashboard.datasets` and returns either the canonical frame (columns and dtypes fixed by the
contract, choices as canonical codes) or the problems that refuse it, each naming the row as the
user sees it in Excel, the column as written in the file, the value and what was expected.

Everything is vectorised: each check is a boolean polars expression over the whole file; only
the counts and the first rows of each check come back to Python, so a file with a million bad
rows costs a million booleans, not a million :class:`Problem` objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl

from dashboard.datasets import (
    DATASETS,
    INSTITUTIONS,
    Column,
    ColumnKind,
    Dataset,
    normalize_label,
)
from dashboard.ingest.parse import (
    EXPECTED_FORMAT,
    parse_boolean,
    parse_date,
    parse_decimal,
    parse_integer,
    parse_number,
)
from dashboard.ingest.privacy import privacy_problems
from dashboard.ingest.report import (
    MAX_LISTED_PROBLEMS,
    Localized,
    Problem,
    ValidationReport,
    problem,
)

FIRST_YEAR = 2000
LAST_YEAR = 2100
"""Reporting years accepted for an upload."""

MONEY_DTYPE = pl.Decimal(14, 2)

CANONICAL_DTYPES: dict[ColumnKind, pl.DataType] = {
    "text": pl.String(),
    "pseudonym": pl.String(),
    "choice": pl.String(),
    "date": pl.Date(),
    "integer": pl.Int64(),
    "year": pl.Int64(),
    "number": pl.Float64(),
    "money": MONEY_DTYPE,
    "boolean": pl.Boolean(),
}
"""The dtype of each column kind in the canonical frame."""

PSEUDONYM_PATTERN = r"^[0-9a-fA-F]{64}$"
"""A person_id as written by ``cii pseudonymize``: HMAC-SHA256 in hex (upper case accepted)."""

INSTITUTION_COLUMN = "institution"
"""The followups column that an institution's own file may leave out (it is then the sender)."""

_ROW = "__row__"  # the row as in Excel; canonical names are identifiers and never start with "__"
_SHOWN_ROWS = 10  # row numbers named in the outside-the-year warning
_MAX_VALUE_CHARS = 100  # a 64-hex pseudonym, and a key holding one, still show whole


@dataclass(frozen=True)
class ValidationResult:
    """What validation found, and the canonical frame when nothing refuses the file."""

    report: ValidationReport
    frame: pl.DataFrame | None  # canonical frame when report.ok, else None


@dataclass(frozen=True)
class _Check:
    """One per-row check: a boolean expression that is True on the rows with the problem."""

    code: str
    mask: pl.Expr
    column: str | None  # header as written in the file, or a label for several columns
    position: int  # of the column in the file: orders the problems of one row
    value: pl.Expr | None = None  # the value shown, as written in the file
    params: dict[str, object] = field(default_factory=dict)
    row_params: dict[str, pl.Expr] = field(default_factory=dict)  # per-row message parameters


def validate(
    raw: pl.DataFrame, dataset: str, *, source: str, year: int, header_row: int = 1
) -> ValidationResult:
    """Check a raw table against a dataset's contract and build its canonical frame.

    Parameters
    ----------
    raw
        The file as read: every column a string, headers exactly as in the file, empty cells
        null (``RawTable.frame``).
    dataset
        A key of :data:`dashboard.datasets.DATASETS`.
    source
        Who sends the file: an institution (``ORP``...), ``T1`` or ``CII``.
    year
        The reporting year the file is sent for.
    header_row
        The file row holding the headers (``RawTable.header_row``): rows are numbered from it.

    Returns
    -------
    ValidationResult
        ``frame`` has exactly the dataset's columns, in order, with the dtypes of
        :data:`CANONICAL_DTYPES` (choices as canonical codes, pseudonyms in lower case, absent
        optional columns null); it is None when the report has errors. Completely empty rows
        are dropped; row numbers in problems stay those of the file (header = row 1).

    Examples
    --------
    >>> raw = pl.DataFrame({"Jahr": ["2025"], "Kategorie": ["Loyer"], "Betrag": ["CHF 1'000.-"]})
    >>> result = validate(raw, "budget", source="CII", year=2025)
    >>> result.report.ok, result.frame.row(0)
    (True, (2025, 'Loyer', Decimal('1000.00')))
    >>> bad = raw.with_columns(Jahr=pl.lit("20x5"))
    >>> print(validate(bad, "budget", source="CII", year=2025).report.lines()[0][:46])
    Ligne 2, colonne « Jahr » : « 20x5 » n'est pas
    """
    report = ValidationReport()
    spec = DATASETS.get(dataset)
    if spec is None:
        report.errors.append(
            problem("validation.unknown_dataset", value=dataset, allowed=", ".join(DATASETS))
        )
        return ValidationResult(report, None)
    source_ok = source in spec.sources
    if not source_ok:
        allowed = ", ".join(spec.sources)
        report.errors.append(
            problem("validation.wrong_source", value=source, dataset=dataset, allowed=allowed)
        )
    year_ok = FIRST_YEAR <= year <= LAST_YEAR
    if not year_ok:
        report.errors.append(
            problem("validation.bad_year", value=year, minimum=FIRST_YEAR, maximum=LAST_YEAR)
        )

    # Nothing identifying may go further, not even into a message of a later check.
    privacy = privacy_problems(raw, header_row=header_row)
    if privacy:
        report.errors.extend(privacy)
        return ValidationResult(report, None)

    not_text = [c for c, dtype in raw.schema.items() if dtype != pl.String]
    raw = raw.with_columns(pl.col(not_text).cast(pl.String))
    # A NUL character is no text a partner means to send, and PostgreSQL cannot store it.
    with_nul = raw.select(pl.col(raw.columns).str.contains("\x00", literal=True).any()).row(0) if raw.width else ()
    for column, found in zip(raw.columns, with_nul, strict=True):
        if found:
            report.errors.append(problem("validation.null_character", column=column))
    sender = source if source_ok else None
    headers = _match_headers(raw, spec, report)
    filled = _filled_from_source(spec, headers, sender, report)

    frame = _parse(raw, spec, headers, filled, header_row).collect()
    checks = _cell_checks(spec, raw.columns, headers, filled, sender)
    if spec.key and all(name in headers or name in filled for name in spec.key):
        checks.append(_duplicate_key_check(frame, spec, headers, raw.columns))
    frame = frame.with_columns(
        check.mask.fill_null(False).alias(_flag(i)) for i, check in enumerate(checks)
    )
    if frame.height == 0:
        report.errors.append(problem("validation.no_rows"))
    _collect_problems(frame, checks, report)
    if year_ok:
        _warn_outside_year(frame, spec, headers, year, report)

    if not report.ok:
        return ValidationResult(report, None)
    canonical = frame.select(
        pl.col(c.name).cast(CANONICAL_DTYPES[c.kind]) if c.name in headers or c.name in filled
        else pl.lit(None, CANONICAL_DTYPES[c.kind]).alias(c.name)
        for c in spec.columns
    )
    return ValidationResult(report, canonical)


def _match_headers(raw: pl.DataFrame, spec: Dataset, report: ValidationReport) -> dict[str, str]:
    """Canonical column name -> header in the file; reports missing, doubled and unknown columns."""
    by_spelling = {s: column.name for column in spec.columns for s in column.header_spellings()}
    found: dict[str, list[str]] = {}
    unknown: list[str] = []
    for header in raw.columns:
        name = by_spelling.get(normalize_label(header))
        if name is not None:
            found.setdefault(name, []).append(header)
        # An untitled, empty column is an artefact of the spreadsheet, not data: no warning.
        elif normalize_label(header) or raw.get_column(header).null_count() < raw.height:
            unknown.append(header)

    for column in spec.columns:
        if column.required and column.name not in found:
            report.errors.append(
                problem(
                    "validation.missing_column",
                    column=column.name,
                    spellings=", ".join((column.name, *column.aliases)),
                )
            )
    for name, matched in found.items():
        if len(matched) > 1:
            spelled = ", ".join(matched)
            report.errors.append(
                problem("validation.duplicate_column", column=name, headers=spelled)
            )
    if unknown:
        report.warnings.append(problem("validation.unknown_columns", columns=", ".join(unknown)))
    # With a doubled column the file is refused anyway; checking the first one still helps.
    return {name: matched[0] for name, matched in found.items()}


def _filled_from_source(
    spec: Dataset, headers: dict[str, str], source: str | None, report: ValidationReport
) -> dict[str, str]:
    """Columns absent from the file whose value is the sender: canonical name -> value."""
    if spec.name != "followups" or INSTITUTION_COLUMN in headers:
        return {}
    if source in INSTITUTIONS:
        return {INSTITUTION_COLUMN: source}
    if source == "CII":
        # A combined extract mixes institutions: the column cannot be guessed.
        report.errors.append(problem("validation.institution_required", column=INSTITUTION_COLUMN))
    return {}


def _parse(
    raw: pl.DataFrame, spec: Dataset, headers: dict[str, str], filled: dict[str, str], header_row: int
) -> pl.LazyFrame:
    """The non-empty rows with their file row number and, per column, its text and its value."""
    # An empty string is an empty cell, whatever the reader did with it.
    filled_in = [pl.col(h).str.len_bytes() > 0 for h in raw.columns]
    keep = pl.any_horizontal(filled_in).fill_null(False) if filled_in else pl.lit(False)
    parsed = [
        _parse_column(spec.column(name), pl.col(_raw(name)), raw.get_column(header))
        for name, header in headers.items()
    ]
    parsed += [pl.lit(value, pl.String).alias(name) for name, value in filled.items()]
    return (
        raw.lazy()
        # Only our own names from here on: a file header can be anything, "__row__" included.
        .select(
            keep.alias("__keep__"),
            *(
                pl.when(pl.col(header).str.len_bytes() > 0).then(pl.col(header)).alias(_raw(name))
                for name, header in headers.items()
            ),
        )
        .with_row_index(_ROW, offset=header_row + 1)
        .filter("__keep__")
        .drop("__keep__")
        .with_columns(parsed)
    )


def _raw(name: str) -> str:
    return f"__raw_{name}__"


def _parse_column(column: Column, text: pl.Expr, values: pl.Series) -> pl.Expr:
    """The parsed value of one column: null where the text is empty or cannot be read."""
    match column.kind:
        case "text":
            return text.alias(column.name)
        case "pseudonym":
            # Nearly every value is distinct: parse in place.
            valid = text.str.contains(PSEUDONYM_PATTERN)
            return pl.when(valid).then(text.str.to_lowercase()).alias(column.name)
        case "choice":
            # Spellings are folded in Python, once per distinct value: a choice column has few.
            lookup = column.choice_lookup()
            distinct = values.unique().drop_nulls()
            codes = [lookup.get(normalize_label(v)) for v in distinct]
            canonical = pl.Series(codes, dtype=pl.String)
        case _:
            # The parsers are regex-heavy (a second per million dates) but a column of a
            # million dates holds a few thousand distinct ones: parse those, then look up.
            distinct = values.unique().drop_nulls()
            canonical = distinct.to_frame("text").select(_PARSERS[column.kind](pl.col("text")))
            canonical = canonical.to_series()
    dtype = CANONICAL_DTYPES[column.kind]
    return text.replace_strict(
        distinct, canonical.cast(dtype), default=None, return_dtype=dtype
    ).alias(column.name)


def _parse_money(text: pl.Expr) -> pl.Expr:
    # Beyond 12 integer digits the cast gives null: reported as unreadable, never truncated.
    return parse_decimal(text, scale=MONEY_DTYPE.scale).cast(MONEY_DTYPE, strict=False)


_PARSERS: dict[ColumnKind, Callable[[pl.Expr], pl.Expr]] = {
    "date": parse_date,
    "integer": parse_integer,
    "year": parse_integer,
    "number": parse_number,
    "money": _parse_money,
    "boolean": parse_boolean,
}


def _cell_checks(
    spec: Dataset,
    file_columns: Sequence[str],
    headers: dict[str, str],
    filled: dict[str, str],
    source: str | None,
) -> list[_Check]:
    """Every per-row check that applies to the columns present in the file."""
    position = {header: i for i, header in enumerate(file_columns)}
    checks: list[_Check] = []
    for name, header in headers.items():
        column = spec.column(name)
        text, parsed, at = pl.col(_raw(name)), pl.col(name), position[header]
        if not column.nullable:
            checks.append(_Check("validation.empty_cell", text.is_null(), header, at))
        unreadable = text.is_not_null() & parsed.is_null()
        match column.kind:
            case "text":
                pass
            case "pseudonym":
                length = {"length": text.str.len_chars()}
                checks.append(
                    _Check(
                        "validation.bad_pseudonym", unreadable, header, at, text, row_params=length
                    )
                )
            case "choice":
                allowed = {"allowed": _allowed(column)}
                checks.append(
                    _Check("validation.bad_choice", unreadable, header, at, text, allowed)
                )
            case _:
                expected = {"expected": Localized(EXPECTED_FORMAT[column.kind])}
                checks.append(
                    _Check("validation.bad_value", unreadable, header, at, text, expected)
                )
        if column.minimum is not None:
            below = parsed < column.minimum
            bound = {"minimum": column.minimum}
            checks.append(_Check("validation.too_small", below, header, at, text, bound))
        if column.maximum is not None:
            above = parsed > column.maximum
            bound = {"maximum": column.maximum}
            checks.append(_Check("validation.too_large", above, header, at, text, bound))

    for earlier, later in spec.date_order:
        if earlier in headers and later in headers:
            checks.append(
                _Check(
                    "validation.date_order",
                    pl.col(later) < pl.col(earlier),
                    headers[later],
                    position[headers[later]],
                    pl.col(_raw(later)),
                    {"earlier_column": headers[earlier]},
                    {"earlier_value": pl.col(_raw(earlier))},
                )
            )

    if source in INSTITUTIONS and spec.name == "followups" and INSTITUTION_COLUMN in headers:
        header = headers[INSTITUTION_COLUMN]
        checks.append(
            _Check(
                "validation.foreign_institution",
                pl.col(INSTITUTION_COLUMN) != source,
                header,
                position[header],
                pl.col(_raw(INSTITUTION_COLUMN)),
                {"source": source},
            )
        )
    return checks


def _duplicate_key_check(
    frame: pl.DataFrame, spec: Dataset, headers: dict[str, str], file_columns: Sequence[str]
) -> _Check:
    """Rows repeating the key of an earlier row, each naming that first row."""
    in_file = [name for name in spec.key if name in headers]
    # Rows with an unreadable or missing key cell are reported as such, not as duplicates.
    readable = [
        pl.col(name).is_not_null() | pl.col(_raw(name)).is_null()
        if spec.column(name).nullable
        else pl.col(name).is_not_null()
        for name in in_file
    ]
    key_ok = pl.all_horizontal(readable) if readable else pl.lit(True)
    # A window over the whole key (64-character pseudonyms...) costs more than the rest of the
    # validation: find the rows whose key hash repeats (cheap, one 64-bit value per row), then
    # compare the real keys of those few candidates only. Equal keys have equal hashes, so no
    # duplicate is missed, and a hash collision is weeded out by the exact comparison.
    candidate = key_ok & pl.struct(spec.key).hash().is_duplicated()
    repeats = (
        frame.lazy()
        .filter(candidate)
        .select(_ROW, pl.col(_ROW).min().over(spec.key).alias("first_row"))
        .filter(pl.col(_ROW) != pl.col("first_row"))
        .collect()
    )
    first_row = pl.col(_ROW).replace_strict(
        repeats.get_column(_ROW), repeats.get_column("first_row"), default=None
    )
    position = {header: i for i, header in enumerate(file_columns)}
    label = ", ".join(headers.get(name, name) for name in spec.key)
    shown = pl.concat_str(
        [pl.col(_raw(n)).fill_null("") if n in headers else pl.col(n) for n in spec.key],
        separator=" | ",
    )
    return _Check(
        "validation.duplicate_key",
        pl.col(_ROW).is_in(repeats.get_column(_ROW).implode()),
        label,
        min((position[headers[name]] for name in in_file), default=0),
        shown,
        row_params={"first_row": first_row},
    )


def _allowed(column: Column) -> str:
    """The allowed values of a choice: canonical codes, with the main French spelling of codes."""
    labels = []
    for code, spellings in column.choices.items():
        # Acronyms and place names (ORP, Haut-Valais) are their own French spelling; the first
        # spelling of a lower-case code (adult -> adulte) is its French one by convention.
        if code != code.lower() or not spellings:
            labels.append(code)
        else:
            labels.append(f"{code} ({spellings[0]})")
    return ", ".join(labels)


def _flag(i: int) -> str:
    return f"__check_{i}__"


def _collect_problems(frame: pl.DataFrame, checks: list[_Check], report: ValidationReport) -> None:
    """Count every check's rows; keep as Problems only the first rows, ordered as in the file."""
    if not checks:
        return
    counts = frame.select(pl.col(_flag(i)).sum() for i in range(len(checks))).row(0)
    found: list[tuple[int, int, Problem]] = []
    for i, (check, count) in enumerate(zip(checks, counts, strict=True)):
        if not count:
            continue
        # Values and parameters are row-wise (windows are set-up columns): read them on the
        # first flagged rows only.
        shown = frame.filter(pl.col(_flag(i))).head(MAX_LISTED_PROBLEMS).select(
            pl.col(_ROW).alias("row"),
            (check.value if check.value is not None else pl.lit(None, pl.String)).alias("value"),
            *(expr.alias(name) for name, expr in check.row_params.items()),
        )
        for row in shown.iter_rows(named=True):
            params = {name: _shown(row[name]) for name in check.row_params}
            found.append(
                (
                    row["row"],
                    check.position,
                    problem(
                        check.code,
                        row=row["row"],
                        column=check.column,
                        value=_shown(row["value"]),
                        **check.params,
                        **params,
                    ),
                )
            )
        report.unlisted_errors += count - len(shown)
    # The first rows of the file first, whatever the check: the user fixes the file top down.
    found.sort(key=lambda item: (item[0], item[1]))
    report.errors.extend(p for _, _, p in found[:MAX_LISTED_PROBLEMS])
    report.unlisted_errors += max(0, len(found) - MAX_LISTED_PROBLEMS)


def _shown(value: object) -> object:
    """A cell value as it may appear in a message: long texts are cut."""
    if isinstance(value, str) and len(value) > _MAX_VALUE_CHARS:
        return value[: _MAX_VALUE_CHARS - 1] + "…"
    return value


def _warn_outside_year(
    frame: pl.DataFrame,
    spec: Dataset,
    headers: dict[str, str],
    year: int,
    report: ValidationReport,
) -> None:
    """One warning for the rows that do not touch the reporting year (they are still stored)."""
    if not spec.period or not all(name in headers for name in spec.period[:1]):
        return
    first = spec.column(spec.period[0])
    if len(spec.period) == 2:
        # [start, end] must intersect the year; an empty end is an episode still open.
        start, end = pl.col(spec.period[0]), pl.col(spec.period[1])
        outside = start > dt.date(year, 12, 31)
        if spec.period[1] in headers:
            outside = outside | (end < dt.date(year, 1, 1)).fill_null(False)
    elif first.kind == "date":
        outside = pl.col(first.name).dt.year() != year
    else:
        outside = pl.col(first.name) != year
    rows = frame.lazy().filter(outside.fill_null(False)).select(_ROW).collect().get_column(_ROW)
    if rows.len() == 0:
        return
    shown = ", ".join(str(r) for r in rows.head(_SHOWN_ROWS).to_list())
    if rows.len() > _SHOWN_ROWS:
        shown += ", …"
    report.warnings.append(
        problem(
            "validation.outside_year",
            column=", ".join(headers[name] for name in spec.period if name in headers),
            count=rows.len(),
            year=year,
            rows=shown,
        )
    )
