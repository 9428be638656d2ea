"""The `consult` command: serve, migrate, import and export content."""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import gc
import getpass
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from app.config import ConfigError, Settings, load_settings
from app.db import SchemaBehindError, migrate, migrated_engine, session_scope
from app.models import Article
from app.newsletter import cli as newsletter_cli

Command = Callable[[argparse.Namespace, Settings], int]


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run the site with uvicorn."""
    import uvicorn

    settings.resolved_secret_key()  # fail now, with one line, rather than in every worker
    migrated_engine(settings.database_url).dispose()
    _preload()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        log_level="info",
        access_log=False,
        server_header=False,
    )
    return 0


def _preload() -> None:
    """Import the site here, once, and have uvicorn start its workers as copies of this process
    (fork) instead of as new interpreters that each import it again (spawn): start-up is shorter
    by about a second of imports on two cores, and the workers share the code's memory.

    What the import made lives as long as the process, so it is frozen out of the collector's
    passes first: they do not write to (and so copy) the memory the workers share. uvicorn has
    no setting for the start method; should its internals change, workers are spawned as before.
    """
    from uvicorn import _subprocess

    import app.main  # noqa: F401  # imported here, once, for every worker

    _limit_malloc_arenas()
    gc.collect()
    gc.freeze()
    if isinstance(getattr(_subprocess, "spawn", None), multiprocessing.context.SpawnContext):
        _subprocess.spawn = multiprocessing.get_context("fork")  # type: ignore[assignment]


M_ARENA_MAX = -8  # glibc's mallopt parameter


def _limit_malloc_arenas() -> None:
    """Two malloc arenas per process, unless MALLOC_ARENA_MAX says otherwise: glibc otherwise
    gives each of a worker's threads an arena of its own, and the fragments add tens of MB per
    worker for no speed we could measure. Workers inherit the setting."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return  # glibc read it when this process started
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(ctypes.util.find_library("c")).mallopt(M_ARENA_MAX, 2)


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Bring the database schema up to date."""
    migrate(settings.database_url, args.revision)
    print(f"database migrated to {args.revision}")
    return 0


def cmd_content_import(args: argparse.Namespace, settings: Settings) -> int:
    """Import content files; report what changed and every file that was skipped."""
    from app.editorial.content_import import import_content

    content_dir = Path(args.dir) if args.dir else settings.content_dir
    engine = migrated_engine(settings.database_url)
    with session_scope(engine) as session:
        if args.if_empty and session.exec(select(func.count()).select_from(Article)).one():
            print("database already has articles; nothing imported")
            return 0
        report = import_content(
            session=session, content_dir=content_dir, media_dir=settings.media_dir, tz=settings.tz
        )
    engine.dispose()
    print(
        f"{report.changes} changes: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.topics_changed} topics changed"
    )
    for slug, findings in report.findings:
        print(f"possible identifying details in {slug}: {findings}")
    for error in report.errors:
        print(f"skipped {error}", file=sys.stderr)
    return 1 if report.errors else 0


def cmd_content_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write published columns and topics out as content files."""
    from app.editorial.content_export import export_content

    engine = migrated_engine(settings.database_url)
    with session_scope(engine) as session:
        count = export_content(
            session=session, target=Path(args.dir), media_dir=settings.media_dir, tz=settings.tz
        )
    engine.dispose()
    print(f"exported {count} columns to {args.dir}")
    return 0


def cmd_retention_run(args: argparse.Namespace, settings: Settings) -> int:
    """Erase addresses, declined letters and rate-limit traces that have served their purpose."""
    from app.models import utcnow
    from app.submissions.retention import run_retention

    engine = migrated_engine(settings.database_url)
    with session_scope(engine) as session:
        report = run_retention(session=session, settings=settings, now=utcnow())
    engine.dispose()
    print(
        f"{report.emails_erased} email addresses erased, {report.letters_purged} declined "
        f"letters purged, {report.rate_events_forgotten} rate-limit traces forgotten"
    )
    return 0


def cmd_users_create(args: argparse.Namespace, settings: Settings) -> int:
    """Create a staff account; the password comes from a prompt or standard input."""
    from app.editorial.staff import StaffError, create_staff

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password (12+ characters): ")
        if getpass.getpass("Again: ") != password:
            print("consult: the two passwords differ", file=sys.stderr)
            return 1
    engine = migrated_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            staff = create_staff(
                session=session, email=args.email, role=args.role, name=args.name, password=password
            )
    except StaffError as exc:
        print(f"consult: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"created {staff.role} {staff.email}")
    return 0


def cmd_publish_due(args: argparse.Namespace, settings: Settings) -> int:
    """Publish every scheduled article whose time has come."""
    from app.editorial.workflow import publish_due
    from app.models import utcnow

    engine = migrated_engine(settings.database_url)
    with session_scope(engine) as session:
        published = publish_due(session=session, settings=settings, now=utcnow())
    engine.dispose()
    print(f"published {len(published)} scheduled article(s)")
    return 0


def cmd_backup_or_restore(args: argparse.Namespace, settings: Settings) -> int:
    """Copy the database to a file (safe while the site runs), or restore one (stop it first)."""
    from app.backup import BackupError, backup, restore

    action, done = (
        (backup, "backup written to") if args.command == "backup" else (restore, "restored from")
    )
    try:
        action(settings.database_url, Path(args.path))
    except BackupError as exc:
        print(f"consult: {exc}", file=sys.stderr)
        return 1
    print(f"{done} {args.path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="consult", description="Ethics Consult site tools.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the web server")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(handler=cmd_serve)

    migrate_cmd = commands.add_parser("migrate", help="bring the database schema up to date")
    migrate_cmd.add_argument("--revision", default="head")
    migrate_cmd.set_defaults(handler=cmd_migrate)

    content = commands.add_parser("content", help="import or export content files")
    content_commands = content.add_subparsers(dest="content_command", required=True)
    importer = content_commands.add_parser("import", help="import columns, topics and images")
    importer.add_argument("dir", nargs="?", default=None)
    importer.add_argument("--if-empty", action="store_true", help="only when there are no articles")
    importer.set_defaults(handler=cmd_content_import)
    exporter = content_commands.add_parser("export", help="export published columns and topics")
    exporter.add_argument("dir")
    exporter.set_defaults(handler=cmd_content_export)

    retention = commands.add_parser("retention", help="erase personal data past its time")
    retention_commands = retention.add_subparsers(dest="retention_command", required=True)
    retention_commands.add_parser("run", help="run the retention rules now").set_defaults(
        handler=cmd_retention_run
    )
    users = commands.add_parser("users", help="manage staff accounts")
    users_commands = users.add_subparsers(dest="users_command", required=True)
    create = users_commands.add_parser("create", help="create a staff account")
    create.add_argument("email")
    create.add_argument("--role", required=True, choices=["admin", "editor", "columnist"])
    create.add_argument("--name", default="")
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of prompting",
    )
    create.set_defaults(handler=cmd_users_create)

    commands.add_parser("publish-due", help="publish scheduled articles that are due").set_defaults(
        handler=cmd_publish_due
    )
    for name, text in (
        ("backup", "write a backup of the database"),
        ("restore", "restore the database from a backup"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("path")
        command.set_defaults(handler=cmd_backup_or_restore)
    newsletter_cli.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        handler: Command = args.handler
        return handler(args, settings)
    except (ConfigError, SchemaBehindError) as exc:
        print(f"consult: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
