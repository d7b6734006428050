"""Where things are: the database URL and the local data folder."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"  # git-ignored: the embedded database, demo credentials
DEFAULT_SQLITE_PATH = VAR_DIR / "cii.sqlite3"


def database_url() -> str:
    """``CII_DATABASE_URL`` if set (PostgreSQL in production), else the embedded SQLite file."""
    url = os.environ.get("CII_DATABASE_URL", "").strip()
    if url:
        return url
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"
