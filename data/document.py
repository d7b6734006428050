"""The dataset reference of ``data/README.md``, generated from the contract so that it cannot drift.

Two blocks of the README are rendered, each between its pair of markers: the dataset reference,
from :data:`dashboard.datasets.DATASETS` (columns, aliases, kinds, allowed values, keys, sources,
date order, period) and the demo files (one example per dataset, and which demo file holds it);
and the calibration table, recomputed from the demo files by
:func:`data.generate_demo.calibration`. The prose around the markers is written by hand.

Run ``python -m data.document`` to refresh the README, ``python -m data.document --check`` to
fail if it is out of date (a test does the same).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from dashboard.datasets import DATASETS, Column, Dataset

DATA_DIR = Path(__file__).resolve().parent
README = DATA_DIR / "README.md"
DEMO_DIR = DATA_DIR / "demo"

def _markers(block: str) -> tuple[str, str]:
    return (
        f"<!-- BEGIN GENERATED: {block} (python -m data.document); do not edit by hand -->",
        f"<!-- END GENERATED: {block} -->",
    )

KIND_DESCRIPTIONS = {
    "text": "text",
    "pseudonym": (
        "pseudonym: 64 lowercase hex digits (HMAC-SHA256 of the AVS number, "
        "see *Pseudonymisation for partners*)"
    ),
    "choice": "one of the allowed values",
    "date": "date: `2025-03-31` (canonical, ISO); `31.03.2025` is accepted",
    "integer": "whole number: `1234`; Swiss spellings such as `1'234` are accepted",
    "year": "year: `2025`",
    "money": "amount in CHF: `1234.50` (canonical, plain decimal); `Frs. 1'234.50` is accepted",
    "number": "number: `0.24`, `6418`; Swiss spellings such as `6'418` are accepted",
    "boolean": "yes/no: `true` / `false` (canonical); oui/non, ja/nein, yes/no are accepted",
}
EXAMPLE_ROWS = 2


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def _code_list(values: Sequence[str]) -> str:
    return ", ".join(f"`{_escape(v)}`" for v in values)


def _allowed_values(column: Column) -> str:
    """``ORP`` (also RAV, ...); one entry per canonical value."""
    if not column.choices:
        bounds = []
        if column.minimum is not None:
            bounds.append(f"≥ {column.minimum}")
        if column.maximum is not None:
            bounds.append(f"≤ {column.maximum}")
        return ", ".join(bounds)
    entries = []
    for canonical, spellings in column.choices.items():
        also = f" (also {', '.join(_escape(s) for s in spellings)})" if spellings else ""
        entries.append(f"`{_escape(canonical)}`{also}")
    return "<br>".join(entries)


def _column_table(dataset: Dataset) -> list[str]:
    lines = [
        "| column | type | required | may be empty | also accepted as header | allowed values |",
        "|---|---|---|---|---|---|",
    ]
    for column in dataset.columns:
        lines.append(
            "| "
            + " | ".join(
                (
                    f"`{column.name}`",
                    KIND_DESCRIPTIONS[column.kind],
                    "yes" if column.required else "no",
                    "yes" if column.nullable else "no",
                    ", ".join(_escape(a) for a in column.aliases),
                    _allowed_values(column),
                )
            )
            + " |"
        )
    return lines


def _demo_files(demo_dir: Path) -> dict[str, list[dict]]:
    manifest = json.loads((demo_dir / "manifest.json").read_text(encoding="utf-8"))
    files: dict[str, list[dict]] = {}
    for entry in manifest["files"]:
        files.setdefault(entry["dataset"], []).append(entry)
    return files


def _example(demo_dir: Path, entry: dict) -> list[str]:
    """The first rows of a demo file as a Markdown table, cells as written in the file."""
    path = demo_dir / entry["file"]
    if path.suffix == ".parquet":
        frame = pl.read_parquet(path, n_rows=EXAMPLE_ROWS).with_columns(pl.all().cast(pl.String))
    else:
        frame = pl.read_csv(path, separator=";", infer_schema=False, n_rows=EXAMPLE_ROWS)
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * frame.width]
    for row in frame.iter_rows():
        lines.append("| " + " | ".join("" if v is None else _escape(v) for v in row) + " |")
    return lines


def dataset_reference(demo_dir: Path = DEMO_DIR) -> str:
    """The Markdown reference of every dataset of the contract, with an example from the demo."""
    files = _demo_files(demo_dir)
    lines: list[str] = []
    for dataset in DATASETS.values():
        key = " + ".join(f"`{c}`" for c in dataset.key) if dataset.key else "none (rows may repeat)"
        order = ", ".join(f"`{a}` ≤ `{b}`" for a, b in dataset.date_order) or "none"
        period = " – ".join(f"`{c}`" for c in dataset.period) or "none (figures of any year)"
        lines += [
            f"### `{dataset.name}`",
            "",
            f"One row is {dataset.row_is}.",
            "",
            f"- Sent by: {_code_list(dataset.sources)}",
            f"- Unique key: {key}",
            f"- Date order: {order}",
            f"- Places a row in time: {period}",
            "",
            *_column_table(dataset),
            "",
        ]
        entries = files.get(dataset.name, [])
        if entries:
            names = ", ".join(f"`{e['file']}` ({e['source']}, {e['year']}, {e['rows']} rows)" for e in entries)
            example = next((e for e in entries if e["year"] == 2025), entries[0])
            lines += [f"Demo files: {names}.", "", f"Example (first rows of `{example['file']}`):", ""]
            lines += [*_example(demo_dir, example), ""]
    return "\n".join(lines).rstrip() + "\n"


def calibration_table(demo_dir: Path = DEMO_DIR) -> str:
    """Every target of the demo with what the demo files give, as a Markdown table."""
    from data.generate_demo import calibration

    lines = [
        "| indicator | year | dimensions | target | achieved | exact | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in calibration(demo_dir):
        exact = f"{result.numerator}/{result.denominator}" if result.digits is not None else ""
        cells = (
            result.indicator,
            str(result.year),
            _escape(result.dimensions),
            result.target + (f" (misprint; {result.compared_with} expected)" if result.compared_with else ""),
            result.achieved_text,
            exact,
            "yes" if result.ok else "**NO**",
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def followups_composition(demo_dir: Path = DEMO_DIR) -> str:
    """Beneficiaries per institution and combinations of the simultaneously followed, per year."""
    from data.generate_demo import YEARS, combination_counts, load_demo, overlap_counts

    episodes = load_demo(demo_dir)["followups"]
    counts = {year: overlap_counts(episodes[year], year) for year in YEARS}
    header = " | ".join(f"{y} beneficiaries | {y} taking part" for y in YEARS)
    lines = [f"| institution | {header} |", "|---|" + "---|---|" * len(YEARS)]
    for row in zip(*(counts[y].iter_rows() for y in YEARS), strict=True):
        cells = " | ".join(f"{b:,} | {s:,}".replace(",", "'") for _, b, s in row)
        lines.append(f"| {row[0][0]} | {cells} |")
    combos = pl.concat(
        [combination_counts(episodes[y], y).with_columns(pl.lit(str(y)).alias("year")) for y in YEARS]
    ).pivot("year", index=["combination", "size"], values="persons")
    combos = combos.fill_null(0).sort("size", str(YEARS[-1]), "combination", descending=[False, True, False])
    lines += ["", "| institutions taking part | " + " | ".join(map(str, YEARS)) + " |", "|---|" + "---|" * len(YEARS)]
    for combination, _, *persons in combos.iter_rows():
        lines.append(f"| {combination} | " + " | ".join(f"{p:,}".replace(",", "'") for p in persons) + " |")
    return "\n".join(lines) + "\n"


BLOCKS = {
    "calibration": calibration_table,
    "followups composition": followups_composition,
    "dataset reference": dataset_reference,
}


def render_readme(text: str, demo_dir: Path = DEMO_DIR) -> str:
    """``text`` with each generated block between its markers replaced by a fresh one."""
    for block, render in BLOCKS.items():
        begin, end = _markers(block)
        before, found_begin, rest = text.partition(begin)
        _, found_end, after = rest.partition(end)
        if not (found_begin and found_end):
            raise ValueError(f"data/README.md has lost the markers of its generated block {block!r}")
        text = f"{before}{begin}\n\n{render(demo_dir)}\n{end}{after}"
    return text


def update_readme(path: Path = README, demo_dir: Path = DEMO_DIR) -> bool:
    """Rewrite the generated block of the README; True if it changed."""
    text = path.read_text(encoding="utf-8")
    fresh = render_readme(text, demo_dir)
    if fresh == text:
        return False
    path.write_text(fresh, encoding="utf-8")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.document", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if data/README.md is out of date")
    args = parser.parse_args(argv)
    if args.check:
        text = README.read_text(encoding="utf-8")
        if render_readme(text) != text:
            print("data/README.md is out of date: run python -m data.document", file=sys.stderr)
            return 1
        return 0
    print("updated data/README.md" if update_readme() else "data/README.md is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
