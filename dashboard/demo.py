"""Load the synthetic demo data (data/demo, see data/README.md) through the normal import path."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from dashboard.db.models import UPLOADS
from dashboard.imports import ImportOutcome, import_file
from dashboard.settings import REPO_ROOT

DEMO_DIR = REPO_ROOT / "data" / "demo"
DEMO_USER = "demo"


@dataclass(frozen=True)
class DemoFile:
    """One entry of data/demo/manifest.json: which partner sends which file for which year."""

    file: str
    dataset: str
    source: str
    year: int


def demo_files(directory: Path = DEMO_DIR) -> list[DemoFile]:
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    return [DemoFile(e["file"], e["dataset"], e["source"], int(e["year"])) for e in manifest["files"]]


def database_is_empty(engine: sa.Engine) -> bool:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(UPLOADS)).scalar_one() == 0


def load_demo(engine: sa.Engine, directory: Path = DEMO_DIR) -> list[tuple[DemoFile, ImportOutcome]]:
    """Import every demo file as its partner would; a second run changes nothing (same files)."""
    return [
        (
            entry,
            import_file(
                engine,
                entry.dataset,
                directory / entry.file,
                source=entry.source,
                year=entry.year,
                uploaded_by=DEMO_USER,
            ),
        )
        for entry in demo_files(directory)
    ]
