"""The one number formatter of the dashboard, in the style of the CII annual report.

Every number shown to a user (cards, tables, tooltips, chart labels, exports meant for reading)
goes through these functions, in French or German::

    format_count(6418)                     6'418
    format_percent(0.2437)                 24 %      (shares are floats in 0..1)
    format_percent(0.834, decimals=1)      83.4 %
    format_chf(Decimal("416406.90"))       Frs. 416'406.90   (de: CHF 416'406.90)
    format_change(12), ...                 +12, −3 %, −19 pp

Rules, from the report: apostrophe thousands separator (U+0027) and decimal point in both
languages; a space before ``%``; "Frs." before amounts; whole percents unless asked otherwise;
halves round up (report rounding, not Python's round-half-even). Beyond the report, which has
no negative number: negatives take the typographic minus U+2212 (a hyphen is too short beside
digits), a change always its sign (``+12``, ``0``, ``−3``), and a missing value (None, NaN) is
``…``, the BFS "not available" flag.

Why not babel (checked with babel 2.19 / CLDR, see tests/test_formatting.py): its de_CH and fr_CH
locales do use the apostrophe as group separator, but

- ``format_decimal(1234567, locale="de_CH")`` returns ``'1234567'``: after grouping, babel strips
  text between single quotes from the result (pattern quoting), which eats the apostrophes of
  any number with two groups or more;
- fr_CH uses a decimal comma (``83,4 %``), the report a decimal point;
- both locales write percents without a space (``24%``), the report ``24 %``;
- fr_CH writes ``416'406,90 CHF`` where the report writes ``Frs. 416'406.90``.

So babel's own formatting matches the report only for integers below a million. The module
therefore formats with the report's symbols itself, in one code path; the tests compare it
with babel where babel agrees, so that a change in CLDR or a fix in babel is noticed. German
follows de_CH (CLDR): the same digits, and ``CHF`` before amounts (CLDR's de_CH currency
symbol), with a plain space as in French.

Dates and times go through babel, in Swiss local time (Europe/Zurich)::

    format_date(day)                       02.12.2026              (both languages)
    format_date(day, "de", style="long")   2. Dezember 2026        (fr: 2 décembre 2026)
    format_datetime(moment)                02.12.2026 14:05        (both languages)
    datetime_column("at")                  the same, for a polars column

Checked with babel 2.19 / CLDR: the ``long`` style is babel's own (``2 décembre 2026``,
``2. Dezember 2026``). The ``short`` style is not: CLDR's short date of fr_CH and de_CH has a
two-digit year (``02.12.26``) and its short date-time reads ``02.12.26 15:05`` (fr_CH) and
``02.12.26, 15:05`` (de_CH); de_CH's medium date is ``02.12.2026`` but fr_CH's is
``2 déc. 2026``. The dashboard writes the four-digit year everywhere, as the report and the
upload templates do (``JJ.MM.AAAA``, ``TT.MM.JJJJ``): one numeric pattern, ``dd.MM.y``, in both
languages, and the time after a space. A timezone-aware value is shown in Swiss time (summer
and winter time included); a naive one is taken as Swiss time already.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal
from zoneinfo import ZoneInfo

import polars as pl
from babel import dates as babel_dates

Language = Literal["fr", "de"]
ChangeUnit = Literal["count", "percent", "points", "chf"]
DateStyle = Literal["short", "long"]
DatetimeStyle = Literal["short", "seconds"]

GROUP = "'"
"""Thousands separator (U+0027, as in the report and in CLDR's de_CH and fr_CH since 2025)."""
DECIMAL = "."
MINUS = "\u2212"
SPACE = " "
"""Between a number and its unit (``24 %``, ``Frs. 1.00``); one constant, so that a switch to a
no-break space (U+00A0, which keeps ``24 %`` on one line) is one edit."""
NOT_AVAILABLE = "…"
"""BFS flag for a value that is not available."""

TIMEZONE = "Europe/Zurich"
"""Dates and times are shown in Swiss local time, whatever the zone they were stored in."""

_CURRENCY = {"fr": "Frs.", "de": "CHF"}
_LOCALES = {"fr": "fr_CH", "de": "de_CH"}
# babel (CLDR) patterns, and the strftime patterns that write the same text for polars columns
# (numeric only, so the same in both languages; a test checks that the two agree).
_DATE_PATTERNS = {"short": "dd.MM.y", "long": "long"}
_DATETIME_PATTERNS = {"short": "dd.MM.y HH:mm", "seconds": "dd.MM.y HH:mm:ss"}
_DATETIME_STRFTIME = {"short": "%d.%m.%Y %H:%M", "seconds": "%d.%m.%Y %H:%M:%S"}
# Percentage points: the change of a share (28 % → 24 % is −4 pp, not −4 %).
_POINTS = {"fr": "pp", "de": "Pp."}

Value = int | float | Decimal | None


def _decimal(value: int | float | Decimal) -> Decimal | None:
    """`value` as an exact Decimal; None for NaN and infinities (not a figure)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        # str() gives the shortest repr: 0.245 stays 0.245 instead of 0.24499999999999999556.
        return Decimal(str(value))
    if isinstance(value, Decimal) and not value.is_finite():
        return None
    return Decimal(value)


def _digits(number: Decimal, decimals: int) -> tuple[bool, str]:
    """(is negative after rounding, the rounded absolute value with Swiss separators)."""
    rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):,f}"  # Python's separators, swapped below
    return rounded < 0, text.replace(",", "\0").replace(".", DECIMAL).replace("\0", GROUP)


def _signed(number: Decimal, decimals: int, *, plus: bool) -> str:
    negative, digits = _digits(number, decimals)
    if negative:
        return MINUS + digits
    # Zero (after rounding) takes no sign: "+0" would claim a change that is not there.
    if plus and digits.strip("0" + GROUP + DECIMAL):
        return "+" + digits
    return digits


def _check_language(lang: str) -> None:
    if lang not in _CURRENCY:
        raise ValueError(f"unknown language {lang!r}: expected 'fr' or 'de'")


def format_number(value: Value, decimals: int = 0, lang: Language = "fr") -> str:
    """`value` with Swiss separators and `decimals` decimals (halves rounded up).

    >>> format_number(212.5), format_number(212.25, decimals=1), format_number(-1234567.891, 2)
    ('213', '212.3', "−1'234'567.89")
    >>> format_number(None)
    '…'
    """
    _check_language(lang)
    number = None if value is None else _decimal(value)
    if number is None:
        return NOT_AVAILABLE
    return _signed(number, decimals, plus=False)


def format_count(value: int | None, lang: Language = "fr") -> str:
    """A count of persons, situations, cases: whole number with Swiss separators.

    >>> format_count(6418), format_count(1234567, lang="de"), format_count(None)
    ("6'418", "1'234'567", '…')
    """
    return format_number(value, 0, lang)


def format_percent(share: Value, decimals: int = 0, lang: Language = "fr") -> str:
    """A share in 0..1 as a percent, rounded like the report (whole percent by default).

    >>> format_percent(0.2437), format_percent(0.834, decimals=1), format_percent(0.245)
    ('24 %', '83.4 %', '25 %')
    """
    _check_language(lang)
    number = None if share is None else _decimal(share)
    if number is None:
        return NOT_AVAILABLE
    return _signed(number * 100, decimals, plus=False) + SPACE + "%"


def format_chf(amount: Value, decimals: int = 2, lang: Language = "fr") -> str:
    """An amount in Swiss francs: ``Frs. 416'406.90`` (German: ``CHF 416'406.90``).

    >>> from decimal import Decimal
    >>> format_chf(Decimal("416406.90")), format_chf(Decimal("434206.70"), lang="de")
    ("Frs. 416'406.90", "CHF 434'206.70")
    >>> format_chf(Decimal("416406.90"), decimals=0)
    "Frs. 416'407"
    """
    _check_language(lang)
    number = None if amount is None else _decimal(amount)
    if number is None:
        return NOT_AVAILABLE
    return _CURRENCY[lang] + SPACE + _signed(number, decimals, plus=False)


def format_change(value: Value, unit: ChangeUnit = "count", decimals: int | None = None, lang: Language = "fr") -> str:
    """A change between two years, always signed (``+12``, ``0``, ``−3 %``).

    Parameters
    ----------
    value
        The change: :attr:`queries.compare.Change.absolute` (unit ``count``, ``points`` for a
        share, ``chf`` for an amount) or :attr:`~queries.compare.Change.relative` (unit
        ``percent``). Shares and relative changes are fractions (−0.03 for −3 %).
    unit
        ``count`` (``+12``), ``percent`` (``−3 %``), ``points`` (percentage points, the change
        of a share: ``−19 pp``, German ``−19 Pp.``) or ``chf`` (``Frs. −17'800.00``).
    decimals
        Decimals shown; None shows whole numbers, and centimes for ``chf``.
    lang
        ``fr`` or ``de``.

    Examples
    --------
    >>> format_change(12), format_change(-0.03, "percent"), format_change(-0.19, "points", lang="de")
    ('+12', '−3 %', '−19 Pp.')
    >>> format_change(0.004, "percent"), format_change(None)
    ('0 %', '…')

    A relative change of +0.4 % rounds to 0 %, which takes no sign.
    """
    _check_language(lang)
    number = None if value is None else _decimal(value)
    if number is None:
        return NOT_AVAILABLE
    if decimals is None:
        decimals = 2 if unit == "chf" else 0
    match unit:
        case "count":
            return _signed(number, decimals, plus=True)
        case "percent":
            return _signed(number * 100, decimals, plus=True) + SPACE + "%"
        case "points":
            return _signed(number * 100, decimals, plus=True) + SPACE + _POINTS[lang]
        case "chf":
            return _CURRENCY[lang] + SPACE + _signed(number, decimals, plus=True)
    raise ValueError(f"unknown unit {unit!r}")


# --- dates and times ----------------------------------------------------------------------------


def _local(value: dt.datetime) -> dt.datetime:
    """`value` in Swiss time; a naive datetime is taken as Swiss time already."""
    return value if value.tzinfo is None else value.astimezone(ZoneInfo(TIMEZONE))


def format_date(
    value: dt.date | None, lang: Language = "fr", *, style: DateStyle = "short"
) -> str:
    """A day: ``02.12.2026`` (``short``, both languages) or ``2 décembre 2026`` / ``2. Dezember
    2026`` (``long``). A timezone-aware datetime gives its day in Swiss time.

    >>> import datetime as dt
    >>> day = dt.date(2026, 12, 2)
    >>> format_date(day), format_date(day, "de", style="long"), format_date(day, style="long")
    ('02.12.2026', '2. Dezember 2026', '2 décembre 2026')
    >>> format_date(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.timezone.utc))  # 00:30 in Zurich
    '01.01.2027'
    >>> format_date(None)
    '…'
    """
    _check_language(lang)
    if style not in _DATE_PATTERNS:
        raise ValueError(f"unknown date style {style!r}: expected {sorted(_DATE_PATTERNS)}")
    if value is None:
        return NOT_AVAILABLE
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    return babel_dates.format_date(value, _DATE_PATTERNS[style], locale=_LOCALES[lang])


def format_datetime(
    value: dt.datetime | None, lang: Language = "fr", *, style: DatetimeStyle = "short"
) -> str:
    """A moment in Swiss time: ``02.12.2026 14:05`` (``short``) or ``02.12.2026 14:05:09``
    (``seconds``, for the audit log), the same in both languages.

    >>> import datetime as dt
    >>> winter = dt.datetime(2026, 12, 2, 13, 5, tzinfo=dt.timezone.utc)  # Zurich is UTC+1
    >>> summer = dt.datetime(2026, 7, 2, 13, 5, 9, tzinfo=dt.timezone.utc)  # UTC+2
    >>> format_datetime(winter, "de"), format_datetime(summer, style="seconds")
    ('02.12.2026 14:05', '02.07.2026 15:05:09')
    """
    _check_language(lang)
    if style not in _DATETIME_PATTERNS:
        raise ValueError(f"unknown date-time style {style!r}: expected {sorted(_DATETIME_PATTERNS)}")
    if value is None:
        return NOT_AVAILABLE
    return babel_dates.format_datetime(_local(value), _DATETIME_PATTERNS[style], locale=_LOCALES[lang])


def datetime_column(
    column: str | pl.Expr, lang: Language = "fr", *, style: DatetimeStyle = "short"
) -> pl.Expr:
    """A timezone-aware datetime column as text in Swiss time, as :func:`format_datetime` writes it.

    Native polars (no Python call per row); nulls stay null.

    >>> import datetime as dt
    >>> moment = dt.datetime(2026, 12, 2, 13, 5, tzinfo=dt.timezone.utc)
    >>> moments = pl.DataFrame({"at": [moment, None]})
    >>> moments.select(datetime_column("at")).to_series().to_list()
    ['02.12.2026 14:05', None]
    """
    _check_language(lang)
    if style not in _DATETIME_STRFTIME:
        raise ValueError(f"unknown date-time style {style!r}: expected {sorted(_DATETIME_STRFTIME)}")
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.dt.convert_time_zone(TIMEZONE).dt.strftime(_DATETIME_STRFTIME[style])
