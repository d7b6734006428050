"""Benchmark storing and loading `followups` on SQLite and PostgreSQL.

Each trial runs in a fresh process on a fresh database (a temporary SQLite file, or a new
PostgreSQL schema dropped afterwards): it stores a seeded, valid frame of N episodes with
`store_upload` (one transaction, bulk path), then reads it back with `load_dataset`. The table
gives the median of the trials and the worst peak RSS of a trial process (the frame itself
included; `baseline` is the RSS once the frame is in memory, before storing).

    python bench/bench_import.py                      # 1'000'000 rows, SQLite only
    CII_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        python bench/bench_import.py --rows 1000000 --trials 3

Reading and validating the CSV are measured elsewhere: this starts from the validated frame.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import polars as pl
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` and `dashboard` importable
    sys.path.insert(0, str(ROOT))

from bench.overlap_data import DEFAULT_SEED, load_episodes  # noqa: E402
from dashboard.db.engine import ensure_database  # noqa: E402
from dashboard.db.load import load_dataset  # noqa: E402
from dashboard.db.store import store_upload  # noqa: E402


ROW = "{:<11} {:>8} {:>9} {:>7} {:>13} {:>9}"


def valid_followups(n: int, seed: int = DEFAULT_SEED) -> pl.DataFrame:
    """`n` seeded episodes in the validated `followups` shape (no episode ends before it starts)."""
    episodes = load_episodes(n, seed, key="string")
    # The generator clips early starts, which can put them after the end: validation would refuse.
    start, end = pl.col("start_date"), pl.col("end_date")
    ends = pl.when(end < start).then(start).otherwise(end)  # open episodes (null) stay open
    return episodes.with_columns(ends.alias("end_date")).select(
        "person_id", "institution", "region", "start_date", "end_date"
    )


def _rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _trial(
    backend: str, base_url: str | None, rows: int, seed: int, queue: multiprocessing.Queue
) -> None:
    frame = valid_followups(rows, seed)
    baseline = _rss_mib()
    with tempfile.TemporaryDirectory() as folder:
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            url = f"sqlite:///{folder}/bench.sqlite3"
        else:
            admin = sa.create_engine(base_url)
            with admin.begin() as connection:
                connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
            url = f"{base_url}{'&' if '?' in base_url else '?'}options=-csearch_path%3D{schema}"
        engine = ensure_database(url)
        try:
            digest = hashlib.sha256(f"{rows}-{seed}".encode()).hexdigest()
            start = time.perf_counter()
            result = store_upload(
                engine,
                "followups",
                frame,
                source="CII",
                year=2025,
                file_name="bench.csv",
                sha256=digest,
                uploaded_by="bench",
            )
            stored = time.perf_counter() - start
            assert result.outcome == "stored" and result.row_count == rows

            start = time.perf_counter()
            loaded = load_dataset(engine, "followups", years=[2025])
            load = time.perf_counter() - start
            assert loaded.height == rows
        finally:
            engine.dispose()
            if backend == "postgresql":
                with admin.begin() as connection:
                    connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
                admin.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put({"store_s": stored, "load_s": load, "baseline_mib": baseline, "peak_mib": peak})


def run(backend: str, base_url: str | None, rows: int, seed: int, trials: int) -> list[dict]:
    context = multiprocessing.get_context("spawn")  # a fresh process: peak RSS per trial
    results = []
    for _ in range(trials):
        queue = context.Queue()
        process = context.Process(target=_trial, args=(backend, base_url, rows, seed, queue))
        process.start()
        results.append(queue.get())
        process.join()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--postgresql",
        default=os.environ.get("CII_BENCH_DATABASE_URL"),
        help="PostgreSQL URL (default: $CII_BENCH_DATABASE_URL; none: SQLite only)",
    )
    args = parser.parse_args()

    valid_followups(args.rows, args.seed)  # fill the Parquet cache outside the timings
    backends = [("sqlite", None)] + ([("postgresql", args.postgresql)] if args.postgresql else [])
    print(f"followups: {args.rows:,} rows, median of {args.trials} trials, fresh database each")
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average before: {load} on {os.cpu_count()} cores (other work slows this)\n")
    print(ROW.format("backend", "store s", "rows/s", "load s", "baseline MiB", "peak MiB"))
    for backend, url in backends:
        results = run(backend, url, args.rows, args.seed, args.trials)
        store_s = statistics.median(r["store_s"] for r in results)
        load_s = statistics.median(r["load_s"] for r in results)
        baseline = max(r["baseline_mib"] for r in results)
        peak = max(r["peak_mib"] for r in results)
        cells = (backend, f"{store_s:.2f}", f"{args.rows / store_s:,.0f}", f"{load_s:.2f}")
        print(ROW.format(*cells, f"{baseline:.0f}", f"{peak:.0f}"))


if __name__ == "__main__":
    main()
