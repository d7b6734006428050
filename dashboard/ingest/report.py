"""What validation finds, as data: problems that render as sentences in the user's language."""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.i18n import t

MAX_LISTED_PROBLEMS = 50
"""Only the first problems are listed; the rest are counted (a broken file can have 100'000)."""


@dataclass(frozen=True)
class Localized:
    """A message parameter that is itself a catalogue message, rendered in the problem's language.

    For example the expected format of a date (``read.expected_date``) inside
    ``validation.bad_value``: the parameter is stored once and shown in French or German.
    """

    key: str

    def render(self, lang: str) -> str:
        return t(self.key, lang)


@dataclass(frozen=True)
class Problem:
    """One problem in a file.

    ``row`` is the row as the user sees it in Excel (header = row 1, first data row = 2), or
    None for a problem of the whole file or of a column. ``column`` is the header as written in
    the file. ``code`` is the full catalogue key (``validation.bad_date``, ``privacy.raw_avs``,
    ``read.unknown_format``...); ``params`` fill its
    placeholders (``row``, ``column`` and ``value`` are always available to the message).
    """

    code: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    params: tuple[tuple[str, object], ...] = ()

    def message(self, lang: str = "fr") -> str:
        params = {"row": self.row, "column": self.column, "value": self.value, **dict(self.params)}
        params = {
            k: v.render(lang) if isinstance(v, Localized) else v for k, v in params.items()
        }
        return t(self.code, lang, **params)


def problem(code: str, *, row: int | None = None, column: str | None = None, value: object = None, **params: object) -> Problem:
    """Build a :class:`Problem`; extra keyword arguments become message parameters."""
    return Problem(code, row, column, None if value is None else str(value), tuple(sorted(params.items())))


@dataclass
class ValidationReport:
    """Errors refuse the file whole; warnings are shown but do not stop the upload."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Errors found and counted but not kept as Problem objects (a broken file of 1'000'000 rows
    # must not build 1'000'000 of them): only the first ones are listed anyway.
    unlisted_errors: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.unlisted_errors

    @property
    def error_count(self) -> int:
        """All errors found, listed or not."""
        return len(self.errors) + self.unlisted_errors

    def extend(self, other: ValidationReport) -> None:
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)
        self.unlisted_errors += other.unlisted_errors

    def lines(self, lang: str = "fr") -> list[str]:
        """The errors then the warnings as sentences: at most 50 errors, then a count of the rest."""
        listed = [p.message(lang) for p in self.errors[:MAX_LISTED_PROBLEMS]]
        hidden = self.error_count - min(len(self.errors), MAX_LISTED_PROBLEMS)
        if hidden > 0:
            listed.append(t("validation.more_problems", lang, count=hidden))
        listed.extend(t("validation.warning_prefix", lang, message=p.message(lang)) for p in self.warnings[:MAX_LISTED_PROBLEMS])
        return listed
