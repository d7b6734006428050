"""The two secrets of the app: the re-login cookie key and the key that encrypts TOTP secrets.

They come from the environment (``CII_COOKIE_KEY``, ``CII_TOTP_KEY``) or, for a local run,
from the ``[auth]`` table of ``.streamlit/secrets.toml`` (git-ignored), never from the
repository. A key that is missing, short or obviously a sample is refused with a message that
says what to do: the app must not start with a guessable key.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path

from dashboard.i18n import TranslatedError

MIN_BYTES = 32
"""Shortest accepted key, in UTF-8 bytes (the cookie is an HMAC-SHA256 JWT)."""

SAMPLE_KEYS = (
    "",
    "changeme",
    "change-me",
    "secret",
    "cookie_key",
    "totp_key",
    "some_signature_key",
    "random_signature_key",
    "abcdefghijklmnopqrstuvwxyz0123456789",
    "0123456789abcdefghijklmnopqrstuvwxyz",
)
"""Keys seen in documentation and examples (streamlit-authenticator's included)."""

_SAMPLE_FRAGMENTS = ("change", "example", "sample", "secret-key", "xxxx")
_MIN_DISTINCT = 10

_ENV = {"cookie_key": "CII_COOKIE_KEY", "totp_key": "CII_TOTP_KEY"}


class KeyProblem(TranslatedError):
    """A key is missing or unusable; ``message(lang)`` says which and how to fix it."""


def secrets_file() -> Path:
    """``CII_SECRETS_FILE`` if set, else ``<cwd>/.streamlit/secrets.toml`` (Streamlit's place)."""
    configured = os.environ.get("CII_SECRETS_FILE", "").strip()
    return Path(configured) if configured else Path.cwd() / ".streamlit" / "secrets.toml"


def _is_sample(value: str) -> bool:
    lowered = value.lower()
    return (
        lowered in SAMPLE_KEYS
        or any(fragment in lowered for fragment in _SAMPLE_FRAGMENTS)
        or len(set(value)) < _MIN_DISTINCT
    )


def _problem(name: str, value: str | None, where: str) -> KeyProblem | None:
    """Why ``value`` cannot serve as the key ``name`` (None when it can)."""
    env, path = _ENV[name], str(secrets_file())
    if not value:
        return KeyProblem("auth.key_missing", env=env, name=name, path=path)
    if len(value.encode("utf-8")) < MIN_BYTES:
        return KeyProblem("auth.key_too_short", env=env, name=name, where=where, min=MIN_BYTES)
    if _is_sample(value):
        return KeyProblem("auth.key_sample", env=env, name=name, where=where)
    return None


def _from_file(name: str) -> str | None:
    path = secrets_file()
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise KeyProblem("auth.secrets_file_invalid", path=str(path), error=str(error)) from None
    section = document.get("auth", {})
    value = section.get(name) if isinstance(section, dict) else None
    return value.strip() if isinstance(value, str) else None


def _key(name: str) -> str:
    env = _ENV[name]
    value = os.environ.get(env, "").strip()
    where = env
    if not value:  # the environment wins; the file is the local fallback
        value = _from_file(name) or ""
        where = str(secrets_file())
    problem = _problem(name, value, where)
    if problem is not None:
        raise problem
    return value


def cookie_key() -> str:
    """The key that signs the re-login cookie (``CII_COOKIE_KEY`` or ``[auth] cookie_key``).

    Raises
    ------
    KeyProblem
        When it is missing, shorter than 32 bytes or a sample value.
    """
    return _key("cookie_key")


def totp_key() -> str:
    """The key TOTP secrets are encrypted with (``CII_TOTP_KEY`` or ``[auth] totp_key``).

    Raises
    ------
    KeyProblem
        When it is missing, shorter than 32 bytes or a sample value.
    """
    return _key("totp_key")


def _new_key() -> str:
    while True:  # a random token may, very rarely, contain a "sample" fragment such as "xxxx"
        value = secrets.token_urlsafe(48)
        if _problem("cookie_key", value, "") is None:
            return value


def init_local_secrets(path: Path | None = None) -> bool:
    """Create the secrets file with two new random keys, readable by its owner only (0600).

    Never overwrites: an existing file, whatever it holds, is left alone (it may hold the key
    that decrypts every enrolled TOTP secret).

    Returns
    -------
    bool
        True if the file was written, False if it already existed.
    """
    path = path or secrets_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (
        "# Local secrets of the CII dashboard (created by `cii secrets init`). Never commit.\n"
        "# Losing totp_key means every user must enrol their authenticator app again.\n"
        "[auth]\n"
        f'cookie_key = "{_new_key()}"\n'
        f'totp_key = "{_new_key()}"\n'
    )
    try:
        # O_EXCL: the check and the creation are one step, so two runs cannot both write.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)  # whatever the umask
        handle.write(text)
    return True
