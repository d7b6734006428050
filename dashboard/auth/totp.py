"""Second factor: time-based one-time codes (RFC 6238) from an authenticator app.

Secrets are stored encrypted (Fernet) with a key derived by HKDF-SHA256 from
:func:`dashboard.auth.keys.totp_key`: a copy of the database alone does not let anyone
generate codes. Losing or changing that key means everyone enrols again.
"""

from __future__ import annotations

import base64
import datetime as dt
import re

import pyotp
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from dashboard.auth import audit, keys
from dashboard.auth.accounts import AccountError
from dashboard.db.models import ACCOUNTS

MAX_TRIES = 5
"""Wrong codes accepted per challenge before the login starts over (enforced by the UI)."""
ISSUER = "CII Valais"
_HKDF_INFO = b"cii-dashboard/totp-secrets/v1"
_CODE = re.compile(r"^[0-9]{6}$")


def _fernet() -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        keys.totp_key().encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def new_secret() -> str:
    """A new random base32 secret (160 bits) to enrol."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code.

    >>> provisioning_uri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "anna")
    'otpauth://totp/CII%20Valais:anna?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=CII%20Valais'
    """
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of ``uri`` as inline SVG markup (scale 5)."""
    import segno  # only the enrolment page needs it

    return segno.make(uri, error="m").svg_inline(scale=5)


def enrol(engine: sa.Engine, username: str, secret: str, *, now: dt.datetime | None = None) -> None:
    """Store ``secret`` (encrypted) as ``username``'s second factor; audits ``totp_enrolled``.

    Raises
    ------
    AccountError
        Unknown account.
    ValueError
        ``secret`` is not a base32 TOTP secret.
    KeyProblem
        The TOTP key is missing or unusable.
    """
    try:
        pyotp.TOTP(secret).now()
    except (ValueError, TypeError) as error:
        raise ValueError("not a base32 TOTP secret") from error
    token = _fernet().encrypt(secret.encode("ascii")).decode("ascii")
    now = now or dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        updated = connection.execute(
            sa.update(ACCOUNTS)
            .where(ACCOUNTS.c.username == username)
            .values(totp_secret_encrypted=token, totp_enrolled_at=now, updated_at=now)
        ).rowcount
        if not updated:
            raise AccountError("auth.unknown_account", username=username)
        audit.record_in(connection, "totp_enrolled", actor=username, target=username, now=now)


def secret_of(engine: sa.Engine, username: str) -> str | None:
    """``username``'s TOTP secret, decrypted; None when not enrolled (or unknown).

    Raises
    ------
    KeyProblem
        The stored secret cannot be decrypted with the current TOTP key (it changed).
    """
    with engine.connect() as connection:
        token = connection.execute(
            sa.select(ACCOUNTS.c.totp_secret_encrypted).where(ACCOUNTS.c.username == username)
        ).scalar_one_or_none()
    if token is None:
        return None
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise keys.KeyProblem("auth.totp_key_changed", username=username) from None


def verify(secret: str, code: str, *, now: dt.datetime | None = None) -> bool:
    """Whether ``code`` (6 digits, spaces ignored) is valid at ``now``, ±30 s.

    >>> secret, at = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    >>> verify(secret, pyotp.TOTP(secret).at(at), now=at), verify(secret, "12345", now=at)
    (True, False)
    """
    code = re.sub(r"\s", "", code or "")
    if not _CODE.match(code):
        return False
    return pyotp.TOTP(secret).verify(code, for_time=now or dt.datetime.now(dt.UTC), valid_window=1)
