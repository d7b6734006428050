"""Scalar indicators and their change between two years (the KPI cards of the home page).

A scalar indicator is any query ``fn(frame, year, **filters)`` that returns a number (a count,
an amount in CHF) or a :class:`Share` (a rate with the counts behind it). :func:`compare` runs
it for the year and the comparison year and returns a :class:`Change`, whatever its kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

Number = int | float | Decimal


@dataclass(frozen=True)
class Share:
    """A share with the counts behind it: ``numerator / denominator``.

    The dashboard needs the counts, not only the rate, to suppress small counts and to say
    "3 of 12". `value` is None when the denominator is 0 (no case to take a share of).

    >>> Share(4, 12).value
    0.3333333333333333
    >>> Share(0, 0).value is None
    True
    """

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


Scalar = Number | Share | None
"""What a scalar indicator returns; None when the figure is not available (nothing recorded)."""


@dataclass(frozen=True)
class Change:
    """An indicator in the year and in the comparison year, and how it changed.

    `absolute` is ``value - previous`` (for a share: a difference of shares, i.e. percentage
    points once multiplied by 100); `relative` is ``absolute / previous`` as a float (0.12 for
    +12 %). Each is None when it cannot be computed: a missing value, or a relative change
    from 0. `current` and `baseline` keep the indicator's own results (e.g. the :class:`Share`
    with its counts) for small-count suppression.
    """

    value: Number | None
    previous: Number | None
    absolute: Number | None
    relative: float | None
    current: Scalar = None
    baseline: Scalar = None


def _number(result: Scalar) -> Number | None:
    if isinstance(result, Share):
        return result.value
    if result is None or isinstance(result, int | float | Decimal):
        return result
    raise TypeError(f"a scalar indicator returned {type(result).__name__}, not a number or a Share")


def change(current: Scalar, baseline: Scalar) -> Change:
    """The change from `baseline` (comparison year) to `current` (year).

    Examples
    --------
    >>> c = change(6418, 6887)
    >>> c.absolute, round(c.relative, 4)
    (-469, -0.0681)

    Shares change by their difference (here 25 % − 36 % = −11 points), and relatively by
    that difference over the earlier share:

    >>> c = change(Share(1, 4), Share(9, 25))
    >>> round(c.absolute, 2), round(c.relative, 4)
    (-0.11, -0.3056)
    >>> change(5, 0).relative is None
    True
    """
    value, previous = _number(current), _number(baseline)
    if value is None or previous is None:
        return Change(value, previous, None, None, current, baseline)
    # Mixing Decimal with float raises: a Decimal amount only ever meets another Decimal.
    absolute = value - previous
    relative = float(absolute) / float(previous) if previous else None
    return Change(value, previous, absolute, relative, current, baseline)


def compare(
    indicator: Callable[..., Scalar],
    frame: pl.DataFrame,
    year: int,
    previous_year: int,
    **filters: Any,
) -> Change:
    """Run a scalar `indicator` for `year` and `previous_year` with the same filters.

    Parameters
    ----------
    indicator
        A scalar query called as ``indicator(frame, year, **filters)``, e.g.
        :func:`queries.coaching.reinsertion_rate` or :func:`queries.situations.situations_announced`.
    frame
        The loaded dataset with the uploads of both years.
    year, previous_year
        The year shown and the comparison year.
    **filters
        Passed unchanged to both calls (``regions=...``, ``public=...``).

    Examples
    --------
    >>> import datetime as dt
    >>> from queries.situations import situations_announced
    >>> situations = pl.DataFrame(
    ...     {
    ...         "announced_on": [dt.date(2024, 5, 2), dt.date(2025, 2, 3), dt.date(2025, 6, 4)],
    ...         "public": ["adult", "adult", "youth"],
    ...         "year": [2024, 2025, 2025],
    ...     }
    ... )
    >>> c = compare(situations_announced, situations, 2025, 2024)
    >>> c.value, c.previous, c.absolute, c.relative
    (2, 1, 1, 1.0)
    >>> compare(situations_announced, situations, 2025, 2024, public=["youth"]).relative is None
    True

    With the youth filter 2024 has no situation, and a change relative to 0 is undefined.
    """
    return change(indicator(frame, year, **filters), indicator(frame, previous_year, **filters))
