"""Benchmark of queries.overlap.overlap_summary on synthetic episodes already in memory.

    .venv/bin/python bench/bench_overlap.py [--sizes 60000 1000000 10000000] [--runs 3]

Each (size, person key) is measured in its own subprocess: it reads the cached episodes (see
bench/overlap_data.py), computes one year once to warm up, then `--runs` more times. The table
gives the median, min and max wall time of those runs and the median CPU time (all threads:
above the wall time when polars runs in parallel, and steadier than it on a busy machine).
Memory: "RSS before" is the subprocess's resident memory once the input is loaded (interpreter,
polars, the input frame); "peak RSS" is its high-water mark during the runs, as the kernel
reports it to the parent (``wait4``), after the peak was reset past loading the Parquet file.

Targets (2-core machine, one year, string or integer person key): 60'000 episodes <= 0.03 s,
1'000'000 <= 0.15 s, 10'000'000 <= 2 s with peak memory <= 3 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` and `queries` importable
    sys.path.insert(0, str(ROOT))

TARGET_SECONDS = {60_000: 0.03, 1_000_000: 0.15, 10_000_000: 2.0}
TARGET_PEAK_MB = 3_000
KEYS = ("string", "integer")


def measure(size: int, key: str, runs: int, year: int, seed: int) -> dict:
    """Time overlap_summary in this process; called in the subprocess."""
    import gc

    import polars as pl

    from bench.overlap_data import load_episodes
    from queries.overlap import overlap_summary

    episodes = load_episodes(size, seed, key=key).rechunk()  # contiguous, as a loader gives it
    input_mb = episodes.estimated_size("mb")
    gc.collect()
    # Reset the peak RSS so that it measures the computation (plus the input frame and the
    # interpreter, which stay resident), not reading the Parquet file.
    peak_reset = _reset_peak_rss()
    before_mb = _status_mb("VmRSS")

    result = overlap_summary(episodes, year)  # warm-up: thread pool, allocator, caches
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = overlap_summary(episodes, year)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {
        "walls": walls,
        "cpus": cpus,
        "input_mb": input_mb,
        "before_mb": before_mb,
        "peak_reset": peak_reset,
        "beneficiaries": result.total_beneficiaries,
        "simultaneous": result.total_simultaneous,
        "polars": pl.__version__,
    }


def _reset_peak_rss() -> bool:
    """Reset this process's peak RSS (Linux >= 4.0); False where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _status_mb(field: str) -> float | None:
    """A memory figure of this process from /proc/self/status, in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def run_child(size: int, key: str, runs: int, year: int, seed: int) -> dict:
    """Measure in a fresh subprocess and add its peak RSS as seen by the parent."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        f"--sizes={size}",
        f"--keys={key}",
        f"--runs={runs}",
        f"--year={year}",
        f"--seed={seed}",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    # wait4 gives this one child's resource usage (RUSAGE_CHILDREN would give the largest
    # child so far, hiding a small size measured after a big one).
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"benchmark of {size} episodes ({key} key) failed")
    measured = json.loads(output.strip().splitlines()[-1])
    measured["peak_mb"] = usage.ru_maxrss / 1024  # kilobytes on Linux
    return measured


def ensure_cached(sizes: list[int], seed: int) -> None:
    """Generate missing data sets in a subprocess, so generation never counts in a peak."""
    from bench.overlap_data import CACHE_DIR, cache_path

    for size in sizes:
        if not cache_path(size, seed).exists():
            print(f"generating {size:,} episodes (cached under {CACHE_DIR}) ...", flush=True)
            generator = ROOT / "bench" / "overlap_data.py"
            subprocess.run(
                [sys.executable, str(generator), str(size), f"--seed={seed}"],
                check=True,
                stdout=subprocess.DEVNULL,
            )


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main(argv: list[str] | None = None) -> None:
    from bench.overlap_data import DEFAULT_SEED

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=sorted(TARGET_SECONDS))
    parser.add_argument("--keys", nargs="+", choices=KEYS, default=list(KEYS))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 3 and not args.child:
        parser.error("--runs must be at least 3 for a meaningful median")

    if args.child:
        print(json.dumps(measure(args.sizes[0], args.keys[0], args.runs, args.year, args.seed)))
        return

    ensure_cached(args.sizes, args.seed)
    print(
        f"CPU: {cpu_model()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"load average at start {os.getloadavg()[0]:.1f}"
    )
    print(f"overlap_summary(episodes, {args.year}): median of {args.runs} runs after a warm-up\n")
    header = (
        f"{'episodes':>11} {'key':>8} {'median s':>9} {'min s':>7} {'max s':>7} {'cpu s':>7} "
        f"{'target s':>9} {'input MB':>9} {'RSS before':>11} {'peak RSS':>9} {'simult.':>8}"
    )
    print(header)
    print("-" * len(header))
    peak_reset = True
    for size in args.sizes:
        for key in args.keys:
            m = run_child(size, key, args.runs, args.year, args.seed)
            peak_reset = peak_reset and m["peak_reset"]
            median = statistics.median(m["walls"])
            target = TARGET_SECONDS.get(size)
            verdicts = []
            if target is not None:
                verdicts.append("ok" if median <= target else "SLOW")
            if m["peak_mb"] > TARGET_PEAK_MB:
                verdicts.append("over 3 GB")
            before = "?" if m["before_mb"] is None else f"{m['before_mb']:.0f} MB"
            print(
                f"{size:>11,} {key:>8} {median:>9.3f} {min(m['walls']):>7.3f} "
                f"{max(m['walls']):>7.3f} {statistics.median(m['cpus']):>7.3f} "
                f"{'-' if target is None else target:>9} {m['input_mb']:>6.0f} MB {before:>11} "
                f"{m['peak_mb']:>6.0f} MB {m['simultaneous'] / max(m['beneficiaries'], 1):>8.1%} "
                f"{' '.join(verdicts)}",
                flush=True,
            )
    if not peak_reset:
        print("\n(peak RSS could not be reset after loading: it includes reading the Parquet file)")
    print(f"\npolars {m['polars']}; load average at end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
