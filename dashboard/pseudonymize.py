"""What a partner runs on their own machine before sending a file: ``cii pseudonymize``.

The AVS number of each row becomes ``person_id`` = HMAC-SHA256(key, the 13 digits), in
lowercase hex. The key is a secret shared by the partners and never by the dashboard's operators
(DESIGN.md §2), so the same person gets the same pseudonym in every partner's file while the
dashboard cannot go back to the AVS number (a plain hash could: there are only 10¹⁰ of them).

Rows whose AVS cell is empty or not a valid AVS number (shape or check digit) are **left out of
the output and reported** by row, with the value masked — never hashed, since a typo would
silently become a different person. Dropping them, rather than refusing the whole file, lets
the partner send the good rows now and the corrected ones later; the report says plainly that
the written file is incomplete. Name-like columns are dropped. If anything identifying is left
(a raw AVS number in another column), nothing is written.
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from dashboard.datasets import normalize_label
from dashboard.i18n import t
from dashboard.ingest.privacy import AVS_SEPARATOR, is_name_column, mask_avs, privacy_problems
from dashboard.ingest.read import ReadError, read_table
from dashboard.ingest.report import MAX_LISTED_PROBLEMS, Problem, problem

KEY_BYTES = 32
"""Length of a new key, and the minimum accepted: the output length of SHA-256."""

PERSON_ID = "person_id"
OUTPUT_FORMATS = (".csv", ".xlsx", ".parquet")

_AVS13 = re.compile(r"756[0-9]{10}")
# Working columns; a partner's header starting with "__avs_" is not a realistic worry.
_DIGITS, _VALID, _ROW = "__avs_digits", "__avs_valid", "__avs_row"
_SEPARATORS = re.compile(AVS_SEPARATOR)


class PseudonymizeError(Exception):
    """The file or the key cannot be processed; nothing was written.

    ``problems`` says why, first the main reason then its details (catalogue messages).
    """

    def __init__(self, *problems: Problem) -> None:
        super().__init__(problems[0].code)  # the code only: a value must not reach a log
        self.problems = list(problems)

    @property
    def problem(self) -> Problem:
        return self.problems[0]

    def message(self, lang: str = "fr") -> str:
        """Every problem as a sentence, one per line."""
        return "\n".join(p.message(lang) for p in self.problems)


@dataclass
class PseudonymizeReport:
    """What :func:`pseudonymize_file` did.

    ``rows`` is the number of rows written; ``invalid`` the rows left out (empty or invalid
    AVS number, value masked), all of them (:meth:`lines` lists the first 50);
    ``dropped_columns`` the name-like columns removed, as written in the file.
    """

    rows: int
    invalid: list[Problem] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)
    output: Path | None = None

    def lines(self, lang: str = "fr") -> list[str]:
        """The report as sentences for the command line: summary, dropped columns, left-out rows."""
        lines = [t("privacy.pseudonymize_done", lang, rows=self.rows, path=self.output)]
        if self.dropped_columns:
            columns = ", ".join(self.dropped_columns)
            lines.append(t("privacy.pseudonymize_dropped_columns", lang, columns=columns))
        if self.invalid:
            lines.append(t("privacy.pseudonymize_dropped_rows", lang, count=len(self.invalid)))
            lines.extend(p.message(lang) for p in self.invalid[:MAX_LISTED_PROBLEMS])
            hidden = len(self.invalid) - MAX_LISTED_PROBLEMS
            if hidden > 0:
                lines.append(t("validation.more_problems", lang, count=hidden))
        return lines


# --- the key ---------------------------------------------------------------------------


def new_key(path: Path) -> None:
    """Write a new random key (32 bytes, hex-encoded) to ``path``, readable by its owner only.

    Raises
    ------
    PseudonymizeError
        ``privacy.key_exists`` if ``path`` exists: the pseudonyms already sent depend on the
        old key, so it is never overwritten.
    """
    path = Path(path)
    try:
        # O_EXCL: the existence check and the creation are one step, no race.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise PseudonymizeError(problem("privacy.key_exists", path=path)) from None
    try:
        if hasattr(os, "fchmod"):  # the umask could only remove bits, but be explicit
            os.fchmod(descriptor, 0o600)
        os.write(descriptor, (secrets.token_bytes(KEY_BYTES).hex() + "\n").encode("ascii"))
    finally:
        os.close(descriptor)


def load_key(path: Path) -> bytes:
    """The key in ``path`` (hex text, surrounding whitespace ignored).

    Raises
    ------
    PseudonymizeError
        ``privacy.key_missing``, ``privacy.key_unreadable`` (a folder, no permission),
        ``privacy.key_malformed`` (not hex text) or ``privacy.key_too_short`` (under 32 bytes).
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("ascii").strip()
    except FileNotFoundError:
        raise PseudonymizeError(problem("privacy.key_missing", path=path)) from None
    except UnicodeDecodeError:
        raise PseudonymizeError(problem("privacy.key_malformed", path=path)) from None
    except OSError:
        raise PseudonymizeError(problem("privacy.key_unreadable", path=path)) from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise PseudonymizeError(problem("privacy.key_malformed", path=path)) from None
    if len(key) < KEY_BYTES:
        raise PseudonymizeError(
            problem("privacy.key_too_short", path=path, length=len(key), minimum=KEY_BYTES)
        )
    return key


# --- AVS numbers -----------------------------------------------------------------------


def normalize_avs(text: str) -> str | None:
    """The 13 digits of an AVS number, or None if ``text`` is not shaped like one.

    Dots, spaces and hyphens are removed; the check digit is not checked here
    (:func:`avs_check_digit_ok`).

    >>> normalize_avs(" 756.9217.0769.85 ")
    '7569217076985'
    >>> normalize_avs("756.9217.0769.8") is None
    True
    """
    digits = _SEPARATORS.sub("", text)
    return digits if _AVS13.fullmatch(digits) else None


def avs_check_digit_ok(avs13: str) -> bool:
    """Whether the last digit of a 13-digit AVS number is its EAN-13 check digit.

    Weights 1 and 3 alternate from the left over the first 12 digits; the check digit is
    ``(10 - sum % 10) % 10``.

    >>> avs_check_digit_ok("7569217076985"), avs_check_digit_ok("7569217076984")
    (True, False)
    """
    if not (len(avs13) == 13 and avs13.isascii() and avs13.isdigit()):
        return False
    total = sum(int(digit) * (3 if i % 2 else 1) for i, digit in enumerate(avs13[:12]))
    return (10 - total % 10) % 10 == int(avs13[12])


def pseudonym(key: bytes, avs13: str) -> str:
    """HMAC-SHA256 of the normalised 13-digit AVS number under ``key``: 64 lowercase hex digits.

    Raises
    ------
    ValueError
        If ``avs13`` is not 13 digits starting with 756: hashing another spelling would give
        the same person a second pseudonym.
    """
    if not _AVS13.fullmatch(avs13):
        raise ValueError("pseudonym() takes the 13 digits of normalize_avs(), nothing else")
    # hmac.digest is the one-shot C path: about 3x faster than hmac.new() per value.
    return hmac.digest(key, avs13.encode("ascii"), "sha256").hex()


def _valid_avs_expr(digits: pl.Expr) -> pl.Expr:
    """Vectorised ``normalize_avs(x) == x and avs_check_digit_ok(x)`` on separator-free text."""
    shaped = digits.str.contains(r"^756[0-9]{10}$")
    number = pl.when(shaped).then(digits.cast(pl.Int64, strict=False))
    # Digit i from the left of a 13-digit number is (n // 10**(12 - i)) % 10: integer
    # arithmetic, far cheaper than 13 string slices per row.
    total = pl.sum_horizontal(
        (number // 10 ** (12 - i)) % 10 * (3 if i % 2 else 1) for i in range(12)
    )
    return ((10 - total % 10) % 10 == number % 10).fill_null(False)


# --- a whole file ----------------------------------------------------------------------


def _find_column(headers: list[str], wanted: str) -> str:
    matches = [h for h in headers if normalize_label(h) == normalize_label(wanted)]
    if not matches:
        available = ", ".join(headers)
        code = "privacy.pseudonymize_no_avs_column"
        raise PseudonymizeError(problem(code, column=wanted, available=available))
    if len(matches) > 1:
        code = "privacy.pseudonymize_ambiguous_avs_column"
        raise PseudonymizeError(problem(code, column=wanted, matches=", ".join(matches)))
    return matches[0]


def _write(frame: pl.DataFrame, out_path: Path) -> None:
    """Write through a temporary file in the same folder, so a failure leaves no half file."""
    handle, temporary = tempfile.mkstemp(
        dir=out_path.parent, prefix=".pseudonymize-", suffix=out_path.suffix
    )
    os.close(handle)
    try:
        suffix = out_path.suffix.lower()
        if suffix == ".csv":
            # The BOM makes Excel open UTF-8 right, should the partner look at the file first.
            frame.write_csv(temporary, separator=";", include_bom=True)
        elif suffix == ".xlsx":
            frame.write_excel(temporary, worksheet="data", autofit=True)
        else:
            frame.write_parquet(temporary)
        os.replace(temporary, out_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def pseudonymize_file(
    in_path: Path,
    out_path: Path,
    *,
    key_file: Path,
    avs_column: str,
    sheet: str | int | None = None,
) -> PseudonymizeReport:
    """Replace the AVS numbers of a partner's file by pseudonyms and drop its name columns.

    Parameters
    ----------
    in_path
        The partner's file: CSV (any usual encoding and separator), XLSX or Parquet.
    out_path
        Where to write; the format follows the extension: ``.csv`` (UTF-8, ``;``-separated),
        ``.xlsx`` or ``.parquet``. Never the input file.
    key_file
        The partners' shared key (:func:`new_key`).
    avs_column
        The header of the AVS column, compared case- and accent-insensitively.
    sheet
        The XLSX sheet to read, as :func:`~dashboard.ingest.read.read_table` takes it; the
        first one by default.

    Returns
    -------
    PseudonymizeReport
        ``person_id`` comes first in the output, in place of the AVS column; the other columns
        follow in their order, less the name-like ones. Rows with an empty or invalid AVS number
        are left out and listed in ``invalid`` (value masked); completely empty rows are
        skipped without a word.

    Raises
    ------
    PseudonymizeError
        Bad key, unreadable input (the reader's ``read.*`` problem), AVS column missing or
        ambiguous, ``person_id`` already present, unknown output format, output = input, or
        identifying data left after pseudonymisation. Nothing is written then.
    """
    in_path, out_path = Path(in_path), Path(out_path)
    if out_path.suffix.lower() not in OUTPUT_FORMATS:
        raise PseudonymizeError(problem("privacy.pseudonymize_bad_output", path=out_path))
    if out_path.exists() and out_path.resolve() == in_path.resolve():
        raise PseudonymizeError(problem("privacy.pseudonymize_same_file", path=in_path))
    key = load_key(key_file)

    try:
        frame = read_table(in_path, sheet=sheet).frame
    except ReadError as error:
        # One error type for the caller; "from None" keeps the reader's message, which may
        # quote a cell, out of tracebacks.
        raise PseudonymizeError(error.problem) from None
    avs = _find_column(frame.columns, avs_column)
    for header in frame.columns:
        if header != avs and normalize_label(header) == normalize_label(PERSON_ID):
            raise PseudonymizeError(problem("privacy.pseudonymize_person_id_exists", column=header))

    text = pl.col(avs).cast(pl.String)
    blank = pl.all_horizontal(
        pl.col(c).cast(pl.String).str.strip_chars().fill_null("") == "" for c in frame.columns
    )
    checked = (
        frame.lazy()
        .with_row_index(_ROW)
        .filter(~blank)  # the empty lines below an Excel table are no one's rows: skip silently
        .with_columns(text.str.replace_all(AVS_SEPARATOR, "").alias(_DIGITS))
        .with_columns(_valid_avs_expr(pl.col(_DIGITS)).alias(_VALID))
        .collect()
    )

    left_out = checked.filter(~pl.col(_VALID)).select(_ROW, text)
    invalid = [
        problem("privacy.pseudonymize_invalid_avs", row=i + 2, column=avs, value=mask_avs(value))
        if value and value.strip()
        else problem("privacy.pseudonymize_empty_avs", row=i + 2, column=avs)
        for i, value in left_out.iter_rows()
    ]

    valid = checked.filter(pl.col(_VALID))
    # One HMAC per distinct person, not per row: a person has many episodes.
    distinct = valid.get_column(_DIGITS).unique()
    pseudonyms = pl.DataFrame(
        {_DIGITS: distinct, PERSON_ID: [pseudonym(key, avs13) for avs13 in distinct]},
        schema={_DIGITS: pl.String, PERSON_ID: pl.String},
    )
    dropped = [c for c in frame.columns if c != avs and is_name_column(c)]
    kept = [c for c in frame.columns if c != avs and c not in dropped]
    output = valid.join(pseudonyms, on=_DIGITS, how="left", maintain_order="left").select(
        PERSON_ID, *kept
    )

    leaks = privacy_problems(output)
    if leaks:
        main = problem("privacy.pseudonymize_still_identifying", column=avs)
        raise PseudonymizeError(main, *leaks)
    _write(output, out_path)
    return PseudonymizeReport(
        rows=output.height, invalid=invalid, dropped_columns=dropped, output=out_path
    )
