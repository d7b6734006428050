"""Benchmark the import of a partner's `followups` file end to end, and `cii overlap`.

The file is what a partner sends: a Windows-1252, ``;``-separated Excel export with French
headers (``Personne;Dispositif;Région;Date de début;Date de fin``), ``dd.mm.yyyy`` dates, empty
end dates for open episodes, 64-hex pseudonyms, every row valid and touching the reporting year,
all of one institution (ORP, sending its own file). It is generated from the seeded episodes of
bench/overlap_data.py and cached under ``bench/.cache/``.

Each trial runs ``dashboard.imports.import_file`` (the path of ``cii import`` and of the Données
page) in a fresh process on a fresh database (a temporary SQLite file, or a new PostgreSQL
schema dropped afterwards), timing its stages (hash, read, validate, store) and the whole, then
reads the rows back with ``load_dataset``. Peak RSS is the process's high-water mark
(``VmHWM``): the interpreter and its libraries included, reset before the load.

``cii overlap`` is timed as a user runs it: a new process each time, Python start included,
on a temporary SQLite database holding the demo data.

    .venv/bin/python -m bench.bench_pipeline [--rows 1000000] [--trials 3] [--runs 5]

PostgreSQL is measured when ``CII_BENCH_DATABASE_URL`` (else ``CII_TEST_DATABASE_URL``) names a
reachable server; ``python -m bench`` runs this together with the other benchmarks.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import polars as pl
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` and `dashboard` importable
    sys.path.insert(0, str(ROOT))

from bench.overlap_data import CACHE_DIR, DEFAULT_SEED, load_episodes  # noqa: E402

PARTNER = "ORP"
YEAR = 2025
DATASET = "followups"
PARTNER_HEADERS = {
    "person_id": "Personne",
    "institution": "Dispositif",
    "region": "Région",
    "start_date": "Date de début",
    "end_date": "Date de fin",
}
"""Canonical column → header as a French-speaking partner writes it."""

_CHILD_URL = "CII_BENCH_CHILD_DATABASE_URL"

STAGES = ("sha256_of", "read_table", "validate", "store_upload")
"""The steps of ``import_file`` timed separately (names in ``dashboard.imports``)."""

PROBE_TIMEOUT_S = 2


def log(message: str) -> None:
    """Progress on standard error: standard output carries only the report."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- the partner's file ----------------------------------------------------------------------


def partner_frame(
    rows: int, seed: int = DEFAULT_SEED, *, cache_dir: Path = CACHE_DIR
) -> pl.DataFrame:
    """`rows` valid episodes of one partner's `followups` file for `YEAR`.

    The seeded episodes of :func:`bench.overlap_data.load_episodes`, all at `PARTNER`; an
    episode that misses the year is moved by whole years onto it (a partner sends the episodes
    of the year it reports on), an end before its start is set to the start, and a repeated key
    (person, start) moves its later rows' start one day earlier until every key is unique: the
    file passes validation without an error or a warning.

    Parameters
    ----------
    rows
        Number of episodes.
    seed
        Seed of the generator; the same (`rows`, `seed`) give the same frame.
    cache_dir
        Where the generated episodes are cached as Parquet.

    Returns
    -------
    polars.DataFrame
        ``person_id``, ``institution``, ``region``, ``start_date``, ``end_date`` (null = open).
    """
    episodes = load_episodes(rows, seed, key="string", cache_dir=cache_dir)
    start, end = pl.col("start_date"), pl.col("end_date")
    # Years to move: forward when the episode ended before the year, back when it starts after.
    years = pl.max_horizontal(YEAR - end.dt.year(), 0).fill_null(0) - pl.max_horizontal(
        start.dt.year() - YEAR, 0
    )
    moved = pl.format("{}y", years)
    frame = episodes.with_columns(
        pl.lit(PARTNER).alias("institution"),
        start.dt.offset_by(moved),
        end.dt.offset_by(moved),
    ).with_columns(_end_not_before_start())
    # Moving a start earlier keeps the episode on the year (its end does not move) and its end
    # after its start; a few rounds settle the rare chains of equal starts.
    key = pl.struct("person_id", "start_date")
    while frame.select((~key.is_first_distinct()).any()).item():
        earlier = pl.when(~key.is_first_distinct()).then(start - pl.duration(days=1))
        frame = frame.with_columns(earlier.otherwise(start).alias("start_date"))
    return frame.select(*PARTNER_HEADERS)


def _end_not_before_start() -> pl.Expr:
    start, end = pl.col("start_date"), pl.col("end_date")
    return pl.when(end < start).then(start).otherwise(end).alias("end_date")


def partner_csv(rows: int, seed: int = DEFAULT_SEED, *, cache_dir: Path = CACHE_DIR) -> Path:
    """The partner's CSV file of :func:`partner_frame`, written once and cached.

    Windows-1252, ``;``-separated, CRLF line ends, French headers, ``dd.mm.yyyy`` dates, open
    episodes with an empty end date: an Excel "CSV (séparateur : point-virgule)" export.

    Parameters
    ----------
    rows, seed, cache_dir
        As for :func:`partner_frame`; the file is ``partner_followups_<rows>_<seed>.csv`` in
        `cache_dir`.

    Returns
    -------
    pathlib.Path
        The file's path.
    """
    path = cache_dir / f"partner_followups_{rows}_{seed}.csv"
    if path.exists():
        return path
    log(f"generating the partner file of {rows:,} rows (cached as {path})")
    frame = partner_frame(rows, seed, cache_dir=cache_dir)
    text = frame.select(
        pl.col("person_id", "institution", "region"),
        pl.col("start_date", "end_date").dt.to_string("%d.%m.%Y"),
    ).rename(PARTNER_HEADERS).write_csv(separator=";", line_terminator="\r\n")
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(text.encode("cp1252"))
    tmp.replace(path)  # atomic: a killed run never leaves half a file
    return path


# --- PostgreSQL ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostgresTarget:
    """The PostgreSQL server to measure, or why there is none.

    ``url`` is set only when the server answered; ``version`` is its ``server_version``;
    ``reason`` says why PostgreSQL is skipped (no URL, unreachable...).
    """

    url: str | None
    origin: str | None  # the environment variable the URL came from
    version: str | None = None
    reason: str | None = None


def postgres_target(timeout_s: float = PROBE_TIMEOUT_S) -> PostgresTarget:
    """The PostgreSQL server named by the environment, if it answers within `timeout_s`.

    ``CII_BENCH_DATABASE_URL`` wins; set but empty, it turns PostgreSQL off. Unset, the test
    database ``CII_TEST_DATABASE_URL`` is used.

    Returns
    -------
    PostgresTarget
        With ``url`` and ``version`` when the server answered, else with ``reason``.
    """
    for variable in ("CII_BENCH_DATABASE_URL", "CII_TEST_DATABASE_URL"):
        if variable in os.environ:
            url = os.environ[variable].strip()
            if url:
                break
            if variable == "CII_BENCH_DATABASE_URL":
                return PostgresTarget(None, variable, reason=f"{variable} is set but empty")
    else:
        reason = "neither CII_BENCH_DATABASE_URL nor CII_TEST_DATABASE_URL is set"
        return PostgresTarget(None, None, reason=reason)

    shown = postgres_display(url)
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": max(1, round(timeout_s))})
        try:
            with engine.connect() as connection:
                version = connection.exec_driver_sql("SHOW server_version").scalar_one()
        finally:
            engine.dispose()
    except Exception as error:  # any driver or network error means: skip PostgreSQL
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return PostgresTarget(None, variable, reason=f"{shown} unreachable ({detail})")
    return PostgresTarget(url, variable, version=version)


def postgres_display(url: str) -> str:
    """`url` as it may be printed: without its password."""
    return sa.make_url(url).render_as_string(hide_password=True)


def _schema_url(base_url: str, schema: str) -> str:
    """`base_url` whose connections use `schema` first (as tests/db/helpers.postgres_url)."""
    url = sa.make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


# --- import trials ---------------------------------------------------------------------------


def import_trials(
    path: Path, rows: int, backend: str, postgres_url: str | None, trials: int
) -> list[dict]:
    """Import `path` `trials` times, each in a fresh process on a fresh database.

    Parameters
    ----------
    path
        The partner file (:func:`partner_csv`) of `rows` rows.
    backend
        ``"sqlite"`` (a temporary file) or ``"postgresql"`` (a new schema of `postgres_url`,
        dropped afterwards).

    Returns
    -------
    list of dict
        Per trial: ``total_s`` (``import_file``), one ``<stage>_s`` per name of :data:`STAGES`,
        ``load_s``, ``baseline_mib`` (RSS before reading), ``peak_import_mib``,
        ``peak_load_mib``, ``warnings``.
    """
    results = []
    for trial in range(1, trials + 1):
        log(f"import of {rows:,} rows on {backend}, trial {trial}/{trials}")
        results.append(_import_trial(path, rows, backend, postgres_url))
    return results


def _import_trial(path: Path, rows: int, backend: str, postgres_url: str | None) -> dict:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="cii-bench-") as folder:
            return _run_child(f"sqlite:///{folder}/bench.sqlite3", path, rows)
    if postgres_url is None:
        raise ValueError("postgresql needs a URL")
    # The parent creates and drops the schema: a child that crashes leaves nothing behind.
    schema = f"cii_bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        try:
            return _run_child(_schema_url(postgres_url, schema), path, rows)
        finally:
            with admin.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    finally:
        admin.dispose()


def _run_child(url: str, path: Path, rows: int) -> dict:
    command = [sys.executable, "-m", "bench.bench_pipeline", "--child", str(path), str(rows)]
    env = {**os.environ, _CHILD_URL: url}  # not in argv, where `ps` would show a password
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"import trial failed (exit {done.returncode}):\n{tail}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def _timed_stages(module: ModuleType, timings: dict[str, float]) -> Iterator[None]:
    """Time the stages of ``import_file`` where it calls them, so the real path is measured."""
    originals = {name: getattr(module, name) for name in STAGES}

    def timed(name: str, function: Callable) -> Callable:
        def wrapper(*args: object, **kwargs: object) -> object:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - start

        return wrapper

    for name, function in originals.items():
        setattr(module, name, timed(name, function))
    try:
        yield
    finally:
        for name, function in originals.items():
            setattr(module, name, function)


def _child_import(url: str, path: Path, rows: int) -> dict:
    """One trial, in its own process: import the file, then load it back."""
    from dashboard import imports
    from dashboard.db.engine import ensure_database
    from dashboard.db.load import load_dataset

    engine = ensure_database(url)  # migrations are not part of an import
    try:
        gc.collect()
        baseline = _status_mib("VmRSS")
        timings: dict[str, float] = {}
        with _timed_stages(imports, timings):
            start = time.perf_counter()
            outcome = imports.import_file(
                engine, DATASET, path, source=PARTNER, year=YEAR, uploaded_by="bench"
            )
            total = time.perf_counter() - start
        if outcome.stored is None:
            lines = "\n".join(outcome.report.lines("fr")[:10])
            raise SystemExit(f"the partner file was refused:\n{lines}")
        if outcome.stored.outcome != "stored" or outcome.stored.row_count != rows:
            raise SystemExit(f"unexpected store result: {outcome.stored}")
        warnings = len(outcome.report.warnings)
        peak_import = _status_mib("VmHWM")

        del outcome
        gc.collect()
        peak_reset = _reset_peak_rss()
        start = time.perf_counter()
        loaded = load_dataset(engine, DATASET)
        load = time.perf_counter() - start
        if loaded.height != rows:
            raise SystemExit(f"load_dataset returned {loaded.height} rows, not {rows}")
        peak_load = _status_mib("VmHWM") if peak_reset else None
    finally:
        engine.dispose()
    return {
        "total_s": total,
        **{f"{name}_s": timings[name] for name in STAGES},
        "load_s": load,
        "baseline_mib": baseline,
        "peak_import_mib": peak_import,
        "peak_load_mib": peak_load,
        "warnings": warnings,
    }


def _status_mib(field: str) -> float | None:
    """A memory figure of this process from /proc/self/status (Linux), in MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Reset this process's VmHWM to its current RSS (Linux >= 4.0); False if not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


# --- cii overlap, end to end -----------------------------------------------------------------


def cli_bench(runs: int, *, year: int = YEAR) -> dict:
    """Time ``cii overlap --year <year> --format json`` as a user runs it, on the demo data.

    The demo data is loaded once (``load_demo``) into a temporary SQLite file; then each run is
    a new process (``python -m dashboard overlap ...``), Python start included, after one
    untimed warm-up run (byte-code compilation, file cache). ``python -c pass`` is timed alike,
    for the share of the interpreter's own start.

    Returns
    -------
    dict
        ``demo_load_s``; ``commands``: per command its ``label``, ``walls`` (seconds),
        ``peak_mib`` (largest peak RSS of a run) and ``first_s`` (the warm-up run);
        ``beneficiaries`` and ``simultaneous`` from the command's JSON output.
    """
    from dashboard.db.engine import ensure_database
    from dashboard.demo import load_demo

    with tempfile.TemporaryDirectory(prefix="cii-bench-") as folder:
        url = f"sqlite:///{folder}/demo.sqlite3"
        log("loading the demo data into a temporary SQLite file")
        start = time.perf_counter()
        engine = ensure_database(url)
        try:
            refused = [entry.file for entry, outcome in load_demo(engine) if not outcome.ok]
        finally:
            engine.dispose()
        demo_load = time.perf_counter() - start
        if refused:
            raise RuntimeError(f"demo files refused: {', '.join(refused)}")

        env = {**os.environ, "CII_DATABASE_URL": url}
        overlap = ["-m", "dashboard", "overlap", "--year", str(year), "--format", "json"]
        commands = []
        output = ""
        for label, arguments in (("python -c pass", ["-c", "pass"]), ("cii overlap", overlap)):
            log(f"{label}: 1 warm-up and {runs} timed runs")
            first, _, _ = _timed_process([sys.executable, *arguments], env)
            walls, peaks = [], []
            for _ in range(runs):
                wall, peak, output = _timed_process([sys.executable, *arguments], env)
                walls.append(wall)
                peaks.append(peak)
            commands.append(
                {"label": label, "walls": walls, "peak_mib": max(peaks), "first_s": first}
            )
    result = json.loads(output)  # the last run's: the command did compute the overlap
    return {
        "demo_load_s": demo_load,
        "commands": commands,
        "beneficiaries": result["total_beneficiaries"],
        "simultaneous": result["total_simultaneous"],
    }


# Starts the command and reports its wall time and peak RSS. A child's ru_maxrss starts from its
# parent's high-water mark at fork/exec, so the command is started from this small interpreter
# (python -S, about 10 MiB), not from the benchmark process (polars, SQLAlchemy, the demo data).
_LAUNCHER = """
import json, os, sys, time
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as handle:
    code = os.waitstatus_to_exitcode(status)
    json.dump({"wall": wall, "exit": code, "kib": usage.ru_maxrss}, handle)
"""


def _timed_process(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall time, peak RSS (MiB) and standard output of one run of `command`."""
    with tempfile.TemporaryDirectory(prefix="cii-bench-") as folder:
        measured, errors = Path(folder) / "run.json", Path(folder) / "stderr"
        with errors.open("wb") as stderr:  # a file, not a pipe: never blocks the command
            done = subprocess.run(
                [sys.executable, "-S", "-c", _LAUNCHER, str(measured), *command],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=stderr,
                check=False,
            )
        run = json.loads(measured.read_text()) if measured.exists() else {"exit": done.returncode}
        if done.returncode != 0 or run["exit"] != 0:
            detail = errors.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{' '.join(command)} failed (exit {run['exit']}): {detail}")
    return run["wall"], run["kib"] / 1024, done.stdout.decode()


# --- markdown --------------------------------------------------------------------------------


def markdown_table(
    header: Sequence[str], rows: Sequence[Sequence[object]], align: str = ""
) -> str:
    """A GitHub markdown table; `align` has one letter per column (``l`` or ``r``, default r)."""
    align = align.ljust(len(header), "r")
    rule = ["---:" if a == "r" else ":---" for a in align]
    lines = [header, rule, *([str(cell) for cell in row] for row in rows)]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def _mib(values: Iterable[float | None]) -> str:
    """The largest of the trials' figures; "?" when one is unknown."""
    values = list(values)
    return "?" if None in values else f"{max(values):,.0f}"


def import_section(path: Path, rows: int, results: dict[str, list[dict]]) -> str:
    """The markdown of the import benchmark: one row per backend, from its median trial.

    `results` maps a backend name to the trials of :func:`import_trials`.
    """
    size_mb = path.stat().st_size / 1e6
    trials = "/".join(str(n) for n in sorted({len(r) for r in results.values()}))
    lines = [
        f"File: {rows:,} rows, {size_mb:,.1f} MB, Windows-1252, `;`-separated, CRLF, French "
        f"headers, `dd.mm.yyyy` dates, one institution ({PARTNER}), reporting year {YEAR}. "
        f"`import_file` = hash + read + validate + store: the median of {trials} trial(s), each "
        "in a fresh process on a fresh database, with the stages of that median trial (so that "
        "they add up); `load_dataset`: the median over the trials. Peak RSS: the largest of the "
        "trials, interpreter and libraries included (baseline); the load peak is measured after "
        "resetting the import's.",
        "",
    ]
    header = [
        "backend", "rows", "hash s", "read s", "validate s", "store s", "import_file s",
        "min–max s", "rows/s", "load_dataset s", "baseline MiB", "peak import MiB",
        "peak load MiB", "warnings",
    ]
    table = []
    for backend, trials_ in results.items():
        by_total = sorted(trials_, key=lambda t: t["total_s"])
        median = by_total[(len(by_total) - 1) // 2]  # the lower one of an even count
        table.append(
            [
                backend,
                f"{rows:,}",
                *(f"{median[f'{stage}_s']:.2f}" for stage in STAGES),
                f"{median['total_s']:.2f}",
                f"{by_total[0]['total_s']:.2f}–{by_total[-1]['total_s']:.2f}",
                f"{rows / median['total_s']:,.0f}",
                f"{statistics.median(t['load_s'] for t in trials_):.2f}",
                _mib(t["baseline_mib"] for t in trials_),
                _mib(t["peak_import_mib"] for t in trials_),
                _mib(t["peak_load_mib"] for t in trials_),
                str(max(t["warnings"] for t in trials_)),
            ]
        )
    lines.append(markdown_table(header, table, "l"))
    return "\n".join(lines)


def cli_section(result: dict, runs: int, year: int = YEAR) -> str:
    """The markdown of :func:`cli_bench`."""
    lines = [
        f"`python -m dashboard overlap --year {year} --format json` on a temporary SQLite file "
        f"holding the demo data (loaded once with `load_demo` in {result['demo_load_s']:.1f} s): "
        f"a new process per run, Python start included; median of {runs} runs after one "
        f"untimed warm-up. The command found {result['beneficiaries']:,} beneficiaries, "
        f"{result['simultaneous']:,} followed simultaneously.",
        "",
    ]
    header = ["command", "runs", "median s", "min s", "max s", "warm-up s", "peak RSS MiB"]
    table = [
        [
            f"`{c['label']}`",
            str(len(c["walls"])),
            f"{statistics.median(c['walls']):.2f}",
            f"{min(c['walls']):.2f}",
            f"{max(c['walls']):.2f}",
            f"{c['first_s']:.2f}",
            _mib([c["peak_mib"]]),
        ]
        for c in result["commands"]
    ]
    lines.append(markdown_table(header, table, "l"))
    return "\n".join(lines)


def file_digest(path: Path) -> str:
    """SHA-256 of the file (reading it also warms the page cache before the first trial)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


# --- command line ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    """Run the import and `cii overlap` benchmarks and print their markdown sections."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5, help="runs of `cii overlap`")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR)
    parser.add_argument("--child", nargs=2, metavar=("FILE", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        path, rows = args.child
        print(json.dumps(_child_import(os.environ[_CHILD_URL], Path(path), int(rows))))
        return

    postgres = postgres_target()
    backends = [("sqlite", None)]
    if postgres.url:
        backends.append(("postgresql", postgres.url))
    else:
        log(f"PostgreSQL skipped: {postgres.reason}")
    path = partner_csv(args.rows, args.seed, cache_dir=args.cache_dir)
    file_digest(path)
    results = {
        name: import_trials(path, args.rows, name, url, args.trials) for name, url in backends
    }
    print(import_section(path, args.rows, results))
    print()
    print(cli_section(cli_bench(args.runs), args.runs))


if __name__ == "__main__":
    main()
