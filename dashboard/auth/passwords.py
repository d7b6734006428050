"""The password policy, one-time passwords, and bcrypt hashing.

Hashes are plain bcrypt (what ``streamlit_authenticator.Hasher.hash`` produces and its login
form checks), made with :mod:`bcrypt` directly so that the command line does not import
streamlit. bcrypt reads at most 72 bytes, and bcrypt 5 refuses longer input: the policy
refuses such passwords instead of silently cutting them.
"""

from __future__ import annotations

import re
import secrets
from functools import cache

import bcrypt

MIN_LENGTH = 12
MAX_LENGTH = 128
MAX_BYTES = 72
"""What bcrypt can hash, in UTF-8 bytes: a password of 72 ASCII characters, or fewer accented."""

BCRYPT_ROUNDS = 12
"""Work factor (~0.2 s per hash here). Tests lower it; never lower it in production."""

GENERATED_LENGTH = 20
# No look-alikes (0/O, 1/l/I) in one-time passwords read off a terminal and typed again.
_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_TRAILING = re.compile(r"[\W\d_]+$")


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords (zxcvbn's list), lower-case."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def policy_problems(password: str, *, username: str | None = None) -> list[str]:
    """What is wrong with ``password``, as i18n keys (empty when it is acceptable).

    >>> policy_problems("short")
    ['auth.password_too_short']
    >>> policy_problems("Password123456!")  # "password" after stripping trailing digits
    ['auth.password_common']
    >>> policy_problems("analyst-anna-2025", username="anna")
    ['auth.password_contains_username']
    >>> policy_problems(" lichen valley ferry 41")  # the login form trims what is typed
    ['auth.password_edge_spaces']
    >>> policy_problems("lichen valley ferry 41")
    []
    """
    problems = []
    if password != password.strip():
        problems.append("auth.password_edge_spaces")
    if len(password) < MIN_LENGTH:
        problems.append("auth.password_too_short")
    if len(password) > MAX_LENGTH:
        problems.append("auth.password_too_long")
    elif len(password.encode("utf-8")) > MAX_BYTES:
        problems.append("auth.password_too_many_bytes")
    lowered = password.lower()
    if lowered in common_passwords() or _TRAILING.sub("", lowered) in common_passwords():
        problems.append("auth.password_common")
    if username and username.lower() in lowered:
        problems.append("auth.password_contains_username")
    return problems


def generate_password() -> str:
    """A random one-time password of 20 characters (about 116 bits) that passes the policy."""
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(GENERATED_LENGTH))
        if not policy_problems(password):
            return password


def hash_password(password: str) -> str:
    """The bcrypt hash of ``password`` (``$2b$12$...``), as streamlit-authenticator expects.

    Raises
    ------
    ValueError
        When the password is longer than 72 UTF-8 bytes (see :data:`MAX_BYTES`).
    """
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(BCRYPT_ROUNDS)).decode("ascii")


def verify_password(password: str, hashed: str | None) -> bool:
    """Whether ``password`` matches the bcrypt hash; False for anything unusable."""
    if not hashed:
        return False
    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))
    except ValueError:  # over 72 bytes, or not a bcrypt hash
        return False
