"""Storage: schema and migrations, engines, versioned uploads, and loading into polars.

``ensure_database()`` gives a migrated engine; ``store_upload`` / ``rollback`` /
``list_uploads`` write and read the upload history; ``load_dataset`` and ``data_version``
feed the app's cached loaders.
"""

from dashboard.db.engine import ensure_database, get_engine, migrate
from dashboard.db.load import data_version, frame_schema, load_dataset
from dashboard.db.store import (
    RollbackResult,
    StoreError,
    StoreResult,
    list_uploads,
    rollback,
    store_upload,
)

__all__ = [
    "RollbackResult",
    "StoreError",
    "StoreResult",
    "data_version",
    "ensure_database",
    "frame_schema",
    "get_engine",
    "list_uploads",
    "load_dataset",
    "migrate",
    "rollback",
    "store_upload",
]
