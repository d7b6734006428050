"""The Swiss number and date formatter in the report's style, French and German
(dashboard/formatting.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from babel import dates as babel_dates
from babel.numbers import format_currency, format_decimal
from babel.numbers import format_percent as babel_percent

from dashboard.formatting import (
    datetime_column,
    format_change,
    format_chf,
    format_count,
    format_date,
    format_datetime,
    format_number,
    format_percent,
)


@pytest.mark.parametrize("lang", ["fr", "de"])
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # the report's figures
        (6418, "6'418"),
        (302, "302"),
        (0, "0"),
        # every group gets its apostrophe
        (1234567, "1'234'567"),
        (1000000000, "1'000'000'000"),
        # typographic minus; missing value
        (-6887, "−6'887"),
        (None, "…"),
    ],
)
def test_format_count(value, lang, expected):
    assert format_count(value, lang=lang) == expected


@pytest.mark.parametrize("lang", ["fr", "de"])
@pytest.mark.parametrize(
    ("share", "decimals", "expected"),
    [
        # whole percent by default, as in the report's summary
        (0.2437, 0, "24 %"),
        (0.15, 0, "15 %"),
        (1.0, 0, "100 %"),
        (0.0, 0, "0 %"),
        # report rounding: halves go up (Python's round() would give 24 and 0.2)
        (0.245, 0, "25 %"),
        (0.00275, 1, "0.3 %"),
        # one decimal, as in the T1 tables
        (0.834, 1, "83.4 %"),
        (606 / 727, 1, "83.4 %"),
        (80 / 727, 1, "11.0 %"),
        # not available
        (None, 0, "…"),
        (float("nan"), 0, "…"),
    ],
)
def test_format_percent(share, decimals, lang, expected):
    assert format_percent(share, decimals=decimals, lang=lang) == expected


@pytest.mark.parametrize(
    ("amount", "decimals", "lang", "expected"),
    [
        # the report's figures, and their German form
        (Decimal("416406.90"), 2, "fr", "Frs. 416'406.90"),
        (Decimal("434206.70"), 2, "fr", "Frs. 434'206.70"),
        (Decimal("416406.90"), 2, "de", "CHF 416'406.90"),
        # whole francs, halves up; large and negative amounts
        (Decimal("416406.50"), 0, "fr", "Frs. 416'407"),
        (Decimal("1234567.05"), 2, "fr", "Frs. 1'234'567.05"),
        (Decimal("-17799.80"), 2, "de", "CHF −17'799.80"),
        (12, 2, "fr", "Frs. 12.00"),
        (None, 2, "fr", "…"),
    ],
)
def test_format_chf(amount, decimals, lang, expected):
    assert format_chf(amount, decimals=decimals, lang=lang) == expected


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "lang", "expected"),
    [
        # counts: always signed, zero unsigned
        (12, "count", None, "fr", "+12"),
        (-469, "count", None, "fr", "−469"),
        (1234, "count", None, "de", "+1'234"),
        (0, "count", None, "fr", "0"),
        # relative changes, in percent
        (-0.03, "percent", None, "fr", "−3 %"),
        (-469 / 6887, "percent", None, "fr", "−7 %"),
        (0.1245, "percent", 1, "de", "+12.5 %"),
        (0.004, "percent", None, "fr", "0 %"),  # rounds to 0: no sign
        (-0.004, "percent", None, "fr", "0 %"),
        # changes of a share, in percentage points (the report's "diminué de 19%" from 52 % to 33 %)
        (0.33 - 0.52, "points", None, "fr", "−19 pp"),
        (0.33 - 0.52, "points", None, "de", "−19 Pp."),
        (0.015, "points", 1, "fr", "+1.5 pp"),
        # amounts: centimes unless told otherwise
        (Decimal("-17799.80"), "chf", None, "fr", "Frs. −17'799.80"),
        (Decimal("17799.80"), "chf", 0, "de", "CHF +17'800"),
        # not available
        (None, "percent", None, "fr", "…"),
    ],
)
def test_format_change(value, unit, decimals, lang, expected):
    assert format_change(value, unit, decimals=decimals, lang=lang) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (212.5, 0, "213"),
        (212.25, 1, "212.3"),
        (Decimal("1234.5"), 2, "1'234.50"),
        (-0.4, 0, "0"),  # rounds to zero: no minus sign
        (float("inf"), 0, "…"),
    ],
)
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize(
    "call",
    [
        lambda: format_count(1, lang="en"),  # type: ignore[arg-type]
        lambda: format_change(1, "days"),  # type: ignore[arg-type]
    ],
)
def test_unknown_language_or_unit_is_refused(call):
    with pytest.raises(ValueError):
        call()


# --- babel (CLDR) cross-check -------------------------------------------------------------
# The formatter does not call babel (see the module docstring); these tests record where the
# two agree and where they differ, so that a babel or CLDR upgrade that changes either is seen.


@pytest.mark.parametrize(("lang", "locale"), [("fr", "fr_CH"), ("de", "de_CH")])
@pytest.mark.parametrize("value", [0, 7, 302, 6418, 999999])
def test_counts_agree_with_babel_below_a_million(value, lang, locale):
    assert format_count(value, lang=lang) == format_decimal(value, locale=locale)


def test_decimals_agree_with_babel_de_ch():
    assert format_number(Decimal("416406.90"), 2, "de") == format_decimal(Decimal("416406.90"), format="#,##0.00", locale="de_CH")


@pytest.mark.xfail(strict=True, reason="babel strips the text between two apostrophes of a de_CH/fr_CH number")
@pytest.mark.parametrize("locale", ["fr_CH", "de_CH"])
def test_babel_groups_millions(locale):
    # When this passes, babel can format Swiss numbers of any size.
    assert format_decimal(1234567, locale=locale) == "1'234'567"


@pytest.mark.parametrize(
    ("babel_result", "ours"),
    [
        # fr_CH: decimal comma, percent without space, CHF after the amount
        (babel_percent(Decimal("0.834"), format="#,##0.0%", locale="fr_CH"), format_percent(0.834, 1, "fr")),
        (format_currency(Decimal("416406.90"), "CHF", locale="fr_CH"), format_chf(Decimal("416406.90"), lang="fr")),
        # de_CH: percent without space, no-break space after CHF
        (babel_percent(0.2437, locale="de_CH"), format_percent(0.2437, lang="de")),
        (format_currency(Decimal("416406.90"), "CHF", locale="de_CH"), format_chf(Decimal("416406.90"), lang="de")),
    ],
)
def test_documented_deviations_from_babel(babel_result, ours):
    expected = {
        "83,4%": "83.4 %",
        "416'406,90\xa0CHF": "Frs. 416'406.90",
        "24%": "24 %",
        "CHF\xa0416'406.90": "CHF 416'406.90",
    }
    assert expected[babel_result] == ours


# --- dates and times ----------------------------------------------------------------------------

UTC = dt.timezone.utc


@pytest.mark.parametrize(
    ("value", "lang", "style", "expected"),
    [
        # short: the same digits in both languages, four-digit year
        (dt.date(2026, 12, 2), "fr", "short", "02.12.2026"),
        (dt.date(2026, 12, 2), "de", "short", "02.12.2026"),
        (dt.date(2025, 1, 5), "de", "short", "05.01.2025"),
        # long: the month in words, German with the day's full stop
        (dt.date(2026, 12, 2), "fr", "long", "2 décembre 2026"),
        (dt.date(2026, 12, 2), "de", "long", "2. Dezember 2026"),
        (dt.date(2026, 3, 1), "fr", "long", "1 mars 2026"),
        (dt.date(2026, 3, 1), "de", "long", "1. März 2026"),
        # a UTC moment late in the evening is already the next day in Zurich (winter: UTC+1) ...
        (dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "fr", "short", "01.01.2027"),
        (dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "de", "long", "1. Januar 2027"),
        # ... and in summer (UTC+2) from 22:00 UTC
        (dt.datetime(2026, 7, 14, 21, 59, tzinfo=UTC), "fr", "short", "14.07.2026"),
        (dt.datetime(2026, 7, 14, 22, 0, tzinfo=UTC), "fr", "long", "15 juillet 2026"),
        # a naive datetime is taken as Swiss time already
        (dt.datetime(2026, 12, 31, 23, 30), "de", "short", "31.12.2026"),
        # not available
        (None, "fr", "short", "…"),
        (None, "de", "long", "…"),
    ],
)
def test_format_date(value, lang, style, expected):
    assert format_date(value, lang, style=style) == expected


@pytest.mark.parametrize("lang", ["fr", "de"])
@pytest.mark.parametrize(
    ("value", "style", "expected"),
    [
        # winter time: UTC+1
        (dt.datetime(2026, 12, 2, 13, 5, tzinfo=UTC), "short", "02.12.2026 14:05"),
        (dt.datetime(2026, 1, 5, 8, 30, tzinfo=UTC), "short", "05.01.2026 09:30"),
        # summer time: UTC+2
        (dt.datetime(2026, 7, 2, 13, 5, tzinfo=UTC), "short", "02.07.2026 15:05"),
        # near midnight UTC: the Swiss day is the next one
        (dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "short", "01.01.2027 00:30"),
        (dt.datetime(2026, 6, 30, 22, 15, tzinfo=UTC), "short", "01.07.2026 00:15"),
        # the clock changes: 29 March 2026 at 01:00 UTC (02:00 → 03:00), 25 October at 01:00 UTC
        # (03:00 → 02:00, so 02:30 happens twice)
        (dt.datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "short", "29.03.2026 01:59"),
        (dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "short", "29.03.2026 03:00"),
        (dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "short", "25.10.2026 02:30"),
        (dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "short", "25.10.2026 02:30"),
        # another zone is converted too
        (dt.datetime(2026, 12, 2, 8, 5, tzinfo=dt.timezone(dt.timedelta(hours=-5))), "short", "02.12.2026 14:05"),
        # the audit log's seconds
        (dt.datetime(2026, 12, 2, 13, 5, 9, tzinfo=UTC), "seconds", "02.12.2026 14:05:09"),
        # naive: Swiss time already (dt.datetime.now() of an export)
        (dt.datetime(2026, 12, 2, 14, 5), "short", "02.12.2026 14:05"),
        (None, "short", "…"),
    ],
)
def test_format_datetime(value, style, lang, expected):
    assert format_datetime(value, lang, style=style) == expected


MOMENTS = [
    dt.datetime(2026, 12, 2, 13, 5, 9, tzinfo=UTC),
    dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC),
    dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    dt.datetime(2026, 7, 2, 13, 5, tzinfo=UTC),
    dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
]


@pytest.mark.parametrize("lang", ["fr", "de"])
@pytest.mark.parametrize("style", ["short", "seconds"])
def test_datetime_column_writes_what_format_datetime_writes(style, lang):
    frame = pl.DataFrame({"at": [*MOMENTS, None]}, schema={"at": pl.Datetime("us", "UTC")})
    result = frame.select(datetime_column("at", lang, style=style)).to_series().to_list()
    assert result == [format_datetime(moment, lang, style=style) for moment in MOMENTS] + [None]


def test_datetime_column_keeps_the_column_name_and_takes_an_expression():
    frame = pl.DataFrame({"at": MOMENTS[:1]}, schema={"at": pl.Datetime("us", "Europe/Zurich")})
    result = frame.select(datetime_column(pl.col("at").alias("Exporté le")))
    assert result.to_dict(as_series=False) == {"Exporté le": ["02.12.2026 14:05"]}


@pytest.mark.parametrize(
    "call",
    [
        lambda: format_date(dt.date(2026, 1, 1), "en"),  # type: ignore[arg-type]
        lambda: format_date(dt.date(2026, 1, 1), style="medium"),  # type: ignore[arg-type]
        lambda: format_datetime(MOMENTS[0], style="long"),  # type: ignore[arg-type]
        lambda: datetime_column("at", style="minutes"),  # type: ignore[arg-type]
    ],
)
def test_unknown_language_or_date_style_is_refused(call):
    with pytest.raises(ValueError):
        call()


# Where the dashboard's dates agree with babel's own styles (CLDR), and where not: CLDR's short
# date of fr_CH and de_CH has a two-digit year, the report and the upload templates four digits.


@pytest.mark.parametrize(("lang", "locale"), [("fr", "fr_CH"), ("de", "de_CH")])
def test_long_dates_are_babels_long_style(lang, locale):
    day = dt.date(2026, 12, 2)
    assert format_date(day, lang, style="long") == babel_dates.format_date(day, "long", locale=locale)


@pytest.mark.parametrize(
    ("babel_result", "ours"),
    [
        # short dates and date-times: two-digit year (and a comma in de_CH)
        (babel_dates.format_date(dt.date(2026, 12, 2), "short", locale="fr_CH"), format_date(dt.date(2026, 12, 2), "fr")),
        (babel_dates.format_date(dt.date(2026, 12, 2), "short", locale="de_CH"), format_date(dt.date(2026, 12, 2), "de")),
        (
            babel_dates.format_datetime(dt.datetime(2026, 12, 2, 14, 5), "short", locale="fr_CH"),
            format_datetime(dt.datetime(2026, 12, 2, 14, 5), "fr"),
        ),
        (
            babel_dates.format_datetime(dt.datetime(2026, 12, 2, 14, 5), "short", locale="de_CH"),
            format_datetime(dt.datetime(2026, 12, 2, 14, 5), "de"),
        ),
        # the medium date: de_CH is ours, fr_CH abbreviates the month
        (babel_dates.format_date(dt.date(2026, 12, 2), "medium", locale="fr_CH"), format_date(dt.date(2026, 12, 2), "fr")),
    ],
)
def test_documented_date_deviations_from_babel(babel_result, ours):
    expected = {
        "02.12.26": "02.12.2026",
        "02.12.26 14:05": "02.12.2026 14:05",
        "02.12.26, 14:05": "02.12.2026 14:05",
        "2 déc. 2026": "02.12.2026",
    }
    assert expected[babel_result] == ours


def test_de_ch_medium_date_is_ours():
    day = dt.date(2026, 12, 2)
    assert format_date(day, "de") == babel_dates.format_date(day, "medium", locale="de_CH")
