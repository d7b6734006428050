"""The report's tables for a year, from the database: what `cii indicators` and `cii overlap` print.

Loads the datasets (current uploads), calls the pure queries, and shapes the results as named
tables. Kept out of `queries/` because it reads the database; kept out of the CLI so the pages
and the exports can reuse it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import polars as pl
import sqlalchemy as sa

from dashboard.db.load import load_dataset
from queries import coaching, network, overlap, situations, youth
from queries.filters import rows_of_year
from queries.summary import with_published, year_in_brief


def load_frames(engine: sa.Engine, datasets: Iterable[str], years: Sequence[int] | None = None) -> dict[str, pl.DataFrame]:
    """The current uploads of the given datasets (of these reporting years; None = all)."""
    return {name: load_dataset(engine, name, years=years) for name in datasets}


_REPORT_DATASETS = (
    "situations", "followups", "trainings", "budget", "published",
    "services", "t1_situations", "coaching", "transitions", "protected_persons",
)


def report_tables(
    engine: sa.Engine, year: int, previous_year: int | None, *, regions: Sequence[str] | None = None
) -> dict[str, pl.DataFrame]:
    """Every table of the annual report for `year`, in the report's order, by table name."""
    frames = load_frames(engine, _REPORT_DATASETS)
    summary = year_in_brief(frames, year, previous_year, regions=regions)
    if not regions:  # the published report is canton-wide
        summary = with_published(summary, frames["published"], year)
    result = overlap.overlap_summary(rows_of_year(frames["followups"], year), year, regions=regions)
    rate = coaching.reinsertion_rate(frames["coaching"], year, regions=regions)
    detection = situations.early_detection(frames["situations"], year, regions=regions)
    return {
        "year_in_brief": summary,
        "simultaneous_by_institution": result.per_institution,
        "overlap_matrix": result.matrix,
        "combinations": result.combinations.with_columns(pl.col("institutions").list.join("+")),
        "t1_provenance": youth.t1_provenance(frames["t1_situations"], year, regions=regions),
        "t1_institutional_provenance": youth.t1_institutional_provenance(frames["t1_situations"], year, regions=regions),
        "complex_by_region_and_announcer": situations.complex_by_region_and_announcer(frames["situations"], year, regions=regions),
        "services_by_type": situations.services_by_type(frames["services"], year, regions=regions),
        "early_detection": pl.DataFrame(
            {"year": [year], "early": [detection.numerator], "complex_situations": [detection.denominator], "share": [detection.value]},
            schema_overrides={"share": pl.Float64},
        ),
        "coaching_reinsertion": pl.DataFrame(
            {"year": [year], "employment": [rate.numerator], "closed": [rate.denominator], "rate": [rate.value]},
            schema_overrides={"rate": pl.Float64},
        ),
        "transitions_by_region": network.transitions_by_region(frames["transitions"], year, regions=regions),
        "protected_persons_by_year": network.protected_persons_series(
            network.protected_persons_by_year(frames["protected_persons"], regions=regions),
            frames["published"] if not regions else frames["published"].clear(),  # published = canton-wide
        ),
    }


def overlap_json(
    engine: sa.Engine, year: int, *, regions: Sequence[str] | None = None, institutions: Sequence[str] | None = None
) -> dict:
    """`cii overlap --format json`: the overlap of `year` as plain JSON-ready values."""
    episodes = load_dataset(engine, "followups", years=[year])
    return overlap.to_json_dict(overlap.overlap_summary(episodes, year, regions=regions, institutions=institutions))


def render(tables: dict[str, pl.DataFrame], fmt: str) -> str:
    """Tables as JSON (an object of arrays of rows), CSV (one titled block per table) or Markdown."""
    if fmt == "json":
        return json.dumps({name: frame.to_dicts() for name, frame in tables.items()}, ensure_ascii=False, indent=2, default=str)
    blocks = []
    for name, frame in tables.items():
        if fmt == "csv":
            blocks.append(frame.write_csv() if len(tables) == 1 else f"# {name}\n{frame.write_csv()}")
        else:
            blocks.append(f"## {name}\n\n{_markdown(frame)}")
    return "\n".join(blocks) if fmt == "csv" else "\n\n".join(blocks) + "\n"


def _markdown(frame: pl.DataFrame) -> str:
    def cell(value: object) -> str:
        return "" if value is None else str(value).replace("|", "\\|")

    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.iter_rows()]
    return "\n".join([header, rule, *rows])
