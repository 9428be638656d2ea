"""Email: queued in the outbox with the change that caused it, delivered in the background
with retries, through SMTP or (when no SMTP server is configured) into a maildir."""

from __future__ import annotations

import email.policy
import json
import logging
import mailbox
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import session_scope
from app.models import OutboxMessage, OutboxStatus, utcnow

log = logging.getLogger("consult.mail")
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=2)
SMTP_TIMEOUT = 20


def queue_mail(
    *,
    session: Session,
    kind: str,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    question_id: int | None = None,
) -> OutboxMessage:
    """Put a message in the outbox, in the caller's transaction."""
    message = OutboxMessage(
        kind=kind,
        to_address=to,
        subject=subject,
        body_text=text,
        body_html=html,
        headers_json=json.dumps(headers or {}),
        question_id=question_id,
    )
    session.add(message)
    session.flush()
    return message


def queue_templated(
    *,
    session: Session,
    kind: str,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
    question_id: int | None = None,
) -> OutboxMessage:
    """Queue a mail whose parts come from templates/emails/<template>.txt (and .html)."""
    from jinja2 import TemplateNotFound

    from app.templating import templates

    try:  # looked up by name: listing the templates walks the whole folder, on every mail
        html: str | None = templates.get_template(f"emails/{template}.html").render(context)
    except TemplateNotFound:
        html = None
    return queue_mail(
        session=session,
        kind=kind,
        to=to,
        subject=subject,
        question_id=question_id,
        text=templates.get_template(f"emails/{template}.txt").render(context),
        html=html,
        headers=headers,
    )


def cancel_mail_for_question(*, session: Session, question_id: int) -> None:
    """Drop unsent mail about a letter and forget its address (used on withdrawal)."""
    session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.question_id) == question_id,
            col(OutboxMessage.status) == OutboxStatus.pending,
        )
        .values(status=OutboxStatus.cancelled, to_address="")
    )


def build_message(settings: Settings, row: OutboxMessage) -> EmailMessage:
    """The RFC 5322 message for an outbox row."""
    # Long header lines stay unfolded and unencoded (a List-Unsubscribe URL must stay a URL).
    message = EmailMessage(policy=email.policy.default.clone(max_line_length=998))
    message["From"] = settings.mail_from
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = make_msgid(domain="ethics-consult.invalid")
    for name, value in json.loads(row.headers_json or "{}").items():
        message[name] = value
    message.set_content(row.body_text)
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html")
    return message


def send_message(settings: Settings, message: EmailMessage) -> None:
    """Hand one message to the SMTP server, or drop it in the maildir under var/."""
    if not settings.smtp_url:
        settings.maildir.parent.mkdir(parents=True, exist_ok=True)
        maildir = mailbox.Maildir(settings.maildir, create=True)
        for sub in ("tmp", "new", "cur"):
            (settings.maildir / sub).mkdir(exist_ok=True)
        maildir.add(message)
        return
    url = urlsplit(settings.smtp_url)
    host, port = url.hostname or "localhost", url.port
    if url.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port or 465, timeout=SMTP_TIMEOUT, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(host, port or 25, timeout=SMTP_TIMEOUT)
    with client:
        if url.scheme == "smtp+starttls":
            client.starttls(context=ssl.create_default_context())
        if url.username:
            client.login(unquote(url.username), unquote(url.password or ""))
        client.send_message(message)


def deliver_due(
    engine: Engine, settings: Settings, *, now: datetime | None = None, limit: int = 50
) -> int:
    """Send what is due; failures are retried later with growing pauses. Returns mails sent."""
    now = now or utcnow()
    sent = 0
    for message_id in _due_ids(engine, now, limit):
        row = _claim(engine, message_id, now)
        if row is None:
            continue  # another worker has it
        try:
            send_message(settings, build_message(settings, row))
        except (OSError, smtplib.SMTPException) as exc:
            _record_failure(engine, row, exc, now)
            continue
        _record_success(engine, row.id or 0)
        sent += 1
    return sent


def _due_ids(engine: Engine, now: datetime, limit: int) -> list[int]:
    with Session(engine) as session:
        ids = session.exec(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == OutboxStatus.pending,
                col(OutboxMessage.next_attempt_at) <= now,
            )
            .order_by(col(OutboxMessage.next_attempt_at))
            .limit(limit)
        ).all()
    return [i for i in ids if i is not None]


def _claim(engine: Engine, message_id: int, now: datetime) -> OutboxMessage | None:
    # One conditional update: only the worker whose update matched the row sends it.
    with session_scope(engine) as session:
        claimed = session.execute(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.id) == message_id,
                col(OutboxMessage.status) == OutboxStatus.pending,
                col(OutboxMessage.next_attempt_at) <= now,
            )
            .values(next_attempt_at=now + LEASE, attempts=OutboxMessage.attempts + 1)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            return None
        return session.get(OutboxMessage, message_id)


def _record_success(engine: Engine, message_id: int) -> None:
    with session_scope(engine) as session:
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message_id)
            .values(status=OutboxStatus.sent, sent_at=utcnow(), to_address="", last_error=None)
        )


def _record_failure(engine: Engine, row: OutboxMessage, exc: Exception, now: datetime) -> None:
    gave_up = row.attempts >= MAX_ATTEMPTS
    pause = timedelta(seconds=min(30 * 2 ** (row.attempts - 1), 6 * 3600))
    log.warning(
        "mail %s (%s) not delivered, attempt %s: %s",
        row.id,
        row.kind,
        row.attempts,
        exc.__class__.__name__,
    )
    with session_scope(engine) as session:
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == row.id)
            .values(
                status=OutboxStatus.failed if gave_up else OutboxStatus.pending,
                next_attempt_at=now + pause,
                last_error=exc.__class__.__name__,
                to_address="" if gave_up else row.to_address,
            )
        )
