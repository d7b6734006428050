"""`cii pseudonymize`: one person, one pseudonym everywhere; nothing identifying leaves."""

import hashlib
import hmac
import stat

import polars as pl
import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from dashboard.ingest.privacy import privacy_problems
from dashboard.ingest.read import read_table
from dashboard.ingest.report import problem
from dashboard.pseudonymize import (
    PseudonymizeError,
    avs_check_digit_ok,
    load_key,
    new_key,
    normalize_avs,
    pseudonym,
    pseudonymize_file,
)

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
# The official sample AVS number (valid check digit) and a second valid one.
AVS_A = "7569217076985"
AVS_B = "7561234567897"
# Frozen: changing how pseudonyms are computed would split every person in two across years.
KNOWN_VECTOR = (KEY, AVS_A, "2655a4f5eddfabf25d4933d38d9a8ac711e6c61bbad25ee8d18890a6b9959e21")


def _hmac(key: bytes, avs13: str) -> str:
    return hmac.new(key, avs13.encode(), hashlib.sha256).hexdigest()


def _with_wrong_check_digit(digits12: str) -> str:
    total = sum(int(d) * (1, 3)[i % 2] for i, d in enumerate(digits12))
    return digits12 + str((10 - total % 10 + 1) % 10)


def _dotted(avs13: str) -> str:
    return f"{avs13[:3]}.{avs13[3:7]}.{avs13[7:11]}.{avs13[11:]}"


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "cii.key"
    path.write_text(KEY.hex() + "\n")
    return path


# --- the key -----------------------------------------------------------------------------------


def test_new_key_is_32_random_bytes_in_hex_readable_by_owner_only(tmp_path):
    first, second = tmp_path / "a.key", tmp_path / "b.key"
    new_key(first)
    new_key(second)
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    assert len(first.read_text().strip()) == 64
    assert len(load_key(first)) == 32
    assert load_key(first) != load_key(second)


def test_new_key_refuses_to_overwrite(tmp_path):
    path = tmp_path / "cii.key"
    path.write_text("precious")
    with pytest.raises(PseudonymizeError) as error:
        new_key(path)
    assert error.value.problem == problem("privacy.key_exists", path=path)
    assert path.read_text() == "precious"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (None, "privacy.key_missing"),
        ("dir", "privacy.key_unreadable"),
        ("not a key at all", "privacy.key_malformed"),
        ("é".encode("latin-1"), "privacy.key_malformed"),
        ("00" * 16, "privacy.key_too_short"),
    ],
)
def test_load_key_errors(tmp_path, content, code):
    path = tmp_path / "cii.key"
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(PseudonymizeError) as error:
        load_key(path)
    assert error.value.problem.code == code
    assert str(path) in error.value.problem.message("fr")
    assert str(path) in error.value.problem.message("de")


def test_load_key_ignores_surrounding_whitespace_and_case(tmp_path):
    path = tmp_path / "cii.key"
    path.write_text("\r\n  " + KEY.hex().upper() + " \r\n")
    assert load_key(path) == KEY


# --- AVS numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("756.9217.0769.85", AVS_A),
        ("756 9217 0769 85", AVS_A),
        ("7569217076985", AVS_A),
        (" 756-9217-0769-85\u00a0", AVS_A),
        ("756.9217.0769.8", None),  # 12 digits
        ("756.9217.0769.855", None),  # 14 digits
        ("123.9217.0769.85", None),  # not 756
        ("756.9217.O769.85", None),  # letter O
        ("", None),
    ],
)
def test_normalize_avs(text, expected):
    assert normalize_avs(text) == expected


@pytest.mark.parametrize(
    ("avs13", "ok"),
    [
        (AVS_A, True),
        (AVS_B, True),
        ("7569217076984", False),
        ("7561234567890", False),
        ("756921707698", False),
        ("75692170769x5", False),
    ],
)
def test_avs_check_digit(avs13, ok):
    assert avs_check_digit_ok(avs13) is ok


def test_known_vector_and_stdlib_agree():
    key, avs, expected = KNOWN_VECTOR
    assert pseudonym(key, avs) == expected == _hmac(key, avs)


def test_other_key_other_pseudonym():
    assert pseudonym(KEY, AVS_A) != pseudonym(OTHER_KEY, AVS_A)


def test_pseudonym_refuses_an_unnormalised_avs():
    with pytest.raises(ValueError, match="normalize_avs"):
        pseudonym(KEY, _dotted(AVS_A))


@given(body=st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_every_spelling_gives_the_stdlib_hmac_of_the_13_digits(body):
    avs = "756" + body
    spellings = {normalize_avs(s) for s in (avs, _dotted(avs), _dotted(avs).replace(".", " "))}
    assert spellings == {avs}
    result = pseudonym(KEY, avs)
    assert result == _hmac(KEY, avs)
    assert len(result) == 64 and result == result.lower()


# --- whole files ------------------------------------------------------------------------------


def _write_xlsx(path, rows):
    """An XLSX as Excel writes it: AVS numbers typed as digits are numbers, not text."""
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Suivis")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(r, c, value)
            elif value is not None:
                sheet.write_string(r, c, value)
    workbook.close()


def test_same_person_same_pseudonym_across_spellings_and_formats(tmp_path, key_file):
    csv_in = tmp_path / "orp.csv"
    # A Windows-1252 Excel export, comma-separated, accented headers, dotted AVS numbers.
    csv_in.write_bytes(
        "N° AVS,Région,Début\r\n"
        f"{_dotted(AVS_A)},Sion,01.02.2025\r\n"
        f"{_dotted(AVS_B)},Sierre,03.04.2025\r\n".encode("cp1252")
    )
    xlsx_in = tmp_path / "cms.xlsx"
    _write_xlsx(
        xlsx_in,
        [["no avs", "Region", "Beginn"], [int(AVS_B), "Sierre", "05.06.2025"], [AVS_A, "Sion", "07.08.2025"]],
    )
    parquet_in = tmp_path / "oai.parquet"
    spaced = _dotted(AVS_A).replace(".", " ")
    pl.DataFrame({"AVS": [spaced], "region": ["Sion"]}).write_parquet(parquet_in)

    ids = {}
    for source, column in ((csv_in, "n° avs"), (xlsx_in, "No AVS"), (parquet_in, "avs")):
        out = tmp_path / f"{source.stem}-out.csv"
        report = pseudonymize_file(source, out, key_file=key_file, avs_column=column, sheet=None)
        assert report.invalid == [] and report.dropped_columns == []
        ids[source.suffix] = read_table(out).frame.get_column("person_id").to_list()

    a, b = _hmac(KEY, AVS_A), _hmac(KEY, AVS_B)
    assert ids == {".csv": [a, b], ".xlsx": [b, a], ".parquet": [a]}


def test_invalid_avs_rows_are_reported_masked_and_left_out(tmp_path, key_file):
    source = tmp_path / "in.csv"
    source.write_text(
        "AVS;Nom;Prénom;région;début\n"
        f"{_dotted(AVS_A)};Muller;Anna;Sion;01.02.2025\n"
        "756.9217.0769.84;Meier;Hans;Sierre;02.02.2025\n"  # wrong check digit
        "756.9217.0769;Rey;Léa;Sion;03.02.2025\n"  # too short
        ";Zen;Luc;Monthey;04.02.2025\n"  # empty
        f"{AVS_B};Favre;Jo;Martigny;05.02.2025\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    report = pseudonymize_file(source, out, key_file=key_file, avs_column="AVS")

    assert report.rows == 2
    assert report.dropped_columns == ["Nom", "Prénom"]
    assert report.invalid == [
        problem("privacy.pseudonymize_invalid_avs", row=3, column="AVS", value="756.****.****.84"),
        problem("privacy.pseudonymize_invalid_avs", row=4, column="AVS", value="756.****.**69"),
        problem("privacy.pseudonymize_empty_avs", row=5, column="AVS"),
    ]
    result = read_table(out).frame
    expected = pl.DataFrame(
        {
            "person_id": [_hmac(KEY, AVS_A), _hmac(KEY, AVS_B)],
            "région": ["Sion", "Martigny"],
            "début": ["01.02.2025", "05.02.2025"],
        }
    )
    assert_frame_equal(result, expected)
    assert privacy_problems(result) == []
    # The invalid numbers were neither copied nor hashed.
    written = out.read_text(encoding="utf-8-sig")
    assert "7569217076984" not in written and "756.9217.0769" not in written
    assert _hmac(KEY, "7569217076984") not in written
    for lang in ("fr", "de"):
        lines = "\n".join(report.lines(lang))
        assert "Nom" in lines and {"fr": "Ligne 3", "de": "Zeile 3"}[lang] in lines
        assert "9217" not in lines


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_output_formats_read_back_identically(tmp_path, key_file, suffix):
    source = tmp_path / "in.csv"
    source.write_text(
        f"Vorname;AVS-Nummer;Region;Ende\nAnna;{AVS_A};Sion;\nHans;{_dotted(AVS_B)};Sierre;31.12.2025\n"
    )
    out = tmp_path / f"out{suffix}"
    report = pseudonymize_file(source, out, key_file=key_file, avs_column="avs nummer")
    result = (report.rows, report.invalid, report.dropped_columns, report.output)
    assert result == (2, [], ["Vorname"], out)

    raw = read_table(out)
    expected = pl.DataFrame(
        {
            "person_id": [_hmac(KEY, AVS_A), _hmac(KEY, AVS_B)],
            "Region": ["Sion", "Sierre"],
            "Ende": [None, "31.12.2025"],
        },
        schema=dict.fromkeys(["person_id", "Region", "Ende"], pl.String),
    )
    assert_frame_equal(raw.frame, expected)
    assert privacy_problems(raw.frame) == []
    if suffix == ".csv":
        assert out.read_bytes().startswith(b"\xef\xbb\xbfperson_id;Region;Ende")


def test_raw_avs_left_in_another_column_writes_nothing(tmp_path, key_file):
    source = tmp_path / "in.csv"
    source.write_text(f"AVS;remarque\n{AVS_A};conjoint {_dotted(AVS_B)}\n")
    out = tmp_path / "out.csv"
    with pytest.raises(PseudonymizeError) as error:
        pseudonymize_file(source, out, key_file=key_file, avs_column="AVS")
    assert error.value.problems == [
        problem("privacy.pseudonymize_still_identifying", column="AVS"),
        problem("privacy.raw_avs", row=2, column="remarque", value="756.****.****.97", count=1),
    ]
    assert not out.exists()
    assert sorted(tmp_path.iterdir()) == sorted([source, key_file])  # no temporary file left


@pytest.mark.parametrize(
    ("header", "avs_column", "out_name", "expected"),
    [
        (
            "AVS;region",
            "no AVS",
            "out.csv",
            problem("privacy.pseudonymize_no_avs_column", column="no AVS", available="AVS, region"),
        ),
        (
            "AVS;avs",
            "AVS",
            "out.csv",
            problem("privacy.pseudonymize_ambiguous_avs_column", column="AVS", matches="AVS, avs"),
        ),
        (
            "AVS;Person ID",
            "AVS",
            "out.csv",
            problem("privacy.pseudonymize_person_id_exists", column="Person ID"),
        ),
        ("AVS;region", "AVS", "out.txt", None),  # bad output extension, checked before reading
    ],
)
def test_file_level_errors(tmp_path, key_file, header, avs_column, out_name, expected):
    source = tmp_path / "in.csv"
    source.write_text(f"{header}\n{AVS_A};x\n")
    out = tmp_path / out_name
    with pytest.raises(PseudonymizeError) as error:
        pseudonymize_file(source, out, key_file=key_file, avs_column=avs_column)
    assert error.value.problems == [expected or problem("privacy.pseudonymize_bad_output", path=out)]
    assert not out.exists()


def test_output_never_replaces_the_input(tmp_path, key_file):
    source = tmp_path / "in.csv"
    source.write_text(f"AVS\n{AVS_A}\n")
    with pytest.raises(PseudonymizeError) as error:
        pseudonymize_file(source, tmp_path / "." / "in.csv", key_file=key_file, avs_column="AVS")
    assert error.value.problem.code == "privacy.pseudonymize_same_file"
    assert source.read_text() == f"AVS\n{AVS_A}\n"


def test_missing_key_is_reported_before_reading(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(f"AVS\n{AVS_A}\n")
    with pytest.raises(PseudonymizeError) as error:
        pseudonymize_file(
            source, tmp_path / "out.csv", key_file=tmp_path / "none.key", avs_column="AVS"
        )
    assert error.value.problem == problem("privacy.key_missing", path=tmp_path / "none.key")


def test_completely_empty_rows_are_skipped_silently(tmp_path, key_file):
    source = tmp_path / "in.csv"
    source.write_text(f"AVS;region\n{AVS_A};Sion\n;\n ; \n{AVS_B};\n")
    report = pseudonymize_file(source, tmp_path / "out.parquet", key_file=key_file, avs_column="AVS")
    assert (report.rows, report.invalid) == (2, [])
    result = pl.read_parquet(tmp_path / "out.parquet")
    expected = pl.DataFrame(
        {"person_id": [_hmac(KEY, AVS_A), _hmac(KEY, AVS_B)], "region": ["Sion", None]}
    )
    assert_frame_equal(result, expected)


def test_unreadable_input_is_a_pseudonymize_error(tmp_path, key_file):
    source = tmp_path / "in.csv"
    source.write_bytes(b"")
    with pytest.raises(PseudonymizeError) as error:
        pseudonymize_file(source, tmp_path / "out.csv", key_file=key_file, avs_column="AVS")
    assert error.value.problem.code == "read.empty_file"
    assert error.value.__cause__ is None and error.value.__suppress_context__


def test_error_message_lists_every_problem_and_report_caps_the_rows(tmp_path, key_file):
    source = tmp_path / "in.csv"
    bad_rows = "".join(f"{_with_wrong_check_digit(f'756{n:09d}')};Sion\n" for n in range(59))
    source.write_text(f"AVS;region\n{bad_rows}", encoding="utf-8")
    report = pseudonymize_file(source, tmp_path / "out.csv", key_file=key_file, avs_column="AVS")
    assert (report.rows, len(report.invalid)) == (0, 59)
    lines = report.lines("de")
    assert len(lines) == 1 + 1 + 50 + 1  # done, dropped rows, the first 50, the rest counted
    assert lines[-1] == "… weitere, nicht aufgeführte Probleme: 9."

    (tmp_path / "leak.csv").write_text(f"AVS;note\n{AVS_A};{AVS_B}\n")
    with pytest.raises(PseudonymizeError) as error:
        pseudonymize_file(tmp_path / "leak.csv", tmp_path / "o.csv", key_file=key_file, avs_column="AVS")
    assert error.value.message("fr").splitlines() == [p.message("fr") for p in error.value.problems]
    assert len(error.value.problems) == 2 and AVS_B not in error.value.message("de")
