"""Keys come from the environment or the secrets file; missing, short and sample keys fail."""

from __future__ import annotations

import stat

import pytest

from dashboard.auth import keys
from dashboard.auth.keys import KeyProblem, cookie_key, init_local_secrets, secrets_file, totp_key

GOOD = "Qm4-vT8zR1pL6wX2cY9nB5kH3jD7fG0sA"  # 33 bytes, random-looking
OTHER = "Zp7_Kd2Lm9Xq4Vt1Rb8Nc6Hy3Wg5Fs0Ju"


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv("CII_COOKIE_KEY", raising=False)
    monkeypatch.delenv("CII_TOTP_KEY", raising=False)


def write_secrets(text: str) -> None:
    path = secrets_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("function", "env"), [(cookie_key, "CII_COOKIE_KEY"), (totp_key, "CII_TOTP_KEY")])
def test_a_missing_key_says_where_to_put_it(no_env, function, env):
    with pytest.raises(KeyProblem) as caught:
        function()

    assert caught.value.key == "auth.key_missing"
    assert env in caught.value.message("fr") and "cii secrets init" in caught.value.message("fr")
    assert env in caught.value.message("de") and "fehlt" in caught.value.message("de")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        # too short: under 32 UTF-8 bytes
        ("Qm4-vT8zR1pL6wX2cY9nB5kH3jD7fG0", "auth.key_too_short"),
        ("é" * 15, "auth.key_too_short"),  # 30 bytes
        # samples: listed, containing a sample word, or too few distinct characters
        ("abcdefghijklmnopqrstuvwxyz0123456789", "auth.key_sample"),
        ("please-CHANGE-this-to-something-random", "auth.key_sample"),
        ("an-example-key-with-enough-length-123", "auth.key_sample"),
        ("my-sample-key-with-enough-length-1234", "auth.key_sample"),
        ("the-secret-key-is-long-enough-1234567", "auth.key_sample"),
        ("xxxxxxxx-yyyy-zzzz-0123456789abcdefgh", "auth.key_sample"),
        ("ab" * 20, "auth.key_sample"),
        ("0123456780123456780123456780123456", "auth.key_sample"),  # 9 distinct characters
        # accepted
        (GOOD, None),
        ("éàüöä-" + GOOD, None),
    ],
)
def test_short_and_sample_keys_are_refused(monkeypatch, value, problem):
    monkeypatch.setenv("CII_COOKIE_KEY", value)
    monkeypatch.setenv("CII_TOTP_KEY", value)

    for function in (cookie_key, totp_key):
        if problem is None:
            assert function() == value
        else:
            with pytest.raises(KeyProblem) as caught:
                function()
            assert caught.value.key == problem
            assert "CII_" in caught.value.message("de")


def test_the_secrets_file_is_the_fallback_and_the_environment_wins(no_env, monkeypatch):
    write_secrets(f'[auth]\ncookie_key = "{GOOD}"\ntotp_key = "{OTHER}"\n')
    assert (cookie_key(), totp_key()) == (GOOD, OTHER)

    monkeypatch.setenv("CII_COOKIE_KEY", OTHER)
    assert (cookie_key(), totp_key()) == (OTHER, OTHER)


def test_a_sample_in_the_file_is_refused_and_named(no_env):
    write_secrets('[auth]\ncookie_key = "change-me-change-me-change-me-change-me"\n')

    with pytest.raises(KeyProblem) as caught:
        cookie_key()

    assert caught.value.key == "auth.key_sample"
    assert str(secrets_file()) in caught.value.message("fr")


@pytest.mark.parametrize(
    "text",
    ['[other]\ncookie_key = "x"\n', '[auth]\ntotp_key = "only the other one, long enough 123"\n', ""],
    ids=["no-auth-table", "other-key-only", "empty-file"],
)
def test_a_file_without_the_key_counts_as_missing(no_env, text):
    write_secrets(text)

    with pytest.raises(KeyProblem) as caught:
        cookie_key()

    assert caught.value.key == "auth.key_missing"


def test_an_unreadable_file_is_reported(no_env):
    write_secrets("[auth\ncookie_key = ")

    with pytest.raises(KeyProblem) as caught:
        cookie_key()

    assert caught.value.key == "auth.secrets_file_invalid"


def test_the_default_secrets_file_is_streamlits_in_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("CII_SECRETS_FILE")
    monkeypatch.chdir(tmp_path)

    assert secrets_file() == tmp_path / ".streamlit" / "secrets.toml"


def test_init_local_secrets_writes_two_usable_keys_readable_by_the_owner_only(no_env):
    path = secrets_file()

    assert init_local_secrets() is True

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cookie_key() != totp_key()
    assert len(cookie_key()) == len(totp_key()) == 64  # token_urlsafe(48)


def test_init_local_secrets_never_overwrites(no_env, tmp_path):
    path = tmp_path / "elsewhere" / "secrets.toml"
    assert init_local_secrets(path) is True
    first = path.read_bytes()

    assert init_local_secrets(path) is False
    assert path.read_bytes() == first

    other = tmp_path / "mine.toml"
    other.write_text("[connections]\nurl = 'kept'\n")
    assert init_local_secrets(other) is False
    assert other.read_text() == "[connections]\nurl = 'kept'\n"


def test_init_local_secrets_keeps_drawing_until_a_key_passes(no_env, monkeypatch, tmp_path):
    """A random token could contain "xxxx"; such a draw is discarded, not written."""
    draws = iter(["xxxx" + GOOD, GOOD, "Change" + OTHER, OTHER])
    monkeypatch.setattr(keys.secrets, "token_urlsafe", lambda _n: next(draws))
    path = tmp_path / "secrets.toml"

    init_local_secrets(path)

    assert path.read_text().splitlines()[-2:] == [f'cookie_key = "{GOOD}"', f'totp_key = "{OTHER}"']
