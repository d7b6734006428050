"""Accounts: creation, changes, credentials for the login form, lockout, first admin, demo."""

from __future__ import annotations

import stat
import threading

import polars as pl
import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal

from dashboard.auth import accounts, sessions, totp
from dashboard.auth.accounts import (
    ACCOUNT_SCHEMA,
    LOCK_AFTER,
    LOCK_DURATION,
    ROLES,
    SECOND_FACTOR_REQUIRED,
    Account,
    AccountError,
    attempt_login,
    change_password,
    create_account,
    create_demo_accounts,
    credentials,
    disable,
    ensure_first_admin,
    get_account,
    is_locked,
    list_accounts,
    record_failure,
    record_success,
    reset_password,
    reset_totp,
    set_role,
)
from dashboard.auth.audit import entries
from dashboard.auth.passwords import verify_password
from dashboard.db.models import ACCOUNTS
from tests.auth.helpers import NOW, PASSWORD, database_text, minutes


def password_hash(engine: sa.Engine, username: str) -> str:
    with engine.connect() as connection:
        return connection.execute(
            sa.select(ACCOUNTS.c.password_hash).where(ACCOUNTS.c.username == username)
        ).scalar_one()


def failed_logins(engine: sa.Engine, username: str) -> int:
    with engine.connect() as connection:
        return connection.execute(
            sa.select(ACCOUNTS.c.failed_logins).where(ACCOUNTS.c.username == username)
        ).scalar_one()


def audit_trail(engine: sa.Engine) -> list[tuple]:
    """(action, actor, outcome, target, detail) of every entry, in the order written."""
    frame = entries(engine).sort("id")
    return list(frame.select("action", "actor", "outcome", "target", "detail").iter_rows())


def test_the_contract_constants():
    assert ROLES == ("admin", "analyst", "viewer", "presenter")
    assert SECOND_FACTOR_REQUIRED == {"admin", "analyst"}
    assert (LOCK_AFTER, LOCK_DURATION) == (5, minutes(15))


# --- creating and reading ----------------------------------------------------------------


def test_create_without_password_generates_a_one_time_password(engine):
    password = create_account(engine, "anna", "analyst", display_name="Anna Muster", actor="admin", now=NOW)

    assert len(password) == 20 and verify_password(password, password_hash(engine, "anna"))
    assert get_account(engine, "anna") == Account(
        username="anna", display_name="Anna Muster", role="analyst", disabled=False,
        locked_until=None, totp_enrolled=False, must_change_password=True,
    )
    assert audit_trail(engine) == [("account_created", "admin", "ok", "anna", "role=analyst")]


def test_create_with_a_password_keeps_it_and_needs_no_change(engine):
    assert create_account(engine, "bea", "viewer", password=PASSWORD) == PASSWORD

    assert get_account(engine, "bea") == Account(
        username="bea", display_name="bea", role="viewer", disabled=False,
        locked_until=None, totp_enrolled=False, must_change_password=False,
    )
    assert verify_password(PASSWORD, password_hash(engine, "bea"))


@pytest.mark.parametrize(
    ("username", "role", "password", "key"),
    [
        # usernames: lower-case letters, digits, . _ -; 2 to 64 characters
        ("Anna", "viewer", None, "auth.invalid_username"),
        ("a", "viewer", None, "auth.invalid_username"),
        ("-anna", "viewer", None, "auth.invalid_username"),
        ("anna muster", "viewer", None, "auth.invalid_username"),
        ("a" * 65, "viewer", None, "auth.invalid_username"),
        ("anna@cii", "viewer", None, "auth.invalid_username"),
        ("ab12" * 16, "viewer", None, "auth.invalid_username"),  # would read as a pseudonym in the log
        ("7561234567897", "viewer", None, "auth.invalid_username"),  # as an AVS number
        # roles
        ("anna", "root", None, "auth.unknown_role"),
        ("anna", "Admin", None, "auth.unknown_role"),
        # a given password passes the policy
        ("anna", "viewer", "short", "auth.password_too_short"),
        ("anna", "viewer", "anna-was-here-2025", "auth.password_contains_username"),
    ],
)
def test_create_refuses(engine, username, role, password, key):
    with pytest.raises(AccountError) as caught:
        create_account(engine, username, role, password=password)

    assert caught.value.key == key
    assert caught.value.message("fr") != caught.value.message("de")
    assert get_account(engine, username) is None and entries(engine).height == 0


def test_usernames_at_the_limits_are_accepted(engine):
    for username in ("ab", "z" * 64, "anna.muster_2-x", "9lives"):
        create_account(engine, username, "viewer")
    assert list_accounts(engine)["username"].to_list() == sorted(["ab", "z" * 64, "anna.muster_2-x", "9lives"])


def test_a_taken_username_is_refused(engine):
    create_account(engine, "anna", "viewer")

    with pytest.raises(AccountError) as caught:
        create_account(engine, "anna", "admin")

    assert (caught.value.key, caught.value.message("de")) == ("auth.account_exists", "Das Konto «anna» existiert bereits.")
    assert get_account(engine, "anna").role == "viewer"


def test_policy_errors_list_every_problem(engine):
    with pytest.raises(AccountError) as caught:
        create_account(engine, "anna", "viewer", password="anna")

    assert caught.value.problems == ["auth.password_too_short", "auth.password_contains_username"]
    assert caught.value.message("fr") == (
        "Le mot de passe doit compter au moins 12 caractères. "
        "Le mot de passe ne doit pas contenir le nom d'utilisateur."
    )


def test_list_accounts_has_no_hash_and_no_secret(engine):
    create_account(engine, "bea", "viewer", now=NOW)
    create_account(engine, "anna", "analyst", display_name="Anna", now=NOW + minutes(1))
    totp.enrol(engine, "anna", totp.new_secret(), now=NOW)
    for _ in range(LOCK_AFTER):
        record_failure(engine, "bea", now=NOW + minutes(2))

    result = list_accounts(engine)

    expected = pl.DataFrame(
        {
            "username": ["anna", "bea"],
            "display_name": ["Anna", "bea"],
            "role": ["analyst", "viewer"],
            "disabled": [False, False],
            "must_change_password": [True, True],
            "totp_enrolled": [True, False],
            "failed_logins": [0, 5],
            "locked_until": [None, NOW + minutes(2) + LOCK_DURATION],
            "created_at": [NOW + minutes(1), NOW],
        },
        schema=ACCOUNT_SCHEMA,
    )
    assert_frame_equal(result, expected)


def test_list_of_no_account_is_empty_with_the_columns(engine):
    assert_frame_equal(list_accounts(engine), pl.DataFrame(schema=ACCOUNT_SCHEMA))


# --- changing ------------------------------------------------------------------------------


def test_set_role_changes_it_ends_sessions_and_audits(engine):
    create_account(engine, "root", "admin")
    create_account(engine, "anna", "viewer")
    session = sessions.open_session(engine, "anna", cookie_expires=None, now=NOW)

    set_role(engine, "anna", "analyst", actor="root", now=NOW)

    assert get_account(engine, "anna").role == "analyst"
    assert sessions.check(engine, session, now=NOW) is None
    assert audit_trail(engine)[-1] == ("account_changed", "root", "ok", "anna", "role=analyst")


@pytest.mark.parametrize(
    "change",
    [
        lambda engine: set_role(engine, "root", "viewer", actor="root"),
        lambda engine: disable(engine, "root", actor="root"),
    ],
    ids=["set-role", "disable"],
)
def test_the_last_active_admin_cannot_be_removed(engine, change):
    create_account(engine, "root", "admin")
    create_account(engine, "old", "admin")
    disable(engine, "old", actor="root")  # another admin, but disabled: does not count

    with pytest.raises(AccountError) as caught:
        change(engine)

    assert caught.value.key == "auth.last_admin"
    assert get_account(engine, "root") == Account("root", "root", "admin", False, None, False, True)


def test_with_a_second_admin_the_first_can_step_down(engine):
    create_account(engine, "root", "admin")
    create_account(engine, "deputy", "admin")

    set_role(engine, "root", "viewer", actor="deputy")

    assert get_account(engine, "root").role == "viewer"


@pytest.mark.parametrize(
    "change",
    [
        lambda engine: set_role(engine, "ghost", "viewer", actor="root"),
        lambda engine: reset_password(engine, "ghost", actor="root"),
        lambda engine: reset_totp(engine, "ghost", actor="root"),
        lambda engine: disable(engine, "ghost", actor="root"),
        lambda engine: change_password(engine, "ghost", PASSWORD, PASSWORD + "!"),
    ],
    ids=["set-role", "reset-password", "reset-totp", "disable", "change-password"],
)
def test_changes_to_an_unknown_account_are_refused(engine, change):
    with pytest.raises(AccountError) as caught:
        change(engine)

    assert (caught.value.key, caught.value.message("fr")) == ("auth.unknown_account", "Aucun compte « ghost ».")


def test_set_role_refuses_an_unknown_role(engine):
    create_account(engine, "anna", "viewer")

    with pytest.raises(AccountError) as caught:
        set_role(engine, "anna", "superuser", actor="root")

    assert caught.value.message("de") == "Unbekannte Rolle «superuser». Mögliche Rollen: admin, analyst, viewer, presenter"


def test_reset_password_gives_a_new_one_time_password_unlocks_and_ends_sessions(engine):
    create_account(engine, "anna", "viewer", password=PASSWORD)
    session = sessions.open_session(engine, "anna", cookie_expires=None, now=NOW)
    for _ in range(LOCK_AFTER):
        record_failure(engine, "anna", now=NOW)
    assert is_locked(engine, "anna", now=NOW)

    new = reset_password(engine, "anna", actor="root", now=NOW)

    assert verify_password(new, password_hash(engine, "anna")) and not verify_password(PASSWORD, password_hash(engine, "anna"))
    assert get_account(engine, "anna") == Account("anna", "anna", "viewer", False, None, False, True)
    assert (is_locked(engine, "anna", now=NOW), failed_logins(engine, "anna")) == (False, 0)
    assert sessions.check(engine, session, now=NOW) is None
    assert audit_trail(engine)[-1] == ("account_changed", "root", "ok", "anna", "password_reset")
    assert new not in database_text(engine)


def test_change_password_checks_the_old_one_and_the_policy(engine):
    one_time = create_account(engine, "anna", "analyst")

    with pytest.raises(AccountError) as wrong:
        change_password(engine, "anna", "not it", PASSWORD)
    with pytest.raises(AccountError) as same:
        change_password(engine, "anna", one_time, one_time)
    with pytest.raises(AccountError) as weak:
        change_password(engine, "anna", one_time, "Password2025!")
    assert [wrong.value.key, same.value.key, weak.value.key] == [
        "auth.wrong_password", "auth.password_unchanged", "auth.password_common",
    ]
    assert get_account(engine, "anna").must_change_password is True

    change_password(engine, "anna", one_time, PASSWORD, now=NOW)

    assert verify_password(PASSWORD, password_hash(engine, "anna"))
    assert get_account(engine, "anna").must_change_password is False
    assert audit_trail(engine)[-1] == ("password_changed", "anna", "ok", "anna", "password_changed")


def test_reset_totp_forgets_the_secret(engine):
    create_account(engine, "anna", "analyst")
    totp.enrol(engine, "anna", totp.new_secret())
    session = sessions.open_session(engine, "anna", cookie_expires=None, now=NOW)

    reset_totp(engine, "anna", actor="root", now=NOW)

    assert get_account(engine, "anna").totp_enrolled is False
    assert totp.secret_of(engine, "anna") is None
    assert sessions.check(engine, session, now=NOW) is None
    assert audit_trail(engine)[-1] == ("account_changed", "root", "ok", "anna", "totp_reset")


def test_disable_ends_sessions_and_leaves_the_credentials(engine):
    create_account(engine, "root", "admin")
    create_account(engine, "anna", "viewer")
    session = sessions.open_session(engine, "anna", cookie_expires=None, now=NOW)

    disable(engine, "anna", actor="root", now=NOW)

    assert get_account(engine, "anna").disabled is True
    assert sessions.check(engine, session, now=NOW) is None
    assert list(credentials(engine, now=NOW)["usernames"]) == ["root"]
    assert audit_trail(engine)[-1] == ("account_changed", "root", "ok", "anna", "disabled")


# --- credentials for streamlit-authenticator -------------------------------------------------


def test_credentials_are_what_the_login_form_needs(engine):
    create_account(engine, "anna", "analyst", display_name="Anna Muster", password=PASSWORD)
    create_account(engine, "bea", "presenter", password=PASSWORD + "!")
    create_account(engine, "carl", "viewer")
    for _ in range(LOCK_AFTER):
        record_failure(engine, "bea", now=NOW)

    result = credentials(engine, now=NOW + minutes(1))

    assert result == {
        "usernames": {
            "anna": {"name": "Anna Muster", "password": password_hash(engine, "anna"), "roles": ["analyst"], "failed_login_attempts": 0},
            "bea": {"name": "bea", "password": password_hash(engine, "bea"), "roles": ["presenter"], "failed_login_attempts": LOCK_AFTER},
            "carl": {"name": "carl", "password": password_hash(engine, "carl"), "roles": ["viewer"], "failed_login_attempts": 0},
        }
    }
    assert credentials(engine, now=NOW + LOCK_DURATION)["usernames"]["bea"]["failed_login_attempts"] == 0


# --- lockout -------------------------------------------------------------------------------


def test_five_failures_lock_for_fifteen_minutes_even_the_right_password(engine):
    create_account(engine, "anna", "viewer", password=PASSWORD)

    locked = [record_failure(engine, "anna", now=NOW + minutes(i)) for i in range(LOCK_AFTER)]

    assert locked == [False, False, False, False, True]
    assert get_account(engine, "anna").locked_until == NOW + minutes(4) + LOCK_DURATION
    # While locked, the right password is refused too, and the lock is not extended.
    assert attempt_login(engine, "anna", PASSWORD, now=NOW + minutes(10)) == "locked"
    record_success(engine, "anna", now=NOW + minutes(10))  # cannot lift the lock either
    assert is_locked(engine, "anna", now=NOW + minutes(18)) is True
    assert get_account(engine, "anna").locked_until == NOW + minutes(4) + LOCK_DURATION
    # 15 minutes after the 5th failure, it is open again, with a fresh count.
    assert is_locked(engine, "anna", now=NOW + minutes(19)) is False
    assert attempt_login(engine, "anna", PASSWORD, now=NOW + minutes(19)) == "ok"
    assert failed_logins(engine, "anna") == 0
    assert audit_trail(engine)[1:] == [
        *[("login_failed", "anna", "refused", None, f"failures={n}") for n in range(1, 5)],
        ("login_failed", "anna", "refused", None, "failures=5"),
        ("lockout", "anna", "refused", None, "minutes=15"),
        ("login_refused_locked", "anna", "refused", None, None),
    ]


def test_an_expired_lock_starts_the_count_again(engine):
    create_account(engine, "anna", "viewer", password=PASSWORD)
    for _ in range(LOCK_AFTER):
        record_failure(engine, "anna", now=NOW)

    assert record_failure(engine, "anna", now=NOW + LOCK_DURATION) is False

    assert failed_logins(engine, "anna") == 1
    assert get_account(engine, "anna").locked_until is None


def test_a_success_resets_the_count(engine):
    create_account(engine, "anna", "viewer", password=PASSWORD)
    for _ in range(LOCK_AFTER - 1):
        assert attempt_login(engine, "anna", "wrong password", now=NOW) == "wrong"

    assert attempt_login(engine, "anna", PASSWORD, now=NOW) == "ok"
    assert [record_failure(engine, "anna", now=NOW) for _ in range(LOCK_AFTER - 1)] == [False] * 4


def test_the_count_lives_in_the_database(engine):
    create_account(engine, "anna", "viewer", password=PASSWORD)
    for _ in range(LOCK_AFTER - 1):
        record_failure(engine, "anna", now=NOW)
    # Another process: a new engine on the same database.
    other = sa.create_engine(engine.url.render_as_string(hide_password=False))
    try:
        assert record_failure(other, "anna", now=NOW) is True
        assert is_locked(other, "anna", now=NOW) is True
    finally:
        other.dispose()
    assert is_locked(engine, "anna", now=NOW) is True


def test_concurrent_failures_are_all_counted(engine):
    create_account(engine, "anna", "viewer", password=PASSWORD)
    create_account(engine, "bea", "viewer", password=PASSWORD)

    def fail_together(username: str, times: int) -> list[bool]:
        barrier, results = threading.Barrier(times), []

        def attempt() -> None:
            barrier.wait()
            results.append(record_failure(engine, username, now=NOW))

        threads = [threading.Thread(target=attempt) for _ in range(times)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results

    assert sorted(fail_together("anna", LOCK_AFTER - 1)) == [False] * 4
    assert failed_logins(engine, "anna") == 4
    # Eight at once on a fresh account: exactly one locks it, the three after it are refused.
    assert sorted(fail_together("bea", 8)) == [False] * 4 + [True] * 4
    assert failed_logins(engine, "bea") == LOCK_AFTER
    actions = entries(engine, actor="bea")["action"].value_counts(sort=True)
    assert dict(actions.iter_rows()) == {"login_failed": 5, "login_refused_locked": 3, "lockout": 1}


def test_an_unknown_username_is_counted_nowhere_and_audited_without_it(engine):
    assert record_failure(engine, "my-Secret-Password-typed-here", now=NOW) is False
    assert attempt_login(engine, "ghost", PASSWORD, now=NOW) == "wrong"

    assert audit_trail(engine) == [("login_failed", None, "refused", None, "unknown account")] * 2
    assert "my-Secret" not in database_text(engine)


def test_attempt_login_of_a_disabled_account(engine):
    create_account(engine, "root", "admin")
    create_account(engine, "anna", "viewer", password=PASSWORD)
    disable(engine, "anna", actor="root")

    assert attempt_login(engine, "anna", PASSWORD, now=NOW) == "disabled"
    assert attempt_login(engine, "anna", "wrong password", now=NOW) == "wrong"


# --- first admin and demo accounts --------------------------------------------------------------


def test_the_first_admin_is_created_once(engine):
    password = ensure_first_admin(engine)

    assert len(password) == 20 and verify_password(password, password_hash(engine, "admin"))
    assert get_account(engine, "admin") == Account("admin", "Administrator", "admin", False, None, False, True)
    assert ensure_first_admin(engine) is None
    assert list_accounts(engine).height == 1


def test_no_first_admin_when_accounts_exist(engine):
    create_account(engine, "root", "admin")

    assert ensure_first_admin(engine) is None
    assert get_account(engine, "admin") is None


def test_demo_accounts_one_per_role_written_to_a_private_file(engine, tmp_path):
    path = tmp_path / "var" / "demo-accounts.txt"

    created = create_demo_accounts(engine, path)

    assert {role: username for role, (username, _) in created.items()} == {role: f"demo-{role}" for role in ROLES}
    assert path.read_text().splitlines() == [f"{role} {user} {password}" for role, (user, password) in created.items()]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for role, (username, password) in created.items():
        assert get_account(engine, username) == Account(username, f"Demo {role}", role, False, None, False, False)
        assert verify_password(password, password_hash(engine, username))


def test_demo_accounts_again_get_new_passwords_and_are_unlocked(engine, tmp_path):
    path = tmp_path / "demo-accounts.txt"
    path.write_text("old")
    path.chmod(0o644)
    first = create_demo_accounts(engine, path)
    for _ in range(LOCK_AFTER):
        record_failure(engine, "demo-viewer", now=NOW)
    session = sessions.open_session(engine, "demo-viewer", cookie_expires=None, now=NOW)

    second = create_demo_accounts(engine, path, now=NOW)

    assert all(first[role][1] != second[role][1] for role in ROLES)
    assert not is_locked(engine, "demo-viewer", now=NOW)
    assert sessions.check(engine, session, now=NOW) is None
    assert verify_password(second["viewer"][1], password_hash(engine, "demo-viewer"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list_accounts(engine).height == len(ROLES)


# --- nothing secret at rest ----------------------------------------------------------------


def test_no_plaintext_password_or_totp_secret_anywhere_in_the_database(engine, tmp_path):
    given = create_account(engine, "anna", "analyst", password=PASSWORD)
    one_time = create_account(engine, "bea", "admin")
    reset = reset_password(engine, "anna", actor="bea")
    change_password(engine, "bea", one_time, "quiet harbour lantern 77")
    secret = totp.new_secret()
    totp.enrol(engine, "anna", secret)
    demo = create_demo_accounts(engine, tmp_path / "demo.txt")
    record_failure(engine, "anna")
    first_admin_db = ensure_first_admin(engine)  # None here: accounts exist

    text = database_text(engine)

    plaintexts = [given, one_time, reset, "quiet harbour lantern 77", secret, *(p for _, p in demo.values())]
    assert first_admin_db is None
    assert [value for value in plaintexts if value in text] == []
    assert secret.lower() not in text.lower()
    assert totp.secret_of(engine, "anna") == secret  # it is there, encrypted
