"""The password policy, one-time passwords and bcrypt hashes compatible with the login form."""

from __future__ import annotations

import pytest

from dashboard.auth.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    generate_password,
    hash_password,
    policy_problems,
    verify_password,
)
from dashboard.i18n import t


@pytest.mark.parametrize(
    ("password", "username", "expected"),
    [
        # length
        ("Kd8#mQ2$vL9", None, ["auth.password_too_short"]),
        ("Kd8#mQ2$vL9!", None, []),
        ("ab3" * 43, None, ["auth.password_too_long"]),  # 129 characters
        ("é" * 40, None, ["auth.password_too_many_bytes"]),  # 40 characters, 80 bytes
        ("ab3" * 24, None, []),  # 72 bytes exactly
        # common passwords, case-insensitive, also behind trailing digits and symbols
        ("password1234", None, ["auth.password_common"]),
        ("PASSWORD1234", None, ["auth.password_common"]),
        ("Sunshine2025!!", None, ["auth.password_common"]),
        ("QazWsxEdcRfv", None, ["auth.password_common"]),
        ("leavemealone!!", None, ["auth.password_common"]),
        ("12345", None, ["auth.password_too_short", "auth.password_common"]),
        ("sunshine-in-sion-2025", None, []),  # a common word inside a longer phrase is fine
        # the username
        ("anna.muster-2025!", "anna.muster", ["auth.password_contains_username"]),
        ("My-ANNA.MUSTER-pass", "anna.muster", ["auth.password_contains_username"]),
        ("lichen valley ferry 41", "anna", []),
        ("lichen valley ferry 41", None, []),
    ],
)
def test_policy(password, username, expected):
    assert policy_problems(password, username=username) == expected


def test_length_limits_are_the_documented_ones():
    assert (MIN_LENGTH, MAX_LENGTH) == (12, 128)
    assert policy_problems("ab3" * 42 + "xy") == ["auth.password_too_many_bytes"]  # 128 characters
    assert policy_problems("ab3" * 43) == ["auth.password_too_long"]  # 129 characters
    assert policy_problems("a1b2c3d4e5f6") == []  # exactly 12
    for lang in ("fr", "de"):  # the messages state the same limits
        assert "12" in t("auth.password_too_short", lang) and "128" in t("auth.password_too_long", lang)


def test_every_policy_key_has_a_message():
    keys = {"auth.password_too_short", "auth.password_too_long", "auth.password_too_many_bytes",
            "auth.password_common", "auth.password_contains_username"}
    assert all(t(key, "fr") and t(key, "de") for key in keys)


def test_generated_passwords_are_long_random_and_acceptable():
    generated = [generate_password() for _ in range(50)]

    assert {len(password) for password in generated} == {20}
    assert len(set(generated)) == 50
    assert all(policy_problems(password) == [] for password in generated)
    assert not set("0O1lI").intersection("".join(generated))


def test_hash_and_verify():
    hashed = hash_password("lichen valley ferry 41")

    assert hashed.startswith("$2b$") and "lichen" not in hashed
    assert verify_password("lichen valley ferry 41", hashed) is True
    assert verify_password("lichen valley ferry 42", hashed) is False
    assert hash_password("lichen valley ferry 41") != hashed  # salted


@pytest.mark.parametrize(
    ("password", "hashed"),
    [
        ("x" * 80, None),  # over bcrypt's 72 bytes: False, not an exception
        ("anything", None),
        ("anything", ""),
        ("anything", "not a bcrypt hash"),
    ],
)
def test_verify_is_false_for_anything_unusable(password, hashed):
    if hashed is None:
        hashed = hash_password("lichen valley ferry 41")
    assert verify_password(password, hashed) is False


def test_hashes_are_what_streamlit_authenticator_checks():
    """The login form verifies with streamlit-authenticator's Hasher: same bcrypt both ways."""
    from streamlit_authenticator.utilities.hasher import Hasher

    ours = hash_password("lichen valley ferry 41")
    theirs = Hasher.hash("lichen valley ferry 41")

    assert Hasher.is_hash(ours) and Hasher.check_pw("lichen valley ferry 41", ours)
    assert verify_password("lichen valley ferry 41", theirs)
