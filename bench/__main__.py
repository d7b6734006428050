"""`make bench`: every benchmark of the project, one markdown report.

    .venv/bin/python -m bench                      # full run: several minutes
    .venv/bin/python -m bench --quick              # smoke run: small sizes, one trial
    .venv/bin/python -m bench --only overlap       # one section (repeatable)

Sections, in order: the import of a partner file (bench/bench_pipeline.py: read, validate,
store, then load, on SQLite and on PostgreSQL when configured), the overlap computation
(bench/bench_overlap.py, integer and string person keys) and ``cii overlap`` end to end. The
store/load benchmark of bench/bench_import.py is not run: the import section measures the same
``store_upload`` and ``load_dataset`` calls on `followups` rows of the same shape, in a fresh
process and database per trial, as part of the real import path.

PostgreSQL is measured when ``CII_BENCH_DATABASE_URL`` (else ``CII_TEST_DATABASE_URL``) names a
server that answers within 2 s; ``CII_BENCH_DATABASE_URL=`` (empty) turns it off. The report
goes to standard output (progress to standard error) and to ``<cache-dir>/last-report.md``;
the exit status is 1 when a section failed (its error is in the report).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shlex
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench import bench_pipeline
from bench.bench_pipeline import ROOT, log
from bench.overlap_data import CACHE_DIR, DEFAULT_SEED

SECTIONS = ("pipeline", "overlap", "cli", "pages")
FULL = {"rows": 1_000_000, "trials": 3, "runs": 5, "sizes": [60_000, 1_000_000, 10_000_000]}
QUICK = {"rows": 100_000, "trials": 1, "runs": 3, "sizes": [60_000, 1_000_000]}
MIN_OVERLAP_RUNS = 3  # bench_overlap refuses fewer: a median of two is no median
REPORT_NAME = "last-report.md"


@dataclass
class Report:
    """The sections of the report, one markdown block each, and the titles of those that failed."""

    sections: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def add(self, title: str, build: Callable[[], str]) -> None:
        """Run one section; a failure is written into the report instead of ending the run."""
        log(f"section: {title}")
        start = time.perf_counter()
        try:
            body = build()
        except Exception:
            self.failed.append(title)
            body = "**Failed:**\n\n```text\n" + traceback.format_exc().strip() + "\n```"
        took = time.perf_counter() - start
        self.sections.append(f"## {title}\n\n{body}\n\n_Section time: {took:,.0f} s._")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected benchmarks, print the report and write it to the cache folder."""
    args = _parse(argv)
    started, load_start = dt.datetime.now().astimezone(), os.getloadavg()
    clock = time.perf_counter()
    postgres = bench_pipeline.postgres_target()
    report = Report()

    if "pipeline" in args.only:
        report.add(
            "Import of a partner file: read, validate, store, load",
            lambda: _pipeline(args, postgres),
        )
        report.sections.append(
            "## Store and load alone (`bench/bench_import.py`)\n\nNot run: the section above "
            "times the same `store_upload` and `load_dataset` calls on `followups` rows of the "
            "same shape, in a fresh process and database per trial, as part of the real import "
            "path. Run `.venv/bin/python bench/bench_import.py` to time them from an in-memory "
            "frame."
        )
    if "overlap" in args.only:
        report.add(
            "Overlap computation (`queries.overlap.overlap_summary`)", lambda: _overlap(args)
        )
    if "cli" in args.only:
        report.add(
            f"`cii overlap --year {bench_pipeline.YEAR} --format json`, end to end",
            lambda: bench_pipeline.cli_section(bench_pipeline.cli_bench(args.runs), args.runs),
        )

    if "pages" in args.only:
        from bench import bench_pages

        report.add(
            "Page reruns after a filter change",
            lambda: bench_pages.section(bench_pages.page_reruns(args.runs), args.runs),
        )

    header = _header(args, postgres, started, load_start, time.perf_counter() - clock)
    text = "\n\n".join([header, *report.sections]) + "\n"
    print(text, end="")
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    (args.cache_dir / REPORT_NAME).write_text(text, encoding="utf-8")
    log(f"report written to {args.cache_dir / REPORT_NAME}")
    if report.failed:
        log(f"failed sections: {', '.join(report.failed)}")
        return 1
    return 0


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 100k rows, overlap at 60k and 1M episodes, one trial",
    )
    parser.add_argument(
        "--only", action="append", choices=SECTIONS, help="run only this section (repeatable)"
    )
    parser.add_argument("--rows", type=int, help="partner file rows (default 1M, quick 100k)")
    parser.add_argument("--trials", type=int, help="import trials per backend (default 3, quick 1)")
    parser.add_argument("--runs", type=int, help="overlap and cli runs (default 5, quick 3)")
    parser.add_argument("--sizes", type=int, nargs="+", help="overlap benchmark sizes (episodes)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=CACHE_DIR,
        help="generated files and the report (the overlap benchmark keeps its own cache)",
    )
    args = parser.parse_args(argv)
    defaults = QUICK if args.quick else FULL
    for name in ("rows", "trials", "runs", "sizes"):
        if getattr(args, name) is None:
            setattr(args, name, defaults[name])
    if min(args.rows, args.trials, args.runs) < 1:
        parser.error("--rows, --trials and --runs must be positive")
    args.only = [s for s in SECTIONS if s in (args.only or SECTIONS)]
    args.argv = list(sys.argv[1:] if argv is None else argv)
    return args


def _pipeline(args: argparse.Namespace, postgres: bench_pipeline.PostgresTarget) -> str:
    path = bench_pipeline.partner_csv(args.rows, args.seed, cache_dir=args.cache_dir)
    bench_pipeline.file_digest(path)  # the first trial should not be the one reading the disk
    backends = {"sqlite": None} | ({"postgresql": postgres.url} if postgres.url else {})
    results = {
        name: bench_pipeline.import_trials(path, args.rows, name, url, args.trials)
        for name, url in backends.items()
    }
    return bench_pipeline.import_section(path, args.rows, results)


def _overlap(args: argparse.Namespace) -> str:
    from bench import bench_overlap

    # Its own process and its own table, as its owner prints it: this report only frames it.
    command = [sys.executable, "bench/bench_overlap.py", "--sizes", *map(str, args.sizes)]
    keys = [key for key in ("integer", "string") if key in getattr(bench_overlap, "KEYS", ())]
    if keys:
        command += ["--keys", *keys]
    command += ["--runs", str(max(args.runs, MIN_OVERLAP_RUNS)), "--seed", str(args.seed)]
    lines = []
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        for line in process.stdout:
            print(f"[bench_overlap] {line}", end="", file=sys.stderr, flush=True)
            lines.append(line.rstrip())
    output = "\n".join(lines).strip()
    if process.returncode != 0:
        raise RuntimeError(f"bench_overlap.py exited with {process.returncode}:\n{output}")
    shown = shlex.join(["python", *command[1:]])
    return f"`{shown}` (each size and key in its own process):\n\n```text\n{output}\n```"


def _header(
    args: argparse.Namespace,
    postgres: bench_pipeline.PostgresTarget,
    started: dt.datetime,
    load_start: tuple[float, float, float],
    seconds: float,
) -> str:
    import polars
    import sqlalchemy

    if postgres.url:
        where = bench_pipeline.postgres_display(postgres.url)
        server = f"PostgreSQL {postgres.version}"
        backends = (
            f"SQLite (temporary file) and {server} at `{where}` (from `{postgres.origin}`; a "
            "fresh schema per trial, dropped afterwards)"
        )
    else:
        server = "PostgreSQL not used"
        backends = f"SQLite only (temporary file); PostgreSQL skipped: {postgres.reason}"
    load_end = os.getloadavg()
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    lines = [
        "# CII dashboard benchmarks",
        "",
        f"- **Date**: {started:%Y-%m-%d %H:%M %Z}, {seconds / 60:,.1f} min in all",
        f"- **Machine**: {_cpu_model()}, {cores} cores ({usable} usable), "
        f"{_memory_gib():,.1f} GiB RAM, {platform.system()} {platform.release()}",
        f"- **Load average (1/5/15 min)**: {_load(load_start)} at start, {_load(load_end)} at "
        f"end, on {cores} cores shared with other work: timings are upper bounds",
        f"- **Software**: Python {platform.python_version()}, polars {polars.__version__}, "
        f"SQLAlchemy {sqlalchemy.__version__}, {_psycopg()}, {server}",
        f"- **Code**: {_commit()}",
        f"- **Backends**: {backends}" if "pipeline" in args.only else None,
        f"- **Run**: `{shlex.join(['python', '-m', 'bench', *args.argv])}`; sections "
        f"{', '.join(args.only)}; rows {args.rows:,}, trials {args.trials}, runs {args.runs}",
    ]
    return "\n".join(line for line in lines if line is not None)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return float("nan")


def _load(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def _psycopg() -> str:
    try:
        import psycopg
    except ImportError:
        return "psycopg not installed"
    return f"psycopg {psycopg.__version__}"


def _commit() -> str:
    """The commit measured, and whether the working tree differs from it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changes = subprocess.run(
            ["git", "status", "--porcelain"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"commit `{commit}`" + (" plus uncommitted or untracked changes" if changes else "")


if __name__ == "__main__":
    sys.exit(main())
