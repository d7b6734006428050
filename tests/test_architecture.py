"""Architecture is the direction of imports: queries/ stays pure (no UI, no database, no I/O).

Parses every module of queries/ (without importing it) and fails on an import of streamlit,
sqlalchemy, pandas or dashboard.db, and on calls that read, write or print.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUERIES = sorted((ROOT / "queries").rglob("*.py"))

FORBIDDEN_MODULES = ("streamlit", "sqlalchemy", "pandas", "dashboard.db")
FORBIDDEN_CALLS = ("open", "print", "input")
FORBIDDEN_CALL_PREFIXES = ("read_", "scan_", "write_", "sink_")  # pl.read_csv, df.write_parquet, path.read_text


def _is_forbidden_module(name: str) -> bool:
    return any(name == module or name.startswith(module + ".") for module in FORBIDDEN_MODULES)


def violations(source: str) -> list[str]:
    """What in `source` breaks the rules, as ``line: what`` strings."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {alias.name}" for alias in node.names if _is_forbidden_module(alias.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from dashboard import db` imports dashboard.db too.
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            if any(_is_forbidden_module(name) for name in names):
                found.append(f"{node.lineno}: from {node.module} import {', '.join(a.name for a in node.names)}")
        elif isinstance(node, ast.Call):
            function = node.func
            name = function.id if isinstance(function, ast.Name) else function.attr if isinstance(function, ast.Attribute) else None
            if name and (name in FORBIDDEN_CALLS or name.startswith(FORBIDDEN_CALL_PREFIXES)):
                found.append(f"{node.lineno}: {name}(...)")
    return found


def test_queries_exist():
    assert QUERIES, "no module found under queries/"


@pytest.mark.parametrize("path", QUERIES, ids=lambda path: str(path.relative_to(ROOT)))
def test_queries_are_pure(path):
    assert violations(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # imports of the UI, the database and pandas, in every form
        ("import streamlit as st", ["1: import streamlit"]),
        ("import sqlalchemy.orm", ["1: import sqlalchemy.orm"]),
        ("from pandas import DataFrame", ["1: from pandas import DataFrame"]),
        ("from dashboard.db.models import Upload", ["1: from dashboard.db.models import Upload"]),
        ("from dashboard import db", ["1: from dashboard import db"]),
        # I/O and printing
        ("open('x.csv')", ["1: open(...)"]),
        ("pl.read_csv('x.csv')", ["1: read_csv(...)"]),
        ("pl.scan_parquet('x')", ["1: scan_parquet(...)"]),
        ("frame.write_parquet('x')", ["1: write_parquet(...)"]),
        ("print(frame)", ["1: print(...)"]),
        # allowed: polars, the dataset contract, the other queries
        ("import polars as pl\nfrom dashboard.datasets import REGIONS\nfrom queries.filters import TOTAL", []),
        ("from dashboard import datasets", []),
        ("from . import filters", []),
    ],
)
def test_the_rules_catch_what_they_should(source, expected):
    assert violations(source) == expected
