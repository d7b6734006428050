"""The `cii` command line, run in-process against real databases (SQLite, PostgreSQL if set)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from dashboard.cli import main
from dashboard.datasets import DATASETS
from dashboard.db.load import load_dataset
from dashboard.indicators import load_frames
from queries import overlap, youth
from queries.summary import year_in_brief
from tests.db.helpers import table_snapshot

PERSON = "a" * 64
OTHER = "b" * 64


@pytest.fixture
def cli_database(engine, database_url, monkeypatch):
    """`cii` talks to the test database through CII_DATABASE_URL, as in production."""
    monkeypatch.setenv("CII_DATABASE_URL", database_url)
    return engine


def followups_csv(tmp_path: Path, rows: list[str], name: str = "suivis.csv") -> Path:
    path = tmp_path / name
    text = "Personne;Dispositif;Région;Date de début;Date de fin\n" + "\n".join(rows) + "\n"
    path.write_bytes(text.encode("cp1252"))
    return path


def test_import_stores_a_valid_file_and_a_second_import_changes_nothing(cli_database, tmp_path, capsys):
    path = followups_csv(tmp_path, [f"{PERSON};ORP;Sion;01.02.2025;", f"{OTHER};ORP;Sierre;15.03.2025;30.06.2025"])
    assert main(["import", "followups", str(path), "--source", "ORP", "--year", "2025", "--by", "test"]) == 0
    assert "enregistré" in capsys.readouterr().out
    before = table_snapshot(cli_database)
    assert main(["--lang", "de", "import", "followups", str(path), "--source", "orp", "--year", "2025"]) == 0
    assert "nichts" in capsys.readouterr().out.lower()
    assert table_snapshot(cli_database) == before
    assert load_dataset(cli_database, "followups").height == 2


HEADER = "Personne;Dispositif;Région;Date de début;Date de fin"


@pytest.mark.parametrize(
    ("text", "source", "expected"),
    [
        # missing required column (no start date)
        (f"Personne;Dispositif;Région\n{PERSON};CII;Sion\n", "CII", "start_date"),
        # unknown institution
        (f"{HEADER}\n{PERSON};XYZ;Sion;01.05.2025;\n", "CII", "XYZ"),
        # impossible date
        (f"{HEADER}\n{PERSON};ORP;Sion;31.02.2025;\n", "ORP", "31.02.2025"),
        # end before start
        (f"{HEADER}\n{PERSON};ORP;Sion;01.05.2025;01.04.2025\n", "ORP", "01.04.2025"),
        # duplicate key (same person, institution and start)
        (f"{HEADER}\n{PERSON};ORP;Sion;01.05.2025;\n{PERSON};ORP;Sierre;01.05.2025;\n", "ORP", "3"),
        # another institution's episode in a partner's own file
        (f"{HEADER}\n{PERSON};CMS;Sion;01.05.2025;\n", "ORP", "CMS"),
        # raw AVS number: refused, and never echoed in full
        (f"{HEADER}\n756.1234.5678.97;ORP;Sion;01.05.2025;\n", "ORP", "756.****.****.97"),
        # a name column
        (f"{HEADER};Nom\n{PERSON};ORP;Sion;01.05.2025;;Muster\n", "ORP", "Nom"),
    ],
    ids=["missing-column", "unknown-institution", "bad-date", "end-before-start", "duplicate-key",
         "other-institution", "raw-avs", "name-column"],
)
def test_import_refuses_a_bad_file_whole_with_the_problems_and_a_nonzero_exit(cli_database, tmp_path, capsys, text, source, expected):
    good = followups_csv(tmp_path, [f"{OTHER};{'ORP' if source == 'CII' else source};Sion;01.01.2025;"], "good.csv")
    assert main(["import", "followups", str(good), "--source", source, "--year", "2025"]) == 0
    before = table_snapshot(cli_database)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(text.encode("cp1252"))
    for lang, refused in (("fr", "refusé"), ("de", "abgelehnt")):
        assert main(["--lang", lang, "import", "followups", str(bad), "--source", source, "--year", "2025"]) == 1
        err = capsys.readouterr().err
        assert expected in err and refused in err
        assert "756.1234.5678.97" not in err
    assert table_snapshot(cli_database) == before


def test_import_of_a_missing_file_says_so(cli_database, tmp_path, capsys):
    assert main(["import", "followups", str(tmp_path / "nope.csv"), "--source", "ORP", "--year", "2025"]) == 1
    assert "introuvable" in capsys.readouterr().err


def test_supersede_then_rollback_restores_the_previous_upload(cli_database, tmp_path, capsys):
    first = followups_csv(tmp_path, [f"{PERSON};ORP;Sion;01.02.2025;"], "v1.csv")
    second = followups_csv(tmp_path, [f"{PERSON};ORP;Sion;01.02.2025;", f"{OTHER};ORP;Sion;01.03.2025;"], "v2.csv")
    assert main(["import", "followups", str(first), "--source", "ORP", "--year", "2025"]) == 0
    assert main(["import", "followups", str(second), "--source", "ORP", "--year", "2025"]) == 0
    assert load_dataset(cli_database, "followups").height == 2
    assert main(["uploads"]) == 0
    out = capsys.readouterr().out
    assert "v1.csv" in out and "v2.csv" in out and "superseded" in out
    assert main(["rollback", "2"]) == 0
    assert load_dataset(cli_database, "followups").height == 1
    assert main(["rollback", "2"]) == 1  # no longer current
    assert "2" in capsys.readouterr().err


def test_templates_writes_a_csv_and_an_xlsx_per_dataset(tmp_path, capsys):
    assert main(["templates", str(tmp_path)]) == 0
    written = {Path(line).name for line in capsys.readouterr().out.split()}
    assert written == {f"{name}.{ext}" for name in DATASETS for ext in ("csv", "xlsx")}


def test_pseudonymize_then_import_the_result(cli_database, tmp_path, capsys):
    key = tmp_path / "partners.key"
    assert main(["pseudonymize", "--new-key", str(key)]) == 0
    assert main(["pseudonymize", "--new-key", str(key)]) == 1  # never overwrites a key
    partner = tmp_path / "orp_export.csv"
    partner.write_text(
        "No AVS;Nom;Prénom;Dispositif;Région;Début;Fin\n"
        "756.1234.5678.97;Muster;Anna;ORP;Sion;01.02.2025;\n"
        "756.9999.0000.01;Beispiel;Hans;ORP;Sion;01.02.2025;\n",  # wrong check digit: reported, left out
        encoding="cp1252",
    )
    sent = tmp_path / "to_send.csv"
    assert main(["pseudonymize", str(partner), str(sent), "--key-file", str(key), "--avs-column", "no avs"]) == 0
    out = capsys.readouterr().out
    assert "756.9999.0000.01" not in out and "Muster" not in sent.read_text(encoding="utf-8-sig")
    assert main(["import", "followups", str(sent), "--source", "ORP", "--year", "2025"]) == 0
    assert load_dataset(cli_database, "followups")["person_id"].str.len_chars().to_list() == [64]


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["import", "followups"])
    assert caught.value.code == 2
    assert main(["pseudonymize", "in.csv"]) == 2


@pytest.fixture
def demo_cli(demo_engine, monkeypatch):
    monkeypatch.setenv("CII_DATABASE_URL", demo_engine.url.render_as_string(hide_password=False))
    return demo_engine


@pytest.mark.parametrize(
    "filters",
    [[], ["--region", "Sion", "--region", "Sierre"], ["--institution", "ORP", "--institution", "CMS"]],
)
def test_cii_overlap_gives_the_numbers_of_the_queries(demo_cli, capsys, filters):
    assert main(["overlap", "--year", "2025", "--format", "json", *filters]) == 0
    printed = json.loads(capsys.readouterr().out)
    regions = [v for k, v in zip(filters, filters[1:]) if k == "--region"] or None
    institutions = [v for k, v in zip(filters, filters[1:]) if k == "--institution"] or None
    episodes = load_dataset(demo_cli, "followups", years=[2025])
    expected = overlap.to_json_dict(overlap.overlap_summary(episodes, 2025, regions=regions, institutions=institutions))
    assert printed == json.loads(json.dumps(expected))
    assert set(printed) == {"year", "total_beneficiaries", "total_simultaneous", "beneficiaries", "simultaneous", "share", "matrix", "combinations"}
    for institution, row in printed["matrix"].items():
        assert row[institution] == printed["simultaneous"][institution]
        assert all(printed["matrix"][other][institution] == n for other, n in row.items())


def test_cii_indicators_gives_the_numbers_of_the_queries(demo_cli, capsys):
    assert main(["indicators", "--year", "2025", "--region", "Sion", "--format", "json"]) == 0
    tables = json.loads(capsys.readouterr().out)
    frames = load_frames(demo_cli, ("situations", "followups", "trainings", "budget", "t1_situations"))
    summary = year_in_brief(frames, 2025, 2024, regions=["Sion"])
    assert pl.DataFrame(tables["year_in_brief"], schema=summary.schema).equals(summary)
    provenance = youth.t1_provenance(frames["t1_situations"], 2025, regions=["Sion"])
    assert [row["situations"] for row in tables["t1_provenance"]] == provenance["situations"].to_list()


@pytest.mark.parametrize("fmt", ["csv", "markdown"])
def test_cii_indicators_formats(demo_cli, capsys, fmt):
    assert main(["indicators", "--year", "2025", "--table", "t1_provenance", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "institutional" in out and "727" in out
    assert main(["indicators", "--year", "2025", "--table", "nope"]) == 2
