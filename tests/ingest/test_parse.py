"""dashboard.ingest.parse: Swiss spellings of numbers, amounts, dates and yes/no."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal, assert_series_equal

from dashboard.datasets import DATASETS
from dashboard.i18n import t
from dashboard.ingest.parse import (
    BARE_YEARS,
    EXPECTED_FORMAT,
    PARSERS,
    THOUSANDS_SEPARATORS,
    parse_boolean,
    parse_date,
    parse_decimal,
    parse_integer,
    parse_number,
)

INT64_MAX = 2**63 - 1
EXCEL_EPOCH = dt.date(1899, 12, 30)


def run(parser, values: list[str | None], **kwargs) -> pl.Series:
    """The parser applied to a String column named ``value``."""
    frame = pl.DataFrame({"value": values}, schema={"value": pl.String})
    return frame.select(parser(pl.col("value"), **kwargs)).to_series()


def check(parser, cases: list[tuple[str | None, object]], dtype: pl.DataType, **kwargs) -> None:
    """All cases in one column: the whole result series must equal the expected one."""
    values = [text for text, _ in cases]
    expected = pl.Series("value", [value for _, value in cases], dtype=dtype)
    assert_series_equal(run(parser, values, **kwargs), expected)


# --- parse_integer ---------------------------------------------------------------------------

INTEGERS = [
    # Plain and signed.
    ("6887", 6887),
    ("-12", -12),
    ("+12", 12),
    ("\u221212", -12),
    ("0", 0),
    ("007", 7),
    ("  42\u00a0", 42),
    # Swiss thousands separators, one kind per number, groups of three.
    ("6'887", 6887),
    ("6\u2019887", 6887),
    ("6 887", 6887),
    ("6\u00a0887", 6887),
    ("6\u202f887", 6887),
    ("6\u2009887", 6887),
    ("1'234'567", 1234567),
    ("-1'234'567", -1234567),
    # Zero fractions, as Excel and Parquet write whole numbers.
    ("6887.0", 6887),
    ("6887.00", 6887),
    ("6'887.0", 6887),
    ("6887,0", 6887),
    ("6'887.-", 6887),
    ("9223372036854775807", INT64_MAX),
    # Refused: fractions, misplaced or mixed separators, ambiguous comma, text, overflow.
    ("6887.5", None),
    ("6887.05", None),
    ("6'88'7", None),
    ("68'87", None),
    ("1'234 567", None),
    ("6'887'", None),
    ("'6887", None),
    ("6,887", None),
    ("6.000", None),  # a thousand in a German-locale file
    ("6887.000", None),
    ("6.887", None),
    ("CHF 12", None),
    ("12 %", None),
    ("abc", None),
    ("1e3", None),
    ("- 12", None),
    ("", None),
    ("9223372036854775808", None),
    (None, None),
]


def test_parse_integer():
    check(parse_integer, INTEGERS, pl.Int64)


# --- parse_decimal ---------------------------------------------------------------------------

DECIMALS = [
    # Decimal point, with and without thousands separators.
    ("434'206.70", Decimal("434206.70")),
    ("434206.7", Decimal("434206.70")),
    ("434 206.70", Decimal("434206.70")),
    ("434\u202f206.70", Decimal("434206.70")),
    ("-1'234.50", Decimal("-1234.50")),
    ("0.05", Decimal("0.05")),
    (".5", Decimal("0.50")),
    ("12", Decimal("12.00")),
    # Currencies, before or after, any case; the sign before or after the currency.
    ("Frs. 434'206.70", Decimal("434206.70")),
    ("Fr. 12.50", Decimal("12.50")),
    ("frs 12.50", Decimal("12.50")),
    ("CHF 1'000.00", Decimal("1000.00")),
    ("SFr. 3", Decimal("3.00")),
    ("CHF -5", Decimal("-5.00")),
    ("-CHF 5", Decimal("-5.00")),
    ("12.50 CHF", Decimal("12.50")),
    ("12.50 Fr.", Decimal("12.50")),
    ("Frs.434'206.70", Decimal("434206.70")),
    # Round amounts without centimes.
    ("CHF 1'000.-", Decimal("1000.00")),
    ("CHF 1'000.\u2013", Decimal("1000.00")),
    ("1'000.\u2014", Decimal("1000.00")),
    ("1'000.--", Decimal("1000.00")),
    ("1000,-", Decimal("1000.00")),
    # Decimal comma: 1-2 digits after it, or a number that cannot be a thousands grouping.
    ("434'206,70", Decimal("434206.70")),
    ("12,5", Decimal("12.50")),
    ("0,05", Decimal("0.05")),
    ("1.234,50", Decimal("1234.50")),
    ("Frs. 434'206,70", Decimal("434206.70")),
    # English thousands comma when a decimal point follows.
    ("1,234.50", Decimal("1234.50")),
    ("1,234,567.00", Decimal("1234567.00")),
    # The largest Decimal(18, 2).
    ("9'999'999'999'999'999.99", Decimal("9999999999999999.99")),
    # Refused: too many decimals (never rounded), ambiguous comma, malformed, too large.
    ("12.505", None),
    ("12.500", None),
    ("1.500", None),  # 1500 in a German-locale file
    ("0.001", None),
    ("1,234", None),
    ("12,345", None),
    ("434'206,705", None),
    ("1'000.", None),
    ("12'50", None),
    ("1.2.3", None),
    ("1,234,567", None),
    ("CHF", None),
    ("CHF CHF 5", None),
    ("USD 5", None),
    ("EUR 5", None),
    ("-", None),
    ("1e3", None),
    ("NaN", None),
    ("abc", None),
    ("", None),
    ("10'000'000'000'000'000.00", None),
    (None, None),
]


def test_parse_decimal():
    check(parse_decimal, DECIMALS, pl.Decimal(18, 2))


@pytest.mark.parametrize(
    ("scale", "cases"),
    [
        pytest.param(
            0,
            [("1'000", Decimal(1000)), ("1'000.-", Decimal(1000)), ("12.5", None), ("12.0", None)],
            id="scale-0",
        ),
        pytest.param(
            4,
            [("0.1234", Decimal("0.1234")), ("0,1235", Decimal("0.1235")), ("0.12345", None)],
            id="scale-4",
        ),
    ],
)
def test_parse_decimal_scale(scale, cases):
    check(parse_decimal, cases, pl.Decimal(18, scale), scale=scale)


# --- parse_number ----------------------------------------------------------------------------

NUMBERS = [
    # Everything parse_decimal accepts, any number of decimals.
    ("12.5", 12.5),
    ("434'206.70", 434206.7),
    ("Frs. 434'206.70", 434206.7),
    ("434'206,70", 434206.7),
    ("0.125", 0.125),
    ("0,125", 0.125),
    ("1234,567", 1234.567),
    ("-6'887", -6887.0),
    ("1'000.-", 1000.0),
    # Exponent notation (Parquet floats read as text).
    ("1e+20", 1e20),
    ("1.5E-3", 0.0015),
    ("-2e3", -2000.0),
    # Refused.
    ("1,234", None),
    ("NaN", None),
    ("inf", None),
    ("e3", None),
    ("1e", None),
    ("12 %", None),
    ("abc", None),
    ("", None),
    (None, None),
]


def test_parse_number():
    check(parse_number, NUMBERS, pl.Float64)


# --- parse_date ------------------------------------------------------------------------------

DATES = [
    # Day first: the Swiss way.
    ("31.12.2025", dt.date(2025, 12, 31)),
    ("1.2.2025", dt.date(2025, 2, 1)),
    ("01.02.2025", dt.date(2025, 2, 1)),
    ("31/12/2025", dt.date(2025, 12, 31)),
    ("31-12-2025", dt.date(2025, 12, 31)),
    ("29.02.2024", dt.date(2024, 2, 29)),
    ("29.02.2000", dt.date(2000, 2, 29)),
    (" 31.12.2025 ", dt.date(2025, 12, 31)),
    # ISO, and a time of day that is dropped (Excel date cells, exports).
    ("2025-12-31", dt.date(2025, 12, 31)),
    ("2025-2-1", dt.date(2025, 2, 1)),
    ("2025-12-31 00:00:00", dt.date(2025, 12, 31)),
    ("2025-12-31T00:00:00", dt.date(2025, 12, 31)),
    ("2025-12-31 13:45:10", dt.date(2025, 12, 31)),
    ("2025-12-31T08:30:00.000500", dt.date(2025, 12, 31)),
    ("2025-12-31T08:30:00Z", dt.date(2025, 12, 31)),
    ("2025-12-31T08:30:00+01:00", dt.date(2025, 12, 31)),
    ("31.12.2025 00:00", dt.date(2025, 12, 31)),
    # Excel serial day numbers, integral.
    ("45657", dt.date(2024, 12, 31)),
    ("46022", dt.date(2025, 12, 31)),
    ("46022.0", dt.date(2025, 12, 31)),
    ("1", dt.date(1899, 12, 31)),
    ("2958465", dt.date(9999, 12, 31)),
    ("1899", dt.date(1905, 3, 13)),
    ("2101", dt.date(1905, 10, 1)),
    # Refused: impossible dates.
    ("31.02.2025", None),
    ("29.02.2025", None),
    ("29.02.1900", None),
    ("31.04.2025", None),
    ("0.1.2025", None),
    ("1.13.2025", None),
    ("2025-02-30", None),
    ("2025-00-10", None),
    ("12/31/2025", None),  # month first: an impossible day-first date
    # Refused: ambiguous or malformed.
    ("31.12.25", None),
    ("31.12.0025", None),
    ("2025/12/31", None),
    ("2025.12.31", None),
    ("31.12/2025", None),
    ("31.12.2025 25:00", None),
    ("31.12.2025x", None),
    ("2025-12-31 extra", None),
    ("31 décembre 2025", None),
    # Refused serials: fractions, out of range, bare years.
    ("45657.5", None),
    ("0", None),
    ("2958466", None),
    ("-5", None),
    ("2025", None),
    ("1900", None),
    ("2100", None),
    ("", None),
    (None, None),
]


def test_parse_date():
    check(parse_date, DATES, pl.Date)


# --- parse_boolean ---------------------------------------------------------------------------

BOOLEANS = [
    # French, German, English, any case, surrounding spaces.
    ("oui", True),
    ("Oui", True),
    ("OUI ", True),
    ("non", False),
    ("NON", False),
    ("ja", True),
    ("Nein", False),
    ("yes", True),
    ("No", False),
    ("vrai", True),
    ("Faux", False),
    ("wahr", True),
    ("falsch", False),
    ("true", True),
    ("FALSE", False),
    ("o", True),
    ("n", False),
    ("j", True),
    ("y", True),
    # Digits and ticks.
    ("1", True),
    ("0", False),
    ("1.0", True),
    ("0.0", False),
    ("x", True),
    ("X", True),
    ("\u2713", True),
    ("", False),
    # Accents are ignored.
    ("öui", True),
    ("NÓN", False),
    # Refused.
    ("peut-être", None),
    ("2", None),
    ("oui non", None),
    ("ok", None),
    (None, None),
]


def test_parse_boolean():
    check(parse_boolean, BOOLEANS, pl.Boolean)


# --- the contract with validation ------------------------------------------------------------


def test_parsers_keep_the_column_name():
    frame = pl.DataFrame({"montant": ["1"], "date": ["45657"], "oui": ["x"]})

    result = frame.select(
        parse_decimal(pl.col("montant")), parse_date(pl.col("date")), parse_boolean(pl.col("oui"))
    )

    assert result.columns == ["montant", "date", "oui"]


def test_parsers_work_lazily_and_in_with_columns():
    frame = pl.DataFrame({"d": ["31.12.2025", "x"], "n": ["6'887", "y"]})

    result = frame.lazy().with_columns(parse_date(pl.col("d")), parse_integer(pl.col("n"))).collect()

    expected = pl.DataFrame({"d": [dt.date(2025, 12, 31), None], "n": [6887, None]})
    assert_frame_equal(result, expected)


def test_every_typed_column_kind_has_a_parser_and_an_expected_format():
    kinds = {column.kind for dataset in DATASETS.values() for column in dataset.columns}

    typed = kinds - {"text", "pseudonym", "choice"}

    assert typed <= set(PARSERS) == set(EXPECTED_FORMAT)
    assert t(EXPECTED_FORMAT["date"], "fr") == "une date JJ.MM.AAAA ou AAAA-MM-JJ"
    assert t(EXPECTED_FORMAT["date"], "de") == "ein Datum TT.MM.JJJJ oder JJJJ-MM-TT"
    for key in EXPECTED_FORMAT.values():
        assert t(key, "fr") != t(key, "de")


# --- properties ------------------------------------------------------------------------------

separators = st.sampled_from(("", *THOUSANDS_SEPARATORS))


def swiss(number: int, separator: str) -> str:
    """``-1234567`` → ``-1'234'567`` with the given separator (none for "")."""
    return f"{number:,}".replace(",", separator)


@given(st.lists(st.tuples(st.integers(-INT64_MAX, INT64_MAX), separators), min_size=1, max_size=30))
def test_any_integer_with_any_swiss_separator_parses_back(numbers):
    result = run(parse_integer, [swiss(n, sep) for n, sep in numbers])

    assert result.to_list() == [n for n, _ in numbers]


LARGEST_AMOUNT = Decimal("9999999999999999.99")  # Decimal(18, 2)
amounts = st.decimals(min_value=-LARGEST_AMOUNT, max_value=LARGEST_AMOUNT, places=2)


@given(st.lists(amounts, min_size=1, max_size=30))
def test_any_amount_in_francs_parses_back_exactly(values):
    texts = [f"Frs. {value:,.2f}".replace(",", "'") for value in values]

    result = run(parse_decimal, texts)

    assert result.to_list() == values


@given(st.lists(st.tuples(amounts, st.integers(1, 9)), min_size=1, max_size=30))
def test_amounts_are_never_rounded(values):
    # One more significant decimal than the scale allows: refused, not rounded.
    texts = [f"{value:.2f}{digit}" for value, digit in values]

    assert run(parse_decimal, texts).to_list() == [None] * len(values)


DATE_FORMATS = {
    "dd.mm.yyyy": lambda d: d.strftime("%d.%m.%Y"),
    "d.m.yyyy": lambda d: f"{d.day}.{d.month}.{d.year}",
    "dd/mm/yyyy": lambda d: d.strftime("%d/%m/%Y"),
    "iso": lambda d: d.isoformat(),
    "excel cell": lambda d: f"{d.isoformat()} 00:00:00",
    "serial": lambda d: str((d - EXCEL_EPOCH).days),
    "serial.0": lambda d: f"{(d - EXCEL_EPOCH).days}.0",
}


dates_1900_2100 = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))


def is_bare_year_serial(day: dt.date, fmt: str) -> bool:
    """Serials 1900..2100 (March to September 1905) are refused as bare years."""
    return fmt.startswith("serial") and BARE_YEARS[0] <= (day - EXCEL_EPOCH).days <= BARE_YEARS[1]


@given(st.lists(st.tuples(dates_1900_2100, st.sampled_from(sorted(DATE_FORMATS))), min_size=1, max_size=30))
def test_any_date_in_any_accepted_format_parses_back(dates):
    assume(not any(is_bare_year_serial(d, fmt) for d, fmt in dates))

    result = run(parse_date, [DATE_FORMATS[fmt](d) for d, fmt in dates])

    assert result.to_list() == [d for d, _ in dates]


number_like = st.from_regex(r"[0-9 '.,/:T+-]{0,14}", fullmatch=True)


@given(st.lists(st.one_of(st.none(), st.text(), number_like), min_size=1, max_size=30))
def test_garbage_never_raises(values):
    frame = pl.DataFrame({"value": values}, schema={"value": pl.String})

    result = frame.select(
        parse_integer(pl.col("value")).alias("integer"),
        parse_decimal(pl.col("value")).alias("decimal"),
        parse_number(pl.col("value")).alias("number"),
        parse_date(pl.col("value")).alias("date"),
        parse_boolean(pl.col("value")).alias("boolean"),
    )

    assert result.schema == pl.Schema(
        {
            "integer": pl.Int64,
            "decimal": pl.Decimal(18, 2),
            "number": pl.Float64,
            "date": pl.Date,
            "boolean": pl.Boolean,
        }
    )
    assert result.height == len(values)


no_digits = st.text(alphabet=st.characters(blacklist_categories=("Nd", "Cs")))  # Cs: surrogates


@given(st.lists(no_digits, min_size=1, max_size=30))
def test_text_without_digits_is_never_a_number_or_a_date(values):
    frame = pl.DataFrame({"value": values}, schema={"value": pl.String})

    result = frame.select(
        parse_integer(pl.col("value")).is_null().all(),
        parse_decimal(pl.col("value")).is_null().all().alias("decimal"),
        parse_number(pl.col("value")).is_null().all().alias("number"),
        parse_date(pl.col("value")).is_null().all().alias("date"),
    )

    assert result.row(0) == (True, True, True, True)
