"""Text → typed values: the Swiss spellings of numbers, amounts, dates and yes/no.

Every parser takes a polars expression on String cells (as :func:`dashboard.ingest.read.read_table`
returns them) and gives the typed value, or null where the text is not a valid spelling. A
parser never raises on bad text: validation compares input and output and reports every
non-null cell that became null, naming the value and what was expected
(:data:`EXPECTED_FORMAT`).

The parsers are pure polars because they run on files of a million rows: one regular
expression decides whether a cell is valid, then only literal operations (Aho-Corasick
replacements, splits, casts, integer arithmetic) build the value. Regex replacements with
capture groups and ``str.to_date`` cost several times more and are avoided on purpose. Each
parser is a chain of ``struct.with_fields`` steps: polars does not share a sub-expression used
twice inside one expression (it computes it twice, even lazily), whereas a struct field is
computed once and then read by the following steps.

They are strict where a lenient reading could be wrong without anyone noticing: ``6'88'7``
(misplaced thousands separator), ``1,234`` (a thousands comma or a decimal comma?), ``31.12.25``
(which century?) and ``12.505`` as an amount in francs (rounding would change the figure) are
all refused rather than guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import polars as pl

from dashboard.datasets import ColumnKind

__all__ = [
    "EXPECTED_FORMAT",
    "PARSERS",
    "parse_boolean",
    "parse_date",
    "parse_decimal",
    "parse_integer",
    "parse_number",
]

EXPECTED_FORMAT: dict[ColumnKind, str] = {
    "date": "read.expected_date",
    "integer": "read.expected_integer",
    "year": "read.expected_year",
    "money": "read.expected_money",
    "number": "read.expected_number",
    "boolean": "read.expected_boolean",
}
"""Column kind → catalogue key of a short phrase saying what a cell of that kind should be
(``t("read.expected_date", "fr")`` = "une date JJ.MM.AAAA ou AAAA-MM-JJ")."""

# --- numbers ---------------------------------------------------------------------------------

# Thousands separators seen in Swiss files: apostrophe, typographic apostrophe (U+2019), space,
# no-break space (U+00A0), narrow no-break space (U+202F, Excel and macOS), thin space (U+2009).
THOUSANDS_SEPARATORS = ("'", "\u2019", " ", "\u00a0", "\u202f", "\u2009")
_SPACES = "[ \u00a0\u202f\u2009]*"
_DASHES = "-\u2013\u2014"  # "1'000.-", "1'000.–", "1'000.—": a round amount, no centimes


def _grouped(separators: tuple[str, ...]) -> str:
    """Digits in groups of three, one separator kind per number (regex has no back-references)."""
    return "|".join(f"[0-9]{{1,3}}(?:{'[.]' if s == '.' else s}[0-9]{{3}})+" for s in separators)


_GROUPED = _grouped(THOUSANDS_SEPARATORS)
_NO_CENTIMES = f"[{_DASHES}]{{1,2}}"
_SIGN = "[+\u2212-]?"  # U+2212 is the typographic minus sign
# Decimal point (Swiss): an integer part, plain or grouped, and a fraction; an English
# thousands comma only where a decimal point follows ("1,234.50"); ".5" is allowed.
_DOT_NUMBER = (
    f"(?:[0-9]+|{_GROUPED})(?:\\.(?:[0-9]+|{_NO_CENTIMES}))?"
    f"|(?:{_grouped((',',))})\\.[0-9]+"
    f"|\\.[0-9]+"
)
# Decimal comma ("434'206,70", German-style "1.234,50", "1000,-"). "1,234" (one to three digits,
# a comma, exactly three digits) is 1234 in an English file and 1.234 in a French one: refused.
_COMMA_NUMBER = (
    f"(?:[0-9]{{4,}}|0[0-9]*|{_GROUPED}|{_grouped(('.',))}),(?:[0-9]+|{_NO_CENTIMES})"
    f"|[1-9][0-9]{{0,2}},(?:[0-9]{{1,2}}|[0-9]{{4,}}|{_NO_CENTIMES})"
)
_CURRENCY = "(?i:chf|s?frs?\\.?)"
_DECIMAL_TEXT = (
    f"^(?:{_SIGN}{_SPACES}{_CURRENCY}{_SPACES})?{_SIGN}(?:{_DOT_NUMBER}|{_COMMA_NUMBER})"
    f"(?:{_SPACES}{_CURRENCY})?$"
)
# Integers: no currency, and a fraction only if it is zero ("6887.0" is how Parquet writes 6887).
# Not "1.000": a thousand in a German-locale file, one in a Swiss one.
_INTEGER_TEXT = f"^{_SIGN}(?:[0-9]+|{_GROUPED})(?:[.,](?:0{{1,2}}|{_NO_CENTIMES}))?$"
_EXPONENT_TEXT = "^[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)[eE][+-]?[0-9]+$"

# Literal clean-up once the text is known to be valid: drop currencies (longest first),
# thousands separators and "+", normalise the minus sign.
_CURRENCY_WORDS = ("sfr.", "frs.", "fr.", "chf", "sfr", "frs", "fr")
_SIGNS_AND_SEPARATORS = {**dict.fromkeys(THOUSANDS_SEPARATORS, ""), "+": "", "\u2212": "-"}
_CLEANUP = {**dict.fromkeys(_CURRENCY_WORDS, ""), **_SIGNS_AND_SEPARATORS}


def _plain_number(expr: pl.Expr) -> pl.Expr:
    """Struct steps for a decimal number: ``text`` (stripped), ``valid`` (a spelling of
    :func:`parse_decimal`) and ``plain``, a valid text as ``[-]digits[.digits]`` for a cast."""
    f = pl.field
    return (
        pl.struct(text=expr.str.strip_chars())
        .struct.with_fields(
            valid=f("text").str.contains(_DECIMAL_TEXT),
            cleaned=f("text").str.replace_many(
                _CLEANUP, ascii_case_insensitive=True, leftmost=True
            ),
        )
        # The decimal separator is the last "." or "," (digits or no-centimes dashes follow it).
        .struct.with_fields(
            comma=f("cleaned").str.strip_chars_end(f"0123456789{_DASHES}").str.ends_with(",")
        )
        .struct.with_fields(
            plain=pl.when(f("comma"))
            .then(f("cleaned").str.replace_many({".": "", ",": "."}))
            .otherwise(f("cleaned").str.replace_all(",", "", literal=True))
            .str.strip_chars_end(_DASHES)
        )
    )


def parse_integer(expr: pl.Expr) -> pl.Expr:
    """Whole numbers as ``Int64``; null for any other text.

    Accepted: ``6887``, ``-12``, ``+12``, thousands in groups of three separated by ``'``,
    ``’`` (U+2019), a space, a no-break space (U+00A0), a narrow no-break space (U+202F) or a
    thin space (U+2009) — ``6'887``, ``6 887``, ``1'234'567`` — and a zero fraction of one or
    two digits as Parquet or formatted exports write numbers (``6887.0``, ``6887.00``,
    ``6887,0``, ``6'887.-``). Refused: a non-zero fraction (``6887.5``), misplaced or mixed
    separators (``6'88'7``, ``1'234 567``), ``6,887`` and ``6.000`` (a thousands separator or a
    decimal one?), a currency, values outside Int64.

    >>> df = pl.DataFrame({"n": ["6'887", "6 887", "6887.0", "-12", "6887.5", "6'88'7", "abc"]})
    >>> df.select(parse_integer(pl.col("n"))).to_series().to_list()
    [6887, 6887, 6887, -12, None, None, None]
    """
    f = pl.field
    return (
        pl.struct(text=expr.str.strip_chars())
        .struct.with_fields(
            valid=f("text").str.contains(_INTEGER_TEXT),
            cleaned=f("text").str.replace_many(_SIGNS_AND_SEPARATORS),
        )
        # A valid text has only zeros or dashes after its separator: drop them.
        .struct.with_fields(
            whole=pl.when(f("cleaned").str.contains_any([".", ","]))
            .then(f("cleaned").str.strip_chars_end("0").str.strip_chars_end(f".,{_DASHES}"))
            .otherwise(f("cleaned"))
        )
        .struct.with_fields(value=pl.when(f("valid")).then(f("whole").cast(pl.Int64, strict=False)))
        .struct.field("value")
        .cast(pl.Int64)
        .name.keep()
    )


def parse_decimal(expr: pl.Expr, scale: int = 2) -> pl.Expr:
    """Amounts as ``Decimal(18, scale)``, exactly (no float round trip); null for other text.

    Accepted: the spellings of :func:`parse_integer`, with a decimal point (``434'206.70``,
    ``434206.7``, ``.5``) or a decimal comma (``434'206,70``, ``1.234,50``, ``12,5``); a currency
    before or after the number, any case (``Frs. 434'206.70``, ``Fr. 12.50``, ``CHF -5``,
    ``-CHF 5``, ``12.50 CHF``, ``SFr. 3``); "no centimes" dashes (``CHF 1'000.-``, ``1'000.–``,
    ``1'000.—``, ``1000,-``); an English thousands comma where a decimal point follows
    (``1,234.50``). Refused: more than ``scale`` decimals (``12.505`` is null, never rounded;
    so is ``1.500``, which is 1500 in a German-locale file), ``1,234`` (a thousands comma or a
    decimal comma?), values too large for 18 digits.

    >>> texts = ["Frs. 434'206.70", "434'206,70", "CHF 1'000.-", "-1'234.5", "12.505", "1,234"]
    >>> pl.DataFrame({"a": texts}).select(parse_decimal(pl.col("a"))).to_series().to_list()
    ... # doctest: +NORMALIZE_WHITESPACE
    [Decimal('434206.70'), Decimal('434206.70'), Decimal('1000.00'), Decimal('-1234.50'),
     None, None]
    """
    f = pl.field
    dtype = pl.Decimal(18, scale)
    return (
        _plain_number(expr)
        # Count the decimals: a cast would truncate the extra ones silently.
        .struct.with_fields(
            point=f("plain").str.find(".", literal=True),
            length=f("plain").str.len_bytes().cast(pl.Int64),
        )
        .struct.with_fields(
            value=pl.when(
                f("valid") & (f("point").is_null() | (f("length") - f("point") - 1 <= scale))
            )
            .then(f("plain").cast(dtype, strict=False))
        )
        .struct.field("value")
        .cast(dtype)
        .name.keep()
    )


def parse_number(expr: pl.Expr) -> pl.Expr:
    """Any number as ``Float64``; null for other text.

    Accepted: every spelling of :func:`parse_decimal` (the currency is allowed, never required),
    with any number of decimals (``0.125``, ``0,125``), and the exponent notation of Parquet
    or software exports (``1e+20``, ``1.5E-3``). Refused: ``1,234`` (ambiguous), ``NaN``,
    ``inf``, text.

    >>> df = pl.DataFrame({"x": ["12.5", "0,125", "6'887", "1e-3", "1,234", "NaN"]})
    >>> df.select(parse_number(pl.col("x"))).to_series().to_list()
    [12.5, 0.125, 6887.0, 0.001, None, None]
    """
    f = pl.field
    return (
        _plain_number(expr)
        .struct.with_fields(
            value=pl.when(f("valid"))
            .then(f("plain").cast(pl.Float64, strict=False))
            .when(f("text").str.contains(_EXPONENT_TEXT))
            .then(f("text").cast(pl.Float64, strict=False))
        )
        .struct.field("value")
        .cast(pl.Float64)
        .name.keep()
    )


# --- dates -----------------------------------------------------------------------------------

# An optional time of day, dropped: Excel date cells read as "2025-12-31 00:00:00", Swiss Excel
# CSV exports write "31.12.2025 00:00"; a date column holds days.
_TIME = (
    "(?:[ T](?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:[.,][0-9]+)?)?"
    "(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
)
_YEAR = "[1-9][0-9]{3}"  # four digits: "31.12.25" is refused (which century?)
_DATE_TEXT = (
    "^(?:"
    + "|".join(f"[0-9]{{1,2}}{sep}[0-9]{{1,2}}{sep}{_YEAR}" for sep in ("[.]", "/", "-"))
    + f"|{_YEAR}-[0-9]{{1,2}}-[0-9]{{1,2}}){_TIME}$"
    + "|^[0-9]{1,7}(?:[.]0+)?$"  # an Excel serial day number
)
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel day 0 (1900 date system, past its 1900-02-29 bug)
_MAX_SERIAL = 2_958_465  # 9999-12-31
BARE_YEARS = (1900, 2100)
"""A bare year in a date column ("2025") is refused, not read as a serial day of 1905."""


def _days_since_1970(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Days from 1970-01-01 to a valid proleptic Gregorian date (H. Hinnant's days_from_civil)."""
    y = year - (month <= 2).cast(pl.Int64)
    era = y // 400
    year_of_era = y - era * 400
    day_of_year = (153 * (month + pl.when(month > 2).then(-3).otherwise(9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def parse_date(expr: pl.Expr) -> pl.Expr:
    """Calendar dates as ``Date``; null for other text and impossible dates.

    Accepted: day first with ``.``, ``/`` or ``-`` and a four-digit year (``31.12.2025``,
    ``1.2.2025``, ``31/12/2025``); ISO (``2025-12-31``); either followed by a time, which is
    dropped (``2025-12-31 00:00:00`` as Excel date cells read, ``2025-12-31T08:30:00Z``,
    ``31.12.2025 00:00``); Excel serial day numbers, integral (``45657``, ``45657.0``; day 0 is
    1899-12-30) from 1 to 2958465 (9999-12-31). Refused: impossible dates (``31.02.2025``),
    two-digit years (``31.12.25``), year first with ``/`` or ``.``, month first (``12/31/2025``
    is an impossible day-first date), fractional serials, and the integers 1900 to 2100, which
    are years, not days (:data:`BARE_YEARS`).

    >>> texts = ["31.12.2025", "1.2.2025", "2025-12-31 00:00:00", "45657", "31.02.2025", "31.12.25",
    ...          "2025"]
    >>> pl.DataFrame({"d": texts}).select(parse_date(pl.col("d"))).to_series().to_list()
    ... # doctest: +NORMALIZE_WHITESPACE
    [datetime.date(2025, 12, 31), datetime.date(2025, 2, 1), datetime.date(2025, 12, 31),
     datetime.date(2024, 12, 31), None, None, None]
    """
    f = pl.field
    epoch_offset = (_EXCEL_EPOCH - date(1970, 1, 1)).days
    fields = [f("parts").struct.field(f"field_{i}").cast(pl.Int64, strict=False) for i in range(3)]
    return (
        pl.struct(text=expr.str.strip_chars())
        .struct.with_fields(
            valid=f("text").str.contains(_DATE_TEXT),
            # "2025-12-31T08:30" → "2025.12.31.08:30": the first three fields are the date.
            parts=f("text").str.replace_many(dict.fromkeys("/- T", ".")).str.split_exact(".", 2),
        )
        .struct.with_fields(first=fields[0], second=fields[1], third=fields[2])
        .struct.with_fields(
            year=pl.when(f("first") > 31).then(f("first")).otherwise(f("third")),
            day=pl.when(f("first") > 31).then(f("third")).otherwise(f("first")),
        )
        .struct.with_fields(
            leap=((f("year") % 4 == 0) & (f("year") % 100 != 0)) | (f("year") % 400 == 0),
        )
        .struct.with_fields(
            days_in_month=pl.when(f("second") == 2)
            .then(28 + f("leap").cast(pl.Int64))
            .when(f("second").is_in([4, 6, 9, 11]))
            .then(30)
            .otherwise(31),
        )
        .struct.with_fields(
            days=pl.when(
                f("valid")
                & f("third").is_not_null()
                & f("second").is_between(1, 12)
                & f("day").is_between(1, f("days_in_month"))
            )
            .then(_days_since_1970(f("year"), f("second"), f("day")))
            # A serial ("45657", "45657.0") has no third field.
            .when(
                f("valid")
                & f("third").is_null()
                & f("first").is_between(1, _MAX_SERIAL)
                & ~f("first").is_between(*BARE_YEARS)
            )
            .then(f("first") + epoch_offset)
        )
        .struct.field("days")
        .cast(pl.Int32)
        .cast(pl.Date)
        .name.keep()
    )


# --- yes / no --------------------------------------------------------------------------------

_TRUE = ("oui", "o", "ja", "j", "yes", "y", "true", "t", "vrai", "wahr", "1", "1.0", "x", "✓", "✔")
_FALSE = ("non", "n", "nein", "no", "false", "f", "faux", "falsch", "0", "0.0", "")
_BOOLEANS = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}


def parse_boolean(expr: pl.Expr) -> pl.Expr:
    """Yes/no as ``Boolean``; null for other text.

    Accepted, in any case and with or without accents: true for ``oui``, ``o``, ``ja``, ``j``,
    ``yes``, ``y``, ``true``, ``t``, ``vrai``, ``wahr``, ``1`` (or ``1.0``), ``x``, ``✓``;
    false for ``non``, ``n``, ``nein``, ``no``, ``false``, ``f``, ``faux``, ``falsch``, ``0``
    (or ``0.0``) and the empty text (an unticked ``x`` column). A null cell stays null: whether
    a missing answer is allowed is the validation's decision.

    >>> df = pl.DataFrame({"b": ["Oui", "NEIN", "x", "Vrai", "0.0", "peut-être", None]})
    >>> df.select(parse_boolean(pl.col("b"))).to_series().to_list()
    [True, False, True, True, False, None, None]
    """
    folded = (
        expr.str.strip_chars()
        .str.to_lowercase()
        .str.normalize("NFKD")  # "é" → "e" + combining accent, then drop the accent
        .str.replace_all("\\p{M}", "")
    )
    return folded.replace_strict(_BOOLEANS, default=None, return_dtype=pl.Boolean).name.keep()


PARSERS: dict[ColumnKind, Callable[[pl.Expr], pl.Expr]] = {
    "date": parse_date,
    "integer": parse_integer,
    "year": parse_integer,
    "money": parse_decimal,
    "number": parse_number,
    "boolean": parse_boolean,
}
"""Column kind → parser (``text``, ``pseudonym`` and ``choice`` columns stay text)."""
