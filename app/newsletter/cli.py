"""`consult newsletter ...` commands."""

from __future__ import annotations

import argparse

from app.config import Settings


def cmd_newsletter_send(args: argparse.Namespace, settings: Settings) -> int:
    """Queue a digest of the new columns for every confirmed subscriber, then send what is due."""
    from app.db import migrated_engine, session_scope
    from app.mail import deliver_due
    from app.models import utcnow
    from app.newsletter.service import send_digest

    engine = migrated_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            digest = send_digest(session=session, settings=settings, now=utcnow())
        if digest is None:
            print("no columns published since the last digest; nothing queued")
        else:
            columns, readers = len(digest.article_ids.split(",")), digest.recipients
            print(
                f"digest {digest.id}: {_count(columns, 'new column')} queued "
                f"for {_count(readers, 'confirmed subscriber')}"
            )
        sent = deliver_due(engine, settings)
    finally:
        engine.dispose()
    print(f"{sent} mails sent now; the outbox retries anything that could not go yet")
    return 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the newsletter commands to the `consult` parser."""
    newsletter = commands.add_parser("newsletter", help="the newsletter digest")
    newsletter_commands = newsletter.add_subparsers(dest="newsletter_command", required=True)
    newsletter_commands.add_parser(
        "send", help="mail confirmed subscribers a digest of the columns published since the last"
    ).set_defaults(handler=cmd_newsletter_send)
