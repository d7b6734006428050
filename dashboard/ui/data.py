"""Loaders for the pages: the database read once per data version, then served from cache.

The cache key is the data version (bumped by every upload, restore and rollback), so a filter
change only recomputes queries, and a new upload is visible at the next rerun.
"""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
import streamlit as st

from dashboard.db.engine import ensure_database
from dashboard.db.load import data_version, load_dataset, loaded_schema
from dashboard.db.store import list_uploads
from dashboard.settings import database_url


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> sa.Engine:
    return ensure_database(url)


def engine() -> sa.Engine:
    return _engine(database_url())


def current_version() -> int:
    """Read before loading: a cache filled under an older version is never served as newer."""
    return data_version(engine())


# cache_resource, not cache_data: the frame is shared, not copied (unpickled) on every read,
# which cost ~7 ms per dataset and rerun; polars frames are never modified in place here.
@st.cache_resource(show_spinner=False, max_entries=64)
def _load(url: str, dataset: str, version: int) -> pl.DataFrame:
    frame = load_dataset(_engine(url), dataset)
    if dataset == "followups":
        # The pages only ever show aggregates: a dense integer key replaces the pseudonyms,
        # which keeps them out of the app's memory and makes the overlap join cheaper.
        frame = frame.with_columns(pl.col("person_id").rank("dense").cast(pl.UInt32))
    return frame


def dataset(name: str) -> pl.DataFrame:
    """The current uploads of one dataset, every reporting year."""
    return _load(database_url(), name, current_version())


def datasets(*names: str) -> dict[str, pl.DataFrame]:
    return {name: dataset(name) for name in names}


@st.cache_resource(show_spinner=False, max_entries=16)
def _uploads(url: str, version: int) -> pl.DataFrame:
    return list_uploads(_engine(url))


def uploads() -> pl.DataFrame:
    """The upload history (all statuses), newest first."""
    return _uploads(database_url(), current_version())


def reporting_years() -> list[int]:
    """Years with at least one current upload of record-level data, newest first."""
    current = uploads().filter((pl.col("status") == "current") & (pl.col("dataset") != "published"))
    return sorted(current["year"].unique().to_list(), reverse=True)


def empty(name: str) -> pl.DataFrame:
    """An empty frame shaped like the loaded dataset (for pages shown without data)."""
    return pl.DataFrame(schema=loaded_schema(name))
