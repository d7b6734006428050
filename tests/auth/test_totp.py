"""TOTP: enrolment with an encrypted secret at rest, codes checked within ±30 s."""

from __future__ import annotations

import base64
import datetime as dt

import pyotp
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from dashboard.auth import totp
from dashboard.auth.accounts import AccountError, create_account, get_account
from dashboard.auth.audit import entries
from dashboard.auth.keys import KeyProblem
from dashboard.db.models import ACCOUNTS
from tests.auth.helpers import NOW, TOTP_KEY

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def stored_token(engine: sa.Engine, username: str) -> str | None:
    with engine.connect() as connection:
        return connection.execute(
            sa.select(ACCOUNTS.c.totp_secret_encrypted).where(ACCOUNTS.c.username == username)
        ).scalar_one()


def test_constants():
    assert (totp.MAX_TRIES, totp.ISSUER) == (5, "CII Valais")


def test_new_secrets_are_random_base32():
    secrets = {totp.new_secret() for _ in range(20)}

    assert len(secrets) == 20
    assert all(len(secret) == 32 and base64.b32decode(secret) for secret in secrets)


def test_provisioning_uri_and_qr_code():
    uri = totp.provisioning_uri(SECRET, "anna.muster")

    assert uri == f"otpauth://totp/CII%20Valais:anna.muster?secret={SECRET}&issuer=CII%20Valais"
    svg = totp.qr_svg(uri)
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert 'width="' in svg and SECRET not in svg  # an image, not the secret as text


@pytest.mark.parametrize(
    ("shift", "valid"),
    [(0, True), (-30, True), (30, True), (-60, False), (60, False), (3600, False)],
)
def test_a_code_is_valid_for_its_window_and_the_neighbouring_ones(shift, valid):
    at = NOW + dt.timedelta(seconds=10)  # inside a 30-second step
    code = pyotp.TOTP(SECRET).at(at + dt.timedelta(seconds=shift))

    assert totp.verify(SECRET, code, now=at) is valid


@pytest.mark.parametrize(
    "entered",
    ["", "12345", "1234567", "12a456", "１２３４５６"],  # the last: full-width digits
)
def test_anything_but_six_digits_is_refused(entered):
    assert totp.verify(SECRET, entered, now=NOW) is False


def test_spaces_in_the_code_are_ignored():
    code = pyotp.TOTP(SECRET).at(NOW)

    assert totp.verify(SECRET, f" {code[:3]} {code[3:]} ", now=NOW) is True


def test_enrol_stores_the_secret_encrypted_and_secret_of_decrypts_it(engine):
    create_account(engine, "anna", "analyst")

    totp.enrol(engine, "anna", SECRET, now=NOW)

    token = stored_token(engine, "anna")
    assert SECRET not in token and totp.secret_of(engine, "anna") == SECRET
    assert get_account(engine, "anna").totp_enrolled is True
    # The key is derived from the configured key with HKDF-SHA256, not used as is.
    derived = HKDF(hashes.SHA256(), 32, None, b"cii-dashboard/totp-secrets/v1").derive(TOTP_KEY.encode())
    assert Fernet(base64.urlsafe_b64encode(derived)).decrypt(token.encode()).decode() == SECRET
    with pytest.raises(InvalidToken):
        Fernet(base64.urlsafe_b64encode(TOTP_KEY.encode()[:32])).decrypt(token.encode())
    assert entries(engine).filter(action="totp_enrolled").select("actor", "target", "at").rows() == [("anna", "anna", NOW)]


def test_enrolling_again_replaces_the_secret(engine):
    create_account(engine, "anna", "analyst")
    totp.enrol(engine, "anna", SECRET)
    other = totp.new_secret()

    totp.enrol(engine, "anna", other)

    assert totp.secret_of(engine, "anna") == other


def test_secret_of_an_account_without_second_factor_is_none(engine):
    create_account(engine, "anna", "viewer")

    assert (totp.secret_of(engine, "anna"), totp.secret_of(engine, "ghost")) == (None, None)


def test_enrol_refuses_an_unknown_account_and_a_bad_secret(engine):
    create_account(engine, "anna", "analyst")

    with pytest.raises(AccountError):
        totp.enrol(engine, "ghost", SECRET)
    with pytest.raises(ValueError, match="base32"):
        totp.enrol(engine, "anna", "not base32 at all!")

    assert stored_token(engine, "anna") is None
    assert entries(engine).filter(action="totp_enrolled").height == 0


def test_a_changed_totp_key_is_reported_not_taken_for_no_second_factor(engine, monkeypatch):
    create_account(engine, "anna", "analyst")
    totp.enrol(engine, "anna", SECRET)
    monkeypatch.setenv("CII_TOTP_KEY", "another-Key-entirely-0123456789-abcdefgh")

    with pytest.raises(KeyProblem) as caught:
        totp.secret_of(engine, "anna")

    assert caught.value.key == "auth.totp_key_changed"
    assert "cii users reset-totp anna" in caught.value.message("de")


def test_no_totp_key_no_enrolment(engine, monkeypatch):
    create_account(engine, "anna", "analyst")
    monkeypatch.delenv("CII_TOTP_KEY")

    with pytest.raises(KeyProblem):
        totp.enrol(engine, "anna", SECRET)

    assert stored_token(engine, "anna") is None
