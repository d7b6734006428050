"""The privacy guard: refuse a file that carries raw AVS numbers or names (DESIGN.md §2).

It runs on the raw frame, as read (every column a string, headers as in the file), before any
parsing, so that nothing identifying reaches validation, storage or a log.

Two rules, deliberately over-cautious — a refused file costs the partner one re-export, a leaked
AVS number cannot be taken back:

- **Raw AVS number** in any cell of any column: ``756`` then 10 digits, optionally grouped by
  single dots, spaces or hyphens (``756.1234.5678.97``, ``756 1234 5678 97``,
  ``7561234567897``), alone or inside a longer text. The match must stand between
  non-alphanumeric boundaries, because a 64-hex pseudonym (``…a7561234567897b…``) contains
  digit runs by nature. The check digit is *not* checked: a mistyped AVS number is still an
  AVS number.
- **Name column**: a header with a name word in it (see :func:`is_name_column`).

Messages never echo a full AVS number: the example is masked (``756.****.****.97``).
"""

from __future__ import annotations

import re

import polars as pl

from dashboard.datasets import normalize_label
from dashboard.ingest.report import Problem, problem

AVS_SEPARATOR = r"[.\s\-]"
"""What may group the digits of an AVS number: a dot, any space (also no-break), a hyphen."""

AVS_NUMBER = rf"756(?:{AVS_SEPARATOR}?[0-9]){{10}}"
"""An AVS number itself, grouped or not (no boundaries)."""

AVS_PATTERN = rf"(?:^|[^0-9A-Za-z])({AVS_NUMBER})(?:[^0-9A-Za-z]|$)"
"""A raw AVS number anywhere in a cell, between non-alphanumeric boundaries.

Group 1 is the number as written. The syntax is common to Python's ``re`` and polars' (Rust)
regex engine, which has no look-around: the boundaries are consumed, hence the group.
Digits are spelt ``[0-9]`` because ``\\d`` would also match other scripts' digits in Rust.
"""

_AVS_REGEX = re.compile(AVS_PATTERN)

# Whole normalised tokens that denote a person's name. French "nom" is matched as a whole word
# only: as a prefix it would catch "nombre" (a count alias in datasets.py), "nomination"...
_NAME_TOKENS = frozenset(
    {
        "nom", "noms", "prenom", "prenoms", "patronyme", "nomprenom", "prenomnom", "nomcomplet",
        "nomfamille", "nomdefamille", "cognome", "nome",
    }
)
# Substrings that denote a name wherever they appear in a token. "name" covers English and
# the German compounds (Vorname, Nachname, Familienname, Klientenname, Namensänderung...).
_NAME_FRAGMENTS = ("name", "prenom")


def is_name_column(header: str) -> bool:
    """Whether a header looks like it holds people's names.

    The header is normalised (case, accents, punctuation: :func:`normalize_label`) and split
    into words; it is a name column if one word is a French name word (``nom``, ``prénom``,
    ``nom de famille``...) or contains ``name`` or ``prenom`` (``first name``, ``Vorname``,
    ``Familienname``, ``Klientenname``, ``NomPrenom``).

    Over-cautious on purpose: ``institution name``, ``Dateiname`` and ``Namensänderung`` (which
    may hold the former name) are flagged too; ``nombre`` and ``numéro`` are not. No canonical
    column or alias of :data:`dashboard.datasets.DATASETS` is flagged (a test checks it).

    >>> is_name_column("Nom du bénéficiaire"), is_name_column("Vorname Klient")
    (True, True)
    >>> is_name_column("nombre"), is_name_column("person_id")
    (False, False)
    """
    for token in normalize_label(header).split():
        if token in _NAME_TOKENS or any(fragment in token for fragment in _NAME_FRAGMENTS):
            return True
    return False


def mask_avs(text: str) -> str:
    """Hide an AVS-like value: keep its first three and last two digits and its separators.

    Letters and digits in between become ``*``. A value too short to keep anything readable
    is masked whole.

    >>> mask_avs("756.1234.5678.97")
    '756.****.****.97'
    >>> mask_avs("12345")
    '*****'
    """
    alnum = [i for i, char in enumerate(text) if char.isalnum()]
    kept = set(alnum[:3] + alnum[-2:]) if len(alnum) >= 8 else set()
    return "".join(char if i in kept or not char.isalnum() else "*" for i, char in enumerate(text))


def first_avs(text: str) -> str | None:
    """The first raw AVS number in ``text`` as written, or None."""
    match = _AVS_REGEX.search(text)
    return match.group(1) if match else None


def mask_avs_in(text: str) -> str:
    """``text`` with every raw AVS number in it masked: safe to quote in a message or a log."""
    return _AVS_REGEX.sub(lambda m: m.group(0).replace(m.group(1), mask_avs(m.group(1))), text)


def privacy_problems(frame: pl.DataFrame, *, header_row: int = 1) -> list[Problem]:
    """Everything in a raw frame that must not leave the partner's machine.

    Parameters
    ----------
    frame
        The file as read: headers as written, cells as strings (other scalar types are cast
        to strings, so that an AVS number stored as an integer is caught too; nested columns
        are not inspected).

    Returns
    -------
    list[Problem]
        One ``privacy.name_column`` problem per name-like column, then one
        ``privacy.raw_avs`` problem per column holding raw AVS numbers, naming the first row
        (as in Excel: header = row 1), the number of cells and a masked example. Empty if
        the frame may be sent.

    Examples
    --------
    >>> frame = pl.DataFrame({"person_id": ["a7561234567897b"], "note": ["AVS 756.1234.5678.97"]})
    >>> [(p.code, p.column, p.row, p.value) for p in privacy_problems(frame)]
    [('privacy.raw_avs', 'note', 2, '756.****.****.97')]
    """
    problems = [
        problem("privacy.name_column", column=column)
        for column in frame.columns
        if is_name_column(column)
    ]

    scanned = [c for c, dtype in frame.schema.items() if not dtype.is_nested()]
    if not scanned or frame.height == 0:
        return problems
    # One pass over the data: a boolean per cell and column, then per column the number of
    # hits and the index of the first one. Aliases by position: headers may be any text.
    hits = frame.lazy().select(
        pl.col(column).cast(pl.String).str.contains(AVS_PATTERN).fill_null(False).alias(str(i))
        for i, column in enumerate(scanned)
    )
    summary = hits.select(
        *(pl.col(str(i)).sum().alias(f"count_{i}") for i in range(len(scanned))),
        *(pl.col(str(i)).arg_true().first().alias(f"first_{i}") for i in range(len(scanned))),
    ).collect().row(0, named=True)

    for i, column in enumerate(scanned):
        count = summary[f"count_{i}"]
        if not count:
            continue
        index = summary[f"first_{i}"]
        example = first_avs(str(frame[index, column]))
        problems.append(
            problem(
                "privacy.raw_avs",
                row=index + header_row + 1,
                column=column,
                value=mask_avs(example) if example else None,
                count=count,
            )
        )
    return problems
