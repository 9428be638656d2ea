"""The newsletter, through a real SMTP server: double opt-in, digests, one-click unsubscribe."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlmodel import Session, select

from app.cli import main as consult
from app.db import session_scope
from app.mail import deliver_due
from app.main import create_app
from app.models import Article, Digest, OutboxMessage, Subscriber, utcnow
from app.newsletter import digest as digest_module
from app.newsletter import service, tokens
from tests.conftest import make_settings
from tests.helpers import soup
from tests.mailserver import Inbox, text_of

READER = "quiet.reader@example.org"
BASE = "http://testserver"


@pytest.fixture
def newsletter(database_url: str, tmp_path: Path, smtp: tuple[Inbox, int]) -> Iterator[TestClient]:
    settings = make_settings(database_url, tmp_path / "var", smtp_url=f"smtp://127.0.0.1:{smtp[1]}")
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield client


def box_token(client: TestClient, path: str = "/") -> str:
    field = soup(client.get(path).text).select_one(".newsletter-box input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def sign_up(
    client: TestClient,
    email: str,
    token: str | None = None,
    website: str = "",
    headers: dict[str, str] | None = None,
) -> Response:
    data = {"email": email, "csrf_token": token or box_token(client), "website": website}
    return client.post("/newsletter", data=data, headers=headers)


def deliver(client: TestClient) -> int:
    return deliver_due(client.app.state.services.engine, client.app.state.services.settings)


def publish(client: TestClient, slug: str, hours_ago: float = 1) -> None:
    with session_scope(client.app.state.services.engine) as session:
        session.add(
            Article(
                slug=slug,
                title=f"Column {slug}",
                summary=f"What {slug} is about.",
                status="published",
                published_at=utcnow() - timedelta(hours=hours_ago),
            )
        )


def links(message: EmailMessage, path: str) -> set[str]:
    return set(re.findall(rf"{BASE}{path}[\w.\-]+", text_of(message)))


def subscriber(client: TestClient, email: str = READER) -> Subscriber:
    with Session(client.app.state.services.engine) as session:
        return session.exec(select(Subscriber).where(Subscriber.email == email)).one()


def rows(client: TestClient, model: type) -> list:  # type: ignore[type-arg]
    with Session(client.app.state.services.engine) as session:
        return list(session.exec(select(model)).all())


def confirmed_reader(client: TestClient, inbox: Inbox, email: str = READER) -> None:
    assert sign_up(client, email).headers["location"] == "/newsletter/sent"
    deliver(client)
    [link] = links(inbox.to(email)[-1], "/newsletter/confirm/")
    page = client.get(link)
    assert page.status_code == 200 and "You are subscribed" in soup(page.text).h1.text


def queue_digest(client: TestClient) -> Digest | None:
    with session_scope(client.app.state.services.engine) as session:
        return service.send_digest(
            session=session, settings=client.app.state.services.settings, now=utcnow()
        )


def run_send(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> int:
    settings = client.app.state.services.settings
    for name, value in {
        "DATABASE_URL": settings.database_url,
        "VAR_DIR": str(settings.var_dir),
        "SECRET_KEY": settings.secret_key,
        "SMTP_URL": settings.smtp_url,
        "BASE_URL": BASE,
    }.items():
        monkeypatch.setenv(f"CONSULT_{name}", value)
    return consult(["newsletter", "send"])


def test_sign_up_confirm_digest_unsubscribe_with_a_real_smtp_server(
    newsletter: TestClient,
    smtp: tuple[Inbox, int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    inbox, client = smtp[0], newsletter
    sent = client.get(sign_up(client, READER).headers["location"])
    assert "Check your inbox" in soup(sent.text).h1.text
    assert deliver(client) == 1
    [mail] = inbox.to(READER)
    [link] = links(mail, "/newsletter/confirm/")
    assert subscriber(client).status == "pending"
    for _ in range(2):  # a second click is harmless
        assert "You are subscribed" in soup(client.get(link).text).h1.text
    assert subscriber(client).status == "confirmed"
    sign_up(client, "never.confirms@example.org")
    publish(client, "the-first-column")
    assert run_send(client, monkeypatch) == 0
    assert "1 new column queued for 1 confirmed subscriber" in capsys.readouterr().out
    digest = inbox.to(READER)[-1]
    assert digest["Subject"] == "Ethics Consult: Column the-first-column"
    assert links(digest, "/columns/") == {f"{BASE}/columns/the-first-column"}
    assert "What the-first-column is about." in text_of(digest)
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [unsubscribe_url] = links(digest, "/newsletter/unsubscribe/")
    assert digest["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert [m["Subject"] for m in inbox.to("never.confirms@example.org")] == [
        "Please confirm your Ethics Consult newsletter subscription"
    ]
    client.cookies.clear()  # a mail provider's one-click POST carries no cookie
    done = client.post(unsubscribe_url, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in soup(done.text).h1.text
    assert subscriber(client).status == "unsubscribed"
    publish(client, "the-second-column", hours_ago=0.1)
    assert run_send(client, monkeypatch) == 0
    assert len(inbox.to(READER)) == 2  # confirmation and one digest, nothing after leaving


def test_a_second_send_with_nothing_new_sends_nothing(
    newsletter: TestClient,
    smtp: tuple[Inbox, int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    confirmed_reader(newsletter, smtp[0])
    publish(newsletter, "old-news", hours_ago=24 * 8)  # before the first digest's week
    publish(newsletter, "fresh")
    assert run_send(newsletter, monkeypatch) == 0
    assert run_send(newsletter, monkeypatch) == 0
    assert "nothing queued" in capsys.readouterr().out
    [_, digest] = smtp[0].to(READER)
    assert links(digest, "/columns/") == {f"{BASE}/columns/fresh"}
    assert len(rows(newsletter, Digest)) == 1


def test_a_crash_halfway_queues_nothing_and_the_retry_mails_each_reader_once(
    newsletter: TestClient, smtp: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    for email in ("one@example.org", "two@example.org"):
        confirmed_reader(newsletter, smtp[0], email)
    publish(newsletter, "crash-test")
    real_queue = digest_module.queue_templated
    calls: list[str] = []

    def crash_on_second(**kwargs: object) -> OutboxMessage:
        calls.append(str(kwargs["to"]))
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real_queue(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(digest_module, "queue_templated", crash_on_second)
    with pytest.raises(RuntimeError):
        queue_digest(newsletter)
    assert rows(newsletter, Digest) == [] and deliver(newsletter) == 0
    monkeypatch.setattr(digest_module, "queue_templated", real_queue)
    for _ in range(2):
        queue_digest(newsletter)
        deliver(newsletter)
    assert [len(smtp[0].to(e)) for e in ("one@example.org", "two@example.org")] == [2, 2]


def test_every_address_gets_the_same_answer(
    newsletter: TestClient, smtp: tuple[Inbox, int]
) -> None:
    with session_scope(newsletter.app.state.services.engine) as session:
        for status in ("pending", "confirmed", "unsubscribed"):
            session.add(Subscriber(email=f"{status}@example.org", status=status))
    answers = set()
    for status in ("new", "pending", "confirmed", "unsubscribed"):
        response = sign_up(newsletter, f"{status}@example.org")
        answers.add((response.status_code, response.headers["location"], response.text))
    assert answers == {(303, "/newsletter/sent", "")}
    deliver(newsletter)
    received = {s: len(smtp[0].to(f"{s}@example.org")) for s in ("new", "pending", "confirmed")}
    assert received == {"new": 1, "pending": 1, "confirmed": 0}
    assert len(smtp[0].to("unsubscribed@example.org")) == 1  # back to pending, asked again
    assert subscriber(newsletter, "unsubscribed@example.org").status == "pending"


def test_expired_and_forged_confirmation_links(
    newsletter: TestClient, smtp: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_up(newsletter, READER)
    secret, reader_id = newsletter.app.state.services.secret_key, subscriber(newsletter).id
    with monkeypatch.context() as past:
        past.setattr("itsdangerous.timed.time.time", lambda: utcnow().timestamp() - 49 * 3600)
        old = tokens.confirm_token(secret, reader_id)
    expired = newsletter.get(f"/newsletter/confirm/{old}")
    assert expired.status_code == 410 and "expired" in soup(expired.text).h1.text
    assert soup(expired.text).select_one("form input[name=email]") is not None
    forged = tokens.confirm_token("another-secret", reader_id)
    assert newsletter.get(f"/newsletter/confirm/{forged}").status_code == 400
    assert subscriber(newsletter).status == "pending"
    fresh = tokens.confirm_token(secret, reader_id)
    with session_scope(newsletter.app.state.services.engine) as session:
        service.unsubscribe(session=session, subscriber=subscriber(newsletter), now=utcnow())
    assert newsletter.get(f"/newsletter/confirm/{fresh}").status_code == 400  # no rejoining
    assert subscriber(newsletter).status == "unsubscribed"


def test_the_public_box_is_identical_for_everyone_and_its_token_works_for_48_hours(
    newsletter: TestClient,
) -> None:
    publish(newsletter, "with-a-box")
    first, second = newsletter.get("/"), newsletter.get("/", headers={"Cookie": "x=1"})
    assert first.text == second.text and "set-cookie" not in first.headers
    box = soup(first.text).select_one(".newsletter-box")
    assert box is not None and box.select_one("label[for=newsletter-email]").text == "Email address"
    assert soup(newsletter.get("/columns/with-a-box").text).select_one(".newsletter-box form")
    secret, now = newsletter.app.state.services.secret_key, utcnow()
    assert sign_up(newsletter, READER, box_token(newsletter)).status_code == 303
    day_old = sign_up(
        newsletter, READER, tokens.public_form_token(secret, now - timedelta(hours=47))
    )
    assert day_old.status_code == 303
    stale = sign_up(newsletter, READER, tokens.public_form_token(secret, now - timedelta(hours=49)))
    assert stale.status_code == 403
    assert soup(stale.text).select_one("input[name=email]")["value"] == READER
    hostile = sign_up(newsletter, READER, headers={"Origin": "https://evil.example"})
    assert hostile.status_code == 403


def test_bad_input_keeps_the_address_and_says_why(newsletter: TestClient) -> None:
    missing = newsletter.post("/newsletter", data={"email": READER})
    assert missing.status_code == 403
    page = soup(missing.text)
    assert page.select_one("#email")["value"] == READER
    token = page.select_one("form input[name=csrf_token]")["value"]  # cookie-bound this time
    assert sign_up(newsletter, READER, token).headers["location"] == "/newsletter/sent"
    bad = sign_up(newsletter, "not an address")
    assert bad.status_code == 422
    assert "does not look like an email address" in soup(bad.text).select_one("#email-error").text
    assert soup(bad.text).select_one("#email")["value"] == "not an address"
    trap = sign_up(newsletter, "bot@example.org", website="http://spam.example")
    assert trap.status_code == 422 and "Leave this empty" in trap.text
    assert [s.email for s in rows(newsletter, Subscriber)] == [READER]


def test_sign_ups_are_rate_limited_per_client(newsletter: TestClient) -> None:
    for n in range(newsletter.app.state.services.settings.submissions_per_hour):
        assert sign_up(newsletter, f"reader{n}@example.org").status_code == 303
    limited = sign_up(newsletter, "one.too.many@example.org")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert soup(limited.text).select_one("#email")["value"] == "one.too.many@example.org"


def test_unsubscribe_page_has_a_button_and_stops_mail_already_queued(
    newsletter: TestClient, smtp: tuple[Inbox, int]
) -> None:
    confirmed_reader(newsletter, smtp[0])
    publish(newsletter, "queued-not-sent")
    queue_digest(newsletter)
    token = tokens.unsubscribe_token(
        newsletter.app.state.services.secret_key, subscriber(newsletter).id
    )
    url = f"{BASE}/newsletter/unsubscribe/{token}"
    form = soup(newsletter.get(url).text).select_one("form.newsletter-unsubscribe")
    assert form["action"] == url.removeprefix(BASE) and form.button.text == "Unsubscribe"
    assert newsletter.post(url).status_code == 200
    assert deliver(newsletter) == 0 and len(smtp[0].to(READER)) == 1
    assert newsletter.post("/newsletter/unsubscribe/forged.token.here").status_code == 400


def test_editors_see_counts_history_and_admins_the_csv_but_the_public_never_the_address(
    newsletter: TestClient, smtp: tuple[Inbox, int]
) -> None:
    confirmed_reader(newsletter, smtp[0])
    confirmed_reader(newsletter, smtp[0], "=formula@example.org")
    sign_up(newsletter, "pending@example.org")
    publish(newsletter, "counted")
    made = queue_digest(newsletter)
    assert made is not None
    with Session(newsletter.app.state.services.engine) as session:
        counts = service.subscriber_counts(session=session)
        assert counts == {"pending": 1, "confirmed": 2, "unsubscribed": 0}
        assert [d.id for d in service.digest_history(session=session)] == [made.id]
        csv_text = service.confirmed_addresses_csv(session=session)
    assert csv_text.splitlines()[0] == "email,confirmed_at"
    assert [line.split(",")[0] for line in csv_text.splitlines()[1:]] == [
        READER,
        "'=formula@example.org",
    ]
    public = ("/", "/columns/counted", "/feed.xml", "/sitemap.xml", "/api/v1/columns")
    for path in (*public, "/newsletter", "/newsletter/sent"):
        assert READER not in newsletter.get(path).text, path


def test_the_unsubscribe_header_goes_out_as_a_plain_url(
    newsletter: TestClient, smtp: tuple[Inbox, int]
) -> None:
    confirmed_reader(newsletter, smtp[0])
    publish(newsletter, "raw-header")
    queue_digest(newsletter)
    deliver(newsletter)
    raw = dict(smtp[0].to(READER)[-1].raw_items())
    assert raw["List-Unsubscribe"].startswith(f"<{BASE}/newsletter/unsubscribe/")
