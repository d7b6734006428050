"""Templates: one CSV and one XLSX per dataset, canonical headers, a valid example row."""

import datetime as dt
import re

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.datasets import DATASETS
from dashboard.ingest.privacy import privacy_problems
from dashboard.ingest.read import read_table
from dashboard.ingest.validate import validate
from dashboard.templates import example_row, write_templates


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    directory = tmp_path_factory.mktemp("templates")
    return directory, write_templates(directory)


def _expected_frame(name: str) -> pl.DataFrame:
    schema = dict.fromkeys(DATASETS[name].column_names, pl.String)
    return pl.DataFrame([example_row(name)], schema=schema)


def test_a_csv_and_an_xlsx_for_every_dataset(templates):
    directory, written = templates
    expected = [directory / f"{name}.{ext}" for name in DATASETS for ext in ("csv", "xlsx")]
    assert written == expected
    assert all(path.is_file() for path in written)


@pytest.mark.parametrize("name", list(DATASETS))
def test_csv_opens_right_in_swiss_excel(templates, name):
    directory, _ = templates
    content = (directory / f"{name}.csv").read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    header = content[3:].decode("utf-8").splitlines()[0]
    assert header.split(";") == list(DATASETS[name].column_names)


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
@pytest.mark.parametrize("name", list(DATASETS))
def test_template_reads_back_as_the_example_row(templates, name, ext):
    directory, _ = templates
    raw = read_table(directory / f"{name}.{ext}")
    assert_frame_equal(raw.frame, _expected_frame(name))
    assert privacy_problems(raw.frame) == []
    if ext == "csv":
        assert raw.separator == ";"


@pytest.mark.parametrize("name", list(DATASETS))
def test_example_row_follows_the_contract(name):
    spec = DATASETS[name]
    row = example_row(name)
    assert list(row) == list(spec.column_names)
    dates = {}
    for column in spec.columns:
        value = row[column.name]
        assert value, column.name
        match column.kind:
            case "pseudonym":
                assert re.fullmatch(r"[0-9a-f]{64}", value)
            case "choice":
                assert value in column.choices
            case "date":
                dates[column.name] = dt.datetime.strptime(value, "%d.%m.%Y").date()
                assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", value)
            case "year":
                assert 2000 <= int(value) <= 2100
            case "integer":
                assert int(value) >= (column.minimum or 0)
            case "money":
                assert value == "Frs. 1'234.50"
    for earlier, later in spec.date_order:
        assert dates[earlier] < dates[later], (earlier, later)


def test_templates_are_replaced_on_a_second_run(tmp_path):
    first = write_templates(tmp_path)
    second = write_templates(tmp_path)
    assert first == second
    assert sorted(tmp_path.iterdir()) == sorted(first)


@pytest.mark.parametrize("name", list(DATASETS))
def test_template_passes_validation_without_warnings(templates, name):
    directory, _ = templates
    spec = DATASETS[name]
    raw = read_table(directory / f"{name}.xlsx")
    result = validate(raw.frame, name, source=spec.sources[0], year=2025)
    assert (result.report.errors, result.report.warnings) == ([], [])
