"""Mail goes through the outbox: receipts reach a real SMTP server, outages lose nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.mail import deliver_due, queue_templated
from app.main import create_app
from app.models import OutboxMessage, utcnow
from tests.asking import send_letter
from tests.conftest import make_settings
from tests.mailserver import Inbox, free_port, text_of

READER = "late.night.writer@example.org"


@pytest.fixture
def mailing(database_url: str, tmp_path: Path, smtp: tuple[Inbox, int]) -> Iterator[TestClient]:
    _, port = smtp
    settings = make_settings(
        database_url, tmp_path / "var", form_min_seconds=0, smtp_url=f"smtp://127.0.0.1:{port}"
    )
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield client


def _outbox(client: TestClient) -> list[OutboxMessage]:
    with Session(client.app.state.services.engine) as session:
        return list(session.exec(select(OutboxMessage)).all())


def test_the_receipt_reaches_smtp_with_the_link_and_without_the_letter(
    mailing: TestClient, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    location = send_letter(mailing, email=READER).headers["location"]
    [queued] = _outbox(mailing)
    assert queued.status == "pending" and queued.kind == "receipt"
    app = mailing.app
    assert deliver_due(app.state.services.engine, app.state.services.settings) == 1
    [message] = inbox.to(READER)
    body = text_of(message)
    assert "http://testserver" + location in body
    assert "keeps asking to meet" not in body  # the letter itself is never mailed
    [sent] = _outbox(mailing)
    assert sent.status == "sent" and sent.to_address == ""  # the address is not kept
    assert (
        deliver_due(app.state.services.engine, app.state.services.settings) == 0
    )  # sent exactly once


def test_no_email_no_mail(mailing: TestClient, smtp: tuple[Inbox, int]) -> None:
    send_letter(mailing)
    assert _outbox(mailing) == []


def test_an_smtp_outage_never_fails_a_letter_and_mail_goes_out_later(
    database_url: str, tmp_path: Path
) -> None:
    from tests.mailserver import smtp_server

    port = free_port()  # nothing listens here yet
    settings = make_settings(
        database_url, tmp_path / "var", form_min_seconds=0, smtp_url=f"smtp://127.0.0.1:{port}"
    )
    with TestClient(create_app(settings), follow_redirects=False) as client:
        assert send_letter(client, email=READER).status_code == 303
        engine = client.app.state.services.engine
        assert deliver_due(engine, settings) == 0
        [waiting] = _outbox(client)
        assert waiting.status == "pending" and waiting.attempts == 1
        assert waiting.last_error and READER not in waiting.last_error
        assert waiting.next_attempt_at > utcnow()
        assert deliver_due(engine, settings) == 0  # not due yet: no hammering
        later = utcnow() + timedelta(minutes=5)
        with smtp_server() as (inbox, live_port):
            settings.smtp_url = f"smtp://127.0.0.1:{live_port}"
            assert deliver_due(engine, settings, now=later) == 1
        assert len(inbox.to(READER)) == 1
        [sent] = _outbox(client)
        assert sent.status == "sent" and sent.attempts == 2


def test_without_smtp_mail_lands_in_the_maildir(database_url: str, tmp_path: Path) -> None:
    settings = make_settings(database_url, tmp_path / "var", form_min_seconds=0)
    with TestClient(create_app(settings), follow_redirects=False) as client:
        location = send_letter(client, email=READER).headers["location"]
        assert deliver_due(client.app.state.services.engine, settings) == 1
    files = list((tmp_path / "var" / "mail" / "new").iterdir())
    assert len(files) == 1
    assert location in files[0].read_text()


@pytest.mark.parametrize(("template", "has_html"), [("receipt", True), ("not_selected", False)])
def test_a_mail_gets_an_html_part_only_when_its_template_has_one(
    database_url: str, tmp_path: Path, template: str, has_html: bool
) -> None:
    app = create_app(make_settings(database_url, tmp_path / "var"))
    context = {
        "status_url": "http://testserver/ask/status/t",
        "signoff": "Kept Waiting",
        "site_name": "Ethics Consult",
    }
    with Session(app.state.services.engine) as session:
        queued = queue_templated(
            session=session,
            kind=template,
            to="reader@example.org",
            subject="A subject",
            template=template,
            context=context,
        )
        assert queued.body_text.strip()
        assert (queued.body_html is not None) is has_html
        session.rollback()
    app.state.services.engine.dispose()
