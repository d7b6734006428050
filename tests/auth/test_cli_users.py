"""`cii users`, `cii secrets init` and the accounts of `cii demo`, in French and German."""

from __future__ import annotations

import stat

import pytest
import sqlalchemy as sa

from dashboard import demo, settings
from dashboard.auth.accounts import get_account, list_accounts
from dashboard.auth.audit import entries
from dashboard.auth.keys import secrets_file
from dashboard.auth.passwords import verify_password
from dashboard.cli import main
from dashboard.db.engine import get_engine
from dashboard.db.models import ACCOUNTS


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    """An empty SQLite database for `cii`, and a var/ folder of its own."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("CII_DATABASE_URL", url)
    monkeypatch.setenv("USER", "operator")
    monkeypatch.setattr(settings, "VAR_DIR", tmp_path / "var")
    yield url
    get_engine(url).dispose()


def password_of(url: str, username: str) -> str:
    with get_engine(url).connect() as connection:
        return connection.execute(sa.select(ACCOUNTS.c.password_hash).where(ACCOUNTS.c.username == username)).scalar_one()


def last_word(line: str) -> str:
    return line.strip().rsplit(" ", 1)[-1]


def test_the_first_use_creates_the_admin_and_prints_its_password_once(cli_db, capsys):
    assert main(["db", "upgrade"]) == 0
    err = capsys.readouterr().err
    assert "Premier démarrage" in err and "« admin »" in err
    assert verify_password(last_word(err), password_of(cli_db, "admin"))

    assert main(["db", "upgrade"]) == 0
    assert capsys.readouterr().err == ""


def test_the_first_admin_message_in_german_and_on_stderr_only(cli_db, capsys):
    assert main(["--lang", "de", "users", "list"]) == 0
    captured = capsys.readouterr()

    assert captured.err.startswith("Erster Start: Administratorkonto «admin» erstellt.")
    assert "admin" in captured.out and "$2b$" not in captured.out


@pytest.mark.parametrize(("lang", "created"), [("fr", "Compte « anna » créé (rôle analyst)"), ("de", "Konto «anna» erstellt (Rolle analyst)")])
def test_users_add_prints_the_one_time_password_once(cli_db, capsys, lang, created):
    main(["db", "upgrade"])
    capsys.readouterr()

    assert main(["--lang", lang, "users", "add", "anna", "--role", "analyst", "--name", "Anna Muster"]) == 0

    out = capsys.readouterr().out
    assert out.startswith(created)
    assert verify_password(last_word(out), password_of(cli_db, "anna"))
    account = get_account(get_engine(cli_db), "anna")
    assert (account.display_name, account.role, account.must_change_password) == ("Anna Muster", "analyst", True)
    assert entries(get_engine(cli_db), actions=["account_created"]).select("actor", "target").rows() == [
        ("cli:operator", "anna"), (None, "admin"),
    ]


@pytest.mark.parametrize(
    ("argv", "fr", "de"),
    [
        (["users", "add", "Anna", "--role", "viewer"], "Nom d'utilisateur « Anna » invalide", "Ungültiger Benutzername «Anna»"),
        (["users", "add", "anna", "--role", "boss"], "Rôle inconnu « boss »", "Unbekannte Rolle «boss»"),
        (["users", "add", "admin", "--role", "viewer"], "Le compte « admin » existe déjà.", "Das Konto «admin» existiert bereits."),
        (["users", "set-role", "ghost", "viewer"], "Aucun compte « ghost ».", "Kein Konto «ghost»."),
        (["users", "set-role", "admin", "viewer"], "dernier administrateur actif", "letzte aktive Administrator"),
        (["users", "reset-password", "ghost"], "Aucun compte « ghost ».", "Kein Konto «ghost»."),
        (["users", "reset-totp", "ghost"], "Aucun compte « ghost ».", "Kein Konto «ghost»."),
        (["users", "disable", "admin"], "dernier administrateur actif", "letzte aktive Administrator"),
    ],
    ids=["bad-username", "bad-role", "taken", "set-role-unknown", "last-admin-role", "reset-unknown", "totp-unknown", "last-admin-disable"],
)
def test_refusals_exit_1_with_the_reason(cli_db, capsys, argv, fr, de):
    main(["db", "upgrade"])
    capsys.readouterr()
    before = list_accounts(get_engine(cli_db))

    assert main(argv) == 1
    assert fr in capsys.readouterr().err
    assert main(["--lang", "de", *argv]) == 1
    assert de in capsys.readouterr().err
    assert list_accounts(get_engine(cli_db)).equals(before)


def test_users_list_set_role_reset_and_disable(cli_db, capsys):
    main(["users", "add", "anna", "--role", "viewer"])
    main(["users", "add", "bea", "--role", "analyst"])
    capsys.readouterr()

    assert main(["users", "set-role", "anna", "presenter"]) == 0
    assert capsys.readouterr().out == "« anna » a maintenant le rôle presenter ; ses sessions ouvertes sont fermées.\n"

    assert main(["--lang", "de", "users", "reset-password", "bea"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Neues Einmalpasswort für «bea»")
    assert verify_password(last_word(out), password_of(cli_db, "bea"))

    assert main(["users", "reset-totp", "bea"]) == 0
    assert "Second facteur de « bea » réinitialisé" in capsys.readouterr().out

    assert main(["--lang", "de", "users", "disable", "anna"]) == 0
    assert capsys.readouterr().out == "Konto «anna» deaktiviert; seine offenen Sitzungen sind beendet.\n"

    assert main(["users", "list"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in ("admin", "anna", "bea", "presenter", "must_change_password"))
    assert "$2" not in out
    engine = get_engine(cli_db)
    assert list_accounts(engine).select("username", "role", "disabled").rows() == [
        ("admin", "admin", False), ("anna", "presenter", True), ("bea", "analyst", False),
    ]
    assert entries(engine, actions=["account_changed"]).select("actor", "target", "detail").reverse().rows() == [
        ("cli:operator", "anna", "role=presenter"),
        ("cli:operator", "bea", "password_reset"),
        ("cli:operator", "bea", "totp_reset"),
        ("cli:operator", "anna", "disabled"),
    ]


def test_users_needs_a_subcommand(cli_db):
    with pytest.raises(SystemExit) as caught:
        main(["users"])
    assert caught.value.code == 2


def test_secrets_init_writes_once(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("CII_COOKIE_KEY")
    path = secrets_file()

    assert main(["secrets", "init"]) == 0
    assert capsys.readouterr().out == f"Clés secrètes créées dans {path} (lisible par vous seul). Ne versionnez jamais ce fichier.\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = path.read_text()

    assert main(["--lang", "de", "secrets", "init"]) == 0
    assert capsys.readouterr().out == f"{path} existiert bereits: nichts wurde geändert.\n"
    assert path.read_text() == written


@pytest.fixture
def no_demo_files(monkeypatch):
    """The demo data import is tested elsewhere; here only its accounts matter."""
    monkeypatch.setattr(demo, "load_demo", lambda engine: [])


@pytest.mark.parametrize(
    ("lang", "header", "line"),
    [
        ("fr", "Comptes de démonstration (aussi dans {path}) :", "  rôle admin : utilisateur demo-admin, mot de passe "),
        ("de", "Demokonten (auch in {path}):", "  Rolle admin: Benutzer demo-admin, Passwort "),
    ],
)
def test_demo_creates_and_prints_one_account_per_role(cli_db, capsys, no_demo_files, lang, header, line):
    assert main(["--lang", lang, "demo"]) == 0
    captured = capsys.readouterr()

    path = settings.VAR_DIR / "demo-accounts.txt"
    out = captured.out.splitlines()
    assert out[0] == header.format(path=path)
    assert out[1].startswith(line) and len(out) == 5
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    engine = get_engine(cli_db)
    for text, stored in zip(out[1:], path.read_text().splitlines(), strict=True):
        role, username, password = stored.split()
        assert last_word(text) == password and username == f"demo-{role}"
        assert verify_password(password, password_of(cli_db, username))
    assert list_accounts(engine)["username"].to_list() == ["admin", "demo-admin", "demo-analyst", "demo-presenter", "demo-viewer"]
    assert "Premier démarrage" in captured.err or "Erster Start" in captured.err


def test_demo_if_empty_on_a_filled_database_keeps_the_demo_passwords(cli_db, capsys, no_demo_files, monkeypatch):
    assert main(["demo", "--if-empty"]) == 0  # empty: creates the demo accounts
    path = settings.VAR_DIR / "demo-accounts.txt"
    written = path.read_text()
    assert "Premier démarrage" in capsys.readouterr().err
    monkeypatch.setattr(demo, "database_is_empty", lambda engine: False)

    assert main(["demo", "--if-empty"]) == 0

    captured = capsys.readouterr()
    assert captured.out.splitlines()[-1] == f"Les identifiants des comptes de démonstration sont dans {path}."
    assert captured.err == "" and path.read_text() == written
