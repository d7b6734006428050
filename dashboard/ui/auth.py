"""The login gate: who is using the app, with which role, and whether they still may.

streamlit-authenticator renders the login form, checks the bcrypt hashes and keeps the
re-login cookie (a signed JWT); what it lacks is built around it, server-side
(``dashboard.auth``):

- **Lockout.** The failure counter lives in the database, not in the session. A locked
  account is handed to the library with a hash nothing matches, so even the right password
  fails, and the attempt is counted against the account it names (the library increments
  ``failed_login_attempts`` in the credentials dict we pass: that is how the typed username is
  known without echoing it anywhere).
- **Second factor.** After the password, ``admin`` and ``analyst`` (and whoever enrolled) enter
  a TOTP code; the first time, they enrol (QR code and secret shown once). At most
  :data:`dashboard.auth.totp.MAX_TRIES` codes per challenge.
- **Sessions.** A server-side session opens only once every factor is through. Each run checks
  it (12 h lifetime, 30 min idle); logout revokes it. A re-login by cookie is accepted only when
  it matches a live session (``sessions.adopt``), so a cookie replayed after logout, or from a
  login that never passed the second factor, logs nobody in.

Nothing of the dashboard is rendered before :func:`gate` returns a user: the entry point
stops the run otherwise.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities import LoginError

from dashboard import access, disclosure
from dashboard.auth import accounts, audit as audit_log, keys, passwords, sessions, totp
from dashboard.i18n import t
from dashboard.ui import data

COOKIE_NAME = "cii_login"
COOKIE_DAYS = 0.5  # 12 h, the lifetime of a server-side session: the cookie never outlives it

# Our state, apart from the library's (authentication_status, username, name, roles, logout).
_SESSION = "_cii_session"  # the server-side session id, once fully logged in
_PENDING = "_cii_pending"  # password accepted, second factor or password change outstanding
_NOTICE = "_cii_notice"  # a message for the next run (why the user was logged out)
_USER = "_cii_user"
_PAGE = "_cii_page"  # the page of this run (set by require), for the audit log
_DELETE_COOKIE = "_cii_delete_cookie"  # set by logout/expiry; the next gate run deletes the cookie


@dataclass(frozen=True)
class User:
    """The logged-in user of this run."""

    username: str
    display_name: str
    role: str


# --- what pages use ----------------------------------------------------------------------------


def current_user() -> User | None:
    """The user the gate let in for this run (None before login)."""
    return st.session_state.get(_USER)


def require(page: str) -> User:
    """Stop the page unless the current user's role may open it (deny by default).

    The navigation already lists only the role's pages; this second check makes a page safe
    even if it were registered by mistake.
    """
    user = current_user()
    st.session_state[_PAGE] = page
    if user is None or not access.allowed(user.role, page):
        lang = st.session_state.get("lang") or "fr"
        if user is not None:
            audit("access_denied", outcome="refused", page=page)
        st.error(t("login.access_denied", lang))
        st.stop()
    return user


def audit(action: str, **fields: Any) -> None:
    """Record ``action`` in the audit log, by the current user, on the current page."""
    user = current_user()
    fields.setdefault("page", st.session_state.get(_PAGE))
    audit_log.record(data.engine(), action, actor=user.username if user else None, **fields)


def export_recorder(**fields: Any) -> Callable[[bytes], bytes]:
    """What a download's data callable passes its content through to audit the export.

    The callable runs when the button is clicked, outside any script run (no session state
    there): who and where are taken now, at render time.
    """
    user = current_user()
    actor = user.username if user else None
    page = st.session_state.get(_PAGE)
    engine = data.engine()

    def recorded(content: bytes) -> bytes:
        audit_log.record(engine, "export", actor=actor, page=page, **fields)
        return content

    return recorded


def public_threshold() -> int:
    """The small-count threshold of everything public (presenter, Présentation, public exports)."""
    return disclosure.public_threshold()


# --- the gate ----------------------------------------------------------------------------------


@functools.cache
def _unmatchable_hash() -> str:
    """A bcrypt hash of a random secret: what a locked account is checked against."""
    return passwords.hash_password(secrets.token_urlsafe(32))


def _credentials(engine) -> dict:
    credentials = accounts.credentials(engine)
    for entry in credentials["usernames"].values():
        if entry.get("failed_login_attempts"):  # locked now
            entry["password"] = _unmatchable_hash()
        entry["failed_login_attempts"] = 0  # the library's counter, read back after a login
    return credentials


def _fields(lang: str) -> dict[str, str]:
    return {
        "Form name": t("login.form_title", lang),
        "Username": t("login.username", lang),
        "Password": t("login.password", lang),
        "Login": t("login.submit", lang),
    }


class _Gate:
    """One run of the login steps. The library's cookie is written only once every factor is
    through (its own write after the password is switched off with an expiry of 0 days)."""

    def __init__(self, engine: sa.Engine, cookie_key: str, lang: str) -> None:
        self.engine, self.lang = engine, lang
        self.credentials = _credentials(engine)
        self.authenticator = stauth.Authenticate(
            self.credentials, COOKIE_NAME, cookie_key, 0, auto_hash=False, login_sleep_time=0
        )
        self.cookie_deleted = False
        self.adopted = False  # a cookie re-login matched a live session

    def forget(self) -> None:
        """Clear every trace of the login in this session, and the browser's cookie."""
        if not self.cookie_deleted:
            self.authenticator.cookie_controller.delete_cookie()
            self.cookie_deleted = True
        _clear_state()

    def run(self) -> User | None:
        if st.session_state.pop(_DELETE_COOKIE, False):
            self.forget()
        box = st.empty()
        with box.container():
            username = self._steps()
        if username is None:
            return current_user() if self.adopted else None
        box.empty()  # the forms go; the page renders in their place, in this same run
        model = self.authenticator.cookie_controller.cookie_model
        model.cookie_expiry_days = COOKIE_DAYS
        self.authenticator.cookie_controller.set_cookie()
        session_id = sessions.open_session(self.engine, username, cookie_expires=model.exp_date)
        st.session_state.pop(_PENDING, None)
        return _enter(self.engine, session_id, "login")

    def _steps(self) -> str | None:
        """Password, then second factor and password change; the username once all are done."""
        pending = st.session_state.get(_PENDING)
        if pending:
            return self._second_steps(pending)
        notice = st.session_state.pop(_NOTICE, None)
        if notice:
            st.info(t(notice, self.lang))
        logged_in: dict = {}
        try:
            self.authenticator.login(
                location="main", fields=_fields(self.lang), key="cii-login", callback=logged_in.update
            )
        except (LoginError, ValueError):  # a cookie naming a removed account; bcrypt's 72 bytes
            self.forget()
            st.error(t("login.wrong", self.lang))
            return None
        status = st.session_state.get("authentication_status")
        if status is False:
            self._after_failure()
            return None
        if not status:
            return None
        username = st.session_state["username"]
        if logged_in:  # the password form, this run
            accounts.record_success(self.engine, username)
            st.session_state[_PENDING] = {"username": username, "tries": 0}
            st.rerun()  # the next steps replace the password form
        # A re-login by cookie: only into a live session opened by a complete login.
        token = self.authenticator.cookie_controller.get_cookie() or {}
        adopted = sessions.adopt(self.engine, username, token.get("exp_date", -1.0))
        if adopted and _enter(self.engine, adopted, None):
            self.adopted = True
            return None
        self.forget()
        st.info(t("login.session_ended", self.lang))
        self.authenticator.login(location="main", fields=_fields(self.lang), key="cii-login")
        return None

    def _after_failure(self) -> None:
        named = [u for u, e in self.credentials["usernames"].items() if e.get("failed_login_attempts")]
        if named:
            locked = accounts.record_failure(self.engine, named[0])
            st.error(t("login.locked" if locked else "login.wrong", self.lang, minutes=15))
        else:
            # An unknown name is audited without it: it may be a password typed in the wrong field.
            audit_log.record(self.engine, "login_failed", outcome="refused", detail="unknown account")
            st.error(t("login.wrong", self.lang, minutes=15))
        st.session_state["authentication_status"] = None  # count each submission once

    def _second_steps(self, pending: dict) -> str | None:
        """After the password: the TOTP challenge or enrolment, then a forced password change."""
        username = pending["username"]
        account = accounts.get_account(self.engine, username)
        if account is None or account.disabled:
            self.forget()
            return None
        needs_code = account.role in accounts.SECOND_FACTOR_REQUIRED or account.totp_enrolled
        if needs_code and not pending.get("second_factor"):
            self._code(pending, enrolled=account.totp_enrolled)
            if not pending.get("second_factor"):
                return None
        if account.must_change_password and not pending.get("password_changed"):
            st.subheader(t("login.change_title", self.lang))
            st.markdown(t("login.change_text", self.lang))
            if not password_form(self.engine, username, self.lang, key="cii-first-password", ask_current=True):
                return None
            pending["password_changed"] = True
        return username

    def _code(self, pending: dict, *, enrolled: bool) -> None:
        """The TOTP challenge, or the enrolment (QR code and secret, shown this once)."""
        lang, username = self.lang, pending["username"]
        if enrolled:
            secret = totp.secret_of(self.engine, username)
            st.subheader(t("login.totp_title", lang))
        else:
            secret = pending.setdefault("new_secret", totp.new_secret())
            st.subheader(t("login.enrol_title", lang))
            show_new_secret(secret, username, lang)
        with st.form("cii-totp"):
            code = st.text_input(t("login.totp_code", lang), max_chars=6, autocomplete="one-time-code")
            submitted = st.form_submit_button(t("login.totp_submit", lang))
        if submitted:
            if secret and totp.verify(secret, code):
                if not enrolled:
                    totp.enrol(self.engine, username, secret)  # audited there
                    pending.pop("new_secret", None)
                pending["second_factor"] = True
                return
            pending["tries"] += 1
            audit_log.record(self.engine, "totp_failed", actor=username, outcome="refused")
            if pending["tries"] >= totp.MAX_TRIES:
                # The challenge is spent: back to the password, and it counts as a failed login.
                accounts.record_failure(self.engine, username)
                self.forget()
                st.session_state[_NOTICE] = "login.totp_exhausted"
                st.rerun()
            st.error(t("login.totp_wrong", lang, left=totp.MAX_TRIES - pending["tries"]))
        if st.button(t("login.cancel", lang), key="cii-cancel"):
            self.forget()
            st.rerun()


def _clear_state() -> None:
    for key in (_SESSION, _PENDING, _USER):
        st.session_state.pop(key, None)
    for key in ("name", "username", "email", "roles"):
        st.session_state[key] = None
    st.session_state["authentication_status"] = None
    st.session_state["logout"] = True  # the library then ignores the cookie in this session


def _live_user(engine: sa.Engine, session_id: str) -> User | None:
    username = sessions.check(engine, session_id)
    account = accounts.get_account(engine, username) if username else None
    if account is None or account.disabled:
        return None
    return User(account.username, account.display_name or account.username, account.role)


def _enter(engine: sa.Engine, session_id: str, action: str | None) -> User | None:
    """Make ``session_id`` this browser session's, if it is live; audit ``action``."""
    user = _live_user(engine, session_id)
    if user is None:
        return None
    st.session_state[_SESSION] = session_id
    st.session_state[_USER] = user
    if action:
        audit_log.record(engine, action, actor=user.username)
    return user


def gate(lang: str) -> User | None:
    """Render the login steps until the user is fully in; then return the user, else None.

    A live session costs two indexed reads per run and nothing else. Before any login, the
    gate refuses to go further without a sound cookie key and TOTP key (missing, short or
    sample): the first run of every browser session checks them, so the app never starts
    without them.
    """
    engine = data.engine()
    session_id = st.session_state.get(_SESSION)
    if session_id:
        user = _live_user(engine, session_id)
        if user is not None:
            st.session_state[_USER] = user
            return user
        st.session_state[_NOTICE] = "login.session_ended"
        st.session_state[_DELETE_COOKIE] = True
        _clear_state()
    try:
        cookie_key = keys.cookie_key()
        keys.totp_key()
    except keys.KeyProblem as problem:
        st.error(problem.message(lang))
        return None
    first = accounts.ensure_first_admin(engine)
    if first:  # on the server's console, once; never in a browser
        print(t("login.first_admin", lang, username="admin", password=first), flush=True)
    return _Gate(engine, cookie_key, lang).run()


def show_new_secret(secret: str, username: str, lang: str) -> None:
    """The enrolment's QR code and secret: shown while enrolling only, never again."""
    st.markdown(t("login.enrol_text", lang))
    st.image(totp.qr_svg(totp.provisioning_uri(secret, username)), width=220)
    st.code(secret, language=None)


def enrol_form(engine: sa.Engine, username: str, lang: str, state: dict) -> bool:
    """Optional enrolment from the account page; True once the second factor is stored.

    ``state`` (kept in the session) holds the secret being enrolled between reruns.
    """
    secret = state.setdefault("new_secret", totp.new_secret())
    show_new_secret(secret, username, lang)
    with st.form("cii-account-totp"):
        code = st.text_input(t("login.totp_code", lang), max_chars=6, autocomplete="one-time-code")
        submitted = st.form_submit_button(t("login.enrol_submit", lang))
    if submitted:
        if totp.verify(secret, code):
            totp.enrol(engine, username, secret)
            state.pop("new_secret", None)
            return True
        audit_log.record(engine, "totp_failed", actor=username, outcome="refused")
        st.error(t("login.totp_wrong_enrol", lang))
    return False


def password_form(engine: sa.Engine, username: str, lang: str, *, key: str, ask_current: bool) -> bool:
    """A password change form; True once the new password is stored."""
    with st.form(key):
        current = st.text_input(t("login.current_password", lang), type="password") if ask_current else None
        new = st.text_input(t("login.new_password", lang), type="password", help=t("login.policy", lang))
        again = st.text_input(t("login.repeat_password", lang), type="password")
        submitted = st.form_submit_button(t("login.change_submit", lang))
    if not submitted:
        return False
    if new != again:
        st.error(t("login.passwords_differ", lang))
        return False
    try:
        accounts.change_password(engine, username, current, new, actor=username)
    except accounts.AccountError as error:
        st.error(error.message(lang))
        return False
    return True


def _logout(username: str) -> None:
    """The logout button's callback, before the run: revoke server-side, then forget here."""
    engine = data.engine()
    session_id = st.session_state.get(_SESSION)
    if session_id:
        sessions.revoke(engine, session_id, reason="logout")
    audit_log.record(engine, "logout", actor=username)
    _clear_state()
    st.session_state[_DELETE_COOKIE] = True
    st.session_state[_NOTICE] = "login.logged_out"


def logout_button(user: User, lang: str) -> None:
    """The sidebar's user line and logout button."""
    role = t(f"login.role_{user.role}", lang)
    st.sidebar.caption(t("login.signed_in_as", lang, name=user.display_name, role=role))
    st.sidebar.button(t("login.logout", lang), key="cii-logout", on_click=_logout, args=(user.username,))
