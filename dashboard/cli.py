"""The `cii` command line (also `python -m dashboard`).

Every command honours ``CII_DATABASE_URL`` and prints its messages in the language of
``--lang`` (default: ``CII_LANG`` or French). Exit status: 0 on success, 1 when a file is
refused or an operation is not possible, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from dashboard import settings
from dashboard.datasets import DATASETS, INSTITUTIONS, REGIONS, SOURCES
from dashboard.i18n import LANGUAGES, t

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cii", description="CII Valais dashboard: data and indicators")
    parser.add_argument("--lang", choices=LANGUAGES, default=os.environ.get("CII_LANG", "fr"), help="language of messages")
    commands = parser.add_subparsers(dest="command", required=True)

    imp = commands.add_parser("import", help="import one partner file (read, validate, store)")
    imp.add_argument("dataset", choices=sorted(DATASETS))
    imp.add_argument("file", type=Path)
    imp.add_argument("--source", required=True, type=str.upper, choices=SOURCES, help="the partner sending the file")
    imp.add_argument("--year", required=True, type=int, help="the reporting year the file is sent for")
    imp.add_argument("--by", default=os.environ.get("USER", "cli"), help="who uploads (for the history)")
    imp.add_argument("--sheet", help="XLSX sheet name or 0-based index (default: the first)")

    uploads = commands.add_parser("uploads", help="upload history, newest first")
    uploads.add_argument("--dataset", choices=sorted(DATASETS))

    rollback = commands.add_parser("rollback", help="undo the current upload; the one it replaced becomes current again")
    rollback.add_argument("upload_id", type=int)
    rollback.add_argument("--by", default=os.environ.get("USER", "cli"))

    pseudo = commands.add_parser("pseudonymize", help="replace AVS numbers by pseudonyms before sending a file")
    pseudo.add_argument("input", type=Path, nargs="?")
    pseudo.add_argument("output", type=Path, nargs="?")
    pseudo.add_argument("--key-file", type=Path)
    pseudo.add_argument("--avs-column")
    pseudo.add_argument("--sheet")
    pseudo.add_argument("--new-key", type=Path, metavar="FILE", help="create a new secret key file and stop")

    templates = commands.add_parser("templates", help="write a CSV and an XLSX template per dataset")
    templates.add_argument("directory", type=Path)

    demo = commands.add_parser("demo", help="load the synthetic demo data (2024, 2025) through the normal import path")
    demo.add_argument("--if-empty", action="store_true", help="only when the database holds no upload yet")

    indicators = commands.add_parser("indicators", help="the report's tables for a year")
    indicators.add_argument("--year", type=int, required=True)
    indicators.add_argument("--compare", type=int, help="comparison year (default: the year before)")
    indicators.add_argument("--region", action="append", choices=REGIONS, help="repeatable")
    indicators.add_argument("--table", help="print only this table")
    indicators.add_argument("--format", choices=("json", "csv", "markdown"), default="markdown")

    overlap = commands.add_parser("overlap", help="institution overlap of a year, as JSON")
    overlap.add_argument("--year", type=int, required=True)
    overlap.add_argument("--region", action="append", choices=REGIONS, help="repeatable")
    overlap.add_argument("--institution", action="append", type=str.upper, choices=INSTITUTIONS, help="repeatable")
    overlap.add_argument("--format", choices=("json",), default="json")

    report = commands.add_parser("report", help="the offline report of a year: HTML, XLSX or PPTX slide pack")
    report.add_argument("--year", type=int, required=True)
    # Its own --lang (the report's language, and the messages'), as `cii report --lang de` reads.
    report.add_argument("--lang", dest="report_lang", choices=LANGUAGES, help="language of the report (default: --lang before the command)")
    report.add_argument("--region", action="append", choices=REGIONS, help="repeatable; default: the whole canton")
    report.add_argument("--compare", type=int, help="comparison year (default: the year before, when it has data)")
    report.add_argument("--format", required=True, choices=("html", "xlsx", "pptx"))
    report.add_argument("--out", required=True, type=Path, help="the file to write")
    report.add_argument("--internal", action="store_true", help="exact counts, small counts not suppressed (not for publication)")

    db = commands.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])

    # Roles are checked by dashboard.auth.accounts (importing the schema here would slow every command).
    users = commands.add_parser("users", help="accounts: add, list, set-role, reset-password, reset-totp, disable")
    user_commands = users.add_subparsers(dest="users_command", required=True)
    add = user_commands.add_parser("add", help="create an account; prints its one-time password once")
    add.add_argument("username")
    add.add_argument("--role", required=True, help="admin, analyst, viewer or presenter")
    add.add_argument("--name", help="display name (default: the username)")
    user_commands.add_parser("list", help="every account, without hashes or secrets")
    set_role = user_commands.add_parser("set-role", help="change an account's role (ends its sessions)")
    set_role.add_argument("username")
    set_role.add_argument("role", help="admin, analyst, viewer or presenter")
    for name, text in (
        ("reset-password", "a new one-time password (prints it once; unlocks; ends sessions)"),
        ("reset-totp", "forget the second factor: the user enrols again at the next login"),
        ("disable", "no more logins for this account (ends its sessions)"),
    ):
        user_commands.add_parser(name, help=text).add_argument("username")

    secrets_parser = commands.add_parser("secrets", help="local secrets file (.streamlit/secrets.toml)")
    secrets_parser.add_argument("action", choices=["init"])
    return parser


def _sheet(value: str | None) -> str | int | None:
    return int(value) if value is not None and value.isdigit() else value


def _engine(lang: str):
    """The migrated database; on its first use without any account, creates the first admin.

    The one-time password goes to stderr, so that the output of e.g. ``cii overlap`` stays
    clean JSON; it is shown once and never stored in clear.
    """
    from dashboard.auth.accounts import ensure_first_admin
    from dashboard.db.engine import ensure_database

    engine = ensure_database()
    password = ensure_first_admin(engine)
    if password is not None:
        print(t("auth.cli_first_admin", lang, username="admin", password=password), file=sys.stderr)
    return engine


def _cmd_import(args: argparse.Namespace) -> int:
    from dashboard.imports import import_file

    if not args.file.is_file():
        print(t("cli.file_not_found", args.lang, path=args.file), file=sys.stderr)
        return EXIT_REFUSED
    outcome = import_file(
        _engine(args.lang), args.dataset, args.file, source=args.source, year=args.year, uploaded_by=args.by, sheet=_sheet(args.sheet)
    )
    for line in outcome.report.lines(args.lang):
        print(line, file=sys.stdout if outcome.ok else sys.stderr)
    if outcome.stored is None:
        print(t("cli.import_refused", args.lang, file=args.file.name), file=sys.stderr)
        return EXIT_REFUSED
    print(outcome.stored.message(args.lang))
    return EXIT_OK


def _cmd_uploads(args: argparse.Namespace) -> int:
    from dashboard.db.store import list_uploads

    history = list_uploads(_engine(args.lang), dataset=args.dataset)
    if history.is_empty():
        print(t("cli.no_uploads", args.lang))
    else:
        with __import__("polars").Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, tbl_hide_dataframe_shape=True):
            print(history)
    return EXIT_OK


def _cmd_rollback(args: argparse.Namespace) -> int:
    from dashboard.db.store import StoreError, rollback

    try:
        result = rollback(_engine(args.lang), args.upload_id, by=args.by)
    except StoreError as error:
        print(error.message(args.lang), file=sys.stderr)
        return EXIT_REFUSED
    print(result.message(args.lang))
    return EXIT_OK


def _cmd_pseudonymize(args: argparse.Namespace) -> int:
    from dashboard import pseudonymize

    if args.new_key:
        try:
            pseudonymize.new_key(args.new_key)
        except pseudonymize.PseudonymizeError as error:
            print(error.message(args.lang), file=sys.stderr)
            return EXIT_REFUSED
        print(t("cli.key_created", args.lang, path=args.new_key))
        return EXIT_OK
    if not (args.input and args.output and args.key_file and args.avs_column):
        print(t("cli.pseudonymize_usage", args.lang), file=sys.stderr)
        return EXIT_USAGE
    try:
        report = pseudonymize.pseudonymize_file(
            args.input, args.output, key_file=args.key_file, avs_column=args.avs_column, sheet=_sheet(args.sheet)
        )
    except pseudonymize.PseudonymizeError as error:
        print(error.message(args.lang), file=sys.stderr)
        return EXIT_REFUSED
    for line in report.lines(args.lang):
        print(line)
    return EXIT_OK


def _cmd_templates(args: argparse.Namespace) -> int:
    from dashboard.templates import write_templates

    for path in write_templates(args.directory):
        print(path)
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from dashboard.auth.accounts import create_demo_accounts
    from dashboard.demo import database_is_empty, load_demo

    engine = _engine(args.lang)
    demo_accounts = settings.VAR_DIR / "demo-accounts.txt"
    if args.if_empty and not database_is_empty(engine):
        print(t("cli.demo_skipped", args.lang))
        if demo_accounts.is_file():  # their passwords are kept: only a full `cii demo` renews them
            print(t("auth.cli_demo_accounts_kept", args.lang, path=demo_accounts))
        return EXIT_OK
    refused = 0
    for entry, outcome in load_demo(engine):
        if outcome.stored is None:
            refused += 1
            print(t("cli.demo_refused", args.lang, file=entry.file), file=sys.stderr)
            for line in outcome.report.lines(args.lang):
                print(f"  {line}", file=sys.stderr)
        else:
            print(f"{entry.file}: {outcome.stored.message(args.lang)}")
    created = create_demo_accounts(engine, demo_accounts)
    print(t("auth.cli_demo_accounts", args.lang, path=demo_accounts))
    for role, (username, password) in created.items():
        print(t("auth.cli_demo_account", args.lang, role=role, username=username, password=password))
    return EXIT_REFUSED if refused else EXIT_OK


def _cmd_indicators(args: argparse.Namespace) -> int:
    from dashboard.indicators import render, report_tables

    previous = args.compare if args.compare is not None else args.year - 1
    tables = report_tables(_engine(args.lang), args.year, previous, regions=args.region)
    if args.table:
        if args.table not in tables:
            print(t("cli.unknown_table", args.lang, table=args.table, tables=", ".join(tables)), file=sys.stderr)
            return EXIT_USAGE
        tables = {args.table: tables[args.table]}
    print(render(tables, args.format), end="")
    return EXIT_OK


def _cmd_overlap(args: argparse.Namespace) -> int:
    import json

    from dashboard.indicators import overlap_json

    result = overlap_json(_engine(args.lang), args.year, regions=args.region, institutions=args.institution)
    print(json.dumps(result, ensure_ascii=False))
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    """Write the report; every report written is an audited export, by the operating-system user."""
    from dashboard.auth import audit
    from dashboard.db.store import list_uploads
    from dashboard.disclosure import public_threshold
    from dashboard.formatting import format_count
    from dashboard.report import export_detail, load_report, report_html, report_xlsx, reporting_years

    lang = args.report_lang or args.lang
    if not args.out.parent.is_dir():
        print(t("report.cli_no_directory", lang, path=args.out.parent), file=sys.stderr)
        return EXIT_REFUSED
    engine = _engine(lang)
    uploads = list_uploads(engine)
    years = reporting_years(uploads)
    available = ", ".join(map(str, years)) or t("report.none", lang)
    if args.year not in years:
        print(t("report.no_data", lang, year=args.year, years=available), file=sys.stderr)
        return EXIT_REFUSED
    compare = args.compare
    if compare is None:
        compare = args.year - 1 if args.year - 1 in years else None
    elif compare not in years:
        print(t("report.cli_no_compare_data", lang, year=compare, years=available), file=sys.stderr)
        return EXIT_REFUSED
    threshold = None if args.internal else public_threshold()
    report = load_report(
        engine, year=args.year, compare=compare, regions=args.region, lang=lang, threshold=threshold
    )
    if args.format == "html":
        content = report_html(report).encode("utf-8")
    elif args.format == "xlsx":
        content = report_xlsx(report)
    else:
        from dashboard import slides  # python-pptx and kaleido: only for a slide pack

        try:
            content = slides.slide_pack(report)
        except slides.SlidesError as error:
            print(error.message(lang), file=sys.stderr)
            return EXIT_REFUSED
    args.out.write_bytes(content)
    audit.record(engine, "export", actor=_cli_actor(), detail=export_detail(report, args.format))
    scope = t("report.cli_public" if report.public else "report.cli_internal", lang)
    size = -(-len(content) // 1024)  # kilobytes, rounded up: a small file is not "0 KB"
    kind = f"{args.format.upper()}, {scope}"
    print(t("report.cli_written", lang, path=args.out, kind=kind, size=format_count(size, lang)))
    return EXIT_OK


def _cmd_db(args: argparse.Namespace) -> int:
    _engine(args.lang)  # created and migrated to the latest schema on first use
    print(t("cli.db_ready", args.lang))
    return EXIT_OK


def _cli_actor() -> str:
    """Who acts, for the audit log: the operating-system user at the command line."""
    return f"cli:{os.environ.get('USER', 'unknown')}"


def _cmd_users(args: argparse.Namespace) -> int:
    from dashboard.auth import accounts

    engine = _engine(args.lang)
    actor, lang, username = _cli_actor(), args.lang, getattr(args, "username", None)
    try:
        match args.users_command:
            case "add":
                password = accounts.create_account(engine, username, args.role, display_name=args.name, actor=actor)
                print(t("auth.cli_user_created", lang, username=username, role=args.role, password=password))
            case "list":
                table = accounts.list_accounts(engine)
                if table.is_empty():
                    print(t("auth.cli_no_accounts", lang))
                else:
                    with __import__("polars").Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, tbl_hide_dataframe_shape=True):
                        print(table)
            case "set-role":
                accounts.set_role(engine, username, args.role, actor=actor)
                print(t("auth.cli_role_set", lang, username=username, role=args.role))
            case "reset-password":
                password = accounts.reset_password(engine, username, actor=actor)
                print(t("auth.cli_password_reset", lang, username=username, password=password))
            case "reset-totp":
                accounts.reset_totp(engine, username, actor=actor)
                print(t("auth.cli_totp_reset", lang, username=username))
            case "disable":
                accounts.disable(engine, username, actor=actor)
                print(t("auth.cli_disabled", lang, username=username))
    except accounts.AccountError as error:
        print(error.message(lang), file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK


def _cmd_secrets(args: argparse.Namespace) -> int:
    from dashboard.auth.keys import init_local_secrets, secrets_file

    path = secrets_file()
    key = "auth.cli_secrets_written" if init_local_secrets(path) else "auth.cli_secrets_exist"
    print(t(key, args.lang, path=path))
    return EXIT_OK


_COMMANDS = {
    "import": _cmd_import,
    "uploads": _cmd_uploads,
    "rollback": _cmd_rollback,
    "pseudonymize": _cmd_pseudonymize,
    "templates": _cmd_templates,
    "demo": _cmd_demo,
    "indicators": _cmd_indicators,
    "overlap": _cmd_overlap,
    "report": _cmd_report,
    "db": _cmd_db,
    "users": _cmd_users,
    "secrets": _cmd_secrets,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return _COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
