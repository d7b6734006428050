"""Fixtures of the access tests: fast bcrypt, test keys, and no developer secrets file."""

from __future__ import annotations

import pytest

from dashboard.auth import passwords
from tests.auth.helpers import COOKIE_KEY, TOTP_KEY


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch):
    """bcrypt at its lowest cost (~1 ms instead of ~0.2 s per hash): same format, same checks."""
    monkeypatch.setattr(passwords, "BCRYPT_ROUNDS", 4)


@pytest.fixture(autouse=True)
def test_keys(monkeypatch, tmp_path):
    """Keys from the environment; the secrets file setting points to a missing file."""
    monkeypatch.setenv("CII_TOTP_KEY", TOTP_KEY)
    monkeypatch.setenv("CII_COOKIE_KEY", COOKIE_KEY)
    monkeypatch.setenv("CII_SECRETS_FILE", str(tmp_path / "secrets" / "secrets.toml"))
