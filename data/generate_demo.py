"""Seeded generator of the synthetic demo datasets, calibrated to the published 2025 report.

Run ``python -m data.generate_demo [--out data/demo] [--seed N] [--check]``. It writes, for the
reporting years 2024 and 2025, one file per dataset and year in the canonical columns of
:mod:`dashboard.datasets` (followups: one Parquet file per institution, as each partner would
send its own; the other datasets: ``;``-separated UTF-8 CSV), the report's own figures as
``published_2025_report.csv``, and ``manifest.json`` saying which dataset, source and
reporting year each file is for. Writing into the default folder also refreshes the generated
tables of ``data/README.md``.

Every record is synthetic. The files are built so that the indicators of DESIGN.md §3,
computed from them, give the report's figures: every count exactly, every share to the report's
rounding (half-up, to the printed precision) and near the middle of its rounding interval.
``--check`` recomputes those figures from the written files with plain polars code,
independently of how they were built, and exits non-zero if one is missed.

How the follow-up episodes are calibrated
-----------------------------------------
The overlap indicators of a year depend only on each person's *profile* that year: the set of
institutions with an episode in the year, and the subset that takes part in a simultaneous
follow-up. :func:`plan_profiles` solves, per year, how many persons have each profile so that
the counts hit the targets (the combination counts of the simultaneously followed persons and
the beneficiaries of each institution); :func:`build_persons` then draws episodes for each
person, retrying until the person's profile is the planned one. Persons followed across the
turn of the year are drawn first, with profiles in both years, and the rest of each year's plan
is filled with persons of that year only, so that both years are exact at once.

Same seed, same bytes: the randomness comes from :class:`random.Random` streams seeded by
strings, which do not depend on the platform.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hmac
import json
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path

import polars as pl

from dashboard.datasets import DATASETS, INSTITUTIONS, REGIONS

DATA_DIR = Path(__file__).resolve().parent
DEFAULT_OUT = DATA_DIR / "demo"
DEFAULT_SEED = 2025
YEARS = (2024, 2025)
MANIFEST = "manifest.json"
PUBLISHED_FILE = "published_2025_report.csv"
CSV_SEPARATOR = ";"

DEMO_KEY_HEX = "c11da7a5" * 8
"""The HMAC key of the demo pseudonyms: a DEMO key, public on purpose, never a partner key.

Written to a file, it makes ``cii pseudonymize --key-file`` reproduce the demo pseudonyms.
"""
DEMO_KEY = bytes.fromhex(DEMO_KEY_HEX)

SYNTHETIC_AVS_PREFIX = "7569999"
"""Synthetic AVS numbers are 756.9999.xxxx.xC: the person's number on 5 digits, then the check digit."""

EXTRACTED_ON = {2024: dt.date(2025, 1, 31), 2025: dt.date(2026, 1, 31)}
"""When each year's extracts are taken: a later end date is not known yet, so the episode is open."""

REGION_WEIGHTS = {"Haut-Valais": 25, "Sierre": 14, "Sion": 24, "Martigny": 19, "Monthey": 18}

Profile = tuple[frozenset[str], frozenset[str]]
"""A person's year: (institutions with an episode in the year, those taking part in an overlap)."""
Episode = tuple[str, int, int | None]
"""(institution, first day, last day) as date ordinals; last day None = still followed."""


# --- the report's figures ---------------------------------------------------------------------
# Figures as printed in the 2025 annual report (seed/000_c390974414703f5b.txt). Shares are exact
# fractions (24 % -> 24/100); the files must reproduce them at the printed precision.


def _pct(text: str) -> Fraction:
    return Fraction(Decimal(text)) / 100


SIMULTANEOUS = {2024: 6887, 2025: 6418}
SHARE_BY_INSTITUTION = {
    2024: {"ORP": _pct("28"), "OAI": _pct("26"), "CMS": _pct("47"), "OSP": _pct("35"), "OASI": _pct("7")},
    2025: {"ORP": _pct("24"), "OAI": _pct("26"), "CMS": _pct("45"), "OSP": _pct("35"), "OASI": _pct("8")},
}
SHARE_TOTAL_2025 = _pct("15")
SITUATIONS_ANNOUNCED = {2024: 302, 2025: 302}
PUBLIC_2025 = {"adult": 87, "youth": 215}

# Section 8: complex situations by announcer x region (blank cells are 0).
COMPLEX_2025 = {
    "ORP": {"Haut-Valais": 7, "Sierre": 5, "Sion": 17, "Martigny": 13, "Monthey": 8},
    "CMS": {"Haut-Valais": 4, "Sierre": 5, "Sion": 8, "Martigny": 2, "Monthey": 8},
    "BIP/OASI": {"Haut-Valais": 1, "Sierre": 0, "Sion": 1, "Martigny": 0, "Monthey": 0},
    "OAI": {"Haut-Valais": 3, "Sierre": 0, "Sion": 0, "Martigny": 0, "Monthey": 0},
    "OSP/SHE": {"Haut-Valais": 1, "Sierre": 0, "Sion": 0, "Martigny": 0, "Monthey": 1},
    "T1/SFOP": {"Haut-Valais": 2, "Sierre": 0, "Sion": 0, "Martigny": 0, "Monthey": 1},
}
EARLY_DETECTION = {2024: _pct("36"), 2025: _pct("25")}
EARLY_DETECTION_DAYS = 183  # "dans un délai inférieur à 6 mois" (DESIGN.md §3)
SERVICES_2025 = {"tro": 23, "coaching_orp_cms": 49, "medical_mandate": 0, "cm_cii": 0}
REINSERTION_RATE = {2025: _pct("33"), 2024: _pct("52")}  # 2024: 33 % + 19 points (see README)
T1_RECEIVED = {2024: 462, 2025: 727}
T1_PROVENANCE_2025 = {"institutional": 606, "private": 80, "osp_survey": 39, "medical_network": 2}
T1_PROVENANCE_SHARE_2025 = {"institutional": "83.3", "private": "11", "osp_survey": "5.4", "medical_network": "0.3"}
T1_INSTITUTIONS_2025 = {"ORP": 97, "CIO/OSP": 57, "SFOP": 32, "OAI": 17, "CMS": 7, "OASI": 5, "circle_2_3": 391}
T1_INSTITUTION_SHARE_2025 = {
    "ORP": "16", "CIO/OSP": "9.5", "SFOP": "5", "OAI": "3", "CMS": "1", "OASI": "1", "circle_2_3": "64.5",
}
TRANSITIONS_2025 = {"orp_to_cms": 76, "cms_to_orp": 85}
PROTECTED_PERSONS = {2022: 38, 2023: 67, 2024: 77, 2025: 143}
TRAINING_PARTICIPANTS = {2024: 52, 2025: 52}
TRAINING_BY_LANGUAGE_2025 = {"valais_romand": 43, "haut_valais": 9}
BUDGET_CENTS = {2024: 43420670, 2025: 41640690}

NOTES = {
    "youth": (
        "Note 1 : « Les situations jeunes concernent toutes les situations signalées à la Plateforme T1, "
        "de type réseau ou complexe ». Contradiction du rapport : la section 5 compte 727 situations "
        "traitées par la Plateforme T1 en 2025, pas 215."
    ),
    "t1_727": (
        "Section 5 : 727 situations traitées par la Plateforme T1, réseau et complexes. Contradiction "
        "du rapport : le résumé compte 215 situations jeunes (note 1)."
    ),
    "t1_462": "Déduit du texte : « 727 situations, soit 265 de plus que l'année précédente ».",
    "transitions": "Note 3 : « La région de Monthey (ORP et CMS) n'a pas répertorié les transitions ».",
    "lvcc": "Note {n} : « Une situation a été comptabilisée sous l'ORP mais signalées par la LVCC ».",
    "t1_escada": (
        "Note 6 : « La T1 comptabilise les situations complexes dans son outil métier ESCADA, le chiffre "
        "de 3 ne reflète pas la réalité du terrain »."
    ),
    "early_2024": "« plus de 36 % des situations avaient été signalées en 2024 ».",
    "rate_2024": (
        "Déduit : le taux 2025 de 33 % « a diminué de 19 % par rapport à celui de 2024 », lu comme "
        "19 points de pourcentage."
    ),
    "rate_change": "« Ce taux a diminué de 19 % par rapport à celui de 2024 », lu comme -19 points.",
    "share_total": "« soit 15% du nombre total de bénéficiaires » (donné pour 2025 seulement).",
    "share_83_3": "Imprimé 83.3 % ; 606 / 727 = 83.36 %, soit 83.4 % arrondi.",
    "share_9_5": "Imprimé 9.5 % ; 57 / 606 = 9.41 %, soit 9.4 % arrondi.",
    "protected": "Personnes à protéger (permis S) inscrites dans les ORP, avec et sans droit aux IC.",
    "training_split": "Valais romand (43) et Haut-Valais (9), donnés pour 2025 seulement.",
    "budget": "Frais structurels alloués à la CII Valais.",
}


# --- small helpers ---------------------------------------------------------------------------


def round_half_up(value: Fraction, digits: int) -> Fraction:
    """``value`` rounded half-up to ``digits`` decimals, exactly (no binary floats).

    >>> round_half_up(Fraction(22, 87), 2), round_half_up(Fraction(1, 8), 2)
    (Fraction(1, 4), Fraction(13, 100))
    """
    scale = 10**digits
    return Fraction(math.floor(value * scale + Fraction(1, 2)), scale)


def _largest_remainder(total: int, weights: dict) -> dict:
    """Split ``total`` into integers proportional to ``weights`` (Hamilton's method, stable ties)."""
    keys = list(weights)
    weight_sum = sum(Fraction(weights[k]) for k in keys)
    exact = {k: Fraction(total) * Fraction(weights[k]) / weight_sum for k in keys}
    result = {k: math.floor(v) for k, v in exact.items()}
    by_remainder = sorted(keys, key=lambda k: (-(exact[k] - result[k]), keys.index(k)))
    for k in by_remainder[: total - sum(result.values())]:
        result[k] += 1
    return result


def _ordinal(year: int, month: int, day: int) -> int:
    return dt.date(year, month, day).toordinal()


@cache
def _year_bounds(year: int) -> tuple[int, int]:
    return _ordinal(year, 1, 1), _ordinal(year, 12, 31)


def _iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


def _sorted_set(institutions: Iterable[str]) -> tuple[str, ...]:
    return tuple(i for i in INSTITUTIONS if i in set(institutions))


def synthetic_avs(number: int) -> str:
    """The 13 digits of synthetic AVS number ``number`` (756.9999.xxxx.xC, valid check digit).

    >>> synthetic_avs(1)
    '7569999000017'
    """
    body = f"{SYNTHETIC_AVS_PREFIX}{number:05d}"
    if len(body) != 12:
        raise ValueError(f"synthetic AVS numbers go up to 99999, not {number}")
    total = sum(int(digit) * (3 if i % 2 else 1) for i, digit in enumerate(body))
    return body + str((10 - total % 10) % 10)


def demo_pseudonym(avs13: str) -> str:
    """The demo pseudonym of an AVS number: HMAC-SHA256 under :data:`DEMO_KEY`, 64 lowercase hex.

    The same computation as ``cii pseudonymize`` (``dashboard.pseudonymize.pseudonym``) with the
    demo key: a test keeps the two equal.
    """
    return hmac.digest(DEMO_KEY, avs13.encode("ascii"), "sha256").hex()


# --- follow-up episodes: the plan -------------------------------------------------------------


@dataclass(frozen=True)
class FollowupPlan:
    """The overlap targets of one year and the demo's choices that realise them.

    ``beneficiaries`` are chosen so that ``share x beneficiaries`` is a whole number: each
    institution's share then lands exactly on the printed value, the middle of its rounding
    interval. ``total_share`` likewise fixes the number of all beneficiaries.
    """

    year: int
    simultaneous: int
    total_share: Fraction
    shares: dict[str, Fraction]
    beneficiaries: dict[str, int]
    # Simultaneously followed persons with an episode at one more institution that overlaps
    # nothing: (participating pair, extra institution) -> persons.
    extras: dict[tuple[tuple[str, str], str], int]
    quadruple_fraction: Fraction = Fraction(5, 100)
    quintuples: int = 1  # one person followed by all five institutions at once

    @property
    def all_beneficiaries(self) -> int:
        exact = Fraction(self.simultaneous) / self.total_share
        return math.floor(exact + Fraction(1, 2))


FOLLOWUP_PLANS = {
    2024: FollowupPlan(
        year=2024,
        simultaneous=SIMULTANEOUS[2024],
        # The report gives the total share for 2025 only; the demo's 2024 is 16 % (see README).
        total_share=_pct("16"),
        shares=SHARE_BY_INSTITUTION[2024],
        beneficiaries={"ORP": 21500, "OAI": 8500, "CMS": 8800, "OSP": 6800, "OASI": 6600},
        extras={
            (("ORP", "CMS"), "OSP"): 40,
            (("ORP", "OAI"), "CMS"): 35,
            (("OAI", "CMS"), "ORP"): 20,
            (("ORP", "CMS"), "OASI"): 15,
        },
    ),
    2025: FollowupPlan(
        year=2025,
        simultaneous=SIMULTANEOUS[2025],
        total_share=SHARE_TOTAL_2025,
        shares=SHARE_BY_INSTITUTION[2025],
        beneficiaries={"ORP": 23000, "OAI": 8600, "CMS": 8800, "OSP": 6000, "OASI": 5800},
        extras={
            (("ORP", "CMS"), "OSP"): 45,
            (("ORP", "OAI"), "CMS"): 40,
            (("OAI", "CMS"), "ORP"): 20,
            (("ORP", "CMS"), "OASI"): 20,
        },
    ),
}

# Relative frequency of each combination among the simultaneously followed persons. Pairs are
# fitted to the per-institution targets (:func:`_fit_pairs`), starting from these weights:
# ORP with CMS (unemployment and social aid) is by far the most common.
PAIR_WEIGHTS = {
    ("ORP", "CMS"): 40, ("ORP", "OAI"): 25, ("ORP", "OSP"): 12, ("ORP", "OASI"): 8, ("OAI", "CMS"): 8,
    ("CMS", "OSP"): 3, ("OAI", "OSP"): 2, ("CMS", "OASI"): 1.5, ("OAI", "OASI"): 0.5, ("OSP", "OASI"): 0.5,
}
TRIPLE_WEIGHTS = {
    ("ORP", "OAI", "CMS"): 34, ("ORP", "CMS", "OSP"): 24, ("ORP", "OAI", "OSP"): 16, ("OAI", "CMS", "OSP"): 8,
    ("ORP", "CMS", "OASI"): 6, ("ORP", "OAI", "OASI"): 3, ("ORP", "OSP", "OASI"): 2, ("CMS", "OSP", "OASI"): 1,
    ("OAI", "CMS", "OASI"): 1,
}
QUADRUPLE_WEIGHTS = {
    ("ORP", "OAI", "CMS", "OSP"): 7, ("ORP", "CMS", "OSP", "OASI"): 2, ("ORP", "OAI", "CMS", "OASI"): 1,
}
# Persons followed by two institutions one after the other (never at once) in the same year.
SEQUENTIAL_WEIGHTS = {
    ("ORP", "CMS"): 35, ("ORP", "OAI"): 20, ("ORP", "OSP"): 15, ("ORP", "OASI"): 15, ("OAI", "CMS"): 5,
    ("CMS", "OSP"): 5, ("OAI", "OSP"): 3, ("CMS", "OASI"): 2,
}


def _fit_pairs(margins: dict[str, int], total: int) -> dict[tuple[str, str], int]:
    """Integer pair counts whose per-institution sums are ``margins``, shaped like PAIR_WEIGHTS.

    Symmetric iterative proportional fitting gives real counts; they are floored and the few
    missing units are added to the pairs of the institutions that miss the most.
    """
    if any(v < 0 for v in margins.values()) or sum(margins.values()) != 2 * total:
        raise ValueError(f"no pair counts for margins {margins} and {total} pairs")
    fitted = {pair: float(w) for pair, w in PAIR_WEIGHTS.items()}
    for _ in range(2000):
        sums = {i: sum(v for pair, v in fitted.items() if i in pair) for i in INSTITUTIONS}
        factor = {i: margins[i] / sums[i] if sums[i] else 0.0 for i in INSTITUTIONS}
        fitted = {pair: v * math.sqrt(factor[pair[0]] * factor[pair[1]]) for pair, v in fitted.items()}
    counts = {pair: math.floor(v) for pair, v in fitted.items()}
    missing = {i: margins[i] - sum(v for pair, v in counts.items() if i in pair) for i in INSTITUTIONS}
    while any(missing.values()):
        first, second = sorted(INSTITUTIONS, key=lambda i: (-missing[i], INSTITUTIONS.index(i)))[:2]
        pair = next(p for p in PAIR_WEIGHTS if set(p) == {first, second})
        if missing[second] > 0:
            counts[pair] += 1
            missing[first] -= 1
            missing[second] -= 1
        else:  # only `first` misses: split a pair of two others into two pairs with `first`
            others = max((p for p in counts if first not in p and counts[p] > 0), key=lambda p: counts[p])
            counts[others] -= 1
            for institution in others:
                counts[next(p for p in PAIR_WEIGHTS if set(p) == {first, institution})] += 1
            missing[first] -= 2
    if any(v < 0 for v in counts.values()):
        raise ValueError(f"negative pair counts {counts}")
    return counts


@dataclass(frozen=True)
class YearPlan:
    """The solved plan of one year: persons per profile, and the combination counts."""

    profiles: Counter  # Profile -> persons
    combinations: dict[tuple[str, ...], int]  # participating set -> persons
    sequential: int  # persons at two institutions at different times only


def plan_profiles(plan: FollowupPlan) -> YearPlan:
    """Persons per profile for one year, so that every overlap target of the year is met.

    With ``p_i = share_i x beneficiaries_i`` persons taking part at institution i and S persons
    followed simultaneously, the combinations must satisfy ``sum(p_i) = 2·pairs + 3·triples +
    4·quadruples + 5·quintuples``: the triples and quadruples are fixed by that excess over 2·S,
    split by TRIPLE_WEIGHTS and QUADRUPLE_WEIGHTS, and the pairs are fitted to what remains of
    each p_i. The persons who are not followed simultaneously fill the remaining places of each
    institution: some at two institutions one after the other (as many as needed for the total
    number of beneficiaries to be ``S / total_share``), the others at one institution.
    """
    taking_part = {}
    for institution in INSTITUTIONS:
        exact = plan.shares[institution] * plan.beneficiaries[institution]
        if exact.denominator != 1:
            raise ValueError(f"{plan.year} {institution}: share x beneficiaries is not whole: {exact}")
        taking_part[institution] = int(exact)
    s = plan.simultaneous
    excess = sum(taking_part.values()) - 2 * s - 3 * plan.quintuples
    quadruples = math.floor(plan.quadruple_fraction * excess / (1 + plan.quadruple_fraction) + Fraction(1, 2))
    triples = excess - 2 * quadruples
    combinations: dict[tuple[str, ...], int] = {}
    combinations.update(_largest_remainder(triples, TRIPLE_WEIGHTS))
    combinations.update(_largest_remainder(quadruples, QUADRUPLE_WEIGHTS))
    combinations[INSTITUTIONS] = plan.quintuples
    margins = dict(taking_part)
    for combination, count in combinations.items():
        for institution in combination:
            margins[institution] -= count
    pairs = _fit_pairs(margins, s - triples - quadruples - plan.quintuples)
    combinations = {_sorted_set(k): v for k, v in (*pairs.items(), *combinations.items())}

    profiles: Counter = Counter()
    places = {i: plan.beneficiaries[i] - taking_part[i] for i in INSTITUTIONS}
    extras = Counter()
    for (pair, extra), count in plan.extras.items():
        extras[_sorted_set(pair)] += count
        places[extra] -= count
        profiles[(frozenset((*pair, extra)), frozenset(pair))] += count
    for combination, count in combinations.items():
        profiles[(frozenset(combination), frozenset(combination))] += count - extras[combination]
    # persons = S + sequential + singles and sum(places) = 2·sequential + singles
    sequential = s + sum(places.values()) - plan.all_beneficiaries
    if sequential < 0:
        raise ValueError(f"{plan.year}: too few places for {plan.all_beneficiaries} beneficiaries")
    for pair, count in _largest_remainder(sequential, SEQUENTIAL_WEIGHTS).items():
        profiles[(frozenset(pair), frozenset())] += count
        for institution in pair:
            places[institution] -= count
    for institution, count in places.items():
        if count < 0:
            raise ValueError(f"{plan.year} {institution}: {count} places left")
        profiles[(frozenset((institution,)), frozenset())] += count
    if any(v < 0 for v in profiles.values()):
        raise ValueError(f"{plan.year}: negative profile counts")
    return YearPlan(profiles=+profiles, combinations=combinations, sequential=sequential)


# --- follow-up episodes: drawing persons ------------------------------------------------------

# Typical episode lengths in days (low, high, mode): OSP counselling is short, OAI and OASI long.
DURATIONS = {
    "ORP": (45, 600, 200),
    "OAI": (120, 1200, 450),
    "CMS": (90, 1100, 380),
    "OSP": (20, 300, 90),
    "OASI": (120, 1100, 420),
}
ONGOING = 0.1  # share of episodes of the later year with no known end


def person_profile(episodes: Sequence[Episode], year: int) -> Profile:
    """The profile of a person in ``year``: present institutions and those taking part.

    Episodes are clipped to the year, ends inclusive, no end = open (DESIGN.md §3).

    >>> jan = dt.date(2025, 1, 1).toordinal()
    >>> present, taking_part = person_profile([("ORP", jan, jan + 9), ("CMS", jan + 9, None), ("ORP", jan, jan + 20)], 2025)
    >>> sorted(present), sorted(taking_part)  # sorted: a frozenset's order follows the hash seed
    (['CMS', 'ORP'], ['CMS', 'ORP'])
    """
    first, last = _year_bounds(year)
    clipped = [
        (institution, max(start, first), last if end is None else min(end, last))
        for institution, start, end in episodes
        if start <= last and (end is None or end >= first)
    ]
    taking_part: set[str] = set()
    for a, (inst_a, start_a, end_a) in enumerate(clipped):
        for inst_b, start_b, end_b in clipped[a + 1 :]:
            if inst_a != inst_b and max(start_a, start_b) <= min(end_a, end_b):
                taking_part.update((inst_a, inst_b))
    return frozenset(i for i, _, _ in clipped), frozenset(taking_part)


class _Drawer:
    """Draws the episodes of one person for a wanted profile (retrying until it is met)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def duration(self, institution: str) -> int:
        low, high, mode = DURATIONS[institution]
        return round(self.rng.triangular(low, high, mode))

    def day_in(self, year: int, margin_start: int = 0, margin_end: int = 0) -> int:
        first, last = _year_bounds(year)
        return self.rng.randint(first + margin_start, last - margin_end)

    def around(self, institution: str, day: int, year: int) -> Episode:
        """An episode containing ``day`` that stays inside the one year of a one-year person."""
        first, last = _year_bounds(year)
        length = self.duration(institution)
        if year == YEARS[-1]:  # must not reach back into the earlier year
            before = self.rng.randint(0, min(length, day - first))
            end = None if self.rng.random() < ONGOING else day + length - before
            return institution, day - before, end
        after = self.rng.randint(0, min(length, last - day))  # must end within the year
        return institution, day + after - length, day + after

    def single(self, institution: str, year: int) -> list[Episode]:
        first, last = _year_bounds(year)
        length = self.duration(institution)
        if year == YEARS[-1]:
            start = self.rng.randint(first, last)
            end = None if self.rng.random() < ONGOING else start + length
        else:
            end = self.rng.randint(first, last)
            start = end - length
        episodes: list[Episode] = [(institution, start, end)]
        shape = self.rng.random()
        if shape < 0.04:  # a second, overlapping episode at the same institution: not simultaneous
            second_start = start + self.rng.randint(1, max(1, length // 2))
            episodes.append((institution, second_start, end))
        elif shape < 0.10:  # a second episode at the same institution after a gap
            gap = self.rng.randint(1, 120)
            if end is not None:
                episodes.append((institution, end + gap, end + gap + self.duration(institution) // 3))
        return episodes

    def sequential(self, pair: tuple[str, str], year: int) -> list[Episode]:
        """Two institutions one after the other; sometimes the second starts the next day."""
        one, two = self.rng.sample(pair, 2)
        first, last = _year_bounds(year)
        gap = 1 if self.rng.random() < 0.2 else self.rng.randint(2, 90)
        switch = self.day_in(year, 20, 20)  # last day at the first institution
        start_one = switch - self.duration(one)
        if year == YEARS[-1]:
            start_one = max(start_one, first + self.rng.randint(0, switch - first))
        end_two = switch + gap + self.duration(two)
        if year == YEARS[0]:
            end_two = min(end_two, last - self.rng.randint(0, max(0, last - switch - gap)))
        elif self.rng.random() < ONGOING:
            end_two = None
        return [(one, start_one, switch), (two, switch + gap, end_two)]

    def star(self, institutions: Sequence[str], year: int) -> list[Episode]:
        """All episodes contain one common day; for a pair, sometimes exactly that one day."""
        day = self.day_in(year, 10, 10)
        if len(institutions) == 2 and self.rng.random() < 0.05:
            one, two = self.rng.sample(list(institutions), 2)
            ending = self.around(one, day, year)
            starting = self.around(two, day, year)
            return [(one, ending[1], day), (two, day, starting[2])]
        episodes = [self.around(i, day, year) for i in institutions]
        if self.rng.random() < 0.06:  # a second episode at one of them, overlapping or not
            institution = self.rng.choice(list(institutions))
            episodes.append(self.around(institution, self.day_in(year), year))
        return episodes

    def chain(self, institutions: Sequence[str], year: int) -> list[Episode]:
        """A–B, B–C...: each overlaps the next one only (A and C never overlap), at some anchors."""
        order = self.rng.sample(list(institutions), len(institutions))
        first, last = _year_bounds(year)
        links = len(order) - 1
        span = (last - first - 40) // links
        anchors = [first + 20 + k * span + self.rng.randint(15, span - 15) for k in range(links)]
        margins = [self.rng.randint(0, 6) for _ in anchors]
        episodes: list[Episode] = []
        for k, institution in enumerate(order):
            if k == 0:
                start = anchors[0] - margins[0] - self.rng.randint(5, 200)
                start = max(start, first) if year == YEARS[-1] else start
            else:
                start = anchors[k - 1] - margins[k - 1]
            if k == links:
                end = anchors[-1] + margins[-1] + self.rng.randint(5, 200)
                end = min(end, last) if year == YEARS[0] else end
            else:
                end = anchors[k] + margins[k]
            episodes.append((institution, start, end))
        return episodes

    def with_extra(self, pair: Sequence[str], extra: str, year: int) -> list[Episode]:
        """A simultaneous pair plus an episode at a third institution that overlaps neither."""
        episodes = self.star(pair, year)
        first, last = _year_bounds(year)
        earliest = min(start for _, start, _ in episodes)
        if earliest - 2 >= first:
            end = earliest - self.rng.randint(1, 30)
            return [(extra, end - self.duration(extra), end), *episodes]
        latest = max((end for _, _, end in episodes if end is not None), default=None)
        if latest is not None and latest + 2 <= last:
            start = latest + self.rng.randint(1, 30)
            end = min(start + self.duration(extra), last) if year == YEARS[0] else start + 30
            return [*episodes, (extra, start, end)]
        return episodes  # the retry loop draws again


# Persons followed across the turn of 2024/2025: (recipe, institutions, persons). Each recipe
# has a known profile in both years (checked when drawn).
CARRY_OVERS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("single", ("ORP",), 4200), ("single", ("CMS",), 2600), ("single", ("OAI",), 3300),
    ("single", ("OSP",), 800), ("single", ("OASI",), 2100),
    ("both_years", ("ORP", "CMS"), 420), ("both_years", ("ORP", "OAI"), 260), ("both_years", ("ORP", "OSP"), 80),
    ("both_years", ("ORP", "OASI"), 25), ("both_years", ("OAI", "CMS"), 60), ("both_years", ("CMS", "OSP"), 15),
    ("both_years", ("ORP", "OAI", "CMS"), 40), ("both_years", ("ORP", "CMS", "OSP"), 12),
    # the first institution follows the person across the turn of the year, the second joins in 2025
    ("joins_later", ("ORP", "CMS"), 150), ("joins_later", ("OAI", "ORP"), 80), ("joins_later", ("CMS", "ORP"), 60),
    ("joins_later", ("OASI", "ORP"), 10),
    # the first follows across the turn of the year, the second overlapped in 2024 only
    ("left_earlier", ("ORP", "CMS"), 120), ("left_earlier", ("ORP", "OAI"), 60), ("left_earlier", ("CMS", "ORP"), 70),
    # one-day overlaps on 31.12.2024 (simultaneous in 2024 only) and 1.1.2025 (in 2025 only)
    ("one_day_dec31", ("ORP", "CMS"), 6), ("one_day_dec31", ("CMS", "ORP"), 4),
    ("one_day_jan1", ("ORP", "CMS"), 5), ("one_day_jan1", ("OAI", "ORP"), 3),
    # the first ends on 31.12.2024, the second starts on 1.1.2025: never simultaneous
    ("handover", ("ORP", "CMS"), 110), ("handover", ("CMS", "ORP"), 90), ("handover", ("OASI", "ORP"), 40),
    ("handover", ("ORP", "OAI"), 20),
)


def _carry_over(
    drawer: _Drawer, recipe: str, institutions: tuple[str, ...]
) -> tuple[list[Episode], Profile, Profile]:
    """Episodes of a person followed in both years, with their expected 2024 and 2025 profiles."""
    rng = drawer.rng
    dec31, jan1 = _ordinal(2024, 12, 31), _ordinal(2025, 1, 1)
    everyone = frozenset(institutions)
    nobody: frozenset[str] = frozenset()

    def spanning(institution: str, earliest_end: int = jan1) -> Episode:
        start = dec31 - rng.randint(0, 500)
        end = None if rng.random() < 0.15 else max(earliest_end, jan1 + rng.randint(0, 400))
        return institution, start, end

    if recipe == "single":
        return [spanning(institutions[0])], (everyone, nobody), (everyone, nobody)
    if recipe == "both_years":  # every episode contains 31.12.2024 and 1.1.2025
        return [spanning(i) for i in institutions], (everyone, everyone), (everyone, everyone)
    one, two = institutions
    if recipe == "joins_later":
        join = jan1 + rng.randint(0, 300)
        first = spanning(one, earliest_end=join + 1)
        return [first, (two, join, join + drawer.duration(two))], (frozenset({one}), nobody), (everyone, everyone)
    if recipe == "left_earlier":
        left = dec31 - rng.randint(1, 200)
        first = spanning(one)
        second_start = max(first[1], left - drawer.duration(two) // 2)
        return [first, (two, second_start, left)], (everyone, everyone), (frozenset({one}), nobody)
    if recipe == "one_day_dec31":
        return (
            [(one, dec31 - drawer.duration(one), dec31), (two, dec31, jan1 + drawer.duration(two))],
            (everyone, everyone),
            (frozenset({two}), nobody),
        )
    if recipe == "one_day_jan1":
        return (
            [(one, dec31 - drawer.duration(one), jan1), (two, jan1, jan1 + drawer.duration(two))],
            (frozenset({one}), nobody),
            (everyone, everyone),
        )
    if recipe == "handover":
        end = None if rng.random() < 0.3 else jan1 + drawer.duration(two)
        return (
            [(one, dec31 - drawer.duration(one), dec31), (two, jan1, end)],
            (frozenset({one}), nobody),
            (frozenset({two}), nobody),
        )
    raise ValueError(recipe)


def _episodes_fit(episodes: Sequence[Episode], year: int) -> bool:
    """A one-year person: every episode intersects ``year`` and none the other demo year."""
    first, last = _year_bounds(year)
    for _, start, end in episodes:
        if start > last or (end is not None and end < first) or (end is not None and end < start):
            return False
        if year == YEARS[0] and (end is None or end > last):
            return False
        if year == YEARS[-1] and start < first:
            return False
    return _valid(episodes)


MAX_ATTEMPTS = 10_000


def _valid(episodes: Sequence[Episode]) -> bool:
    """Ends not before starts, and the key (person, institution, start) unique."""
    if any(end is not None and end < start for _, start, end in episodes):
        return False
    return len({(i, s) for i, s, _ in episodes}) == len(episodes)


def _one_year_drawer(drawer: _Drawer, profile: Profile, year: int, chain_share: float) -> Callable[[], list[Episode]]:
    present, taking_part = profile
    if not taking_part:
        if len(present) == 1:
            return lambda: drawer.single(next(iter(present)), year)
        return lambda: drawer.sequential(_sorted_set(present), year)
    if present != taking_part:
        (extra,) = present - taking_part
        return lambda: drawer.with_extra(_sorted_set(taking_part), extra, year)
    combination = _sorted_set(present)
    if len(combination) >= 3:
        return lambda: (drawer.chain if drawer.rng.random() < chain_share else drawer.star)(combination, year)
    return lambda: drawer.star(combination, year)


@dataclass
class Person:
    region: str
    episodes: list[Episode]


def build_persons(seed: int) -> tuple[list[Person], dict[int, YearPlan]]:
    """All persons of the demo with their episodes, and the solved plan of each year.

    Raises if the drawn persons do not reproduce each year's plan exactly.
    """
    rng = random.Random(f"{seed}-followups")
    drawer = _Drawer(rng)
    plans = {year: plan_profiles(FOLLOWUP_PLANS[year]) for year in YEARS}
    remaining = {year: Counter(plans[year].profiles) for year in YEARS}
    persons: list[list[Episode]] = []

    for recipe, institutions, count in CARRY_OVERS:
        for _ in range(count):
            for _attempt in range(MAX_ATTEMPTS):
                episodes, *expected = _carry_over(drawer, recipe, institutions)
                if _valid(episodes) and [person_profile(episodes, y) for y in YEARS] == expected:
                    break
            else:
                raise RuntimeError(f"could not draw a {recipe} person for {institutions}")
            for year, profile in zip(YEARS, expected, strict=True):
                remaining[year][profile] -= 1
            persons.append(episodes)
    for year in YEARS:
        short = {p: n for p, n in remaining[year].items() if n < 0}
        if short:
            raise ValueError(f"{year}: carry-overs exceed the plan for {short}")

    for year in YEARS:
        for profile in sorted(remaining[year], key=_profile_sort_key):
            draw = _one_year_drawer(drawer, profile, year, chain_share=0.3)
            for _ in range(remaining[year][profile]):
                for _attempt in range(MAX_ATTEMPTS):
                    episodes = draw()
                    if _episodes_fit(episodes, year) and person_profile(episodes, year) == profile:
                        break
                else:
                    raise RuntimeError(f"could not draw a {year} person with profile {profile}")
                persons.append(episodes)

    for year in YEARS:
        achieved = Counter(p for p in (person_profile(e, year) for e in persons) if p[0])
        if achieved != plans[year].profiles:
            raise AssertionError(f"{year}: drawn persons do not match the plan")
    rng.shuffle(persons)  # pseudonyms must not reveal how a person was drawn
    regions = list(REGION_WEIGHTS)
    weights = list(REGION_WEIGHTS.values())
    return [Person(rng.choices(regions, weights)[0], episodes) for episodes in persons], plans


def _profile_sort_key(profile: Profile) -> tuple:
    present, taking_part = profile
    return (len(present), _sorted_set(present), len(taking_part), _sorted_set(taking_part))


def followup_extracts(persons: Sequence[Person]) -> dict[int, pl.DataFrame]:
    """Each year's extract: the episodes that intersect the year, as known on its extraction day.

    Person k (from 1) gets synthetic AVS number k and its demo pseudonym as ``person_id``.
    """
    numbers, institutions, starts, ends = [], [], [], []
    for number, person in enumerate(persons, start=1):
        for institution, start, end in person.episodes:
            numbers.append(number)
            institutions.append(institution)
            starts.append(start)
            ends.append(end)
    ids = pl.DataFrame(
        {
            "number": range(1, len(persons) + 1),
            "person_id": [demo_pseudonym(synthetic_avs(n)) for n in range(1, len(persons) + 1)],
            "region": [p.region for p in persons],
        },
        schema={"number": pl.Int64, "person_id": pl.String, "region": pl.String},
    )
    # Date ordinals count from 0001-01-01 = 1; polars dates from 1970-01-01 = 0.
    epoch = dt.date(1970, 1, 1).toordinal()
    episodes = (
        pl.DataFrame(
            {"number": numbers, "institution": institutions, "start": starts, "end": ends},
            schema={"number": pl.Int64, "institution": pl.String, "start": pl.Int64, "end": pl.Int64},
        )
        .join(ids, on="number", how="left")
        .with_columns((pl.col("start", "end") - epoch).cast(pl.Int32).cast(pl.Date))
    )
    extracts = {}
    for year in YEARS:
        extracted_on = EXTRACTED_ON[year]
        extracts[year] = (
            episodes.filter(
                pl.col("start") <= dt.date(year, 12, 31),
                pl.col("end").is_null() | (pl.col("end") >= dt.date(year, 1, 1)),
            )
            .select(
                "person_id",
                "institution",
                "region",
                pl.col("start").alias("start_date"),
                # An end after the extraction day is not known yet: the episode is still open.
                pl.when(pl.col("end") <= extracted_on).then(pl.col("end")).alias("end_date"),
            )
            .sort("start_date", "person_id", "institution")
        )
    return extracts


# --- situations, services, T1, coaching, transitions, protected persons, trainings, budget -----

# The complex situations of 2024 (not in the report): announcer x region, plausible.
COMPLEX_2024 = {
    "ORP": {"Haut-Valais": 9, "Sierre": 7, "Sion": 16, "Martigny": 11, "Monthey": 9},
    "CMS": {"Haut-Valais": 5, "Sierre": 4, "Sion": 9, "Martigny": 4, "Monthey": 6},
    "BIP/OASI": {"Haut-Valais": 1, "Sierre": 0, "Sion": 1, "Martigny": 1, "Monthey": 0},
    "OAI": {"Haut-Valais": 2, "Sierre": 0, "Sion": 1, "Martigny": 0, "Monthey": 0},
    "OSP/SHE": {"Haut-Valais": 0, "Sierre": 1, "Sion": 0, "Martigny": 0, "Monthey": 1},
    "T1/SFOP": {"Haut-Valais": 1, "Sierre": 0, "Sion": 1, "Martigny": 0, "Monthey": 1},
}
COMPLEX = {2024: COMPLEX_2024, 2025: COMPLEX_2025}
# Complex situations announced within 6 months of the start of the follow-up, per announcer:
# CMS take longer to confirm employability (report, section 8). 2025: 22/87; 2024: 33/91.
EARLY_BY_ANNOUNCER = {
    2024: {"ORP": 20, "CMS": 5, "BIP/OASI": 2, "OAI": 2, "OSP/SHE": 2, "T1/SFOP": 2},
    2025: {"ORP": 14, "CMS": 2, "BIP/OASI": 1, "OAI": 2, "OSP/SHE": 1, "T1/SFOP": 2},
}
# Adult network situations announced to the Bureau CII (the rest of the adults are complex).
ADULT_NETWORK = {2024: {"ORP": 3, "CMS": 2, "OAI": 1}, 2025: {"ORP": 1, "CMS": 1, "OAI": 1}}
SERVICES = {2024: {"tro": 27, "assessment": 7, "coaching_orp_cms": 55, "cm_cii": 1, "medical_mandate": 0},
            2025: {"tro": 23, "assessment": 5, "coaching_orp_cms": 49, "cm_cii": 0, "medical_mandate": 0}}
T1_PROVENANCE_2024 = {"institutional": 380, "private": 52, "osp_survey": 28, "medical_network": 2}
T1_INSTITUTIONS_2024 = {"ORP": 64, "CIO/OSP": 38, "SFOP": 21, "OAI": 12, "CMS": 5, "OASI": 4, "circle_2_3": 236}
T1_COMPLEX = {2024: 41, 2025: 58}  # situations the T1 itself classes as complex (in ESCADA)
TRANSITIONS = {
    2024: {"orp_to_cms": {"Haut-Valais": 17, "Sierre": 12, "Sion": 21, "Martigny": 16, "Monthey": 15},
           "cms_to_orp": {"Haut-Valais": 16, "Sierre": 11, "Sion": 19, "Martigny": 15, "Monthey": 13}},
    # 2025: Monthey did not record its transitions (footnote 3): no rows at all, not zeros.
    2025: {"orp_to_cms": {"Haut-Valais": 20, "Sierre": 14, "Sion": 24, "Martigny": 18},
           "cms_to_orp": {"Haut-Valais": 22, "Sierre": 16, "Sion": 27, "Martigny": 20}},
}
# Persons with an S permit at the ORP: region -> (with unemployment benefit, without).
PROTECTED_BY_REGION = {
    2024: {"Haut-Valais": (9, 6), "Sierre": (5, 3), "Sion": (12, 8), "Martigny": (8, 6), "Monthey": (11, 9)},
    2025: {"Haut-Valais": (18, 12), "Sierre": (9, 7), "Sion": (22, 16), "Martigny": (15, 11), "Monthey": (17, 16)},
}
TRAININGS = {
    2024: [("2024-03-14", "Journée d'introduction à la CII", "valais_romand", 20),
           ("2024-04-11", "Journée d'introduction à la CII", "haut_valais", 9),
           ("2024-09-19", "Session de consolidation CII", "valais_romand", 15),
           ("2024-11-07", "Formation HES travail social", "valais_romand", 8)],
    2025: [("2025-03-20", "Journée d'introduction à la CII", "valais_romand", 22),
           ("2025-04-03", "Journée d'introduction à la CII", "haut_valais", 9),
           ("2025-05-15", "Session de consolidation CII", "valais_romand", 12),
           ("2025-11-06", "Formation HES travail social", "valais_romand", 9)],
}
# Budget lines in centimes; the last category takes the rest of the published total.
BUDGET_LINES = {
    2024: {"Chargée cantonale et secrétariat": 16621080, "Coordination régionale": 11094000,
           "Coordination thématique": 5348025, "Formations et journées régionales": 2864090,
           "Système d'alerte CII": 4125000, "Étude jeunes en rupture": 2650000},
    2025: {"Chargée cantonale et secrétariat": 16854035, "Coordination régionale": 11238000,
           "Coordination thématique": 5412060, "Formations et journées régionales": 3127540,
           "Système d'alerte CII": 1896000, "Étude jeunes en rupture": 2480000},
}
BUDGET_REST = "Frais de fonctionnement"
# Coaching ORP-CMS cases: closed in the year by outcome, still open at the end of the year.
COACHING_CLOSED = {2024: {"employment": 13, "training": 4, "no_reinsertion": 5, "dropped_out": 3},
                   2025: {"employment": 9, "training": 6, "no_reinsertion": 8, "dropped_out": 4}}
COACHING_STARTED_BEFORE_2024 = 20


def _random_day(rng: random.Random, year: int) -> int:
    first, last = _year_bounds(year)
    return rng.randint(first, last)


def _region_draw(rng: random.Random) -> str:
    return rng.choices(list(REGION_WEIGHTS), list(REGION_WEIGHTS.values()))[0]


def situations(seed: int, year: int) -> pl.DataFrame:
    """Situations announced to the Bureau CII in ``year`` (see README for adult/youth vs complex)."""
    rng = random.Random(f"{seed}-situations-{year}")
    rows = []
    for announcer, by_region in COMPLEX[year].items():
        cells = [region for region in REGIONS for _ in range(by_region[region])]
        early = set(rng.sample(range(len(cells)), EARLY_BY_ANNOUNCER[year][announcer]))
        for k, region in enumerate(cells):
            announced = _random_day(rng, year)
            if k in early:
                delay = rng.randint(20, EARLY_DETECTION_DAYS - 1)
            elif announcer == "CMS":
                delay = rng.randint(270, 1400)
            else:
                delay = rng.randint(EARLY_DETECTION_DAYS, 800)
            public = "youth" if announcer == "T1/SFOP" else "adult"
            rows.append((announced, public, "complex", announcer, region, announced - delay))
    # Edges of the 6-month rule: 182 days is early, 183 is not (one of each among the ORP ones).
    orp = [k for k, r in enumerate(rows) if r[3] == "ORP"]
    early_orp = [k for k in orp if rows[k][0] - rows[k][5] < EARLY_DETECTION_DAYS]
    late_orp = [k for k in orp if rows[k][0] - rows[k][5] >= EARLY_DETECTION_DAYS]
    for k, delay in ((early_orp[0], EARLY_DETECTION_DAYS - 1), (late_orp[0], EARLY_DETECTION_DAYS)):
        rows[k] = (*rows[k][:5], rows[k][0] - delay)
    for announcer, count in ADULT_NETWORK[year].items():
        for _ in range(count):
            announced = _random_day(rng, year)
            start = announced - rng.randint(30, 900)
            rows.append((announced, "adult", "network", announcer, _region_draw(rng), start))
    youth_network = SITUATIONS_ANNOUNCED[year] - len(rows)
    for _ in range(youth_network):
        announced = _random_day(rng, year)
        start = None if rng.random() < 0.4 else announced - rng.randint(0, 400)
        rows.append((announced, "youth", "network", "T1/SFOP", _region_draw(rng), start))
    rows.sort(key=lambda r: (r[0], r[3], r[4]))
    return pl.DataFrame(
        [
            (f"CII-{year}-{k:03d}", _iso(a), public, kind, announcer, region, None if s is None else _iso(s))
            for k, (a, public, kind, announcer, region, s) in enumerate(rows, start=1)
        ],
        schema=DATASETS["situations"].column_names,
        orient="row",
    )


def services(seed: int, year: int, situations_frame: pl.DataFrame) -> pl.DataFrame:
    """Services delivered in ``year``, each for a situation of the year's situations file."""
    rng = random.Random(f"{seed}-services-{year}")
    last = _year_bounds(year)[1]
    candidates = situations_frame.filter(pl.col("announced_on") <= _iso(last - 30))
    complex_ = candidates.filter(pl.col("kind") == "complex")
    pools = {
        "tro": complex_,
        "assessment": complex_.filter(pl.col("public") == "adult"),
        "coaching_orp_cms": candidates.filter(pl.col("announcer").is_in(["ORP", "CMS"]), pl.col("public") == "adult"),
        "cm_cii": complex_.filter(pl.col("public") == "adult"),
        "medical_mandate": complex_,
    }
    rows = []
    for service, count in SERVICES[year].items():
        pool = pools[service].select("situation_id", "announced_on", "region").rows()
        for situation_id, announced, region in rng.sample(pool, count):
            announced_day = dt.date.fromisoformat(announced).toordinal()
            day = rng.randint(announced_day + 1, min(announced_day + 150, last))
            rows.append((situation_id, service, _iso(day), region))
    rows.sort(key=lambda r: (r[2], r[0], r[1]))
    return pl.DataFrame(rows, schema=DATASETS["services"].column_names, orient="row")


def t1_situations(seed: int, year: int) -> pl.DataFrame:
    """Situations received by the Plateforme T1 in ``year``, by provenance."""
    rng = random.Random(f"{seed}-t1-{year}")
    provenance = T1_PROVENANCE_2025 if year == 2025 else T1_PROVENANCE_2024
    institutions = T1_INSTITUTIONS_2025 if year == 2025 else T1_INSTITUTIONS_2024
    if sum(provenance.values()) != T1_RECEIVED[year] or sum(institutions.values()) != provenance["institutional"]:
        raise ValueError(f"T1 {year}: provenance does not add up")
    origins = [("institutional", i) for i, n in institutions.items() for _ in range(n)]
    origins += [(p, None) for p, n in provenance.items() if p != "institutional" for _ in range(n)]
    complex_ = set(rng.sample(range(len(origins)), T1_COMPLEX[year]))
    rows = [
        (_random_day(rng, year), p, i, "complex" if k in complex_ else "network", _region_draw(rng))
        for k, (p, i) in enumerate(origins)
    ]
    rows.sort(key=lambda r: r[0])
    return pl.DataFrame(
        [
            (f"T1-{year}-{k:04d}", _iso(day), provenance_, institution, kind, region)
            for k, (day, provenance_, institution, kind, region) in enumerate(rows, start=1)
        ],
        schema=DATASETS["t1_situations"].column_names,
        orient="row",
    )


def _close_some(rng: random.Random, cases: list[list], indices: list[int], outcomes: list[str], year: int) -> None:
    """Close one case per outcome during ``year``, the older cases more likely (coachings end)."""
    first, last = _year_bounds(year)
    chosen = sorted(indices, key=lambda k: cases[k][0] + rng.randint(0, 400))[: len(outcomes)]
    for k, outcome in zip(chosen, outcomes, strict=True):
        cases[k][1:] = [rng.randint(max(cases[k][0] + 30, first), last), outcome]


def coaching_cases(seed: int) -> list[tuple[str, str, str, int, int | None, str | None]]:
    """All ORP-CMS coaching cases of the demo: (case_id, region, modality, start, close, outcome).

    Each year's file holds the cases open at some time in the year: 55 in 2024 (20 of them
    started in 2023), 49 in 2025 (the 30 still open at the end of 2024, and 19 new ones). Some
    close in the January after their year, before the extract is taken.
    """
    rng = random.Random(f"{seed}-coaching")
    (first_2024, last_2024), (first_2025, last_2025) = _year_bounds(2024), _year_bounds(2025)
    active_2024, active_2025 = SERVICES[2024]["coaching_orp_cms"], SERVICES[2025]["coaching_orp_cms"]
    starts = [first_2024 - rng.randint(10, 300) for _ in range(COACHING_STARTED_BEFORE_2024)]
    starts += [rng.randint(first_2024, last_2024 - 60) for _ in range(active_2024 - COACHING_STARTED_BEFORE_2024)]
    cases: list[list] = [[start, None, None] for start in sorted(starts)]
    outcomes = {year: [o for o, n in COACHING_CLOSED[year].items() for _ in range(n)] for year in YEARS}
    for year in YEARS:
        rng.shuffle(outcomes[year])
    _close_some(rng, cases, list(range(len(cases))), outcomes[2024], 2024)

    carried = [k for k, case in enumerate(cases) if case[1] is None]
    new = sorted(rng.randint(first_2025, last_2025 - 60) for _ in range(active_2025 - len(carried)))
    cases += [[start, None, None] for start in new]
    in_2025 = carried + list(range(len(cases) - len(new), len(cases)))
    _close_some(rng, cases, in_2025, outcomes[2025], 2025)
    for k in in_2025:  # a few of the still-open ones close in January 2026, after the year
        if cases[k][1] is None and rng.random() < 0.15:
            cases[k][1:] = [rng.randint(last_2025 + 1, last_2025 + 25), rng.choice(list(COACHING_CLOSED[2025]))]
    return [
        (
            f"COA-{dt.date.fromordinal(start).year}-{k:03d}",
            _region_draw(rng),
            "tandem" if rng.random() < 0.7 else "intensive",
            start,
            close,
            outcome,
        )
        for k, (start, close, outcome) in enumerate(cases, start=1)
    ]


def coaching(cases: Sequence[tuple], year: int) -> pl.DataFrame:
    first, last = _year_bounds(year)
    extracted = EXTRACTED_ON[year].toordinal()
    rows = []
    for case_id, region, modality, start, close, outcome in cases:
        if start > last or (close is not None and close < first):
            continue
        known = close is not None and close <= extracted
        closed_on = _iso(close) if known else None
        rows.append((case_id, region, modality, _iso(start), closed_on, outcome if known else None))
    return pl.DataFrame(rows, schema=DATASETS["coaching"].column_names, orient="row")


def transitions(seed: int, year: int) -> pl.DataFrame:
    rng = random.Random(f"{seed}-transitions-{year}")
    rows = [
        (_iso(_random_day(rng, year)), direction, region)
        for direction, by_region in TRANSITIONS[year].items()
        for region, count in by_region.items()
        for _ in range(count)
    ]
    return pl.DataFrame(sorted(rows), schema=DATASETS["transitions"].column_names, orient="row")


def protected_persons(year: int) -> pl.DataFrame:
    rows = [
        (year, region, with_ic, count)
        for region, counts in PROTECTED_BY_REGION[year].items()
        for with_ic, count in zip((True, False), counts, strict=True)
    ]
    return pl.DataFrame(
        rows, schema={"year": pl.Int64, "region": pl.String, "with_ic": pl.Boolean, "count": pl.Int64}, orient="row"
    )


def trainings(year: int) -> pl.DataFrame:
    schema = {"date": pl.String, "kind": pl.String, "language_region": pl.String, "participants": pl.Int64}
    return pl.DataFrame(TRAININGS[year], schema=schema, orient="row")


def _chf(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def budget(year: int) -> pl.DataFrame:
    lines = dict(BUDGET_LINES[year])
    rest = BUDGET_CENTS[year] - sum(lines.values())
    if rest <= 0:
        raise ValueError(f"budget {year}: the lines exceed the total")
    lines[BUDGET_REST] = rest
    return pl.DataFrame(
        [(year, category, _chf(cents)) for category, cents in lines.items()],
        schema={"year": pl.Int64, "category": pl.String, "amount_chf": pl.String},
        orient="row",
    )


# --- the published figures ---------------------------------------------------------------------


def _share_text(share: Fraction, printed_percent_digits: int) -> str:
    """A share as the fraction the report prints: 24 % -> "0.24", 83.3 % -> "0.833", 30 % -> "0.30"."""
    digits = printed_percent_digits + 2
    return f"{Decimal(share.numerator) / Decimal(share.denominator):.{digits}f}"


def _dimensions(**values: str) -> str:
    """"key=value;key=value" sorted by key; "" for a whole-canton figure."""
    return ";".join(f"{k}={values[k]}" for k in sorted(values))


def published() -> pl.DataFrame:
    """The report's own figures, one row per figure (shares as fractions at printed precision)."""
    rows: list[tuple[str, int, str, str, str | None]] = []

    def add(indicator: str, year: int, value: str | int, note: str | None = None, **dimensions: str) -> None:
        rows.append((indicator, year, _dimensions(**dimensions) or None, str(value), note))

    for year, count in SITUATIONS_ANNOUNCED.items():
        add("situations_announced", year, count)
    for public, count in PUBLIC_2025.items():
        add("situations_announced", 2025, count, NOTES["youth"] if public == "youth" else None, public=public)
    for year, count in SIMULTANEOUS.items():
        add("simultaneous_persons", year, count)
    add("simultaneous_share_total", 2025, _share_text(SHARE_TOTAL_2025, 0), NOTES["share_total"])
    for year, shares in SHARE_BY_INSTITUTION.items():
        for institution, share in shares.items():
            add("simultaneous_share", year, _share_text(share, 0), institution=institution)
    for year, share in EARLY_DETECTION.items():
        add("early_detection_share", year, _share_text(share, 0), NOTES["early_2024"] if year == 2024 else None)
    add("coaching_reinsertion_rate", 2025, _share_text(REINSERTION_RATE[2025], 0))
    add("coaching_reinsertion_rate", 2024, _share_text(REINSERTION_RATE[2024], 0), NOTES["rate_2024"])
    add("coaching_reinsertion_rate_change", 2025, "-0.19", NOTES["rate_change"])
    for service, count in SERVICES_2025.items():
        add("services", 2025, count, service=service)
    for year, count in T1_RECEIVED.items():
        add("t1_situations", year, count, NOTES["t1_727"] if year == 2025 else NOTES["t1_462"])
    for provenance, count in T1_PROVENANCE_2025.items():
        add("t1_provenance", 2025, count, provenance=provenance)
        printed = T1_PROVENANCE_SHARE_2025[provenance]
        note = NOTES["share_83_3"] if provenance == "institutional" else None
        add("t1_provenance_share", 2025, _share_text(_pct(printed), _decimals(printed)), note, provenance=provenance)
    for institution, count in T1_INSTITUTIONS_2025.items():
        add("t1_institutional_provenance", 2025, count, provenance_institution=institution)
        printed = T1_INSTITUTION_SHARE_2025[institution]
        note = NOTES["share_9_5"] if institution == "CIO/OSP" else None
        share = _share_text(_pct(printed), _decimals(printed))
        add("t1_institutional_provenance_share", 2025, share, note, provenance_institution=institution)
    add("complex_situations", 2025, sum(sum(r.values()) for r in COMPLEX_2025.values()))
    for announcer, by_region in COMPLEX_2025.items():
        note = NOTES["t1_escada"] if announcer == "T1/SFOP" else None
        add("complex_situations", 2025, sum(by_region.values()), note, announcer=announcer)
        for region, count in by_region.items():
            cell_note = note
            if announcer == "ORP" and region in ("Sierre", "Martigny"):
                cell_note = NOTES["lvcc"].format(n=4 if region == "Sierre" else 5)
            add("complex_situations", 2025, count, cell_note, announcer=announcer, region=region)
    for region in REGIONS:
        add("complex_situations", 2025, sum(COMPLEX_2025[a][region] for a in COMPLEX_2025), region=region)
    for direction, count in TRANSITIONS_2025.items():
        add("transitions", 2025, count, NOTES["transitions"], direction=direction)
    for year, count in PROTECTED_PERSONS.items():
        add("protected_persons", year, count, NOTES["protected"])
    for year, count in TRAINING_PARTICIPANTS.items():
        add("training_participants", year, count)
    for language_region, count in TRAINING_BY_LANGUAGE_2025.items():
        add("training_participants", 2025, count, NOTES["training_split"], language_region=language_region)
    for year, cents in BUDGET_CENTS.items():
        add("budget_chf", year, _chf(cents), NOTES["budget"])
    rows.sort(key=lambda r: (r[0], r[1], r[2] or ""))
    return pl.DataFrame(rows, schema=DATASETS["published"].column_names, orient="row")


def _decimals(printed_percent: str) -> int:
    return len(printed_percent.partition(".")[2])


# --- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoFile:
    """One file of the demo set as listed in the manifest."""

    file: str
    dataset: str
    source: str
    year: int
    rows: int
    synthetic: bool = True


def _write_csv(frame: pl.DataFrame, path: Path) -> None:
    frame.write_csv(path, separator=CSV_SEPARATOR, date_format="%Y-%m-%d")


def _write_parquet(frame: pl.DataFrame, path: Path) -> None:
    # One row group and fixed statistics: the bytes depend only on the data and polars' version.
    frame.write_parquet(path, compression="zstd", statistics=True, row_group_size=frame.height or None)


def generate(out_dir: Path = DEFAULT_OUT, seed: int = DEFAULT_SEED) -> list[DemoFile]:
    """Write the demo files and the manifest into ``out_dir``; return the manifest entries.

    The same ``seed`` gives byte-identical files (with the same polars version for Parquet).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[DemoFile] = []

    def csv(frame: pl.DataFrame, dataset: str, source: str, year: int, name: str | None = None) -> None:
        name = name or f"{dataset}_{year}_synthetic.csv"
        _write_csv(frame, out_dir / name)
        files.append(DemoFile(name, dataset, source, year, frame.height, synthetic=name.endswith("_synthetic.csv")))

    persons, _ = build_persons(seed)
    extracts = followup_extracts(persons)
    cases = coaching_cases(seed)
    for year in YEARS:
        for institution in INSTITUTIONS:
            frame = extracts[year].filter(pl.col("institution") == institution)
            name = f"followups_{year}_{institution.lower()}_synthetic.parquet"
            _write_parquet(frame, out_dir / name)
            files.append(DemoFile(name, "followups", institution, year, frame.height))
        situations_frame = situations(seed, year)
        csv(situations_frame, "situations", "CII", year)
        csv(services(seed, year, situations_frame), "services", "CII", year)
        csv(t1_situations(seed, year), "t1_situations", "T1", year)
        csv(coaching(cases, year), "coaching", "CII", year)
        csv(transitions(seed, year), "transitions", "CII", year)
        csv(protected_persons(year), "protected_persons", "ORP", year)
        csv(trainings(year), "trainings", "CII", year)
        csv(budget(year), "budget", "CII", year)
    csv(published(), "published", "CII", 2025, name=PUBLISHED_FILE)

    manifest = {
        "description": (
            "CII Valais demo data: SYNTHETIC records (not real persons), calibrated to the 2025 annual report."
        ),
        "seed": seed,
        "files": [vars(f) for f in files],
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return files


# --- the self-check --------------------------------------------------------------------------


def load_demo(out_dir: Path) -> dict[str, dict[int, pl.DataFrame]]:
    """The demo files of ``out_dir`` as frames, by dataset and reporting year (per the manifest).

    Files of one dataset and year (the followups of each institution) are concatenated.
    """
    out_dir = Path(out_dir)
    manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    frames: dict[str, dict[int, list[pl.DataFrame]]] = {}
    for entry in manifest["files"]:
        path = out_dir / entry["file"]
        if path.suffix == ".parquet":
            frame = pl.read_parquet(path)
        else:
            frame = pl.read_csv(path, separator=CSV_SEPARATOR, infer_schema=False)
        frames.setdefault(entry["dataset"], {}).setdefault(entry["year"], []).append(frame)
    return {
        dataset: {year: pl.concat(parts) for year, parts in by_year.items()} for dataset, by_year in frames.items()
    }


def _taking_part(episodes: pl.DataFrame, year: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Episodes clipped to the year, and the distinct (person, institution) taking part.

    Plain interval logic: clip each episode to the year (no end = open), join each person's
    episodes pairwise, keep the pairs at different institutions whose clipped intervals meet.
    """
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    clipped = (
        episodes.with_columns(pl.col("start_date", "end_date").cast(pl.Date))
        .select(
            "person_id",
            "institution",
            pl.max_horizontal(pl.col("start_date"), pl.lit(first)).alias("start"),
            pl.min_horizontal(pl.col("end_date").fill_null(last), pl.lit(last)).alias("end"),
        )
        .filter(pl.col("start") <= pl.col("end"))
    )
    pairs = clipped.join(clipped, on="person_id", suffix="_other").filter(
        (pl.col("institution") != pl.col("institution_other"))
        & (pl.max_horizontal("start", "start_other") <= pl.min_horizontal("end", "end_other"))
    )
    return clipped, pairs.select("person_id", "institution").unique()


def overlap_counts(episodes: pl.DataFrame, year: int) -> pl.DataFrame:
    """Per institution: beneficiaries and persons taking part in a simultaneous follow-up.

    The last row, institution ``"all"``, counts distinct persons.
    """
    clipped, taking_part = _taking_part(episodes, year)
    beneficiaries = clipped.group_by("institution").agg(pl.col("person_id").n_unique().alias("beneficiaries"))
    simultaneous = taking_part.group_by("institution").agg(pl.len().cast(pl.UInt32).alias("simultaneous"))
    per_institution = beneficiaries.join(simultaneous, on="institution", how="left").with_columns(
        pl.col("simultaneous").fill_null(0)
    )
    total = pl.DataFrame(
        {
            "institution": ["all"],
            "beneficiaries": [clipped.get_column("person_id").n_unique()],
            "simultaneous": [taking_part.get_column("person_id").n_unique()],
        },
        schema=per_institution.schema,
    )
    order = {name: k for k, name in enumerate((*INSTITUTIONS, "all"))}
    return pl.concat([per_institution, total]).sort(pl.col("institution").replace_strict(order))


def combination_counts(episodes: pl.DataFrame, year: int) -> pl.DataFrame:
    """Simultaneously followed persons per exact set of institutions taking part ("ORP+CMS")."""
    _, taking_part = _taking_part(episodes, year)
    order = {name: k for k, name in enumerate(INSTITUTIONS)}
    return (
        taking_part.with_columns(pl.col("institution").replace_strict(order).alias("rank"))
        .sort("person_id", "rank")
        .group_by("person_id")
        .agg(pl.col("institution").str.join("+").alias("combination"), pl.len().alias("size"))
        .group_by("combination", "size")
        .agg(pl.len().alias("persons"))
        .sort("size", "persons", "combination", descending=[False, True, False])
    )


@dataclass(frozen=True)
class Calibration:
    """One target and what the files give: ``numerator / denominator`` (1 for a count)."""

    indicator: str
    year: int
    dimensions: str
    target: str  # as published (or a demo choice)
    numerator: int
    denominator: int
    digits: int | None  # decimals of the printed fraction; None for a count or an amount
    compared_with: str | None = None  # the correctly rounded value, where the report misprints

    @property
    def achieved(self) -> Fraction:
        return Fraction(self.numerator, self.denominator) if self.denominator else Fraction(0)

    @property
    def ok(self) -> bool:
        expected = Fraction(Decimal(self.compared_with or self.target))
        if self.digits is None:
            return self.achieved == expected
        return round_half_up(self.achieved, self.digits) == expected

    @property
    def achieved_text(self) -> str:
        """A count as an integer, an amount with its centimes, a share as a percentage."""
        if self.digits is not None:
            return f"{float(self.achieved) * 100:.3f} %"
        if self.denominator == 1:
            return str(self.numerator)
        return f"{Decimal(self.numerator) / Decimal(self.denominator):.2f}"

    def line(self) -> str:
        exact = f" ({self.numerator}/{self.denominator})" if self.digits is not None else ""
        flag = "ok" if self.ok else "MISSED"
        dimensions = self.dimensions or "(canton)"
        misprint = f" (report misprint, compared with {self.compared_with})" if self.compared_with else ""
        target = f"target {self.target}{misprint}"
        return f"{flag:6} {self.indicator} {self.year} {dimensions}: {target}, achieved {self.achieved_text}{exact}"


# The report prints 83.3 % for 606/727 = 83.36 % and 9.5 % for 57/606 = 9.41 %: the demo keeps
# the counts, so these two shares are compared with the correct rounding.
REPORT_MISPRINTS = {
    ("t1_provenance_share", "provenance=institutional"): "0.834",
    ("t1_institutional_provenance_share", "provenance_institution=CIO/OSP"): "0.094",
}

# Targets of the demo that the report does not print (so they are not in the published file).
DEMO_TARGETS = (("simultaneous_share_total", 2024, "", "0.16"),)


def calibration(out_dir: Path) -> list[Calibration]:
    """Recompute from the files of ``out_dir`` every figure of the published file it can.

    Shares of the published file are compared at their printed precision (the decimals of the
    stored fraction). The two T1 shares that the report itself rounded wrongly (83.3 %, 9.5 %)
    are compared with the correct rounding of their own counts (:data:`REPORT_MISPRINTS`).
    """
    data = load_demo(out_dir)
    published_rows = data["published"][2025]
    achieved: dict[tuple[str, int, str], tuple[int, int]] = {}

    for year in YEARS:
        counts = overlap_counts(data["followups"][year], year)
        for institution, beneficiaries, simultaneous in counts.iter_rows():
            if institution == "all":
                achieved[("simultaneous_persons", year, "")] = (simultaneous, 1)
                achieved[("simultaneous_share_total", year, "")] = (simultaneous, beneficiaries)
            else:
                achieved[("simultaneous_share", year, f"institution={institution}")] = (simultaneous, beneficiaries)

        situations_frame = data["situations"][year].filter(pl.col("announced_on").str.starts_with(str(year)))
        achieved[("situations_announced", year, "")] = (situations_frame.height, 1)
        for (public,), group in situations_frame.group_by("public"):
            achieved[("situations_announced", year, f"public={public}")] = (group.height, 1)
        delay = pl.col("announced_on").str.to_date() - pl.col("followup_start").str.to_date()
        complex_ = situations_frame.filter(pl.col("kind") == "complex").with_columns(
            delay.dt.total_days().alias("delay")
        )
        achieved[("early_detection_share", year, "")] = (
            complex_.filter(pl.col("delay") < EARLY_DETECTION_DAYS).height, complex_.height
        )
        achieved[("complex_situations", year, "")] = (complex_.height, 1)
        for announcer, region, count in complex_.group_by("announcer", "region").len().iter_rows():
            achieved[("complex_situations", year, _dimensions(announcer=announcer, region=region))] = (count, 1)
        for key, column in (("announcer", "announcer"), ("region", "region")):
            for value, count in complex_.group_by(column).len().iter_rows():
                achieved[("complex_situations", year, f"{key}={value}")] = (count, 1)

        for service, count in data["services"][year].group_by("service").len().iter_rows():
            achieved[("services", year, f"service={service}")] = (count, 1)

        t1 = data["t1_situations"][year].filter(pl.col("received_on").str.starts_with(str(year)))
        achieved[("t1_situations", year, "")] = (t1.height, 1)
        institutional = t1.filter(pl.col("provenance") == "institutional")
        for provenance, count in t1.group_by("provenance").len().iter_rows():
            achieved[("t1_provenance", year, f"provenance={provenance}")] = (count, 1)
            achieved[("t1_provenance_share", year, f"provenance={provenance}")] = (count, t1.height)
        for institution, count in institutional.group_by("provenance_institution").len().iter_rows():
            dims = f"provenance_institution={institution}"
            achieved[("t1_institutional_provenance", year, dims)] = (count, 1)
            achieved[("t1_institutional_provenance_share", year, dims)] = (count, institutional.height)

        closed = data["coaching"][year].filter(pl.col("closed_on").str.starts_with(str(year)))
        achieved[("coaching_reinsertion_rate", year, "")] = (
            closed.filter(pl.col("outcome") == "employment").height, closed.height
        )
        for direction, count in data["transitions"][year].group_by("direction").len().iter_rows():
            achieved[("transitions", year, f"direction={direction}")] = (count, 1)
        protected = data["protected_persons"][year].get_column("count").cast(pl.Int64).sum()
        achieved[("protected_persons", year, "")] = (protected, 1)
        training = data["trainings"][year].with_columns(pl.col("participants").cast(pl.Int64))
        achieved[("training_participants", year, "")] = (training.get_column("participants").sum(), 1)
        by_language = training.group_by("language_region").agg(pl.col("participants").sum())
        for language_region, count in by_language.iter_rows():
            achieved[("training_participants", year, f"language_region={language_region}")] = (count, 1)
        cents = sum(int(Decimal(amount) * 100) for amount in data["budget"][year].get_column("amount_chf"))
        achieved[("budget_chf", year, "")] = (cents, 100)
    change = Fraction(*achieved[("coaching_reinsertion_rate", 2025, "")]) - Fraction(
        *achieved[("coaching_reinsertion_rate", 2024, "")]
    )
    achieved[("coaching_reinsertion_rate_change", 2025, "")] = (change.numerator, change.denominator)

    columns = published_rows.select("indicator", "year", "dimensions", "value")
    targets = [(indicator, int(year), dims or "", value) for indicator, year, dims, value in columns.iter_rows()]
    results = []
    for indicator, year, dims, value in [*targets, *DEMO_TARGETS]:
        if year not in YEARS:
            continue  # figures of earlier years exist only in the published file
        digits = _decimals(value) if "share" in indicator or "rate" in indicator else None
        numerator, denominator = achieved.get((indicator, year, dims), (0, 1))
        compared_with = REPORT_MISPRINTS.get((indicator, dims))
        results.append(Calibration(indicator, year, dims, value, numerator, denominator, digits, compared_with))
    return results


def structural_problems(out_dir: Path) -> list[str]:
    """Rules of the demo set besides the figures: one institution per file, years, Monthey."""
    problems = []
    out_dir = Path(out_dir)
    manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    data = load_demo(out_dir)
    for entry in manifest["files"]:
        if entry["dataset"] == "followups":
            institutions = pl.read_parquet(out_dir / entry["file"]).get_column("institution").unique().to_list()
            if institutions != [entry["source"]]:
                problems.append(f"{entry['file']}: institutions {institutions}, expected only {entry['source']}")
        if entry["dataset"] != "published" and "synthetic" not in entry["file"]:
            problems.append(f"{entry['file']}: the name must say synthetic")
    for year in YEARS:
        episodes = data["followups"][year]
        outside = episodes.filter(
            (pl.col("start_date") > dt.date(year, 12, 31)) | (pl.col("end_date") < dt.date(year, 1, 1))
        )
        if outside.height:
            problems.append(f"followups {year}: {outside.height} episodes do not intersect the year")
        if episodes.select("person_id", "institution", "start_date").is_duplicated().any():
            problems.append(f"followups {year}: duplicate keys")
    if data["transitions"][2025].filter(pl.col("region") == "Monthey").height:
        problems.append("transitions 2025: Monthey must have no rows (footnote 3)")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.generate_demo", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: data/demo)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--check", action="store_true", help="only recompute the targets from the files in --out")
    args = parser.parse_args(argv)

    if not args.check:
        started = time.perf_counter()
        files = generate(args.out, args.seed)
        size = sum((args.out / f.file).stat().st_size for f in files)
        elapsed = time.perf_counter() - started
        print(f"wrote {len(files)} files ({size / 1e6:.2f} MB) to {args.out} in {elapsed:.1f} s")
        if args.out.resolve() == DEFAULT_OUT.resolve():
            from data.document import update_readme

            if update_readme():
                print("updated data/README.md")
    results = calibration(args.out)
    problems = structural_problems(args.out)
    for result in results:
        print(result.line())
    for problem in problems:
        print(f"MISSED {problem}")
    missed = [r for r in results if not r.ok]
    if missed or problems:
        print(f"{len(missed) + len(problems)} target(s) missed", file=sys.stderr)
        return 1
    print(f"all {len(results)} targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
