"""Seeded synthetic `followups` episodes for the overlap benchmark.

The shape imitates the partners' data: about 1.4 episodes per person, persons followed at one
to three institutions, roughly 15 % of a year's beneficiaries followed simultaneously, dates
spread over 2023-2026, some episodes still open. Each person has a 64-hex pseudonym
(`person_id`, as partners send it) and a dense integer key (`person_key`, as the loader may add).

Generated frames are cached as Parquet under ``bench/.cache/`` because building 10M rows takes
longer than the benchmark itself.

Run ``python bench/overlap_data.py 60000`` to print a summary of one generated frame.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import polars as pl

CACHE_DIR = Path(__file__).resolve().parent / ".cache"
DEFAULT_SEED = 20250101

INSTITUTIONS = ("ORP", "OAI", "CMS", "OSP", "OASI")
# Rough relative caseloads: ORP is by far the largest partner, OASI the smallest.
INSTITUTION_WEIGHTS = (0.40, 0.15, 0.25, 0.12, 0.08)
REGIONS = ("Haut-Valais", "Sierre", "Sion", "Martigny", "Monthey")
REGION_WEIGHTS = (0.22, 0.14, 0.25, 0.20, 0.19)
# Number of institutions a person is followed at: 1, 2 or 3.
INSTITUTION_COUNT_WEIGHTS = (0.66, 0.26, 0.08)
EPISODES_PER_PERSON = 1.4

FIRST_DAY = dt.date(2023, 1, 1)
LAST_DAY = dt.date(2026, 12, 31)
OPEN_SHARE = 0.06  # episodes still open when the extract was taken


def generate_episodes(n: int, seed: int = DEFAULT_SEED) -> pl.DataFrame:
    """Return `n` synthetic episodes (same `n` and `seed` give the same frame)."""
    rng = np.random.default_rng(seed)
    n_persons = max(1, round(n / EPISODES_PER_PERSON))

    # One (person, institution) row per institution the person is followed at.
    k = rng.choice(3, size=n_persons, p=INSTITUTION_COUNT_WEIGHTS) + 1
    # Distinct institutions per person: rank random keys weighted by caseload (Efraimidis-Spirakis).
    keys = rng.random((n_persons, len(INSTITUTIONS))) ** (1 / np.asarray(INSTITUTION_WEIGHTS))
    ranked = np.argsort(-keys, axis=1)
    take = np.arange(len(INSTITUTIONS))[None, :] < k[:, None]
    person_of_pair = np.repeat(np.arange(n_persons), k)
    inst_of_pair = ranked[take]

    # Fill up to n with repeat episodes at an institution the person already has.
    n_pairs = person_of_pair.size
    if n_pairs >= n:
        pick = rng.choice(n_pairs, size=n, replace=False)
        person, inst = person_of_pair[pick], inst_of_pair[pick]
    else:
        extra = rng.integers(0, n_pairs, size=n - n_pairs)
        person = np.concatenate([person_of_pair, person_of_pair[extra]])
        inst = np.concatenate([inst_of_pair, inst_of_pair[extra]])

    # Episodes of one person cluster around a personal anchor date, so that persons followed at
    # several institutions overlap sometimes, not always.
    span = (LAST_DAY - FIRST_DAY).days
    anchor = rng.integers(-180, span, size=n_persons)
    start = anchor[person] + rng.integers(-200, 200, size=n)
    duration = np.minimum(rng.lognormal(mean=4.6, sigma=0.9, size=n).astype(np.int64), 1500)
    end = start + duration
    start = np.clip(start, -365, span)
    is_open = (rng.random(n) < OPEN_SHARE) | (end > span)

    region = rng.choice(len(REGIONS), size=n_persons, p=REGION_WEIGHTS)[person]
    # Fixed-size binary keeps every byte: numpy's "S32" would drop trailing zero bytes and
    # give about one pseudonym in 256 fewer than 64 hex digits.
    digests = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(32), n_persons, [None, pa.py_buffer(rng.bytes(32 * n_persons))]
    )
    hex_ids = pl.Series("person_id", pl.from_arrow(digests)).cast(pl.Binary).bin.encode("hex")

    order = rng.permutation(n)  # loaded data comes in no useful order
    first = pl.lit(FIRST_DAY)
    return pl.DataFrame(
        {
            "person_key": person[order].astype(np.uint32),
            "institution_code": inst[order].astype(np.uint8),
            "region_code": region[order].astype(np.uint8),
            "start_offset": start[order].astype(np.int32),
            "end_offset": end[order].astype(np.int32),
            "is_open": is_open[order],
        }
    ).select(
        pl.lit(hex_ids).gather(pl.col("person_key")).alias("person_id"),
        "person_key",
        pl.col("institution_code")
        .replace_strict(dict(enumerate(INSTITUTIONS)), return_dtype=pl.String)
        .alias("institution"),
        pl.col("region_code")
        .replace_strict(dict(enumerate(REGIONS)), return_dtype=pl.String)
        .alias("region"),
        (first + pl.duration(days=pl.col("start_offset"))).alias("start_date"),
        pl.when(~pl.col("is_open"))
        .then(first + pl.duration(days=pl.col("end_offset")))
        .alias("end_date"),
    )


def cache_path(n: int, seed: int = DEFAULT_SEED, *, cache_dir: Path = CACHE_DIR) -> Path:
    """Where `load_episodes(n, seed)` caches its frame."""
    return cache_dir / f"followups_v2_{n}_{seed}.parquet"  # v2: full-length pseudonyms


def load_episodes(
    n: int,
    seed: int = DEFAULT_SEED,
    *,
    key: Literal["both", "string", "integer"] = "both",
    cache_dir: Path = CACHE_DIR,
) -> pl.DataFrame:
    """Return `generate_episodes(n, seed)`, read from or written to the Parquet cache.

    `key` selects the person column: ``"both"`` keeps `person_id` and `person_key`;
    ``"string"`` keeps only the 64-hex `person_id`, as partners send it; ``"integer"`` puts the
    integer key in `person_id`, as a loader with a dense person key would.
    """
    path = cache_path(n, seed, cache_dir=cache_dir)
    if not path.exists():
        frame = generate_episodes(n, seed)
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        frame.write_parquet(tmp)
        tmp.replace(path)  # atomic: a killed run never leaves half a cache file
    others = ["institution", "region", "start_date", "end_date"]
    if key == "string":
        return pl.read_parquet(path, columns=["person_id", *others])
    if key == "integer":
        frame = pl.read_parquet(path, columns=["person_key", *others])
        return frame.rename({"person_key": "person_id"})
    return pl.read_parquet(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    frame = load_episodes(args.n, args.seed)
    persons = frame["person_key"].n_unique()
    print(frame.head())
    print(f"{frame.height} episodes, {persons} persons, {frame.height / persons:.2f} per person")
    print(frame.group_by("institution").len().sort("len", descending=True))
    print(f"open ends: {frame['end_date'].null_count() / frame.height:.1%}")


if __name__ == "__main__":
    main()
