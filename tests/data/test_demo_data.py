"""The synthetic demo data reproduces the published 2025 report, deterministically.

Every figure is recomputed here from freshly generated files with plain polars code written for
the test (the overlaps from the institutions open on each day, unlike the generator's pairwise
interval join), and compared with the report's figures written out literally below.
"""

import datetime as dt
import hashlib
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.datasets import DATASETS, INSTITUTIONS
from dashboard.ingest.privacy import privacy_problems
from data import generate_demo
from data.document import README, render_readme

COMMITTED = Path(generate_demo.__file__).resolve().parent / "demo"
YEARS = (2024, 2025)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate_demo.generate(out)
    return out


@pytest.fixture(scope="module")
def manifest(demo_dir: Path) -> dict:
    return json.loads((demo_dir / "manifest.json").read_text(encoding="utf-8"))


def _read(demo_dir: Path, manifest: dict, dataset: str, year: int) -> pl.DataFrame:
    """The dataset's files for the year, as written (CSV cells as text), concatenated."""
    frames = []
    for entry in manifest["files"]:
        if entry["dataset"] == dataset and entry["year"] == year:
            path = demo_dir / entry["file"]
            if path.suffix == ".parquet":
                frames.append(pl.read_parquet(path))
            else:
                frames.append(pl.read_csv(path, separator=";", infer_schema=False))
    return pl.concat(frames)


def _percent(numerator: int, denominator: int, decimals: int = 0) -> Decimal:
    """numerator / denominator in percent, rounded half-up as the report does."""
    exact = Fraction(numerator * 100, denominator)
    scale = 10**decimals
    return Decimal((exact * scale + Fraction(1, 2)).__floor__()) / scale


# --- overlaps, day by day --------------------------------------------------------------------


def _overlaps_day_by_day(episodes: pl.DataFrame, year: int) -> pl.DataFrame:
    """Beneficiaries and persons taking part per institution, from the institutions open each day.

    Only the days on which one of the person's episodes starts are looked at: two clipped
    episodes overlap exactly when both are open on the later of their two first days.
    """
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    clipped = episodes.with_columns(
        pl.max_horizontal("start_date", pl.lit(first)).alias("start"),
        pl.min_horizontal(pl.col("end_date").fill_null(last), pl.lit(last)).alias("end"),
    ).filter(pl.col("start") <= pl.col("end"))
    several = clipped.filter(pl.col("institution").n_unique().over("person_id") > 1)
    days = several.select("person_id", pl.col("start").alias("day")).unique()
    open_on_day = days.join(several, on="person_id").filter(
        pl.col("start") <= pl.col("day"), pl.col("day") <= pl.col("end")
    )
    taking_part = (
        open_on_day.filter(pl.col("institution").n_unique().over("person_id", "day") > 1)
        .select("person_id", "institution")
        .unique()
    )
    per_institution = (
        clipped.group_by("institution")
        .agg(pl.col("person_id").n_unique().alias("beneficiaries"))
        .join(taking_part.group_by("institution").len("taking_part"), on="institution", how="left")
    )
    everyone = pl.DataFrame(
        {
            "institution": ["all"],
            "beneficiaries": [clipped.get_column("person_id").n_unique()],
            "taking_part": [taking_part.get_column("person_id").n_unique()],
        },
        schema=per_institution.schema,
    )
    return pl.concat([per_institution, everyone])


@pytest.fixture(scope="module")
def overlaps(demo_dir: Path, manifest: dict) -> pl.DataFrame:
    frames = []
    for year in YEARS:
        counts = _overlaps_day_by_day(_read(demo_dir, manifest, "followups", year), year)
        frames.append(counts.with_columns(pl.lit(year).alias("year")))
    return pl.concat(frames)


def test_persons_followed_simultaneously_and_total_share(overlaps: pl.DataFrame) -> None:
    everyone = overlaps.filter(pl.col("institution") == "all").sort("year")
    result = everyone.select(
        "year",
        "taking_part",
        pl.struct("taking_part", "beneficiaries")
        .map_elements(lambda r: str(_percent(r["taking_part"], r["beneficiaries"])), return_dtype=pl.String)
        .alias("share_percent"),
    )
    # 2025: 15 % as printed; 2024: the report gives no total share, the demo makes it 16 %.
    expected = pl.DataFrame(
        {"year": [2024, 2025], "taking_part": [6887, 6418], "share_percent": ["16", "15"]},
        schema=result.schema,
    )
    assert_frame_equal(result, expected)
    # About 43'000 beneficiaries a year, the share in the middle of its rounding interval.
    assert everyone.get_column("beneficiaries").to_list() == [43044, 42787]


def test_share_of_each_institution_followed_simultaneously(overlaps: pl.DataFrame) -> None:
    result = (
        overlaps.filter(pl.col("institution") != "all")
        .with_columns((pl.col("taking_part") * 100 / pl.col("beneficiaries")).alias("percent"))
        .select("year", "institution", "percent")
        .sort("year", "institution")
    )
    printed = {
        2024: {"ORP": 28, "OAI": 26, "CMS": 47, "OSP": 35, "OASI": 7},
        2025: {"ORP": 24, "OAI": 26, "CMS": 45, "OSP": 35, "OASI": 8},
    }
    # Exactly on the printed value: the middle of the rounding interval, not its edge.
    expected = pl.DataFrame(
        [(y, i, float(p)) for y, shares in printed.items() for i, p in shares.items()],
        schema=result.schema,
        orient="row",
    ).sort("year", "institution")
    assert_frame_equal(result, expected)


def test_orp_has_by_far_the_most_beneficiaries(overlaps: pl.DataFrame) -> None:
    for year in YEARS:
        counts = dict(overlaps.filter(pl.col("year") == year).select("institution", "beneficiaries").iter_rows())
        others = [counts[i] for i in INSTITUTIONS if i != "ORP"]
        assert counts["ORP"] > 2 * max(others)
        assert counts["CMS"] > counts["OAI"] > counts["OSP"] > counts["OASI"]


def test_overlap_indicators_agree_with_the_generators_own_check(
    demo_dir: Path, manifest: dict, overlaps: pl.DataFrame
) -> None:
    for year in YEARS:
        result = generate_demo.overlap_counts(_read(demo_dir, manifest, "followups", year), year)
        expected = (
            overlaps.filter(pl.col("year") == year)
            .select("institution", "beneficiaries", pl.col("taking_part").fill_null(0).alias("simultaneous"))
            .cast({"simultaneous": pl.UInt32})
        )
        assert_frame_equal(result, expected, check_row_order=False)


# --- the edge cases of the follow-up episodes -------------------------------------------------


def _clipped_pairs(episodes: pl.DataFrame, year: int) -> pl.DataFrame:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    clipped = episodes.with_columns(
        pl.max_horizontal("start_date", pl.lit(first)).alias("start"),
        pl.min_horizontal(pl.col("end_date").fill_null(last), pl.lit(last)).alias("end"),
    ).filter(pl.col("start") <= pl.col("end"))
    return (
        clipped.join(clipped, on="person_id", suffix="_b")
        .filter((pl.col("start") != pl.col("start_b")) | (pl.col("institution") != pl.col("institution_b")))
        .with_columns(
            (pl.min_horizontal("end", "end_b") - pl.max_horizontal("start", "start_b")).dt.total_days().alias("gap")
        )
    )


@pytest.mark.parametrize("year", YEARS)
def test_episodes_exercise_the_edge_cases(demo_dir: Path, manifest: dict, year: int) -> None:
    episodes = _read(demo_dir, manifest, "followups", year)
    pairs = _clipped_pairs(episodes, year)
    different = pl.col("institution") != pl.col("institution_b")
    overlapping = pairs.filter(pl.col("gap") >= 0)
    simultaneous = overlapping.filter(different).select("person_id").unique()
    # Overlaps of exactly one day count.
    assert overlapping.filter(different & (pl.col("gap") == 0)).height > 0
    # Same-institution overlaps alone do not make a person simultaneous.
    same_institution = overlapping.filter(~different).select("person_id").unique()
    same_only = same_institution.join(simultaneous, on="person_id", how="anti")
    assert same_only.height > 0
    # Two institutions one after the other, the second starting the next day: not simultaneous.
    adjacent = pairs.filter(different & (pl.col("gap") == -1)).select("person_id").unique()
    assert adjacent.join(simultaneous, on="person_id", how="anti").height > 0
    # Chains: a person with institutions taking part whose episodes never meet (A–B, B–C).
    taking_part = overlapping.filter(different).select("person_id", "institution").unique()
    apart = (
        pairs.filter(different & (pl.col("gap") < 0))
        .join(taking_part, on=["person_id", "institution"])
        .join(taking_part.rename({"institution": "institution_b"}), on=["person_id", "institution_b"])
        .join(
            overlapping.filter(different).select("person_id", "institution", "institution_b"),
            on=["person_id", "institution", "institution_b"],
            how="anti",
        )
    )
    assert apart.height > 0
    # Open episodes.
    assert episodes.get_column("end_date").null_count() > 0


def test_episodes_spanning_the_years_are_in_both_extracts(demo_dir: Path, manifest: dict) -> None:
    first = _read(demo_dir, manifest, "followups", 2024)
    second = _read(demo_dir, manifest, "followups", 2025)
    key = ["person_id", "institution", "start_date"]
    spanning = first.filter(pl.col("end_date").is_null() | (pl.col("end_date") >= dt.date(2025, 1, 1)))
    # Every episode still running on 1.1.2025 in the 2024 extract is in the 2025 extract too...
    assert spanning.join(second, on=key, how="anti").height == 0
    # ...and the 2025 extract knows the end of some that were still open in the 2024 one.
    both = spanning.join(second, on=key, suffix="_2025")
    assert both.filter(pl.col("end_date").is_null() & pl.col("end_date_2025").is_not_null()).height > 0
    # An extract holds only the episodes that intersect its year, without duplicate keys.
    for year, frame in ((2024, first), (2025, second)):
        outside = frame.filter(
            (pl.col("start_date") > dt.date(year, 12, 31)) | (pl.col("end_date") < dt.date(year, 1, 1))
        )
        assert outside.height == 0
        assert not frame.select(key).is_duplicated().any()


def test_regions_are_spread_plausibly(demo_dir: Path, manifest: dict) -> None:
    persons = _read(demo_dir, manifest, "followups", 2025).select("person_id", "region").unique()
    shares = persons.group_by("region").len().with_columns((pl.col("len") / persons.height).alias("share"))
    haut_valais = shares.filter(pl.col("region") == "Haut-Valais").get_column("share").item()
    assert 0.22 < haut_valais < 0.28
    assert shares.height == 5


# --- the other datasets -------------------------------------------------------------------------


def test_situations_announced_by_public_and_kind(demo_dir: Path, manifest: dict) -> None:
    result = pl.concat(
        [
            _read(demo_dir, manifest, "situations", year)
            .filter(pl.col("announced_on").str.starts_with(str(year)))
            .group_by("public", "kind")
            .len()
            .with_columns(pl.lit(year).alias("year"))
            for year in YEARS
        ]
    ).sort("year", "public", "kind")
    # 2025: 87 adults + 215 youth = 302; the 87 complex include the 3 T1/SFOP youth (README).
    expected = pl.DataFrame(
        [
            ("adult", "complex", 88, 2024), ("adult", "network", 6, 2024),
            ("youth", "complex", 3, 2024), ("youth", "network", 205, 2024),
            ("adult", "complex", 84, 2025), ("adult", "network", 3, 2025),
            ("youth", "complex", 3, 2025), ("youth", "network", 212, 2025),
        ],
        schema=result.schema,
        orient="row",
    )
    assert_frame_equal(result, expected)


def test_complex_situations_by_region_and_announcer_2025(demo_dir: Path, manifest: dict) -> None:
    complex_ = _read(demo_dir, manifest, "situations", 2025).filter(pl.col("kind") == "complex")
    result = (
        complex_.group_by("announcer", "region")
        .len()
        .pivot("region", index="announcer", values="len")
        .fill_null(0)
        .select("announcer", "Haut-Valais", "Sierre", "Sion", "Martigny", "Monthey")
        .sort("announcer")
    )
    # Section 8 of the report (blank cells are 0).
    expected = pl.DataFrame(
        [
            ("BIP/OASI", 1, 0, 1, 0, 0),
            ("CMS", 4, 5, 8, 2, 8),
            ("OAI", 3, 0, 0, 0, 0),
            ("ORP", 7, 5, 17, 13, 8),
            ("OSP/SHE", 1, 0, 0, 0, 1),
            ("T1/SFOP", 2, 0, 0, 0, 1),
        ],
        schema=result.schema,
        orient="row",
    )
    assert_frame_equal(result, expected)


def test_early_detection_share(demo_dir: Path, manifest: dict) -> None:
    rows = []
    for year in YEARS:
        complex_ = (
            _read(demo_dir, manifest, "situations", year)
            .filter(pl.col("kind") == "complex")
            .with_columns(
                (pl.col("announced_on").str.to_date() - pl.col("followup_start").str.to_date())
                .dt.total_days()
                .alias("delay")
            )
        )
        early = complex_.filter(pl.col("delay") < 183)
        rows.append((year, early.height, complex_.height, str(_percent(early.height, complex_.height))))
        # CMS take longer to confirm employability: their delays are longer (report, section 8).
        median = complex_.group_by("announcer").agg(pl.col("delay").median())
        delays = dict(median.iter_rows())
        assert delays["CMS"] > delays["ORP"]
        # Both sides of the 6-month edge are present.
        assert {182, 183} <= set(complex_.get_column("delay").to_list())
    result = pl.DataFrame(rows, schema=["year", "early", "complex", "percent"], orient="row")
    expected = pl.DataFrame(
        [(2024, 33, 91, "36"), (2025, 22, 87, "25")], schema=["year", "early", "complex", "percent"], orient="row"
    )
    assert_frame_equal(result, expected)


def test_services_belong_to_situations_of_the_year(demo_dir: Path, manifest: dict) -> None:
    services = _read(demo_dir, manifest, "services", 2025)
    situations = _read(demo_dir, manifest, "situations", 2025)
    result = services.group_by("service").len().sort("service")
    expected = pl.DataFrame(
        {"service": ["assessment", "coaching_orp_cms", "tro"], "len": [5, 49, 23]}, schema=result.schema
    )
    assert_frame_equal(result, expected)  # no CM CII, no medical mandate
    linked = services.join(situations, on="situation_id", how="left", suffix="_situation")
    assert linked.get_column("announced_on").null_count() == 0
    assert (linked.get_column("date") > linked.get_column("announced_on")).all()
    assert (linked.get_column("region") == linked.get_column("region_situation")).all()


def test_t1_situations_by_provenance(demo_dir: Path, manifest: dict) -> None:
    t1 = _read(demo_dir, manifest, "t1_situations", 2025)
    result = t1.group_by("provenance", "provenance_institution").len().sort("provenance", "provenance_institution")
    expected = pl.DataFrame(
        [
            ("institutional", "CIO/OSP", 57), ("institutional", "CMS", 7), ("institutional", "OAI", 17),
            ("institutional", "OASI", 5), ("institutional", "ORP", 97), ("institutional", "SFOP", 32),
            ("institutional", "circle_2_3", 391),
            ("medical_network", None, 2), ("osp_survey", None, 39), ("private", None, 80),
        ],
        schema=result.schema,
        orient="row",
    ).sort("provenance", "provenance_institution")
    assert_frame_equal(result, expected)
    assert _read(demo_dir, manifest, "t1_situations", 2024).height == 462  # 727 - 265


def test_coaching_reinsertion_rate(demo_dir: Path, manifest: dict) -> None:
    rows = []
    for year in YEARS:
        cases = _read(demo_dir, manifest, "coaching", year)
        closed = cases.filter(pl.col("closed_on").str.starts_with(str(year)))
        employed = closed.filter(pl.col("outcome") == "employment").height
        rows.append((year, cases.height, employed, closed.height, str(_percent(employed, closed.height))))
    result = pl.DataFrame(rows, schema=["year", "cases", "employed", "closed", "percent"], orient="row")
    # 2025: 33 % of the cases closed in the year, 49 coachings; 2024: 19 points more (README).
    expected = pl.DataFrame(
        [(2024, 55, 13, 25, "52"), (2025, 49, 9, 27, "33")],
        schema=["year", "cases", "employed", "closed", "percent"],
        orient="row",
    )
    assert_frame_equal(result, expected)


def test_transitions_2025_without_monthey(demo_dir: Path, manifest: dict) -> None:
    transitions = _read(demo_dir, manifest, "transitions", 2025)
    result = transitions.group_by("direction").len().sort("direction")
    expected = pl.DataFrame({"direction": ["cms_to_orp", "orp_to_cms"], "len": [85, 76]}, schema=result.schema)
    assert_frame_equal(result, expected)
    assert "Monthey" not in transitions.get_column("region").to_list()  # footnote 3: not recorded
    assert "Monthey" in _read(demo_dir, manifest, "transitions", 2024).get_column("region").to_list()


def test_protected_persons_trainings_and_budget(demo_dir: Path, manifest: dict) -> None:
    rows = []
    for year in YEARS:
        protected = _read(demo_dir, manifest, "protected_persons", year).get_column("count").cast(pl.Int64)
        trainings = _read(demo_dir, manifest, "trainings", year).with_columns(pl.col("participants").cast(pl.Int64))
        by_language = dict(trainings.group_by("language_region").agg(pl.col("participants").sum()).iter_rows())
        amounts = _read(demo_dir, manifest, "budget", year).get_column("amount_chf")
        total = sum((Decimal(a) for a in amounts), Decimal(0))
        participants = trainings.get_column("participants").sum()
        romand, haut_valais = by_language["valais_romand"], by_language["haut_valais"]
        rows.append((year, protected.sum(), participants, romand, haut_valais, str(total)))
    schema = ["year", "protected", "participants", "romand", "haut_valais", "budget"]
    result = pl.DataFrame(rows, schema=schema, orient="row")
    expected = pl.DataFrame(
        [(2024, 77, 52, 43, 9, "434206.70"), (2025, 143, 52, 43, 9, "416406.90")],
        schema=result.schema,
        orient="row",
    )
    assert_frame_equal(result, expected)


# --- the published figures ---------------------------------------------------------------------


def test_published_figures_keep_the_reports_values_and_contradictions() -> None:
    published = pl.read_csv(COMMITTED / "published_2025_report.csv", separator=";", infer_schema=False)
    assert published.columns == list(DATASETS["published"].column_names)
    assert not published.select("indicator", "year", "dimensions").is_duplicated().any()

    def value(indicator: str, year: int, dimensions: str | None = None) -> str:
        row = published.filter(
            (pl.col("indicator") == indicator)
            & (pl.col("year") == str(year))
            & (pl.col("dimensions").is_null() if dimensions is None else pl.col("dimensions") == dimensions)
        )
        assert row.height == 1, (indicator, year, dimensions)
        return row.get_column("value").item()

    result = {
        "youth": value("situations_announced", 2025, "public=youth"),
        "t1": value("t1_situations", 2025),
        "simultaneous_2024": value("simultaneous_persons", 2024),
        "share_orp": value("simultaneous_share", 2025, "institution=ORP"),
        "share_total": value("simultaneous_share_total", 2025),
        "institutional": value("t1_provenance_share", 2025, "provenance=institutional"),
        "medical": value("t1_provenance_share", 2025, "provenance=medical_network"),
        "protected_2022": value("protected_persons", 2022),
        "protected_2023": value("protected_persons", 2023),
        "early_2024": value("early_detection_share", 2024),
        "cell": value("complex_situations", 2025, "announcer=ORP;region=Sion"),
        "budget_2024": value("budget_chf", 2024),
    }
    assert result == {
        "youth": "215",
        "t1": "727",
        "simultaneous_2024": "6887",
        "share_orp": "0.24",
        "share_total": "0.15",
        "institutional": "0.833",
        "medical": "0.003",
        "protected_2022": "38",
        "protected_2023": "67",
        "early_2024": "0.36",
        "cell": "17",
        "budget_2024": "434206.70",
    }
    notes = published.filter(pl.col("note").is_not_null())
    escada = notes.filter(pl.col("dimensions") == "announcer=T1/SFOP").get_column("note").item()
    assert "ESCADA" in escada
    assert notes.filter(pl.col("indicator") == "transitions").height == 2  # footnote 3
    youth_note = notes.filter(pl.col("dimensions") == "public=youth").get_column("note").item()
    assert "727" in youth_note


# --- files, manifest, privacy, determinism, documentation ---------------------------------------


def test_manifest_lists_every_file_with_dataset_source_and_year(demo_dir: Path, manifest: dict) -> None:
    listed = {entry["file"] for entry in manifest["files"]}
    assert listed | {"manifest.json"} == {p.name for p in demo_dir.iterdir()}
    result = (
        pl.DataFrame(manifest["files"])
        .group_by("dataset", "source")
        .agg(pl.col("year").unique().sort().alias("years"))
        .sort("dataset", "source")
    )
    expected = pl.DataFrame(
        [
            ("budget", "CII", [2024, 2025]), ("coaching", "CII", [2024, 2025]),
            *((("followups", i, [2024, 2025])) for i in sorted(INSTITUTIONS)),
            ("protected_persons", "ORP", [2024, 2025]), ("published", "CII", [2025]),
            ("services", "CII", [2024, 2025]), ("situations", "CII", [2024, 2025]),
            ("t1_situations", "T1", [2024, 2025]), ("trainings", "CII", [2024, 2025]),
            ("transitions", "CII", [2024, 2025]),
        ],
        schema=result.schema,
        orient="row",
    )
    assert_frame_equal(result, expected)
    for entry in manifest["files"]:
        assert ("synthetic" in entry["file"]) == entry["synthetic"] == (entry["dataset"] != "published")
        if entry["dataset"] == "followups":  # one institution per file, as each partner sends
            institutions = pl.read_parquet(demo_dir / entry["file"]).get_column("institution").unique().to_list()
            assert institutions == [entry["source"]]
    assert sum(p.stat().st_size for p in demo_dir.iterdir()) < 15_000_000


def test_files_follow_the_dataset_contract(demo_dir: Path, manifest: dict) -> None:
    for entry in manifest["files"]:
        dataset = DATASETS[entry["dataset"]]
        frame = _read(demo_dir, {"files": [entry]}, entry["dataset"], entry["year"])
        assert frame.columns == list(dataset.column_names), entry["file"]
        for column in dataset.columns:
            values = frame.get_column(column.name)
            if not column.nullable:
                assert values.null_count() == 0, (entry["file"], column.name)
            if column.choices:
                assert set(values.drop_nulls().to_list()) <= set(column.choices), (entry["file"], column.name)
        if dataset.key:
            assert not frame.select(dataset.key).is_duplicated().any(), entry["file"]


def test_committed_demo_files_pass_the_import_validation() -> None:
    """Each file, read and validated as a partner's upload of its dataset, source and year."""
    from dashboard.ingest.read import read_table
    from dashboard.ingest.validate import validate

    manifest = json.loads((COMMITTED / "manifest.json").read_text(encoding="utf-8"))
    problems = {}
    for entry in manifest["files"]:
        raw = read_table(COMMITTED / entry["file"]).frame
        report = validate(raw, entry["dataset"], source=entry["source"], year=entry["year"]).report
        if report.errors or report.warnings:
            problems[entry["file"]] = report.lines("fr")[:3]
    assert problems == {}


def test_pseudonyms_are_demo_hmacs_and_pass_the_privacy_guard(demo_dir: Path, manifest: dict) -> None:
    followups = _read(demo_dir, manifest, "followups", 2025)
    ids = followups.get_column("person_id")
    assert ids.str.contains("^[0-9a-f]{64}$").all()
    as_text = followups.with_columns(pl.all().cast(pl.String))
    assert privacy_problems(as_text) == []
    # Person 1 has synthetic AVS number 756.9999.0000.17; its pseudonym is in the data.
    import hmac

    first = hmac.new(bytes.fromhex(generate_demo.DEMO_KEY_HEX), b"7569999000017", "sha256").hexdigest()
    assert first == generate_demo.demo_pseudonym(generate_demo.synthetic_avs(1))
    assert first in set(_read(demo_dir, manifest, "followups", 2024).get_column("person_id")) | set(ids)


def test_demo_pseudonyms_are_those_of_cii_pseudonymize() -> None:
    from dashboard.pseudonymize import pseudonym

    avs = generate_demo.synthetic_avs(4242)
    assert generate_demo.demo_pseudonym(avs) == pseudonym(generate_demo.DEMO_KEY, avs)


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_gives_byte_identical_files(demo_dir: Path, tmp_path: Path) -> None:
    generate_demo.generate(tmp_path)
    assert _digests(tmp_path) == _digests(demo_dir)


def test_committed_demo_files_are_those_the_generator_writes(demo_dir: Path, manifest: dict) -> None:
    committed = json.loads((COMMITTED / "manifest.json").read_text(encoding="utf-8"))
    assert committed == manifest
    for entry in manifest["files"]:
        fresh, stored = demo_dir / entry["file"], COMMITTED / entry["file"]
        if fresh.suffix == ".parquet":  # polars writes its version into the file: compare data
            assert_frame_equal(pl.read_parquet(stored), pl.read_parquet(fresh))
        else:
            assert stored.read_bytes() == fresh.read_bytes(), entry["file"]


def test_self_check_passes_and_catches_a_missed_target(demo_dir: Path, tmp_path: Path) -> None:
    assert all(result.ok for result in generate_demo.calibration(demo_dir))
    assert generate_demo.structural_problems(demo_dir) == []
    for path in demo_dir.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    situations = tmp_path / "situations_2025_synthetic.csv"
    lines = situations.read_text(encoding="utf-8").splitlines(keepends=True)
    situations.write_text("".join(line for line in lines if ";complex;ORP;Sion;" not in line), encoding="utf-8")
    missed = {(r.indicator, r.dimensions) for r in generate_demo.calibration(tmp_path) if not r.ok}
    assert ("complex_situations", "announcer=ORP;region=Sion") in missed
    assert ("situations_announced", "") in missed


def test_readme_is_up_to_date() -> None:
    text = README.read_text(encoding="utf-8")
    assert render_readme(text) == text, "run: .venv/bin/python -m data.document"
